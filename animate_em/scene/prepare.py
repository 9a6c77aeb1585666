"""Everything a scene needs before the first frame: data, fitted runs, timeline, theme.

:func:`prepare` is the one step between a :class:`~animate_em.scene.spec.Scene`
(a description) and drawing: it loads the data, runs EM for every run of the
scene, relabels components so one cluster has one colour in every panel, and
lays out the frames.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from animate_em.errors import UserError
from animate_em.scene.matching import align_runs
from animate_em.scene.palette import Theme, get_theme
from animate_em.scene.spec import DataSpec, Scene
from animate_em.scene.timeline import Timeline


@dataclass
class Prepared:
    """A scene with its data and runs, ready to draw.

    Attributes
    ----------
    scene : Scene
    X : ndarray of shape (n_samples, 2)
        The data that every run was fitted to.
    columns : tuple of str
        Axis labels (feature names).
    units : str or None
        Unit of both axes, None when unitless.
    true_params : dict or None
        Generating mixture of synthetic data: ``weights`` (K,), ``means`` (K, 2),
        ``covariances`` (K, 2, 2).
    meta : dict
        Dataset provenance: ``name``, ``description``, ``columns``, ``units``,
        ``true_params``, ``labels`` (true component per point or None) and the
        dataset's own ``meta``.
    runs : list of Run
        One per panel; components relabelled to match ``runs[0]``.
    labels : list of str
        Panel label of every run.
    traces : list of ndarray, each of shape (n_iter_r + 1,)
        Total log-likelihood of every snapshot of each run.
    timeline : Timeline or SweepTimeline
        Frame -> moment of every run, shared clock (a sweep: frame -> which K is shown).
    width, height, fps : int
        Frame size in pixels and frame rate.
    theme : Theme
    """

    scene: Scene
    X: np.ndarray
    columns: tuple
    units: str | None
    true_params: dict | None
    runs: list
    labels: list
    traces: list
    timeline: Timeline
    width: int
    height: int
    fps: int
    theme: Theme
    meta: dict = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_frames(self) -> int:
        return len(self.timeline)


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

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
# Runs
# ---------------------------------------------------------------------------

def fit_models(scene: Scene, X: np.ndarray, *, where) -> tuple[list, list[str]]:
    """Fit every ``(label, model)`` of ``scene.run_models()`` to ``X``, in order, unaligned.

    Parameters
    ----------
    scene : Scene
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
    from animate_em.em import fit

    runs, labels = [], []
    for label, model in scene.run_models():
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


def fit_runs(scene: Scene, X: np.ndarray) -> tuple[list, list[str]]:
    """Fit every run of ``scene`` to ``X``; components matched across runs to ``runs[0]``.

    Returns
    -------
    runs : list of Run
    labels : list of str
    """
    runs, labels = fit_models(scene, X, where=lambda label: f"run {label!r}")
    return align_runs(runs), labels


def prepare(scene: Scene) -> Prepared:
    """Load the data, fit the runs and lay out the frames of ``scene``.

    Parameters
    ----------
    scene : Scene

    Returns
    -------
    Prepared

    Raises
    ------
    UserError
        Bad data source, impossible model settings.
    """
    data = load_scene_data(scene.data)
    if scene.kind == "sweep":
        from animate_em.scene.sweep import fit_sweep
        runs, labels = fit_sweep(scene, data["X"])
    else:
        runs, labels = fit_runs(scene, data["X"])
    return assemble(scene, data, runs, labels)


def assemble(scene: Scene, data: dict[str, Any], runs: list, labels: list[str]) -> Prepared:
    """Lay out frames for runs that are already fitted (from a scene, or handed in by code).

    Parameters
    ----------
    scene : Scene
        Timing and style; its data and model tables are not used here.
    data : dict
        As returned by :func:`load_scene_data`; at least ``X`` (n_samples, 2).
    runs : list of Run
        One per panel, fitted to ``data["X"]``; for a sweep scene one per K of
        ``[sweep] k``, in that order (the timeline is then a
        :class:`~animate_em.scene.sweep.SweepTimeline`).
    labels : list of str
        Panel label of every run.
    """
    traces = [np.array([s.log_likelihood for s in run.snapshots], dtype=float) for run in runs]
    fps = scene.fps
    timing = scene.timing
    if scene.kind == "sweep":
        from animate_em.scene.sweep import SweepTimeline, chosen_index, criterion_values
        chosen = chosen_index(criterion_values(runs, scene.sweep.criterion))
        timeline = SweepTimeline.build(len(runs), chosen, fps=fps, seconds_per_step=scene.sweep.seconds_per_step,
                                       hold_start=timing.hold_start, hold_end=timing.hold_end, titles=labels)
    else:
        timeline = Timeline.build(traces, fps=fps, frames_per_iteration=timing.frames_per_iteration,
                                  duration=timing.duration, hold_start=timing.hold_start,
                                  hold_end=timing.hold_end)
    theme = get_theme(scene.style.theme)
    if scene.style.point_alpha is not None:
        theme = dataclasses.replace(theme, point_alpha=scene.style.point_alpha)
    width, height = scene.size
    meta = {key: data.get(key) for key in ("name", "description", "columns", "units", "true_params", "labels", "meta")}
    return Prepared(scene=scene, X=data["X"], columns=tuple(data.get("columns") or ("x", "y")),
                    units=data.get("units"), true_params=data.get("true_params"), runs=runs, labels=labels,
                    traces=traces, timeline=timeline, width=width, height=height, fps=fps, theme=theme,
                    meta=meta)
