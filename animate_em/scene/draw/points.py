"""Data points drawn straight into the frame buffer: fixed places, colours that change every frame.

Up to :data:`DENSITY_FROM` points each is a disc (:class:`PointCloud`); beyond, a density image
(:class:`DensityImage`). Both take one colour per entry of ``colour_points`` and are drawn by
the frame sources and posters alike (:func:`data_points` picks one).
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.artist import Artist
from matplotlib.collections import CircleCollection


def inside_spines(ax):
    """The axes box less its visible spines' pixels: where points may paint.

    A full draw paints the spines over the points; a blitted frame paints the
    points onto a background that already holds the spines. Points kept off
    the spines' pixels give the same frame both ways.
    """
    widths = [spine.get_linewidth() for spine in ax.spines.values() if spine.get_visible() and ax.axison]
    if not widths:
        return ax.bbox
    dpi = ax.figure.dpi if ax.figure is not None else 72.0
    # Half the line, its anti-aliased edge, and the half pixel Agg may snap it by.
    inset = 0.5 * max(widths) * dpi / 72.0 + 1.5
    return ax.bbox.padded(-inset)


def _draw_in_axes(artist, collection, renderer) -> None:
    """Draw ``collection`` as part of ``artist``: in its figure, clipped to its axes (vector output)."""
    collection.set_figure(artist.figure)
    if artist.axes is not None:
        collection.set_clip_box(artist.axes.bbox)
    collection.draw(renderer)


class PointCloud(Artist):
    """Data points at fixed places whose colours change every frame.

    Drawn straight into the Agg buffer with NumPy: the points never move, so
    each point's anti-aliased disc and how much of it the points drawn later
    cover are computed once; a frame is then one weighted sum of colours per
    covered pixel (painter's order, like a scatter plot). About five times
    faster than a ``PathCollection`` with per-point colours. A renderer
    without a pixel buffer (PDF, SVG) gets the same discs as vector circles.

    Parameters
    ----------
    xy : ndarray of shape (N, 2)
        Positions in data coordinates (the artist's transform, ``transData``
        once added to an axes).
    diameter : float
        Disc diameter in pixels.
    alpha : float
        Opacity of one point.
    """

    def __init__(self, xy, diameter: float, alpha: float = 0.8, colour=(0.5, 0.5, 0.5), **kwargs):
        super().__init__()
        self.set(**kwargs)
        self.xy = np.asarray(xy, dtype=float)
        self.diameter = float(diameter)
        self.point_alpha = float(alpha)
        self.colours = np.broadcast_to(np.asarray(colour, dtype=float)[:3], (len(self.xy), 3))
        self._geometry = None
        self._geometry_key = None

    @property
    def colour_points(self) -> np.ndarray:
        """Where colours are evaluated: every point, shape (N, 2)."""
        return self.xy

    def set_colours(self, colours) -> None:
        """Colours of the points, shape (N, 3), floats in [0, 1]."""
        self.colours = colours
        self.stale = True

    def _compute(self, height: int, width: int) -> tuple:
        pix = self.get_transform().transform(self.xy)
        r = max(self.diameter / 2.0, 0.6)
        reach = int(math.ceil(r + 1.0))
        off = np.arange(-reach, reach + 1)
        cols = np.floor(pix[:, 0]).astype(np.int64)[:, None, None] + off[None, None, :]
        rows = np.floor(height - pix[:, 1]).astype(np.int64)[:, None, None] + off[None, :, None]
        dx = cols + 0.5 - pix[:, 0, None, None]
        dy = (height - rows - 0.5) - pix[:, 1, None, None]
        cover = np.clip(r + 0.5 - np.hypot(dx, dy), 0.0, 1.0)
        if r < 1.0:
            cover *= r * r        # tiny dots: fainter rather than bigger
        rows, cols = np.broadcast_to(rows, cover.shape), np.broadcast_to(cols, cover.shape)
        clip = inside_spines(self.axes) if self.axes is not None else None
        keep = cover > 0
        if clip is not None:
            keep &= (cols >= math.floor(clip.x0)) & (cols < math.ceil(clip.x1))
            keep &= (rows >= height - math.ceil(clip.y1)) & (rows < height - math.floor(clip.y0))
        keep &= (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
        point = np.broadcast_to(np.arange(len(self.xy))[:, None, None], cover.shape)[keep]
        pixel = (rows * width + cols)[keep]
        a = np.minimum(self.point_alpha * cover[keep], 1.0 - 1e-9)
        order = np.lexsort((point, pixel))
        point, pixel, a = point[order], pixel[order], a[order]
        starts = np.flatnonzero(np.r_[True, pixel[1:] != pixel[:-1]])
        # Painter's order: what a point contributes is dimmed by every later point on the pixel.
        log_t = np.log1p(-a)
        cum = np.cumsum(log_t)
        group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(pixel)]))
        before = np.r_[0.0, cum][starts][group]
        total = np.add.reduceat(log_t, starts) if len(starts) else np.zeros(0)
        weight = a * np.exp(total[group] - (cum - before))
        return point, weight, group, pixel[starts], np.exp(total)

    def set_figure(self, fig):
        super().set_figure(fig)
        # The diameter counts pixels of the frame; a PDF backend sets the figure's dpi to 72 while
        # it draws, so vector output needs the frame's own pixels per inch.
        self._frame_dpi = fig.dpi if fig is not None else 72.0

    def _draw_vectors(self, renderer) -> None:
        # Same discs, same painter's order, as circles a PDF or SVG keeps as vectors.
        diameter_pt = max(self.diameter, 1.2) * 72.0 / getattr(self, "_frame_dpi", 72.0)
        colours = np.asarray(self.colours, dtype=float)
        facecolours = np.column_stack([colours[:, :3], np.full(len(self.xy), self.point_alpha)])
        circles = CircleCollection([math.pi * (diameter_pt / 2.0) ** 2], offsets=self.xy,
                                   offset_transform=self.get_transform(), facecolors=facecolours,
                                   edgecolors="none", linewidths=0)
        _draw_in_axes(self, circles, renderer)

    def draw(self, renderer):
        if not self.get_visible() or len(self.xy) == 0:
            return
        if not hasattr(renderer, "buffer_rgba"):
            self._draw_vectors(renderer)
            return
        buf = np.asarray(renderer.buffer_rgba())
        height, width = buf.shape[:2]
        key = (height, width, self.get_transform().get_matrix().tobytes(),
               None if self.axes is None else tuple(self.axes.bbox.extents))
        if key != self._geometry_key:
            self._geometry = self._compute(height, width)
            self._geometry_key = key
        point, weight, group, pixels, keep = self._geometry
        n = len(pixels)
        if n == 0:
            return
        colours = np.asarray(self.colours, dtype=float)
        # One RGBA pixel is one uint32: gathering and scattering whole pixels by a flat index
        # is several times faster than indexing (pixel, channel) pairs.
        flat = buf.reshape(-1).view(np.uint32)
        under = flat[pixels]
        rgba = under.view(np.uint8).reshape(n, 4)
        for c in range(3):
            # bincount sums each pixel's contributions in painter's order, like a sequential loop.
            added = np.bincount(group, weights=colours[:, c].take(point) * weight, minlength=n)
            out = rgba[:, c] * keep
            out += 255.0 * added
            out += 0.5
            np.clip(out, 0, 255, out=out)
            rgba[:, c] = out
        flat[pixels] = under
        self.stale = False


# -----------------------------------------------------------------------------
# Many points: a density image
# -----------------------------------------------------------------------------

#: Above this many points a data panel draws a density image instead of single points.
DENSITY_FROM = 20_000

#: Most places a density image evaluates colours at (its E-step per snapshot stays below the
#: scatter's at the threshold).
COLOUR_BUDGET = 8_000


class DensityImage(Artist):
    """Many points as a density image: a 2-D histogram at screen resolution, coloured by responsibility.

    Beyond some tens of thousands of points a scatter plot becomes solid blobs,
    and drawing it costs time in proportion to N. :class:`DensityImage` bins the
    points once into square cells of a pixel or two; every frame then colours
    the occupied cells, not the points:

    - a cell's colour is the responsibility-weighted mix of the component
      colours at the centroid of the points of its block of cells (a block is
      one cell, or up to 4 x 4 when the points cover much of the panel: within
      a few pixels the responsibilities do not visibly change, so this is
      their mean as the frame can show it), so soft boundaries stay soft;
    - a cell's opacity grows with the logarithm of its count, from
      ``alpha_min`` for a lone point to ``alpha_max`` for the densest cell, so
      dense cores and sparse tails both stay visible.

    The artist has the :class:`PointCloud` interface
    (``set_colours`` with one colour per entry of :attr:`DensityImage.colour_points`),
    so frame sources and posters draw either without knowing which.

    Parameters
    ----------
    xy : ndarray of shape (N, 2)
        Positions in data coordinates (``transData`` once added to an axes).
    cell : int
        Cell side in pixels.
    alpha_min, alpha_max : float
        Opacity of a cell holding one point, and of the densest cell.
    colour : colour
        Colour of every cell until :meth:`set_colours` is called.
    """

    def __init__(self, xy, cell: int = 1, alpha_min: float = 0.3, alpha_max: float = 0.9, colour=(0.5, 0.5, 0.5),
                 **kwargs):
        super().__init__()
        self.set(**kwargs)
        self.xy = np.asarray(xy, dtype=float)
        self.cell = max(1, int(cell))
        self.alpha_min, self.alpha_max = float(alpha_min), float(alpha_max)
        self._colour = np.asarray(colour, dtype=float)[:3]
        self._bins = None
        self._bins_key = None
        self.colours = None

    # -- binning (once per figure size and limits) ---------------------------------
    def _key(self):
        ax = self.axes
        return (self.get_transform().get_matrix().tobytes(), None if ax is None else tuple(ax.bbox.extents),
                None if self.figure is None else (self.figure.bbox.width, self.figure.bbox.height))

    def _binned(self):
        key = self._key()
        if key == self._bins_key:
            return self._bins
        pix = self.get_transform().transform(self.xy)
        if self.axes is not None:
            box = self.axes.bbox
            x0, y0, x1, y1 = math.floor(box.x0), math.floor(box.y0), math.ceil(box.x1), math.ceil(box.y1)
        else:
            (x0, y0), (x1, y1) = np.floor(pix.min(axis=0)), np.ceil(pix.max(axis=0)) + 1
        c = self.cell
        ncols, nrows = max(1, math.ceil((x1 - x0) / c)), max(1, math.ceil((y1 - y0) / c))
        col = np.floor((pix[:, 0] - x0) / c).astype(np.int64)
        row = np.floor((pix[:, 1] - y0) / c).astype(np.int64)
        inside = (col >= 0) & (col < ncols) & (row >= 0) & (row < nrows)
        ids = row[inside] * ncols + col[inside]
        counts = np.bincount(ids, minlength=nrows * ncols)
        occupied = np.flatnonzero(counts)
        n = counts[occupied].astype(float)
        alpha = self.alpha_min + (self.alpha_max - self.alpha_min) * np.log1p(n - 1) / max(np.log1p(n.max() - 1), 1e-12)
        # Colours are evaluated per block of b x b cells, b as small as keeps the blocks within the
        # budget: an E-step over more places than the scatter has points would make a frame cost more.
        row, col = np.divmod(occupied, ncols)
        for b in range(1, 5):
            block_cols = -(-ncols // b)
            block_id = (row // b) * block_cols + col // b
            blocks, block_of_cell = np.unique(block_id, return_inverse=True)
            if len(blocks) <= COLOUR_BUDGET:
                break
        weight = np.bincount(block_of_cell, weights=n)
        centroid = np.column_stack([np.bincount(ids, weights=self.xy[inside, d], minlength=nrows * ncols)[occupied]
                                    for d in range(2)])
        cell_xy = centroid / n[:, None]
        centroid = np.column_stack([np.bincount(block_of_cell, weights=centroid[:, d]) for d in range(2)])
        centroid /= weight[:, None]
        self._bins = dict(x0=x0, y0=y0, ncols=ncols, occupied=occupied, counts=n, centroid=centroid,
                          cell_xy=cell_xy, block_of_cell=block_of_cell, block=b, alpha=np.minimum(alpha, 1.0),
                          pixels=None, dpi=None if self.figure is None else self.figure.dpi)
        self._bins_key = key
        return self._bins

    @property
    def colour_points(self) -> np.ndarray:
        """Where colours are evaluated: the centroid of the points of every colour block, shape (M, 2).

        A block is ``b`` x ``b`` cells (``b`` from 1 to 4, the smallest that keeps at
        most :data:`COLOUR_BUDGET` occupied blocks); every cell of a block takes its colour.
        """
        return self._binned()["centroid"]

    @property
    def counts(self) -> np.ndarray:
        """Points in every occupied cell, shape (M,)."""
        return self._binned()["counts"]

    def set_colours(self, colours) -> None:
        """Colours of the colour blocks, shape (M, 3) (one per row of :attr:`colour_points`), floats in [0, 1]."""
        self.colours = colours
        self.stale = True

    # -- drawing -------------------------------------------------------------------
    def _pixels(self, bins, height: int, width: int):
        """Flat buffer index of every pixel of every occupied cell, and the cell each belongs to."""
        if bins["pixels"] is not None and bins["pixels"][0] == (height, width):
            return bins["pixels"][1:]
        c, ncols = self.cell, bins["ncols"]
        row, col = np.divmod(bins["occupied"], ncols)
        dy, dx = np.divmod(np.arange(c * c), c)
        px = bins["x0"] + col[:, None] * c + dx[None, :]
        py = bins["y0"] + row[:, None] * c + dy[None, :]      # from the bottom
        r = height - 1 - py
        cell = np.broadcast_to(np.arange(len(row))[:, None], px.shape)
        keep = (px >= 0) & (px < width) & (r >= 0) & (r < height)
        if self.axes is not None:
            box = inside_spines(self.axes)
            keep &= (px >= math.floor(box.x0)) & (px < math.ceil(box.x1))
            keep &= (py >= math.floor(box.y0)) & (py < math.ceil(box.y1))
        flat, cell = (r * width + px)[keep], cell[keep]
        bins["pixels"] = ((height, width), flat, cell)
        return flat, cell

    def _draw_vectors(self, renderer) -> None:
        # A PDF or SVG gets the cells of the frame (binned at its pixels, whatever dpi the vector
        # backend sets while drawing) as squares at their points' centroid, same colours and opacity.
        from matplotlib.collections import PathCollection
        from matplotlib.markers import MarkerStyle

        bins = self._bins if self._bins is not None else self._binned()
        colours = self.colours if self.colours is not None else np.broadcast_to(self._colour, (len(bins["centroid"]), 3))
        face = np.column_stack([np.asarray(colours, dtype=float)[bins["block_of_cell"]], bins["alpha"]])
        side = self.cell * 72.0 / (bins["dpi"] or 72.0)
        square = MarkerStyle("s")
        cells = PathCollection([square.get_path().transformed(square.get_transform())], sizes=[side * side],
                               offsets=bins["cell_xy"], offset_transform=self.get_transform(), facecolors=face,
                               edgecolors="none", linewidths=0)
        _draw_in_axes(self, cells, renderer)

    def draw(self, renderer):
        if not self.get_visible() or len(self.xy) == 0:
            return
        if not hasattr(renderer, "buffer_rgba"):
            self._draw_vectors(renderer)
            return
        buf = np.asarray(renderer.buffer_rgba())
        height, width = buf.shape[:2]
        bins = self._binned()
        flat, cell = self._pixels(bins, height, width)
        if len(flat) == 0:
            return
        colours = self.colours
        if colours is None:
            colours = np.broadcast_to(self._colour, (len(bins["centroid"]), 3))
        alpha = bins["alpha"]
        # Premultiplied per cell, then spread to the pixels: one gather per channel.
        paint = 255.0 * np.asarray(colours, dtype=float)[bins["block_of_cell"]] * alpha[:, None] + 0.5
        keep = 1.0 - alpha
        view = buf.reshape(-1).view(np.uint32)
        under = view[flat]
        rgba = under.view(np.uint8).reshape(len(flat), 4)
        k = keep[cell]
        for ch in range(3):
            out = rgba[:, ch] * k
            out += paint[cell, ch]
            np.clip(out, 0, 255, out=out)
            rgba[:, ch] = out
        view[flat] = under
        self.stale = False


def data_points(xy, diameter: float, alpha: float, colour, *, unit: float, **kwargs):
    """The artist that draws ``xy``: discs (:class:`PointCloud`) up to :data:`DENSITY_FROM` points, else a
    :class:`DensityImage` with cells of about a pixel at 480p (``unit`` is the frame's height unit)."""
    if len(xy) <= DENSITY_FROM:
        return PointCloud(xy, diameter, alpha, colour=colour, **kwargs)
    return DensityImage(xy, cell=max(1, round(unit / 540.0)), alpha_max=max(alpha, 0.85), colour=colour,
                        **kwargs)
