"""Still pictures of the slices: several EM iterations side by side, for the poster and the report.

Each panel is one iteration's slice: ln p and the bound L after the E-step,
the shaded gap KL between them, the point where the bound touches (s = 0),
its peak (s = 1, where the M-step lands) and the gap bracketed there.
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from animate_em.scene.draw.figure import LABEL, SMALL, STATUS, TICK, TITLE, Sizing, make_figure, pinned_style
from animate_em.scene.draw.panels import TRACE_PX, _style_axes, signed
from animate_em.scene.draw.parts import shrink_to_width, title_row
from animate_em.scene.kinds.bound.panel import BOUND_COLOUR, GAP_ALPHA, slice_limits, theta


def draw_slice(ax, sl, sizing: Sizing, theme, *, ylabel: bool = True) -> None:
    """One iteration's slice on ``ax`` (an :class:`~.slices.IterationSlice`), fully static."""
    fg = theme.foreground
    colour = BOUND_COLOUR.get(theme.name, BOUND_COLOUR["light"])
    _style_axes(ax, sizing, theme, ticks=True, spines=("left", "bottom"))
    lo, hi = slice_limits(sl.log_likelihood, sl.bound)
    ax.set_ylim(lo, hi)
    ax.set_xlim(sl.grid[0] - 0.03, sl.grid[-1] + 0.03)
    ax.grid(True, axis="y", color=theme.grid, linewidth=sizing.lw(1.0))
    ax.set_axisbelow(True)
    i = sl.iteration
    ax.xaxis.set_major_locator(FixedLocator([0.0, 1.0]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: theta(i - 1) if v == 0 else theta(i)))
    locator = MaxNLocator(nbins=4)
    ax.yaxis.set_major_locator(locator)
    ticks = locator.tick_values(lo, hi)
    step = float(np.diff(ticks[:2])[0]) if len(ticks) > 1 else 1.0
    decimals = 0 if step >= 1 else min(6, int(math.ceil(-math.log10(step))))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: signed(v, decimals)))
    if ylabel:
        ax.set_ylabel("nats (total)", fontsize=sizing.pt(LABEL), color=fg, labelpad=sizing.pt(0.006))
    lw = sizing.lw(TRACE_PX)
    ax.fill_between(sl.grid, sl.bound, sl.log_likelihood, color=colour, alpha=GAP_ALPHA, linewidth=0, zorder=2)
    ax.plot(sl.grid, sl.log_likelihood, color=fg, linewidth=lw, zorder=3)
    ax.plot(sl.grid, sl.bound, color=colour, linewidth=lw, linestyle=(0, (5.0, 1.8)), zorder=3.2)
    size = sizing.pt(0.017)
    ax.plot([0.0], [sl.log_likelihood[sl.at0]], marker="o", color=fg, markersize=size, linestyle="none", zorder=4,
            markeredgecolor=theme.background, markeredgewidth=sizing.lw(1.5))
    ax.plot([1.0], [sl.bound[sl.at1]], marker="o", color=colour, markerfacecolor="none", markersize=size * 1.5,
            markeredgewidth=sizing.lw(2.0), linestyle="none", zorder=4)
    ax.plot([1.0], [sl.log_likelihood[sl.at1]], marker="o", color=fg, markersize=size, linestyle="none", zorder=4,
            markeredgecolor=theme.background, markeredgewidth=sizing.lw(1.5))
    top, low = sl.log_likelihood[sl.at1], sl.bound[sl.at1]
    tick = 0.04
    ax.add_line(Line2D([1 + tick, 1 + 2 * tick, 1 + 2 * tick, 1 + tick], [top, top, low, low], color=fg,
                       linewidth=sizing.lw(1.4), zorder=3.6))


def slices_picture(prepared, slices: list, *, columns: int | None = None, subtitle: str = "",
                   width: int | None = None) -> np.ndarray:
    """The slices side by side under the scene's title: an (H, W, 4) uint8 picture, W the frame width."""
    p = prepared
    n = len(slices)
    cols = columns or min(n, 3)
    rows = math.ceil(n / cols)
    W = int(width or p.width)
    unit = W * 9 / 16
    theme = p.theme
    margin, gap = 0.05 * unit, 0.05 * unit
    left = (TICK * 0.62 * 9 + LABEL * 1.6) * unit
    title_h, sub_h, head_h = TITLE * 1.35 * unit, STATUS * 1.5 * unit, SMALL * 2.0 * unit
    bottom = (TICK * 1.6) * unit
    legend_h = SMALL * 2.2 * unit
    panel_w = (W - 2 * margin - left - (cols - 1) * (gap + left * 0.4)) / cols
    panel_h = panel_w * 0.75
    H = margin * 2 + title_h + sub_h + legend_h + rows * (head_h + panel_h + bottom) + (rows - 1) * gap
    H = int(math.ceil(H / 2) * 2)
    sizing = Sizing(W, H, unit)
    with pinned_style():
        fig, canvas = make_figure(sizing, theme.background)
        renderer = canvas.get_renderer()
        top = H - margin
        title_row(fig, p, margin, W - margin, top, sizing, renderer)
        sub = fig.text(margin / W, (top - title_h - 0.25 * sub_h) / H, subtitle, ha="left", va="top",
                       fontsize=sizing.pt(STATUS * 0.85), color=theme.muted)
        shrink_to_width(sub, renderer, W - 2 * margin)
        colour = BOUND_COLOUR.get(theme.name, BOUND_COLOUR["light"])
        lw = sizing.lw(TRACE_PX)
        handles = [Line2D([], [], color=theme.foreground, linewidth=lw),
                   Line2D([], [], color=colour, linewidth=lw, linestyle=(0, (5.0, 1.8)))]
        fig.legend(handles, ["ln p(X | θ)", "L(q, θ), q from the E-step at the left end"], loc="upper left",
                   bbox_to_anchor=(margin / W, (top - title_h - sub_h) / H), ncol=2, frameon=False,
                   fontsize=sizing.pt(SMALL), labelcolor=theme.foreground, handlelength=2.2, borderaxespad=0.0)
        y_top = top - title_h - sub_h - legend_h
        for index, sl in enumerate(slices):
            r, c = divmod(index, cols)
            x0 = margin + left + c * (panel_w + gap + left * 0.4)
            y1 = y_top - r * (head_h + panel_h + bottom + gap) - head_h
            ax = fig.add_axes([x0 / W, (y1 - panel_h) / H, panel_w / W, panel_h / H])
            draw_slice(ax, sl, sizing, theme, ylabel=c == 0)
            # The gap's value is in the heading: a label beside the bracket sat on the curves.
            heading = (f"iteration {sl.iteration}: L +{sl.m_gain:.1f}, "
                       f"KL {sl.kl_after:.1f}, ln p +{sl.ll_gain:.1f}")
            head = fig.text(x0 / W, (y1 + 0.35 * head_h) / H, heading, ha="left", va="baseline",
                            fontsize=sizing.pt(SMALL), color=theme.foreground)
            shrink_to_width(head, renderer, panel_w)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()
