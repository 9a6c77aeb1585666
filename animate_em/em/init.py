"""Initial states of EM: random responsibilities, data points, k-means++, k-means.

Every initialisation ends in the same place: a first guess of the means (or
of the responsibilities) turned into weights and covariances by the M-step
formulas. For the three mean-based methods each point is assigned to its
nearest mean (a hard assignment), so the first ellipses have the size of
their Voronoi cell: visible in a lecture and valid, unlike the near-zero
covariances scikit-learn starts from when it seeds with single points.
"""
from __future__ import annotations

import numpy as np

from . import gaussian, mstep

_LLOYD_MAX_ITER = 300

# Points per block: the (centres, block) temporaries of the distance
# computations stay in cache, so each NumPy pass runs at full speed (the
# whole-array version is memory-bound and 4x slower at 1e6 points).
_BLOCK = 1 << 14


###############################################################################
# Distances and k-means
#
# The data are passed feature-major, ``columns`` of shape (d, n_samples) (the
# centred data, ``estep.Prepared.columns``): every pass runs over
# contiguous rows. A squared distance is summed over the dimensions in order,
# ((x_1 - c_1)^2 + (x_2 - c_2)^2) + ... (for d <= 2 the very numbers of a
# row-wise np.einsum("ij,ij->i", diff, diff)).


def _blocks(n: int):
    for start in range(0, n, _BLOCK):
        yield slice(start, min(start + _BLOCK, n))


def _squared_distances_into(columns: np.ndarray, centers: np.ndarray, out: np.ndarray,
                            scratch: np.ndarray) -> np.ndarray:
    """Squared distances of a block of points to ``centers`` (c, d), written to ``out`` (c, m)."""
    np.subtract(columns[0], centers[:, :1], out=out)
    np.multiply(out, out, out=out)
    for j in range(1, columns.shape[0]):
        np.subtract(columns[j], centers[:, j : j + 1], out=scratch)
        np.multiply(scratch, scratch, out=scratch)
        np.add(out, scratch, out=out)
    return out


def squared_distances(columns: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances, shape (n_samples, n_centers).

    Parameters
    ----------
    columns : ndarray of shape (d, n_samples)
    centers : ndarray of shape (n_centers, d)
    """
    n = columns.shape[1]
    out = np.empty((len(centers), n))
    scratch = np.empty((len(centers), min(n, _BLOCK)))
    for rows in _blocks(n):
        _squared_distances_into(columns[:, rows], centers, out[:, rows], scratch[:, : rows.stop - rows.start])
    return out.T


def label_type(k: int) -> np.dtype:
    """The smallest unsigned integer type for labels 0..k-1 (uint8 up to 256 components):
    the label updates of a pass over the data run several times faster on it."""
    return np.min_scalar_type(max(k - 1, 0))


def _take_if_closer(dist: np.ndarray, c: int, labels: np.ndarray, closest: np.ndarray,
                    closer: np.ndarray, scratch: np.ndarray) -> None:
    """Points strictly closer to center ``c`` than to the earlier ones take label ``c``.

    Centers are offered in increasing order, so the label is the largest
    that improved: ``max(labels, c * closer)`` (a masked copy is 3x slower).
    """
    np.less(dist, closest, out=closer)
    np.multiply(closer, labels.dtype.type(c), out=scratch)
    np.maximum(labels, scratch, out=labels)
    np.minimum(closest, dist, out=closest)


def assign(columns: np.ndarray, centers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest center of every point (the first on ties) and the squared distance to it.

    Returns
    -------
    labels : ndarray of shape (n_samples,), unsigned integers
    closest : ndarray of shape (n_samples,)
    """
    n = columns.shape[1]
    labels = np.zeros(n, dtype=label_type(len(centers)))
    closest = np.empty(n)
    width = min(n, _BLOCK)
    block, scratch = np.empty((len(centers), width)), np.empty((len(centers), width))
    closer, label_scratch = np.empty(width, dtype=bool), np.empty(width, dtype=labels.dtype)
    for rows in _blocks(n):
        m = rows.stop - rows.start
        dist = _squared_distances_into(columns[:, rows], centers, block[:, :m], scratch[:, :m])
        np.copyto(closest[rows], dist[0])
        for c in range(1, len(centers)):
            _take_if_closer(dist[c], c, labels[rows], closest[rows], closer[:m], label_scratch[:m])
    return labels, closest


def nearest(columns: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Index of the nearest center for every point, shape (n_samples,)."""
    return assign(columns, centers)[0]


def _last_positive(values: np.ndarray) -> int:
    """Index of the last positive entry (one exists), scanning back from the end."""
    for stop in range(len(values), 0, -_BLOCK):
        start = max(0, stop - _BLOCK)
        positive = np.flatnonzero(values[start:stop] > 0)
        if positive.size:
            return start + int(positive[-1])
    raise ValueError("no positive entry")


def kmeans_plusplus(columns: np.ndarray, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Greedy k-means++ seeding (Arthur & Vassilvitskii; local trials as scikit-learn).

    Parameters
    ----------
    columns : ndarray of shape (d, n_samples), at least k distinct points
    k : int
    rng : numpy.random.Generator

    Returns
    -------
    centers : ndarray of shape (k, d), k distinct data points
    labels : ndarray of shape (n_samples,)
        The nearest center of every point (the first on ties), as
        :func:`nearest` would give: tracked while seeding, so the initial
        hard assignment costs no extra pass.
    """
    d, n = columns.shape
    n_trials = 2 + int(np.log(k))
    centers = np.empty((k, d))
    centers[0] = columns[:, rng.integers(n)]
    labels = np.zeros(n, dtype=label_type(k))
    width = min(n, _BLOCK)
    scratch = np.empty((n_trials, width))
    closer, label_scratch = np.empty(width, dtype=bool), np.empty(width, dtype=labels.dtype)
    closest = np.empty(n)
    for rows in _blocks(n):
        m = rows.stop - rows.start
        _squared_distances_into(columns[:, rows], centers[:1], closest[np.newaxis, rows], scratch[:1, :m])
    # Each trial's distances to the nearest center once it is added, kept
    # for the whole pass so that the chosen one is not computed twice.
    trial = np.empty((n_trials, n))
    cumulative = np.empty(n)
    for c in range(1, k):
        np.cumsum(closest, out=cumulative)
        # side="right" never picks a point at distance zero, so the centers
        # stay distinct (duplicated data points included).
        picks = np.searchsorted(cumulative, rng.random(n_trials) * cumulative[-1], side="right")
        picks = np.minimum(picks, _last_positive(closest))
        candidates = columns[:, picks].T
        # Each candidate's potential: the sum of those distances, summed
        # block by block. Only candidates whose potentials agree to the last
        # bits (where rounding decides either way) could be ranked otherwise
        # than by one running sum.
        potential = np.zeros(n_trials)
        for rows in _blocks(n):
            m = rows.stop - rows.start
            dist = _squared_distances_into(columns[:, rows], candidates, trial[:, rows], scratch[:, :m])
            np.minimum(dist, closest[rows], out=dist)
            potential += dist.sum(axis=1)
        best = int(np.argmin(potential))
        centers[c] = candidates[best]
        for rows in _blocks(n):
            m = rows.stop - rows.start
            _take_if_closer(trial[best, rows], c, labels[rows], closest[rows], closer[:m], label_scratch[:m])
    return centers, labels


def lloyd(columns: np.ndarray, centers: np.ndarray,
          max_iter: int = _LLOYD_MAX_ITER) -> tuple[np.ndarray, np.ndarray | None]:
    """Lloyd's k-means from ``centers`` until the assignment stops changing.

    An emptied cluster takes the point farthest from its center, so k stays k.

    Returns
    -------
    centers : ndarray of shape (k, d)
    labels : ndarray of shape (n_samples,) or None
        The nearest center of every point when the assignment settled
        (None when it did not, or an emptied cluster was refilled).
    """
    k, d = centers.shape
    centers = centers.copy()
    labels = None
    for _ in range(max_iter):
        new, closest = assign(columns, centers)
        counts = np.bincount(new, minlength=k)
        refilled = False
        for empty in np.flatnonzero(counts == 0):
            far = int(np.argmax(closest))
            new[far] = empty
            closest[far] = 0.0
            counts = np.bincount(new, minlength=k)
            refilled = True
        if labels is not None and np.array_equal(new, labels):
            return centers, None if refilled else labels
        labels = new
        for j in range(d):
            centers[:, j] = np.bincount(labels, weights=columns[j], minlength=k) / counts
    return centers, None


def random_from_data(columns: np.ndarray, k: int, rng: np.random.Generator) -> tuple[np.ndarray, None]:
    """k distinct data points chosen uniformly at random, shape (k, d) (and no labels)."""
    chosen: list[np.ndarray] = []
    for index in rng.permutation(columns.shape[1]):
        point = columns[:, index]
        if not any(np.array_equal(point, other) for other in chosen):
            chosen.append(point)
            if len(chosen) == k:
                break
    return np.array(chosen), None


###############################################################################
# From a first guess to a full initial state


def scatter_from_labels(columns: np.ndarray, labels: np.ndarray, means: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts (K,) and centred scatter (K, d, d) of a hard assignment.

    Each cluster's differences are gathered into one (n_k, d) array in the
    points' order, and its scatter is that array's ``diff.T @ diff``.
    """
    k, d = means.shape
    counts = np.bincount(labels, minlength=k)
    # One stable sort by label lists every cluster's points in order, for
    # less than a pass per cluster.
    order = np.argsort(labels.astype(label_type(k), copy=False), kind="stable")
    ends = np.cumsum(counts)
    scatter = np.zeros((k, d, d))
    for c in range(k):
        members = order[ends[c] - counts[c] : ends[c]]
        diff = np.empty((len(members), d))
        for j in range(d):
            np.subtract(columns[j].take(members), means[c, j], out=diff[:, j])
        scatter[c] = diff.T @ diff
    return counts.astype(float), scatter


def from_means(columns: np.ndarray, means: np.ndarray, reg_covar: float, covariance_type: str,
               labels: np.ndarray | None = None):
    """Hard-assign every point to its nearest mean, then the M-step formulas.

    Parameters
    ----------
    columns : ndarray of shape (d, n_samples)
    means : ndarray of shape (K, d)
    reg_covar : float
    covariance_type : str
    labels : ndarray of shape (n_samples,), optional
        The nearest mean of every point, when the seeding already knows it.

    Returns weights (K,), means (K, d) (the given ones), covariances and the
    hard counts (K,).
    """
    if labels is None:
        labels = nearest(columns, means)
    counts, scatter = scatter_from_labels(columns, labels, means)
    nk = counts + 10 * mstep.EPS
    weights, _, cov = mstep.estimate(nk, counts, means, scatter, reg_covar, covariance_type)
    return weights, means.copy(), cov, counts


def from_random_responsibilities(X: np.ndarray, k: int, rng: np.random.Generator,
                                 reg_covar: float, covariance_type: str):
    """Random responsibilities, then an M-step: every component near the centre.

    X : ndarray of shape (n_samples, d), row-major.
    """
    resp = rng.random((X.shape[0], k))
    resp /= resp.sum(axis=1, keepdims=True)
    resp_sum = resp.sum(axis=0)
    nk = resp_sum + 10 * mstep.EPS
    means = (resp.T @ X) / nk[:, np.newaxis]
    scatter = mstep.centred_scatter(X, [(slice(None), resp.T)], means, range(k))
    weights, _, cov = mstep.estimate(nk, resp_sum, means, scatter, reg_covar, covariance_type)
    return weights, means, cov, resp_sum


def _seed_kmeans(columns, k, rng):
    return lloyd(columns, kmeans_plusplus(columns, k, rng)[0])


# Each seeder: (columns (d, N), k, rng) -> (means (k, d), nearest labels or None).
MEAN_SEEDERS = {
    "random_from_data": random_from_data,
    "kmeans++": kmeans_plusplus,
    "kmeans": _seed_kmeans,
}
INIT_METHODS = ("random", *MEAN_SEEDERS)


###############################################################################
# Keeping first ellipses visible


def fallback_covariance(X: np.ndarray, k: int, reg_covar: float) -> np.ndarray:
    """A visible, valid covariance for a component seeded on too few points.

    Axis-aligned, sized so that k such ellipses cover about the data's
    spread; shape (d, d).
    """
    d = X.shape[1]
    variances = X.var(axis=0)
    # Each column keeps its own scale (columns may differ by 1e24); only a
    # constant column borrows one from the others.
    borrowed = max(1e-6 * float(variances.mean()), 1e-300)
    variances = np.where(variances > 0, variances, borrowed) / k ** (2.0 / d)
    return np.diag(variances + reg_covar)


def repair(rows, weights, means, cov, counts, reg_covar: float, covariance_type: str, floor):
    """Replace initial covariances that are singular or fitted to < d+1 points.

    ``rows`` is a function returning the data, shape (n_samples, d), called
    only when a fallback is needed. ``counts`` (K,) are the hard-assignment
    counts, or None to check only singularity (random responsibilities
    spread every component over all points).

    Returns the covariances (type's shape), valid for :func:`gaussian.precision_cholesky`.
    """
    k, d = means.shape
    cov = np.array(cov, dtype=float, copy=True)
    fallback = {}

    def by_type():
        if not fallback:
            full = fallback_covariance(rows(), k, reg_covar)
            fallback["value"] = {
                "full": full,
                "tied": full,
                "diag": np.diag(full),
                "spherical": float(np.diag(full).mean()),
            }[covariance_type]
        return fallback["value"]

    if counts is not None and covariance_type != "tied" and (counts < d + 1).any():
        cov[counts < d + 1] = by_type()
    for _ in range(k + 1):
        try:
            gaussian.precision_cholesky(cov, covariance_type, k, d, floor)
            return cov
        except gaussian.Singular as error:
            if covariance_type == "tied":
                cov = by_type()
            else:
                cov[error.component] = by_type()
    gaussian.precision_cholesky(cov, covariance_type, k, d, floor)
    return cov
