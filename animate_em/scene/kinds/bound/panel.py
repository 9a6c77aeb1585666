"""The slice panel of a lower-bound scene: ln p and the bound L along one EM step, and the bar ln p = L + KL.

Per iteration the panel's axes (its y range and the theta labels on x) are
fixed: they belong to the cached background and change only when the next
iteration's slice replaces the old one. Everything else moves: the two
curves, the markers on them, the shaded gap (KL) between them, the bracket
at s = 1 with its value, and the bar beside the panel.
"""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from animate_em.scene.draw.figure import LABEL, SMALL, TICK, Sizing
from animate_em.scene.draw.panels import TRACE_PX, signed

#: The bound's colour (Okabe-Ito reddish purple): unlike the first components' colours, so
#: the bound is never read as a component.
BOUND_COLOUR = {"light": "#CC79A7", "dark": "#E08FC0"}
#: Opacity of the shaded gap between the curves (the KL divergence).
GAP_ALPHA = 0.22
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def theta(t: int) -> str:
    """``θ₃``: the parameters after ``t`` M-steps."""
    return "θ" + str(t).translate(SUBSCRIPTS)


def slice_limits(ll: np.ndarray, bound: np.ndarray) -> tuple[float, float]:
    """A y range holding the log-likelihood and the bound (after the E-step) of one slice.

    The bound of the responsibilities before the E-step may lie far below
    (by thousands of nats before the first one): it is left to rise in from
    below the panel rather than squash the story of the slice.
    """
    values = np.concatenate([ll, bound])
    values = values[np.isfinite(values)]
    lo, hi = float(values.min()), float(values.max())
    span = hi - lo if hi > lo else max(1.0, abs(hi) * 1e-3)
    return lo - 0.08 * span, hi + 0.16 * span


class SlicePanel:
    """ln p(X | theta(s)) and L(q, theta(s)) on one slice, with markers, the KL gap and the bar.

    Parameters
    ----------
    ax : Axes
        The slice axes.
    bar_ax : Axes or None
        A narrow axes beside it for the bar ln p = L + KL (shares the y range).
    sizing : Sizing
    theme : Theme
    """

    def __init__(self, ax, bar_ax, sizing: Sizing, theme):
        from animate_em.scene.draw.panels import _style_axes

        self.ax, self.bar_ax, self.sizing, self.theme = ax, bar_ax, sizing, theme
        fg = theme.foreground
        colour = BOUND_COLOUR.get(theme.name, BOUND_COLOUR["light"])
        self.colour = colour
        _style_axes(ax, sizing, theme, ticks=True, spines=("left", "bottom"))
        ax.grid(True, axis="y", color=theme.grid, linewidth=sizing.lw(1.0))
        ax.set_axisbelow(True)
        label_kw = dict(fontsize=sizing.pt(LABEL), color=fg)
        ax.set_xlabel("along this EM step", labelpad=sizing.pt(0.006), **label_kw)
        ax.set_ylabel("nats (total over the data)", labelpad=sizing.pt(0.008), **label_kw)
        lw = sizing.lw(TRACE_PX)
        # Above the spines (zorder 2.5): a gap clipped at the panel's floor lies on the bottom spine, and
        # a blitted frame draws it over the background anyway, so a full redraw must too.
        self.gap = Polygon(np.zeros((3, 2)), closed=True, facecolor=colour, edgecolor="none", alpha=GAP_ALPHA,
                           zorder=2.6, animated=True)
        ax.add_patch(self.gap)
        self.ll_line = Line2D([], [], color=fg, linewidth=lw, zorder=3, solid_capstyle="round", animated=True)
        self.bound_line = Line2D([], [], color=colour, linewidth=lw, zorder=3.2, linestyle=(0, (5.0, 1.8)),
                                 dash_capstyle="round", animated=True)
        size = sizing.pt(0.019)
        edge = dict(markeredgecolor=theme.background, markeredgewidth=sizing.lw(1.8), linestyle="none")
        self.ll_marker = Line2D([], [], color=fg, marker="o", markersize=size, zorder=4, animated=True, **edge)
        self.bound_marker = Line2D([], [], color=colour, marker="o", markersize=size, zorder=4.1, animated=True,
                                   **edge)
        # Where the bound touches ln p (s = 0, once the E-step is done), a ring on both curves.
        self.touch = Line2D([], [], color=fg, marker="o", markersize=size * 1.6, markerfacecolor="none",
                            markeredgewidth=sizing.lw(2.0), linestyle="none", zorder=3.5, animated=True)
        # The bound's peak at s = 1 (where the M-step lands), a ring.
        self.peak = Line2D([], [], color=colour, marker="o", markersize=size * 1.6, markerfacecolor="none",
                           markeredgewidth=sizing.lw(2.0), linestyle="none", zorder=3.5, animated=True)
        self.bracket = Line2D([], [], color=fg, linewidth=sizing.lw(1.6), zorder=3.6, animated=True)
        self.bracket_text = ax.text(0, 0, "KL", fontsize=sizing.pt(SMALL), color=fg, ha="left", va="center",
                                    zorder=5, animated=True)
        for artist in (self.ll_line, self.bound_line, self.ll_marker, self.bound_marker, self.touch, self.peak,
                       self.bracket):
            ax.add_line(artist)
        handles = [Line2D([], [], color=fg, linewidth=lw),
                   Line2D([], [], color=colour, linewidth=lw, linestyle=(0, (5.0, 1.8))),
                   Rectangle((0, 0), 1, 1, facecolor=colour, alpha=GAP_ALPHA, edgecolor="none")]
        ax.legend(handles, ["ln p(X | θ)", "L(q, θ)", "KL = ln p − L"],
                  loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, frameon=False, fontsize=sizing.pt(SMALL),
                  labelcolor=fg, handlelength=2.2, columnspacing=1.2, borderaxespad=0.3, borderpad=0.0,
                  handletextpad=0.5)
        self.bar = None
        if bar_ax is not None:
            _style_axes(bar_ax, sizing, theme, ticks=False, spines=())
            bar_ax.set_xlim(0.0, 1.0)
            self.bar_l = Rectangle((0.2, 0), 0.6, 0, facecolor=colour, alpha=0.55, edgecolor="none", zorder=2,
                                   animated=True)
            self.bar_kl = Rectangle((0.2, 0), 0.6, 0, facecolor=colour, alpha=GAP_ALPHA, edgecolor=colour,
                                    linewidth=sizing.lw(1.0), zorder=2, animated=True)
            self.bar_top = Line2D([0.1, 0.9], [0, 0], color=fg, linewidth=sizing.lw(TRACE_PX), zorder=3,
                                  animated=True)
            # The bar shares the slice's y axis, which does not start at zero: a break across its foot
            # says that L goes on below (it is thousands of nats, the panel shows the last few).
            self.bar_break = Line2D([], [], color=theme.background, linewidth=sizing.lw(2.5), zorder=3.5,
                                    solid_joinstyle="miter", animated=True)
            bar_ax.add_patch(self.bar_l)
            bar_ax.add_patch(self.bar_kl)
            bar_ax.add_line(self.bar_top)
            bar_ax.add_line(self.bar_break)
            text_kw = dict(fontsize=sizing.pt(SMALL), ha="center", zorder=4, animated=True)
            self.bar_text_ll = bar_ax.text(0.5, 0, "ln p", color=fg, va="bottom", **text_kw)
            self.bar_text_l = bar_ax.text(0.5, 0, "L", color=fg, va="center", **text_kw)
            self.bar_text_kl = bar_ax.text(0.5, 0, "KL", color=fg, va="center", **text_kw)

    # -- per iteration (background) -----------------------------------------------
    def set_slice(self, iteration: int, ylim: tuple[float, float], xlim: tuple[float, float]) -> None:
        """Axes of iteration ``iteration``'s slice: theta_{i-1} at s = 0, theta_i at s = 1."""
        ax = self.ax
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.xaxis.set_major_locator(FixedLocator([0.0, 1.0]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: theta(iteration - 1) if v == 0 else theta(iteration)))
        height_px = ax.get_position().height * self.sizing.height
        nbins = int(np.clip(height_px / self.sizing.px(4.5 * TICK), 2, 6))
        locator = MaxNLocator(nbins=nbins)
        ax.yaxis.set_major_locator(locator)
        ticks = locator.tick_values(*ylim)
        step = float(np.diff(ticks[:2])[0]) if len(ticks) > 1 else 1.0
        decimals = 0 if step >= 1 else min(6, int(np.ceil(-np.log10(step))))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: signed(v, decimals)))
        if self.bar_ax is not None:
            self.bar_ax.set_ylim(*ylim)

    # -- per frame ----------------------------------------------------------------
    def show(self, grid: np.ndarray, ll: np.ndarray, bound: np.ndarray, s: float, ll_s: float, bound_s: float,
             *, ylim: tuple[float, float], touch: float | None, peak: float | None,
             kl_at_end: float | None) -> None:
        """Curves on ``grid``, markers at ``s`` with exact values, the peak ring, the bracket at s = 1.

        Parameters
        ----------
        grid, ll, bound : ndarray of shape (n,)
        s : float
            Where the parameters are on the slice (0: theta_{i-1}, 1: theta_i).
        ll_s, bound_s : float
            ln p and L at s (exact, for the markers and the bar).
        touch : float or None
            ln p at s = 0 where the bound touches it, ringed when given.
        peak : float or None
            The bound at s = 1, ringed when given.
        kl_at_end : float or None
            The gap at s = 1, bracketed and labelled when given.
        ylim : (float, float)
            The slice's y range (the axes may still hold the previous slice's:
            frames set the moving artists before the background).
        """
        ylo = ylim[0]
        self.ll_line.set_data(grid, ll)
        self.bound_line.set_data(grid, bound)
        # The shaded gap is drawn from the bound up to ln p (a bound below the panel is clipped there).
        lower = np.maximum(bound, ylo)
        self.gap.set_xy(np.column_stack([np.concatenate([grid, grid[::-1]]),
                                         np.concatenate([ll, lower[::-1]])]))
        self.ll_marker.set_data([s], [ll_s])
        self.bound_marker.set_data([s], [max(bound_s, ylo)])
        self.bound_marker.set_visible(bound_s >= ylo)
        self.touch.set_data([0.0], [touch] if touch is not None else [np.nan])
        self.touch.set_visible(touch is not None)
        self.peak.set_data([1.0], [peak] if peak is not None else [np.nan])
        self.peak.set_visible(peak is not None)
        visible = kl_at_end is not None
        for artist in (self.bracket, self.bracket_text):
            artist.set_visible(visible)
        if visible:
            top, low = ll[np.argmin(np.abs(grid - 1.0))], peak
            tick = 0.025 * (grid[-1] - grid[0])
            self.bracket.set_data([1.0 + tick, 1.0 + 2 * tick, 1.0 + 2 * tick, 1.0 + tick],
                                  [top, top, low, low])
            # Just the name, right of the bracket where the curves part: its value is on the status
            # line, and a number here ran into the bar beside the panel.
            self.bracket_text.set_position((1.0 + 3 * tick, 0.5 * (top + low)))
        if self.bar_ax is not None:
            self._show_bar(ll_s, bound_s, ylim)

    def _show_bar(self, ll_s: float, bound_s: float, ylim: tuple[float, float]) -> None:
        ylo, yhi = ylim
        span = yhi - ylo
        l_top = min(max(bound_s, ylo), ll_s)
        self.bar_l.set_y(ylo)
        self.bar_l.set_height(l_top - ylo)
        self.bar_kl.set_y(l_top)
        self.bar_kl.set_height(ll_s - l_top)
        self.bar_top.set_ydata([ll_s, ll_s])
        foot, rise = ylo + 0.035 * span, 0.012 * span
        self.bar_break.set_data([0.15, 0.35, 0.65, 0.85], [foot, foot + rise, foot - rise, foot])
        self.bar_break.set_visible(l_top - ylo > 0.1 * span)
        self.bar_text_ll.set_position((0.5, ll_s + 0.01 * span))
        self.bar_text_l.set_position((0.5, 0.5 * (ylo + l_top)))
        gap = ll_s - l_top
        self.bar_text_kl.set_position((0.5, l_top + 0.5 * gap))
        # A word only where its band is tall enough to hold it; a zero gap is the E-step's point.
        self.bar_text_kl.set_visible(gap > 0.06 * span)
        self.bar_text_l.set_visible(l_top - ylo > 0.06 * span)

    def animated(self) -> list:
        artists = [self.gap, self.ll_line, self.bound_line, self.touch, self.peak, self.bracket, self.ll_marker,
                   self.bound_marker, self.bracket_text]
        if self.bar_ax is not None:
            artists += [self.bar_l, self.bar_kl, self.bar_top, self.bar_break, self.bar_text_ll, self.bar_text_l,
                        self.bar_text_kl]
        return artists
