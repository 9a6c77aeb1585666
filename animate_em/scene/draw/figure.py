"""Figures whose text and lines scale with the frame, and text that changes every frame.

Every size is a fraction of one *unit*: the frame height for animation frames
(the poster uses the height a 16:9 frame of its width would have). The figure's
dpi is ``unit / 7.2``, so a font size in points is the same number at every
preset and maps to ``fraction * unit`` pixels: a title is 4 % of the frame
height at 480p and at 2160p alike.

Where the regions of a frame go is :mod:`animate_em.scene.draw.layout`.
"""
from __future__ import annotations

import contextlib
import math
from collections import OrderedDict
from dataclasses import dataclass

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

#: zorder of text that changes per frame: above every fixed text (zorder 3), so a full draw paints
#: it last, as a blitted frame does (a swatch beside a number may touch its anti-aliased edge).
LIVE_TEXT_ZORDER = 3.5

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
                              ha="right" if kind == "number" else "left", va="baseline", animated=True,
                              zorder=LIVE_TEXT_ZORDER)
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
