"""Why EM climbs: the lower bound L(q, theta) and the gap KL between it and the log-likelihood.

For any distribution ``q`` over the components of every point,

    ln p(X | theta) = L(q, theta) + KL(q || p(Z | X, theta)),
    L(q, theta)     = sum_n sum_k q_nk (ln pi_k + ln N(x_n | mu_k, Sigma_k) - ln q_nk),

and KL >= 0, so L is a lower bound of the log-likelihood. The E-step sets
``q`` to the posterior at the current parameters (KL = 0: the bound touches);
the M-step maximises L over theta with ``q`` fixed, and the log-likelihood
rises at least as much as the bound, because the gap KL it opens is >= 0.

:func:`parameter_path` is a one-dimensional slice through parameter space
along one EM step: theta(s) = theta_t at s = 0 and theta_{t+1} at s = 1,
extended on both sides with every point a valid mixture (means move on a
line, weights on the geometric path of the simplex, covariances on the
affine-invariant geodesic). :func:`bound_slice` evaluates both curves on it.
"""
from __future__ import annotations

import numpy as np

from . import score

# Eigenvalues of the geodesic's middle matrix are floored at this fraction of the largest,
# so a nearly singular pair of covariances still has finite powers.
_EIG_FLOOR = 1e-300


def _log_joint(X: np.ndarray, weights, means, covariances) -> np.ndarray:
    """``ln pi_k + ln N(x_n | mu_k, Sigma_k)``, shape (n_samples, K)."""
    return score.log_weighted_densities(X, weights, means, covariances)


def _entropy_terms(q: np.ndarray) -> np.ndarray:
    """``q ln q`` with ``0 ln 0 = 0``, same shape as q."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(q > 0, q * np.log(np.where(q > 0, q, 1.0)), 0.0)


def entropy(q) -> float:
    """H(q) = -sum q ln q over every point and component (0 ln 0 = 0), in nats."""
    return float(-_entropy_terms(np.asarray(q, dtype=float)).sum())


def expected_log_joint(q, joint: np.ndarray) -> float:
    """``sum q (ln pi + ln N)``: the bound without its entropy (a q of 0 adds 0 whatever the density)."""
    with np.errstate(invalid="ignore"):
        return float(np.where(q > 0, q * joint, 0.0).sum())


def total_log_likelihood(joint: np.ndarray) -> float:
    """``sum_n ln sum_k exp(joint)``: ln p(X | theta) from its log joint densities (log-sum-exp)."""
    top = joint.max(axis=1, keepdims=True)
    return float((np.log(np.exp(joint - top).sum(axis=1)) + top[:, 0]).sum())


def lower_bound(X, q, weights, means, covariances) -> float:
    """L(q, theta): the evidence lower bound of the data under parameters theta.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    q : ndarray of shape (n_samples, n_components)
        Rows are distributions over the components (non-negative, summing to 1).
    weights : ndarray of shape (n_components,)
    means : ndarray of shape (n_components, n_features)
    covariances : ndarray of shape (n_components, n_features, n_features)

    Returns
    -------
    float
        ``sum q (ln pi N - ln q)``, in nats; at most the log-likelihood, equal
        to it when ``q`` is the posterior at theta.
    """
    q = np.asarray(q, dtype=float)
    return expected_log_joint(q, _log_joint(X, weights, means, covariances)) + entropy(q)


def gap(X, q, weights, means, covariances) -> float:
    """KL(q || p(Z | X, theta)) = ln p(X | theta) - L(q, theta), in nats (>= 0)."""
    joint = _log_joint(X, weights, means, covariances)
    q = np.asarray(q, dtype=float)
    return total_log_likelihood(joint) - (expected_log_joint(q, joint) + entropy(q))


def covariance_geodesic(c0: np.ndarray, c1: np.ndarray, s: float) -> np.ndarray:
    """``C0^1/2 (C0^-1/2 C1 C0^-1/2)^s C0^1/2`` for any real ``s`` (SPD everywhere).

    c0, c1 : ndarray of shape (K, d, d); returns the same shape. ``s = 0``
    gives ``c0`` and ``s = 1`` gives ``c1`` exactly.
    """
    c0 = np.asarray(c0, dtype=float)
    c1 = np.asarray(c1, dtype=float)
    if s == 0.0:
        return c0.copy()
    if s == 1.0:
        return c1.copy()
    w0, v0 = np.linalg.eigh(c0)
    root = (v0 * np.sqrt(w0)[..., None, :]) @ np.swapaxes(v0, -1, -2)
    inv_root = (v0 * (1.0 / np.sqrt(w0))[..., None, :]) @ np.swapaxes(v0, -1, -2)
    middle = inv_root @ c1 @ inv_root
    middle = 0.5 * (middle + np.swapaxes(middle, -1, -2))
    wm, vm = np.linalg.eigh(middle)
    wm = np.maximum(wm, _EIG_FLOOR * wm.max(axis=-1, keepdims=True))
    power = (vm * (wm ** s)[..., None, :]) @ np.swapaxes(vm, -1, -2)
    out = root @ power @ root
    return 0.5 * (out + np.swapaxes(out, -1, -2))


def parameter_path(start, end, s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """theta(s) on the slice through ``start`` (s = 0) and ``end`` (s = 1); any real s.

    Parameters
    ----------
    start, end : Snapshot (or anything with ``weights``, ``means``, ``covariances``)
    s : float

    Returns
    -------
    weights : (K,), means : (K, d), covariances : (K, d, d)
        A valid mixture for every s: weights ``pi0^(1-s) pi1^s`` renormalised
        (positive, summing to 1), means on the line, covariances on the
        affine-invariant geodesic. ``s = 0`` and ``s = 1`` give the snapshots exactly.
    """
    if s == 0.0:
        return np.array(start.weights), np.array(start.means), np.array(start.covariances)
    if s == 1.0:
        return np.array(end.weights), np.array(end.means), np.array(end.covariances)
    with np.errstate(divide="ignore"):
        log_w = (1.0 - s) * np.log(start.weights) + s * np.log(end.weights)
    log_w -= log_w.max()
    weights = np.exp(log_w)
    weights /= weights.sum()
    means = (1.0 - s) * np.asarray(start.means) + s * np.asarray(end.means)
    return weights, means, covariance_geodesic(start.covariances, end.covariances, s)


def bound_slice(X, start, end, q, grid, *others) -> tuple[np.ndarray, ...]:
    """The log-likelihood and the bound L(q, theta(s)) at every s of ``grid``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    start, end : Snapshot
        theta_t and theta_{t+1}.
    q : ndarray of shape (n_samples, n_components)
        The responsibilities the bound is taken with (the E-step's, at theta_t).
    grid : sequence of float
    *others : ndarray of shape (n_samples, n_components)
        More responsibilities to take the bound with on the same slice.

    Returns
    -------
    log_likelihood : ndarray of shape (len(grid),)
    bound : ndarray of shape (len(grid),)
        ``bound <= log_likelihood`` everywhere (up to rounding); one more such
        array per entry of ``others``.
    """
    X = np.asarray(X, dtype=float)
    qs = [np.asarray(r, dtype=float) for r in (q, *others)]
    entropies = [entropy(r) for r in qs]
    ll = np.empty(len(grid))
    bounds = [np.empty(len(grid)) for _ in qs]
    for i, s in enumerate(grid):
        joint = _log_joint(X, *parameter_path(start, end, float(s)))
        ll[i] = total_log_likelihood(joint)
        for r, h, out in zip(qs, entropies, bounds):
            out[i] = expected_log_joint(r, joint) + h
    return (ll, *bounds)


def m_step_bound(X, q, reg_covar: float = 0.0) -> float:
    """L(q, theta*) at the M-step's maximiser theta* of q, from sufficient statistics alone.

    The closed form the M-step maximises: with counts ``N_k``, weights
    ``N_k / N``, means and scatter ``W_k`` of the points weighted by q, and
    covariances ``Sigma_k = W_k / N_k + reg I``,

        L = sum_k [N_k ln pi_k - N_k d/2 ln 2 pi - N_k/2 ln|Sigma_k| - 1/2 tr(Sigma_k^-1 W_k)] + H(q).

    It never evaluates a density, so it checks :func:`lower_bound` on the slice
    at s = 1 independently (full covariances).
    """
    X = np.asarray(X, dtype=float)
    q = np.asarray(q, dtype=float)
    n, d = X.shape
    counts = q.sum(axis=0)
    means = (q.T @ X) / counts[:, None]
    total = 0.0
    for k in range(q.shape[1]):
        diff = X - means[k]
        scatter = (q[:, k] * diff.T) @ diff
        cov = scatter / counts[k] + reg_covar * np.eye(d)
        _, log_det = np.linalg.slogdet(cov)
        trace = float(np.trace(np.linalg.solve(cov, scatter)))
        total += (counts[k] * np.log(counts[k] / n) - 0.5 * counts[k] * (d * np.log(2 * np.pi) + log_det)
                  - 0.5 * trace)
    return float(total - _entropy_terms(q).sum())


def step_gains(X, snapshots) -> tuple[np.ndarray, np.ndarray]:
    """What each EM step does to the bound, from one density evaluation per snapshot.

    For iteration t (from ``snapshots[t - 1]`` to ``snapshots[t]``) with q the
    posterior at ``snapshots[t - 1]``: ``m_gain[t - 1] = L(q, theta_t) -
    L(q, theta_{t-1})``, what the M-step adds to the bound, and
    ``kl_after[t - 1] = ln p(X | theta_t) - L(q, theta_t)``, the gap it opens;
    the log-likelihood rises by their sum.

    Returns
    -------
    m_gain, kl_after : ndarray of shape (len(snapshots) - 1,)
    """
    X = np.asarray(X, dtype=float)
    n = len(snapshots) - 1
    m_gain, kl_after = np.empty(max(n, 0)), np.empty(max(n, 0))
    if n < 1:
        return m_gain, kl_after
    first = snapshots[0]
    joint = _log_joint(X, first.weights, first.means, first.covariances)
    for t in range(1, n + 1):
        q = np.exp(score._log_normalise(joint)[0])       # the E-step at theta_{t-1}
        h = entropy(q)
        following = snapshots[t]
        after = _log_joint(X, following.weights, following.means, following.covariances)
        bound_after = expected_log_joint(q, after) + h
        # At theta_{t-1} the bound of its own posterior touches: L = ln p there.
        m_gain[t - 1] = bound_after - (expected_log_joint(q, joint) + h)
        kl_after[t - 1] = total_log_likelihood(after) - bound_after
        joint = after
    return m_gain, kl_after
