"""The fits of a sweep over K: one converged fit per K, consecutive fits aligned, the criterion that picks K."""
from __future__ import annotations

import dataclasses
from typing import Sequence

import numpy as np

from animate_em.scene.runs.fitting import fit_models
from animate_em.scene.runs.matching import match_components, permute_run

CRITERION_NAMES = {"bic": "BIC", "aic": "AIC"}


def align_consecutive(runs: Sequence) -> list:
    """Relabel each run's components to match the run before it (compared at final means).

    With K growing by one, the first K components of the new fit are the ones
    nearest the previous fit's, so they keep their colours; the new component
    comes last and takes the next colour.
    """
    aligned = []
    for run in runs:
        if aligned:
            run = permute_run(run, match_components(aligned[-1].final.means, run.final.means))
        aligned.append(run)
    return aligned


def sweep_models(scene) -> list[tuple]:
    """(``"K = k"``, ``[model]`` with that k) for every K of ``[sweep] k``."""
    return [(f"K = {k}", dataclasses.replace(scene.model, k=k)) for k in scene.sweep.k]


def fit_sweep(scene, X: np.ndarray) -> tuple[list, list[str]]:
    """Fit ``scene.model`` for every K of ``scene.sweep.k``; consecutive fits aligned.

    Parameters
    ----------
    scene : Scene
        A ``kind = "sweep"`` scene.
    X : ndarray of shape (n_samples, 2)

    Returns
    -------
    runs : list of Run
        One per K, in the order of ``scene.sweep.k``.
    labels : list of str
        ``"K = 1"``, ``"K = 2"``, ...

    Raises
    ------
    UserError
        A K larger than the number of points, or a fit the EM core refuses.
    """
    runs, labels = fit_models(sweep_models(scene), X, where=lambda label: f"[sweep] {label}")
    return align_consecutive(runs), labels


def criterion_values(runs: Sequence, criterion: str = "bic") -> np.ndarray:
    """``Run.bic`` or ``Run.aic`` of every run, shape (n_runs,)."""
    if criterion not in CRITERION_NAMES:
        raise ValueError(f"criterion must be one of {', '.join(CRITERION_NAMES)}, got {criterion!r}")
    return np.array([float(getattr(run, criterion)) for run in runs])


def chosen_index(values: Sequence[float]) -> int:
    """Index of the lowest finite criterion value (the first of ties); 0 when none is finite."""
    values = np.asarray(values, dtype=float)
    finite = np.where(np.isfinite(values), values, np.inf)
    return int(np.argmin(finite))


def true_k(true_params) -> int | None:
    """Number of components of the generating mixture, None for real data."""
    if not true_params or true_params.get("weights") is None:
        return None
    return int(len(np.asarray(true_params["weights"])))

