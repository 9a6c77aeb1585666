"""The information-criterion panel of a sweep: BIC (and AIC) against K, growing point by point.

Limits are fixed from the start (every value is known before the first
frame); points join the curve one at a time; at the end a ring marks the K
the criterion picks, a label says so, and a dashed line marks the true K of
synthetic data. The label is placed where it covers neither curve nor the
true-K mark.
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from animate_em.scene.draw.figure import LABEL, SMALL, TICK, Sizing
from animate_em.scene.draw.overlays import Overlay
from animate_em.scene.draw.panels import LEGEND_HANDLE, LEGEND_SPACING, SPINE_PX, TRACE_PX, _mix, _style_axes, signed

#: Ring around the chosen point, in pixels at 720p.
RING_PX = 2.6


def criterion_limits(ks, values) -> tuple[tuple[float, float], tuple[float, float]]:
    """Fixed (xlim, ylim) of the panel: half a K beside the ends, room above and below the values."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
    span = hi - lo if hi > lo else max(1.0, abs(hi) * 0.01)
    return (ks[0] - 0.5, ks[-1] + 0.5), (lo - 0.14 * span, hi + 0.10 * span)


class CriterionPanel:
    """BIC (or AIC) against K, and optionally the other criterion, fainter.

    Parameters
    ----------
    ax : Axes
    ks : sequence of int
        K of every step, increasing.
    values : ndarray of shape (n_steps,)
        The criterion that picks K (drawn strong).
    sizing : Sizing
    theme : Theme
    name : str
        ``"BIC"`` or ``"AIC"``.
    other, other_name : ndarray of shape (n_steps,) or None, str
        A second criterion drawn faint and dashed on the same axes.
    """

    def __init__(self, ax, ks, values, sizing: Sizing, theme, *, name: str = "BIC", other=None,
                 other_name: str = "AIC"):
        self.ax, self.sizing, self.theme, self.name = ax, sizing, theme, name
        self.ks = np.asarray(ks, dtype=float)
        self.values = np.asarray(values, dtype=float)
        self.other = None if other is None else np.asarray(other, dtype=float)
        shown = self.values if self.other is None else np.concatenate([self.values, self.other])
        xlim, ylim = criterion_limits(list(ks), shown)
        _style_axes(ax, sizing, theme, ticks=True, spines=("left", "bottom"))
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        width_px = ax.get_position().width * sizing.width
        if len(ks) * sizing.px(2.2 * TICK) <= width_px:
            ax.xaxis.set_major_locator(FixedLocator([float(k) for k in ks]))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=int(max(2, width_px / sizing.px(3 * TICK))), integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
        height_px = ax.get_position().height * sizing.height
        ax.yaxis.set_major_locator(MaxNLocator(nbins=int(np.clip(height_px / sizing.px(4.5 * TICK), 2, 6))))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: signed(v, 0)))
        ax.grid(True, axis="y", color=theme.grid, linewidth=sizing.lw(1.0))
        ax.set_axisbelow(True)
        label_kw = dict(fontsize=sizing.pt(LABEL), color=theme.foreground)
        ax.set_xlabel("number of components K", labelpad=sizing.pt(0.006), **label_kw)
        ylabel = f"{name} (lower is better)" if self.other is None else f"{name} and {other_name} (lower is better)"
        ax.set_ylabel(ylabel, labelpad=sizing.pt(0.008), **label_kw)

        strong = theme.foreground
        faint = _mix(theme.foreground, theme.background, 0.45)
        dot = sizing.pt(0.011)
        self.line = Line2D([], [], color=strong, linewidth=sizing.lw(TRACE_PX), marker="o", markersize=dot,
                           markeredgewidth=0, solid_capstyle="round", zorder=4, animated=True)
        self.tip = Line2D([], [], color=strong, marker="o", markersize=sizing.pt(0.019), linestyle="none",
                          markeredgecolor=theme.background, markeredgewidth=sizing.lw(1.8), zorder=5,
                          animated=True)
        ax.add_line(self.line)
        ax.add_line(self.tip)
        self.other_line = None
        if self.other is not None:
            self.other_line = Line2D([], [], color=faint, linewidth=sizing.lw(1.8), linestyle=(0, (4.0, 1.6)),
                                     marker="o", markersize=dot * 0.8, markeredgewidth=0, zorder=3,
                                     dash_capstyle="round", animated=True)
            ax.add_line(self.other_line)
            handles = [Line2D([], [], color=strong, linewidth=sizing.lw(TRACE_PX), marker="o", markersize=dot),
                       Line2D([], [], color=faint, linewidth=sizing.lw(1.8), linestyle=(0, (4.0, 1.6)),
                              marker="o", markersize=dot * 0.8)]
            # Above the axes, never over a point: the layout reserves the row.
            ax.legend(handles, [name, other_name], loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2,
                      frameon=False, fontsize=sizing.pt(SMALL), labelcolor=theme.foreground,
                      handlelength=LEGEND_HANDLE, columnspacing=LEGEND_SPACING, borderaxespad=0.3,
                      borderpad=0.0, handletextpad=0.6)

    # -- per frame -------------------------------------------------------------
    def _partial(self, values: np.ndarray, position: float) -> tuple[np.ndarray, np.ndarray, int]:
        n = int(math.floor(position + 1e-9))
        n = min(n, len(values))
        xs, ys = self.ks[:n].copy(), values[:n].copy()
        frac = position - n
        if frac > 1e-9 and n < len(values):
            if n == 0:
                # The first point has no predecessor: it drops in from above the axes.
                top = self.ax.get_ylim()[1]
                xs, ys = np.array([self.ks[0]]), np.array([top + (1 - frac) * (values[0] - top)])
                return xs, ys, 0
            xs = np.append(xs, self.ks[n - 1] + frac * (self.ks[n] - self.ks[n - 1]))
            ys = np.append(ys, values[n - 1] + frac * (values[n] - values[n - 1]))
        return xs, ys, n

    def show(self, position: float, tip: bool = True) -> None:
        """Draw the curves up to ``position`` (points placed: its floor; the next one that far along).

        ``tip`` marks the newest point with a large dot (off in the end hold, where the ring takes over).
        """
        xs, ys, n = self._partial(self.values, position)
        self.line.set_data(xs, ys)
        self.line.set_markevery(slice(0, max(n, 0)) if len(xs) > n else None)
        if tip and len(xs) and position > 1e-9:
            self.tip.set_data([xs[-1]], [ys[-1]])
        else:
            self.tip.set_data([], [])
        if self.other_line is not None:
            oxs, oys, on = self._partial(self.other, position)
            self.other_line.set_data(oxs, oys)
            self.other_line.set_markevery(slice(0, max(on, 0)) if len(oxs) > on else None)

    def animated(self) -> list:
        return [a for a in (self.other_line, self.line, self.tip) if a is not None]

    # -- end hold ----------------------------------------------------------------
    def highlight(self, chosen: int, true_k: int | None) -> "Highlight":
        """The hidden overlay of the end hold: ring, "BIC picks K = 4", true-K mark."""
        return Highlight(self, chosen, true_k)


class Highlight(Overlay):
    """Ring around the chosen point, its label placed clear of the curves, a dashed true-K line."""

    def __init__(self, panel: CriterionPanel, chosen: int, true_k: int | None):
        super().__init__()
        ax, sizing, theme = panel.ax, panel.sizing, panel.theme
        x, y = float(panel.ks[chosen]), float(panel.values[chosen])
        self.chosen_k, self.true_k = int(panel.ks[chosen]), true_k
        renderer = ax.figure.canvas.get_renderer()
        avoid = []   # pixel boxes (x0, y0, x1, y1) and polylines the label must not touch
        if true_k is not None and panel.ks[0] <= true_k <= panel.ks[-1]:
            # Clear of the spines: a full draw paints them over the line, a blitted frame under it.
            clear = (sizing.lw(SPINE_PX) * sizing.dpi / 72.0 + 2.0) / ax.bbox.height
            line = ax.axvline(true_k, ymin=clear, ymax=1.0 - clear, color=theme.muted, linestyle=(0, (4.0, 2.5)),
                              linewidth=sizing.lw(1.6), zorder=2)
            right = true_k < 0.5 * (panel.ks[0] + panel.ks[-1]) or true_k == panel.ks[0]
            pad = sizing.pt(0.008)
            mark = ax.annotate(f"true K = {true_k}", xy=(true_k, 1.0), xycoords=("data", "axes fraction"),
                               xytext=(pad if right else -pad, -pad), textcoords="offset points",
                               ha="left" if right else "right", va="top", fontsize=sizing.pt(SMALL),
                               color=theme.muted, zorder=6)
            self.artists += [line, mark]
            self.true_line, self.true_label = line, mark
            box = mark.get_window_extent(renderer)
            avoid.append(("box", (box.x0, box.y0, box.x1, box.y1)))
            px = ax.transData.transform([(true_k, 0.0)])[0, 0]
            avoid.append(("box", (px - 2, ax.bbox.y0, px + 2, ax.bbox.y1)))
        else:
            self.true_line = self.true_label = None
        ring_size = sizing.pt(0.046)
        ring, = ax.plot([x], [y], linestyle="none", marker="o", markersize=ring_size, markerfacecolor="none",
                        markeredgecolor=theme.foreground, markeredgewidth=sizing.lw(RING_PX), zorder=6)
        self.ring = ring
        self.artists.append(ring)
        for values in (panel.values, panel.other):
            if values is not None:
                avoid.append(("line", ax.transData.transform(np.column_stack([panel.ks, values]))))
        self.label = self._place_label(ax, sizing, theme, renderer, x, y, f"{panel.name} picks K = {self.chosen_k}",
                                       ring_size, avoid)
        self.set_visible(False)

    def _place_label(self, ax, sizing, theme, renderer, x, y, text, ring_size, avoid):
        """The label at the first spot around the ring that is clear of everything in ``avoid``."""
        kw = dict(fontsize=sizing.pt(LABEL), fontweight="bold", color=theme.foreground, zorder=7,
                  bbox=dict(boxstyle="round,pad=0.25", facecolor=theme.background, edgecolor="none", alpha=0.9))
        r = ring_size * 0.5 + sizing.pt(0.012)   # points
        far = r + sizing.pt(0.08)
        # (dx, dy, ha, va) in points: beside the ring first, then further out with an arrow.
        spots = [(0, -r, "center", "top"), (0, r, "center", "bottom"), (r, -r * 0.7, "left", "top"),
                 (-r, -r * 0.7, "right", "top"), (r, r * 0.7, "left", "bottom"), (-r, r * 0.7, "right", "bottom"),
                 (far, -far, "left", "top"), (-far, -far, "right", "top"), (far, far, "left", "bottom"),
                 (-far, far, "right", "bottom"), (0, -far, "center", "top"), (0, far, "center", "bottom")]
        axbox = ax.bbox
        best, best_cost = None, None
        for i, (dx, dy, ha, va) in enumerate(spots):
            label = ax.annotate(text, xy=(x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, **kw)
            box = label.get_window_extent(renderer)
            cost = _overlap(box, avoid)
            outside = (max(0.0, axbox.x0 - box.x0) + max(0.0, box.x1 - axbox.x1)
                       + max(0.0, axbox.y0 - box.y0) + max(0.0, box.y1 - axbox.y1))
            cost += 10.0 * outside + 0.01 * i
            label.remove()
            if best_cost is None or cost < best_cost:
                best, best_cost = (dx, dy, ha, va), cost
            if cost < 1.0:
                break
        dx, dy, ha, va = best
        arrow = None
        if abs(dx) > r + 1e-9 or abs(dy) > r + 1e-9:
            arrow = dict(arrowstyle="-", color=theme.foreground, linewidth=sizing.lw(1.4),
                         shrinkA=0, shrinkB=ring_size * 0.5 + 1)
        label = ax.annotate(text, xy=(x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                            arrowprops=arrow, **kw)
        self.artists.append(label)
        return label


def _overlap(box, avoid) -> float:
    """How much of ``box`` (a Bbox in pixels) the things in ``avoid`` cover: pixels of overlap."""
    pad = 2.0
    x0, y0, x1, y1 = box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad
    cost = 0.0
    for kind, item in avoid:
        if kind == "box":
            a0, b0, a1, b1 = item
            w, h = min(x1, a1) - max(x0, a0), min(y1, b1) - max(y0, b0)
            if w > 0 and h > 0:
                cost += w * h
        else:
            pts = np.asarray(item, dtype=float)
            for (ax0, ay0), (ax1, ay1) in zip(pts[:-1], pts[1:]):
                t = np.linspace(0.0, 1.0, 64)
                xs, ys = ax0 + t * (ax1 - ax0), ay0 + t * (ay1 - ay0)
                cost += 25.0 * float(np.sum((xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)))
    return cost
