"""scikit-learn as oracle: from the same start, the same EM trajectory."""
import warnings

import numpy as np
import pytest

from animate_em.em import fit


@pytest.fixture(scope="module")
def sklearn_mixture():
    """scikit-learn's mixture module, imported by the first test that needs it.

    Imported at module level, scikit-learn and SciPy (about 1.6 s) were loaded by every
    pytest-xdist worker while collecting, whether or not it ran an oracle test.
    """
    return pytest.importorskip("sklearn.mixture")

STEPS = 30
RTOL = 1e-8


def _well_separated():
    rng = np.random.default_rng(11)
    centers = np.array([[0.0, 0.0], [8.0, 1.0], [3.0, 9.0]])
    return np.concatenate([c + rng.normal(size=(120, 2)) @ [[1.0, 0.3], [0.0, 0.6]] for c in centers]), 3


def _overlapping():
    rng = np.random.default_rng(12)
    a = rng.normal(size=(200, 2)) * [2.0, 0.5]
    b = rng.normal(size=(150, 2)) * [0.7, 1.5] + [1.0, 0.8]
    c = rng.normal(size=(100, 2)) * 0.4 + [-1.0, 1.5]
    return np.concatenate([a, b, c]), 4


def _three_d():
    rng = np.random.default_rng(13)
    cov = np.array([[1.0, 0.4, 0.0], [0.4, 1.0, 0.3], [0.0, 0.3, 0.5]])
    a = rng.multivariate_normal([0, 0, 0], cov, size=150)
    b = rng.multivariate_normal([3, -1, 2], 0.5 * np.eye(3), size=150)
    return np.concatenate([a, b]) + [100.0, -50.0, 7.0], 2


def _tight_and_far():
    """A tight cluster far from a wide one: exercises the centred M-step
    fallback and the affine E-step (the fast paths would cancel digits)."""
    rng = np.random.default_rng(14)
    wide = rng.normal(size=(200, 2)) * 3.0
    tight = rng.normal(size=(60, 2)) * [1e-3, 3e-4] + [2e3, -1e3]
    return np.concatenate([wide, tight]), 2


# Columns of wildly different scales: two clear clusters in units, then one
# column times 1e12 and the other times 1e-12. Each column's collapse test
# follows its own scale; a floor set by the largest column (1e-5 as a
# variance) would call every component of the small column collapsed.
MIXED_UNITS = np.array([1e12, 1e-12])


def _mixed_scales():
    rng = np.random.default_rng(16)
    labels = np.repeat([0, 1], [150, 100])
    centers = np.array([[-2.0, 1.5], [2.5, -1.0]])
    return (centers[labels] + rng.normal(size=(250, 2)) * [0.8, 0.6]) * MIXED_UNITS, 2


DATASETS = {"separated": _well_separated, "overlapping": _overlapping, "3d": _three_d,
            "tight_far": _tight_and_far, "mixed_scales": _mixed_scales,
            "mixed_scales_unregularised": _mixed_scales}
# Perturbations of the start and tolerances on the means are in each column's units.
UNITS = {"mixed_scales": MIXED_UNITS, "mixed_scales_unregularised": MIXED_UNITS}
# With the default reg_covar (1e-6) the 1e-12 column is regularisation only;
# without it both columns shape the fit.
REG_COVAR = {"mixed_scales_unregularised": 0.0}
TYPES = ("full", "tied", "diag", "spherical")


def _type_shaped(full: np.ndarray, covariance_type: str) -> np.ndarray:
    """Full (K, d, d) matrices -> scikit-learn's shape for the type."""
    return {
        "full": lambda m: m,
        "tied": lambda m: m[0],
        "diag": lambda m: np.diagonal(m, axis1=1, axis2=2).copy(),
        "spherical": lambda m: m[:, 0, 0].copy(),
    }[covariance_type](full)


def _sklearn_full(gm, covariance_type: str, k: int, d: int) -> np.ndarray:
    cov = gm.covariances_
    if covariance_type == "full":
        return cov
    if covariance_type == "tied":
        return np.repeat(cov[None], k, axis=0)
    if covariance_type == "diag":
        return np.stack([np.diag(c) for c in cov])
    return cov[:, None, None] * np.eye(d)


def _assert_covariances_close(ours: np.ndarray, reference: np.ndarray) -> None:
    """Covariances agree to RTOL in correlation units: entry (i, j) relative to sqrt(S_ii S_jj).

    An off-diagonal entry near zero carries rounding of the size of its
    diagonal's (it is a difference of products of that size), so plain
    elementwise rtol would test the BLAS rather than the algorithm.
    """
    diagonal = np.einsum("kii->ki", reference)
    scale = np.sqrt(diagonal[:, :, None] * diagonal[:, None, :])
    worst = float(np.max(np.abs(ours - reference) / scale))
    assert worst <= RTOL, f"covariances differ by {worst:.3g} of sqrt(S_ii S_jj)"


def _start(X, k, covariance_type, units=1.0, reg_covar=1e-6):
    """A reasonable start of the right type: our own k-means++ initial state."""
    s0 = fit(X, k, covariance_type=covariance_type, seed=3, max_iter=0, reg_covar=reg_covar).final
    # Perturb so the run has real work to do from a non-k-means start.
    rng = np.random.default_rng(5)
    means = s0.means + rng.normal(scale=0.3, size=s0.means.shape) * units
    weights = np.full(k, 1.0 / k)
    return weights, means, s0.covariances


# scikit-learn's diag/spherical estimator is uncentred (E[x^2] - mean^2): on
# the tight, far cluster it keeps only ~4 digits, so it is no oracle there;
# test_one_m_step_matches_a_direct_centred_computation covers that case.
CASES = [(name, t) for name in DATASETS for t in TYPES
         if not (name == "tight_far" and t in ("diag", "spherical"))]


@pytest.mark.parametrize("name, covariance_type", CASES)
def test_trajectory_matches_sklearn_stepped_one_iteration_at_a_time(sklearn_mixture, name, covariance_type):
    from sklearn.exceptions import ConvergenceWarning

    X, k = DATASETS[name]()
    d = X.shape[1]
    units, reg_covar = UNITS.get(name, 1.0), REG_COVAR.get(name, 1e-6)
    weights, means, full = _start(X, k, covariance_type, units, reg_covar)
    cov_init = _type_shaped(full, covariance_type)
    precisions_init = _type_shaped(np.linalg.inv(full), covariance_type)

    run = fit(X, k, covariance_type=covariance_type, tol=0, max_iter=STEPS, reg_covar=reg_covar,
              weights_init=weights, means_init=means, covariances_init=cov_init)
    assert run.n_iter == STEPS and run.collapse is None

    gm = sklearn_mixture.GaussianMixture(
        k, covariance_type=covariance_type, weights_init=weights, means_init=means,
        precisions_init=precisions_init, warm_start=True, max_iter=1, tol=0, reg_covar=reg_covar)
    bounds = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for step in range(STEPS):
            gm.fit(X)
            # lower_bound_ of step t+1 is the mean log-likelihood *before* its
            # M-step, i.e. at our snapshot t.
            bounds.append(gm.lower_bound_ * len(X))
            if step in (0, 9):
                snap = run.snapshots[step + 1]
                np.testing.assert_allclose(snap.means / units, gm.means_ / units, rtol=RTOL, atol=1e-12)
                np.testing.assert_allclose(snap.weights, gm.weights_, rtol=RTOL)

    final = run.final
    np.testing.assert_allclose(final.means / units, gm.means_ / units, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(final.weights, gm.weights_, rtol=RTOL)
    _assert_covariances_close(final.covariances, _sklearn_full(gm, covariance_type, k, d))
    np.testing.assert_allclose(run.log_likelihoods[:STEPS], bounds, rtol=RTOL)
    # The final snapshot's log-likelihood is scikit-learn's score at its final parameters.
    assert final.log_likelihood == pytest.approx(gm.score(X) * len(X), rel=RTOL)
    assert run.n_parameters == gm._n_parameters()
    assert run.bic == pytest.approx(gm.bic(X), rel=RTOL)
    assert run.aic == pytest.approx(gm.aic(X), rel=RTOL)


def test_responsibilities_and_scores_match_sklearn(sklearn_mixture):
    from sklearn.exceptions import ConvergenceWarning

    X, k = _overlapping()
    run = fit(X, k, seed=1, tol=1e-6)
    f = run.final
    gm = sklearn_mixture.GaussianMixture(k, weights_init=f.weights, means_init=f.means,
                                         precisions_init=np.linalg.inv(f.covariances), max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm._initialize_parameters(X, np.random.RandomState(0))
    np.testing.assert_allclose(run.responsibilities(X), gm.predict_proba(X), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(run.score_samples(X), gm.score_samples(X), rtol=1e-10)
    np.testing.assert_array_equal(run.predict(X), gm.predict(X))


def test_tight_far_dataset_really_takes_the_careful_paths(monkeypatch):
    from animate_em.em import estep, mstep

    calls = {"centred": 0, "affine": 0}
    real_centred, real_operands = mstep.centred_scatter, estep.operands

    def centred(*args, **kwargs):
        calls["centred"] += 1
        return real_centred(*args, **kwargs)

    def operands(*args, **kwargs):
        ops = real_operands(*args, **kwargs)
        calls["affine"] += ops.Q is None
        return ops

    monkeypatch.setattr(mstep, "centred_scatter", centred)
    monkeypatch.setattr(estep, "operands", operands)
    X, k = _tight_and_far()
    fit(X, k, seed=0, tol=0, max_iter=3)
    assert calls["centred"] >= 3 and calls["affine"] >= 3
    calls.update(centred=0, affine=0)
    X, k = _overlapping()
    fit(X, k, seed=0, tol=0, max_iter=3)
    assert calls == {"centred": 0, "affine": 0}


@pytest.mark.parametrize("covariance_type", TYPES)
def test_one_m_step_matches_a_direct_centred_computation(covariance_type):
    X, k = _tight_and_far()
    run = fit(X, k, covariance_type=covariance_type, seed=0, tol=0, max_iter=4)
    d = X.shape[1]
    for t in range(run.n_iter):
        resp = run.responsibilities(X, t)
        nk = resp.sum(axis=0) + 10 * np.finfo(float).eps
        means = resp.T @ X / nk[:, None]
        scatter = np.stack([(resp[:, j] * (X - means[j]).T) @ (X - means[j]) for j in range(k)])
        if covariance_type == "full":
            cov = scatter / nk[:, None, None] + 1e-6 * np.eye(d)
        elif covariance_type == "tied":
            cov = np.repeat((scatter.sum(0) / nk.sum() + 1e-6 * np.eye(d))[None], k, axis=0)
        elif covariance_type == "diag":
            cov = np.stack([np.diag(np.diag(s) / n + 1e-6) for s, n in zip(scatter, nk)])
        else:
            cov = np.stack([(np.trace(s) / n / d + 1e-6) * np.eye(d) for s, n in zip(scatter, nk)])
        nxt = run.snapshots[t + 1]
        np.testing.assert_allclose(nxt.weights, nk / nk.sum(), rtol=1e-9)
        np.testing.assert_allclose(nxt.means, means, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(nxt.covariances, cov, rtol=1e-9, atol=1e-15)


def test_high_dimension_builds_products_per_chunk_and_still_matches_sklearn(sklearn_mixture):
    from sklearn.exceptions import ConvergenceWarning

    rng = np.random.default_rng(15)
    X = np.concatenate([rng.normal(size=(120, 10)), rng.normal(size=(100, 10)) * 0.7 + 2.0])
    weights, means = np.array([0.5, 0.5]), X[[0, 150]]
    covariances = np.repeat(np.eye(10)[None], 2, axis=0)
    run = fit(X, 2, tol=0, max_iter=8, weights_init=weights, means_init=means,
              covariances_init=covariances)
    gm = sklearn_mixture.GaussianMixture(2, weights_init=weights, means_init=means,
                                         precisions_init=covariances, warm_start=True, max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(8):
            gm.fit(X)
    np.testing.assert_allclose(run.final.means, gm.means_, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(run.final.covariances, gm.covariances_, rtol=RTOL, atol=1e-14)
