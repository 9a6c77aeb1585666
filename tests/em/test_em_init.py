"""Initialisations, determinism, restarts and iteration counts."""
import numpy as np
import pytest

from animate_em.em import fit, restarts

INITS = ("random", "random_from_data", "kmeans++", "kmeans")
TYPES = ("full", "tied", "diag", "spherical")


def _blobs(seed=0):
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 0.0], [7.0, 1.0], [2.0, 7.0]])
    labels = rng.integers(3, size=300)
    return centers[labels] + rng.normal(size=(300, 2)) * [1.0, 0.6]


@pytest.mark.parametrize("covariance_type", TYPES)
@pytest.mark.parametrize("init", INITS)
def test_every_init_gives_a_valid_visible_initial_state(init, covariance_type):
    X = _blobs()
    run = fit(X, 3, init=init, covariance_type=covariance_type, seed=4, max_iter=0)
    s0 = run.snapshots[0]
    assert run.n_iter == 0 and np.isfinite(s0.log_likelihood)
    assert s0.weights.sum() == pytest.approx(1.0) and (s0.weights > 0.01).all()
    np.linalg.cholesky(s0.covariances)
    data_det = np.linalg.det(np.cov(X.T))
    # Visible: every ellipse is at least ~1/10 of the data's extent in size
    # (scikit-learn's point seeds would give det ~ reg_covar**2 = 1e-12).
    assert (np.linalg.det(s0.covariances) > 1e-4 * data_det).all()
    if init != "random":
        assert len(np.unique(s0.means, axis=0)) == 3


def test_random_init_starts_every_component_near_the_centre():
    X = _blobs()
    s0 = fit(X, 3, init="random", seed=0, max_iter=0).snapshots[0]
    spread = X.std(axis=0)
    assert (np.abs(s0.means - X.mean(axis=0)) < 0.5 * spread).all()


def test_init_from_data_points_uses_data_points():
    X = _blobs()
    for init in ("random_from_data", "kmeans++"):
        s0 = fit(X, 3, init=init, seed=1, max_iter=0).snapshots[0]
        for mean in s0.means:
            assert np.isclose(X, mean, rtol=0, atol=1e-12).all(axis=1).any()


def test_kmeans_init_is_a_fixed_point_of_lloyd():
    X = _blobs()
    means = fit(X, 3, init="kmeans", seed=2, max_iter=0).snapshots[0].means
    labels = ((X[:, None, :] - means[None]) ** 2).sum(-1).argmin(1)
    recomputed = np.array([X[labels == k].mean(axis=0) for k in range(3)])
    np.testing.assert_allclose(recomputed, means, atol=1e-10)


def test_singleton_clusters_get_visible_covariances():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(size=(100, 2)), [[30.0, 30.0]]])
    s0 = fit(X, 2, init="kmeans++", seed=0, max_iter=0).snapshots[0]
    assert (np.linalg.det(s0.covariances) > 1e-3).all()


@pytest.mark.parametrize("init", INITS)
def test_same_seed_gives_identical_snapshots(init):
    X = _blobs()
    a = fit(X, 3, init=init, seed=7, max_iter=15)
    b = fit(X, 3, init=init, seed=7, max_iter=15)
    assert a.n_iter == b.n_iter
    for sa, sb in zip(a.snapshots, b.snapshots):
        np.testing.assert_array_equal(sa.means, sb.means)
        np.testing.assert_array_equal(sa.covariances, sb.covariances)
        np.testing.assert_array_equal(sa.weights, sb.weights)
        assert sa.log_likelihood == sb.log_likelihood
    c = fit(X, 3, init=init, seed=8, max_iter=15)
    assert not np.array_equal(c.snapshots[0].means, a.snapshots[0].means)


def test_tol_zero_runs_exactly_max_iter():
    X = _blobs()
    run = fit(X, 3, seed=0, tol=0, max_iter=37)
    assert run.n_iter == 37 and len(run.snapshots) == 38 and not run.converged
    assert [s.iteration for s in run.snapshots] == list(range(38))
    assert fit(X, 3, seed=0, tol=0, max_iter=0).n_iter == 0


def test_convergence_stops_when_mean_log_likelihood_change_is_below_tol():
    X = _blobs()
    run = fit(X, 3, seed=0, tol=1e-3)
    assert run.converged and run.n_iter < 100
    per_sample = run.log_likelihoods / len(X)
    assert abs(per_sample[-1] - per_sample[-2]) < 1e-3
    assert (np.abs(np.diff(per_sample[:-1])) >= 1e-3).all()


def test_n_init_returns_the_best_of_the_restarts():
    rng = np.random.default_rng(9)
    X = np.concatenate([rng.normal(size=(80, 2)) + c for c in ([0, 0], [5, 0], [0, 5], [5, 5], [2.5, 2.5])])
    runs = restarts(X, 5, n_init=6, init="random", seed=3, max_iter=60)
    assert len(runs) == 6
    finals = [r.final.log_likelihood for r in runs]
    assert len(set(np.round(finals, 6))) > 1  # the restarts really differ
    best = fit(X, 5, init="random", n_init=6, seed=3, max_iter=60)
    assert best.final.log_likelihood == max(finals)
    assert best.extras["restart_log_likelihoods"] == finals
    # Restart i is the same run however many restarts are asked for.
    single = fit(X, 5, init="random", n_init=1, seed=3, max_iter=60)
    np.testing.assert_array_equal(single.final.means, runs[0].final.means)


def test_partial_init_means_only_assigns_points_to_the_given_means():
    X = _blobs()
    means = np.array([[0.0, 0.0], [7.0, 1.0], [2.0, 7.0]])
    s0 = fit(X, 3, means_init=means, max_iter=0).snapshots[0]
    np.testing.assert_allclose(s0.means, means, atol=1e-12)
    assert (s0.weights > 0.2).all()


###############################################################################
# The fast seeding computes what the textbook algorithm computes
#
# The seeders work block by block on feature-major data (fast at 1e6
# points); these plain versions, on row-major data as the algorithm is
# written, must give the very same centers, labels and scatter.


def _plain_squared_distances(X, centers):
    return np.stack([np.einsum("ij,ij->i", X - c, X - c) for c in centers], axis=1)


def _plain_kmeans_plusplus(X, k, rng):
    n = len(X)
    n_trials = 2 + int(np.log(k))
    centers = [X[rng.integers(n)]]
    closest = _plain_squared_distances(X, centers)[:, 0]
    for _ in range(1, k):
        cumulative = np.cumsum(closest)
        picks = np.searchsorted(cumulative, rng.random(n_trials) * cumulative[-1], side="right")
        picks = np.minimum(picks, np.flatnonzero(closest > 0)[-1])
        candidates = np.minimum(closest[:, None], _plain_squared_distances(X, X[picks]))
        best = int(np.argmin(candidates.sum(axis=0)))
        centers.append(X[picks[best]])
        closest = candidates[:, best]
    return np.array(centers)


def _seeding_data():
    """Several clusters, 40000 points (several blocks), a grid of ties, duplicated points."""
    rng = np.random.default_rng(21)
    blobs = rng.normal(size=(40000, 2)) * 0.7 + rng.uniform(-8, 8, size=(6, 2))[rng.integers(6, size=40000)]
    grid = np.stack(np.meshgrid(np.arange(12.0), np.arange(9.0)), axis=-1).reshape(-1, 2)
    grid = np.concatenate([grid, grid[:20], grid[:20]])
    return {"blobs": blobs, "grid": grid}


@pytest.mark.parametrize("name", ["blobs", "grid"])
@pytest.mark.parametrize("k", [2, 5, 9])
def test_kmeans_plusplus_picks_what_the_plain_algorithm_picks(name, k):
    from animate_em.em import init

    X = _seeding_data()[name]
    X = X - X.mean(axis=0)
    for seed in range(3):
        centers, labels = init.kmeans_plusplus(np.ascontiguousarray(X.T), k, np.random.default_rng(seed))
        np.testing.assert_array_equal(centers, _plain_kmeans_plusplus(X, k, np.random.default_rng(seed)))
        # The labels tracked while seeding are the nearest centers, the first on ties.
        np.testing.assert_array_equal(labels, _plain_squared_distances(X, centers).argmin(axis=1))


@pytest.mark.parametrize("name", ["blobs", "grid"])
def test_assignment_distances_and_scatter_match_the_plain_computation(name):
    from animate_em.em import init

    X = _seeding_data()[name]
    columns = np.ascontiguousarray(X.T)
    centers = X[[0, 7, 30, 31, 95]] + [0.25, 0.0]
    plain = _plain_squared_distances(X, centers)
    np.testing.assert_array_equal(init.squared_distances(columns, centers), plain)
    labels, closest = init.assign(columns, centers)
    np.testing.assert_array_equal(labels, plain.argmin(axis=1))
    np.testing.assert_array_equal(closest, plain.min(axis=1))
    counts, scatter = init.scatter_from_labels(columns, labels, centers)
    for c in range(len(centers)):
        diff = X[labels == c] - centers[c]
        np.testing.assert_array_equal(scatter[c], diff.T @ diff)
    np.testing.assert_array_equal(counts, np.bincount(labels, minlength=len(centers)))


def test_lloyd_labels_are_the_nearest_centers_when_it_settles():
    from animate_em.em import init

    X = _seeding_data()["blobs"]
    columns = np.ascontiguousarray(X.T)
    start, _ = init.kmeans_plusplus(columns, 6, np.random.default_rng(0))
    centers, labels = init.lloyd(columns, start)
    assert labels is not None
    np.testing.assert_array_equal(labels, _plain_squared_distances(X, centers).argmin(axis=1))
    for c in range(6):
        np.testing.assert_allclose(centers[c], X[labels == c].mean(axis=0), rtol=1e-12)
    _, unsettled = init.lloyd(columns, start, max_iter=1)
    assert unsettled is None
