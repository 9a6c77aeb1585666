"""Everything a scene needs before the first frame: data, fitted runs, timeline, theme.

:func:`prepare` is the one step between a :class:`~animate_em.scene.spec.scene.Scene`
(a description) and drawing: it loads the data (:mod:`.runs.data`), lets
the scene's kind (:mod:`.kinds`) fit its runs, with components relabelled so
one cluster has one colour in every panel, and lays out the frames on the
kind's timeline.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from animate_em.scene.draw.palette import Theme, get_theme
from animate_em.scene.kinds import get_kind
from animate_em.scene.runs.data import load_scene_data
from animate_em.scene.spec.scene import Scene


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
    timeline : Timeline, SweepTimeline, ...
        The timeline of the scene's kind: frame -> moment of every run on one
        shared clock (a sweep: frame -> which K is shown).
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
    timeline: Any
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

    @property
    def kind(self) -> str:
        """The scene's kind (``em``, ``sweep``; see :mod:`animate_em.scene.kinds`)."""
        return getattr(self.scene, "kind", "em") if self.scene is not None else "em"


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
    runs, labels = get_kind(scene.kind).fit(scene, data["X"])
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
        Fitted to ``data["X"]``, as the scene's kind fits them (one per panel;
        a sweep: one per K of ``[sweep] k``, in that order).
    labels : list of str
        Panel label of every run.
    """
    traces = [np.array([s.log_likelihood for s in run.snapshots], dtype=float) for run in runs]
    fps = scene.fps
    timeline = get_kind(scene.kind).timeline(scene, runs, labels, traces)
    theme = get_theme(scene.style.theme)
    if scene.style.point_alpha is not None:
        theme = dataclasses.replace(theme, point_alpha=scene.style.point_alpha)
    width, height = scene.size
    meta = {key: data.get(key) for key in ("name", "description", "columns", "units", "true_params", "labels", "meta")}
    return Prepared(scene=scene, X=data["X"], columns=tuple(data.get("columns") or ("x", "y")),
                    units=data.get("units"), true_params=data.get("true_params"), runs=runs, labels=labels,
                    traces=traces, timeline=timeline, width=width, height=height, fps=fps, theme=theme,
                    meta=meta)
