"""Labels that appear once runs have finished: the gap between two optima, ranks, a collapse.

They are the lecture's punchlines, drawn on top of the ordinary blocks of
:mod:`animate_em.scene.draw.panels`. Each overlay is a set of artists created
hidden; the frame source flips their visibility when the runs they talk about
have ended and paints them with the moving artists, in the order a full draw
would (by zorder), since they lie over ellipses and traces that still move.
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.patches import FancyArrowPatch

from animate_em.scene.draw.figure import LABEL, SMALL, Sizing
from animate_em.scene.draw.panels import signed

#: Frame colour of the best panel, in pixels at 720p.
HIGHLIGHT_PX = 4.0
#: Half the size of a mean's marker (see :class:`~.panels.DataPanel`), in frame heights.
MEAN_RADIUS = 0.015


def optimum_groups(finals, tolerance: float = 0.0) -> list[list[int]]:
    """Runs that reached the same optimum, best group first.

    Parameters
    ----------
    finals : array-like of shape (n_runs,)
        Final log-likelihoods; non-finite values (a collapse) are never the
        same optimum as anything: each is a group of its own, last.
    tolerance : float
        Runs whose final values lie within ``tolerance`` of a group's highest
        value join that group (runs stop at slightly different moments near
        one optimum; see :func:`~.captions.same_optimum_tolerance`).

    Returns
    -------
    list of list of int
        Run indices; groups in decreasing order of their highest value, runs
        within a group in decreasing order of value (ties in run order).
    """
    finals = np.asarray(finals, dtype=float)
    key = np.where(np.isfinite(finals), finals, -np.inf)
    groups: list[list[int]] = []
    for r in np.argsort(-key, kind="stable"):
        r = int(r)
        if groups and np.isfinite(key[r]) and key[groups[-1][0]] - key[r] <= tolerance:
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups


def ranks(finals, tolerance: float = 0.0) -> np.ndarray:
    """Rank of every run by final log-likelihood: 1 = highest; runs at the same optimum share a rank.

    Parameters
    ----------
    finals : array-like of shape (n_runs,)
        Final log-likelihoods; non-finite values (a collapse) rank last.
    tolerance : float
        Runs within ``tolerance`` of a better one reached the same optimum (see
        :func:`optimum_groups`) and share its rank; the next group's rank counts
        every run above it ("1, 1, 1, 4").

    Returns
    -------
    ndarray of int, shape (n_runs,)
        With ``tolerance = 0`` and distinct values, a permutation of ``1 .. n_runs``.
    """
    out = np.empty(len(np.atleast_1d(finals)), dtype=int)
    above = 0
    for group in optimum_groups(finals, tolerance):
        out[group] = above + 1
        above += len(group)
    return out


def rank_order(ranks_) -> list[int]:
    """Panel indices in rank order (ties keep panel order): where the panels end up."""
    return [int(i) for i in np.argsort(np.asarray(ranks_), kind="stable")]


def gap_runs(traces, collapsed=None) -> tuple[int, int] | None:
    """(highest, lowest) run index by final value, among runs that did not collapse; None with < 2."""
    collapsed = collapsed or [False] * len(traces)
    pool = [r for r, t in enumerate(traces) if not collapsed[r] and np.isfinite(t[-1])]
    if len(pool) < 2:
        return None
    finals = {r: float(traces[r][-1]) for r in pool}
    hi, lo = max(pool, key=finals.get), min(pool, key=finals.get)
    return (hi, lo) if finals[hi] > finals[lo] else None


def gap_shown(traces, pair, decimals: int, resolution: float) -> int | None:
    """Decimals for the gap of ``pair`` (see :func:`gap_runs`); None when it would read zero.

    ``decimals`` unless the gap is smaller than a tenth of the last digit: then
    enough for two significant digits ("gap = 0.00043", never "gap = 0.000"),
    at most ``ceil(-log10(resolution))``; below that it is not worth a label.
    """
    hi, lo = pair
    gap = float(traces[hi][-1]) - float(traces[lo][-1])
    most = max(decimals, math.ceil(-math.log10(resolution) - 1e-9))
    for d in range(decimals, most + 1):
        if gap >= 10.0 ** (1 - d):
            return d
    return most if float(f"{gap:.{most}f}") > 0.0 else None


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
    decimals : int, optional
        Digits of the gap (see :func:`gap_shown`); default 1 for totals, 3 per point.
    """

    def __init__(self, ax, traces, pair, sizing: Sizing, theme, *, total: bool = True,
                 decimals: int | None = None):
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
        if decimals is None:
            decimals = 1 if total else 3
        text = f"gap = {gap:.{decimals}f} {unit}"
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

    ``value`` is the run's final log-likelihood (None: the rank alone), shown with
    ``decimals`` digits (the same for every badge, see :func:`~.captions.shown_decimals`).
    """

    def __init__(self, ax, rank: int, sizing: Sizing, theme, *, best: bool, value: float | None = None,
                 decimals: int = 1):
        super().__init__()
        pad = sizing.px(0.012)
        w, h = ax.bbox.width, ax.bbox.height
        face = theme.foreground if best else theme.background
        colour = theme.background if best else theme.foreground
        text = f"#{rank}" if value is None or not np.isfinite(value) else f"#{rank}  {signed(value, decimals)}"
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
            # A figure artist, not an axes one: the frame reaches beyond the axes (under the panel's
            # header badge), and only above the figure's text (zorder 3) does a full draw paint it
            # last, as a blitted frame does.
            ax.figure.add_artist(frame)
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

    The notice goes where it hides the least of the fit it talks about: each
    corner and edge centre at the top and bottom of the panel, or the free
    space under the panel's footer (``below``), whichever covers the fewest
    data points, means and ellipses of the last snapshot (ties: top centre
    first, below last).

    Parameters
    ----------
    ax : Axes
        The run's data panel (limits already fixed).
    component : int
        Collapsed component (0-based, after matching across runs).
    shape, n_points : str, int
        What it shrank onto (see :func:`collapse_shape`).
    colour : colour
        That component's colour.
    X : ndarray of shape (N, 2), optional
        The data shown in the panel.
    snapshot : Snapshot, optional
        The run's last snapshot: the means and ellipses shown with the notice.
    sigma : float
        Mahalanobis radius of the ellipses drawn.
    below : (x0, y0, x1, y1), optional
        Free space under the panel, in figure pixels (see :func:`~.layout.space_below`).
    avoid : list of Bbox
        Boxes (figure pixels) the notice must not overlap, such as a rank badge.
    """

    def __init__(self, ax, component: int, colour, sizing: Sizing, theme, *, shape: str = "a single point",
                 n_points: int = 1, X=None, snapshot=None, sigma: float = 2.0, below=None, avoid=()):
        super().__init__()
        first, second = collapse_text(component, shape, n_points)
        w = ax.bbox.width
        pad = sizing.px(0.012)
        text = ax.text(0.5, 1 - pad / ax.bbox.height, f"{first}\n{second}", transform=ax.transAxes,
                       ha="center", va="top", multialignment="center", fontsize=sizing.pt(SMALL),
                       fontweight="bold", color=theme.foreground, zorder=7, linespacing=1.25, clip_on=False,
                       bbox=dict(boxstyle="round,pad=0.35", facecolor=theme.background, edgecolor=colour,
                                 linewidth=sizing.lw(2.0), alpha=0.92))
        renderer = ax.figure.canvas.get_renderer()
        size = text.get_fontsize()
        # Narrow panels: a smaller notice rather than one that spills over the neighbours.
        for _ in range(10):
            if text.get_window_extent(renderer).width <= w - 2 * pad or text.get_fontsize() < 0.6 * size:
                break
            text.set_fontsize(text.get_fontsize() * 0.92)
        if X is not None and snapshot is not None:
            # Also as three narrower lines, which fit a corner more often.
            head, _, tail = first.partition(" onto ")
            wordings = [f"{first}\n{second}"] + ([f"{head}\n onto {tail}\n{second}".replace("\n ", "\n")]
                                                 if tail else [])
            self.place = _least_covering_spot(ax, text, renderer, pad, wordings, X, snapshot, sigma, below,
                                              avoid, mean_radius=sizing.px(MEAN_RADIUS))
        else:
            self.place = "top"
        self.artists.append(text)
        self.text = text
        self.colour = colour
        self.set_visible(False)


def ellipse_outline(mean, cov, sigma: float, n: int = 48) -> np.ndarray:
    """Points on the ``sigma`` ellipse of a 2-D Gaussian, shape (n, 2) (a segment when it collapsed)."""
    vals, vecs = np.linalg.eigh(np.asarray(cov, dtype=float)[:2, :2])
    angles = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    circle = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return np.asarray(mean, dtype=float)[:2] + sigma * (circle * np.sqrt(np.maximum(vals, 0.0))) @ vecs.T


def _least_covering_spot(ax, text, renderer, pad: float, wordings, X, snapshot, sigma: float, below,
                         avoid, mean_radius: float = 0.0) -> str:
    """Word and move ``text`` to hide the least (ties: the first wording and spot); returns the spot's name."""
    to_px = ax.transData.transform
    points = to_px(np.asarray(X, dtype=float)[:, :2])
    means = to_px(np.asarray(snapshot.means, dtype=float)[:, :2])
    outlines = [to_px(ellipse_outline(m, c, sigma)) for m, c in zip(snapshot.means, snapshot.covariances)]
    box = ax.bbox
    x_left, x_mid, x_right = box.x0 + pad, 0.5 * (box.x0 + box.x1), box.x1 - pad
    spots = [("top", x_mid, box.y1 - pad, "center", "top"), ("top left", x_left, box.y1 - pad, "left", "top"),
             ("top right", x_right, box.y1 - pad, "right", "top"),
             ("bottom", x_mid, box.y0 + pad, "center", "bottom"),
             ("bottom left", x_left, box.y0 + pad, "left", "bottom"),
             ("bottom right", x_right, box.y0 + pad, "right", "bottom")]
    if below is not None:
        spots.append(("below", x_mid, below[3], "center", "top"))
    # The framed box reaches beyond the text by its pad and line; a point is a few pixels across.
    frame = text.get_fontsize() * 0.35 * ax.figure.dpi / 72.0 + 0.01 * box.height
    best = None
    for (name, x, y, ha, va), wording in ((spot, wording) for wording in wordings for spot in spots):
        text.set_text(wording)
        _move(text, x, y, ha, va)
        ext = text.get_window_extent(renderer)
        x0, y0, x1, y1 = ext.x0 - frame, ext.y0 - frame, ext.x1 + frame, ext.y1 + frame
        if name == "below":
            if y0 < below[1] or x0 < below[0] - pad or x1 > below[2] + pad:
                continue
        elif any(x0 < b.x1 and b.x0 < x1 and y0 < b.y1 and b.y0 < y1 for b in avoid):
            continue

        def inside(q, reach=0.0):
            return (q[:, 0] >= x0 - reach) & (q[:, 0] <= x1 + reach) & (q[:, 1] >= y0 - reach) & (q[:, 1] <= y1 + reach)

        cost = (int(inside(points).sum()) + 3 * int(inside(means, mean_radius).sum())
                + 2 * sum(bool(inside(o).any()) for o in outlines))
        if best is None or cost < best[0]:
            best = (cost, wording, name, x, y, ha, va)
    _, wording, name, x, y, ha, va = best if best is not None else (0, wordings[0], *spots[0])
    text.set_text(wording)
    _move(text, x, y, ha, va)
    return name


def _move(text, x: float, y: float, ha: str, va: str) -> None:
    # Figure fractions, not axes ones: the spot below the panel is outside its axes.
    fig = text.figure
    text.set_transform(fig.transFigure)
    text.set_position((x / fig.bbox.width, y / fig.bbox.height))
    text.set_horizontalalignment(ha)
    text.set_verticalalignment(va)


def final_text(value: float, decimals: int) -> str:
    return signed(value, decimals)
