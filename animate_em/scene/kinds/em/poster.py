"""The poster of an EM scene: small multiples of every run.

One run: its fit every few iterations (at most :data:`~.poster.POSTER_LIMIT`
panels, a wider spacing for long runs). Two to four runs: a row per run.
Five runs or more, or runs the scene ranks: the final fit of every run, in
rank order, runs that reach the same optimum sharing a rank.
"""
from __future__ import annotations

import numpy as np

from animate_em.scene.draw.captions import optimum_text, same_optimum_tolerance
from animate_em.scene.draw.overlays import optimum_groups, rank_order, ranks
from animate_em.scene.draw.panels import mass_percent, sigma_text, signed
from animate_em.scene.draw.poster import POSTER_LIMIT, poster_columns, poster_iterations, small_multiples
from animate_em.scene.runs.data import shown_positions, stacked_axes

#: Panels per row of a poster with a row per run.
ROW_LIMIT = 6
#: From this many runs on, a poster shows the final fit of each run rather than a row per run.
FINALS_FROM = 5


def _outcome(fit) -> str:
    n = len(fit.snapshots) - 1
    if fit.extras.get("recorded"):
        return f"{n} recorded iteration{'s' if n != 1 else ''}"     # why it stopped is not ours to say
    if fit.collapse is not None:
        return f"stopped after {n} iteration{'s' if n != 1 else ''}: a component collapsed"
    return ("converged" if fit.converged else "stopped") + f" after {n} iteration{'s' if n != 1 else ''}"


def _spacing(shown: list[int]) -> str:
    """"every 5 iterations" or "iterations 0, 1, 2, 5, ...": how the panels were chosen."""
    steps = {b - a for a, b in zip(shown, shown[1:-1])}
    if len(shown) > 2 and len(steps) == 1:
        step = steps.pop()
        return f"the fit every {step} iteration{'s' if step != 1 else ''}"
    return "the fit at iterations " + ", ".join(str(t) for t in shown)


def _positions(p) -> np.ndarray:
    """Where the frames draw the points (see :func:`~animate_em.scene.runs.data.shown_positions`)."""
    X = np.asarray(p.X, dtype=float)[:, :2]
    return shown_positions(X, stacked_axes(X))


def poster_image(prepared, every: int = 5, columns: int | None = None, run: int | None = None) -> np.ndarray:
    """Small multiples of the scene's runs (see the module's description).

    Parameters
    ----------
    prepared : Prepared
    every : int
        Iterations between panels of one run.
    columns : int or None
        Panels per row; None picks a layout of roughly 16:9.
    run : int or None
        Show only this run of the scene (its fit every ``every`` iterations);
        None shows every run.

    Returns
    -------
    ndarray of shape (H, W, 4), uint8
        ``W`` is the scene's frame width; ``H`` is what the rows need, even.
    """
    p = prepared
    sigma = float(getattr(getattr(p.scene, "style", None), "sigma", 2.0))
    ellipses = f"ellipses: {sigma_text(sigma)} ({mass_percent(sigma)} of mass)"
    k = p.runs[0].snapshots[0].n_components
    if run is not None or len(p.runs) == 1:
        r = 0 if run is None else run
        fit = p.runs[r]
        snaps = fit.snapshots
        shown = poster_iterations(len(snaps) - 1, every, POSTER_LIMIT)
        label = f"{p.labels[r]} · " if len(p.runs) > 1 else ""
        sub = f"{label}{_spacing(shown)} · {_outcome(fit)} · {ellipses}"
        headings = [f"iteration {it} · LL = {signed(snaps[it].log_likelihood, 2)}" for it in shown]
        return small_multiples(p, [snaps[it] for it in shown], headings, fits=[fit], k=k, subtitle=sub,
                               columns=poster_columns(len(shown), columns), legend=True, positions=_positions(p))
    ranked = bool(getattr(getattr(p.scene, "style", None), "rank_runs", False))
    if ranked or len(p.runs) >= FINALS_FROM:
        return _finals(p, ranked, columns, ellipses, k)
    return _rows(p, every, columns, ellipses, k)


def _rows(p, every: int, columns: int | None, ellipses: str, k: int) -> np.ndarray:
    """A row per run: each run's fit every ``every`` iterations (at most ``ROW_LIMIT`` panels)."""
    limit = min(ROW_LIMIT, columns) if columns else ROW_LIMIT
    lists = [poster_iterations(len(fit.snapshots) - 1, every, limit) for fit in p.runs]
    cols = max(len(shown) for shown in lists)
    snapshots, headings = [], []
    for label, fit, shown in zip(p.labels, p.runs, lists):
        for c in range(cols):
            if c < len(shown):
                it = shown[c]
                snapshots.append(fit.snapshots[it])
                # The run's name opens its row; the last panel of a row is where the run stopped.
                headings.append(label if c == 0 else
                                f"iteration {it} · LL {signed(fit.snapshots[it].log_likelihood, 2)}")
            else:
                snapshots.append(None)
                headings.append("")
    sub = f"a row per run, from its start (left) to where it stopped · {ellipses}"
    return small_multiples(p, snapshots, headings, fits=list(p.runs), k=k, subtitle=sub, columns=cols,
                           legend=True, positions=_positions(p))


def _finals(p, ranked: bool, columns: int | None, ellipses: str, k: int) -> np.ndarray:
    """The final fit of every run; ranked runs in rank order, runs at one optimum sharing a rank."""
    n_points = len(p.X)
    finals = np.array([fit.final.log_likelihood if fit.collapse is None else -np.inf for fit in p.runs])
    tolerance = same_optimum_tolerance([fit.settings.get("tol") for fit in p.runs], n_points)
    groups = optimum_groups(finals, tolerance)
    top = {r: finals[g[0]] for g in groups for r in g}
    order = rank_order(ranks(finals, tolerance)) if ranked else list(range(len(p.runs)))
    rank = ranks(finals, tolerance)
    headings = []
    for r in order:
        value = "collapsed" if not np.isfinite(finals[r]) else f"LL = {signed(top[r], 2)}"
        headings.append((f"#{rank[r]} · " if ranked else "") + f"{p.labels[r]} · {value}")
    what = "the final fit of every run" + (", ranked by log-likelihood (#1 = highest)" if ranked else "")
    sub = f"{what} · {optimum_text(finals, tolerance, 2)} · {ellipses}"
    best = order.index(groups[0][0]) if ranked and np.isfinite(finals[groups[0][0]]) else None
    return small_multiples(p, [p.runs[r].final for r in order], headings, fits=list(p.runs), k=k,
                           subtitle=sub, columns=poster_columns(len(order), columns), framed=best, legend=True,
                           positions=_positions(p))
