"""The report's figures: matplotlib (Agg, no pyplot) in the scene layer's pinned style.

Each figure is a ``draw_*(fig, data)`` function that draws into a Figure or
a SubFigure, so the same code fills a stand-alone PNG/SVG and a region of a
PDF page. Sizes are in inches for a column 6.7 in wide (A4 with margins);
fonts are set in points so the figures read like a paper's.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from animate_em.em import responsibilities
from animate_em.report.analysis import ReportData, best_and_worst, poster_shown, same_optimum
from animate_em.scene.draw.ellipse import ellipse_points
from animate_em.scene.draw.figure import pinned_style
from animate_em.scene.draw.palette import OKABE_ITO, THEMES, component_rgb, mix_colours
from animate_em.scene.runs.data import shown_positions, stacked_axes

FG = THEMES["light"].foreground
MUTED = THEMES["light"].muted
GRID = THEMES["light"].grid
FONT = 7.5          # points: tick and legend text
LABEL_FONT = 8.0
COLUMN = 6.7        # inches: the width of the PDF text column

#: Colour of each covariance type and each initialisation (Okabe-Ito, fixed).
TYPE_COLOURS = {"full": OKABE_ITO[3], "tied": OKABE_ITO[4], "diag": OKABE_ITO[2], "spherical": OKABE_ITO[5]}
INIT_COLOURS = {"random": OKABE_ITO[4], "kmeans++": OKABE_ITO[3]}

#: name -> (height in inches at COLUMN width); the poster's depends on its panels (figure_height).
HEIGHTS = {"loglik": 1.95, "bound": 2.1, "restarts": 2.2, "selection": 2.1}

#: The lower bound's colour and the shading of the gap KL, as in the lower-bound scene.
BOUND_COLOUR = OKABE_ITO[5]
GAP_ALPHA = 0.22


def _style(ax, *, grid_axis: str = "y") -> None:
    ax.tick_params(labelsize=FONT, colors=FG, length=2.5, width=0.6, pad=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(0.6)
        ax.spines[side].set_color(FG)
    if grid_axis:
        ax.grid(True, axis=grid_axis, color=GRID, linewidth=0.5)
        ax.set_axisbelow(True)


def _label(ax, x: str | None = None, y: str | None = None, title: str | None = None) -> None:
    if x:
        ax.set_xlabel(x, fontsize=LABEL_FONT, color=FG, labelpad=2)
    if y:
        ax.set_ylabel(y, fontsize=LABEL_FONT, color=FG, labelpad=2)
    if title:
        ax.set_title(title, fontsize=LABEL_FONT, color=FG, loc="left", pad=3, fontweight="bold")


def _grid(fig, rect, nrows, ncols, *, left, right, bottom, top, **kw):
    """A gridspec whose margins are fractions of ``rect`` (x0, y0, w, h in figure fractions)."""
    x0, y0, w, h = rect
    return fig.add_gridspec(nrows, ncols, left=x0 + left * w, right=x0 + right * w,
                            bottom=y0 + bottom * h, top=y0 + top * h, **kw)


def _iteration_ticks(ax, n_iter: int) -> None:
    """Iteration ticks that end on the last iteration, as on the frames."""
    from matplotlib.ticker import FixedLocator

    from animate_em.scene.draw.panels import iteration_ticks

    ax.xaxis.set_major_locator(FixedLocator(iteration_ticks(n_iter, 7)))


def _integer_ticks(ax, axis: str = "x") -> None:
    from matplotlib.ticker import MaxNLocator

    (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(MaxNLocator(integer=True, nbins=8))


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

def draw_loglik(fig, d: ReportData, rect=(0, 0, 1, 1)) -> None:
    """Left: the total log-likelihood per iteration. Right: its change per iteration (log scale)."""
    gs = _grid(fig, rect, 1, 2, left=0.09, right=0.985, bottom=0.2, top=0.9, wspace=0.28,
                          width_ratios=(1.25, 1))
    ax = fig.add_subplot(gs[0])
    t = np.arange(d.trace.size)
    ax.plot(t, d.trace, color=OKABE_ITO[3], lw=1.4, marker="o", ms=2.6, zorder=3)
    if d.settled_at < d.trace.size:
        ax.axvline(d.settled_at, color=MUTED, lw=0.7, ls=":", zorder=2)
        left = d.settled_at > 0.5 * (d.trace.size - 1)   # the side where the curve is not
        ax.annotate(f"within tol·N of the final\nvalue from iteration {d.settled_at}",
                    (d.settled_at, d.trace.min()), xytext=(-4 if left else 4, 2), textcoords="offset points",
                    fontsize=FONT - 0.5, color=MUTED, va="bottom", ha="right" if left else "left")
    _style(ax)
    _iteration_ticks(ax, d.trace.size - 1)
    _label(ax, "iteration", "log-likelihood (total, nats)", "Log-likelihood per iteration")

    ax2 = fig.add_subplot(gs[1])
    diffs = np.diff(d.trace)
    if diffs.size:
        it = np.arange(1, diffs.size + 1)
        up = diffs > 0
        ax2.bar(it[up], diffs[up], color=OKABE_ITO[2], width=0.8, label="increase")
        if (~up).any():
            ax2.bar(it[~up], np.maximum(-diffs[~up], 1e-12), color=OKABE_ITO[4], width=0.8, label="decrease")
        ax2.set_yscale("log")
        if d.settle_tol_total > 0:
            # The line ends at the last bar and its label follows it, outside the axes: a line across the
            # whole axes ran through the label.
            ax2.hlines(d.settle_tol_total, 0.4, it[-1] + 0.4, color=MUTED, lw=0.8, ls="--")
            ax2.set_xlim(0.4, it[-1] + 0.6)
            ax2.annotate("tol·N", (it[-1] + 0.6, d.settle_tol_total), xytext=(3, 0), textcoords="offset points",
                         fontsize=FONT - 0.5, color=MUTED, ha="left", va="center", annotation_clip=False)
        ax2.legend(fontsize=FONT - 0.5, frameon=False, loc="upper right", handlelength=1.0)
    _style(ax2)
    _iteration_ticks(ax2, d.trace.size - 1)
    _label(ax2, "iteration", "|change| (nats)", "Change per iteration")


def _theta(t: int) -> str:
    return "θ" + str(t).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def draw_bound(fig, d: ReportData, rect=(0, 0, 1, 1)) -> None:
    """The first EM iterations, each on a slice along its step: ln p, the bound L and the gap KL between them."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

    slices = d.bound.slices if d.bound else []
    if not slices:
        x0, y0, w, h = rect
        fig.text(x0 + 0.5 * w, y0 + 0.5 * h, "The run made no EM iteration: there is no step to show.",
                 ha="center", va="center", fontsize=LABEL_FONT, color=MUTED)
        return
    gs = _grid(fig, rect, 1, len(slices), left=0.1, right=0.985, bottom=0.14, top=0.74, wspace=0.42)
    for index, sl in enumerate(slices):
        ax = fig.add_subplot(gs[index])
        g, ll, bound = sl.grid, sl.log_likelihood, sl.bound
        at0, at1 = int(np.flatnonzero(g == 0.0)[0]), int(np.flatnonzero(g == 1.0)[0])
        ax.fill_between(g, bound, ll, color=BOUND_COLOUR, alpha=GAP_ALPHA, linewidth=0, zorder=2)
        ax.plot(g, ll, color=FG, lw=1.3, zorder=3, label="ln p(X | θ)")
        ax.plot(g, bound, color=BOUND_COLOUR, lw=1.3, ls=(0, (4.0, 1.5)), zorder=3.2,
                label="L(q, θ), q from the E-step at the left end")
        ax.plot([0.0], [ll[at0]], "o", color=FG, ms=3.6, mec="white", mew=0.6, zorder=4)
        ax.plot([1.0], [bound[at1]], "o", color=BOUND_COLOUR, mfc="none", ms=5.5, mew=1.0, zorder=4)
        ax.plot([1.0], [ll[at1]], "o", color=FG, ms=3.6, mec="white", mew=0.6, zorder=4)
        # The gap bracketed at s = 1; its value is in the title (a label beside it sat on the curves).
        ax.annotate("", (1.0 + 0.06, bound[at1]), xytext=(1.0 + 0.06, ll[at1]),
                    arrowprops=dict(arrowstyle="|-|, widthA=0.25, widthB=0.25", color=FG, lw=0.7, shrinkA=0,
                                    shrinkB=0), zorder=3.6)
        _style(ax)
        t = sl.iteration
        ax.xaxis.set_major_locator(FixedLocator([0.0, 1.0]))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _, t=t: _theta(t - 1) if v == 0 else _theta(t)))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.set_xlim(g[0] - 0.03, g[-1] + 0.03)
        gain_l, gain_p = bound[at1] - bound[at0], ll[at1] - ll[at0]
        ax.set_title(f"Iteration {t}\nL +{gain_l:.2f}, KL {ll[at1] - bound[at1]:.2f}, ln p +{gain_p:.2f}",
                     fontsize=FONT, color=FG, loc="left",
                     pad=3, linespacing=1.25)
        if index == 0:
            _label(ax, y="nats (total)")
    handles, labels = fig.axes[-len(slices)].get_legend_handles_labels()
    x0, y0, w, h = rect
    fig.legend(handles, labels, loc="upper left", bbox_to_anchor=(x0 + 0.1 * w, y0 + h), ncol=2, frameon=False,
               fontsize=FONT, handlelength=2.4, borderaxespad=0.2)


def draw_restarts(fig, d: ReportData, rect=(0, 0, 1, 1)) -> None:
    """Left: final log-likelihood of every restart per init (strip plot). Right: best and worst fit."""
    gs = _grid(fig, rect, 1, 3, left=0.085, right=0.985, bottom=0.2, top=0.84, wspace=0.22,
               width_ratios=(0.75, 1, 1))
    ax = fig.add_subplot(gs[0])
    rng = np.random.default_rng(0)  # jitter only; fixed so the figure is reproducible
    names = list(d.restarts)
    best = d.best_restart_log_likelihood
    labels = []
    for col, init in enumerate(names):
        st = d.restarts[init]
        x = col + rng.uniform(-0.2, 0.2, st.n)
        colour = INIT_COLOURS.get(init, OKABE_ITO[col])
        ax.scatter(x, st.final_log_likelihoods, s=12, color=colour, alpha=0.75, linewidths=0, zorder=3)
        labels.append(f"{init}\n{st.reaching(best, d.reach_tolerance)}/{st.n} best\n"
                      f"{np.median(st.n_iters):g} it.")
    ax.axhline(best, color=MUTED, lw=0.8, ls="--", zorder=2)
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(labels, fontsize=FONT - 0.5)
    ax.set_xlim(-0.6, len(names) - 0.4)
    lo = min(s.final_log_likelihoods.min() for s in d.restarts.values())
    span = max(best - lo, 1.0)
    ax.set_ylim(lo - 0.08 * span, best + 0.08 * span)
    _style(ax)
    ax.ticklabel_format(axis="y", style="plain", useOffset=False)
    _label(ax, None, "final log-likelihood (nats)", "Restarts")
    ax.tick_params(axis="x", length=0)
    _best_worst(fig, d, gs[1], gs[2])


def _fit_panel(ax, X, snap, title: str, sigma: float = 2.0, *, point_size: float = 4.0,
               line_width: float = 1.5, marker_size: float = 5.5) -> None:
    """The fit ``snap`` on the data: points coloured by responsibility, its ellipses and means."""
    rgb = component_rgb(THEMES["light"], snap.n_components)
    colours = mix_colours(responsibilities(X, snap), rgb)
    # Drawn as the frames draw them: jittered within a coarse measurement grid, coloured as measured.
    shown = shown_positions(X, stacked_axes(X))
    ax.scatter(shown[:, 0], shown[:, 1], s=point_size, c=colours, alpha=0.8, linewidths=0)
    for j in range(snap.n_components):
        pts = ellipse_points(snap.means[j, :2], snap.covariances[j, :2, :2], sigma, 120)
        pts = np.vstack([pts, pts[:1]])
        ax.plot(pts[:, 0], pts[:, 1], color=rgb[j], lw=line_width)
        ax.plot(*snap.means[j, :2], marker="X", ms=marker_size, color=rgb[j], mec=FG, mew=0.6)
    _style(ax, grid_axis="")
    _label(ax, title=title)


def _limits(X, snaps, sigma: float = 2.0, margin: float = 0.04):
    pts = [X[:, :2]] + [ellipse_points(s.means[j, :2], s.covariances[j, :2, :2], sigma, 60)
                         for s in snaps for j in range(s.n_components)]
    pts = np.vstack(pts)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = margin * (hi - lo)
    return (lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])


def _ll(value: float) -> str:
    return f"LL = {value:.2f}".replace("-", "\u2212")


def _best_worst(fig, d: ReportData, slot_best, slot_worst) -> None:
    """The best and the worst final fit of all restarts on the same axes, components matched to the report's run.

    When every restart reached the same optimum the two would be one fit shown twice: one panel,
    spanning both slots, says so instead.
    """
    from animate_em.scene.runs.matching import align_runs

    best, worst = best_and_worst(d)
    # Numbered and coloured as the run the report narrates (the poster, the text).
    _, best_run, worst_run = align_runs([d.run, best[0], worst[0]])
    if same_optimum(d):
        snap = best_run.final
        xlim, ylim = _limits(d.X, [snap])
        ax = fig.add_subplot(slot_best.get_gridspec()[slot_best.rowspan.start,
                                                      slot_best.colspan.start:slot_worst.colspan.stop])
        _fit_panel(ax, d.X, snap, f"every restart: the same fit\n{_ll(snap.log_likelihood)}")
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        return
    runs = [best_run, worst_run]
    xlim, ylim = _limits(d.X, [r.final for r in runs])
    ratio = (xlim[1] - xlim[0]) / (ylim[1] - ylim[0])
    for slot, run, (_, init), which in zip((slot_best, slot_worst), runs, (best, worst), ("best", "worst")):
        ax = fig.add_subplot(slot)
        _fit_panel(ax, d.X, run.final, f"{which}: {init}\n{_ll(run.final.log_likelihood)}")
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        if 1 / 3 < ratio < 3:
            ax.set_aspect("equal", adjustable="box", anchor="N")


#: The BIC-minus-best panel shows differences up to at least this many BIC units (a difference of
#: 10 is "very strong" evidence on Kass and Raftery's scale), more when the runner-up is further.
DELTA_RANGE = 30.0


def draw_selection(fig, d: ReportData, rect=(0, 0, 1, 1)) -> None:
    """BIC (left) and AIC (middle) against K, one line per covariance type; right: BIC minus the best.

    A covariance type far behind stretches the y-range of the first two panels until
    the winner's margin cannot be seen; the third zooms on the models that compete.
    """
    sel = d.selection
    gs = _grid(fig, rect, 1, 3, left=0.075, right=0.99, bottom=0.17, top=0.79, wspace=0.36)
    for i, crit in enumerate(("bic", "aic")):
        ax = fig.add_subplot(gs[i])
        for cov in sel.covariance_types:
            ax.plot(sel.ks, sel.values(crit, cov), color=TYPE_COLOURS.get(cov, FG), lw=1.3, marker="o",
                    ms=2.8, label=cov)
        chosen = (sel.best_k, sel.best_covariance_type) if crit == "bic" else tuple(sel.by_aic)
        row = next(r for r in sel.table if (r["k"], r["covariance_type"]) == chosen)
        ax.plot(row["k"], row[crit], marker="o", ms=9, mfc="none", mec=FG, mew=1.1, zorder=5)
        if sel.true_k is not None:
            ax.axvline(sel.true_k, color=MUTED, lw=0.8, ls=":")
        _style(ax)
        _integer_ticks(ax)
        ax.ticklabel_format(axis="y", style="plain", useOffset=False)
        _label(ax, "number of components K", crit.upper(), f"{crit.upper()} (lower is better)")
        if i == 0:
            # One row above the panels: inside the BIC panel the legend sat on the curves and the true K.
            x0, y0, w, h = rect
            handles, labels = ax.get_legend_handles_labels()
            fig.legend(handles, labels, fontsize=FONT - 0.5, frameon=False, ncols=len(labels), loc="upper center",
                       bbox_to_anchor=(x0 + 0.5 * w, y0 + h), handlelength=1.6, columnspacing=1.4,
                       borderaxespad=0.1)
    ax = fig.add_subplot(gs[2])
    best = min(r["bic"] for r in sel.table)
    deltas = sorted(r["bic"] - best for r in sel.table)
    top = max(DELTA_RANGE, 1.6 * (deltas[1] if len(deltas) > 1 else 0.0))
    for cov in sel.covariance_types:
        ax.plot(sel.ks, sel.values("bic", cov) - best, color=TYPE_COLOURS.get(cov, FG), lw=1.3, marker="o",
                ms=2.8, clip_on=True)
    ax.plot(sel.best_k, 0.0, marker="o", ms=9, mfc="none", mec=FG, mew=1.1, zorder=5)
    ax.axhline(10.0, color=MUTED, lw=0.7, ls="--")
    ax.annotate("10", (sel.ks[-1], 10.0), xytext=(0, 2), textcoords="offset points", fontsize=FONT - 1,
                color=MUTED, ha="right", va="bottom")
    if sel.true_k is not None:
        ax.axvline(sel.true_k, color=MUTED, lw=0.8, ls=":")
    ax.set_ylim(-0.06 * top, top)
    _style(ax)
    _integer_ticks(ax)
    _label(ax, "number of components K", "BIC − lowest BIC", "BIC − best (zoomed)")


def draw_poster(fig, d: ReportData, rect=(0, 0, 1, 1)) -> None:
    """The fit at the poster's iterations, as vector panels (points, ellipses, means), numbered components."""
    shown = poster_shown(d)
    cols, rows = poster_grid(len(shown))
    snaps = [d.run.snapshots[t] for t in shown]
    xlim, ylim = _limits(d.X, snaps)
    ratio = (xlim[1] - xlim[0]) / (ylim[1] - ylim[0])
    x0, y0, w, h = rect
    inches = fig.get_figheight() * h
    gs = _grid(fig, rect, rows, cols, left=0.01, right=0.99, bottom=0.01,
               top=1 - (POSTER_LEGEND + POSTER_TITLE) / inches, wspace=0.06,
               hspace=POSTER_TITLE / max(inches / rows - POSTER_TITLE, 0.1) * 1.1)
    for i, (t, snap) in enumerate(zip(shown, snaps)):
        ax = fig.add_subplot(gs[i // cols, i % cols])
        _fit_panel(ax, d.X, snap, "", point_size=1.6, line_width=1.0, marker_size=4.0)
        ax.set_title(f"iteration {t}\n{_ll(snap.log_likelihood)}", loc="left", fontsize=FONT - 1, color=FG,
                     pad=2, linespacing=1.15)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(True)
            spine.set_color(GRID)
        if 1 / 3 < ratio < 3:
            ax.set_aspect("equal", adjustable="box", anchor="C")
    # The components numbered as in the text ("component 2"), each with its colour.
    rgb = component_rgb(THEMES["light"], d.run.final.n_components)
    handles = [Line2D([], [], color=c, marker="o", ls="none", ms=5) for c in rgb]
    fig.legend(handles, [f"component {j + 1}" for j in range(len(rgb))], loc="upper right",
               bbox_to_anchor=(x0 + w, y0 + h), ncols=len(rgb), frameon=False, fontsize=FONT - 0.5,
               handletextpad=0.2, columnspacing=1.0, borderaxespad=0.0)


#: Height in inches of the component legend above the report's poster, and of a panel's title.
POSTER_LEGEND = 0.2
POSTER_TITLE = 0.3


def poster_grid(n: int) -> tuple[int, int]:
    """(columns, rows) of the report's poster of ``n`` panels: one row up to 6, else two or more."""
    cols = n if n <= 6 else min(6, -(-n // 2))
    return cols, -(-n // cols)


DRAW = {"loglik": draw_loglik, "bound": draw_bound, "poster": draw_poster, "restarts": draw_restarts, "selection": draw_selection}


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

def figure_height(name: str, d: ReportData | None = None) -> float:
    """Height in inches of figure ``name`` at the column width."""
    if name == "poster":
        cols, rows = poster_grid(len(poster_shown(d)))
        snaps = [d.run.snapshots[t] for t in poster_shown(d)]
        xlim, ylim = _limits(d.X, snaps)
        ratio = (xlim[1] - xlim[0]) / (ylim[1] - ylim[0])
        aspect = min(max(ratio, 0.75), 1.6) if 1 / 3 < ratio < 3 else 1.3
        panel = COLUMN * 0.98 / cols / aspect
        return POSTER_LEGEND + rows * (panel + POSTER_TITLE + 0.06) + 0.05
    return HEIGHTS[name]


def standalone(name: str, d: ReportData) -> Figure:
    """Figure ``name`` on its own canvas (COLUMN inches wide)."""
    with pinned_style():
        fig = Figure(figsize=(COLUMN, figure_height(name, d)), facecolor="white")
        FigureCanvasAgg(fig)
        DRAW[name](fig, d)
    return fig


#: White space kept around every saved figure, in inches: no text may touch an image's edge.
EDGE = 0.08


def save(fig: Figure, folder: Path, name: str, dpi: int = 200) -> tuple[Path, Path]:
    """Write ``name.png`` and ``name.svg`` into ``folder``; returns both paths.

    Cropped to what is drawn plus :data:`EDGE` of white, so a title or an
    annotation beyond the axes is never cut at the image's edge.
    """
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    with pinned_style():
        fig.savefig(png, dpi=dpi, facecolor="white", metadata={"Software": None}, bbox_inches="tight",
                    pad_inches=EDGE)
        fig.savefig(svg, facecolor="white", metadata={"Date": None}, bbox_inches="tight", pad_inches=EDGE)
    return png, svg
