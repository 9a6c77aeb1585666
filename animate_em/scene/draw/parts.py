"""The parts every animation frame has, whatever it animates: size, title, data axes, notes.

Used by :class:`~animate_em.scene.kinds.em.frames.EmFrameSource` (EM runs), the sweep
over K (:mod:`animate_em.scene.kinds.sweep.frames`) and the posters, so that a title, a data panel
or the notes line look the same in all of them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import MaxNLocator

from animate_em.scene.draw.figure import LABEL, SMALL, TICK, TITLE, Sizing
from animate_em.scene.draw.panels import DataPanel, data_limits, widen_to_aspect

CHAR = 0.62  # width of a digit in DejaVu Sans, in ems


def style_value(prepared, name, default):
    """``prepared.scene.style.<name>``, or ``default`` when the scene or its style lacks it."""
    return getattr(getattr(prepared.scene, "style", None), name, default) if prepared.scene else default


#: Below this unit (a 480p frame's height) text would shrink past easy reading; small frames keep
#: text up to :data:`SMALL_FRAME_BOOST` times larger than their size alone gives.
READABLE_UNIT = 480.0
SMALL_FRAME_BOOST = 1.35


def frame_sizing(width: int, height: int) -> Sizing:
    """Sizing of a frame: text scales with the height, but portrait frames scale with 3/4 of the width.

    Frames smaller than 480p (a 640 x 360 GIF on a course page) keep their text
    near 480p's pixel size, up to 1.35 times what their size alone would give,
    so the footer stays readable; the layout makes room for it.
    """
    natural = float(min(height, 0.75 * width))
    return Sizing(width, height, min(max(natural, READABLE_UNIT), SMALL_FRAME_BOOST * natural))


def point_area(sizing: Sizing, n_points: int, panel_height_px: float) -> float:
    """Default marker area in points^2: smaller dots for more points, scaled to the panel."""
    diameter = panel_height_px * float(np.clip(0.5 / np.sqrt(max(n_points, 1)), 0.006, 0.016))
    diameter = max(diameter, 1.8 * sizing.unit / 720.0)
    return (diameter * 72.0 / sizing.dpi) ** 2


def tick_chars(limits, nbins=5) -> int:
    """Characters of the longest tick label matplotlib would put on an axis with ``limits``."""
    ticks = MaxNLocator(nbins).tick_values(*limits)
    return max(len(f"{t:g}") for t in ticks)


def text_extent(text, renderer):
    return text.get_window_extent(renderer)


def shrink_to_width(text, renderer, width: float, minimum: float = 0.6) -> None:
    """Make ``text`` smaller (down to ``minimum`` of its size) until it fits ``width`` pixels."""
    size = text.get_fontsize()
    for _ in range(12):
        if text_extent(text, renderer).width <= width or text.get_fontsize() <= size * minimum:
            return
        text.set_fontsize(text.get_fontsize() * 0.92)


@dataclass(frozen=True)
class DataView:
    """Axis limits and labelling of the data panels, shared by every panel of a frame.

    ``equal``: the ranges are comparable, so both axes get one scale; ``ticks``:
    the axes are labelled (the data has units, or unequal scales would mislead).
    """

    xlim: tuple
    ylim: tuple
    equal: bool
    ticks: bool
    xlabel: str | None
    ylabel: str | None

    @property
    def aspect(self) -> float:
        return (self.xlim[1] - self.xlim[0]) / (self.ylim[1] - self.ylim[0])

    def decor(self) -> dict:
        """Room for tick labels and axis labels left of and below a data panel (``Decor`` fields)."""
        return dict(
            data_left=(TICK * CHAR * max(tick_chars(self.ylim), 3) + LABEL * 1.5 + 0.02) if self.ticks else 0.0,
            data_bottom=(TICK * 1.3 + LABEL * 1.4 + 0.012) if self.ticks else 0.0,
        )


def data_view(prepared, X: np.ndarray, runs, sigma: float) -> DataView:
    """The :class:`DataView` of data ``X`` (N, 2) that holds every ellipse of ``runs`` at ``sigma``."""
    xlim, ylim = data_limits(X, runs, sigma)
    rx, ry = xlim[1] - xlim[0], ylim[1] - ylim[0]
    units = getattr(prepared, "units", None)
    columns = tuple(getattr(prepared, "columns", ()) or ())
    equal = 1 / 3 < rx / ry < 3
    ticks = bool(units) or not equal
    xlabel = ylabel = None
    if ticks:
        unit = f" ({units})" if units else ""
        names = columns if len(columns) >= 2 else ("x₁", "x₂")
        xlabel, ylabel = f"{names[0]}{unit}", f"{names[1]}{unit}"
    return DataView(xlim, ylim, equal, ticks, xlabel, ylabel)


def add_data_panel(fig, slot, prepared, X: np.ndarray, k: int, view: DataView, sizing: Sizing, theme,
                   sigma: float) -> DataPanel:
    """A :class:`DataPanel` of ``k`` components in the axes box of layout ``slot``."""
    ax = fig.add_axes(slot.axes.fraction(sizing))
    xlim, ylim = ((widen_to_aspect(view.xlim, view.ylim, slot.axes.width / slot.axes.height)
                   if view.equal else (view.xlim, view.ylim)))
    reference = min(slot.axes.height, slot.axes.width, 0.7 * sizing.unit)
    area = style_value(prepared, "point_size", None) or point_area(sizing, len(X), reference)
    return DataPanel(ax, X, k, xlim, ylim, sizing, theme, sigma=sigma, point_size=area,
                     point_alpha=getattr(theme, "point_alpha", 0.8),
                     line_width=style_value(prepared, "line_width", None), ticks=view.ticks,
                     xlabel=view.xlabel, ylabel=view.ylabel)


def add_title(fig, prepared, layout, sizing: Sizing, renderer):
    """The scene's title, top left, shrunk to the width of the content."""
    title = getattr(prepared.scene, "title", "") or ""
    text = fig.text(layout.title.x0 / sizing.width, layout.title.y1 / sizing.height, title, ha="left",
                    va="top", fontsize=sizing.pt(TITLE), fontweight="bold", color=prepared.theme.foreground)
    shrink_to_width(text, renderer, layout.content.width)
    return text


def add_notes(fig, layout, sizing: Sizing, theme, renderer, left: str, right: str):
    """The notes row: ``left`` (what the marks mean) and ``right`` (dropped when both do not fit)."""
    W, H = sizing.width, sizing.height
    y = layout.notes.y0 + 0.3 * layout.notes.height
    note = fig.text(layout.notes.x0 / W, y / H, left, ha="left", va="baseline",
                    fontsize=sizing.pt(SMALL), color=theme.muted)
    note_right = fig.text(layout.notes.x1 / W, y / H, right, ha="right", va="baseline",
                          fontsize=sizing.pt(SMALL), color=theme.muted)
    free = layout.notes.width - text_extent(note, renderer).width - sizing.px(0.03)
    if text_extent(note_right, renderer).width > free:
        note_right.set_visible(False)
    shrink_to_width(note, renderer, layout.notes.width)
    return note, note_right
