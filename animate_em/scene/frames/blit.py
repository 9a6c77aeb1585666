"""The blitting engine behind every frame source: one figure, drawn once, then only what moves.

:class:`BlittedFigure` draws everything that does not move once and keeps
that background. For each frame it restores the background and draws only
the moving ("dynamic") artists. What a subclass shows is described by three
keys per frame:

- the *moments* (whatever the timeline says about the frame): the artists are
  updated only when they change, so the frames of a hold cost nothing;
- the *static key*: what changes a handful of times per animation (ghost
  ellipses, badges, an end-hold highlight). When it changes the background is
  drawn and kept again, or, where that gives the same pixels, the new artists
  are painted onto the kept background (:meth:`~BlittedFigure._background_additions`);
- the *colour key*: what decides the point colours. They rest for many frames
  in a row (an M beat moves the ellipses over points coloured by the previous
  E-step), so the background with the points painted on it is kept as a
  second layer and restored instead of drawing the points again.

A frame whose moments equal the next frame's (start and end holds) is kept
whole and restored for the rest of the hold.
"""
from __future__ import annotations

import contextlib
from typing import Iterator

import numpy as np
from matplotlib.axes import Axes
from matplotlib.spines import Spine
from matplotlib.text import Text

from animate_em.scene.draw.figure import StampText, draw_style, pinned_style


class BlittedFigure:
    """Iterable of the RGBA frames of a prepared scene; its length is known before drawing.

    Parameters
    ----------
    prepared : Prepared
        Data, runs, labels, timeline, size and theme (see :func:`animate_em.scene.prepare`).
    copy : bool
        True (default): every frame is a fresh array the caller may keep.
        False: iteration yields a *view* of the canvas buffer, overwritten by
        the next frame; use it (e.g. write it to an encoder) before asking for
        the next one. Saves one copy per frame when streaming to a file.

    Notes
    -----
    A blitted frame paints every fixed artist before every moving one. It equals
    a full draw only where no fixed artist that a full draw paints after a moving
    one touches it: subclasses keep such artists apart or order them with zorder
    (changing text sits above fixed text, see :data:`~.figure.LIVE_TEXT_ZORDER`).

    Frames are ``(height, width, 4)`` uint8 RGBA arrays straight from Agg,
    alpha 255 everywhere. The same prepared scene always gives byte-identical
    frames, and a blitted frame is pixel-identical to a full redraw of it
    (``frame(i, full_redraw=True)``).

    With ``copy=False`` the consumer must finish with a frame before calling
    ``next()`` again (a synchronous encoder such as imageio-ffmpeg's
    ``write_frames`` does: it writes the bytes to the pipe before returning);
    ``list(source)`` would otherwise hold the same buffer N times.
    ``imageio_ffmpeg`` accepts the view as ``pix_fmt_in="rgba"`` without a copy.

    Subclasses build the figure in :meth:`_build` (setting ``fig``, ``canvas``,
    ``dynamic``: the moving artists, painted in the order a full draw paints them
    (see :func:`full_draw_order`), and ``points``: those of them painted first,
    into the second cached layer) and
    provide :meth:`_moments`, :meth:`_static_key`, :meth:`_apply_static`,
    :meth:`_update` and :meth:`_colour_key`.
    """

    def __init__(self, prepared, *, copy: bool = True):
        self.prepared = prepared
        self.timeline = prepared.timeline
        self.copy = copy
        self._built = False
        self._key = None
        self._background = None
        # Background with the points painted on it, and the point colours it holds (see _render).
        self._layer = None
        self._layer_key = None
        # A whole frame kept for the frames of a hold, the moments it shows, and the moments
        # the artists were last set to.
        self._frame = None
        self._frame_key = None
        self._shown = None
        #: How the last frames were drawn (tests and benchmarks read these counters).
        self.stats = dict(background=0, ghosts=0, layer_kept=0, layer_reused=0, points_drawn=0,
                          frame_kept=0, frame_reused=0)

    def __len__(self) -> int:
        return len(self.timeline)

    def __iter__(self) -> Iterator[np.ndarray]:
        for index in range(len(self)):
            frame = self._render(index)
            yield frame.copy() if self.copy else frame

    def frame(self, index: int, *, full_redraw: bool = False) -> np.ndarray:
        """Frame ``index`` as a new (H, W, 4) uint8 array.

        ``full_redraw=True`` draws every artist from scratch instead of using
        the cached background (the reference the blitting is tested against).
        """
        if not 0 <= index < len(self):
            raise IndexError(f"frame {index} out of range for {len(self)} frames")
        return self._render(index, full=full_redraw).copy()

    @contextlib.contextmanager
    def figure_at(self, index: int):
        """The matplotlib figure set to frame ``index``, every artist an ordinary one, for vector output.

        Inside the ``with`` block, saving the figure (to PDF or SVG) draws what
        frame ``index`` shows, as vectors; the cached raster layers are rebuilt
        for the next frame.

        >>> with source.figure_at(41) as fig:        # doctest: +SKIP
        ...     pages.savefig(fig)
        """
        if not 0 <= index < len(self):
            raise IndexError(f"frame {index} out of range for {len(self)} frames")
        self._render(index, full=True)
        for a in self.dynamic:
            a.set_animated(False)
        try:
            with pinned_style():
                yield self.fig
        finally:
            for a in self.dynamic:
                a.set_animated(True)
            self._key = None

    # -------------------------------------------------------------------------
    # What a frame source provides
    # -------------------------------------------------------------------------
    def _build(self) -> None:
        raise NotImplementedError

    def _moments(self, index: int):
        """What the timeline says about frame ``index`` (compared with ``==``)."""
        raise NotImplementedError

    def _static_key(self, moments):
        """What the kept background shows for ``moments`` (equal keys, equal backgrounds)."""
        raise NotImplementedError

    def _apply_static(self, key) -> None:
        raise NotImplementedError

    def _update(self, moments) -> None:
        """Set the dynamic artists to ``moments``."""
        raise NotImplementedError

    def _colour_key(self, moments):
        """What decides the point colours of a frame (equal keys, equal colours)."""
        raise NotImplementedError

    def _full_draw_only(self, key) -> bool:
        """Whether the frames of static key ``key`` can only be drawn whole (nothing kept is valid)."""
        return False

    def _background_additions(self, old, new) -> list | None:
        """Artists that, painted onto the background of ``old``, give the background of ``new``.

        None (the default) when only a full draw gives the right pixels.
        """
        return None

    # -------------------------------------------------------------------------
    # One frame
    # -------------------------------------------------------------------------
    def _ensure_built(self) -> None:
        if self._built:
            return
        with pinned_style():
            self._build()
        # Blitted frames paint the moving artists in the order a full draw would, whatever order
        # the subclass listed them in (an overlay at zorder 2 goes under a trace at zorder 3).
        order = full_draw_order(self.fig)
        missing = [a for a in self.dynamic if id(a) not in order]
        if missing:
            raise RuntimeError(f"dynamic artists a full draw does not reach: {missing}")
        self.dynamic = sorted(self.dynamic, key=lambda a: order[id(a)])
        for a in self.dynamic:
            a.set_animated(True)
        # The points go first: they form the second cached layer. Panels do not overlap, so
        # painting every panel's points before any panel's other artists gives the same pixels.
        self.above_points = [a for a in self.dynamic if not any(a is pts for pts in self.points)]
        self._built = True

    def _render(self, index: int, full: bool = False) -> np.ndarray:
        self._ensure_built()
        moments = self._moments(index)
        key = self._static_key(moments)
        if moments != self._shown:
            # Artists hold what they were last told: a hold's repeated moment needs no update.
            self._update(moments)
            self._shown = moments
        previous = self._key
        if full or key != previous:
            self._apply_static(key)
            for a in self.dynamic:
                if isinstance(a, StampText):
                    a.clear_stamps()
        if full or self._full_draw_only(key):
            return self._full_redraw()
        if key == previous and moments == self._frame_key:
            # Same moment as a kept frame (start and end holds): nothing to draw.
            self.canvas.restore_region(self._frame)
            self.stats["frame_reused"] += 1
            return np.asarray(self.canvas.buffer_rgba())
        upcoming = self._moments(index + 1) if index + 1 < len(self) else None
        colour_key = self._colour_key(moments)
        points_done = False
        with draw_style():
            if key != previous:
                # A ghost or badge appeared: a new background (a few times per animation).
                additions = (self._background_additions(previous, key)
                             if previous is not None and self._background is not None else None)
                if additions is not None:
                    self.canvas.restore_region(self._background)
                    for a in additions:
                        self.fig.draw_artist(a)
                    self.stats["ghosts"] += 1
                else:
                    with pinned_style():
                        self.canvas.draw()
                    self.stats["background"] += 1
                self._background = self.canvas.copy_from_bbox(self.fig.bbox)
                self._key = key
                self._layer_key = self._frame_key = None
            elif colour_key == self._layer_key:
                self.canvas.restore_region(self._layer)
                self.stats["layer_reused"] += 1
                points_done = True
            else:
                self.canvas.restore_region(self._background)
            if not points_done:
                for a in self.points:
                    self.fig.draw_artist(a)
                self.stats["points_drawn"] += 1
                # Keep background + points only when the next frame will want them: during an
                # E beat the colours change every frame and a copy would be wasted.
                if (upcoming is not None and upcoming != moments and self._colour_key(upcoming) == colour_key
                        and self._static_key(upcoming) == key):
                    self._layer = self.canvas.copy_from_bbox(self.fig.bbox)
                    self._layer_key = colour_key
                    self.stats["layer_kept"] += 1
            for a in self.above_points:
                self.fig.draw_artist(a)
        if upcoming == moments:
            self._frame = self.canvas.copy_from_bbox(self.fig.bbox)
            self._frame_key = moments
            self.stats["frame_kept"] += 1
        return np.asarray(self.canvas.buffer_rgba())

    def _full_redraw(self) -> np.ndarray:
        self._key = None      # the background is rebuilt on the next blitted frame
        for a in self.dynamic:
            a.set_animated(False)
        try:
            with pinned_style():
                self.canvas.draw()
        finally:
            for a in self.dynamic:
                a.set_animated(True)
        return np.asarray(self.canvas.buffer_rgba())


def full_draw_order(fig) -> dict[int, int]:
    """Position of every artist of ``fig`` and of its axes in a full draw: ``id(artist) -> index``.

    As :meth:`Figure.draw` and :meth:`Axes.draw` paint them: children sorted by
    zorder, ties in child order, an axes' children when the axes is painted.
    Animated artists get the place they have when drawn as ordinary artists
    (``full_redraw``).
    """
    order: dict[int, int] = {}

    def visit(children, skip) -> None:
        for a in sorted((c for c in children if c is not skip), key=lambda c: c.get_zorder()):
            order[id(a)] = len(order)
            if isinstance(a, Axes):
                visit(a.get_children(), a.patch)

    visit(fig.get_children(), fig.patch)
    return order


def painted_last(ax, artists: list, renderer, px: float) -> list | None:
    """``artists`` of ``ax`` in drawing order, or None where painting them last is not exact.

    A full draw paints an axes' children by zorder (ties in child order),
    above its face and below its spines and ticks. Newly shown artists painted
    last onto a kept background therefore give the same pixels when nothing
    drawn later in a full draw touches them: they share one zorder, nothing
    visible comes after them, and they keep clear of the spines (ticks point
    outwards, no grid lines). ``px`` is pixels per point.
    """
    children = ax.get_children()
    order = {id(c): i for i, c in enumerate(children)}
    fresh = sorted(artists, key=lambda e: order[id(e)])
    fresh_ids = {id(e) for e in fresh}
    first, zorder = order[id(fresh[0])], fresh[0].zorder
    if any(e.zorder != zorder for e in fresh):
        return None
    spine = 0.0
    for c in children:
        if id(c) in fresh_ids or c is ax.patch or not c.get_visible() or c.get_animated():
            continue
        if isinstance(c, Spine):
            spine = max(spine, c.get_linewidth() * px)
        elif c is ax.xaxis or c is ax.yaxis:
            ticks = c.get_major_ticks() + c.get_minor_ticks()
            if any(tk.gridline.get_visible() or tk.get_tickdir() != "out" for tk in ticks):
                return None
        elif isinstance(c, Text) and not c.get_text():
            continue
        elif c.zorder > zorder or (c.zorder == zorder and order[id(c)] > first):
            return None          # a full draw would paint it over the new artists
    inner = ax.bbox.padded(-(spine + 3.0))
    for e in fresh:
        box = e.get_window_extent(renderer).padded(e.get_linewidth() * px + 2.0)
        if not (inner.x0 <= box.x0 and box.x1 <= inner.x1 and inner.y0 <= box.y0 and box.y1 <= inner.y1):
            return None
    return fresh
