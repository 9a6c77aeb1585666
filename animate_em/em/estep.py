"""The E-step: log-densities in log space, one pass, chunk by chunk.

The E-step is the hot loop of EM. One pass over the data yields, chunk by
chunk, the responsibilities, the log-likelihood and the sufficient
statistics of the next M-step; no (N, K) array outlives a chunk and nothing
of shape (N, K, d) or (N, K, d, d) is ever built. The only per-point array
kept between passes is the centred data: each chunk's [1, x, x_i*x_j] rows
are built in a cache-sized buffer, which is faster than reading them back
from memory (three times the bytes at d = 2).
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .gaussian import EPS, LOG_2PI

# Rows per chunk scale with K*d so that one chunk's (K*d, rows) temporaries
# (~2 MiB) stay in cache. Measured at K=5, d=2: 13k-26k rows per chunk are
# fastest; 52k rows and more are 5x slower (BLAS switches to threads and the
# temporaries leave the cache), so the rows are also capped.
_CHUNK_ELEMENTS = 1 << 18
_MIN_ROWS, _MAX_ROWS = 1024, 1 << 15

# The E-step evaluates the quadratic form of every component as one matrix
# product with the chunk's [1, x, x_i*x_j] rows when that is accurate:
# its rounding error per point is about eps * r2, where r2 bounds
# precision * (|x| + |mean|)^2. Above this bound (tight components far from
# the centre, far outliers) the affine form (x - mean) @ U is used, as
# scikit-learn does. Measured at K=5, d=2: 16 vs 21 ns per point and iteration.
_QUADRATIC_MAX_R2 = 1e5

# The quadratic form is used up to this dimension: its d(d+1)/2 product rows
# grow with d^2, and the lecture case (d = 2) is far below the limit.
_MAX_QUADRATIC_DIM = 8

_SQRT_HALF = math.sqrt(0.5)

# A column's collapse floor, as a standard deviation in units of the
# column's rounding (eps times its largest centred coordinate). A component
# on one repeated point has a variance of its mean's rounding, up to tens of
# eps when many copies are summed; 1024 eps keeps the decision far from that
# noise and far below any real spread (2e-13 of the column's range).
_FLOOR_ULPS = 1024.0


###############################################################################
# The data, prepared once per fit


def column_means(X: np.ndarray) -> np.ndarray:
    """``X.mean(axis=0)``, the same floating-point numbers, several times faster.

    For rows of two or more values NumPy sums down the columns one row after
    another; ``einsum`` adds in that same order without the per-row overhead
    (at 1e6 x 2 points, ~5x faster). Any other layout takes ``mean`` itself,
    so the centre of the data, and every fit after it, never changes.
    """
    n, d = X.shape
    if d >= 2 and n and X.strides[0] >= d * X.strides[1] > 0:
        return np.einsum("ij->j", X) / n
    return X.mean(axis=0)


class Prepared:
    """The data prepared once per fit for fast E- and M-steps.

    The data are centred on their mean: EM is translation-equivariant, and
    centring keeps the uncentred second moments of the M-step and the affine
    Mahalanobis terms of the E-step far from cancellation. The points are
    stored feature-major, (d, N), because reductions over the K components
    are then element-wise operations between contiguous rows, several times
    faster in NumPy than reductions along a short last axis.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    quadratic : bool
        Whether log-densities may take the quadratic form: faster, but near
        a tight component its rounding is larger than the affine form's
        (bounded by ``_QUADRATIC_MAX_R2``). Fits use it; scoring a snapshot,
        which runs once, takes the affine form, as scikit-learn does.

    Attributes
    ----------
    center : ndarray of shape (n_features,)
    columns : ndarray of shape (n_features, n_samples)
        The centred data, feature-major.
    pairs : tuple of two index arrays
        The ``(i, j)``, i <= j, of the pairwise products x_i*x_j.
    quadratic : bool
        Whether the E-step may use the quadratic form (``quadratic`` and
        d <= ``_MAX_QUADRATIC_DIM``).
    X : ndarray of shape (n_samples, n_features)
        The centred data, row-major: built on first use (the random
        initialisation and the rare centred M-step need it; a fit seeded
        from means never does).
    scale : float
        Largest absolute centred coordinate.
    scales : ndarray of shape (n_features,)
        Largest absolute centred coordinate of each column.
    floor : ndarray of shape (n_features,)
        Each column's collapse floor: a variance below it is rounding of
        that column's coordinates, whatever the other columns' scales.
    """

    def __init__(self, X: np.ndarray, quadratic: bool = True) -> None:
        X = np.asarray(X, dtype=float)
        n, d = X.shape
        self.n_samples, self.n_features = n, d
        self.center = column_means(X)
        self.pairs = np.triu_indices(d)
        self.quadratic = quadratic and d <= _MAX_QUADRATIC_DIM
        # Feature-major in one pass: the same numbers as X - center, without
        # an (N, d) temporary whose short rows make NumPy slow.
        self.columns = np.empty((d, n))
        np.subtract(X.T, self.center[:, np.newaxis], out=self.columns)
        self._rows = None
        if n:
            self.scales = np.maximum(self.columns.max(axis=1), -self.columns.min(axis=1))
        else:
            self.scales = np.zeros(d)
        self.scale = float(self.scales.max()) if d else 0.0
        self.floor = (_FLOOR_ULPS * EPS * self.scales) ** 2

    @property
    def X(self) -> np.ndarray:
        """The centred data, shape (n_samples, n_features), row-major (built once, on first use)."""
        if self._rows is None:
            self._rows = np.ascontiguousarray(self.columns.T)
        return self._rows

    @property
    def n_stats(self) -> int:
        """Rows of ``[1, x, x_i*x_j]``: 1 + d + d(d+1)/2."""
        return 1 + self.n_features + len(self.pairs[0])

    def chunk_rows(self, n_components: int) -> int:
        per_row = max(1, n_components * self.n_features)
        rows = min(max(_MIN_ROWS, _CHUNK_ELEMENTS // per_row), _MAX_ROWS)
        # One chunk up to 1.5 chunks' worth: no tiny trailing chunk.
        return self.n_samples if 2 * self.n_samples <= 3 * rows else rows

    def features_into(self, rows: slice, out: np.ndarray, products: bool = True) -> np.ndarray:
        """``[1, x, x_i*x_j]`` of ``rows`` written to ``out``, shape (n_stats, n_rows).

        ``out`` is a buffer of n_stats rows and at least n_rows columns whose
        row 0 holds ones. Without ``products`` only the rows ``[1, x]`` are
        written (and returned).
        """
        d = self.n_features
        block = out[: self.n_stats if products else 1 + d, : rows.stop - rows.start]
        block[1 : 1 + d] = self.columns[:, rows]
        if products:
            for row, (i, j) in enumerate(zip(*self.pairs), start=1 + d):
                np.multiply(block[1 + i], block[1 + j], out=block[row])
        return block


###############################################################################
# Operands: the parameters folded for the E-step


@dataclass(frozen=True)
class Operands:
    """The parameters of one snapshot, folded for fast log-densities.

    Attributes
    ----------
    W : ndarray of shape (d * K, d + 1)
        ``W @ [1, x]`` is the Mahalanobis vector of x for every component,
        scaled by sqrt(1/2) and laid out dimension-major (row j*K + k), so
        that the half squared distances are sums of d contiguous blocks.
    const : ndarray of shape (K, 1)
        ``log w_k + log|U_k| - d/2 log(2 pi)``.
    Q : ndarray of shape (K, 1 + d + d(d+1)/2) or None
        When accurate enough, ``Q @ [1, x, x_i*x_j]`` is the weighted
        log-density directly (see ``_QUADRATIC_MAX_R2``).
    """

    W: np.ndarray
    const: np.ndarray
    Q: np.ndarray | None

    @property
    def n_components(self) -> int:
        return self.const.shape[0]


def _quadratic(const, means, U, pairs) -> np.ndarray:
    """Coefficients of ``log w + log N(x)`` on the rows [1, x, x_i*x_j]."""
    precision = U @ np.swapaxes(U, 1, 2)
    p_mean = np.einsum("kij,kj->ki", precision, means)
    i, j = pairs
    quad = -precision[:, i, j] * np.where(i == j, 0.5, 1.0)
    offset = const[:, 0] - 0.5 * np.einsum("ki,ki->k", means, p_mean)
    return np.concatenate([offset[:, np.newaxis], p_mean, quad], axis=1)


def operands(prepared: Prepared, weights: np.ndarray, means: np.ndarray, U: np.ndarray,
             log_det: np.ndarray) -> Operands:
    """Fold weights (K,), centred means (K, d), U (K, d, d), log|U| (K,)."""
    n_components, d = means.shape
    W = np.empty((d * n_components, d + 1))
    W[:, 1:] = U.transpose(2, 0, 1).reshape(d * n_components, d)
    W[:, 0] = -np.einsum("ki,kij->jk", means, U).reshape(d * n_components)
    W *= _SQRT_HALF
    with np.errstate(divide="ignore"):
        const = (np.log(weights) + log_det - 0.5 * d * LOG_2PI)[:, np.newaxis]
    Q = None
    if prepared.quadratic:
        reach = prepared.scale + np.sqrt(np.einsum("ki,ki->k", means, means))
        r2 = float(np.max(np.einsum("kij,kij->k", U, U) * reach**2))
        if r2 < _QUADRATIC_MAX_R2:
            Q = _quadratic(const, means, U, prepared.pairs)
    return Operands(W, const, Q)


###############################################################################
# E-step passes


class Buffers:
    """Per-chunk scratch arrays, reused across chunks and iterations."""

    def __init__(self, rows: int, n_components: int, prepared: Prepared) -> None:
        d = prepared.n_features
        self.rows = rows
        self.features = np.empty((prepared.n_stats, rows))
        self.features[0] = 1.0
        self.z = np.empty((d * n_components, rows))
        self.lp = np.empty((n_components, rows))
        self.shift = np.empty(rows)
        self.norm = np.empty(rows)


def make_buffers(prepared: Prepared, n_components: int) -> Buffers:
    rows = min(prepared.chunk_rows(n_components), max(prepared.n_samples, 1))
    return Buffers(rows, n_components, prepared)


def _chunks(prepared: Prepared, ops: Operands, buffers: Buffers | None,
            products: bool) -> Iterator[tuple[slice, np.ndarray, np.ndarray]]:
    """Yield ``(rows, log w_k + log N(x | k), features)`` chunk by chunk.

    ``lp`` has shape (K, n_rows); ``features`` holds the chunk's rows
    ``[1, x]`` and, with ``products``, the pairwise products after them.
    Both are scratch buffers: use them before advancing the iterator.
    """
    n, d = prepared.n_samples, prepared.n_features
    k = ops.n_components
    if buffers is None:
        buffers = make_buffers(prepared, k)
    step = buffers.rows
    for start in range(0, n, step):
        rows = slice(start, min(start + step, n))
        m = rows.stop - rows.start
        lp = buffers.lp[:, :m]
        features = prepared.features_into(rows, buffers.features, products or ops.Q is not None)
        if ops.Q is not None:
            np.matmul(ops.Q, features, out=lp)
        else:
            z = np.matmul(ops.W, features[: d + 1], out=buffers.z[:, :m])
            np.multiply(z, z, out=z)
            np.subtract(ops.const, z[:k], out=lp)
            for j in range(1, d):
                lp -= z[j * k : (j + 1) * k]
        yield rows, lp, features


def iter_log_prob(prepared: Prepared, ops: Operands,
                  buffers: Buffers | None = None) -> Iterator[tuple[slice, np.ndarray]]:
    """Yield ``(rows, log w_k + log N(x | k))`` chunk by chunk.

    The yielded array, shape (K, n_rows), is a scratch buffer: use it before
    advancing the iterator.
    """
    for rows, lp, _ in _chunks(prepared, ops, buffers, products=False):
        yield rows, lp


def sum_log(values: np.ndarray, bound: float) -> float:
    """``np.log(values).sum()`` for values in [1/bound, bound], with few logarithms.

    A logarithm costs as much as dozens of multiplications, so the values
    are multiplied in blocks small enough that no product leaves
    [e^-700, e^700], and the log of each product is taken: one logarithm
    per 350 values at bound e^2. Each product adds half an ulp of relative
    rounding per factor, about what each logarithm's own rounding adds to
    the plain sum. Should a product still leave the float range, the plain
    sum is taken, so that only non-finite values give a non-finite total
    (which the fit reads as a collapse).
    """
    n = values.shape[0]
    block = max(1, min(n, int(700.0 / math.log(max(bound, math.e)))))
    whole = n - n % block
    total = float(np.log(values[whole:]).sum())
    if whole:
        products = values[:whole].reshape(block, whole // block).prod(axis=0)
        total += float(np.log(products).sum())
    if not math.isfinite(total) and np.isfinite(values).all():
        total = float(np.log(values).sum())
    return total


def estep(prepared: Prepared, ops: Operands, want_stats: bool = True,
          buffers: Buffers | None = None) -> tuple[float, np.ndarray | None]:
    """One pass: total log-likelihood and the M-step sufficient statistics.

    Parameters
    ----------
    prepared : Prepared
    ops : Operands
    want_stats : bool
        False for the last snapshot, whose M-step is never taken.
    buffers : Buffers, optional

    Returns
    -------
    log_likelihood : float
        Total log-likelihood of the data at the parameters (may be non-finite
        when a component has collapsed; the caller checks).
    stats : ndarray of shape (K, 1 + d + d(d+1)/2) or None
        ``resp @ [1, x, x_i*x_j].T``: soft counts, sums and second moments.
    """
    if buffers is None:
        buffers = make_buffers(prepared, ops.n_components)
    # Each point's sum of exponentials lies in [e^-2, K] (see the shift below).
    bound = max(ops.n_components, math.e**2)
    total = 0.0
    stats = None
    for rows, lp, features in _chunks(prepared, ops, buffers, products=want_stats):
        m = lp.shape[1]
        shift = np.max(lp, axis=0, out=buffers.shift[:m])
        # Log-sum-exp: shifting by the best component keeps points thousands
        # of standard deviations from every component finite. The shift is
        # one more than the best, so that no exponent is exactly 0: glibc's
        # exp takes another branch for 0, and at one random place in K that
        # branch is mispredicted (measured at K = 5: 7.7 instead of 5.7 ns
        # per exponential). The best exponent is then -1, so a point's sum
        # is in [1/e, K/e]; for a point so far from every component that
        # its best log-density is below -2^53, adding 1 rounds to 0 or 2,
        # and the sum is in [e^-2, K].
        shift += 1.0
        lp -= shift
        np.exp(lp, out=lp)
        norm = np.sum(lp, axis=0, out=buffers.norm[:m])
        total += sum_log(norm, bound) + float(shift.sum())
        if want_stats:
            lp /= norm
            block = lp @ features.T
            stats = block if stats is None else stats + block
    return total, stats


def iter_responsibilities(prepared: Prepared, ops: Operands) -> Iterator[tuple[slice, np.ndarray]]:
    """Yield ``(rows, resp)`` with resp of shape (K, n_rows) (a scratch buffer)."""
    for rows, lp in iter_log_prob(prepared, ops):
        lp -= lp.max(axis=0)
        np.exp(lp, out=lp)
        lp /= lp.sum(axis=0)
        yield rows, lp
