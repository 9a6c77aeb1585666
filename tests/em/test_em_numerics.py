"""Numerical robustness: far points, collapse, empty components, any dimension."""
import numpy as np
import pytest

from animate_em.em import Snapshot, fit, log_responsibilities, mean_log_likelihood, responsibilities


def _blobs(n=300, seed=0, d=2):
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0] * d, [6.0] + [0.0] * (d - 1), [0.0] * (d - 1) + [6.0]])
    labels = rng.integers(3, size=n)
    return centers[labels] + rng.normal(size=(n, d)), labels


def test_point_ten_thousand_sd_away_has_finite_responsibilities_summing_to_one():
    snap = Snapshot(0, [0.5, 0.5], [[0.0, 0.0], [3.0, 0.0]], [np.eye(2), 0.25 * np.eye(2)], 0.0)
    X = np.array([[1e4, 1e4], [-2e4, 5.0], [0.0, 0.0]])
    resp = responsibilities(X, snap)
    assert np.isfinite(resp).all()
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=1e-12)
    assert np.isfinite(log_responsibilities(X, snap)).all()
    # The far point belongs to the wide component: its density decays slowest.
    assert resp[1, 0] == pytest.approx(1.0)
    assert np.isfinite(mean_log_likelihood(X, snap))


def test_fit_with_a_far_outlier_stays_finite():
    X, _ = _blobs()
    X = np.concatenate([X, [[1e4, -1e4]]])
    run = fit(X, 3, seed=0, tol=0, max_iter=20)
    assert run.collapse is None
    assert np.isfinite(run.log_likelihoods).all()
    resp = run.responsibilities(X)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=1e-12)


def test_collapse_with_reg_covar_zero_stops_with_valid_snapshots():
    rng = np.random.default_rng(1)
    # A few points repeated many times: with k large and no regularisation a
    # component shrinks onto one of them.
    base = rng.normal(size=(6, 2))
    X = np.concatenate([np.repeat(base[:3], 20, axis=0), base[3:], rng.normal(size=(40, 2)) * 3])
    run = fit(X, 6, reg_covar=0.0, seed=0, tol=0, max_iter=200)
    assert run.collapse is not None
    assert 1 <= run.collapse.iteration <= 200
    assert 0 <= run.collapse.component < 6
    assert run.n_iter == run.collapse.iteration - 1
    assert "reg_covar" in run.collapse.message and "fewer components" in run.collapse.message
    for snap in run.snapshots:
        assert np.isfinite(snap.covariances).all() and np.isfinite(snap.log_likelihood)
        np.linalg.cholesky(snap.covariances)
    # The default regularisation keeps the same data well posed.
    assert fit(X, 6, seed=0, tol=0, max_iter=200).collapse is None


def test_empty_component_never_produces_nan():
    X, _ = _blobs(60)
    # A component far from every point gets (numerically) zero responsibility.
    means = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0], [1e3, 1e3]])
    run = fit(X, 4, tol=0, max_iter=10, weights_init=np.full(4, 0.25), means_init=means,
              covariances_init=np.repeat(np.eye(2)[None], 4, axis=0))
    assert run.collapse is None
    assert run.final.weights[3] < 1e-12
    for snap in run.snapshots:
        assert np.isfinite(snap.means).all() and np.isfinite(snap.covariances).all()


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
@pytest.mark.parametrize("d", [1, 3])
def test_other_dimensions_fit_and_recover_structure(d, covariance_type):
    X, labels = _blobs(400, seed=2, d=d)
    k = 2 if d == 1 else 3
    if d == 1:
        X = X[labels < 2]
    run = fit(X, k, covariance_type=covariance_type, seed=0)
    f = run.final
    assert f.means.shape == (k, d) and f.covariances.shape == (k, d, d)
    assert run.converged and run.collapse is None
    assert np.all(np.diff(run.log_likelihoods) > -1e-9 * abs(run.log_likelihoods[-1]))
    # Means near the true centers (0 and 6 along the first axis).
    assert np.sort(f.means[:, 0])[-1] == pytest.approx(6.0, abs=0.5)


def test_large_data_uses_chunks_and_matches_small_chunk_free_computation():
    rng = np.random.default_rng(3)
    X = np.concatenate([rng.normal(size=(40000, 2)), rng.normal(size=(30000, 2)) + 4])
    run = fit(X, 2, seed=0, tol=0, max_iter=3)
    for snap in run.snapshots:
        assert snap.log_likelihood == pytest.approx(mean_log_likelihood(X, snap) * len(X), rel=1e-12)


def test_data_far_from_origin_gives_the_same_fit_as_centred_data():
    X, _ = _blobs(300, seed=4)
    a = fit(X, 3, seed=0, tol=0, max_iter=20)
    b = fit(X + 1e5, 3, seed=0, tol=0, max_iter=20)
    np.testing.assert_allclose(b.final.means - 1e5, a.final.means, atol=1e-6)
    np.testing.assert_allclose(b.final.covariances, a.final.covariances, rtol=1e-6)


def test_sample_draws_from_the_final_mixture():
    X, _ = _blobs(500, seed=5)
    run = fit(X, 3, seed=0)
    Y, labels = run.sample(3000, seed=1)
    Y2, labels2 = run.sample(3000, seed=1)
    np.testing.assert_array_equal(Y, Y2)
    assert Y.shape == (3000, 2) and labels.shape == (3000,)
    for k in range(3):
        mine = Y[labels == k]
        np.testing.assert_allclose(mine.mean(axis=0), run.final.means[k], atol=0.15)
    np.testing.assert_allclose(np.bincount(labels, minlength=3) / 3000, run.final.weights, atol=0.03)
