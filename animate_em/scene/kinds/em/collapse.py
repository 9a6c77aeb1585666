"""Show a collapse where it happens: a zoom on the component that shrinks onto data points.

At the panel's scale the points a component collapses onto hide under its
mean marker. :class:`CollapseZoom` adds an inset to that panel: the region
around where the component ends, magnified, with the data points drawn large
and *above* the mean marker (a point recorded several times says so), the
component's ellipse, and the determinant of its covariance as it falls. A
rectangle on the panel marks the magnified region.

The inset is one moving artist of the frame (its axes are drawn whole each
frame, after the panel's own moving artists, as a full draw paints it).
"""
from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.patches import Ellipse, Rectangle

from animate_em.scene.draw.captions import component_name
from animate_em.scene.draw.ellipse import ellipse_geometry
from animate_em.scene.draw.figure import SMALL, Sizing
from animate_em.scene.draw.panels import MINUS
from animate_em.scene.draw.parts import shrink_to_width

#: Size of the inset as a share of its panel's width and height.
INSET_SHARE = 0.4
#: The magnified region reaches at least this share of the panel's width around the collapse.
LEAST_REACH = 0.05
#: Drawn above the panel's means (zorder 5), below badges and notices (zorder 7).
INSET_ZORDER = 6


def collapse_points(run, X: np.ndarray) -> np.ndarray:
    """Indices of the points the collapsed component owns at its last valid snapshot, most responsible first.

    Parameters
    ----------
    run : Run
        With ``run.collapse`` set.
    X : ndarray of shape (N, 2)
    """
    from animate_em.em import responsibilities

    snap = run.snapshots[-1]
    j = run.collapse.component
    resp = responsibilities(np.asarray(X, dtype=float), snap)[:, j]
    owned = max(1, int(round(float(snap.weights[j]) * len(X))))
    return np.argsort(-resp, kind="stable")[:owned]


def determinant_text(det: float) -> str:
    """"det Σ = 3.9e−03", or "→ 0" once it is below what double precision tells from zero."""
    if not np.isfinite(det) or det <= 1e-300:
        return "det Σ → 0"
    return f"det Σ = {det:.1e}".replace("-", MINUS)


class CollapseZoom:
    """An inset magnifying where component ``component`` of ``run`` collapses, in its panel ``panel``.

    Parameters
    ----------
    panel : DataPanel
        The collapsed run's panel (limits fixed).
    run : Run
        The collapsed run (``run.collapse`` set).
    X : ndarray of shape (N, 2)
        The data as fitted.
    shown : ndarray of shape (N, 2)
        Where the panel draws the points.
    sizing : Sizing
    theme : Theme
    sigma : float
    """

    def __init__(self, panel, run, X, shown, sizing: Sizing, theme, sigma: float = 2.0):
        self.panel, self.sigma = panel, sigma
        self.component = j = run.collapse.component
        ax = panel.ax
        X = np.asarray(X, dtype=float)[:, :2]
        self.X = X
        owned = collapse_points(run, X)
        centre = np.asarray(run.snapshots[-1].means[j, :2], dtype=float)
        to_px = ax.transData.transform
        box = ax.bbox
        # The magnified region, in panel pixels: the points the component owns, with room around them.
        spread = np.abs(to_px(X[owned]) - to_px(centre[None])[0]).max() if len(owned) else 0.0
        reach = max(3.0 * spread, LEAST_REACH * box.width)
        w, h = INSET_SHARE * box.width, INSET_SHARE * box.height
        zoom = min(w, h) / (2.0 * reach)
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        per_x, per_y = box.width / (x1 - x0), box.height / (y1 - y0)
        half_x, half_y = w / (2 * zoom * per_x), h / (2 * zoom * per_y)
        self.xlim = (centre[0] - half_x, centre[0] + half_x)
        self.ylim = (centre[1] - half_y, centre[1] + half_y)
        self.zoom = zoom
        self.corner = self._corner(ax, to_px(shown), to_px(centre[None])[0], reach, w, h)
        pad = sizing.px(0.012)
        left = pad if "left" in self.corner else box.width - pad - w
        bottom = pad if "bottom" in self.corner else box.height - pad - h
        inset = ax.inset_axes([left / box.width, bottom / box.height, w / box.width, h / box.height],
                              zorder=INSET_ZORDER)
        inset.set_xlim(*self.xlim)
        inset.set_ylim(*self.ylim)
        inset.set_xticks([])
        inset.set_yticks([])
        inset.set_facecolor(theme.background)
        colour = panel.rgb[j]
        for spine in inset.spines.values():
            spine.set_color(colour)
            spine.set_linewidth(sizing.lw(2.0))
        self.ax = inset
        # Points inside the window, large and above the marker; a point recorded several times says so.
        inside = np.flatnonzero((shown[:, 0] >= self.xlim[0]) & (shown[:, 0] <= self.xlim[1])
                                & (shown[:, 1] >= self.ylim[0]) & (shown[:, 1] <= self.ylim[1]))
        self.inside = inside
        self.points = inset.scatter(shown[inside, 0], shown[inside, 1], s=sizing.pt(0.024) ** 2,
                                    c=np.tile(panel.rgb[j], (len(inside), 1)) if len(inside) else None,
                                    edgecolors=theme.foreground, linewidths=sizing.lw(0.8), zorder=6)
        places, counts = np.unique(X[inside], axis=0, return_counts=True) if len(inside) else (np.zeros((0, 2)), [])
        for place, count in zip(places, counts):
            if count > 1:
                inset.annotate(f"×{count}", place, xytext=(sizing.pt(0.012), sizing.pt(0.006)),
                               textcoords="offset points", fontsize=sizing.pt(SMALL) * 0.9, color=theme.foreground,
                               fontweight="bold", zorder=7)
        halo = [patheffects.Stroke(linewidth=panel.line_width * 2.3, foreground=theme.background, alpha=0.85),
                patheffects.Normal()]
        self.ellipse = Ellipse((0, 0), 1, 1, fill=False, edgecolor=colour, linewidth=panel.line_width, zorder=4,
                               path_effects=halo)
        inset.add_patch(self.ellipse)
        # The mean as an outline, under the points: the points it collapses onto stay in sight.
        self.mean = inset.scatter([centre[0]], [centre[1]], s=sizing.pt(0.034) ** 2, marker="X",
                                  facecolors="none", edgecolors=[colour], linewidths=sizing.lw(1.6), zorder=5)
        self.readout = inset.text(0.04, 0.96, "", transform=inset.transAxes, ha="left", va="top",
                                  fontsize=sizing.pt(SMALL), color=theme.foreground, zorder=8,
                                  bbox=dict(boxstyle="round,pad=0.2", facecolor=theme.background, edgecolor="none",
                                            alpha=0.85))
        self.readout.set_text("det Σ = 8.8e−88")      # the widest value decides the size
        self._fit(self.readout)
        self.readout.set_clip_on(True)
        self.label = inset.text(0.96, 0.04, f"{component_name(j)} · {zoom:.0f}× zoom", transform=inset.transAxes,
                                ha="right", va="bottom", fontsize=sizing.pt(SMALL) * 0.9, color=theme.muted,
                                zorder=8, clip_on=True)
        self._fit(self.label)
        # Where the magnified region is on the panel: under the points, as fixed artists must be (see blit).
        self.frame = Rectangle((self.xlim[0], self.ylim[0]), 2 * half_x, 2 * half_y, fill=False, edgecolor=colour,
                               linewidth=sizing.lw(1.2), linestyle=(0, (3, 2)), zorder=1.8)
        ax.add_patch(self.frame)

    @staticmethod
    def _corner(ax, points_px, centre_px, reach, w, h) -> str:
        """The corner of the panel whose inset covers the fewest points and never the magnified region."""
        box = ax.bbox
        best = None
        for name in ("top right", "top left", "bottom right", "bottom left"):
            x0 = box.x0 if "left" in name else box.x1 - w
            y0 = box.y0 if "bottom" in name else box.y1 - h
            covered = int(np.sum((points_px[:, 0] >= x0) & (points_px[:, 0] <= x0 + w)
                                 & (points_px[:, 1] >= y0) & (points_px[:, 1] <= y0 + h)))
            hides = (x0 - reach < centre_px[0] < x0 + w + reach) and (y0 - reach < centre_px[1] < y0 + h + reach)
            cost = covered + (10 ** 6 if hides else 0)
            if best is None or cost < best[0]:
                best = (cost, name)
        return best[1]

    @property
    def artists(self) -> list:
        """The moving artist: the inset's axes, drawn whole."""
        return [self.ax]

    def bbox(self):
        """The inset in figure pixels (for notices to keep clear of)."""
        return self.ax.get_window_extent()

    def _fit(self, text) -> None:
        """Shrink ``text`` until it fits inside the inset (clipped there otherwise)."""
        renderer = self.ax.figure.canvas.get_renderer()
        shrink_to_width(text, renderer, 0.9 * self.ax.bbox.width, minimum=0.5)

    def show(self, colours, mean, covariance) -> None:
        """The point colours (N, 3) and the collapsing component's mean (2,) and covariance (2, 2) of a frame."""
        if len(self.inside) and len(colours) == len(self.X):     # (a density image colours cells, not points)
            self.points.set_facecolors(np.asarray(colours)[self.inside])
        center, width, height, angle = ellipse_geometry(mean, covariance, self.sigma)
        self.ellipse.set_center(center)
        self.ellipse.set_width(width)
        self.ellipse.set_height(height)
        self.ellipse.set_angle(angle)
        self.mean.set_offsets([mean])
        self.readout.set_text(determinant_text(float(np.linalg.det(covariance))))
