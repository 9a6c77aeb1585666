"""Posters: small multiples of fitted states on one set of axis limits, under a title.

The poster is the classic report figure: a grid of data panels, each with
the points coloured by their responsibilities at one snapshot, its ellipses
and means. Each kind of scene chooses the snapshots (:mod:`animate_em.scene.kinds`):
an EM run at iterations 0, 5, 10, ..., a sweep the converged fit of every K.
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.patches import Rectangle

from animate_em.scene.draw.figure import SMALL, STATUS, TITLE, Sizing, make_figure, pinned_style
from animate_em.scene.draw.overlays import HIGHLIGHT_PX
from animate_em.scene.draw.palette import component_rgb, mix_colours
from animate_em.scene.draw.panels import DataPanel, widen_to_aspect
from animate_em.scene.draw.parts import data_view, point_area, shrink_to_width, title_row


#: Most panels a poster of one run shows: more would make every title too small to read.
POSTER_LIMIT = 12


def poster_iterations(n_iter: int, every: int, limit: int | None = POSTER_LIMIT) -> list[int]:
    """Snapshot indices shown on the poster: 0, every, 2*every, ... and always ``n_iter``.

    A run too long for ``limit`` panels at that spacing is shown at 0, 1, 2, 5,
    10, 20, 50, ... and ``n_iter`` instead (the early iterations carry the
    story), dropping the smallest steps while there are still too many.
    """
    if every < 1:
        raise ValueError(f"every must be >= 1, got {every}")
    shown = list(range(0, n_iter + 1, every))
    if shown[-1] != n_iter:
        shown.append(n_iter)
    if limit is None or len(shown) <= max(limit, 2):
        return shown
    steps = [m * 10 ** e for e in range(12) for m in (1, 2, 5) if m * 10 ** e < n_iter]
    shown = [0, *steps, n_iter]
    while len(shown) > max(limit, 2):
        del shown[1]
    return shown


def poster_columns(count: int, columns: int | None) -> int:
    """Panels per row of a poster of `count` panels: `columns` if given, else about 16:9 overall."""
    if columns is not None:
        if columns < 1:
            raise ValueError(f"columns must be >= 1, got {columns}")
        return min(columns, count)
    # Rows of about 16:9 proportions overall, never more than six panels across; of the counts next
    # to that, the one that leaves the fewest empty cells (nine panels as 3 x 3 or 5 + 4, not
    # 4 + 4 + 1 with one orphan), the nearer one on a tie, then the wider.
    ideal = max(1, min(count, 6, round(math.sqrt(count * 16 / 9))))
    candidates = [c for c in (ideal - 1, ideal, ideal + 1) if 1 <= c <= min(count, 6)]
    return min(candidates, key=lambda c: (-count % c, abs(c - ideal), -c))


def small_multiples(prepared, snapshots: list, headings: list[str], *, fits: list, k: int, subtitle: str,
                    columns: int, framed: int | None = None, legend: bool = False,
                    positions: np.ndarray | None = None) -> np.ndarray:
    """A grid of data panels, one per snapshot, under the scene's title and ``subtitle``.

    Parameters
    ----------
    prepared : Prepared
    snapshots : list of Snapshot or None
        The fit each panel shows: points coloured by its responsibilities, its ellipses and
        means; None leaves the cell empty (a row per run whose runs differ in length).
    headings : list of str
        One line above each panel.
    fits : list of Run (or objects with ``snapshots``)
        Every ellipse of these fits lies within the shared axis limits.
    k : int
        Most components of any snapshot (panels of smaller fits hide the rest).
    subtitle : str
    columns : int
        Panels per row.
    framed : int or None
        Index of the panel framed and headed in bold.
    legend : bool
        Name the components ("● π₁  ● π₂ ...") at the right of the subtitle row, so a
        component's number maps to its colour.
    positions : ndarray of shape (N, 2), optional
        Where the points are drawn, when not at the data (jittered on a measurement grid).

    Returns
    -------
    ndarray of shape (H, W, 4), uint8
        ``W`` is the scene's frame width; ``H`` is what the rows need, even.
    """
    p = prepared
    cols = columns
    rows = math.ceil(len(snapshots) / cols)
    W = int(p.width)
    unit = W * 9 / 16
    sigma = float(getattr(getattr(p.scene, "style", None), "sigma", 2.0))
    theme = p.theme
    X = np.asarray(p.X, dtype=float)[:, :2]
    # The frames' rule: limits framed on the data, axes labelled for a user's data or units.
    view = data_view(p, X, fits, sigma)
    xlim, ylim = view.xlim, view.ylim
    equal = view.equal
    box_aspect = min(max(view.aspect, 0.75), 1.5) if equal else 1.25
    decor = view.decor()
    # Shared limits: tick labels and names on the left column and the bottom row only.
    left, bottom = decor["data_left"] * unit, decor["data_bottom"] * unit

    margin, gap = 0.05 * unit, 0.035 * unit
    title_h, sub_h, panel_title_h = TITLE * 1.35 * unit, STATUS * 1.5 * unit, SMALL * 1.9 * unit
    panel_w = (W - 2 * margin - left - (cols - 1) * gap) / cols
    panel_h = panel_w / box_aspect
    H = (margin * 2 + title_h + sub_h + gap * 0.5 + rows * (panel_title_h + panel_h) + (rows - 1) * gap
         + bottom)
    H = int(math.ceil(H / 2) * 2)
    sizing = Sizing(W, H, unit)

    with pinned_style():
        fig, canvas = make_figure(sizing, theme.background)
        renderer = canvas.get_renderer()
        fg = theme.foreground
        top = H - margin
        title_row(fig, p, margin, W - margin, top, sizing, renderer)
        room = W - 2 * margin
        if legend:
            room -= _component_legend(fig, renderer, sizing, theme, k, x1=W - margin,
                                      y=top - title_h - 0.25 * sub_h, size=sizing.pt(STATUS * 0.85))
        s = fig.text(margin / W, (top - title_h - 0.25 * sub_h) / H, subtitle, ha="left", va="top",
                     fontsize=sizing.pt(STATUS * 0.85), color=theme.muted)
        shrink_to_width(s, renderer, room)

        from animate_em.em import responsibilities
        # Drawn where the frames draw them (jittered on a coarse measurement grid); coloured by the fit.
        shown = X if positions is None else np.asarray(positions, dtype=float)[:, :2]
        y_top = top - title_h - sub_h - gap * 0.5
        heads = []
        for i, (snap, heading) in enumerate(zip(snapshots, headings)):
            if snap is None:
                continue
            r, c = divmod(i, cols)
            x0 = margin + left + c * (panel_w + gap)
            y1 = y_top - r * (panel_title_h + panel_h + gap) - panel_title_h
            ax = fig.add_axes([x0 / W, (y1 - panel_h) / H, panel_w / W, panel_h / H])
            pxlim, pylim = widen_to_aspect(xlim, ylim, box_aspect) if equal else (xlim, ylim)
            last_row = i + cols >= len(snapshots)
            panel = DataPanel(ax, shown, k, pxlim, pylim, sizing, theme, sigma=sigma,
                              point_size=point_area(sizing, len(X), panel_h), point_alpha=theme.point_alpha,
                              line_width=sizing.lw(2.0), ticks=view.ticks,
                              xlabel=view.xlabel if last_row else None, ylabel=view.ylabel if c == 0 else None)
            if view.ticks:
                ax.tick_params(labelleft=c == 0, labelbottom=last_row)
            kj = snap.n_components
            # Jittered points are coloured where they were measured (a density image by its cells).
            where = X if positions is not None and len(panel.colour_points) == len(X) else panel.colour_points
            panel.show(mix_colours(responsibilities(where, snap), panel.rgb[:kj]), snap.means[:, :2],
                       snap.covariances[:, :2, :2])
            for a in panel.animated():
                a.set_animated(False)
            best = i == framed
            head = fig.text(x0 / W, (y1 + 0.3 * panel_title_h) / H, heading, ha="left", va="baseline",
                            fontsize=sizing.pt(SMALL), color=fg, fontweight="bold" if best else "normal")
            shrink_to_width(head, renderer, panel_w)
            heads.append(head)
            if best:
                ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False, edgecolor=fg,
                                       linewidth=sizing.lw(HIGHLIGHT_PX), zorder=8, clip_on=False))
        # One size for the panel titles (shrunk one by one they read as three kinds of heading): the
        # median of what each needed, so one long run name does not make every title tiny; a title
        # that needs less keeps its own smaller size.
        if heads:
            size = float(np.median([head.get_fontsize() for head in heads]))
            for head in heads:
                head.set_fontsize(min(size, head.get_fontsize()))
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()


def _component_legend(fig, renderer, sizing: Sizing, theme, k: int, *, x1: float, y: float, size: float) -> float:
    """"● π₁  ● π₂ ..." right-aligned at ``x1`` (pixels), tops at ``y``; returns the width it takes."""
    from matplotlib.font_manager import FontProperties

    from animate_em.scene.draw.captions import component_name
    from animate_em.scene.draw.figure import text_width

    prop = FontProperties(family="DejaVu Sans", size=size)
    rgb = component_rgb(theme, k)
    gap, space = text_width(renderer, "   ", prop), text_width(renderer, " ", prop)
    x = x1
    for j in reversed(range(k)):
        name = component_name(j)
        x -= text_width(renderer, name, prop)
        fig.text(x / sizing.width, y / sizing.height, name, ha="left", va="top", fontproperties=prop,
                 color=theme.muted)
        x -= space + text_width(renderer, "●", prop)
        fig.text(x / sizing.width, y / sizing.height, "●", ha="left", va="top", fontproperties=prop,
                 color=tuple(rgb[j]))
        x -= gap
    return x1 - x
