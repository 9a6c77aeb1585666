"""The parts every animation frame has, whatever it animates: size, title, data axes, notes.

Used by :class:`~animate_em.scene.kinds.em.frames.EmFrameSource` (EM runs), the sweep
over K (:mod:`animate_em.scene.kinds.sweep.frames`) and the posters, so that a title, a data panel
or the notes line look the same in all of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.ticker import MaxNLocator

from animate_em.scene.draw.figure import LABEL, SMALL, TICK, TITLE, Sizing
from animate_em.scene.draw.panels import DataPanel, data_limits, tick_decimals, tick_text, widen_to_aspect

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
    decimals = tick_decimals(ticks)
    return max(len(tick_text(t, decimals)) for t in ticks)


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


def users_data(prepared) -> bool:
    """Whether the data are a user's (a file, or points handed in with runs), not a built-in set."""
    meta = getattr(prepared, "meta", None) or {}
    return bool(meta.get("from_runs") or (meta.get("meta") or {}).get("path"))


def data_name(prepared) -> str:
    """What the frame calls the data: a file's stem, a built-in dataset's name, else "data"."""
    meta = getattr(prepared, "meta", None) or {}
    path = (meta.get("meta") or {}).get("path")
    if path:
        return Path(str(path)).stem or "data"
    return str(meta.get("name") or "data")


def data_tag(prepared) -> str:
    """"iris · N = 150 · K = 3": the data, their size and the components shown (a range for a sweep)."""
    ks = sorted({int(run.final.n_components) for run in getattr(prepared, "runs", ())})
    k = "" if not ks else f" · K = {ks[0]}" if len(ks) == 1 else f" · K = {ks[0]} to {ks[-1]}"
    return f"{data_name(prepared)} · N = {len(prepared.X):,}".replace(",", " ") + k


def data_view(prepared, X: np.ndarray, runs, sigma: float) -> DataView:
    """The :class:`DataView` of data ``X`` (N, 2), framed on the data (see :func:`data_limits`).

    Axes are labelled (ticks and both names) for a user's data, data with
    units, and unequal scales; built-in unitless sets of comparable ranges are
    drawn bare, as pictures of a shape.
    """
    xlim, ylim = data_limits(X, runs, sigma)
    rx, ry = xlim[1] - xlim[0], ylim[1] - ylim[0]
    units = getattr(prepared, "units", None)
    columns = tuple(getattr(prepared, "columns", ()) or ())
    equal = 1 / 3 < rx / ry < 3
    ticks = bool(units) or not equal or users_data(prepared)
    xlabel = ylabel = None
    if ticks:
        unit = f" ({units})" if units else ""
        names = columns if len(columns) >= 2 else ("column 1", "column 2")
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
    """The scene's title, top left, and what data it shows, top right (see :func:`title_row`)."""
    return title_row(fig, prepared, layout.title.x0, layout.title.x1, layout.title.y1, sizing, renderer)[0]


def title_row(fig, prepared, x0: float, x1: float, top: float, sizing: Sizing, renderer):
    """The title (bold, left) and the data tag (:func:`data_tag`, muted, right) between ``x0`` and ``x1`` px.

    The tag names the data on every frame and poster, so a frame cut out of
    a lecture still says what it shows. The tag gives way first (down to 70 %
    of its size): a title keeps 4 % of the frame height while it can; then the
    title shrinks.
    """
    W, H = sizing.width, sizing.height
    title = getattr(prepared.scene, "title", "") or ""
    text = fig.text(x0 / W, top / H, title, ha="left", va="top", fontsize=sizing.pt(TITLE), fontweight="bold",
                    color=prepared.theme.foreground)
    # Top of the tag's capitals level with the title's.
    tag = fig.text(x1 / W, (top - sizing.px(0.2 * (TITLE - SMALL * 1.15))) / H, data_tag(prepared), ha="right",
                   va="top", fontsize=sizing.pt(SMALL * 1.15), color=prepared.theme.muted)
    gap = sizing.px(0.03)
    width = x1 - x0
    if title:
        shrink_to_width(tag, renderer, width - text_extent(text, renderer).width - gap, minimum=0.7)
    shrink_to_width(text, renderer, width - text_extent(tag, renderer).width - gap)
    return text, tag


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
