"""Give the same colour to the same cluster in every run.

Component labels are stable within one EM run but permute across runs
(another seed, another initialisation). Before runs are drawn side by side
their components are relabelled to match a reference run, by a minimum-cost
assignment (the Hungarian algorithm, written here in NumPy) on the means.
"""
from __future__ import annotations

import dataclasses

import numpy as np


def linear_sum_assignment(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Minimum-cost assignment of rows to columns (Hungarian algorithm, O(n^2 m)).

    Shortest augmenting paths with dual potentials (Kuhn-Munkres in the
    Jonker-Volgenant formulation). Rectangular matrices assign
    ``min(n_rows, n_cols)`` pairs.

    Parameters
    ----------
    cost : ndarray of shape (n_rows, n_cols)
        Finite costs.

    Returns
    -------
    rows, cols : ndarray of int, each of shape (min(n_rows, n_cols),)
        Row ``rows[i]`` is assigned to column ``cols[i]``; ``rows`` is sorted.
    """
    cost = np.asarray(cost, dtype=float)
    if cost.ndim != 2:
        raise ValueError(f"cost must be a 2-D array, got shape {cost.shape}")
    if not np.all(np.isfinite(cost)):
        raise ValueError("cost matrix contains NaN or infinite entries")
    transposed = cost.shape[0] > cost.shape[1]
    if transposed:
        cost = cost.T
    n, m = cost.shape
    if n == 0:
        empty = np.zeros(0, dtype=int)
        return empty, empty
    # 1-based bookkeeping: column 0 is a virtual start, p[j] is the row on column j (0 = none).
    u = np.zeros(n + 1)
    v = np.zeros(m + 1)
    p = np.zeros(m + 1, dtype=int)
    way = np.zeros(m + 1, dtype=int)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = p[j0]
            reduced = cost[i0 - 1] - u[i0] - v[1:]
            better = ~used[1:] & (reduced < minv[1:])
            minv[1:][better] = reduced[better]
            way[1:][better] = j0
            candidates = np.where(used[1:], np.inf, minv[1:])
            j1 = int(np.argmin(candidates)) + 1
            delta = candidates[j1 - 1]
            u[p[used]] += delta
            v[used] -= delta
            minv[~used] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    cols = np.flatnonzero(p[1:])
    rows = p[1:][cols] - 1
    if transposed:
        rows, cols = cols, rows
    order = np.argsort(rows)
    return rows[order], cols[order]


def match_components(reference_means: np.ndarray, means: np.ndarray) -> np.ndarray:
    """The relabelling that brings ``means`` closest to ``reference_means``.

    Parameters
    ----------
    reference_means : ndarray of shape (K, d)
    means : ndarray of shape (K2, d)

    Returns
    -------
    perm : ndarray of int, shape (K2,)
        A permutation of ``range(K2)``: new component ``j`` is old component
        ``perm[j]``. When ``K2 == K`` it minimises the total squared distance
        between ``reference_means[j]`` and ``means[perm[j]]``. With more
        components than the reference the unmatched ones come last in their
        old order; with fewer, components are ordered by the reference
        component they match.
    """
    reference_means = np.asarray(reference_means, dtype=float)
    means = np.asarray(means, dtype=float)
    if reference_means.ndim != 2 or means.ndim != 2 or reference_means.shape[1] != means.shape[1]:
        raise ValueError(f"means must be (K, d) arrays of equal d, got {reference_means.shape} and {means.shape}")
    cost = ((reference_means[:, None, :] - means[None, :, :]) ** 2).sum(axis=-1)
    ref_idx, own_idx = linear_sum_assignment(cost)
    k2 = means.shape[0]
    if k2 >= reference_means.shape[0]:
        rest = [c for c in range(k2) if c not in set(own_idx.tolist())]
        return np.concatenate([own_idx, np.array(rest, dtype=int)]).astype(int)
    return own_idx[np.argsort(ref_idx, kind="stable")].astype(int)


def _check_perm(perm: np.ndarray, k: int) -> np.ndarray:
    perm = np.asarray(perm, dtype=int)
    if perm.shape != (k,) or not np.array_equal(np.sort(perm), np.arange(k)):
        raise ValueError(f"perm must be a permutation of range({k}), got {perm.tolist()}")
    return perm


def permute_snapshot(snapshot, perm: np.ndarray):
    """A copy of ``snapshot`` whose component ``j`` is the old component ``perm[j]``."""
    perm = _check_perm(perm, snapshot.weights.shape[0])
    return dataclasses.replace(
        snapshot,
        weights=snapshot.weights[perm],
        means=snapshot.means[perm],
        covariances=snapshot.covariances[perm],
    )


def permute_run(run, perm: np.ndarray):
    """The same run with its components relabelled in every snapshot.

    Parameters
    ----------
    run : Run
    perm : array-like of int, shape (K,)
        New component ``j`` is old component ``perm[j]``.

    Returns
    -------
    Run
        Settings, convergence and extras are kept; a recorded collapse points
        at the component's new index. Log-likelihoods are unchanged (a
        mixture does not depend on the order of its components).
    """
    k = run.snapshots[0].weights.shape[0] if run.snapshots else len(perm)
    perm = _check_perm(perm, k)
    snapshots = tuple(permute_snapshot(s, perm) for s in run.snapshots)
    changes = {"snapshots": snapshots}
    collapse = getattr(run, "collapse", None)
    if collapse is not None and 0 <= collapse.component < k:
        new_index = int(np.flatnonzero(perm == collapse.component)[0])
        changes["collapse"] = dataclasses.replace(collapse, component=new_index)
    return dataclasses.replace(run, **changes)


def align_runs(runs: list) -> list:
    """Relabel every run's components to match ``runs[0]`` (compared at their final means)."""
    if not runs:
        return []
    reference = runs[0].snapshots[-1].means
    aligned = [runs[0]]
    for run in runs[1:]:
        aligned.append(permute_run(run, match_components(reference, run.snapshots[-1].means)))
    return aligned
