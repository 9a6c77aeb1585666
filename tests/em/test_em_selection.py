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


def test_select_k_rejects_a_k_above_the_distinct_points_before_fitting_anything(monkeypatch):
    import animate_em.em.selection as selection
    from animate_em.errors import UserError

    fitted = []
    monkeypatch.setattr(selection, "fit", lambda *a, **k: fitted.append(a[1]))
    X = np.array([[0.0, 0.0]] * 5 + [[1.0, 0.0], [0.0, 1.0]])       # 7 rows, 3 distinct
    with pytest.raises(UserError, match=r"k=5 .* the data have 3: choose k <= 3"):
        select_k(X, range(1, 6))
    assert fitted == []                       # not k = 1, 2, 3 first and then the error
    with pytest.raises(UserError, match="integer"):
        select_k(X, [1, 2.5])
    with pytest.raises(UserError, match="at least 1"):
        select_k(X, [0, 1])
    assert fitted == []


def test_count_distinct_counts_rows_not_values():
    from animate_em.em.selection import count_distinct

    X = np.array([[1.0, 2.0], [2.0, 1.0], [1.0, 2.0], [-0.0, 0.0], [0.0, 0.0]])
    assert count_distinct(X) == 3
    assert select_k(X, range(1, 4), seed=0).table[-1]["k"] == 3     # the limit itself can be fitted
