"""Fitting: the EM loop, restarts from derived seeds, and collapse detection.

One iteration is a single pass over the data (see :mod:`.gaussian`): the
E-step at the parameters of snapshot t yields both the log-likelihood of
snapshot t (used for the convergence check, no extra pass) and the
statistics of the M-step that produces snapshot t + 1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from animate_em.errors import UserError

from . import checks, estep, gaussian, init as inits, mstep
from .types import Collapse, Run, Snapshot


@dataclass
class _State:
    """Parameters in the fit's centred coordinates, covariances in the type's shape."""

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    U: np.ndarray
    log_det: np.ndarray


###############################################################################
# Collapse


def _collapse_message(iteration: int, component: int, what: str, reg_covar: float,
                      covariance_type: str) -> str:
    who = "The shared covariance" if covariance_type == "tied" else f"Component {component}"
    return (
        f"{who} collapsed at iteration {iteration}: {what} (a Gaussian shrinking onto a "
        f"single point or a line makes the likelihood unbounded). EM stopped at the last valid "
        f"state. Try a larger reg_covar (now {reg_covar:g}), fewer components, or scale the data."
    )


###############################################################################
# Initial state


def _initial_state(prepared: estep.Prepared, k: int, covariance_type: str, init: str,
                   rng: np.random.Generator, reg_covar: float, weights_init, means_init,
                   covariances_init) -> _State:
    columns, d = prepared.columns, prepared.n_features
    given = (weights_init is not None, means_init is not None, covariances_init is not None)
    counts = None
    if means_init is not None:
        means = checks.check_means_init(means_init, k, d) - prepared.center
        if not all(given):
            weights, means, cov, counts = inits.from_means(columns, means, reg_covar, covariance_type)
    elif init == "random":
        weights, means, cov, _ = inits.from_random_responsibilities(prepared.X, k, rng, reg_covar,
                                                                    covariance_type)
    else:
        seeds, labels = inits.MEAN_SEEDERS[init](columns, k, rng)
        weights, means, cov, counts = inits.from_means(columns, seeds, reg_covar, covariance_type, labels)
    if weights_init is not None:
        weights = checks.check_weights_init(weights_init, k)
    if covariances_init is not None:
        cov = checks.check_covariances_init(covariances_init, k, d, covariance_type)
    elif not all(given):
        try:
            cov = inits.repair(lambda: prepared.X, weights, means, cov, counts, reg_covar,
                               covariance_type, prepared.floor)
        except gaussian.Singular:
            raise UserError(
                "cannot start EM: every data point is identical and reg_covar is 0; "
                "use reg_covar > 0"
            ) from None
    # Covariances handed in need only be usable; those computed here were checked by repair.
    rel_pivot = gaussian.REL_PIVOT_USABLE if covariances_init is not None else gaussian.REL_PIVOT
    try:
        U, log_det = gaussian.precision_cholesky(cov, covariance_type, k, d, prepared.floor, rel_pivot)
    except gaussian.Singular as error:
        raise UserError(
            f"covariances_init: component {error.component} is numerically singular for this data; "
            "use larger covariances or scale the data"
        ) from None
    return _State(weights, means, cov, U, log_det)


###############################################################################
# The EM loop


def _snapshot(t: int, state: _State, ll: float, prepared: estep.Prepared,
              covariance_type: str) -> Snapshot:
    k, d = state.means.shape
    full = gaussian.TO_FULL[covariance_type](state.covariances, k, d)
    return Snapshot(t, state.weights, state.means + prepared.center, full, ll)


def _m_step(prepared, stats, ops, reg_covar, covariance_type) -> _State:
    """M-step plus the new precision factors (raises gaussian.Singular)."""
    weights, means, cov = mstep.m_step(prepared, stats, ops, reg_covar, covariance_type)
    k, d = means.shape
    U, log_det = gaussian.precision_cholesky(cov, covariance_type, k, d, prepared.floor)
    return _State(weights, means, cov, U, log_det)


def em_iteration(prepared, state: _State, reg_covar: float, covariance_type: str,
                 buffers=None) -> tuple[float, _State]:
    """One EM iteration: E-step (with the log-likelihood of ``state``) and M-step.

    Exposed for the benchmark; :func:`fit` runs the same two calls.
    """
    ops = estep.operands(prepared, state.weights, state.means, state.U, state.log_det)
    ll, stats = estep.estep(prepared, ops, True, buffers)
    return ll, _m_step(prepared, stats, ops, reg_covar, covariance_type)


def _run_em(prepared, state: _State, *, covariance_type: str, tol: float, max_iter: int,
            reg_covar: float):
    """Return (snapshots, converged, collapse)."""
    n = prepared.n_samples
    k = state.means.shape[0]
    buffers = estep.make_buffers(prepared, k)
    snapshots: list[Snapshot] = []
    previous = None
    for t in range(max_iter + 1):
        ops = estep.operands(prepared, state.weights, state.means, state.U, state.log_det)
        ll, stats = estep.estep(prepared, ops, t < max_iter, buffers)
        if not np.isfinite(ll):
            if t == 0:
                raise UserError("the initial parameters give a non-finite log-likelihood")
            component = int(np.argmax(state.log_det))
            what = "the log-likelihood became non-finite"
            return snapshots, False, Collapse(t, component, _collapse_message(
                t, component, what, reg_covar, covariance_type))
        snapshots.append(_snapshot(t, state, ll, prepared, covariance_type))
        # As scikit-learn: the change of the per-sample mean log-likelihood.
        if previous is not None and abs(ll / n - previous / n) < tol:
            return snapshots, True, None
        previous = ll
        if t == max_iter:
            break
        try:
            state = _m_step(prepared, stats, ops, reg_covar, covariance_type)
        except gaussian.Singular as error:
            return snapshots, False, Collapse(t + 1, error.component, _collapse_message(
                t + 1, error.component, error.reason, reg_covar, covariance_type))
    return snapshots, False, None


###############################################################################
# Public entry points


def _seed_sequences(seed, n: int) -> list[np.random.SeedSequence]:
    if not (seed is None or isinstance(seed, np.random.SeedSequence)
            or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0)):
        # NumPy would raise from deep inside SeedSequence; say it in the user's terms.
        raise UserError(f"seed must be a non-negative integer, got {seed!r}")
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return root.spawn(n)


def _runs(X, k, *, covariance_type, init, n_init, seed, tol, max_iter, reg_covar,
          weights_init, means_init, covariances_init) -> list[Run]:
    X = checks.check_data(X)
    k = checks.check_k(X, k)
    checks.check_options(covariance_type, init, n_init, tol, max_iter, reg_covar)
    prepared = estep.Prepared(X)
    settings = dict(k=k, covariance_type=covariance_type, init=init, n_init=n_init, seed=seed,
                    tol=float(tol), max_iter=int(max_iter), reg_covar=float(reg_covar))
    fixed = all(v is not None for v in (weights_init, means_init, covariances_init))
    runs = []
    with np.errstate(all="ignore"):
        for restart, child in enumerate(_seed_sequences(seed, 1 if fixed else n_init)):
            rng = np.random.default_rng(child)
            state = _initial_state(prepared, k, covariance_type, init, rng, float(reg_covar),
                                   weights_init, means_init, covariances_init)
            snapshots, converged, collapse = _run_em(
                prepared, state, covariance_type=covariance_type, tol=float(tol),
                max_iter=int(max_iter), reg_covar=float(reg_covar))
            runs.append(Run(tuple(snapshots), dict(settings), converged, prepared.n_samples,
                            collapse, {"restart": restart}))
    return runs


def best_run(runs: list[Run]) -> Run:
    """The run with the highest final log-likelihood, preferring runs that did not collapse."""
    pool = [run for run in runs if run.collapse is None] or list(runs)
    return max(pool, key=lambda run: run.snapshots[-1].log_likelihood)


def fit(X, k, *, covariance_type: str = "full", init: str = "kmeans++", n_init: int = 1,
        seed=None, tol: float = 1e-3, max_iter: int = 100, reg_covar: float = 1e-6,
        weights_init=None, means_init=None, covariances_init=None) -> Run:
    """Fit a Gaussian mixture by EM and record every iteration.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    k : int
        Number of components, 1 <= k <= number of distinct points.
    covariance_type : {"full", "tied", "diag", "spherical"}
    init : {"kmeans++", "kmeans", "random_from_data", "random"}
    n_init : int
        Restarts from seeds derived from ``seed``; the best final
        log-likelihood wins (runs that collapsed only if all did).
    seed : int, SeedSequence or None
    tol : float
        Stop when the per-sample mean log-likelihood changes by less; 0
        runs exactly ``max_iter`` iterations.
    max_iter : int
    reg_covar : float
        Added to every covariance diagonal in the M-step.
    weights_init : array-like of shape (K,), optional
    means_init : array-like of shape (K, n_features), optional
    covariances_init : array-like, optional
        scikit-learn's shape for the type: full (K, d, d), tied (d, d),
        diag (K, d), spherical (K,).

    Returns
    -------
    Run
        ``snapshots[t]`` is the state after t M-steps; ``collapse`` is set
        when a component became singular and EM stopped early.

    Raises
    ------
    animate_em.errors.UserError
        For bad data or options.
    """
    runs = _runs(X, k, covariance_type=covariance_type, init=init, n_init=n_init, seed=seed,
                 tol=tol, max_iter=max_iter, reg_covar=reg_covar, weights_init=weights_init,
                 means_init=means_init, covariances_init=covariances_init)
    best = best_run(runs)
    if len(runs) > 1:
        best.extras["restart_log_likelihoods"] = [run.snapshots[-1].log_likelihood for run in runs]
    return best


def restarts(X, k, *, n_init: int, init: str = "random", seed=None, **fit_kwargs) -> list[Run]:
    """Every run of ``n_init`` restarts (for local-optimum studies).

    Seeds are derived from ``seed`` as in :func:`fit`, so
    ``fit(..., n_init=n, seed=s)`` returns the best of
    ``restarts(..., n_init=n, seed=s)``.

    Returns
    -------
    list of Run, length n_init
    """
    fit_kwargs.pop("n_init", None)
    defaults = dict(covariance_type="full", tol=1e-3, max_iter=100, reg_covar=1e-6,
                    weights_init=None, means_init=None, covariances_init=None)
    unknown = set(fit_kwargs) - set(defaults)
    if unknown:
        raise TypeError(f"restarts() got unexpected keyword arguments {sorted(unknown)}")
    defaults.update(fit_kwargs)
    return _runs(X, k, init=init, n_init=n_init, seed=seed, **defaults)
