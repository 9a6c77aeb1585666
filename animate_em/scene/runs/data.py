"""The points a scene fits: a built-in dataset or a file, two columns, optionally a subset."""
from __future__ import annotations

from typing import Any

import numpy as np

from animate_em.errors import UserError
from animate_em.scene.spec.sections import DataSpec


def _select_columns(dataset, columns):
    """Keep two columns of a built-in dataset (by name or index), true parameters included."""
    names = list(dataset.columns)
    keep = []
    for column in columns:
        if isinstance(column, int):
            if column >= len(names):
                raise UserError(f"dataset {dataset.name!r} has {len(names)} columns; index {column} is out of range")
            keep.append(column)
        elif column in names:
            keep.append(names.index(column))
        else:
            raise UserError(f"dataset {dataset.name!r} has no column {column!r} (columns: {', '.join(names)})")
    return keep


def _subset(X: np.ndarray, labels, n_samples: int, seed: int, where: str):
    if n_samples > X.shape[0]:
        raise UserError(f"{where}: n_samples is {n_samples} but the file has only {X.shape[0]} rows")
    if n_samples == X.shape[0]:
        return X, labels
    # Sorted indices keep the file's order, so a subset of a time series stays a time series.
    index = np.sort(np.random.default_rng(seed).choice(X.shape[0], n_samples, replace=False))
    return X[index], None if labels is None else labels[index]


def load_scene_data(data: DataSpec) -> dict[str, Any]:
    """Load the points a scene fits.

    Parameters
    ----------
    data : DataSpec
        A built-in dataset name or a file path, seed, size and columns.

    Returns
    -------
    dict
        ``X`` (n_samples, 2), ``columns``, ``units``, ``true_params``, ``labels``,
        ``name``, ``description``, ``meta``.

    Raises
    ------
    UserError
        Unknown dataset, unreadable file, fewer or more than two usable columns.
    """
    from animate_em import datasets

    if data.source in datasets.names():
        dataset = datasets.get(data.source, seed=data.seed, n_samples=data.n_samples)
        keep = _select_columns(dataset, data.columns) if data.columns else list(range(min(2, dataset.n_features)))
        true_params = dataset.true_params
        if true_params is not None:
            true_params = {"weights": np.asarray(true_params["weights"]),
                           "means": np.asarray(true_params["means"])[:, keep],
                           "covariances": np.asarray(true_params["covariances"])[:, keep][:, :, keep]}
        X, labels = dataset.X[:, keep], dataset.labels
        columns = tuple(dataset.columns[j] for j in keep)
    else:
        columns_arg = list(data.columns) if data.columns else None
        dataset = datasets.open_data(data.source, columns=columns_arg, seed=data.seed)
        X, labels, true_params = dataset.X, dataset.labels, dataset.true_params
        columns = tuple(dataset.columns)
        if not dataset.meta.get("header", True):
            # Without a header the axes say where the numbers came from, counted as people count.
            columns = tuple(f"column {j + 1}" for j in dataset.meta.get("indices", range(len(columns))))
        if data.columns is None and X.shape[1] > 2:
            X, columns = X[:, :2], columns[:2]
        if data.n_samples is not None:
            X, labels = _subset(X, labels, data.n_samples, data.seed, data.source)
    if X.shape[1] != 2:
        raise UserError(f"{data.source}: an animation needs 2 columns of data, found {X.shape[1]}")
    return {"X": np.ascontiguousarray(X, dtype=float), "columns": columns, "units": dataset.units,
            "true_params": true_params, "labels": labels, "name": dataset.name,
            "description": dataset.description, "meta": dict(dataset.meta)}



# ---------------------------------------------------------------------------
# Points measured on a grid
# ---------------------------------------------------------------------------

#: Points sharing their place with another, as a share of all points, from which stacking hides data.
STACKED_SHARE = 0.05
#: A grid step below this share of an axis's range stacks nothing a viewer could see.
VISIBLE_STEP = 0.002
#: Jitter reaches this far across a grid cell either way, so a point never enters a neighbour's cell.
JITTER = 0.35


def grid_step(values: np.ndarray, most_decimals: int = 6) -> float | None:
    """The step of the grid ``values`` were measured on (0.1 for centimetres to one decimal), or None.

    The coarsest power of ten whose multiples hold every value (to rounding);
    None when none with at most ``most_decimals`` decimals does.
    """
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    scale = max(float(np.abs(values).max()), 1.0)
    for decimals in range(-6, most_decimals + 1):
        step = 10.0 ** -decimals
        if np.all(np.abs(values / step - np.round(values / step)) * step <= 1e-9 * scale):
            return step
    return None


def stacked_axes(X: np.ndarray) -> list[tuple[int, float]]:
    """(axis, grid step) of every axis whose measurement grid stacks points on top of each other.

    Only when at least :data:`STACKED_SHARE` of the points share their place with
    another, and only axes whose step is visible (:data:`VISIBLE_STEP` of the range).
    """
    X = np.asarray(X, dtype=float)[:, :2]
    if len(X) < 2:
        return []
    _, counts = np.unique(X, axis=0, return_counts=True)
    if counts[counts > 1].sum() < STACKED_SHARE * len(X):
        return []
    out = []
    for axis in range(X.shape[1]):
        step = grid_step(X[:, axis])
        span = float(np.ptp(X[:, axis]))
        if step is not None and span > 0 and step >= VISIBLE_STEP * span:
            out.append((axis, step))
    return out


def shown_positions(X: np.ndarray, axes: list[tuple[int, float]], seed: int = 0) -> np.ndarray:
    """Where the points are drawn: ``X`` jittered within its grid cell along ``axes`` (the same every time)."""
    shown = np.array(np.asarray(X, dtype=float)[:, :2])
    rng = np.random.default_rng(seed)
    for axis, step in axes:
        shown[:, axis] += rng.uniform(-JITTER, JITTER, len(shown)) * step
    return shown


def stacking_note(axes: list[tuple[int, float]], columns, units: str | None) -> str:
    """"points jittered: measured to 0.1 cm" (empty without stacking): the footer's words."""
    if not axes:
        return ""
    def amount(step):
        unit = "" if not units else f" {units[:-1]}" if step == 1 and units.endswith("s") else f" {units}"
        return f"{step:g}{unit}"

    steps = {step for _, step in axes}
    if len(axes) == 2 and len(steps) == 1:
        return f"points jittered: measured to {amount(axes[0][1])}"
    names = list(columns) if columns is not None and len(columns) >= 2 else ["x₁", "x₂"]
    listed = ", ".join(f"{names[axis]} measured to {amount(step)}" for axis, step in axes)
    return f"points jittered: {listed}"
