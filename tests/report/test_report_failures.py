"""`animate-em report` on awkward data and folders: validated before any progress, all-or-nothing output."""
import io
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from animate_em.cli import main
from animate_em.errors import UserError

# Not --quiet: progress lines must not come before an error line.
FAST = ["--restarts", "2", "--k-max", "4", "--select-n-init", "1", "--frames-per-iteration", "1",
        "--gif-width", "160", "-q", "l"]


def _one_line_error(result, fragment):
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output and result.stdout == ""


@pytest.fixture()
def dup_csv(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("x,y\n1,2\n1,2\n1,2\n3,4\n")        # 4 rows, 2 distinct points
    return path


def test_model_selection_stops_at_the_distinct_points_and_says_so(tmp_path, dup_csv):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["report", str(dup_csv), "-k", "2", "--no-gif", "-o", str(out), *FAST])
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text()
    assert "K stops at 2, not 4" in html and "only 2 distinct points" in html


def test_capped_grid_is_recorded_in_the_analysis(dup_csv):
    from animate_em.report.analysis import analyse, capped_ks
    from animate_em.report.inputs import resolve

    inputs = resolve(str(dup_csv), k=2, as_data=True)
    data = analyse(inputs.X, inputs.run, name="d", title="d", source=inputs.source, n_restarts=1,
                   ks=range(1, 6), covariance_types=("full",), select_n_init=1)
    assert data.selection.ks == [1, 2] and data.selection.capped_from == 5
    assert {row["k"] for row in data.selection.table} == {1, 2}
    assert data.settings["selection"]["k_max_requested"] == 5
    X = np.array([[0.0, 0], [1, 1], [2, 2]])
    assert capped_ks(X, range(1, 4)) == ([1, 2, 3], None)            # nothing dropped, nothing said
    assert capped_ks(X, range(2, 9)) == ([2, 3], 8)


def test_without_k_bic_chooses_within_the_distinct_points(tmp_path, dup_csv):
    from animate_em.report.inputs import resolve

    inputs = resolve(str(dup_csv), k_max=8, as_data=True)
    assert 1 <= inputs.run.final.n_components <= 2


def test_too_many_components_fail_before_any_progress_line(tmp_path, dup_csv):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["report", str(dup_csv), "-k", "3", "-o", str(out), *FAST])
    _one_line_error(result, "distinct")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dup.csv"]


def test_the_terminal_progress_bar_appears_only_with_the_first_stage(monkeypatch):
    from animate_em.cli import report as cli_report

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    fake = Terminal()
    monkeypatch.setattr(cli_report.sys, "stderr", fake)
    stages = cli_report._Stages(["a", "b"], quiet=False)
    assert fake.getvalue() == ""              # an error raised now would be the only text
    stages("a")
    assert "report" in fake.getvalue()
    stages.close()


def test_a_folder_in_place_of_a_report_file_fails_first_and_moves_nothing(tmp_path):
    out = tmp_path / "r"
    (out / "report.pdf").mkdir(parents=True)
    result = CliRunner().invoke(main, ["report", "blobs", "--data", "-k", "3", "-o", str(out), *FAST])
    _one_line_error(result, "report.pdf is a folder")
    assert [p.name for p in out.iterdir()] == ["report.pdf"] and not any((out / "report.pdf").iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]        # no workspace left either


def test_a_move_that_fails_midway_puts_the_old_report_back(tmp_path, monkeypatch):
    import animate_em.report as report

    out = tmp_path / "r"
    out.mkdir()
    (out / "report.html").write_text("old html")
    (out / "notes.txt").write_text("mine")
    real = os.replace

    def failing(src, dst):
        if Path(dst) == out / "report.pdf":          # the last move into the folder, not the drawing
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(report.os, "replace", failing)
    with pytest.raises(report.UserError, match="No space left"):
        report.build_report("blobs", out, k=3, n_restarts=1, k_max=2, select_n_init=1, gif=False,
                            as_data=True, frames_per_iteration=1)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "report.html"]
    assert (out / "report.html").read_text() == "old html"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_a_new_nested_folder_is_removed_when_the_report_fails(tmp_path, monkeypatch):
    import animate_em.report.pdf as pdf

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf, "write_pdf", broken)
    from animate_em.report import build_report

    with pytest.raises(UserError, match="no space left on device"):
        build_report("blobs", tmp_path / "a" / "b" / "out", k=3, n_restarts=1, k_max=2, select_n_init=1,
                     gif=False, as_data=True)
    assert list(tmp_path.iterdir()) == []
