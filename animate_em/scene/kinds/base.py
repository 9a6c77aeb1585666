"""What a kind of scene brings: how its runs are fitted, its clock, its frames, its poster and its notes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Kind:
    """One kind of scene (the ``kind`` key of a scene file).

    Attributes
    ----------
    name : str
        The value of ``kind`` in a scene file.
    models : callable(scene) -> list of (label, ModelSpec)
        The runs the scene asks for, in panel (or step) order.
    fit : callable(scene, X) -> (runs, labels)
        Fits :attr:`models` to the data ``X`` (N, 2), components matched so
        one cluster keeps one colour across the runs.
    timeline : callable(scene, runs, labels, traces) -> timeline
        Frame -> moment for the fitted runs (``traces``: total log-likelihood
        of every snapshot of each run).
    frames : callable(prepared, copy=...) -> frame source
        The frame source class (see :class:`~animate_em.scene.frames.blit.BlittedFigure`).
    poster : callable(prepared, every=..., columns=..., run=...) -> ndarray
        The still poster of the scene, (H, W, 4) uint8.
    notes : callable(prepared, step) -> str
        Speaker notes of one step of the timeline (``prepared.timeline.steps()``):
        what the beat shows and its numbers.
    """

    name: str
    models: Callable[[Any], list]
    fit: Callable[..., tuple]
    timeline: Callable[..., Any]
    frames: Callable[..., Any]
    poster: Callable[..., Any]
    notes: Callable[..., str]
