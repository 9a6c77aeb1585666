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

