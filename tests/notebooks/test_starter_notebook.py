"""The starter notebook: kept as MyST Markdown with its .ipynb beside it, and it runs with the solutions in.

The test reads ``notebooks/em_starter.md`` with jupytext, puts each solution
of ``em_starter_solutions.py`` into the cell with that tag (and tiny
animation settings into the ``parameters`` cell), executes every cell with
nbclient on the venv's ipykernel and looks at the outputs: the check cells
say "correct", and the animation cells carry an MP4 in an HTML5 video.
"""
from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")
nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "em_starter.md"
BUILT = ROOT / "notebooks" / "em_starter.ipynb"
SOLUTIONS = Path(__file__).with_name("em_starter_solutions.py")
EXERCISES = ("exercise-e-step", "exercise-m-step", "exercise-log-likelihood")


def _solutions() -> dict[str, str]:
    parts = re.split(r"^# %% (\S+)\n", SOLUTIONS.read_text(), flags=re.M)
    return {tag: code.strip() + "\n" for tag, code in zip(parts[1::2], parts[2::2])}


def _tagged(notebook, tag: str) -> list:
    return [cell for cell in notebook.cells if tag in cell.get("metadata", {}).get("tags", [])]


def test_the_built_ipynb_is_the_markdown_notebook():
    source = jupytext.read(NOTEBOOK)
    built = nbformat.read(BUILT, as_version=4)
    assert [(c.cell_type, c.source) for c in source.cells] == [(c.cell_type, c.source) for c in built.cells], \
        "notebooks/em_starter.ipynb is stale: jupytext --to ipynb notebooks/em_starter.md"
    assert all(not c.get("outputs") for c in built.cells if c.cell_type == "code"), "commit the notebook without outputs"


def test_every_exercise_is_a_todo_with_shapes_and_is_followed_by_a_check():
    notebook = jupytext.read(NOTEBOOK)
    cells = notebook.cells
    for tag in EXERCISES:
        (cell,) = _tagged(notebook, tag)
        assert "TODO" in cell.source and "raise NotImplementedError" in cell.source
        assert "->" in cell.source and "(N, " in cell.source        # the shapes are stated
        following = cells[cells.index(cell) + 1:]
        next_code = next(c for c in following if c.cell_type == "code")
        assert "check" in next_code.source
    assert set(_solutions()) == {*EXERCISES, "parameters"}


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    notebook = jupytext.read(NOTEBOOK)
    for tag, code in _solutions().items():
        (cell,) = _tagged(notebook, tag)
        cell.source = code
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}})
    client.execute()
    return notebook


def _text(cell) -> str:
    out = []
    for output in cell.get("outputs", []):
        out.append(output.get("text", ""))
        out.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(out)


def test_every_cell_runs_and_every_check_says_correct(executed):
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    checks = [c for c in executed.cells if c.cell_type == "code" and re.search(r"\bcheck\w*\(", c.source)]
    assert len(checks) >= 5             # after each exercise, and on the whole run
    for cell in checks:
        text = _text(cell)
        assert "correct" in text and "NOT correct" not in text, (cell.source, text)


def test_the_animation_cells_embed_an_mp4_video(executed):
    cells = _tagged(executed, "animation")
    assert len(cells) == 2
    for cell in cells:
        bundles = [o["data"] for o in cell.outputs if o.output_type == "execute_result"]
        assert len(bundles) == 1
        html = bundles[0]["text/html"]
        match = re.search(r'<video[^>]*>\s*<source src="data:video/mp4;base64,([A-Za-z0-9+/=]+)"', html)
        assert match, html[:200]
        mp4 = base64.b64decode(match.group(1))
        assert mp4[4:8] == b"ftyp" and len(mp4) > 1000
        # The plain-text form is one short line, not the data.
        assert len(bundles[0]["text/plain"]) < 200


def test_the_plots_are_drawn(executed):
    images = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert len(images) >= 3          # the data, the log-likelihood, BIC
