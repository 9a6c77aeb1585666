"""The frames of an animation of EM: one figure, drawn once, then only what moves.

:class:`EmFrameSource` builds the figure of a prepared scene (title, status
line, one data panel per run, the shared log-likelihood panel, notes); the
blitting engine it inherits (:class:`~animate_em.scene.frames.blit.BlittedFigure`)
draws everything that does not move once and per frame only the moving
artists: point colours, ellipses, means, traces, markers and the numbers of
the caption. Ghost ellipses and "converged" badges change a handful of times
per animation; when they do, the background is drawn and cached again, so
they cost nothing per frame. A new ghost alone is painted onto the kept
background instead of redrawing the whole figure, where that gives the same
pixels.
"""
from __future__ import annotations

import dataclasses
import math
from typing import NamedTuple

import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

from animate_em.scene.draw.captions import (
    PHASE_TEXT,
    RESOLUTION_PER_POINT,
    badge_texts,
    component_name,
    end_text,
    ghost_note,
    same_optimum_tolerance,
    shown_decimals,
    start_text,
)
from animate_em.scene.draw.figure import LABEL, SMALL, STATUS, TICK, FixedLine, make_figure, mono_advance, text_width
from animate_em.scene.draw.layout import Decor, frame_layout, legend_shape, space_below
from animate_em.scene.draw.overlays import (
    CollapseNotice,
    GapLabel,
    RankBadge,
    collapse_shape,
    gap_runs,
    gap_shown,
    optimum_groups,
    rank_order,
    ranks,
)
from animate_em.scene.draw.palette import mix_colours
from animate_em.scene.draw.panels import (
    FALL_MARK,
    GHOST_LIMIT,
    SHAPES_FROM,
    TracePanel,
    ghost_iterations,
    ll_limits,
    mass_percent,
    sigma_text,
    signed,
    swatch,
)
from animate_em.scene.draw.parts import (
    CHAR,
    add_data_panel,
    add_notes,
    add_title,
    data_view,
    frame_sizing,
    shrink_to_width,
    style_value,
    text_extent,
)
from animate_em.scene.frames.blit import BlittedFigure, painted_last
from animate_em.scene.kinds.em.collapse import CollapseZoom
from animate_em.scene.kinds.em.reorder import PanelMover, move_fraction
from animate_em.scene.runs.data import shown_positions, stacked_axes, stacking_note
from animate_em.scene.timing.timeline import marker_position
from animate_em.scene.timing.tween import fade_colours, interpolate_parameters


class Shown(NamedTuple):
    """What one frame shows: a moment of every run, and how far ranked panels have moved (0 to 1)."""

    runs: tuple
    move: float


def resolve_layout(layout: str | None, n_runs: int) -> str:
    """``single`` / ``row`` / ``grid``; ``auto`` is single for one run, row up to 3, grid beyond."""
    if layout in ("single", "row", "grid") and not (layout == "single" and n_runs > 1):
        return layout
    return "single" if n_runs == 1 else ("row" if n_runs <= 3 else "grid")


class EmFrameSource(BlittedFigure):
    """The frames of a prepared EM scene: iterable, ``len()`` known before drawing, ``frame(i)``.

    See :class:`~animate_em.scene.frames.blit.BlittedFigure` for ``copy`` and the
    guarantees (byte-identical frames for the same input, blitted frames equal
    to ``frame(i, full_redraw=True)``).
    """

    def __init__(self, prepared, *, copy: bool = True):
        super().__init__(prepared, copy=copy)
        self._colours: list[dict] = [dict() for _ in prepared.runs]

    # -------------------------------------------------------------------------
    # Building the figure
    # -------------------------------------------------------------------------
    def _build(self) -> None:
        p = self.prepared
        runs = p.runs
        self.sigma = float(style_value(p, "sigma", 2.0))
        self.ghost_every = int(style_value(p, "ghost_every", 5) or 0)
        show_trace = bool(style_value(p, "show_trace", True))
        self.per_sample = style_value(p, "trace_scale", "total") == "per-sample"
        theme = p.theme
        self.theme = theme
        self.sizing = sizing = frame_sizing(int(p.width), int(p.height))
        X = np.asarray(p.X, dtype=float)[:, :2]
        self.X = X
        n_runs = len(runs)
        self.k = runs[0].snapshots[0].n_components

        traces = [np.array([s.log_likelihood for s in run.snapshots], dtype=float) for run in runs]
        self.ll = traces
        scale = 1.0 / len(X) if self.per_sample else 1.0
        self.plot_traces = [t * scale for t in traces]
        # Numbers compared across runs get the digits that tell them apart (collapsed runs are
        # unbounded, never compared); per-point values need more digits than totals.
        self.finals = [t[-1] if run.collapse is None else np.nan for t, run in zip(self.plot_traces, runs)]
        self.resolution = RESOLUTION_PER_POINT * (1.0 if self.per_sample else len(X))
        # Runs that stop near one optimum are one result: one rank, one number (see optimum_groups).
        self.same_optimum = same_optimum_tolerance([run.settings.get("tol") for run in runs], len(X),
                                                   per_point=self.per_sample)
        finals = [f if np.isfinite(f) else -np.inf for f in self.finals]
        self.optimum_tops = [self.finals[g[0]] for g in optimum_groups(finals, self.same_optimum)]
        self.decimals = shown_decimals(self.optimum_tops, 4 if self.per_sample else 2, self.resolution)

        view = data_view(p, X, runs, self.sigma)
        decor = Decor(header=LABEL * 1.7 if n_runs > 1 else 0.0, footer=SMALL * 1.8, **view.decor())
        ylim_ll = ll_limits(self.plot_traces, max(len(t) - 1 for t in traces))[1]
        ll_chars = max(len(signed(v, 0)) for v in MaxNLocator(5).tick_values(*ylim_ll)) + (
            3 if self.per_sample else 0)
        lengths = [len(t) - 1 for t in traces]
        # A race of three or more runs of very different lengths needs a wide trace to show the short ones.
        race = n_runs > 2 and min(lengths) < 0.5 * max(lengths)
        decor = Decor(**{**decor.__dict__,
                         "trace_left": TICK * CHAR * ll_chars + LABEL * 1.5 + 0.025,
                         "trace_share": 0.38 if race else 0.0})
        fig, canvas = make_figure(sizing, theme.background)
        self.fig, self.canvas = fig, canvas
        renderer = canvas.get_renderer()
        arrangement = resolve_layout(getattr(p.scene, "layout", None), n_runs)

        def plan(legend_rows: int):
            return frame_layout(sizing, n_panels=n_runs, arrangement=arrangement, data_aspect=view.aspect,
                                equal_aspect=view.equal, show_trace=show_trace,
                                decor=dataclasses.replace(decor, trace_top=legend_rows * SMALL * 1.9))

        layout = plan(1 if n_runs > 1 else 0)
        self.legend_columns = n_runs
        if n_runs > 1 and layout.trace is not None:
            rows, cols = legend_shape(renderer, sizing, list(p.labels), layout.trace.width)
            if rows > 1:
                layout = plan(rows)
                rows, cols = legend_shape(renderer, sizing, list(p.labels), layout.trace.width)
            self.legend_columns = cols
        self.layout = layout
        W, H = sizing.width, sizing.height
        fg = theme.foreground

        # -- title and status line ---------------------------------------------
        self.title = add_title(fig, p, layout, sizing, renderer)
        base = layout.status.y0 + 0.3 * layout.status.height
        n_digits = len(str(max(len(t) - 1 for t in traces)))
        ll_template = max((signed(v, self.decimals) for t in self.plot_traces for v in t if np.isfinite(v)),
                          key=len, default="0.00")
        ll_template = "8" * len(ll_template)
        segments = [("iteration", "word"), ("8" * n_digits, "number"), ("·", "word")]
        if n_runs == 1:
            segments += [("mean log-likelihood" if self.per_sample else "log-likelihood", "word"),
                         (ll_template, "number"), ("·", "word")]
        tails = [*PHASE_TEXT.values(), start_text(self.prepared.runs)]
        size = sizing.pt(STATUS)
        probe = FixedLine.measure(renderer, size, segments + [(max(tails, key=len), "word")])
        # Narrow frames: a smaller status line rather than one that runs off the frame.
        size *= max(0.6, min(1.0, layout.status.width / probe))
        segments += [("", "tail")]
        self.status = FixedLine(fig, renderer, layout.status.x0, base, size, segments, fg)
        self.status_ll = 4 if n_runs == 1 else None
        self.end_line = FixedLine(fig, renderer, layout.status.x0, base, sizing.pt(STATUS),
                                  [(end_text(p.labels, p.runs, self.plot_traces, self.decimals,
                                             self.same_optimum), "word")], fg)
        shrink_to_width(self.end_line.texts[0], renderer, layout.status.width)

        # -- data panels -------------------------------------------------------
        self.panels, self.footers, self.badges = [], [], []
        true = getattr(p, "true_params", None) if style_value(p, "show_true", False) else None
        # Points measured on a coarse grid stack up: they are drawn jittered within their cell.
        stacked = self.stacked = stacked_axes(X)
        shown = self.shown = shown_positions(X, stacked)
        panel_artists = []
        for r, (run, slot) in enumerate(zip(runs, layout.panels)):
            made = len(fig.texts), len(fig.artists)
            panel = add_data_panel(fig, slot, p, shown, self.k, view, sizing, theme, self.sigma)
            if true is not None:
                panel.add_reference(true["means"], true["covariances"])
            self.panels.append(panel)
            footer = self._weights_line(slot, renderer, panel.rgb)
            ll_line = None
            if n_runs > 1:
                ll_line = FixedLine(fig, renderer, slot.footer.x1, slot.footer.y0 + 0.3 * slot.footer.height, sizing.pt(SMALL),
                                    [("log-lik.", "word"), (ll_template, "number")], fg, align="right",
                                    colours=[theme.muted, None])
                if ll_line.width + (footer.width if footer else 0) + sizing.px(0.02) > slot.footer.width:
                    ll_line.set_visible(False)
                    ll_line = None
                y = (slot.header.y0 + 0.3 * slot.header.height) / H
                label = fig.text(slot.header.x0 / W, y, p.labels[r], ha="left", va="baseline",
                                 fontsize=sizing.pt(LABEL), fontweight="bold", color=fg)
                shrink_to_width(label, renderer, slot.header.width * 0.6)
                room = slot.header.width - text_extent(label, renderer).width - sizing.px(0.02)
                badge = fig.text(slot.header.x1 / W, y, "", ha="right", va="baseline",
                                 fontsize=sizing.pt(SMALL), color=fg,
                                 bbox=dict(boxstyle="round,pad=0.25", facecolor=theme.grid, edgecolor="none"))
                for text in badge_texts(run):
                    badge.set_text(text)
                    if text_extent(badge, renderer).width <= room:
                        break
                badge.set_visible(False)
                self.badges.append(badge)
            self.footers.append((footer, ll_line))
            panel_artists.append(fig.texts[made[0]:] + fig.artists[made[1]:])

        # -- log-likelihood panel ------------------------------------------------
        self.trace = None
        if layout.trace is not None:
            ax = fig.add_axes(layout.trace.fraction(sizing))
            ylabel_ll = "log-likelihood (mean per point)" if self.per_sample else "log-likelihood (total)"
            self.trace = TracePanel(ax, self.plot_traces, list(p.labels), sizing, theme, ylabel=ylabel_ll,
                                    legend_columns=self.legend_columns,
                                    mark_falls=[bool(run.extras.get("recorded")) for run in runs])

        self._build_overlays()
        self.mover = None
        if self.ranks is not None:
            for r, notice in self.overlays_run:
                panel_artists[r] += notice.artists
            mover = PanelMover(fig, [panel.ax for panel in self.panels], panel_artists, rank_order(self.ranks))
            self.mover = mover if mover.moves else None

        # -- notes ---------------------------------------------------------------
        note = (f"ellipses: {sigma_text(self.sigma)} ({mass_percent(self.sigma)} of mass)   "
                + ("✕ means" if self.k < SHAPES_FROM else "marks: means"))
        ghosts = ghost_note(self.ghost_every, max(len(t) - 1 for t in traces), GHOST_LIMIT)
        if ghosts:
            note += f"   {ghosts}"
        if true is not None:
            note += "   dashed: true mixture"
        if stacked:
            note += f"   {stacking_note(stacked, p.columns, p.units)}"
        if self.trace is not None and self.trace.any_falls:
            note += f"   {FALL_MARK} log-likelihood fell"
        self.note, self.note_right = add_notes(fig, layout, sizing, theme, renderer, note,
                                               # N and K are in the title row (data_tag).
                                               "")

        # Everything redrawn each frame, in the order a full draw would paint it.
        self.dynamic = []
        for panel in self.panels:
            self.dynamic += panel.animated()
        if self.trace is not None:
            self.dynamic += self.trace.animated()
        self.dynamic += self.status.dynamic()
        for footer, ll_line in self.footers:
            if footer is not None:
                self.dynamic += footer.dynamic()
            if ll_line is not None:
                self.dynamic += ll_line.dynamic()
        # Overlays too (invisible until the runs end); BlittedFigure paints all of these in the order
        # of a full draw, so an overlay goes over or under a moving artist exactly as its zorder says.
        for overlay in [*self.overlays_all, *(o for _, o in self.overlays_run), *self.zooms.values()]:
            self.dynamic += overlay.artists
        # Painted first, into the second cached layer (see BlittedFigure).
        self.points = [panel.points for panel in self.panels]

    def _build_overlays(self) -> None:
        """Punchlines shown once runs finish: the gap, the ranks, a collapse (see :mod:`.overlays`)."""
        p, sizing, theme = self.prepared, self.sizing, self.theme
        collapsed = [run.collapse is not None for run in p.runs]
        self.overlays_all, self.overlays_run = [], []
        self.ranks = None
        if style_value(p, "annotate_gap", False) and self.trace is not None:
            pair = gap_runs(self.plot_traces, collapsed)
            decimals = None if pair is None else gap_shown(self.plot_traces, pair, 3 if self.per_sample else 1,
                                                           self.resolution)
            if decimals is not None:
                self.overlays_all.append(GapLabel(self.trace.ax, self.plot_traces, pair, sizing, theme,
                                                  total=not self.per_sample, decimals=decimals))
        if style_value(p, "rank_runs", False) and len(p.runs) > 1:
            finals = [t[-1] if not c else -np.inf for t, c in zip(self.plot_traces, collapsed)]
            groups = optimum_groups(finals, self.same_optimum)
            self.ranks = ranks(finals, self.same_optimum)
            # Every run of a group shows the group's value; n_init would keep its highest run (framed).
            top = {r: finals[g[0]] for g in groups for r in g}
            for r, panel in enumerate(self.panels):
                self.overlays_all.append(RankBadge(panel.ax, int(self.ranks[r]), sizing, theme,
                                                   best=r == groups[0][0], value=top[r], decimals=self.decimals))
        self.zooms = {}
        for r, (run, panel) in enumerate(zip(p.runs, self.panels)):
            if run.collapse is not None and 0 <= run.collapse.component < self.k:
                j = run.collapse.component
                # Where it happens, magnified: the points it shrinks onto, its ellipse, its determinant.
                zoom = self.zooms[r] = CollapseZoom(panel, run, self.X, self.shown, sizing, theme, self.sigma)
                shape, n_points = collapse_shape(run, self.X)
                self.overlays_run.append((r, CollapseNotice(
                    panel.ax, j, panel.rgb[j], sizing, theme, shape=shape, n_points=n_points, X=self.X,
                    snapshot=run.snapshots[-1], sigma=self.sigma, below=self._space_below(r),
                    avoid=[zoom.bbox()] + [o.artists[0].get_window_extent() for o in self.overlays_all
                                           if isinstance(o, RankBadge) and o.artists[0].axes is panel.ax])))

    def _space_below(self, r: int):
        trace = [] if self.trace is None else [self.trace.ax.get_tightbbox(self.canvas.get_renderer()).extents]
        return space_below(self.layout, r, self.sizing.px(0.015), trace)

    def _weights_line(self, slot, renderer, rgb) -> FixedLine | None:
        """"● π₁ 0.31   ● π₂ 0.22 ...": one mono number string; swatches and names are fixed words.

        The names number the components from 1, so "component 2" in a notice or
        a report maps to a colour. Narrow panels get a smaller font, then the
        swatches without names; None when even that does not fit. Weights are
        always written "0.31".
        """
        fig, sizing, theme = self.fig, self.sizing, self.theme
        y = slot.footer.y0 + 0.3 * slot.footer.height
        names = [component_name(j) for j in range(self.k)]
        for scale, named in ((1.0, True), (0.88, True), (1.0, False), (0.88, False), (0.78, False), (0.68, False)):
            size = sizing.pt(SMALL) * scale
            advance = mono_advance(renderer, size)
            sans = FontProperties(family="DejaVu Sans", size=size)
            swatch_width = text_width(renderer, "●", sans)
            name_width = max(text_width(renderer, name, sans) for name in names) if named else 0.0
            # Swatch, a space, the name and a space before each number; two spaces between components.
            lead = math.ceil((swatch_width + 0.5 * advance + (name_width + 0.5 * advance if named else 0.0))
                             / advance)
            fields = [" " * (lead + (2 if j else 0)) + "0.00" for j in range(self.k)]
            template = "".join(fields)
            if len(template) * advance <= slot.footer.width:
                break
        else:
            return None
        line = FixedLine(fig, renderer, slot.footer.x0, y, size, [(template, "number")], theme.foreground)
        x = slot.footer.x0
        for j, field in enumerate(fields):
            left = x + (2 * advance if j else 0.0)
            if self.k >= SHAPES_FROM:
                # The legend shows each component's mean marker: its second cue besides colour.
                fig.add_artist(swatch(left + 0.5 * swatch_width, y + 0.3 * size * sizing.dpi / 72.0,
                                      self.panels[0].markers[j], rgb[j], size, theme))
            else:
                fig.text((left + 0.5 * swatch_width) / sizing.width, y / sizing.height, "●", ha="center",
                         va="baseline", fontsize=size, color=tuple(rgb[j]))
            if named:
                fig.text((left + swatch_width + 0.5 * advance) / sizing.width, y / sizing.height, names[j],
                         ha="left", va="baseline", fontsize=size, color=theme.muted)
            x += len(field) * advance
        line.format = lambda weights: "".join(" " * (len(f) - 4) + f"{w:.2f}" for f, w in zip(fields, weights))
        return line

    # -------------------------------------------------------------------------
    # One frame
    # -------------------------------------------------------------------------
    def _moments(self, index: int) -> Shown:
        moments = tuple(self.timeline.moment(index, r) for r in range(len(self.prepared.runs)))
        move = 0.0
        if self.mover is not None:
            t = self.timeline
            move = move_fraction(index, t.end_start_frame, t.hold_end_frames, t.fps)
        return Shown(moments, move)

    def _static_key(self, shown) -> tuple:
        moments = shown.runs
        ghosts = [ghost_iterations(len(run.snapshots) - 1, self.ghost_every, m.position)
                  for run, m in zip(self.prepared.runs, moments)]
        ended = tuple(m.phase == "end" for m in moments)
        return tuple(ghosts), ended, all(ended), shown.move

    def _full_draw_only(self, key) -> bool:
        # Panels half-way to their ranked places may overlap: only a full draw paints them in order.
        return 0.0 < key[3] < 1.0

    def _apply_static(self, key) -> None:
        ghosts, ended, all_ended, move = key
        if self.mover is not None:
            self.mover.apply(move)
        for panel, run, visible in zip(self.panels, self.prepared.runs, ghosts):
            panel.set_ghosts(run.snapshots, visible)
        for badge, done in zip(self.badges, ended):
            badge.set_visible(done)
        for overlay in self.overlays_all:
            overlay.set_visible(all_ended)
        for r, overlay in self.overlays_run:
            overlay.set_visible(ended[r])
        self.status.set_visible(not all_ended)
        self.end_line.set_visible(all_ended)

    def _point_colours(self, r: int, t: int | None) -> np.ndarray:
        cache = self._colours[r]
        if t not in cache:
            # Colours are evaluated where the panel draws them: every point, or every density cell;
            # points jittered off a measurement grid are coloured where they were measured.
            where = self.panels[r].colour_points
            if self.stacked and len(where) == len(self.X):
                where = self.X
            if t is None:
                from matplotlib.colors import to_rgb
                cache[t] = np.broadcast_to(np.array(to_rgb(self.theme.neutral_point)), (len(where), 3))
            else:
                from animate_em.em import responsibilities
                resp = responsibilities(where, self.prepared.runs[r].snapshots[t])
                cache[t] = mix_colours(resp, self.panels[r].rgb)
        return cache[t]

    def _update(self, shown) -> None:
        moments = shown.runs
        runs = self.prepared.runs
        for r, (run, m) in enumerate(zip(runs, moments)):
            # Colours: keep only the (at most two) snapshots this moment needs.
            keep = {m.resp_from, m.resp_to}
            for t in [t for t in self._colours[r] if t not in keep]:
                del self._colours[r][t]
            c0 = self._point_colours(r, m.resp_from)
            if m.resp_to == m.resp_from or m.resp_fraction <= 0.0:
                colours = c0
            elif m.resp_fraction >= 1.0:
                colours = self._point_colours(r, m.resp_to)
            else:
                colours = fade_colours(c0, self._point_colours(r, m.resp_to), m.resp_fraction)
            s0, s1 = run.snapshots[m.t0], run.snapshots[m.t1]
            if m.t1 == m.t0 or m.param_fraction <= 0.0:
                weights, means, covs = s0.weights, s0.means, s0.covariances
            elif m.param_fraction >= 1.0:
                weights, means, covs = s1.weights, s1.means, s1.covariances
            else:
                weights, means, covs = interpolate_parameters(s0, s1, m.param_fraction)
            self.panels[r].show(colours, means[:, :2], covs[:, :2, :2])
            if r in self.zooms:
                j = self.zooms[r].component
                self.zooms[r].show(colours, means[j, :2], covs[j, :2, :2])
            x, y = marker_position(m, self.plot_traces[r])
            if self.trace is not None:
                self.trace.show(r, x, y)
            # Numbers only where they are true: the parameters half-way through an M-step tween are
            # no snapshot's, and the marker's value there is no log-likelihood they have.
            snapshot = m.t0 if m.t0 == m.t1 or m.param_fraction <= 0.0 else m.t1 if m.param_fraction >= 1.0 else None
            value = "" if snapshot is None else signed(self.plot_traces[r][snapshot], self.decimals)
            footer, ll_line = self.footers[r]
            if footer is not None:
                footer.set(0, footer.format(weights))
            if ll_line is not None:
                ll_line.set(1, value)
            if r == 0:
                self._ll0 = value
        active = [m for m in moments if m.phase != "end"] or moments
        m = active[0]
        self.status.set(1, str(max(mm.iteration for mm in moments)))
        if self.status_ll is not None:
            self.status.set(self.status_ll, self._ll0)
        phase = start_text(self.prepared.runs) if m.phase == "start" else PHASE_TEXT.get(m.phase, "")
        self.status.set(len(self.status.texts) - 1, phase)

    def _colour_key(self, shown) -> tuple:
        """What decides the point colours of every run in a frame (equal keys, equal colours)."""
        key = []
        for m in shown.runs:
            if m.resp_to == m.resp_from or m.resp_fraction <= 0.0:
                key.append((m.resp_from,))
            elif m.resp_fraction >= 1.0:
                key.append((m.resp_to,))
            else:
                key.append((m.resp_from, m.resp_to, m.resp_fraction))
        return tuple(key)

    def _background_additions(self, old, new) -> list | None:
        """Newly shown ghosts to paint onto the kept background; None where only a full draw is exact.

        A ghost painted last gives the pixels of a full draw when it is the newest
        visible ghost of its panel and keeps clear of the spines (see :func:`.painted_last`).
        """
        if old[1:] != new[1:]:
            return None
        renderer = self.canvas.get_renderer()
        px = self.sizing.dpi / 72.0
        to_draw = []
        for panel, before, after in zip(self.panels, old[0], new[0]):
            if before == after:
                continue
            # Exact only while every ghost shown keeps its age (and so its opacity).
            if not set(before) <= set(after):
                return None
            added = {t for t, _ in after} - {t for t, _ in before}
            if any(t not in panel.ghosts for t in added):
                return None
            fresh = painted_last(panel.ax, [e for t in added for e in panel.ghosts[t]], renderer, px)
            if fresh is None:
                return None
            to_draw += fresh
        return to_draw
