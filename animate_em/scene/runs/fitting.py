"""Fitting the runs of a scene: one EM fit per (label, model), errors named by run."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from animate_em.em.fit import fit
from animate_em.errors import UserError
from animate_em.scene.runs.matching import align_runs


def fit_models(models: Sequence[tuple], X: np.ndarray, *, where: Callable[[str], str]) -> tuple[list, list[str]]:
    """Fit every ``(label, model)`` of ``models`` to ``X``, in order, unaligned.

    Parameters
    ----------
    models : sequence of (str, ModelSpec)
        Label and model settings of every run, e.g. ``scene.run_models()``.
    X : ndarray of shape (n_samples, 2)
    where : callable(label) -> str
        How an error names the run, e.g. ``run 'seed=3'`` or ``[sweep] K = 5``.

    Returns
    -------
    runs : list of Run
    labels : list of str

    Raises
    ------
    UserError
        More components than points, or a fit the EM core refuses.
    """
    runs, labels = [], []
    for label, model in models:
        if model.k > X.shape[0]:
            raise UserError(f"{where(label)}: k={model.k} components need at least {model.k} points, "
                            f"the data has {X.shape[0]}")
        try:
            runs.append(fit(X, model.k, **model.fit_kwargs()))
        except UserError:
            raise
        except ValueError as error:
            raise UserError(f"{where(label)}: {str(error).splitlines()[0]}") from None
        labels.append(label)
    return runs, labels


def fit_runs(scene, X: np.ndarray) -> tuple[list, list[str]]:
    """Fit every run of an EM ``scene`` to ``X``; components matched across runs to ``runs[0]``.

    Returns
    -------
    runs : list of Run
    labels : list of str
    """
    runs, labels = fit_models(scene.run_models(), X, where=lambda label: f"run {label!r}")
    return align_runs(runs), labels
