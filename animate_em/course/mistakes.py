"""The classic mistakes of a hand-written EM, each as the step it would compute.

When a recorded step differs from the exact EM step, :mod:`.trajectory` asks which
of these wrong steps the implementation took instead: each mistake below is a
plain NumPy EM step written with that one mistake, from the same snapshot. A
mistake whose step equals the recorded one (to :data:`MATCH_RTOL`) is the
likely cause; its explanation says what to change.

Plain code on purpose: these are the steps a student writes, so they must
show the same symptoms (underflow included), not the careful ones of
:mod:`animate_em.em`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

#: A wrong step explains a recorded one when every quantity agrees to this
#: (in the units of :mod:`.trajectory`); looser than the check's own tolerance
#: because the reg_covar an implementation uses is known only to about this.
MATCH_RTOL = 1e-4

#: exp(x) is exactly 0.0 in float64 below this: a density that small underflows.
LOG_UNDERFLOW = math.log(np.nextafter(0.0, 1.0))


@dataclass(frozen=True)
class Mistake:
    """One classic mistake: its name, what it looks like, what to do.

    Attributes
    ----------
    id : str
        Stable identifier (``--json``, tests).
    title : str
        Short, for a report line: "covariances divided by N instead of N_k".
    advice : str
        What to change, in a sentence or two.
    steps : tuple of callable
        Variants of the wrong step: ``(X, weights, means, covariances, reg_covar,
        covariance_type) -> (weights, means, covariances)`` or None where the
        mistake makes no difference.
    """

    id: str
    title: str
    advice: str
    steps: tuple


###############################################################################
# Plain building blocks (what a student writes)


def log_gaussians(X: np.ndarray, means: np.ndarray, covariances: np.ndarray, *,
                  det_power: float = 0.5) -> np.ndarray:
    """``log N(x_n | mu_k, Sigma_k)``, shape (n_samples, K), by Cholesky factors.

    ``det_power`` is the power of ``|Sigma|`` in the normaliser (0.5 is right;
    1.0 is the mistake of forgetting the square root).
    """
    n, d = X.shape
    out = np.empty((n, len(means)))
    for k, (mean, cov) in enumerate(zip(means, covariances)):
        L = np.linalg.cholesky(cov)
        z = np.linalg.solve(L, (X - mean).T)
        log_det = 2.0 * np.log(np.diagonal(L)).sum()
        out[:, k] = -0.5 * (z * z).sum(axis=0) - 0.5 * d * math.log(2 * math.pi) - det_power * log_det
    return out


def responsibilities(X, weights, means, covariances) -> np.ndarray:
    """Right: ``r_nk`` by log-sum-exp, shape (n_samples, K); rows sum to 1."""
    with np.errstate(divide="ignore"):
        log_p = np.log(weights) + log_gaussians(X, means, covariances)
    log_p -= log_p.max(axis=1, keepdims=True)
    p = np.exp(log_p)
    return p / p.sum(axis=1, keepdims=True)


def naive_densities(X, weights, means, covariances) -> np.ndarray:
    """``pi_k N(x_n | k)`` computed with ``exp`` directly, shape (n_samples, K): 0.0 far from every component."""
    with np.errstate(divide="ignore", under="ignore"):
        return np.exp(np.log(weights) + log_gaussians(X, means, covariances))


def underflowing_points(X, weights, means, covariances) -> int:
    """Points whose density under every component is below what float64 holds (exp gives 0.0)."""
    with np.errstate(divide="ignore"):
        log_p = np.log(weights) + log_gaussians(X, means, covariances)
    return int((log_p.max(axis=1) < LOG_UNDERFLOW).sum())


def _by_type(scatter: np.ndarray, counts: np.ndarray, reg_covar: float, covariance_type: str) -> np.ndarray:
    """Covariances of the type from scatter (K, d, d) and divisors (K,), as full (K, d, d) matrices."""
    K, d, _ = scatter.shape
    eye = np.eye(d)
    if covariance_type == "tied":
        return np.repeat((scatter.sum(axis=0) / counts.sum() + reg_covar * eye)[np.newaxis], K, axis=0)
    cov = scatter / counts[:, np.newaxis, np.newaxis]
    if covariance_type == "full":
        return cov + reg_covar * eye
    variances = np.diagonal(cov, axis1=1, axis2=2) + reg_covar
    if covariance_type == "diag":
        return variances[:, :, np.newaxis] * eye
    return variances.mean(axis=1)[:, np.newaxis, np.newaxis] * eye


def scatter(X: np.ndarray, resp: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """``sum_n r_nk (x_n - c_k)(x_n - c_k)^T``, shape (K, d, d)."""
    return np.stack([(resp[:, k] * (X - c).T) @ (X - c) for k, c in enumerate(centres)])


def m_step(X, resp, reg_covar, covariance_type):
    """Right: the closed-form M-step from responsibilities (N, K)."""
    nk = resp.sum(axis=0)
    means = resp.T @ X / nk[:, np.newaxis]
    return nk / len(X), means, _by_type(scatter(X, resp, means), nk, reg_covar, covariance_type)


###############################################################################
# The wrong steps


def _unnormalised(X, weights, means, covariances, reg_covar, covariance_type, *, weights_by="N"):
    resp = naive_densities(X, weights, means, covariances)
    nk = resp.sum(axis=0)
    new_means = resp.T @ X / nk[:, np.newaxis]
    new_weights = nk / (len(X) if weights_by == "N" else nk.sum())
    return new_weights, new_means, _by_type(scatter(X, resp, new_means), nk, reg_covar, covariance_type)


def _unnormalised_renormalised_weights(*args):
    return _unnormalised(*args, weights_by="sum")


def _divided_by_n(X, weights, means, covariances, reg_covar, covariance_type):
    resp = responsibilities(X, weights, means, covariances)
    nk = resp.sum(axis=0)
    new_means = resp.T @ X / nk[:, np.newaxis]
    n = np.full(len(nk), float(len(X)))
    return nk / len(X), new_means, _by_type(scatter(X, resp, new_means), n, reg_covar, covariance_type)


def _around_old_means(X, weights, means, covariances, reg_covar, covariance_type):
    resp = responsibilities(X, weights, means, covariances)
    nk = resp.sum(axis=0)
    new_means = resp.T @ X / nk[:, np.newaxis]
    return nk / len(X), new_means, _by_type(scatter(X, resp, means), nk, reg_covar, covariance_type)


def _weights_kept(X, weights, means, covariances, reg_covar, covariance_type):
    _, new_means, cov = m_step(X, responsibilities(X, weights, means, covariances), reg_covar, covariance_type)
    return np.array(weights, dtype=float), new_means, cov


def _unweighted(X, weights, means, covariances, reg_covar, covariance_type, *, divisor="nk"):
    resp = responsibilities(X, weights, means, covariances)
    nk = resp.sum(axis=0)
    new_means = resp.T @ X / nk[:, np.newaxis]
    everyone = np.ones_like(resp)
    counts = nk if divisor == "nk" else np.full(len(nk), float(len(X)))
    return nk / len(X), new_means, _by_type(scatter(X, everyone, new_means), counts, reg_covar, covariance_type)


def _unweighted_over_n(*args):
    return _unweighted(*args, divisor="n")


def _inner_product(X, weights, means, covariances, reg_covar, covariance_type):
    # For a 1-D array, diff.T is diff itself: diff @ diff.T is |diff|^2, a number that
    # `cov += r * number` spreads over every entry of the d x d matrix.
    resp = responsibilities(X, weights, means, covariances)
    nk = resp.sum(axis=0)
    new_means = resp.T @ X / nk[:, np.newaxis]
    d = X.shape[1]
    squared = np.stack([resp[:, k] @ ((X - m) ** 2).sum(axis=1) for k, m in enumerate(new_means)])
    filled = squared[:, np.newaxis, np.newaxis] * np.ones((d, d))
    return nk / len(X), new_means, _by_type(filled, nk, reg_covar, covariance_type)


def _underflow(X, weights, means, covariances, reg_covar, covariance_type, *, empty_rows="nan"):
    p = naive_densities(X, weights, means, covariances)
    total = p.sum(axis=1, keepdims=True)
    if not (total == 0).any():
        return None
    with np.errstate(invalid="ignore", divide="ignore"):
        resp = p / total if empty_rows == "nan" else np.where(total > 0, p / np.where(total > 0, total, 1.0), 0.0)
        return m_step(X, resp, reg_covar, covariance_type)


def _underflow_zero_rows(*args):
    return _underflow(*args, empty_rows="zero")


UNDERFLOW_ADVICE = (
    "Points far from every component get densities that underflow to exactly 0 in float64 "
    "(exp of a log-density below -745), so r_nk = 0/0 = NaN (or 0 for every component). Work in "
    "log space: log r_nk = log pi_k + log N(x_n|k) - logsumexp_j(log pi_j + log N(x_n|j)), "
    "subtracting each row's maximum before exp.")

MISTAKES: tuple[Mistake, ...] = (
    Mistake("responsibilities_not_normalised", "responsibilities not normalised per point",
            "Divide pi_k N(x_n|k) by its sum over the components, so that every point's "
            "responsibilities r_n1 + ... + r_nK sum to 1.",
            (_unnormalised, _unnormalised_renormalised_weights)),
    Mistake("covariances_divided_by_n", "covariances divided by N instead of N_k",
            "Divide component k's weighted scatter by its soft count N_k = sum_n r_nk, "
            "not by the number of points N.", (_divided_by_n,)),
    Mistake("covariances_around_old_means", "covariances computed around the old means",
            "Update the means first and use the new mu_k in (x_n - mu_k)(x_n - mu_k)^T.",
            (_around_old_means,)),
    Mistake("weights_not_updated", "weights never updated",
            "Set pi_k = N_k / N in every M-step.", (_weights_kept,)),
    Mistake("outer_product_not_weighted", "outer product not weighted by the responsibilities",
            "Weight each point's (x_n - mu_k)(x_n - mu_k)^T by r_nk before summing: "
            "(r[:, k, None] * diff).T @ diff.", (_unweighted, _unweighted_over_n)),
    Mistake("outer_product_transposed", "outer product transposed (an inner product)",
            "For a 1-D array diff, diff.T is diff: diff @ diff.T is the number |diff|^2, not the "
            "d x d matrix. Use np.outer(diff, diff), or diff.T @ diff on an (N, d) array.",
            (_inner_product,)),
    Mistake("estep_underflow", "E-step without log-sum-exp (densities underflow on far points)",
            UNDERFLOW_ADVICE, (_underflow, _underflow_zero_rows)),
)

BY_ID: dict[str, Mistake] = {mistake.id: mistake for mistake in MISTAKES}


def wrong_steps() -> list[tuple[Mistake, Callable]]:
    """Every (mistake, variant step) pair, in the order of :data:`MISTAKES`."""
    return [(mistake, step) for mistake in MISTAKES for step in mistake.steps]
