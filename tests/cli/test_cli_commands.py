"""fit, select and datasets through click's test runner, and the real console script."""
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from animate_em import __version__, datasets
from animate_em.cli import main


def _invoke(*args):
    result = CliRunner().invoke(main, [str(arg) for arg in args])
    assert result.exit_code == 0, (result.stderr, result.exception)
    return result


def _fit_json(*args):
    return json.loads(_invoke("fit", *args, "--json").stdout)


def _n_parameters(k, d, covariance_type):
    """Free parameters of a mixture, counted independently of the library."""
    per_covariance = {"full": k * d * (d + 1) // 2, "diag": k * d, "spherical": k,
                      "tied": d * (d + 1) // 2}[covariance_type]
    return (k - 1) + k * d + per_covariance


# --- top level ----------------------------------------------------------------

def test_version():
    assert _invoke("--version").stdout.strip().endswith(__version__)


@pytest.mark.parametrize("command", [[], ["fit"], ["select"], ["datasets"]])
def test_help_everywhere(command):
    assert "Usage:" in _invoke(*command, "--help").stdout


@pytest.mark.parametrize("name", ["fit", "select"])
def test_every_option_states_its_default_or_is_required(name):
    import click

    command = main.commands[name]
    context = click.Context(command, info_name=name, show_default=True)
    for param in command.params:
        if not isinstance(param, click.Option) or param.is_flag or param.required:
            continue
        help_text = param.get_help_record(context)[1]
        assert "default:" in help_text, (param.name, help_text)


def test_datasets_lists_every_builtin_with_its_size():
    lines = _invoke("datasets").stdout.strip().splitlines()
    assert len(lines) == len(datasets.names())
    for line, name in zip(lines, datasets.names()):
        fields = line.split()
        assert fields[0] == name
        assert int(fields[1]) == datasets.get(name).n_samples
        assert datasets.get(name).description in line


# --- fit ------------------------------------------------------------------------

def test_fit_json_is_one_consistent_object():
    record = _fit_json("faithful", "-k", 2, "--seed", 0)
    for key in ("k", "covariance_type", "init", "seed", "n_samples", "converged", "n_iter",
                "log_likelihood", "mean_log_likelihood", "bic", "aic", "trace", "weights",
                "means", "covariances", "collapse"):
        assert key in record, key
    assert record["k"] == 2 and record["n_samples"] == 272
    assert record["covariance_type"] == "full" and record["init"] == "kmeans++"
    assert record["seed"] == 0 and record["collapse"] is None
    trace = np.array(record["trace"])
    assert len(trace) == record["n_iter"] + 1
    assert np.all(np.diff(trace) >= -1e-9 * np.abs(trace[1:]))
    assert record["log_likelihood"] == pytest.approx(trace[-1])
    assert record["mean_log_likelihood"] == pytest.approx(trace[-1] / 272)
    np.testing.assert_allclose(sum(record["weights"]), 1.0)
    assert np.array(record["means"]).shape == (2, 2)
    covariances = np.array(record["covariances"])
    assert covariances.shape == (2, 2, 2)
    np.testing.assert_allclose(covariances, covariances.transpose(0, 2, 1))
    p = _n_parameters(2, 2, "full")
    assert record["bic"] == pytest.approx(-2 * trace[-1] + p * math.log(272))
    assert record["aic"] == pytest.approx(-2 * trace[-1] + 2 * p)


def test_fit_finds_the_two_faithful_eruption_types():
    record = _fit_json("faithful", "-k", 2, "--n-init", 3)
    assert record["converged"]
    means = sorted(record["means"])
    # Short eruptions (~2 min, ~55 min wait) and long ones (~4.3 min, ~80 min wait).
    np.testing.assert_allclose(means[0], [2.04, 54.5], atol=0.3)
    np.testing.assert_allclose(means[1], [4.29, 80.0], atol=0.3)


@pytest.mark.parametrize("covariance", ["full", "diag", "spherical", "tied"])
def test_fit_json_covariance_types_give_full_matrices_of_that_shape(covariance):
    record = _fit_json("blobs", "-k", 3, "--covariance", covariance)
    covariances = np.array(record["covariances"])
    assert record["covariance_type"] == covariance
    assert covariances.shape == (3, 2, 2)
    if covariance in ("diag", "spherical"):
        np.testing.assert_allclose(covariances[:, 0, 1], 0, atol=1e-12)
    if covariance == "spherical":
        np.testing.assert_allclose(covariances[:, 0, 0], covariances[:, 1, 1])
    if covariance == "tied":
        np.testing.assert_allclose(covariances, np.broadcast_to(covariances[0], covariances.shape))
    p = _n_parameters(3, 2, covariance)
    assert record["bic"] == pytest.approx(-2 * record["log_likelihood"] + p * math.log(300))


def test_fit_is_reproducible_for_a_seed_and_seed_matters():
    first = _fit_json("overlap", "-k", 4, "--init", "random", "--seed", 1)
    again = _fit_json("overlap", "-k", 4, "--init", "random", "--seed", 1)
    other = _fit_json("overlap", "-k", 4, "--init", "random", "--seed", 2)
    assert first == again
    assert first["trace"][0] != other["trace"][0]


def test_fit_max_iter_caps_the_trace():
    record = _fit_json("anisotropic", "-k", 4, "--init", "random", "--max-iter", 3, "--tol", 0)
    assert record["n_iter"] == 3 and len(record["trace"]) == 4
    assert record["converged"] is False


def test_fit_summary_is_readable():
    record = _fit_json("faithful", "-k", 2)
    text = _invoke("fit", "faithful", "-k", 2).stdout
    assert "faithful: 272 points x 2 columns (eruptions, waiting; minutes)" in text
    assert f"converged in {record['n_iter']} iterations" in text
    assert f"{record['log_likelihood']:.3f}" in text
    assert f"BIC {record['bic']:.2f}" in text and f"AIC {record['aic']:.2f}" in text
    table = text[text.index("weight"):].splitlines()
    assert len(table) == 1 + 2
    assert f"{record['weights'][0]:.4f}" in table[1]


def test_fit_reads_a_file_and_selects_columns(tmp_path):
    data = datasets.get("blobs")
    path = tmp_path / "three.tsv"
    noise = np.random.default_rng(0).normal(size=(data.n_samples, 1))
    rows = np.hstack([noise, data.X])
    path.write_text("noise\tu\tv\n" + "\n".join("\t".join(map(str, row)) for row in rows))
    record = _fit_json(path, "-k", 3, "--columns", "u,v")
    assert record["columns"] == ["u", "v"]
    assert record == _fit_json("blobs", "-k", 3) | {"columns": ["u", "v"], "data": "three.tsv",
                                                     "sha256": record["sha256"], "units": None}
    assert _fit_json(path, "-k", 3, "--columns", "1,2")["means"] == record["means"]


# --- select ---------------------------------------------------------------------

def test_select_json_marks_the_bic_winner():
    result = json.loads(_invoke("select", "blobs", "--k-max", 5, "--json").stdout)
    rows = result["rows"]
    assert [row["k"] for row in rows] == [1, 2, 3, 4, 5]
    assert all(row["covariance_type"] == "full" for row in rows)
    best = min(rows, key=lambda row: row["bic"])
    assert (result["best"]["k"], result["best"]["covariance_type"]) == (best["k"], "full")
    assert best["k"] == 3  # three well separated blobs
    for row in rows:
        p = _n_parameters(row["k"], 2, "full")
        assert row["bic"] == pytest.approx(-2 * row["log_likelihood"] + p * math.log(300))


def test_select_all_covariance_types_table():
    result = json.loads(
        _invoke("select", "faithful", "--k-min", 1, "--k-max", 3, "--covariance", "all",
                "--json").stdout
    )
    pairs = {(row["k"], row["covariance_type"]) for row in result["rows"]}
    assert pairs == {(k, c) for k in (1, 2, 3) for c in ("full", "diag", "spherical", "tied")}
    text = _invoke("select", "faithful", "--k-max", 3, "--covariance", "all").stdout
    winners = [line for line in text.splitlines() if "<- best" in line]
    assert len(winners) == 1
    best = result["best"]
    assert str(best["k"]) in winners[0] and best["covariance_type"] in winners[0]


def test_select_repeated_covariance_options():
    result = json.loads(
        _invoke("select", "blobs", "--k-max", 2, "--covariance", "diag",
                "--covariance", "spherical", "--json").stdout
    )
    assert {row["covariance_type"] for row in result["rows"]} == {"diag", "spherical"}


# --- the installed console script and python -m -------------------------------

def _console_script():
    folder = Path(sys.executable).parent
    candidate = folder / "animate-em"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("animate-em")
    if found is None:
        pytest.skip("animate-em console script is not installed")
    return found


def _run(command):
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)


def test_console_script_fits_and_reports_errors(tmp_path):
    script = _console_script()
    done = _run([script, "fit", "faithful", "-k", "2", "--json"])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["n_samples"] == 272
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\nnan,3\n")
    done = _run([script, "fit", str(bad), "-k", "2"])
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and done.stderr.startswith("Error: ")
    assert "Traceback" not in done.stderr


def test_python_dash_m():
    done = _run([sys.executable, "-m", "animate_em", "--version"])
    assert done.returncode == 0 and __version__ in done.stdout
    done = _run([sys.executable, "-m", "animate_em", "datasets"])
    assert done.returncode == 0 and "faithful" in done.stdout


def test_a_collapse_is_reported_not_an_error(tmp_path):
    # Four identical points attract a component that shrinks onto them.
    path = tmp_path / "dup.csv"
    path.write_text("0,0\n0,0\n0,0\n0,0\n5,5\n6,5\n5,6\n9,1\n8,2\n9,3\n1,9\n")
    for seed in range(10):
        args = ["fit", str(path), "-k", "4", "--reg-covar", "0", "--init", "random",
                "--seed", str(seed)]
        result = CliRunner().invoke(main, [*args, "--json"])
        assert result.exit_code == 0, result.stderr
        record = json.loads(result.stdout)
        if record["collapse"] is not None:
            break
    collapse = record["collapse"]
    assert set(collapse) == {"iteration", "component", "message"}
    assert 0 <= collapse["component"] < 4
    assert len(record["trace"]) == record["n_iter"] + 1
    assert record["converged"] is False
    assert result.stderr.startswith("Warning: ") and collapse["message"] in result.stderr
    text = _invoke(*args).stdout
    assert f"component {collapse['component']} collapsed at iteration {collapse['iteration']}" in text
