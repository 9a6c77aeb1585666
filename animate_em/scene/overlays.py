"""Labels that appear once runs have finished: the gap between two optima, ranks, a collapse.

They are the lecture's punchlines, drawn on top of the ordinary blocks of
:mod:`animate_em.scene.panels`. Each overlay is a set of ordinary (not
animated) artists created hidden; the frame source flips their visibility
when the runs they talk about have ended, and re-caches the background, so
they cost nothing per frame.
"""
from __future__ import annotations

import numpy as np
from matplotlib.patches import FancyArrowPatch

from animate_em.scene.figure import LABEL, SMALL, Sizing
from animate_em.scene.panels import signed

#: Frame colour of the best panel, in pixels at 720p.
HIGHLIGHT_PX = 4.0


def ranks(finals) -> np.ndarray:
    """Rank of every run by final log-likelihood: 1 = highest.

    Parameters
    ----------
    finals : array-like of shape (n_runs,)
        Final log-likelihoods; non-finite values (a collapse) rank last.

    Returns
    -------
    ndarray of int, shape (n_runs,)
        A permutation of ``1 .. n_runs``; ties keep panel order.
    """
    finals = np.asarray(finals, dtype=float)
    key = np.where(np.isfinite(finals), finals, -np.inf)
    order = np.argsort(-key, kind="stable")
    out = np.empty(len(finals), dtype=int)
    out[order] = np.arange(1, len(finals) + 1)
    return out


def gap_runs(traces, collapsed=None) -> tuple[int, int] | None:
    """(highest, lowest) run index by final value, among runs that did not collapse; None with < 2."""
    collapsed = collapsed or [False] * len(traces)
    pool = [r for r, t in enumerate(traces) if not collapsed[r] and np.isfinite(t[-1])]
    if len(pool) < 2:
        return None
    finals = {r: float(traces[r][-1]) for r in pool}
    hi, lo = max(pool, key=finals.get), min(pool, key=finals.get)
    return (hi, lo) if finals[hi] > finals[lo] else None


class Overlay:
    """A group of hidden artists shown together."""

    def __init__(self):
        self.artists: list = []

    def set_visible(self, visible: bool) -> None:
        for a in self.artists:
            a.set_visible(visible)


class GapLabel(Overlay):
    """A double arrow between the highest and the lowest final log-likelihood, "gap = 44.3 nats".

    Parameters
    ----------
    ax : Axes
        The log-likelihood panel (limits already fixed).
    traces : list of ndarray
        As plotted.
    pair : (int, int)
        Index of the highest and of the lowest run (see :func:`gap_runs`).
    total : bool
        The traces are totals (the gap is in nats); else means per point.
    """

    def __init__(self, ax, traces, pair, sizing: Sizing, theme, *, total: bool = True):
        super().__init__()
        hi, lo = pair
        y_hi, y_lo = float(traces[hi][-1]), float(traces[lo][-1])
        n_max = max(len(t) - 1 for t in traces)
        # Just right of the last iteration, clear of the final markers.
        x = float(n_max) + 0.55 * (ax.get_xlim()[1] - n_max)
        # Dotted levels from the end of each trace to the arrow, so both finals meet it.
        for r in (hi, lo):
            end = len(traces[r]) - 1
            if end < x:
                line, = ax.plot([end, x], [traces[r][-1]] * 2, linestyle=(0, (1.0, 1.6)),
                                color=theme.muted, linewidth=sizing.lw(1.4), zorder=2)
                self.artists.append(line)
        arrow = FancyArrowPatch((x, y_lo), (x, y_hi), arrowstyle="<|-|>", mutation_scale=sizing.pt(0.016),
                                color=theme.foreground, linewidth=sizing.lw(1.8), shrinkA=0, shrinkB=0,
                                zorder=5)
        ax.add_patch(arrow)
        self.artists.append(arrow)
        gap = y_hi - y_lo
        unit = "nats" if total else "nats per point"
        text = f"gap = {gap:.1f} {unit}" if total else f"gap = {gap:.3f} {unit}"
        # Below the lower arrow head, ending at the arrow: traces only rise, so the space under
        # the lowest final value is empty at the right end, while a label beside the arrow
        # covered the lower run's final marker whenever the gap is small on the axis.
        label = ax.annotate(text, xy=(x, y_lo), xytext=(sizing.pt(0.004), -sizing.pt(0.022)),
                            textcoords="offset points", ha="right", va="top", fontsize=sizing.pt(SMALL),
                            fontweight="bold", color=theme.foreground, zorder=6,
                            bbox=dict(boxstyle="round,pad=0.25", facecolor=theme.background,
                                      edgecolor=theme.grid, linewidth=sizing.lw(1.0)))
        self.artists.append(label)
        self.gap = gap
        self.set_visible(False)


class RankBadge(Overlay):
    """"#1 −1387.2" in the top-left corner of a data panel; the best panel also gets a thick frame.

    ``value`` is the run's final log-likelihood (None: the rank alone).
    """

    def __init__(self, ax, rank: int, sizing: Sizing, theme, *, best: bool, value: float | None = None):
        super().__init__()
        pad = sizing.px(0.012)
        w, h = ax.bbox.width, ax.bbox.height
        face = theme.foreground if best else theme.background
        colour = theme.background if best else theme.foreground
        text = f"#{rank}" if value is None or not np.isfinite(value) else f"#{rank}  {signed(value, 1)}"
        badge = ax.text(pad / w, 1 - pad / h, text, transform=ax.transAxes, ha="left", va="top",
                        fontsize=sizing.pt(LABEL), fontweight="bold", color=colour, zorder=7,
                        bbox=dict(boxstyle="round,pad=0.3", facecolor=face, edgecolor=theme.foreground,
                                  linewidth=sizing.lw(1.2)))
        self.artists.append(badge)
        self.spines = []
        if best:
            from matplotlib.patches import Rectangle
            frame = Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False, edgecolor=theme.foreground,
                              linewidth=sizing.lw(HIGHLIGHT_PX), zorder=8, clip_on=False)
            ax.add_patch(frame)
            self.artists.append(frame)
        self.set_visible(False)


def collapse_shape(run, X) -> tuple[str, int]:
    """What the collapsed component of ``run`` shrank onto, at its last valid snapshot.

    Parameters
    ----------
    run : Run
        A run with ``run.collapse`` set.
    X : ndarray of shape (N, 2)

    Returns
    -------
    (shape, n_points) : (str, int)
        ``"a single point"`` when the covariance vanishes in every direction,
        ``"a line"`` when in one (two or more points on it), else ``"a sliver"``;
        ``n_points`` is the component's effective number of points (weight * N).
    """
    snap = run.snapshots[-1]
    j = run.collapse.component
    scale = np.linalg.eigvalsh(np.cov(np.asarray(X, dtype=float).T)).max()
    vanished = int(np.sum(np.linalg.eigvalsh(snap.covariances[j]) < 1e-6 * scale))
    n_points = max(1, int(round(float(snap.weights[j]) * len(X))))
    shape = {0: "a sliver", 1: "a line"}.get(vanished, "a single point")
    if vanished == 1 and n_points <= 1:
        shape = "a single point"
    return shape, n_points


def collapse_text(component: int, shape: str = "a single point", n_points: int = 1) -> tuple[str, str]:
    """The two lines shown on a panel whose run collapsed (``component`` 0-based)."""
    where = shape if shape == "a single point" else f"{shape} ({n_points} points)"
    return (f"component {component + 1} collapsed onto {where}:", "likelihood → ∞, EM stopped")


class CollapseNotice(Overlay):
    """What went wrong, said on the panel of a run that collapsed: two lines framed in its colour.

    Parameters
    ----------
    ax : Axes
        The run's data panel.
    component : int
        Collapsed component (0-based, after matching across runs).
    shape, n_points : str, int
        What it shrank onto (see :func:`collapse_shape`).
    colour : colour
        That component's colour.
    """

    def __init__(self, ax, component: int, colour, sizing: Sizing, theme, *, shape: str = "a single point",
                 n_points: int = 1):
        super().__init__()
        first, second = collapse_text(component, shape, n_points)
        w = ax.bbox.width
        pad = sizing.px(0.012)
        text = ax.text(0.5, 1 - pad / ax.bbox.height, f"{first}\n{second}", transform=ax.transAxes,
                       ha="center", va="top", multialignment="center", fontsize=sizing.pt(SMALL),
                       fontweight="bold", color=theme.foreground, zorder=7, linespacing=1.25,
                       bbox=dict(boxstyle="round,pad=0.35", facecolor=theme.background, edgecolor=colour,
                                 linewidth=sizing.lw(2.0), alpha=0.92))
        renderer = ax.figure.canvas.get_renderer()
        size = text.get_fontsize()
        # Narrow panels: a smaller notice rather than one that spills over the neighbours.
        for _ in range(10):
            if text.get_window_extent(renderer).width <= w - 2 * pad or text.get_fontsize() < 0.6 * size:
                break
            text.set_fontsize(text.get_fontsize() * 0.92)
        self.artists.append(text)
        self.text = text
        self.colour = colour
        self.set_visible(False)


def final_text(value: float, decimals: int) -> str:
    return signed(value, decimals)
