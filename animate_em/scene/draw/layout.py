"""The layout of a frame: where the panels, the trace and the caption rows go.

:func:`frame_layout` places N data panels, one log-likelihood panel and the
caption rows into a frame, for any frame shape and the layouts ``single``,
``row`` and ``grid``. It works in pixels (origin bottom left) and chooses
between the trace on the right and the trace below by the area the data gets.
Sizes are fractions of the frame height, as in :mod:`animate_em.scene.draw.figure`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from matplotlib.font_manager import FontProperties

from animate_em.scene.draw.figure import LABEL, MARGIN, SMALL, STATUS, TICK, TITLE, Sizing, text_width
from animate_em.scene.draw.panels import LEGEND_HANDLE, LEGEND_SPACING


@dataclass(frozen=True)
class Box:
    """Rectangle in pixels, origin at the bottom left of the figure."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def fraction(self, sizing: Sizing) -> list[float]:
        """[left, bottom, width, height] in figure fractions (for ``fig.add_axes``)."""
        return [self.x0 / sizing.width, self.y0 / sizing.height,
                self.width / sizing.width, self.height / sizing.height]


@dataclass(frozen=True)
class PanelSlot:
    """Where one data panel goes: its axes, a header row above, a footer row below."""

    axes: Box
    header: Box | None
    footer: Box


@dataclass(frozen=True)
class FrameLayout:
    """Every region of a frame, in pixels."""

    content: Box
    title: Box
    status: Box
    panels: list[PanelSlot]
    trace: Box | None
    trace_side: str | None          # "right" | "bottom" | None
    notes: Box
    grid: tuple[int, int] = (1, 1)  # rows, columns of data panels
    extras: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Decor:
    """Space, in units, that labels need around the axes boxes."""

    header: float = 0.0            # run label row above each data panel
    footer: float = SMALL * 1.7    # weights row below each data panel
    data_left: float = 0.0         # tick labels + axis label left of a data panel
    data_bottom: float = 0.0       # below a data panel, above its footer
    trace_left: float = 0.12       # y tick labels + y label of the trace panel
    trace_bottom: float = TICK * 1.5 + LABEL * 1.5
    trace_top: float = 0.0         # legend rows above the trace panel
    trace_share: float = 0.0       # a larger least share of the body's width (or height) for the trace


def _grid_shape(n: int, arrangement: str, tall: bool) -> list[tuple[int, int]]:
    """Candidate (rows, columns) for n panels."""
    if n <= 1 or arrangement == "single":
        return [(1, 1)] if n <= 1 else [(1, n)]
    if arrangement == "row":
        return [(n, 1)] if tall else [(1, n)]
    return [(math.ceil(n / c), c) for c in range(1, n + 1)]


def _fit_box(cell_w: float, cell_h: float, lo: float, hi: float) -> tuple[float, float]:
    """Largest (w, h) inside a cell with aspect w/h within [lo, hi]."""
    if cell_w <= 0 or cell_h <= 0:
        return 0.0, 0.0
    aspect = min(max(cell_w / cell_h, lo), hi)
    if cell_w / cell_h >= aspect:
        return cell_h * aspect, cell_h
    return cell_w, cell_w / aspect


def frame_layout(sizing: Sizing, *, n_panels: int = 1, arrangement: str = "single",
                 data_aspect: float = 1.0, equal_aspect: bool = True, show_trace: bool = True,
                 decor: Decor = Decor(), trace_sides: tuple = ("right", "bottom")) -> FrameLayout:
    """Place N data panels, the trace panel and the caption rows into a frame.

    Parameters
    ----------
    sizing : Sizing
    n_panels : int
        Number of data panels (one per run).
    arrangement : {"single", "row", "grid"}
    data_aspect : float
        Width/height of the data's range in data units (with equal aspect, the
        panel shape that shows it largest).
    equal_aspect : bool
        Whether one data unit has the same length on both axes. The panel box
        may then be up to 15 % wider or taller than the data (30 % taller in a
        grid; the limits widen to fill it), taking the shape of the room it
        gets; otherwise its aspect stays between 0.8 and 1.5.
    show_trace : bool
        Whether there is a log-likelihood panel.
    decor : Decor
        Label space around the axes.
    trace_sides : tuple of str
        Where the trace panel may go: ``"right"`` and/or ``"bottom"``; the
        side that gives the data panels the most area wins.

    Returns
    -------
    FrameLayout
    """
    W, H = sizing.width, sizing.height
    u = sizing.px
    content = Box(MARGIN * W, MARGIN * H, (1 - MARGIN) * W, (1 - MARGIN) * H)
    # Header rows: title, then the status line.
    title_h, status_h = u(TITLE * 1.3), u(STATUS * 1.45)
    title = Box(content.x0, content.y1 - title_h, content.x1, content.y1)
    status = Box(content.x0, title.y0 - status_h, content.x1, title.y0)
    notes_h = u(SMALL * 1.5)
    notes = Box(content.x0, content.y0, content.x1, content.y0 + notes_h)
    body = Box(content.x0, notes.y1 + u(0.012), content.x1, status.y0 - u(0.03))

    def gap_for(cols: int) -> float:
        # Many columns share the width: narrower gaps give the panels the pixels (labels are short).
        return u(0.035 if cols < 4 else 0.022)

    gap_trace = u(0.05)
    cell_top = u(decor.header)
    cell_bottom = u(decor.footer + decor.data_bottom)
    cell_left = u(decor.data_left)
    if equal_aspect:
        base = min(max(data_aspect, 0.6), 1.8)
        # Grid cells may be up to 30 % taller than the data where they have the height to spare (the
        # y range widens: room above the data for the rank badges); otherwise 15 % either way, so a row
        # keeps the band under its panels for notes such as the collapse notice.
        lo, hi = base / (1.3 if arrangement == "grid" else 1.15), base * 1.15
    else:
        lo, hi = 0.8, 1.5

    def panel_grid(region: Box, rows: int, cols: int, bottom: float):
        gap_panel = gap_for(cols)
        cw = (region.width - (cols - 1) * gap_panel) / cols - cell_left
        ch = (region.height - (rows - 1) * gap_panel) / rows - cell_top - bottom
        return _fit_box(cw, ch, lo, hi)

    def bottom_for(side, rows):
        # With the trace on the right, a single row of panels shares its baseline with the trace axes.
        if side == "right" and rows == 1:
            return max(cell_bottom, u(decor.trace_bottom))
        return cell_bottom

    def score(bw: float, bh: float) -> float:
        if bw <= 0 or bh <= 0:
            return 0.0
        if equal_aspect:
            s = min(bw / data_aspect, bh)
            return s * s * data_aspect
        return bw * bh

    tall = H > W
    candidates = []
    sides = list(trace_sides) if show_trace else [None]
    for rows, cols in _grid_shape(n_panels, arrangement, tall):
        if rows * cols < n_panels:
            continue
        for side in sides:
            region = body
            if side == "right":
                trace_w = max(0.26 * body.width, decor.trace_share * body.width, u(0.3 + decor.trace_left))
                region = Box(body.x0, body.y0, body.x1 - gap_trace - trace_w, body.y1)
            elif side == "bottom":
                # A wide, short trace below a row of panels still reads (its story is left to right).
                trace_h = max(0.25 * body.height, decor.trace_share * body.height,
                              u(0.16 + decor.trace_bottom + decor.trace_top))
                region = Box(body.x0, body.y0 + trace_h + gap_trace, body.x1, body.y1)
            bw, bh = panel_grid(region, rows, cols, bottom_for(side, rows))
            # Prefer the trace on the right in wide frames (ties, rounding).
            bonus = 1.001 if side == "right" and not tall else 1.0
            candidates.append((score(bw, bh) * n_panels * bonus, -rows * cols, rows, cols, side, bw, bh))
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    _, _, rows, cols, side, bw, bh = candidates[0]
    cell_bottom = bottom_for(side, rows)

    cell_w, cell_h = bw + cell_left, bh + cell_top + cell_bottom
    gap_panel = gap_for(cols)
    grid_w = cols * cell_w + (cols - 1) * gap_panel
    grid_h = rows * cell_h + (rows - 1) * gap_panel
    if side == "right":
        # The trace takes whatever width the data panels leave.
        gx0 = body.x0
        gy0 = body.y0 + (body.height - grid_h) / 2
    elif side == "bottom":
        gx0 = body.x0 + (body.width - grid_w) / 2
        gy0 = body.y1 - grid_h
    else:
        gx0 = body.x0 + (body.width - grid_w) / 2
        gy0 = body.y0 + (body.height - grid_h) / 2

    slots = []
    for i in range(n_panels):
        r, c = divmod(i, cols)
        x0 = gx0 + c * (cell_w + gap_panel) + cell_left
        ytop = gy0 + grid_h - r * (cell_h + gap_panel)
        axes = Box(x0, ytop - cell_top - bh, x0 + bw, ytop - cell_top)
        header = Box(x0, axes.y1, x0 + bw, ytop) if decor.header else None
        footer_top = axes.y0 - u(decor.data_bottom)
        footer = Box(x0, footer_top - u(decor.footer), x0 + bw, footer_top)
        slots.append(PanelSlot(axes, header, footer))

    trace = None
    if side == "right":
        left = gx0 + grid_w + gap_trace
        y0 = max(min(s.axes.y0 for s in slots), body.y0 + u(decor.trace_bottom))
        y1 = min(max(s.axes.y1 for s in slots), body.y1 - u(decor.trace_top))
        trace = Box(left + u(decor.trace_left), y0, body.x1 - u(0.01), y1)
    elif side == "bottom":
        top = gy0 - gap_trace - u(decor.trace_top)
        trace = Box(body.x0 + u(decor.trace_left), body.y0 + u(decor.trace_bottom),
                    body.x1 - u(0.01), top)
    return FrameLayout(content=content, title=title, status=status, panels=slots, trace=trace,
                       trace_side=side, notes=notes, grid=(rows, cols))


def space_below(layout: FrameLayout, index: int, gap: float, extra=()) -> tuple[float, float, float, float] | None:
    """The free band under panel ``index``'s footer, down to whatever comes next.

    Parameters
    ----------
    layout : FrameLayout
    index : int
        The data panel.
    gap : float
        Pixels kept to the footer and to the next box.
    extra : iterable of (x0, y0, x1, y1)
        Other things drawn, in pixels (the trace panel with its labels and legend).

    Returns
    -------
    (x0, y0, x1, y1) or None
        In pixels, as wide as the panel; None when nothing fits. Other panels,
        the notes row and ``extra`` below the footer and overlapping the panel's
        columns end the band; the frame margin is the floor.
    """
    footer = layout.panels[index].footer
    boxes = [(b.x0, b.y0, b.x1, b.y1) for i, slot in enumerate(layout.panels) if i != index
             for b in (slot.header, slot.axes, slot.footer) if b is not None]
    boxes += [(layout.notes.x0, layout.notes.y0, layout.notes.x1, layout.notes.y1), *extra]
    top, bottom = footer.y0 - gap, layout.content.y0
    for x0, y0, x1, y1 in boxes:
        if x1 > footer.x0 and x0 < footer.x1 and y1 <= footer.y0 + 1e-6:
            bottom = max(bottom, y1 + gap)
    return (footer.x0, bottom, footer.x1, top) if top - bottom > gap else None


def legend_shape(renderer, sizing: Sizing, labels: list[str], width: float) -> tuple[int, int]:
    """(rows, columns) of the run legend above the trace so that it fits ``width`` pixels."""
    size = sizing.pt(SMALL)
    prop = FontProperties(family="DejaVu Sans", size=size)
    em = sizing.px(SMALL)
    entries = [text_width(renderer, label, prop) + (LEGEND_HANDLE + 0.6 + LEGEND_SPACING) * em
               for label in labels]
    n = len(entries)
    for rows in range(1, n + 1):
        cols = math.ceil(n / rows)
        widest = max(sum(entries[i:i + cols]) for i in range(0, n, cols))
        if widest <= width:
            return rows, cols
    return n, 1
