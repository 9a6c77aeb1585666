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


###############################################################################
# Collapse decided with a margin above rounding, per column


def _mixed_scales(n=250, seed=16):
    """Two clear clusters; one column around 1e12, the other around 1e-12."""
    rng = np.random.default_rng(seed)
    labels = np.repeat([0, 1], [3 * n // 5, n - 3 * n // 5])
    centers = np.array([[-2.0, 1.5], [2.5, -1.0]])
    return (centers[labels] + rng.normal(size=(n, 2)) * 0.5) * [1e12, 1e-12], labels


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
@pytest.mark.parametrize("reg_covar", [1e-6, 0.0])
def test_columns_of_wildly_different_scales_fit_like_sklearn(covariance_type, reg_covar):
    sklearn_mixture = pytest.importorskip("sklearn.mixture")
    X, labels = _mixed_scales()
    run = fit(X, 2, covariance_type=covariance_type, reg_covar=reg_covar, seed=0)
    assert run.collapse is None and run.converged
    assert abs(np.corrcoef(run.predict(X), labels)[0, 1]) == pytest.approx(1.0)
    gm = sklearn_mixture.GaussianMixture(2, covariance_type=covariance_type, reg_covar=reg_covar,
                                         random_state=0).fit(X)
    assert gm.converged_
    assert abs(np.corrcoef(run.predict(X), gm.predict(X))[0, 1]) == pytest.approx(1.0)
    assert run.final.log_likelihood / len(X) == pytest.approx(gm.score(X), abs=1e-3)


def test_each_column_has_its_own_collapse_floor():
    from animate_em.em.estep import Prepared

    X, _ = _mixed_scales()
    floor = Prepared(X).floor
    assert floor.shape == (2,)
    # Far below each column's own variance, and scaled as the column squared.
    variances = X.var(axis=0)
    assert (floor < 1e-20 * variances).all()
    assert floor[0] / floor[1] == pytest.approx((np.abs(X[:, 0] - X[:, 0].mean()).max()
                                                 / np.abs(X[:, 1] - X[:, 1].mean()).max()) ** 2)


def test_fallback_covariance_keeps_each_column_scale():
    from animate_em.em.init import fallback_covariance

    X, _ = _mixed_scales()
    variances = np.diag(fallback_covariance(X, 2, 0.0))
    np.testing.assert_allclose(variances, X.var(axis=0) / 2, rtol=1e-12)


def test_collapse_stops_at_the_same_iteration_whatever_the_row_order_and_scale():
    """Whether a nearly flat component has collapsed must not hang on rounding.

    30 points, K = 5, no regularisation: one component flattens onto two
    points. Reordering the rows changes only the summation order (rounding);
    a pivot compared at rounding level (as before) stopped anywhere from
    iteration 6 to 14 over these orders.
    """
    from animate_em.datasets.registry import get

    X = get("blobs", seed=0, n_samples=30).X
    start = fit(X, 5, seed=1, reg_covar=0.0, max_iter=0).final
    stops = set()
    for order in range(40):
        perm = np.random.default_rng(order).permutation(len(X))
        for scale in (1.0, 1e-3):
            run = fit(X[perm] * scale, 5, tol=1e-4, reg_covar=0.0, weights_init=start.weights,
                      means_init=start.means * scale, covariances_init=start.covariances * scale**2)
            assert run.collapse is not None
            stops.add((run.n_iter, run.collapse.iteration))
    assert stops == {(5, 6)}


def test_singular_decision_ignores_the_sign_of_a_pivot_at_rounding_level():
    from animate_em.em.gaussian import REL_PIVOT, Singular, precision_cholesky

    direction = np.array([0.6, 0.8])
    line = 4.0 * np.outer(direction, direction)
    floor = np.zeros(2)
    # The collapse scene's pivot came out as -8e-13 of its diagonal on one
    # machine and above 1e-13 on another; both are the same collapse.
    for noise in (1e-16, -1e-16, 1e-12, -1e-12, 0.5 * REL_PIVOT):
        cov = line + noise * np.diag([0.0, 1.0])
        with pytest.raises(Singular):
            precision_cholesky(cov[None], "full", 1, 2, floor)
    # A thin but real spread (conditional sd 1e-4 of the sd) is no collapse.
    thin = line + 1e-8 * line[1, 1] * np.diag([0.0, 1.0])
    precision_cholesky(thin[None], "full", 1, 2, floor)


def test_parameters_handed_in_need_only_be_usable_not_clear_of_the_collapse_margin():
    """A snapshot scored (or a recorded history checked) may be thinner than EM would keep."""
    from animate_em.em.gaussian import REL_PIVOT, Singular, precision_cholesky

    direction = np.array([0.6, 0.8])
    thin = 4.0 * np.outer(direction, direction) + 1e-2 * REL_PIVOT * np.diag([0.0, 2.56])
    with pytest.raises(Singular):
        precision_cholesky(thin[None], "full", 1, 2, 0.0)
    snap = Snapshot(0, [0.5, 0.5], [[0.0, 0.0], [3.0, 0.0]], [np.eye(2), thin], 0.0)
    X = np.array([[0.0, 0.0], [3.0, 0.0], [3.6, 0.8]])
    resp = responsibilities(X, snap)
    assert np.isfinite(resp).all()
    np.testing.assert_allclose(resp.sum(axis=1), 1.0)


def test_a_nearly_flat_component_far_from_the_centre_keeps_its_pivot_accurate():
    """Its uncentred scatter would lose ~log10(distance^2 / variance * condition) digits;
    the M-step recomputes it centred, so the thin direction matches a direct computation."""
    rng = np.random.default_rng(17)
    t = rng.normal(size=200)
    flat = np.stack([t, 0.5 * t + 1e-4 * rng.normal(size=200)], axis=1) * 0.2 + [40.0, -30.0]
    wide = rng.normal(size=(300, 2)) * 3.0
    X = np.concatenate([wide, flat])
    run = fit(X, 2, seed=0, tol=0, max_iter=3, reg_covar=0.0)
    assert run.collapse is None
    for t_ in range(run.n_iter):
        resp = run.responsibilities(X, t_)
        nk = resp.sum(axis=0) + 10 * np.finfo(float).eps
        means = resp.T @ X / nk[:, None]
        nxt = run.snapshots[t_ + 1]
        for j in range(2):
            diff = X - means[j]
            cov = (resp[:, j] * diff.T) @ diff / nk[j]
            # Pivot 2: the variance left across the line.
            direct = cov[1, 1] - cov[0, 1] ** 2 / cov[0, 0]
            ours = nxt.covariances[j, 1, 1] - nxt.covariances[j, 0, 1] ** 2 / nxt.covariances[j, 0, 0]
            assert ours == pytest.approx(direct, rel=1e-6, abs=0)


###############################################################################
# Prepared data: fast, and the same numbers


@pytest.mark.parametrize("d", [1, 2, 3, 5])
def test_column_means_equal_numpy_mean_bit_for_bit_in_every_layout(d):
    from animate_em.em.estep import column_means

    rng = np.random.default_rng(d)
    A = rng.normal(size=(30011, d)) * 10.0 ** rng.uniform(-4, 4, size=d) + rng.normal(size=d) * 1e3
    layouts = {"C": A, "F": np.asfortranarray(A), "column view": np.concatenate([A, A], axis=1)[:, :d],
               "row step": np.repeat(A, 2, axis=0)[::2], "reversed": A[::-1]}
    for name, X in layouts.items():
        np.testing.assert_array_equal(column_means(X), X.mean(axis=0), err_msg=name)


def test_prepared_columns_and_rows_are_the_centred_data_exactly():
    from animate_em.em.estep import Prepared

    rng = np.random.default_rng(5)
    X = rng.normal(size=(5000, 2)) * [3.0, 1e-3] + [1e4, -7.0]
    prepared = Prepared(X)
    centred = X - X.mean(axis=0)
    np.testing.assert_array_equal(prepared.columns, centred.T)
    out = np.full((prepared.n_stats, 100), np.nan)
    out[0] = 1.0
    rows = slice(4000, 4070)
    features = prepared.features_into(rows, out)
    assert features.shape == (6, 70)
    np.testing.assert_array_equal(features[0], 1.0)
    np.testing.assert_array_equal(features[1:3], centred[rows].T)
    np.testing.assert_array_equal(features[3], centred[rows, 0] * centred[rows, 0])
    np.testing.assert_array_equal(features[4], centred[rows, 0] * centred[rows, 1])
    np.testing.assert_array_equal(features[5], centred[rows, 1] * centred[rows, 1])
    assert prepared.features_into(rows, out, products=False).shape == (3, 70)
    np.testing.assert_array_equal(prepared.scales, np.abs(centred).max(axis=0))
    assert prepared._rows is None            # built only when needed
    np.testing.assert_array_equal(prepared.X, centred)
    assert prepared.X.flags.c_contiguous


@pytest.mark.parametrize("k", [1, 2, 5, 20, 1000])
@pytest.mark.parametrize("n", [0, 1, 433, 434, 435, 10_007])
def test_sum_log_is_the_sum_of_logs_of_a_chunks_sums(k, n):
    from animate_em.em.estep import sum_log

    bound = max(k, np.e)
    rng = np.random.default_rng(n + k)
    values = np.exp(-1.0) * (1.0 + (k - 1) * rng.random(n) ** 3)  # [1/e, K/e]: the E-step's sums
    if n:
        values[0] = float(k)  # the largest sum a point can have: every term exp(0)
    exact = float(np.log(values).sum())
    assert sum_log(values, bound) == pytest.approx(exact, rel=1e-13, abs=1e-12)


def test_sum_log_never_leaves_the_float_range_at_either_bound_and_propagates_nan():
    from animate_em.em.estep import sum_log

    for k in (1, 2, 3, 5, 20, 100):
        bound = max(k, np.e)
        for value in (1 / bound, bound):
            total = sum_log(np.full(5000, float(value)), bound)
            assert total == pytest.approx(5000 * np.log(value), rel=1e-13)
    values = np.full(5000, 2.0)
    values[1234] = np.nan
    assert np.isnan(sum_log(values, 5))


@pytest.mark.parametrize("k", [1, 2, 3, 6, 7, 8])
def test_points_so_far_away_that_the_shift_rounds_by_two_keep_a_finite_log_likelihood(k):
    # Best log-densities in (-2^54, -2^53), where floats are 2 apart: the
    # E-step's shift (the best plus one) is a tie that can round to the best
    # plus two, so a point's sum of exponentials can be as small as e^-2.
    # Products of such sums must not underflow into a false -inf.
    from animate_em.em import estep

    top = -float(2**53 + 2)
    assert top - (top + 1.0) == -2.0
    prepared = estep.Prepared(np.random.default_rng(0).normal(size=(3000, 2)))
    const = np.full((k, 1), top - 1e6)
    const[0] = top
    ll, stats = estep.estep(prepared, estep.Operands(W=np.zeros((2 * k, 3)), const=const, Q=None), True)
    assert ll == pytest.approx(3000 * top, rel=1e-15)
    assert stats[0, 0] == pytest.approx(3000)


def test_a_start_far_from_the_data_is_scored_not_called_non_finite():
    X = np.random.default_rng(1).normal(size=(20000, 2))
    run = fit(X, 1, weights_init=[1.0], means_init=[[1.5e8, 0.0]], covariances_init=[np.eye(2)],
              max_iter=2, tol=0)
    assert run.collapse is None
    assert run.snapshots[0].log_likelihood == pytest.approx(-0.5 * 1.5e8**2 * 20000, rel=1e-6)


def test_sum_log_falls_back_to_the_plain_sum_when_a_product_leaves_the_float_range():
    from animate_em.em.estep import sum_log

    values = np.full(5000, 1e-3)  # outside [1/bound, bound]: products underflow
    with np.errstate(all="ignore"):
        assert sum_log(values, 5) == pytest.approx(5000 * np.log(1e-3), rel=1e-13)
        values[7] = np.inf
        assert not np.isfinite(sum_log(values, 5))  # a non-finite sum stays non-finite


def test_scoring_takes_the_affine_form_near_a_tight_component():
    # The quadratic form rounds more near a tight component far from the
    # data's centre; scoring a snapshot runs once and keeps scikit-learn's
    # (affine) accuracy.
    from sklearn.mixture import GaussianMixture

    from animate_em.em import score

    rng = np.random.default_rng(3)
    X = np.concatenate([rng.normal(size=(2000, 2)) * 20, rng.normal(size=(500, 2)) * 0.7 + [40, 40]])
    weights, means = np.array([0.8, 0.2]), np.array([[0.0, 0.0], [40.0, 40.0]])
    covariances = np.array([np.eye(2) * 400, np.eye(2) * 0.5])
    gm = GaussianMixture(2)
    gm.weights_, gm.means_, gm.covariances_ = weights, means, covariances
    gm.precisions_cholesky_ = np.array([np.linalg.cholesky(np.linalg.inv(c)) for c in covariances])
    ours = score.log_weighted_densities(X, weights, means, covariances)
    reference = gm._estimate_weighted_log_prob(X)
    near = reference[:, 1] > -10  # the points the tight component explains
    assert near.sum() > 100
    np.testing.assert_allclose(ours[near, 1], reference[near, 1], rtol=0, atol=1e-13)
