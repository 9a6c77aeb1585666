"""The scenes of a presentation: each prepared, named, with its steps and their notes."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from animate_em.errors import UserError
from animate_em.scene.kinds import get_kind
from animate_em.scene.timing.steps import Step

__all__ = ["PresentedScene", "handout_steps", "present_scenes", "unique_name"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class PresentedScene:
    """One scene of a presentation: what a remote steps through.

    Attributes
    ----------
    name : str
        File- and URL-safe, unique in the presentation (the URL fragment names it).
    title : str
    prepared : Prepared
        Data, runs and timeline; its frames are what every step shows.
    steps : list of Step
        The timeline's steps (``prepared.timeline.steps()``).
    notes : list of str
        Speaker notes of every step (the scene kind's text).
    """

    name: str
    title: str
    prepared: object
    steps: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def fps(self) -> int:
        return int(self.prepared.fps)

    @property
    def n_frames(self) -> int:
        return len(self.prepared.timeline)

    def status(self, index: int) -> str:
        """What the page's status line says at step ``index``: ``em-basics - iteration 3 - M-step``."""
        return f"{self.name} - {self.steps[index].label}"


def unique_name(name: str, taken: set) -> str:
    """``name`` made safe for files and URL fragments, and different from every name in ``taken``."""
    base = _UNSAFE.sub("_", str(name)).strip("_") or "scene"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def present_scenes(scenes: Sequence, overrides: dict | None = None) -> list[PresentedScene]:
    """Load, fit and lay out every scene, before anything is drawn (bad input fails first).

    Parameters
    ----------
    scenes : sequence of str, path or Scene
        Built-in scene names, scene TOML files or Scene objects.
    overrides : dict, optional
        Scene overrides for every scene (None values are ignored).

    Returns
    -------
    list of PresentedScene

    Raises
    ------
    UserError
        No scene, an unknown or invalid scene, bad data.
    """
    from animate_em.animation import as_prepared
    from animate_em.scene.spec.scene import Scene, load_scene

    if not scenes:
        raise UserError("a presentation needs at least one scene")
    loaded = [s if isinstance(s, Scene) else load_scene(s) for s in scenes]
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    taken: set = set()
    presented = []
    for scene in loaded:
        name = unique_name(scene.name or "scene", taken)
        prepared = as_prepared(scene.with_overrides({"name": name}), overrides=overrides)
        steps = prepared.timeline.steps()
        notes_of = get_kind(prepared.kind).notes
        presented.append(PresentedScene(name=name, title=prepared.scene.title or name, prepared=prepared,
                                        steps=steps, notes=[notes_of(prepared, step) for step in steps]))
    return presented


def handout_steps(steps: Sequence[Step]) -> list[Step]:
    """The step that ends each iteration (the initial state, every iteration, the final state).

    A step ends its iteration when the next step belongs to another iteration
    or is the final state; the final state is always kept. In a sweep: the
    start, every K and the chosen K.
    """
    kept = []
    for step, following in zip(steps, [*steps[1:], None]):
        if following is None or step.beat == "end" or following.beat == "end" \
                or following.iteration != step.iteration:
            kept.append(step)
    return kept
