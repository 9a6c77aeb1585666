"""Histories in every accepted form, read into one shape; from_history turns them into honest Runs."""
from __future__ import annotations

import numpy as np
import pytest

import animate_em
from animate_em import datasets
from animate_em.course import check_log_likelihood, check_responsibilities, from_history, read_history
from animate_em.errors import UserError

import students as st

X = datasets.get("blobs").X


def _fitted(covariance_type="full", max_iter=6):
    return animate_em.fit(X, 3, covariance_type=covariance_type, seed=2, tol=0, max_iter=max_iter)


def _type_shaped(full, covariance_type):
    return {"full": lambda c: c, "tied": lambda c: c[:, 0], "diag": lambda c: np.diagonal(c, axis1=2, axis2=3),
            "spherical": lambda c: c[:, :, 0, 0]}[covariance_type](full)


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_every_form_of_a_history_reads_the_same(tmp_path, covariance_type):
    run = _fitted(covariance_type)
    weights = np.array([s.weights for s in run.snapshots])
    means = np.array([s.means for s in run.snapshots])
    covariances = _type_shaped(np.array([s.covariances for s in run.snapshots]), covariance_type)
    stacked = {"weights": weights, "means": means, "covariances": covariances}
    steps = list(zip(weights, means, covariances))
    path = tmp_path / "bob.npz"
    np.savez(path, **stacked, covariance_type=covariance_type)
    forms = [read_history(stacked, covariance_type), read_history(steps, covariance_type), read_history(path),
             read_history([dict(weights=w, means=m, covariances=c) for w, m, c in steps], covariance_type)]
    for history in forms:
        assert history.covariance_type == covariance_type and history.n_snapshots == run.n_iter + 1
        np.testing.assert_array_equal(history.covariances, np.array([s.covariances for s in run.snapshots]))
        np.testing.assert_array_equal(history.means, means)
    assert forms[2].name == "bob" and forms[0].name == "your run"
    # Our own EM, recorded, is a correct EM trajectory.
    assert animate_em.check(X, path).ok


def test_from_history_keeps_the_parameters_and_computes_our_log_likelihood():
    run = _fitted()
    history = {"weights": [s.weights for s in run.snapshots], "means": [s.means for s in run.snapshots],
               "covariances": [s.covariances for s in run.snapshots],
               "log_likelihood": np.zeros(run.n_iter + 1)}      # whatever the implementation said
    recorded = from_history(X, {k: np.array(v) for k, v in history.items()}, name="carol")
    np.testing.assert_allclose(recorded.log_likelihoods, run.log_likelihoods, rtol=1e-12)
    assert recorded.n_iter == run.n_iter and recorded.n_samples == len(X)
    np.testing.assert_array_equal(recorded.final.means, run.final.means)
    assert recorded.extras["history"] == "carol" and recorded.extras["recorded"]
    np.testing.assert_array_equal(recorded.extras["own_log_likelihood"], np.zeros(run.n_iter + 1))
    assert recorded.bic == pytest.approx(run.bic)


def test_from_history_refuses_parameters_no_mixture_has():
    broken = st.run_em(np.vstack([X, [[2000.0, 2000.0]]]), 3, n_iter=2, e=st.e_step_naive, start_params=st.start(X, 3))
    with pytest.raises(UserError, match=r"iteration 1 is not a valid mixture \(weights contain NaN.*animate-em check"):
        from_history(np.vstack([X, [[2000.0, 2000.0]]]), broken)


def test_unreadable_history_files_are_one_line_errors(tmp_path):
    with pytest.raises(UserError, match="history file not found"):
        read_history(tmp_path / "missing.npz")
    text = tmp_path / "notes.npz"
    text.write_text("weights, means")
    with pytest.raises(UserError, match="not a .npz history file"):
        read_history(text)
    objects = tmp_path / "objects.npz"
    np.savez(objects, weights=np.array([{"a": 1}], dtype=object), means=np.zeros((1, 1, 2)),
             covariances=np.ones((1, 1, 2, 2)))
    with pytest.raises(UserError, match="store plain numeric arrays"):
        read_history(objects)
    swapped = {"weights": np.full((2, 3), 1 / 3), "means": np.zeros((2, 3, 2)), "covariances": np.ones((2, 2, 2, 3))}
    with pytest.raises(UserError, match=r"stored as \(d, d, K\)\? .*np.moveaxis"):
        read_history(swapped)
    with pytest.raises(UserError, match="unknown covariance_type 'round'"):
        read_history({**swapped, "covariance_type": "round"})
    with pytest.raises(UserError, match=r"log_likelihood must have shape \(T,\) = \(2,\)"):
        read_history({"weights": np.full((2, 3), 1 / 3), "means": np.zeros((2, 3, 2)),
                      "covariances": np.repeat(np.eye(2)[None, None], 3, 1).repeat(2, 0), "log_likelihood": [1.0]})


def test_the_exercise_checks_name_what_is_wrong():
    params = st.start(X, 3)
    assert check_responsibilities(X, params, st.e_step(X, *params)).ok
    unnormalised = check_responsibilities(X, params, st.e_step_unnormalised(X, *params))
    assert not unnormalised and unnormalised.mistake == "responsibilities_not_normalised"
    transposed = check_responsibilities(X, params, st.e_step(X, *params).T)
    assert not transposed and "transposed" in transposed.message
    far = np.vstack([X, [[2000.0, 2000.0]]])
    with np.errstate(invalid="ignore"):
        naive = st.e_step_naive(far, *params)
    assert check_responsibilities(far, params, naive).mistake == "estep_underflow"
    assert check_responsibilities(far, params, st.e_step(far, *params)).ok
    assert check_log_likelihood(X, params, st.log_likelihood(X, *params)).ok
    assert check_log_likelihood(X, params, st.log_likelihood(X, *params) / len(X)).ok
    missing = check_log_likelihood(X, params, st.log_likelihood_no_constant(X, *params))
    assert not missing and missing.mistake == "missing_constant" and "log(2 pi)" in str(missing)
