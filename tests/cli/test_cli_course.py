"""`animate-em check` (exit 0 correct, 1 not, 2 bad input) and `animate-em render --history`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from click.testing import CliRunner

from animate_em import datasets
from animate_em.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "course"))
import students as st  # noqa: E402

X = datasets.get("blobs").X


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def histories(tmp_path_factory):
    folder = tmp_path_factory.mktemp("histories")
    right = st.run_em(X, 3, n_iter=6)
    np.savez(folder / "alice.npz", **right)
    np.savez(folder / "bob.npz", **st.run_em(X, 3, n_iter=6, m_mistake="covariances_around_old_means"))
    np.savez(folder / "carol.npz", **st.run_em(X, 3, n_iter=10, m_mistake="covariances_divided_by_n"))
    np.savetxt(folder / "points.csv", X, delimiter=",", header="width,height", comments="")
    # The same points as columns 1 and 2 of a wider file, behind an unrelated first column.
    wide = np.column_stack([np.arange(len(X)) % 7, X])
    np.savetxt(folder / "wide.csv", wide, delimiter=",", header="day,width,height", comments="")
    return folder


def test_a_correct_history_exits_0_and_says_so(runner, histories):
    result = runner.invoke(main, ["check", str(histories / "alice.npz"), "--data", "blobs"])
    assert result.exit_code == 0, result.output
    assert "every one is an exact EM step" in result.stdout
    assert "agrees with ours" in result.stdout and "verdict    correct" in result.stdout


def test_a_wrong_history_exits_1_with_the_first_wrong_step_and_its_likely_cause(runner, histories):
    result = runner.invoke(main, ["check", str(histories / "bob.npz"), "--data", str(histories / "points.csv")])
    assert result.exit_code == 1, result.output
    assert "the first is step 0 -> 1" in result.stdout
    assert "likely: covariances computed around the old means" in result.stdout
    assert "points.csv: 300 points x 2 columns (width, height)" in result.stdout


def test_json_is_one_object_a_grader_can_read(runner, histories):
    result = runner.invoke(main, ["check", str(histories / "carol.npz"), "--data", "blobs", "--json"])
    assert result.exit_code == 1
    verdict = json.loads(result.stdout)
    assert verdict["ok"] is False and verdict["likely_cause"]["id"] == "covariances_divided_by_n"
    assert verdict["first_wrong_step"]["step"] == 0
    assert verdict["decreases"] and verdict["n_steps"] == 10 and len(verdict["log_likelihood"]) == 11
    ok = json.loads(runner.invoke(main, ["check", str(histories / "alice.npz"), "--data", "blobs", "--json"]).stdout)
    assert ok["ok"] is True and ok["own_log_likelihood"]["agrees"] is True


@pytest.mark.parametrize("args, message", [
    (["check", "nowhere.npz", "--data", "blobs"], "history file not found: nowhere.npz"),
    (["check", "{alice}"], "Missing option '--data'"),
    (["check", "{alice}", "--data", "faithful"], None),       # data of another run: a verdict, not bad input
    (["check", "{alice}", "--data", "blobs", "--rtol", "0"], "--rtol"),
    (["check", "{alice}", "--data", "blobs", "--covariance-type", "diag"], "covariance_type='full'"),
])
def test_bad_input_is_one_line_and_exit_2(runner, histories, args, message):
    args = [a.replace("{alice}", str(histories / "alice.npz")) for a in args]
    result = runner.invoke(main, args)
    if message is None:
        assert result.exit_code == 1, result.output
        return
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ") and message in result.stderr


QUICK = ["-q", "l", "--frames-per-iteration", "1", "--fps", "10"]


def test_render_history_animates_the_recorded_run_named_by_its_file(runner, histories, tmp_path):
    result = runner.invoke(main, ["render", "--history", str(histories / "carol.npz"), "--data", "blobs", *QUICK,
                                  "--format", "mp4", "--still", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [str(tmp_path / "carol.mp4"), str(tmp_path / "carol.png")]
    manifest = json.loads((tmp_path / "carol.manifest.json").read_text())
    assert manifest["scene"]["title"] == "carol: a recorded EM run"
    assert manifest["runs"][0]["history"] == "carol" and manifest["runs"][0]["n_iter"] == 10
    assert manifest["reproducible"] is False
    frames = list(iio.imiter(tmp_path / "carol.mp4", plugin="FFMPEG"))
    assert len(frames) == manifest["video"]["n_frames"]


@pytest.mark.parametrize("extra, message", [
    (["-k", "3"], "-k does not apply"),
    (["em-basics"], "give either SCENE (em-basics) or --history"),
    (["--from-manifest", "x.json"], "either --from-manifest or --history"),
])
def test_render_history_refuses_options_that_fit(runner, histories, extra, message):
    result = runner.invoke(main, ["render", "--history", str(histories / "alice.npz"), "--data", "blobs", *extra])
    assert result.exit_code == 2 and message in result.stderr


def test_render_and_check_take_the_columns_the_history_was_recorded_on(runner, histories, tmp_path):
    wide = str(histories / "wide.csv")
    first_two = runner.invoke(main, ["check", str(histories / "alice.npz"), "--data", wide])
    assert first_two.exit_code == 1 and "the first 2 of 3 (--columns picks others)" in first_two.stdout
    assert "are these the data (and the columns) the run was recorded on?" in first_two.stdout
    picked = runner.invoke(main, ["check", str(histories / "alice.npz"), "--data", wide, "--columns", "width,height"])
    assert picked.exit_code == 0, picked.output
    result = runner.invoke(main, ["render", "--history", str(histories / "alice.npz"), "--data", wide,
                                  "--columns", "1,2", *QUICK, "--still", "-o", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(tmp_path / "alice.png")
    no_data = runner.invoke(main, ["render", "--columns", "1,2"])
    assert no_data.exit_code == 2 and "give --data too" in no_data.stderr


def test_render_history_needs_its_data(runner, histories):
    result = runner.invoke(main, ["render", "--history", str(histories / "alice.npz")])
    assert result.exit_code == 2 and "--history needs --data DATA" in result.stderr
