# Solutions of the starter notebook's exercises, one cell per "# %% <tag>" marker.
# The notebook test puts each into the cell tagged <tag> of notebooks/em_starter.md and runs it all.
# (Not imported: each cell runs in the notebook's kernel, after the cells above it.)

# %% exercise-e-step
def log_gaussian_pdf(X, mean, cov):
    """log N(x_n | mean, cov) for every row of X.

    X: (N, d), mean: (d,), cov: (d, d)  ->  (N,)
    """
    d = X.shape[1]
    diff = X - mean
    maha = np.sum(diff * np.linalg.solve(cov, diff.T).T, axis=1)
    _, log_det = np.linalg.slogdet(cov)
    return -0.5 * (maha + log_det + d * np.log(2 * np.pi))


def e_step(X, weights, means, covariances):
    """Responsibilities of every component for every point.

    X: (N, d), weights: (K,), means: (K, d), covariances: (K, d, d)  ->  resp: (N, K)
    """
    log_p = np.stack([np.log(w) + log_gaussian_pdf(X, m, c) for w, m, c in zip(weights, means, covariances)],
                     axis=1)
    log_p -= log_p.max(axis=1, keepdims=True)
    p = np.exp(log_p)
    return p / p.sum(axis=1, keepdims=True)

# %% exercise-m-step
def m_step(X, resp, reg_covar=1e-6):
    """New parameters from the responsibilities.

    X: (N, d), resp: (N, K)  ->  weights: (K,), means: (K, d), covariances: (K, d, d)
    """
    N, d = X.shape
    Nk = resp.sum(axis=0)
    weights = Nk / N
    means = resp.T @ X / Nk[:, None]
    covariances = np.empty((len(Nk), d, d))
    for k in range(len(Nk)):
        diff = X - means[k]
        covariances[k] = (resp[:, k, None] * diff).T @ diff / Nk[k] + reg_covar * np.eye(d)
    return weights, means, covariances

# %% exercise-log-likelihood
def log_likelihood(X, weights, means, covariances):
    """Total log-likelihood of the data under the mixture.

    X: (N, d), weights: (K,), means: (K, d), covariances: (K, d, d)  ->  float
    """
    log_p = np.stack([np.log(w) + log_gaussian_pdf(X, m, c) for w, m, c in zip(weights, means, covariances)],
                     axis=1)
    top = log_p.max(axis=1)
    return float(np.sum(top + np.log(np.exp(log_p - top[:, None]).sum(axis=1))))

# %% parameters
# Tiny animations: the test checks that they are made and embedded, not how they look.
ANIMATION = dict(width=320, height=180, fps=5, duration=2, hold_start=0.2, hold_end=0.2)
MAX_ITER = 12
