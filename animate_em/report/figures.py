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

from animate_em.em import responsibilities
from animate_em.report.analysis import ReportData
from animate_em.scene.draw.ellipse import ellipse_points
from animate_em.scene.draw.figure import pinned_style
from animate_em.scene.draw.palette import OKABE_ITO, THEMES, component_rgb, mix_colours

FG = THEMES["light"].foreground
MUTED = THEMES["light"].muted
GRID = THEMES["light"].grid
FONT = 7.5          # points: tick and legend text
LABEL_FONT = 8.0
COLUMN = 6.7        # inches: the width of the PDF text column

#: Colour of each covariance type and each initialisation (Okabe-Ito, fixed).
TYPE_COLOURS = {"full": OKABE_ITO[3], "tied": OKABE_ITO[4], "diag": OKABE_ITO[2], "spherical": OKABE_ITO[5]}
INIT_COLOURS = {"random": OKABE_ITO[4], "kmeans++": OKABE_ITO[3]}

#: name -> (height in inches at COLUMN width).
HEIGHTS = {"loglik": 1.95, "poster": None, "restarts": 2.1, "selection": 1.8}


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
    _integer_ticks(ax)
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
            ax2.axhline(d.settle_tol_total, color=MUTED, lw=0.8, ls="--")
            ax2.annotate("tol·N", (it[-1] + 0.6, d.settle_tol_total), xytext=(2, 0), textcoords="offset points",
                         fontsize=FONT - 0.5, color=MUTED, ha="left", va="center", annotation_clip=False)
        ax2.legend(fontsize=FONT - 0.5, frameon=False, loc="upper right", handlelength=1.0)
    _style(ax2)
    _integer_ticks(ax2)
    _label(ax2, "iteration", "|change| (nats)", "Change per iteration")


def draw_restarts(fig, d: ReportData, rect=(0, 0, 1, 1)) -> None:
    """Left: final log-likelihood of every restart per init (strip plot). Right: best and worst fit."""
    gs = _grid(fig, rect, 1, 3, left=0.085, right=0.99, bottom=0.2, top=0.9, wspace=0.16,
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


def _fit_panel(ax, X, run, title: str, sigma: float = 2.0) -> None:
    snap = run.final
    rgb = component_rgb(THEMES["light"], snap.n_components)
    colours = mix_colours(responsibilities(X, snap), rgb)
    ax.scatter(X[:, 0], X[:, 1], s=4, c=colours, alpha=0.8, linewidths=0, rasterized=True)
    for j in range(snap.n_components):
        pts = ellipse_points(snap.means[j, :2], snap.covariances[j, :2, :2], sigma, 120)
        pts = np.vstack([pts, pts[:1]])
        ax.plot(pts[:, 0], pts[:, 1], color=rgb[j], lw=1.5)
        ax.plot(*snap.means[j, :2], marker="X", ms=5.5, color=rgb[j], mec=FG, mew=0.6)
    _style(ax, grid_axis="")
    _label(ax, title=title)


def _limits(X, runs, sigma: float = 2.0, margin: float = 0.04):
    pts = [X[:, :2]] + [ellipse_points(s.means[j, :2], s.covariances[j, :2, :2], sigma, 60)
                         for s in (r.final for r in runs) for j in range(s.n_components)]
    pts = np.vstack(pts)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = margin * (hi - lo)
    return (lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])


def _best_worst(fig, d: ReportData, slot_best, slot_worst) -> None:
    """The best and the worst final fit of all restarts on the same axes (worst relabelled to match)."""
    from animate_em.scene.runs.matching import align_runs

    pool = [(r, st.init) for st in d.restarts.values() for r in st.runs]
    best = max(pool, key=lambda p: p[0].final.log_likelihood)
    worst = min(pool, key=lambda p: p[0].final.log_likelihood)
    runs = align_runs([best[0], worst[0]])
    xlim, ylim = _limits(d.X, runs)
    ratio = (xlim[1] - xlim[0]) / (ylim[1] - ylim[0])
    for slot, run, (orig, init), which in zip((slot_best, slot_worst), runs, (best, worst), ("best", "worst")):
        ax = fig.add_subplot(slot)
        _fit_panel(ax, d.X, run, f"{which}: init={init}, LL = {run.final.log_likelihood:.2f}"
                   .replace("-", "\u2212"))
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        if 1 / 3 < ratio < 3:
            ax.set_aspect("equal", adjustable="box", anchor="N")


def draw_selection(fig, d: ReportData, rect=(0, 0, 1, 1)) -> None:
    """BIC (left) and AIC (right) against K, one line per covariance type."""
    sel = d.selection
    gs = _grid(fig, rect, 1, 2, left=0.1, right=0.985, bottom=0.19, top=0.88, wspace=0.25)
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
            ax.legend(fontsize=FONT - 0.5, frameon=False, ncols=2, loc="upper right", handlelength=1.4,
                      columnspacing=0.8)


def draw_image(fig, image: np.ndarray) -> None:
    """A raster picture (the poster grid) filling the figure."""
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(image, interpolation="antialiased")
    ax.set_axis_off()


DRAW = {"loglik": draw_loglik, "restarts": draw_restarts, "selection": draw_selection}


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

def figure_height(name: str, poster: np.ndarray | None = None) -> float:
    """Height in inches of figure ``name`` at the column width."""
    if name == "poster":
        return COLUMN * poster.shape[0] / poster.shape[1]
    return HEIGHTS[name]


def standalone(name: str, d: ReportData, poster: np.ndarray | None = None) -> Figure:
    """Figure ``name`` on its own canvas (COLUMN inches wide)."""
    with pinned_style():
        fig = Figure(figsize=(COLUMN, figure_height(name, poster)), facecolor="white")
        FigureCanvasAgg(fig)
        if name == "poster":
            draw_image(fig, poster[..., :3])
        else:
            DRAW[name](fig, d)
    return fig


def save(fig: Figure, folder: Path, name: str, dpi: int = 200) -> tuple[Path, Path]:
    """Write ``name.png`` and ``name.svg`` into ``folder``; returns both paths."""
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    with pinned_style():
        fig.savefig(png, dpi=dpi, facecolor="white", metadata={"Software": None})
        fig.savefig(svg, facecolor="white", metadata={"Date": None})
    return png, svg
