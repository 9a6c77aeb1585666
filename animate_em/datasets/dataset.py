"""The :class:`Dataset` record every built-in dataset and loaded file becomes."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class Dataset:
    """A data matrix plus what is known about where it came from.

    Attributes
    ----------
    name : str
        Registry name of a built-in dataset, or the file name of loaded data.
    X : ndarray of shape (n_samples, n_features)
        The data, float64.
    labels : ndarray of shape (n_samples,) or None
        True component of every point (synthetic data only).
    true_params : dict or None
        For synthetic data, the mixture that generated it: ``weights``
        (n_components,), ``means`` (n_components, n_features) and
        ``covariances`` (n_components, n_features, n_features).
    columns : tuple of str
        One name per feature (axis labels).
    units : str or None
        Unit of every axis, e.g. ``"minutes"``; None when unitless.
    description : str
        One line for listings.
    meta : dict
        Provenance: for loaded files the ``meta`` of
        :func:`~animate_em.datasets.load_data` (path, sha256, ...); for
        built-ins ``seed`` and ``n_samples``.
    """

    name: str
    X: np.ndarray
    labels: np.ndarray | None
    true_params: dict[str, np.ndarray] | None
    columns: tuple[str, ...]
    units: str | None
    description: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_components(self) -> int | None:
        """Number of true components, or None when unknown."""
        if self.true_params is None:
            return None
        return int(len(self.true_params["weights"]))
