"""The lower bound is exact: L <= ln p on every slice, equality at s = 0, the bound's peak at s = 1."""
from __future__ import annotations

import numpy as np
import pytest

from animate_em import datasets
from animate_em.em import fit, responsibilities
from animate_em.em.bound import (bound_slice, covariance_geodesic, gap, lower_bound, m_step_bound,
                                 parameter_path)

GRID = np.linspace(-0.25, 1.25, 25)   # includes s = 0 (index 4) and s = 1 (index 20)
S0, S1 = 4, 20


def _runs():
    X = datasets.get("anisotropic").X
    yield "anisotropic-random-points", X, fit(X, 4, init="random_from_data", seed=0, tol=1e-4)
    yield "anisotropic-kmeans++", X, fit(X, 4, init="kmeans++", seed=3, tol=1e-4)
    F = datasets.get("faithful").X
    yield "faithful-tied", F, fit(F, 3, covariance_type="tied", init="kmeans++", seed=0, tol=1e-4)
    yield "faithful-diag", F, fit(F, 2, covariance_type="diag", init="random_from_data", seed=1, tol=1e-4)
    O = datasets.get("overlap").X
    yield "overlap-random", O, fit(O, 4, init="random", seed=2, tol=1e-6, max_iter=40)


RUNS = list(_runs())


def test_grid_holds_both_ends():
    assert GRID[S0] == 0.0 and GRID[S1] == pytest.approx(1.0, abs=0) or GRID[S1] == 1.0


@pytest.mark.parametrize("name, X, run", RUNS, ids=[r[0] for r in RUNS])
def test_every_iteration_slice_is_exact(name, X, run):
    assert run.n_iter >= 2
    for t in range(run.n_iter):
        start, end = run.snapshots[t], run.snapshots[t + 1]
        q = responsibilities(X, start)
        ll, bound = bound_slice(X, start, end, q, GRID)
        scale = abs(ll[S0]) + 1.0
        # A bound everywhere on the slice, touching at the current parameters (the E-step).
        assert np.all(bound <= ll + 1e-9 * scale), (name, t)
        assert bound[S0] == pytest.approx(ll[S0], abs=1e-9 * scale)
        assert ll[S0] == pytest.approx(start.log_likelihood, rel=1e-10)
        assert ll[S1] == pytest.approx(end.log_likelihood, rel=1e-10)
        # The M-step maximises the bound: its peak on the slice is at s = 1 (reg_covar keeps
        # the M-step a hair off the exact maximiser; 1e-6 of the variance costs far less than this).
        assert bound[S1] >= bound.max() - 1e-6 * scale, (name, t, int(np.argmax(bound)))
        # The log-likelihood rises at least as much as the bound.
        assert ll[S1] - ll[S0] >= bound[S1] - bound[S0] - 1e-9 * scale
        if run.covariance_type == "full":
            assert bound[S1] == pytest.approx(m_step_bound(X, q, run.settings["reg_covar"]), abs=1e-8 * scale)


def test_the_gap_is_the_kl_divergence_from_the_posterior():
    X = datasets.get("blobs").X
    run = fit(X, 3, seed=0, max_iter=3, tol=0)
    old = run.snapshots[0]
    q_old = responsibilities(X, old)
    theta = run.snapshots[2]
    posterior = responsibilities(X, theta)
    kl = float(np.sum(np.where(q_old > 0, q_old * (np.log(q_old) - np.log(posterior)), 0.0)))
    assert gap(X, q_old, theta.weights, theta.means, theta.covariances) == pytest.approx(kl, rel=1e-9, abs=1e-9)
    assert gap(X, posterior, theta.weights, theta.means, theta.covariances) == pytest.approx(0.0, abs=1e-8)
    assert lower_bound(X, q_old, theta.weights, theta.means, theta.covariances) < theta.log_likelihood


def test_path_is_a_valid_mixture_beyond_both_ends():
    X = datasets.get("anisotropic").X
    run = fit(X, 4, init="random_from_data", seed=0, max_iter=2, tol=0)
    a, b = run.snapshots[0], run.snapshots[1]
    for s in (-1.0, -0.25, 0.5, 1.25, 2.0):
        weights, means, covs = parameter_path(a, b, s)
        assert np.all(weights > 0) and weights.sum() == pytest.approx(1.0)
        assert np.all(np.linalg.eigvalsh(covs) > 0)
        assert np.allclose(covs, np.swapaxes(covs, -1, -2))
    for s, snap in ((0.0, a), (1.0, b)):
        weights, means, covs = parameter_path(a, b, s)
        assert np.array_equal(weights, snap.weights) and np.array_equal(covs, snap.covariances)


def test_geodesic_midpoint_has_the_geometric_mean_determinant():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(3, 2, 2))
    c0 = A @ np.swapaxes(A, 1, 2) + np.eye(2)
    B = rng.normal(size=(3, 2, 2))
    c1 = B @ np.swapaxes(B, 1, 2) + 0.5 * np.eye(2)
    for s in (-0.5, 0.3, 1.7):
        middle = covariance_geodesic(c0, c1, s)
        expected = np.linalg.det(c0) ** (1 - s) * np.linalg.det(c1) ** s
        assert np.allclose(np.linalg.det(middle), expected, rtol=1e-9)


@pytest.mark.parametrize("name, X, run", RUNS[:3], ids=[r[0] for r in RUNS[:3]])
def test_step_gains_walk_the_run_once_and_agree_with_the_slices(name, X, run):
    from animate_em.em.bound import step_gains

    m_gain, kl_after = step_gains(X, run.snapshots)
    assert m_gain.shape == kl_after.shape == (run.n_iter,)
    for t in range(1, run.n_iter + 1):
        start, end = run.snapshots[t - 1], run.snapshots[t]
        ll, bound = bound_slice(X, start, end, responsibilities(X, start), [0.0, 1.0])
        scale = abs(ll[0]) + 1.0
        assert m_gain[t - 1] == pytest.approx(bound[1] - bound[0], abs=1e-9 * scale), (name, t)
        assert kl_after[t - 1] == pytest.approx(ll[1] - bound[1], abs=1e-9 * scale), (name, t)
    # The log-likelihood's rise is the bound's gain plus the gap, iteration by iteration.
    assert np.allclose(m_gain + kl_after, np.diff(run.log_likelihoods), atol=1e-8 * abs(run.log_likelihoods[0]))
