"""The log-likelihood side of a check: does it ever fall, and does the implementation's own agree with ours?

EM never lowers the log-likelihood of the data. With ``reg_covar > 0`` (added
to every variance in the M-step, as scikit-learn does) the M-step maximises a
slightly different function, and the exact guarantee becomes

    LL[t+1] - LL[t] >= reg/2 * N * sum_k w_k[t+1] (tr P_k[t+1] - tr P_k[t]),

with P the inverse covariances: a bound of zero for ``reg_covar = 0`` that
matters only for variances comparable to ``reg_covar``. A fall below it (and
below rounding) is a sign that a step is not an EM step.

An implementation's own log-likelihood is compared with ours at the same
parameters; where they differ, the usual wrong formulas are tried (the
weights left out, the log inside the sum over components, the expected
complete-data log-likelihood, ``|Sigma|`` without its square root, a missing
constant, a value recorded one iteration off) and the one that matches is named.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .mistakes import log_gaussians, responsibilities

EPS = float(np.finfo(float).eps)

#: The implementation's log-likelihood agrees with ours to this fraction of (|LL| + N) nats.
LL_RTOL = 1e-6


###############################################################################
# Falls


@dataclass(frozen=True)
class Decrease:
    """A step at which the log-likelihood fell more than reg_covar allows.

    Attributes
    ----------
    step : int
        The step ``step -> step + 1``.
    change : float
        ``LL[step + 1] - LL[step]`` in nats (negative).
    allowed : float
        The most negative change reg_covar and rounding allow.
    """

    step: int
    change: float
    allowed: float


def _condition(covariances: np.ndarray) -> float:
    eigenvalues = np.linalg.eigvalsh(covariances)
    return float((eigenvalues[:, -1] / eigenvalues[:, 0]).max())


def decreases(log_likelihoods: np.ndarray, weights: np.ndarray, covariances: np.ndarray, reg_covar: float,
              n_samples: int) -> list[Decrease]:
    """Steps whose log-likelihood falls beyond the reg_covar guarantee and rounding.

    Parameters
    ----------
    log_likelihoods : ndarray of shape (T,)
        Ours, at every snapshot (NaN where the snapshot is not valid).
    weights : ndarray of shape (T, K)
    covariances : ndarray of shape (T, K, d, d)
    reg_covar : float
    n_samples : int

    Returns
    -------
    list of Decrease
    """
    found = []
    d = covariances.shape[-1]
    for t in range(len(log_likelihoods) - 1):
        before, after = log_likelihoods[t], log_likelihoods[t + 1]
        if not (np.isfinite(before) and np.isfinite(after)):
            continue
        try:
            trace_before = np.trace(np.linalg.inv(covariances[t]), axis1=1, axis2=2)
            trace_after = np.trace(np.linalg.inv(covariances[t + 1]), axis1=1, axis2=2)
            condition = max(_condition(covariances[t]), _condition(covariances[t + 1]))
        except np.linalg.LinAlgError:
            continue
        guarantee = 0.5 * reg_covar * n_samples * float((weights[t + 1] * (trace_after - trace_before)).sum())
        slack = 1e-9 * (abs(before) + n_samples) + 16 * EPS * n_samples * d * condition
        allowed = min(guarantee, 0.0) - slack
        if after - before < allowed:
            found.append(Decrease(t, float(after - before), float(allowed)))
    return found


###############################################################################
# The implementation's own values


@dataclass(frozen=True)
class OwnLikelihood:
    """How the implementation's own log-likelihood relates to ours.

    Attributes
    ----------
    agrees : bool
        Equal to ours at every snapshot (as totals, or as means per point).
    scale : str
        ``total`` or ``mean per point``: what the implementation records.
    formula : str or None
        ``None`` when it agrees; else the id of the formula that matches:
        ``weights_left_out``, ``log_inside_sum``, ``expected_complete``,
        ``determinant_not_rooted``, ``missing_constant``, ``constant_offset``,
        ``one_iteration_late``, ``one_iteration_early``, ``underflow``, or
        ``unknown``.
    message : str
        One sentence for a student.
    largest_difference : float
        Largest ``|own - ours|`` in nats (as totals), over the snapshots compared.
    first_step : int or None
        First snapshot where they differ.
    """

    agrees: bool
    scale: str
    formula: str | None
    message: str
    largest_difference: float
    first_step: int | None

    def to_dict(self) -> dict:
        return {"agrees": self.agrees, "scale": self.scale, "formula": self.formula, "message": self.message,
                "largest_difference": self.largest_difference, "first_step": self.first_step}


_FORMULA_TEXT = {
    "weights_left_out": "the mixture weights are left out: sum_n log sum_k N(x_n|k) instead of "
                        "sum_n log sum_k pi_k N(x_n|k)",
    "log_inside_sum": "the log is inside the sum over components: sum_n sum_k log(pi_k N(x_n|k)) instead of "
                      "sum_n log sum_k pi_k N(x_n|k)",
    "expected_complete": "this is the expected complete-data log-likelihood sum_n sum_k r_nk log(pi_k N(x_n|k)), "
                         "not the log-likelihood sum_n log sum_k pi_k N(x_n|k)",
    "determinant_not_rooted": "the normaliser uses |Sigma_k| instead of its square root |Sigma_k|^(1/2)",
}


_SHIFT_TEXT = {
    "one_iteration_late": "your value at iteration t is ours at iteration t - 1: it is computed before "
                          "the M-step but recorded with the parameters after it",
    "one_iteration_early": "your value at iteration t is ours at iteration t + 1: it is recorded with the "
                           "parameters before the M-step that produced it",
}


def _close(values: np.ndarray, reference: np.ndarray, n_samples: int) -> bool:
    """Equal to ``reference`` within :data:`LL_RTOL` of (|reference| + N), everywhere."""
    return bool(np.all(np.abs(values - reference) <= LL_RTOL * (np.abs(reference) + n_samples)))


def _candidates(X, weights, means, covariances) -> dict[str, float]:
    """The usual wrong log-likelihoods at one snapshot (totals)."""
    log_n = log_gaussians(X, means, covariances)
    with np.errstate(divide="ignore"):
        log_w = np.log(weights)
    joint = log_w + log_n

    def logsumexp(a):
        top = a.max(axis=1, keepdims=True)
        return (np.log(np.exp(a - top).sum(axis=1)) + top[:, 0]).sum()

    resp = responsibilities(X, weights, means, covariances)
    return {
        "weights_left_out": float(logsumexp(log_n)),
        "log_inside_sum": float(joint.sum()),
        "expected_complete": float(np.nansum(resp * joint)),
        "determinant_not_rooted": float(logsumexp(log_w + log_gaussians(X, means, covariances, det_power=1.0))),
    }


def compare_own(own: np.ndarray, ours: np.ndarray, X: np.ndarray, snapshots) -> OwnLikelihood:
    """Compare the recorded log-likelihood with ours and name the likely formula behind a difference.

    Parameters
    ----------
    own : ndarray of shape (T,)
        As recorded.
    ours : ndarray of shape (T,)
        At the same snapshots (NaN where a snapshot is not valid).
    X : ndarray of shape (n_samples, d)
    snapshots : callable t -> (weights, means, covariances)

    Returns
    -------
    OwnLikelihood
    """
    n, d = X.shape
    valid = np.flatnonzero(np.isfinite(ours))
    if not len(valid):
        return OwnLikelihood(False, "total", "unknown", "no recorded iteration is a valid mixture to compare at",
                             float("nan"), None)
    tolerance = LL_RTOL * (np.abs(ours[valid]) + n)
    own_valid = own[valid]
    for scale, factor in (("total", 1.0), ("mean per point", float(n))):
        if _close(own_valid * factor, ours[valid], n):
            worst = float(np.max(np.abs(own_valid * factor - ours[valid])))
            return OwnLikelihood(True, scale, None, f"agrees with ours ({scale}; largest difference "
                                 f"{worst:.2g} nats)", worst, None)
    scale, factor = ("mean per point", float(n)) if np.nanmedian(np.abs(own_valid)) * 3 < np.nanmedian(
        np.abs(ours[valid])) else ("total", 1.0)
    scaled = own * factor
    differences = np.abs(scaled[valid] - ours[valid])
    wrong = valid[~(differences <= tolerance)]
    first = int(wrong[0]) if len(wrong) else None
    worst = float(np.nanmax(differences)) if np.isfinite(differences).any() else float("inf")

    def verdict(formula, text):
        return OwnLikelihood(False, scale, formula, text, worst, first)

    if not np.isfinite(scaled[valid]).all():
        t = int(valid[~np.isfinite(scaled[valid])][0])
        if np.isneginf(scaled[t]):
            return verdict("underflow", f"your log-likelihood is -inf at iteration {t} where ours is {ours[t]:.6g}: "
                           "the log of a sum of densities that underflowed to 0; use log-sum-exp")
        return verdict("unknown", f"your log-likelihood is {scaled[t]} at iteration {t} where ours is {ours[t]:.6g}")
    for formula, shift in (("one_iteration_late", -1), ("one_iteration_early", 1)):
        shifted = valid[(valid + shift >= 0) & (valid + shift < len(ours))]
        shifted = shifted[np.isfinite(ours[shifted + shift])]
        if len(shifted) >= 2 and _close(scaled[shifted], ours[shifted + shift], n):
            return verdict(formula, _SHIFT_TEXT[formula])
    offset = scaled[valid] - ours[valid]
    if len(valid) and np.ptp(offset) <= LL_RTOL * (np.abs(ours[valid]).max() + n):
        constant = float(np.median(offset))
        per_point = constant / n
        two_pi = 0.5 * d * math.log(2 * math.pi)
        if abs(abs(per_point) - two_pi) <= 1e-6 * two_pi:
            return verdict("missing_constant", f"yours is ours {'+' if constant > 0 else '-'} N d/2 log(2 pi) "
                           f"= {abs(constant):.6g} nats: the constant -d/2 log(2 pi) of the Gaussian density is "
                           f"{'missing' if constant > 0 else 'counted twice'}")
        if len(valid) >= 2:
            return verdict("constant_offset", f"yours differs from ours by the same {constant:+.6g} nats "
                           f"({per_point:+.6g} per point) at every iteration: a constant term is missing or extra")
    try:
        candidates = [_candidates(X, *snapshots(int(t))) for t in valid]
    except np.linalg.LinAlgError:
        candidates = []
    for formula in _FORMULA_TEXT:
        values = np.array([c[formula] for c in candidates]) if candidates else np.array([])
        if len(values) == len(valid) and len(values) and _close(scaled[valid], values, n):
            return verdict(formula, _FORMULA_TEXT[formula])
    return verdict("unknown", f"differs from ours by up to {worst:.4g} nats (first at iteration {first}); "
                   "check the formula sum_n log sum_k pi_k N(x_n | mu_k, Sigma_k)")
