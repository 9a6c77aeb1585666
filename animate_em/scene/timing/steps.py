"""Steps: the beats of a timeline that a presenter advances one click at a time.

A step is a range of frames of the very animation the renderer draws: the
initial state, the E beat and the M beat of every iteration, the final state
(a sweep over K: the start, one step per K, the chosen K). Playing a step
plays its frames and stops on its last one, which is the frame the renderer
drew for the end of that beat. Every timeline lists its steps
(``timeline.steps()``), so a presenter never asks which kind of scene it shows.
"""
from __future__ import annotations

from dataclasses import dataclass

#: Beat names of the steps, as they appear in :attr:`Step.beat`.
BEATS = ("start", "E", "M", "plain", "K", "end")


@dataclass(frozen=True)
class Step:
    """One beat of a timeline.

    Attributes
    ----------
    start, stop : int
        The step's frames are ``start .. stop - 1``; after playing it the
        presenter shows frame ``stop - 1`` (:attr:`last`).
    beat : str
        One of :data:`BEATS`: ``start`` (initial state), ``E``, ``M``,
        ``plain`` (one frame per iteration, both beats at once), ``K`` (one
        fit of a sweep), ``end`` (final state).
    iteration : int
        The number a presenter jumps to: the EM iteration the beat belongs to
        (0 for the initial state, the last iteration for the final state); in
        a sweep, the K shown (0 before the first K).
    label : str
        What the step shows, e.g. ``"iteration 3 - M-step"``, ``"K = 4 - fit"``.
    """

    start: int
    stop: int
    beat: str
    iteration: int
    label: str

    def __post_init__(self):
        if self.stop <= self.start:
            raise ValueError(f"a step needs at least one frame, got frames {self.start}..{self.stop - 1}")
        if self.beat not in BEATS:
            raise ValueError(f"unknown beat {self.beat!r}; known: {', '.join(BEATS)}")

    @property
    def last(self) -> int:
        """The frame shown once the step has played."""
        return self.stop - 1

    @property
    def n_frames(self) -> int:
        return self.stop - self.start


def check_steps(steps: list[Step], n_frames: int) -> list[Step]:
    """``steps`` after checking that they tile frames ``0 .. n_frames - 1`` in order, without gaps."""
    at = 0
    for step in steps:
        if step.start != at:
            raise ValueError(f"steps leave frames {at}..{step.start - 1} out" if step.start > at
                             else f"steps overlap at frame {step.start}")
        at = step.stop
    if at != n_frames:
        raise ValueError(f"steps end at frame {at}, the timeline at {n_frames}")
    return steps
