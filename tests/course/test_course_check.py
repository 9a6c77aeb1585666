"""animate_em.check: hand-written EMs, right and wrong, each judged and each mistake named."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import animate_em
from animate_em import datasets
from animate_em.course import check
from animate_em.errors import UserError

import students as st

X = datasets.get("blobs").X
#: One point thousands of standard deviations from every component: its density underflows.
X_FAR = np.vstack([X, [[2000.0, 2000.0]]])


def test_a_correct_hand_written_em_passes_with_its_own_log_likelihood():
    history = st.run_em(X, 3, n_iter=8)
    report = check(X, history)
    assert report.ok and report.trajectory_ok and report.n_wrong == 0
    assert len(report.steps) == 8
    assert report.own.agrees and report.own.scale == "total"
    assert report.reg_covar == pytest.approx(1e-6, rel=1e-3) and report.reg_covar_source == "inferred"
    assert not report.decreases and np.all(np.diff(report.log_likelihoods) > 0)
    assert "every one is an exact EM step" in str(report)
    assert report.to_dict()["ok"] is True


@pytest.mark.parametrize("mistake", st.M_STEP_MISTAKES)
def test_each_m_step_mistake_is_named(mistake):
    report = check(X, st.run_em(X, 3, n_iter=4, m_mistake=mistake))
    assert not report.ok and not report.trajectory_ok
    assert report.first_wrong.step == 0
    assert report.mistake == mistake, str(report)
    assert report.to_dict()["likely_cause"]["id"] == mistake


def test_responsibilities_not_normalised_are_named():
    report = check(X, st.run_em(X, 3, n_iter=4, e=st.e_step_unnormalised))
    assert report.mistake == "responsibilities_not_normalised", str(report)


@pytest.mark.parametrize("e_step", [st.e_step_naive, st.e_step_naive_guarded], ids=["nan", "all-zero"])
def test_an_e_step_without_log_sum_exp_is_named_where_a_far_point_underflows(e_step):
    start = st.start(X, 3)
    report = check(X_FAR, st.run_em(X_FAR, 3, n_iter=3, e=e_step, start_params=start))
    assert report.mistake == "estep_underflow", str(report)
    assert report.first_wrong.step == 0
    # Without a far point the naive E-step is a correct one: nothing underflows.
    assert check(X, st.run_em(X, 3, n_iter=3, e=e_step, start_params=start)).ok


def test_the_report_names_the_first_wrong_step_its_quantity_and_size():
    right = st.run_em(X, 3, n_iter=3)
    last = tuple(right[key][-1] for key in ("weights", "means", "covariances"))
    wrong = st.run_em(X, 3, n_iter=2, m_mistake="covariances_divided_by_n", start_params=last)
    history = {key: np.concatenate([right[key], wrong[key][1:]]) for key in right}
    report = check(X, history)
    assert [s.ok for s in report.steps] == [True, True, True, False, False]
    first = report.first_wrong
    assert first.step == 3
    assert first.differences["covariances"].size > 1e-3
    assert first.differences["weights"].size <= 1e-6 and first.differences["means"].size <= 1e-6
    assert report.mistake == "covariances_divided_by_n"
    text = str(report)
    assert "step 3 -> 4" in text and "covariances differ by" in text and "weights and means agree" in text


def test_a_decrease_of_the_log_likelihood_is_reported_at_its_step():
    history = st.run_em(X, 3, n_iter=10, m_mistake="covariances_divided_by_n")
    report = check(X, history)
    ours = report.log_likelihoods
    falls = [t for t in range(len(ours) - 1) if ours[t + 1] < ours[t] - 1e-6]
    assert falls and [d.step for d in report.decreases] == falls
    assert all(d.change < d.allowed < 0 for d in report.decreases)
    assert f"falls at step {falls[0]} -> {falls[0] + 1}" in str(report)


def test_reg_covar_is_inferred_recorded_or_given():
    history = st.run_em(X, 3, n_iter=4, reg=1e-3)
    inferred = check(X, history)
    assert inferred.ok and inferred.reg_covar == pytest.approx(1e-3, rel=1e-6)
    recorded = check(X, {**history, "reg_covar": 1e-3})
    assert recorded.ok and recorded.reg_covar_source == "recorded"
    # Told the wrong amount, the check sees covariances off by 1e-3 on the diagonal.
    given = check(X, history, reg_covar=0.0)
    assert not given.ok and given.first_wrong.differences["covariances"].entry in ((0, 0), (1, 1))


@pytest.mark.parametrize("record, formula", [
    (dict(ll=st.log_likelihood_no_constant), "missing_constant"),
    (dict(ll=st.log_likelihood_no_weights), "weights_left_out"),
    (dict(ll=st.log_likelihood_log_inside), "log_inside_sum"),
    (dict(ll_late=True), "one_iteration_late"),
])
def test_a_wrong_own_log_likelihood_is_named_while_the_trajectory_is_right(record, formula):
    report = check(X, st.run_em(X, 3, n_iter=5, **record))
    assert report.trajectory_ok and not report.ok
    assert not report.own.agrees and report.own.formula == formula, report.own


def test_a_log_likelihood_without_log_sum_exp_is_named_where_it_underflows():
    report = check(X_FAR, st.run_em(X_FAR, 3, n_iter=3, ll=st.log_likelihood_naive, start_params=st.start(X, 3)))
    assert report.trajectory_ok and not report.ok
    assert report.own.formula == "underflow" and "-inf at iteration 0" in report.own.message


def test_an_own_log_likelihood_per_point_agrees():
    history = st.run_em(X, 3, n_iter=5)
    history["log_likelihood"] = history["log_likelihood"] / len(X)
    report = check(X, history)
    assert report.ok and report.own.scale == "mean per point"


def _sklearn_history(X, k, covariance_type, steps=12):
    mixture = pytest.importorskip("sklearn.mixture")
    from sklearn.exceptions import ConvergenceWarning

    weights, means, full = st.start(X, k)
    shaped = {"full": lambda c: c, "tied": lambda c: c[0], "diag": lambda c: np.stack([np.diag(m) for m in c]),
              "spherical": lambda c: c[:, 0, 0]}[covariance_type]
    cov = shaped(full)
    precisions = np.linalg.inv(cov) if covariance_type in ("full", "tied") else 1.0 / cov
    gm = mixture.GaussianMixture(k, covariance_type=covariance_type, weights_init=weights, means_init=means,
                                 precisions_init=precisions, warm_start=True, max_iter=1, tol=0)
    record = {"weights": [weights], "means": [means], "covariances": [cov]}
    scores = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(steps):
            gm.fit(X)
            record["weights"].append(gm.weights_)
            record["means"].append(gm.means_)
            record["covariances"].append(gm.covariances_)
    for w, m, c in zip(record["weights"], record["means"], record["covariances"]):
        gm.weights_, gm.means_, gm.covariances_ = w, m, c
        gm.precisions_cholesky_ = _precisions_cholesky(c, covariance_type)
        scores.append(gm.score(X))
    return {**{key: np.array(v) for key, v in record.items()}, "log_likelihood": np.array(scores),
            "covariance_type": covariance_type}


def _precisions_cholesky(cov, covariance_type):
    from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky

    return _compute_precision_cholesky(cov, covariance_type)


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_scikit_learn_stepped_one_iteration_at_a_time_passes(covariance_type):
    data = datasets.get("anisotropic").X
    history = _sklearn_history(data, 4, covariance_type)
    report = check(data, history)
    assert report.ok, str(report)
    assert report.reg_covar == pytest.approx(1e-6, rel=1e-6)
    assert report.own.agrees and report.own.scale == "mean per point"
    worst = max(d.size for s in report.steps for d in s.differences.values())
    assert worst < 1e-9


def test_check_is_the_public_function_and_refuses_bad_histories():
    assert animate_em.check is check
    history = st.run_em(X, 3, n_iter=2)
    with pytest.raises(UserError, match="no 'covariances' array"):
        check(X, {"weights": history["weights"], "means": history["means"]})
    with pytest.raises(UserError, match=r"covariance_type='diag'"):
        check(X, {**history, "covariances": np.diagonal(history["covariances"], axis1=2, axis2=3)})
    with pytest.raises(UserError, match="d = 2 features per mean, the data 3 columns"):
        check(np.hstack([X, X[:, :1]]), history)
    with pytest.raises(UserError, match="one snapshot"):
        check(X, {key: value[:1] for key, value in history.items()})
    with pytest.raises(UserError, match=r"weights must have shape \(T, K\)"):
        check(X, {**history, "weights": history["weights"][:, :2]})
