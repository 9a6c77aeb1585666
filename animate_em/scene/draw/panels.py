"""The blocks a frame is made of: data panel (its points: :mod:`.points`), log-likelihood panel.

Each block creates its artists once. Artists that change every frame are
*animated* (drawn by :mod:`animate_em.scene.kinds.em.frames` on top of a cached
background); artists that change rarely (ghost ellipses, badges) are ordinary
artists whose visibility the frame source flips before it re-caches the
background. Panels never count frames: they are told what to show.
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib import patheffects
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse
from matplotlib.ticker import FixedLocator, Formatter, FuncFormatter, MaxNLocator

from animate_em.scene.draw.ellipse import ellipse_geometry
from animate_em.scene.draw.figure import LABEL, SMALL, TICK, Sizing
from animate_em.scene.draw.palette import component_rgb
from animate_em.scene.draw.points import data_points

MINUS = "\u2212"

# Line widths in pixels at 720p (they scale with the frame).
ELLIPSE_PX = 2.6
GHOST_PX = 1.3
TRACE_PX = 2.2
SPINE_PX = 1.0

#: A step down of the log-likelihood by more than this fraction of (|LL| + 1) is marked on the
#: trace (EM never goes down; a recorded run of someone's implementation may). Below it: rounding.
FALL_RTOL = 1e-9
#: Colour and shape of a fall on the trace: vermillion and a downward triangle, so that it
#: reads without colour too.
FALL_COLOUR = "#D55E00"
FALL_MARK = "\u25bc"

LEGEND_HANDLE = 2.4    # legend line length, in font sizes
LEGEND_SPACING = 1.6   # space between legend columns, in font sizes

# Trace styles of several runs on one log-likelihood axis: (dashes, shade).
_RUN_STYLES = [("-", 1.0), ((0, (4.0, 1.6)), 0.75), ((0, (1.2, 1.4)), 0.9), ((0, (5.0, 1.5, 1.2, 1.5)), 0.6),
               ("-", 0.5), ((0, (4.0, 1.6)), 0.45)]


#: Most ghost ellipses per component on screen at once: older ones go, so a long run never
#: turns into a fan of lines.
GHOST_LIMIT = 5
#: Opacity of the oldest ghost shown, relative to the newest.
GHOST_OLDEST = 0.35


def ghost_iterations(n_iter: int, every: int, position: float, limit: int = GHOST_LIMIT) -> tuple:
    """The ghosts on screen when the fit has reached the fractional iteration ``position``.

    Snapshots 0, ``every``, 2 ``every``, ... that lie behind ``position``, at most
    the ``limit`` latest, as ``(iteration, age)`` pairs (age 0 is the newest).
    """
    if every <= 0:
        return ()
    behind = [t for t in range(0, n_iter + 1, every) if t < position - 1e-9][-limit:]
    return tuple((t, len(behind) - 1 - i) for i, t in enumerate(behind))


def ghost_alpha(base: float, age: int, limit: int = GHOST_LIMIT) -> float:
    """Opacity of a ghost ``age`` ghosts old: ``base`` for the newest, fading to ``GHOST_OLDEST * base``."""
    if limit <= 1:
        return base
    return base * (1.0 - (1.0 - GHOST_OLDEST) * min(age, limit - 1) / (limit - 1))

#: Mean markers from K = SHAPES_FROM on: one shape per component, so components never rely on colour
#: alone (filled shapes that stay recognisable small). Past the shapes, ellipses get dash patterns.
SHAPES_FROM = 7
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "p", "h", "<", ">", "d", "8", "H")
DASHES = ("solid", (0, (5.0, 2.0)), (0, (1.5, 1.5)), (0, (6.0, 2.0, 1.5, 2.0)))


def component_markers(k: int) -> list[str]:
    """Marker of each component's mean: "X" for all below :data:`SHAPES_FROM` components, else a shape each."""
    if k < SHAPES_FROM:
        return ["X"] * k
    return [MARKERS[j % len(MARKERS)] for j in range(k)]


def component_dashes(k: int) -> list:
    """Ellipse line style of each component: solid, or dashes once the shapes repeat (K > 15).

    Component ``j`` and ``j + 15`` share a shape but not a dash pattern.
    """
    if k <= len(MARKERS):
        return ["solid"] * k
    return [DASHES[j % len(DASHES)] for j in range(k)]


def marker_paths(markers) -> list:
    """Paths of ``markers`` for a ``PathCollection`` (one per offset, as ``scatter`` makes for one marker)."""
    from matplotlib.markers import MarkerStyle

    paths = []
    for m in markers:
        style = MarkerStyle(m)
        paths.append(style.get_path().transformed(style.get_transform()))
    return paths


def swatch(x: float, y: float, marker: str, colour, size: float, theme) -> Line2D:
    """A legend mark: ``marker`` in ``colour`` centred at pixel (``x``, ``y``), as tall as ``size``-point text."""
    return Line2D([x], [y], transform=None, marker=marker, markersize=size * 0.62, color=tuple(colour),
                  markeredgecolor=theme.foreground, markeredgewidth=size * 0.06, linestyle="none")


def signed(value: float, decimals: int) -> str:
    """``value`` with a fixed number of decimals and a true minus sign."""
    text = f"{value:.{decimals}f}"
    return text.replace("-", MINUS)


def mass_percent(sigma: float) -> str:
    """Share of a 2-D Gaussian's mass inside the ``sigma`` ellipse, as "86 %"."""
    return f"{100.0 * (1.0 - math.exp(-0.5 * sigma * sigma)):.0f} %"


def sigma_text(sigma: float) -> str:
    return f"{sigma:g}σ"


# -----------------------------------------------------------------------------
# Axis limits
# -----------------------------------------------------------------------------

def _ellipse_extent(means: np.ndarray, covs: np.ndarray, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    # Exact half-extents of the sigma ellipse along x and y: sigma * sqrt(diag).
    half = sigma * np.sqrt(np.maximum(np.diagonal(covs, axis1=1, axis2=2), 0.0))
    return means - half, means + half


def data_limits(X: np.ndarray, runs, sigma: float = 2.0, margin: float = 0.04,
                reach: float = 0.07) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits framed on the data, with a margin; not on the first guess.

    Parameters
    ----------
    X : ndarray of shape (N, 2)
    runs : sequence of Run (or objects with ``snapshots``)
        The last snapshot's ellipses of each may widen the frame by at most
        ``reach`` data ranges per side, so a converged ellipse at the edge of
        the data is not cut; earlier ellipses (a wild initial guess) are not
        looked at and run past the panel edge, clipped there.
    sigma : float
        Mahalanobis radius of the ellipses.
    margin : float
        Extra space on each side, as a fraction of the range.
    reach : float
        How far final ellipses may widen the data's range per side.

    Returns
    -------
    (xlim, ylim) : tuple of (float, float)
        The data's bounding box spans at least ``1 / ((1 + 2 reach)(1 + 2 margin))``
        (81 % by default) of each range.
    """
    X = np.asarray(X, dtype=float)
    dlo, dhi = X.min(axis=0), X.max(axis=0)
    drange = np.maximum(dhi - dlo, 1e-9 * np.maximum(1.0, np.abs(dhi)))
    lo, hi = dlo.copy(), dhi.copy()
    for run in runs:
        final = run.snapshots[-1]
        a, b = _ellipse_extent(final.means[:, :2], final.covariances[:, :2, :2], sigma)
        lo, hi = np.minimum(lo, a.min(axis=0)), np.maximum(hi, b.max(axis=0))
    lo = np.maximum(lo, dlo - reach * drange)
    hi = np.minimum(hi, dhi + reach * drange)
    span = hi - lo
    lo, hi = lo - margin * span, hi + margin * span
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def widen_to_aspect(xlim, ylim, box_aspect: float):
    """Widen one range so that one data unit has the same length on both axes.

    ``box_aspect`` is the panel's width/height in pixels; the range that is
    too short for it grows about its centre.
    """
    (x0, x1), (y0, y1) = xlim, ylim
    rx, ry = x1 - x0, y1 - y0
    if rx / ry < box_aspect:
        cx, rx = 0.5 * (x0 + x1), ry * box_aspect
        return (cx - rx / 2, cx + rx / 2), (y0, y1)
    cy, ry = 0.5 * (y0 + y1), rx / box_aspect
    return (x0, x1), (cy - ry / 2, cy + ry / 2)


def iteration_ticks(n_max: int, bins: int) -> list[int]:
    """Integer ticks 0, step, 2 step, ... that end on the last iteration ``n_max``.

    The step is the smallest of 1, 2, 5, 10, 20, 25, 50, ... that gives at most
    ``bins`` intervals; the last iteration replaces a tick closer to it than
    half a step, so the axis always names where the runs end.
    """
    n_max = max(int(n_max), 1)
    steps = [m * 10 ** e for e in range(0, 7) for m in (1, 2, 2.5, 5)]
    step = next(int(s) for s in steps if s == int(s) and math.ceil(n_max / s) <= max(bins, 1))
    ticks = list(range(0, n_max + 1, step))
    if ticks[-1] != n_max:
        if n_max - ticks[-1] < 0.5 * step and len(ticks) > 1:
            ticks[-1] = n_max
        else:
            ticks.append(n_max)
    return ticks


def ll_limits(traces, n_max: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Fixed limits of the log-likelihood panel from every run's whole trace."""
    values = np.concatenate([np.asarray(t, dtype=float) for t in traces])
    values = values[np.isfinite(values)]
    if values.size == 0:
        values = np.zeros(1)
    lo, hi = float(values.min()), float(values.max())
    span = hi - lo if hi > lo else max(1.0, abs(hi) * 0.01)
    xpad = max(0.4, 0.025 * n_max)
    return (-xpad, max(n_max, 1) + xpad), (lo - 0.08 * span, hi + 0.1 * span)


def _style_axes(ax, sizing: Sizing, theme, *, ticks: bool, spines=("left", "bottom", "right", "top")):
    ax.set_facecolor(theme.background)
    for name, spine in ax.spines.items():
        spine.set_visible(name in spines)
        spine.set_color(theme.grid if len(spines) == 4 else theme.muted)
        spine.set_linewidth(sizing.lw(SPINE_PX))
    ax.tick_params(colors=theme.muted, labelcolor=theme.foreground, labelsize=sizing.pt(TICK),
                   width=sizing.lw(SPINE_PX), length=sizing.pt(0.008), pad=sizing.pt(0.006))
    if not ticks:
        ax.set_xticks([])
        ax.set_yticks([])
    ax.set_autoscale_on(False)


# -----------------------------------------------------------------------------
# Data panel
# -----------------------------------------------------------------------------

def tick_decimals(ticks) -> int:
    """Decimals that write every tick of an evenly spaced set exactly and alike (4.0 beside 4.8, not 4)."""
    ticks = np.asarray(ticks, dtype=float)
    step = abs(float(ticks[1] - ticks[0])) if ticks.size > 1 else 0.0
    for decimals in range(7):
        if abs(round(step, decimals) - step) <= 1e-9 * max(1.0, step):
            return decimals
    return 6


def tick_text(value: float, decimals: int) -> str:
    """A tick label with ``decimals`` decimals and a true minus sign (never "−0.0")."""
    if abs(value) < 0.5 * 10.0 ** -decimals:
        value = 0.0
    return f"{value:.{decimals}f}".replace("-", MINUS)


class EvenTicks(Formatter):
    """Tick labels of a data axis, all with the decimals their spacing needs."""

    decimals = 0

    def set_locs(self, locs):
        # The axis hands over its ticks before labelling them (Formatter.locs is deprecated).
        self.decimals = tick_decimals(locs) if len(locs) else 0

    def __call__(self, value, pos=None):
        return tick_text(value, self.decimals)


class DataPanel:
    """Points coloured by soft assignment, the sigma ellipses, means and ghosts of one run.

    Parameters
    ----------
    ax : matplotlib Axes
        Placed and sized by the caller; limits are fixed here.
    X : ndarray of shape (N, 2)
    k : int
        Number of components.
    xlim, ylim : (float, float)
    sizing : Sizing
    theme : Theme
    sigma : float
    point_size : float
        Marker area in points^2 (as in ``scatter``).
    point_alpha : float
    line_width : float or None
        Ellipse line width in points; None = ~2.6 px at 720p, scaled.
    ticks : bool
        Show tick labels (data with units or unequal scales).
    xlabel, ylabel : str or None
    """

    def __init__(self, ax, X, k, xlim, ylim, sizing: Sizing, theme, *, sigma=2.0, point_size=9.0,
                 point_alpha=0.8, line_width=None, ticks=False, xlabel=None, ylabel=None):
        self.ax, self.k, self.sigma, self.theme = ax, k, sigma, theme
        self.sizing = sizing
        _style_axes(ax, sizing, theme, ticks=ticks)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        if ticks:
            ax.xaxis.set_major_locator(MaxNLocator(5))
            ax.yaxis.set_major_locator(MaxNLocator(5))
            ax.xaxis.set_major_formatter(EvenTicks())
            ax.yaxis.set_major_formatter(EvenTicks())
        label_kw = dict(fontsize=sizing.pt(LABEL), color=theme.foreground)
        if xlabel:
            ax.set_xlabel(xlabel, labelpad=sizing.pt(0.006), **label_kw)
        if ylabel:
            ax.set_ylabel(ylabel, labelpad=sizing.pt(0.008), **label_kw)
        self.rgb = component_rgb(theme, k)
        diameter = math.sqrt(point_size) * sizing.dpi / 72.0
        self.points = data_points(X, diameter, point_alpha, to_rgb(theme.neutral_point), unit=sizing.unit,
                                  zorder=2, animated=True)
        ax.add_artist(self.points)
        lw = line_width if line_width is not None else sizing.lw(ELLIPSE_PX)
        self.line_width = lw
        halo = [patheffects.Stroke(linewidth=lw * 2.3, foreground=theme.background, alpha=0.85),
                patheffects.Normal()]
        self.ellipses = []
        self.dashes = component_dashes(k)
        for j in range(k):
            e = Ellipse((0, 0), 1, 1, angle=0, fill=False, edgecolor=self.rgb[j], linewidth=lw, zorder=4,
                        animated=True, path_effects=halo, capstyle="round", joinstyle="round",
                        linestyle=self.dashes[j])
            ax.add_patch(e)
            self.ellipses.append(e)
        msize = sizing.pt(0.030) ** 2
        self.markers = component_markers(k)
        self.means = ax.scatter(np.zeros(k), np.zeros(k), s=msize, marker="X", c=self.rgb,
                                edgecolors=theme.foreground, linewidths=sizing.lw(1.3), zorder=5,
                                animated=True)
        if k >= SHAPES_FROM:
            self.means.set_paths(marker_paths(self.markers))
        self.ghosts: dict[int, list[Ellipse]] = {}
        self.reference: list[Ellipse] = []

    @property
    def colour_points(self) -> np.ndarray:
        """Where the frame's colours are evaluated, shape (M, 2): every point, or every density cell."""
        return self.points.colour_points

    # -- per frame -------------------------------------------------------------
    def show(self, colours, means, covariances) -> None:
        """Colours (M, 3) of :attr:`colour_points`, means (K, 2) and covariances (K, 2, 2) of this frame.

        Fewer means than the panel's ``k`` (a K = 2 fit on a poster of K up to 7) hide the other
        components' ellipses and marks.
        """
        self.points.set_colours(colours)
        means = np.asarray(means, dtype=float)[:, :2]
        shown = len(means)
        for j, e in enumerate(self.ellipses):
            e.set_visible(j < shown)
        for e, m, c in zip(self.ellipses, means, covariances):
            center, width, height, angle = ellipse_geometry(m, c, self.sigma)
            e.set_center(center)
            e.set_width(width)
            e.set_height(height)
            e.set_angle(angle)
        # A PathCollection cycles its paths and colours over the offsets: with k paths and
        # fewer offsets it would stack other components' marks on these means.
        self.means.set_facecolors(self.rgb[:shown])
        if self.k >= SHAPES_FROM:
            self.means.set_paths(marker_paths(self.markers[:shown]))
        self.means.set_offsets(means)

    def animated(self) -> list:
        """Artists redrawn every frame, in drawing order."""
        return [self.points, *self.reference, *self.ellipses, self.means]

    # -- rarely changing ---------------------------------------------------------
    def set_ghosts(self, snapshots, shown) -> None:
        """Show the ghost ellipses of ``shown``, ``(iteration, age)`` pairs (others hidden), faded by age."""
        ages = dict(shown)
        visible = set(ages)
        new = sorted(visible - set(self.ghosts))
        if new and self.ghosts and new[0] < max(self.ghosts):
            # Overlapping ghosts are painted in child order: keep it the iteration order whatever
            # order the frames are asked for in (same frame, same pixels).
            for e in (e for patches in self.ghosts.values() for e in patches):
                e.remove()
            new = sorted(visible | set(self.ghosts))
            old, self.ghosts = self.ghosts, {}
        else:
            old = {}
        for t in new:
            if t in old:
                for e in old[t]:
                    self.ax.add_patch(e)
                self.ghosts[t] = old[t]
                continue
            snap = snapshots[t]
            patches = []
            for j in range(self.k):
                center, width, height, angle = ellipse_geometry(snap.means[j], snap.covariances[j], self.sigma)
                e = Ellipse(center, width, height, angle=angle, fill=False, edgecolor=self.rgb[j],
                            alpha=self.theme.ghost_alpha, linewidth=self.sizing.lw(GHOST_PX), zorder=1.5)
                self.ax.add_patch(e)
                patches.append(e)
            self.ghosts[t] = patches
        for t, patches in self.ghosts.items():
            for e in patches:
                e.set_visible(t in visible)
                if t in visible:
                    e.set_alpha(ghost_alpha(self.theme.ghost_alpha, ages[t]))

    def add_reference(self, means, covariances) -> None:
        """Dashed ellipses of the generating mixture, drawn above the points."""
        for m, c in zip(means, covariances):
            center, width, height, angle = ellipse_geometry(np.asarray(m)[:2], np.asarray(c)[:2, :2], self.sigma)
            e = Ellipse(center, width, height, angle=angle, fill=False, edgecolor=self.theme.foreground,
                        linestyle=(0, (3, 2)), linewidth=self.sizing.lw(1.4), alpha=0.7, zorder=3,
                        animated=True)
            self.ax.add_patch(e)
            self.reference.append(e)


# -----------------------------------------------------------------------------
# Log-likelihood panel
# -----------------------------------------------------------------------------

def falls(trace) -> np.ndarray:
    """Iterations t + 1 whose log-likelihood is lower than at t (beyond rounding), shape (n_falls,)."""
    trace = np.asarray(trace, dtype=float)
    change = np.diff(trace)
    return np.flatnonzero(change < -FALL_RTOL * (np.abs(trace[:-1]) + 1.0)) + 1


class TracePanel:
    """The log-likelihood of every run against the iteration, drawn up to the current moment.

    Parameters
    ----------
    ax : matplotlib Axes
    traces : list of ndarray, each of shape (n_iter_r + 1,)
        Values as plotted (total or per-sample log-likelihood).
    labels : list of str
        Run labels; a legend is drawn when there are several runs.
    sizing : Sizing
    theme : Theme
    ylabel : str
    legend_columns : int
        Entries per legend row (the legend sits above the axes).
    mark_falls : list of bool, optional
        Runs whose falls (see :func:`falls`) are marked as the trace reaches
        them: runs recorded by someone else's EM. animate-em's own EM falls
        only by what reg_covar allows, which is not a mistake to point at.
    """

    def __init__(self, ax, traces, labels, sizing: Sizing, theme, ylabel="log-likelihood (total)",
                 legend_columns: int = 6, mark_falls: list | None = None):
        self.ax = ax
        self.traces = [np.asarray(t, dtype=float) for t in traces]
        n_max = max(len(t) - 1 for t in self.traces)
        xlim, ylim = ll_limits(self.traces, n_max)
        _style_axes(ax, sizing, theme, ticks=True, spines=("left", "bottom"))
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        # About one y tick per 4.5 text heights, so labels never crowd a short panel.
        height_px = ax.get_position().height * sizing.height
        nbins = int(np.clip(height_px / sizing.px(4.5 * TICK), 2, 6))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=nbins))
        width_px = ax.get_position().width * sizing.width
        xbins = int(np.clip(width_px / sizing.px(5.0 * TICK), 2, 8))
        ax.xaxis.set_major_locator(FixedLocator(iteration_ticks(n_max, xbins)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
        ax.yaxis.set_major_formatter(FuncFormatter(self._ytick))
        self._ystep = np.diff(ax.yaxis.get_major_locator().tick_values(*ylim)[:2])[0]
        ax.grid(True, axis="y", color=theme.grid, linewidth=sizing.lw(1.0))
        ax.set_axisbelow(True)
        label_kw = dict(fontsize=sizing.pt(LABEL), color=theme.foreground)
        ax.set_xlabel("iteration", labelpad=sizing.pt(0.006), **label_kw)
        ax.set_ylabel(ylabel, labelpad=sizing.pt(0.008), **label_kw)
        self.lines, self.markers = [], []
        many = len(self.traces) > 1
        handles = []
        for r, _ in enumerate(self.traces):
            dashes, shade = _RUN_STYLES[r % len(_RUN_STYLES)] if many else ("-", 1.0)
            colour = _mix(theme.foreground, theme.background, shade)
            line = Line2D([], [], color=colour, linewidth=sizing.lw(TRACE_PX), linestyle=dashes,
                          marker="o", markersize=sizing.pt(0.0075), markeredgewidth=0,
                          solid_capstyle="round", dash_capstyle="round", zorder=3, animated=True)
            marker = Line2D([], [], color=colour, marker="o", markersize=sizing.pt(0.019), linestyle="none",
                            markeredgecolor=theme.background, markeredgewidth=sizing.lw(1.8), zorder=4,
                            animated=True)
            ax.add_line(line)
            ax.add_line(marker)
            self.lines.append(line)
            self.markers.append(marker)
            handles.append(Line2D([], [], color=colour, linewidth=sizing.lw(TRACE_PX), linestyle=dashes))
        # Falls appear as the trace reaches them; only runs that fall get the artist.
        marked = mark_falls or [False] * len(self.traces)
        self.falls = [falls(t) if mark else np.array([], dtype=int) for t, mark in zip(self.traces, marked)]
        self.fall_marks = {}
        for r, at in enumerate(self.falls):
            if len(at):
                mark = Line2D([], [], color=FALL_COLOUR, marker="v", markersize=sizing.pt(0.02), linestyle="none",
                              markeredgecolor=theme.background, markeredgewidth=sizing.lw(1.0), zorder=5,
                              animated=True)
                ax.add_line(mark)
                self.fall_marks[r] = mark
        if many:
            # Above the axes, never over a trace: the space is reserved by the layout.
            ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=legend_columns,
                      frameon=False, fontsize=sizing.pt(SMALL), labelcolor=theme.foreground,
                      handlelength=LEGEND_HANDLE, columnspacing=LEGEND_SPACING, borderaxespad=0.3,
                      borderpad=0.0, handletextpad=0.6)

    def _ytick(self, value, _pos) -> str:
        step = getattr(self, "_ystep", 1.0)
        decimals = max(0, -int(math.floor(math.log10(abs(step) + 1e-300) + 1e-9))) if step < 1 else 0
        return signed(value, decimals)

    def show(self, run: int, position: float, value: float) -> None:
        """Draw run ``run``'s trace up to the fractional iteration ``position``, marker at ``value``."""
        trace = self.traces[run]
        n = int(math.floor(position + 1e-9))
        xs = np.arange(n + 1, dtype=float)
        ys = trace[: n + 1]
        if position - n > 1e-9:
            xs = np.append(xs, position)
            ys = np.append(ys, value)
        self.lines[run].set_data(xs, ys)
        self.lines[run].set_markevery(slice(0, n + 1))
        self.markers[run].set_data([position], [value])
        if run in self.fall_marks:
            shown = self.falls[run][self.falls[run] <= n]
            self.fall_marks[run].set_data(shown.astype(float), trace[shown])

    @property
    def any_falls(self) -> bool:
        return bool(self.fall_marks)

    def animated(self) -> list:
        return [*self.lines, *self.markers, *self.fall_marks.values()]


def _mix(fg: str, bg: str, shade: float):
    a, b = np.array(to_rgb(fg)), np.array(to_rgb(bg))
    return tuple(shade * a + (1 - shade) * b)
