"""`animate-em --help` stays quick: no NumPy or matplotlib is imported until a command needs them.

(The time itself is measured by bench/cli_startup.py against `python -c pass`; tests never time.)
"""
import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
from animate_em.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "matplotlib", "imageio", "pptx"))
sys.stderr.write(json.dumps(heavy))
"""


@pytest.mark.parametrize("args", [["--help"], ["render", "--help"], ["fit", "--help"], ["report", "--help"],
                                  ["slides", "--help"], ["--version"]])
def test_help_imports_no_numpy_or_matplotlib(args):
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60)
    assert "Usage:" in done.stdout or "version" in done.stdout, done.stdout
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []


def test_a_command_that_fits_does_import_numpy():
    # The probe can see imports: `fit` needs NumPy and gets it.
    done = subprocess.run([sys.executable, "-c", PROBE, "fit", "faithful", "-k", "2"], capture_output=True,
                          text=True, timeout=60)
    assert "numpy" in json.loads(done.stderr.strip().splitlines()[-1])
