"""Figures whose text and lines scale with the frame, and the layout of a frame.

Every size is a fraction of one *unit*: the frame height for animation frames
(the poster uses the height a 16:9 frame of its width would have). The figure's
dpi is ``unit / 7.2``, so a font size in points is the same number at every
preset and maps to ``fraction * unit`` pixels: a title is 4 % of the frame
height at 480p and at 2160p alike.

:func:`frame_layout` places N data panels, one log-likelihood panel and the
caption rows into a frame, for any frame shape and the layouts ``single``,
``row`` and ``grid``. It works in pixels (origin bottom left) and chooses
between the trace on the right and the trace below by the area the data gets.
"""
from __future__ import annotations

import contextlib
import math
from collections import OrderedDict
from dataclasses import dataclass, field

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

# -- text and line sizes, as fractions of the unit (frame height) -------------
TITLE = 0.040
STATUS = 0.028
LABEL = 0.025
TICK = 0.021
SMALL = 0.021
MARGIN = 0.05          # nothing is drawn in the outer 5 % of the frame

#: Pixels per point ratio: dpi = unit / INCHES.
INCHES = 7.2

# Matplotlib's defaults plus our choices; never the user's matplotlibrc.
_STYLE_OVERRIDES = {
    "font.family": ["DejaVu Sans"],
    "font.sans-serif": ["DejaVu Sans"],
    "font.monospace": ["DejaVu Sans Mono"],
    "mathtext.fontset": "dejavusans",
    "axes.unicode_minus": True,
    "text.antialiased": True,
    "lines.antialiased": True,
    "patch.antialiased": True,
    "path.simplify": True,
    "path.simplify_threshold": 0.111111111111,
    "agg.path.chunksize": 0,
    "axes.formatter.useoffset": False,
    "axes.formatter.use_locale": False,
    "image.resample": True,
    "svg.hashsalt": "animate-em",
}


def _pinned_rc() -> dict:
    rc = {k: v for k, v in mpl.rcParamsDefault.items() if k not in ("backend", "backend_fallback")}
    rc.update(_STYLE_OVERRIDES)
    return rc


_PINNED = _pinned_rc()
# The settings matplotlib reads while drawing (the rest are read when artists are made).
_DRAW_PREFIXES = ("path.", "agg.", "text.", "font.", "mathtext.", "hatch.", "axes.unicode_minus",
                  "image.", "lines.", "markers.", "patch.")
_PINNED_DRAW = {k: v for k, v in _PINNED.items() if k.startswith(_DRAW_PREFIXES)}


@contextlib.contextmanager
def pinned_style():
    """Matplotlib defaults plus the animate-em style, whatever the user's matplotlibrc says.

    Entered around the creation of a figure and around full redraws, and left
    before a frame is handed out, so the caller's rcParams are never changed
    between frames (blitted frames use the cheaper :func:`draw_style`).
    """
    with mpl.rc_context(_PINNED):
        yield


@contextlib.contextmanager
def draw_style():
    """:func:`pinned_style` (draw-time settings) for one frame, setting only what differs.

    ``rc_context`` copies and restores all of matplotlib's ~300 settings; per frame
    that costs more than drawing some artists. Only the settings that differ from
    the pinned ones are set (validated) and put back, so the caller's rcParams are
    unchanged between frames, as with :func:`pinned_style`.
    """
    rc = mpl.rcParams
    get = dict.__getitem__
    changed = {k: v for k, v in _PINNED_DRAW.items() if get(rc, k) != v}
    if not changed:
        yield
        return
    saved = {k: get(rc, k) for k in changed}
    rc.update(changed)
    try:
        yield
    finally:
        rc.update(saved)


@dataclass(frozen=True)
class Sizing:
    """Pixel size of a figure and the unit that text and lines scale with.

    Attributes
    ----------
    width, height : int
        Figure size in pixels.
    unit : float
        Reference length in pixels (the frame height for frames).
    """

    width: int
    height: int
    unit: float

    @property
    def dpi(self) -> float:
        return self.unit / INCHES

    def px(self, fraction: float) -> float:
        """Pixels of ``fraction`` of the unit."""
        return fraction * self.unit

    def pt(self, fraction: float) -> float:
        """Points of ``fraction`` of the unit (font sizes)."""
        return fraction * self.unit * 72.0 / self.dpi

    def lw(self, px_at_720: float) -> float:
        """Line width in points that is ``px_at_720`` pixels at 720p and scales with the unit."""
        return px_at_720 * self.unit / 720.0 * 72.0 / self.dpi


def make_figure(sizing: Sizing, background: str) -> tuple[Figure, FigureCanvasAgg]:
    """A figure of exactly ``sizing.width`` x ``sizing.height`` pixels on an Agg canvas.

    No pyplot: the figure is not registered anywhere and is garbage collected
    with its owner.
    """
    dpi = sizing.dpi
    # Agg truncates width*dpi/dpi to int; a hair extra keeps 1279.9999 from becoming 1279.
    fig = Figure(figsize=((sizing.width + 1e-6) / dpi, (sizing.height + 1e-6) / dpi), dpi=dpi,
                 facecolor=background)
    canvas = FigureCanvasAgg(fig)
    return fig, canvas


# -----------------------------------------------------------------------------
# Layout
# -----------------------------------------------------------------------------

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
                 decor: Decor = Decor()) -> FrameLayout:
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
        may then be up to 15 % wider or taller than the data (the limits widen
        to fill it); otherwise its aspect stays between 0.8 and 1.5.
    show_trace : bool
        Whether there is a log-likelihood panel.
    decor : Decor
        Label space around the axes.

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

    gap_panel = u(0.035)
    gap_trace = u(0.05)
    cell_top = u(decor.header)
    cell_bottom = u(decor.footer + decor.data_bottom)
    cell_left = u(decor.data_left)
    if equal_aspect:
        base = min(max(data_aspect, 0.6), 1.8)
        lo, hi = base / 1.15, base * 1.15
    else:
        lo, hi = 0.8, 1.5

    def panel_grid(region: Box, rows: int, cols: int, bottom: float):
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
    sides = ["right", "bottom"] if show_trace else [None]
    for rows, cols in _grid_shape(n_panels, arrangement, tall):
        if rows * cols < n_panels:
            continue
        for side in sides:
            region = body
            if side == "right":
                trace_w = max(0.30 * body.width, u(0.3 + decor.trace_left))
                region = Box(body.x0, body.y0, body.x1 - gap_trace - trace_w, body.y1)
            elif side == "bottom":
                trace_h = max(0.30 * body.height, u(0.2 + decor.trace_bottom + decor.trace_top))
                region = Box(body.x0, body.y0 + trace_h + gap_trace, body.x1, body.y1)
            bw, bh = panel_grid(region, rows, cols, bottom_for(side, rows))
            # Prefer the trace on the right in wide frames (ties, rounding).
            bonus = 1.001 if side == "right" and not tall else 1.0
            candidates.append((score(bw, bh) * n_panels * bonus, -rows * cols, rows, cols, side, bw, bh))
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    _, _, rows, cols, side, bw, bh = candidates[0]
    cell_bottom = bottom_for(side, rows)

    cell_w, cell_h = bw + cell_left, bh + cell_top + cell_bottom
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


# -----------------------------------------------------------------------------
# Text that changes every frame
# -----------------------------------------------------------------------------

class StampText(Text):
    """Text whose rendered pixels are reused while its string and background stay the same.

    Laying out and rasterising a string costs about a millisecond in
    matplotlib 3.11; the caption cycles through few strings (phase names,
    iteration numbers, numbers that rest during an E beat), so the pixels of
    the text's box are kept per string and pasted back. Only valid where no
    other moving artist is drawn below the text (true for every caption field);
    :meth:`clear_stamps` must be called whenever the background changes.
    """

    limit = 64

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stamps: OrderedDict = OrderedDict()

    def clear_stamps(self) -> None:
        self._stamps.clear()

    def draw(self, renderer):
        if not self.get_visible() or not self.get_text():
            return
        if not hasattr(renderer, "buffer_rgba"):
            return super().draw(renderer)
        buf = np.asarray(renderer.buffer_rgba())
        key = (self.get_text(), buf.shape)
        stamp = self._stamps.get(key)
        if stamp is not None:
            (r0, r1, c0, c1), pixels = stamp
            buf[r0:r1, c0:c1] = pixels
            return
        super().draw(renderer)
        box = self.get_window_extent(renderer)
        height, width = buf.shape[:2]
        c0, c1 = max(0, int(box.x0) - 2), min(width, int(math.ceil(box.x1)) + 2)
        r0, r1 = max(0, height - int(math.ceil(box.y1)) - 2), min(height, height - int(box.y0) + 2)
        self._stamps[key] = ((r0, r1, c0, c1), buf[r0:r1, c0:c1].copy())
        while len(self._stamps) > self.limit:
            self._stamps.popitem(last=False)


def text_width(renderer, text: str, prop: FontProperties) -> float:
    """Advance width of ``text`` in pixels (trailing spaces included)."""
    if not text:
        return 0.0
    w, _, _ = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return float(w)


def mono_advance(renderer, size: float) -> float:
    """Width of one character of DejaVu Sans Mono at ``size`` points, in pixels."""
    prop = FontProperties(family="DejaVu Sans Mono", size=size)
    return text_width(renderer, "0" * 40, prop) / 40.0


class FixedLine:
    """One line of text made of segments at fixed x positions.

    Words are set in DejaVu Sans and belong to the background; numbers are set
    in DejaVu Sans Mono, right-aligned in a field as wide as their widest
    value, so a changing number never shifts its neighbours.

    Parameters
    ----------
    fig : Figure
    renderer : RendererAgg
        Used once, to measure the segments.
    x, y : float
        Pixel position of the line's left (or right) end and of its baseline.
    fontsize : float
        Points.
    segments : list of (str, str)
        ``(text, kind)``: kind ``"word"`` (fixed text, drawn into the
        background), ``"number"`` (text is the widest template, content set
        per frame) or ``"tail"`` (changing words, last on the line).
    colour : colour
    colours : list of colour or None, optional
        Per-segment colours (None entries use ``colour``).
    align : {"left", "right"}
    """

    def __init__(self, fig, renderer, x, y, fontsize, segments, colour, *, align="left", weight="normal",
                 colours=None):
        self.texts: list[Text] = []
        self.kinds = [kind for _, kind in segments]
        sans = FontProperties(family="DejaVu Sans", size=fontsize, weight=weight)
        mono = FontProperties(family="DejaVu Sans Mono", size=fontsize)
        space = text_width(renderer, "a a", sans) - text_width(renderer, "aa", sans)
        widths = [text_width(renderer, text, mono if kind == "number" else sans) for text, kind in segments]
        self.width = sum(widths) + space * (len(segments) - 1)
        cursor = x - self.width if align == "right" else x
        W, H = fig.bbox.width, fig.bbox.height
        for i, ((text, kind), w) in enumerate(zip(segments, widths)):
            c = colours[i] if colours is not None and colours[i] is not None else colour
            if kind == "word":
                t = fig.text(cursor / W, y / H, text, fontproperties=sans, color=c, ha="left", va="baseline")
            else:
                # Numbers are right-aligned in their field so digits stay in columns.
                t = StampText((cursor + w) / W if kind == "number" else cursor / W, y / H, "",
                              fontproperties=mono if kind == "number" else sans, color=c,
                              ha="right" if kind == "number" else "left", va="baseline", animated=True)
                fig.add_artist(t)
            self.texts.append(t)
            cursor += w + space

    @staticmethod
    def measure(renderer, fontsize, segments) -> float:
        """Width in pixels a line of these segments would take."""
        sans = FontProperties(family="DejaVu Sans", size=fontsize)
        mono = FontProperties(family="DejaVu Sans Mono", size=fontsize)
        space = text_width(renderer, "a a", sans) - text_width(renderer, "aa", sans)
        widths = [text_width(renderer, text, mono if kind == "number" else sans) for text, kind in segments]
        return sum(widths) + space * (len(segments) - 1)

    def set(self, index: int, text: str) -> None:
        self.texts[index].set_text(text)

    def set_visible(self, visible: bool) -> None:
        for t in self.texts:
            t.set_visible(visible)

    def dynamic(self) -> list[Text]:
        return [t for t, kind in zip(self.texts, self.kinds) if kind != "word"]
