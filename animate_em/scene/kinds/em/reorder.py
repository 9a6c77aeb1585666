"""Ranked runs end in rank order: once the badges are up, the panels glide to their ranked places.

:class:`PanelMover` knows every artist that belongs to a panel (its axes,
whose children and axes-anchored overlays follow by themselves, and the
header, footer and notice texts placed in figure coordinates) and moves
them together by a fraction of the way to the panel's ranked slot.
:func:`move_fraction` says how far the move has gone in a frame of the end hold.
"""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from animate_em.scene.timing.tween import ease

#: Seconds of the end hold before the panels start to move (the badges are read first).
MOVE_DELAY_SECONDS = 0.8
#: Seconds the move takes.
MOVE_SECONDS = 1.2


def move_fraction(frame: int, end_start_frame: int, hold_end_frames: int, fps: int) -> float:
    """Eased progress in [0, 1] of the move at ``frame``: 0 before the delay, 1 once arrived.

    The delay and the move shrink to fit a short end hold (the last frame is
    always arrived).
    """
    if frame < end_start_frame:
        return 0.0
    delay = min(int(round(MOVE_DELAY_SECONDS * fps)), hold_end_frames // 3)
    length = max(1, min(int(round(MOVE_SECONDS * fps)), hold_end_frames - delay))
    return ease((frame - end_start_frame - delay + 1) / length)


def _place(artist) -> np.ndarray:
    """Where a panel's figure-level artist is: a text's position (figure fraction), a mark's pixel."""
    if isinstance(artist, Line2D):
        x, y = artist.get_data()
        return np.array([float(np.ravel(x)[0]), float(np.ravel(y)[0])])
    return np.asarray(artist.get_position(), dtype=float)


class PanelMover:
    """Moves each panel (its axes and the figure texts that belong to it) towards its ranked slot.

    Parameters
    ----------
    fig : Figure
    axes : list of Axes
        The data panels, in panel order.
    artists : list of list of Artist
        For each panel, the artists placed in figure coordinates that belong to it (texts in
        figure fractions, legend marks in pixels).
    order : list of int
        Panel indices in rank order: panel ``order[i]`` ends in the place of panel ``i``.
    """

    def __init__(self, fig, axes, artists, order):
        self.fig = fig
        self.axes = list(axes)
        self.boxes = [ax.get_position().frozen() for ax in self.axes]
        self.artists = [list(group) for group in artists]
        self.origins = [[_place(a) for a in group] for group in self.artists]
        self.size = np.array([fig.bbox.width, fig.bbox.height])
        target = {panel: place for place, panel in enumerate(order)}
        self.offsets = [np.array([self.boxes[target[r]].x0 - box.x0, self.boxes[target[r]].y0 - box.y0])
                        for r, box in enumerate(self.boxes)]
        self.fraction = 0.0

    @property
    def moves(self) -> bool:
        """Whether any panel changes place."""
        return any(np.any(o != 0) for o in self.offsets)

    def apply(self, fraction: float) -> None:
        """Put every panel ``fraction`` of the way to its ranked place (0: where it was built)."""
        if fraction == self.fraction:
            return
        self.fraction = fraction
        for ax, box, offset, group, origins in zip(self.axes, self.boxes, self.offsets, self.artists,
                                                   self.origins):
            dx, dy = fraction * offset
            ax.set_position(Bbox.from_extents(box.x0 + dx, box.y0 + dy, box.x1 + dx, box.y1 + dy))
            for artist, origin in zip(group, origins):
                if isinstance(artist, Line2D):
                    # Legend marks are placed in pixels (see panels.swatch).
                    artist.set_data([origin[0] + dx * self.size[0]], [origin[1] + dy * self.size[1]])
                else:
                    artist.set_position((origin[0] + dx, origin[1] + dy))
