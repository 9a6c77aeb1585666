"""The poster of a sweep: the converged fit for every K side by side, the chosen K framed."""
from __future__ import annotations

import math
import types

import numpy as np

from animate_em.scene.figure import SMALL, STATUS, TITLE, Sizing, make_figure, pinned_style
from animate_em.scene.frames import _shrink_to_width, point_area
from animate_em.scene.overlays import HIGHLIGHT_PX
from animate_em.scene.palette import mix_colours
from animate_em.scene.panels import DataPanel, data_limits, mass_percent, sigma_text, signed, widen_to_aspect
from animate_em.scene.sweep import CRITERION_NAMES, chosen_index, criterion_values, true_k
from animate_em.scene.sweep_frames import DECIMALS, fit_text, sweep_settings


def sweep_poster(prepared, columns: int | None = None) -> np.ndarray:
    """Small multiples of a sweep: the final fit of every K, titled with its criterion value.

    Parameters
    ----------
    prepared : Prepared
        A prepared ``kind = "sweep"`` scene.
    columns : int or None
        Panels per row; None: at most four (7 K values give rows of 4 and 3).

    Returns
    -------
    ndarray of shape (H, W, 4), uint8
        ``W`` is the scene's frame width; ``H`` what the rows need, even.
    """
    p = prepared
    runs = p.runs
    n = len(runs)
    if columns is not None and columns < 1:
        raise ValueError(f"columns must be >= 1, got {columns}")
    cols = min(n, columns or min(4, max(1, math.ceil(math.sqrt(n * 1.6)))))
    rows = math.ceil(n / cols)
    W = int(p.width)
    unit = W * 9 / 16
    sigma = float(getattr(getattr(p.scene, "style", None), "sigma", 2.0))
    theme = p.theme
    X = np.asarray(p.X, dtype=float)[:, :2]
    criterion, _ = sweep_settings(p)
    name = CRITERION_NAMES[criterion]
    values = criterion_values(runs, criterion)
    chosen = int(getattr(p.timeline, "chosen", chosen_index(values)))
    xlim, ylim = data_limits(X, [types.SimpleNamespace(snapshots=(r.final,)) for r in runs], sigma)
    aspect = (xlim[1] - xlim[0]) / (ylim[1] - ylim[0])
    equal = 1 / 3 < aspect < 3
    box_aspect = min(max(aspect, 0.75), 1.5) if equal else 1.25

    margin, gap = 0.05 * unit, 0.035 * unit
    title_h, sub_h, panel_title_h = TITLE * 1.35 * unit, STATUS * 1.5 * unit, SMALL * 1.9 * unit
    panel_w = (W - 2 * margin - (cols - 1) * gap) / cols
    panel_h = panel_w / box_aspect
    H = margin * 2 + title_h + sub_h + gap * 0.5 + rows * (panel_title_h + panel_h) + (rows - 1) * gap
    H = int(math.ceil(H / 2) * 2)
    sizing = Sizing(W, H, unit)

    with pinned_style():
        fig, canvas = make_figure(sizing, theme.background)
        renderer = canvas.get_renderer()
        fg = theme.foreground
        top = H - margin
        t = fig.text(margin / W, top / H, getattr(p.scene, "title", "") or "", ha="left", va="top",
                     fontsize=sizing.pt(TITLE), fontweight="bold", color=fg)
        _shrink_to_width(t, renderer, W - 2 * margin)
        truth = true_k(getattr(p, "true_params", None))
        what = fit_text(runs[0])
        sub = (f"the converged fit for each K · lowest {name} at K = {runs[chosen].final.n_components} (framed)"
               + (f" · true K = {truth}" if truth is not None else "")
               + (f" · each K: {what}" if what else "")
               + f" · ellipses: {sigma_text(sigma)} ({mass_percent(sigma)} of mass)")
        s = fig.text(margin / W, (top - title_h - 0.25 * sub_h) / H, sub, ha="left", va="top",
                     fontsize=sizing.pt(STATUS * 0.85), color=theme.muted)
        _shrink_to_width(s, renderer, W - 2 * margin)

        from animate_em.em import responsibilities
        kmax = max(r.final.n_components for r in runs)
        y_top = top - title_h - sub_h - gap * 0.5
        for i, run in enumerate(runs):
            r, c = divmod(i, cols)
            x0 = margin + c * (panel_w + gap)
            y1 = y_top - r * (panel_title_h + panel_h + gap) - panel_title_h
            ax = fig.add_axes([x0 / W, (y1 - panel_h) / H, panel_w / W, panel_h / H])
            pxlim, pylim = widen_to_aspect(xlim, ylim, box_aspect) if equal else (xlim, ylim)
            panel = DataPanel(ax, X, kmax, pxlim, pylim, sizing, theme, sigma=sigma,
                              point_size=point_area(sizing, len(X), panel_h), point_alpha=theme.point_alpha,
                              line_width=sizing.lw(2.0))
            snap = run.final
            k = snap.n_components
            panel.show(mix_colours(responsibilities(X, snap), panel.rgb[:k]), snap.means[:, :2],
                       snap.covariances[:, :2, :2])
            for e in panel.ellipses[k:]:
                e.set_visible(False)
            for a in panel.animated():
                a.set_animated(False)
            best = i == chosen
            head = fig.text(x0 / W, (y1 + 0.3 * panel_title_h) / H,
                            f"K = {k} · {name} {signed(values[i], DECIMALS)}", ha="left", va="baseline",
                            fontsize=sizing.pt(SMALL), color=fg, fontweight="bold" if best else "normal")
            _shrink_to_width(head, renderer, panel_w)
            if best:
                from matplotlib.patches import Rectangle
                ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False, edgecolor=fg,
                                       linewidth=sizing.lw(HIGHLIGHT_PX), zorder=8, clip_on=False))
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()
