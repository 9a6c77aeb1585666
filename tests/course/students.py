"""Hand-written EM implementations, as students write them: one correct, and one per classic mistake.

Written here from scratch (plain NumPy, loops over components, np.linalg.inv and
det), never from animate_em's code, so that ``check`` is tested against
implementations it has not seen. Each broken one differs from the correct one
in exactly the line its name says.
"""
from __future__ import annotations

import numpy as np


def gaussian_pdf(X, mean, cov):
    d = X.shape[1]
    diff = X - mean
    maha = np.sum(diff @ np.linalg.inv(cov) * diff, axis=1)
    return np.exp(-0.5 * maha) / np.sqrt((2 * np.pi) ** d * np.linalg.det(cov))


def log_gaussian_pdf(X, mean, cov):
    d = X.shape[1]
    diff = X - mean
    maha = np.sum(diff @ np.linalg.inv(cov) * diff, axis=1)
    sign, logdet = np.linalg.slogdet(cov)
    return -0.5 * maha - 0.5 * d * np.log(2 * np.pi) - 0.5 * logdet


# --- E-steps ------------------------------------------------------------------

def e_step(X, weights, means, covs):
    """Right: log-sum-exp."""
    log_p = np.stack([np.log(weights[k]) + log_gaussian_pdf(X, means[k], covs[k]) for k in range(len(weights))], 1)
    log_p -= log_p.max(axis=1, keepdims=True)
    p = np.exp(log_p)
    return p / p.sum(axis=1, keepdims=True)


def e_step_naive(X, weights, means, covs):
    """Densities straight from exp: fine until a point is far from every component (then 0/0 = NaN)."""
    p = np.stack([weights[k] * gaussian_pdf(X, means[k], covs[k]) for k in range(len(weights))], 1)
    return p / p.sum(axis=1, keepdims=True)


def e_step_naive_guarded(X, weights, means, covs):
    """Naive, with the division "made safe": far points get responsibility 0 everywhere."""
    p = np.stack([weights[k] * gaussian_pdf(X, means[k], covs[k]) for k in range(len(weights))], 1)
    return p / np.maximum(p.sum(axis=1, keepdims=True), 1e-300)


def e_step_unnormalised(X, weights, means, covs):
    """Forgot to divide by the sum over components."""
    return np.stack([weights[k] * gaussian_pdf(X, means[k], covs[k]) for k in range(len(weights))], 1)


# --- M-steps ------------------------------------------------------------------

def m_step(X, resp, old, reg, mistake=None):
    """The closed-form M-step; ``mistake`` names the one line written wrong."""
    old_weights, old_means, _ = old
    N, d = X.shape
    K = resp.shape[1]
    Nk = resp.sum(axis=0)
    weights = Nk / N
    if mistake == "weights_not_updated":
        weights = np.array(old_weights, copy=True)
    means = (resp.T @ X) / Nk[:, None]
    covs = np.zeros((K, d, d))
    for k in range(K):
        centre = old_means[k] if mistake == "covariances_around_old_means" else means[k]
        diff = X - centre
        if mistake == "outer_product_not_weighted":
            scatter = diff.T @ diff
        elif mistake == "outer_product_transposed":
            scatter = np.zeros((d, d))
            for n in range(N):
                scatter += resp[n, k] * (diff[n] @ diff[n].T)    # 1-D: .T does nothing
        else:
            scatter = (resp[:, k, None] * diff).T @ diff
        divisor = N if mistake == "covariances_divided_by_n" else Nk[k]
        covs[k] = scatter / divisor + reg * np.eye(d)
    return weights, means, covs


# --- log-likelihoods ----------------------------------------------------------

def log_likelihood(X, weights, means, covs):
    log_p = np.stack([np.log(weights[k]) + log_gaussian_pdf(X, means[k], covs[k]) for k in range(len(weights))], 1)
    top = log_p.max(axis=1, keepdims=True)
    return float(np.sum(top[:, 0] + np.log(np.exp(log_p - top).sum(axis=1))))


def log_likelihood_naive(X, weights, means, covs):
    """log of a sum of densities straight from exp: -inf once a point underflows."""
    with np.errstate(divide="ignore"):
        return float(np.sum(np.log(sum(weights[k] * gaussian_pdf(X, means[k], covs[k]) for k in range(len(weights))))))


def log_likelihood_no_constant(X, weights, means, covs):
    d = X.shape[1]
    return log_likelihood(X, weights, means, covs) + 0.5 * d * np.log(2 * np.pi) * len(X)


def log_likelihood_no_weights(X, weights, means, covs):
    return log_likelihood(X, np.ones(len(weights)), means, covs)


def log_likelihood_log_inside(X, weights, means, covs):
    return float(sum(np.sum(np.log(weights[k]) + log_gaussian_pdf(X, means[k], covs[k]))
                     for k in range(len(weights))))


E_STEP_MISTAKES = {"responsibilities_not_normalised": e_step_unnormalised}
M_STEP_MISTAKES = ("covariances_divided_by_n", "covariances_around_old_means", "weights_not_updated",
                   "outer_product_not_weighted", "outer_product_transposed")


def start(X, K, seed=0):
    """Means at K random data points, equal weights, the data's covariance for every component."""
    rng = np.random.default_rng(seed)
    means = X[rng.choice(len(X), K, replace=False)]
    cov = np.cov(X.T) if X.shape[0] > 1 else np.eye(X.shape[1])
    return np.full(K, 1.0 / K), means, np.repeat(cov[None], K, axis=0)


def run_em(X, K, n_iter=8, *, e=e_step, m_mistake=None, ll=log_likelihood, reg=1e-6, seed=0, start_params=None,
           ll_late=False):
    """A student's EM loop, recording every iteration as the history file format asks."""
    weights, means, covs = start_params if start_params is not None else start(X, K, seed)
    history = {"weights": [weights], "means": [means], "covariances": [covs],
               "log_likelihood": [ll(X, weights, means, covs)]}
    with np.errstate(all="ignore"):
        for _ in range(n_iter):
            resp = e(X, weights, means, covs)
            before = ll(X, weights, means, covs)
            weights, means, covs = m_step(X, resp, (weights, means, covs), reg, m_mistake)
            history["weights"].append(weights)
            history["means"].append(means)
            history["covariances"].append(covs)
            try:
                after = ll(X, weights, means, covs)
            except np.linalg.LinAlgError:
                after = np.nan
            history["log_likelihood"].append(before if ll_late else after)
    return {key: np.array(values) for key, values in history.items()}
