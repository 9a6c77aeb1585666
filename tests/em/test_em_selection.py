"""Model selection by BIC and AIC."""
import numpy as np
import pytest

from animate_em.em import Selection, select_k


def _three_blobs():
    rng = np.random.default_rng(21)
    centers = np.array([[0.0, 0.0], [8.0, 0.0], [4.0, 7.0]])
    return np.concatenate([c + rng.normal(size=(150, 2)) for c in centers])


def test_select_k_finds_three_blobs_and_fills_the_table():
    X = _three_blobs()
    sel = select_k(X, range(1, 6), covariance_types=("full", "spherical"), seed=0)
    assert isinstance(sel, Selection)
    assert sel.best_k == 3
    assert len(sel.table) == 10 and len(sel.runs) == 10
    row = sel.table[0]
    assert set(row) >= {"k", "covariance_type", "bic", "aic", "log_likelihood", "n_parameters", "converged"}
    for row in sel.table:
        run = sel.runs[(row["k"], row["covariance_type"])]
        assert row["bic"] == pytest.approx(run.bic)
        assert row["bic"] == pytest.approx(-2 * run.final.log_likelihood + run.n_parameters * np.log(len(X)))
        assert row["aic"] == pytest.approx(-2 * run.final.log_likelihood + 2 * run.n_parameters)
    best_bic = min(r["bic"] for r in sel.table)
    assert sel.best_run.bic == best_bic
    assert sel.by_aic[0] >= 3


def test_n_parameters_follow_the_covariance_type():
    X = _three_blobs()
    sel = select_k(X, [3], covariance_types=("full", "tied", "diag", "spherical"), seed=0)
    counts = {row["covariance_type"]: row["n_parameters"] for row in sel.table}
    # k=3, d=2: means 6, weights 2, covariances 9 / 3 / 6 / 3.
    assert counts == {"full": 17, "tied": 11, "diag": 14, "spherical": 11}
