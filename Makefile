# `make demo` and `make test` each set themselves up in .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench baselines clean

# Re-install only when the metadata or the pins change, so repeat runs are quick.
$(STAMP): setup.cfg pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/animate-em render --format mp4 --format gif --poster

# Byte-code caching on, whatever the shell says: with PYTHONDONTWRITEBYTECODE set, each of the two
# workers and every animate-em the tests start recompile the package and re-rewrite every test
# module's asserts (collection 17 s instead of 9 s here).
test: $(STAMP)
	PYTHONDONTWRITEBYTECODE= MPLBACKEND=Agg $(BIN)/python -m pytest -q -n 2

bench: $(STAMP)
	$(BIN)/python bench/em_speed.py

clean:
	rm -rf $(VENV) output/* build *.egg-info
