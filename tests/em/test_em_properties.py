"""Properties EM must keep on any data: monotone likelihood, valid parameters."""
import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

from animate_em.em import fit

TYPES = ("full", "tied", "diag", "spherical")
INITS = ("random", "random_from_data", "kmeans++", "kmeans")


@st.composite
def datasets(draw):
    """Small data sets with clusters, duplicated rows, collinear points, any scale."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    d = draw(st.integers(1, 3))
    k = draw(st.integers(1, 4))
    n_distinct = draw(st.integers(max(k, 2), 40))
    centers = rng.normal(scale=4.0, size=(k, d))
    X = centers[rng.integers(k, size=n_distinct)] + rng.normal(size=(n_distinct, d))
    if d >= 2 and draw(st.booleans()):
        # Collinear: every point on one line (a direction not along an axis).
        direction = rng.normal(size=d)
        X = np.outer(X[:, 0], direction / np.linalg.norm(direction)) + rng.normal(size=d)
    n_dup = draw(st.integers(0, 30))
    if n_dup:
        X = np.concatenate([X, X[rng.integers(min(3, n_distinct), size=n_dup)]])
    scale = 10.0 ** draw(st.floats(-6, 6))
    X = X * scale + draw(st.floats(-3, 3)) * scale
    return X, k


EPS = np.finfo(float).eps


def _condition(covariances):
    eig = np.linalg.eigvalsh(covariances)
    return float((eig[:, -1] / eig[:, 0]).max())


def _check_run(run, X, reg_covar=1e-6):
    assert len(run.snapshots) >= 1
    n = X.shape[0]
    lls = run.log_likelihoods
    assert np.isfinite(lls).all()
    for snap in run.snapshots:
        assert np.isfinite(snap.weights).all() and np.isfinite(snap.means).all()
        assert np.isfinite(snap.covariances).all()
        assert abs(snap.weights.sum() - 1.0) < 1e-12
        assert (snap.weights >= 0).all()
        np.testing.assert_array_equal(snap.covariances, np.swapaxes(snap.covariances, 1, 2))
        np.linalg.cholesky(snap.covariances)  # raises if not positive definite
        assert (np.linalg.eigvalsh(snap.covariances) > 0).all()
    # EM never decreases the likelihood. With reg_covar > 0 (scikit-learn's
    # semantics) the M-step maximises Q(theta) - reg/2 sum_k n_k tr(inv Sigma_k)
    # rather than Q itself, so the exact guarantee is
    #   LL[t+1] - LL[t] >= reg/2 * N * sum_k w_k[t+1] (tr P_k[t+1] - tr P_k[t]),
    # P = inverse covariance. The bound is zero for reg_covar = 0 and
    # matters only where a variance is comparable to reg_covar (data at scale
    # 1e-3, thin directions of collinear data).
    # Rounding slack: 1e-9 of |LL| (plus 1e-9 per point, so a likelihood near
    # zero does not demand exact equality) and eps * condition number per
    # point and dimension for log-determinants of ill-conditioned covariances.
    d = X.shape[1]
    cond = np.array([_condition(s.covariances) for s in run.snapshots])
    trace_p = np.array([np.trace(np.linalg.inv(s.covariances), axis1=1, axis2=2) for s in run.snapshots])
    weights = np.array([s.weights for s in run.snapshots])
    guarantee = 0.5 * reg_covar * n * (weights[1:] * (trace_p[1:] - trace_p[:-1])).sum(axis=1)
    slack = 1e-9 * (np.abs(lls[:-1]) + n) + 16 * EPS * n * d * np.maximum(cond[:-1], cond[1:])
    assert (np.diff(lls) >= np.minimum(guarantee, 0.0) - slack).all(), (np.diff(lls), guarantee, slack)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=datasets(), covariance_type=st.sampled_from(TYPES), init=st.sampled_from(INITS),
       seed=st.integers(0, 1000))
def test_likelihood_never_decreases_and_parameters_stay_valid(data, covariance_type, init, seed):
    X, k = data
    run = fit(X, k, covariance_type=covariance_type, init=init, seed=seed, tol=0, max_iter=15)
    _check_run(run, X)


@settings(max_examples=25, deadline=None)
@given(data=datasets(), seed=st.integers(0, 1000))
def test_default_settings_converge_or_stop_with_a_valid_run(data, seed):
    X, k = data
    run = fit(X, k, seed=seed)
    _check_run(run, X)
    assert run.n_iter <= 100


@settings(max_examples=25, deadline=None)
@given(data=datasets(), covariance_type=st.sampled_from(TYPES), seed=st.integers(0, 1000))
def test_without_regularisation_likelihood_is_monotone_until_any_collapse(data, covariance_type, seed):
    X, k = data
    run = fit(X, k, covariance_type=covariance_type, seed=seed, tol=0, max_iter=15, reg_covar=0.0)
    _check_run(run, X, reg_covar=0.0)


TYPE_SHAPED = {
    "full": lambda full: full,
    "tied": lambda full: full[0],
    "diag": lambda full: np.diagonal(full, axis1=1, axis2=2),
    "spherical": lambda full: full[:, 0, 0],
}


@settings(max_examples=25, deadline=None)
@given(data=datasets(), covariance_type=st.sampled_from(TYPES), seed=st.integers(0, 1000),
       order=st.integers(0, 2**32 - 1))
def test_where_em_stops_does_not_depend_on_the_order_of_the_rows(data, covariance_type, seed, order):
    """Reordering the rows changes only rounding (summation order), never where EM stops.

    Without regularisation components collapse; whether one has must be
    decided with a margin above rounding, so every machine stops at the
    same iteration.
    """
    X, k = data
    start = fit(X, k, covariance_type=covariance_type, seed=seed, reg_covar=0.0, max_iter=0).final
    given_start = dict(weights_init=start.weights, means_init=start.means,
                       covariances_init=TYPE_SHAPED[covariance_type](start.covariances))
    rows = np.random.default_rng(order).permutation(len(X))
    stops = []
    for Y in (X, X[rows]):
        run = fit(Y, k, covariance_type=covariance_type, tol=0, max_iter=15, reg_covar=0.0, **given_start)
        stops.append((run.n_iter, None if run.collapse is None else run.collapse.iteration))
    assert stops[0] == stops[1]


def test_regularised_em_can_lower_the_likelihood_but_stays_within_its_guarantee():
    """A variance comparable to reg_covar: the likelihood drops (as in
    scikit-learn), and the drop is within the bound the tests allow."""
    X = np.array([[0.00086452, 0.00077558], [0.00350877, -0.00028413]])
    run = fit(X, 2, init="random", seed=0, tol=0, max_iter=15)
    assert np.diff(run.log_likelihoods).min() < -1e-6
    _check_run(run, X)
