"""Every error a user can cause ends with one `Error: ...` line and exit status 2."""
import numpy as np
import pytest
from click.testing import CliRunner

from animate_em.cli import main


def _files(tmp_path):
    files = {
        "nan": "a,b\n1,2\nnan,3\n4,5\n",
        "inf": "a,b\n1,2\n3,inf\n4,5\n",
        "one_column": "a\n1\n2\n3\n",
        "empty": "",
        "words": "a,b\nfoo,bar\nbaz,qux\n",
        "ragged": "1,2\n3,4,5\n6,7\n",
        "three_points": "1,2\n3,4\n5,7\n1,2\n",
        "good": "1,2\n3,4\n5,7\n8,1\n2,9\n",
    }
    paths = {}
    for name, text in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text)
        paths[name] = str(path)
    np.save(tmp_path / "cube.npy", np.zeros((3, 2, 2)))
    paths["cube"] = str(tmp_path / "cube.npy")
    return paths


CASES = [
    ("nan", ["-k", "2"], "NaN"),
    ("inf", ["-k", "2"], "infinite"),
    ("one_column", ["-k", "1"], "at least 2 numeric columns"),
    ("empty", ["-k", "1"], "empty"),
    ("words", ["-k", "1"], "non-numeric value 'foo'"),
    ("ragged", ["-k", "1"], "ragged"),
    ("cube", ["-k", "1"], "3-D"),
    ("three_points", ["-k", "4"], "distinct"),
    ("good", ["-k", "0"], "-k"),
    ("good", ["-k", "-3"], "-k"),
    ("good", ["-k", "two"], "-k"),
    ("good", [], "-k"),
    ("good", ["-k", "2", "--covariance", "banana"], "--covariance"),
    ("good", ["-k", "2", "--init", "psychic"], "--init"),
    ("good", ["-k", "2", "--frobnicate"], "--frobnicate"),
    ("good", ["-k", "2", "--columns", "a,zz"], "unknown column"),
    ("good", ["-k", "2", "--n-init", "0"], "--n-init"),
    ("good", ["-k", "2", "--tol", "-1"], "--tol"),
]


def _assert_one_line_error(result, fragment):
    assert result.exit_code == 2, (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert fragment in lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("name, options, fragment", CASES)
def test_fit_errors_are_one_line_exit_2(tmp_path, name, options, fragment):
    paths = _files(tmp_path)
    result = CliRunner().invoke(main, ["fit", paths[name], *options])
    _assert_one_line_error(result, fragment)


def test_missing_file(tmp_path):
    missing = str(tmp_path / "nowhere.csv")
    result = CliRunner().invoke(main, ["fit", missing, "-k", "2"])
    _assert_one_line_error(result, "not found")


def test_unknown_dataset_name_is_a_missing_file_that_lists_builtins():
    result = CliRunner().invoke(main, ["fit", "faithfull", "-k", "2"])
    _assert_one_line_error(result, "not found")
    assert "faithful, blobs" in result.stderr


def test_unknown_command_and_unknown_group_option():
    _assert_one_line_error(CliRunner().invoke(main, ["fitt"]), "fitt")
    _assert_one_line_error(CliRunner().invoke(main, ["--loud", "datasets"]), "--loud")


@pytest.mark.parametrize(
    "options, fragment",
    [(["--k-min", "0"], "--k-min"), (["--k-max", "9"], "distinct"),
     (["--k-min", "3", "--k-max", "2"], "k-max"), (["--covariance", "round"], "--covariance")],
)
def test_select_errors_are_one_line_exit_2(tmp_path, options, fragment):
    paths = _files(tmp_path)
    result = CliRunner().invoke(main, ["select", paths["good"], *options])
    _assert_one_line_error(result, fragment)


def test_select_rejects_bad_data_like_fit(tmp_path):
    paths = _files(tmp_path)
    result = CliRunner().invoke(main, ["select", paths["nan"], "--k-max", "2"])
    _assert_one_line_error(result, "NaN")


def test_select_k_max_above_the_distinct_points_fails_up_front_naming_the_limit(tmp_path, monkeypatch):
    import animate_em.em.selection as selection

    path = tmp_path / "dups.csv"
    path.write_text("1,2\n1,2\n1,2\n3,4\n5,7\n")                 # 5 rows, 3 distinct
    fitted = []
    monkeypatch.setattr(selection, "fit", lambda *a, **k: fitted.append(a[1]))
    result = CliRunner().invoke(main, ["select", str(path), "--k-max", "4"])
    _assert_one_line_error(result, "--k-max 4 is more than the 3 distinct data points")
    assert "--k-max 3 or less" in result.stderr
    assert fitted == []                                               # failed before fitting k = 1..3


@pytest.mark.parametrize("options, fragment", [
    (["-k", "3"], "distinct"),
    (["-k", "2", "--select-covariance", "round"], "--select-covariance"),
    (["-k", "2", "--k-max", "0"], "--k-max"),
])
def test_report_errors_are_one_line_with_no_progress_before_them(tmp_path, options, fragment):
    path = tmp_path / "dups.csv"
    path.write_text("x,y\n1,2\n1,2\n1,2\n3,4\n")                 # 2 distinct points
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["report", str(path), "-o", str(out), "--no-gif", *options])
    _assert_one_line_error(result, fragment)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dups.csv"]
