"""The frames of an animation: one figure, drawn once, then only what moves.

:class:`FrameSource` builds the figure of a prepared scene (title, status
line, one data panel per run, the shared log-likelihood panel, notes), draws
everything that does not move, and keeps that background. For each frame it
restores the background and draws only the moving artists: point colours,
ellipses, means, traces, markers and the numbers of the caption. Ghost
ellipses and "converged" badges change a handful of times per animation;
when they do, the background is drawn and cached again, so they cost nothing
per frame. A new ghost alone is painted onto the kept background instead of
redrawing the whole figure, where that gives the same pixels.

Point colours rest for many frames in a row (an M beat moves the ellipses
over points coloured by the previous E-step; holds move nothing). The
background with the points painted on it is then kept as a second layer and
restored instead of drawing the points again.
"""
from __future__ import annotations

from typing import Iterator

import contextlib
import dataclasses
import math

import matplotlib as mpl
import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.spines import Spine
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

from animate_em.scene.figure import (LABEL, SMALL, STATUS, TICK, TITLE, Decor, FixedLine, Sizing, StampText,
                                     _PINNED_DRAW, frame_layout, make_figure, mono_advance, pinned_style,
                                     text_width)
from animate_em.scene.interpolate import interpolate_parameters
from animate_em.scene.overlays import CollapseNotice, GapLabel, RankBadge, collapse_shape, gap_runs, ranks
from animate_em.scene.palette import mix_colours
from animate_em.scene.panels import (LEGEND_HANDLE, LEGEND_SPACING, DataPanel, TracePanel, data_limits, ll_limits, mass_percent,
                                     sigma_text, signed, widen_to_aspect)
from animate_em.scene.timeline import marker_position

PHASE_TEXT = {"E": "E-step: reassign points", "M": "M-step: update parameters",
              "plain": "E-step + M-step", "end": "", "start": "initial guess"}
CHAR = 0.62  # width of a digit in DejaVu Sans, in ems


def _style(prepared, name, default):
    return getattr(getattr(prepared.scene, "style", None), name, default) if prepared.scene else default


def resolve_layout(layout: str | None, n_runs: int) -> str:
    """``single`` / ``row`` / ``grid``; ``auto`` is single for one run, row up to 3, grid beyond."""
    if layout in ("single", "row", "grid") and not (layout == "single" and n_runs > 1):
        return layout
    return "single" if n_runs == 1 else ("row" if n_runs <= 3 else "grid")


def frame_sizing(width: int, height: int) -> Sizing:
    """Sizing of a frame: text scales with the height, but portrait frames scale with 3/4 of the width."""
    return Sizing(width, height, float(min(height, 0.75 * width)))


def point_area(sizing: Sizing, n_points: int, panel_height_px: float) -> float:
    """Default marker area in points^2: smaller dots for more points, scaled to the panel."""
    diameter = panel_height_px * float(np.clip(0.5 / np.sqrt(max(n_points, 1)), 0.006, 0.016))
    diameter = max(diameter, 1.8 * sizing.unit / 720.0)
    return (diameter * 72.0 / sizing.dpi) ** 2


def _tick_chars(limits, nbins=5) -> int:
    ticks = MaxNLocator(nbins).tick_values(*limits)
    return max(len(f"{t:g}") for t in ticks)


class FrameSource:
    """Iterable of the RGBA frames of a prepared scene; its length is known before drawing.

    Parameters
    ----------
    prepared : Prepared
        Data, runs, labels, timeline, size and theme (see :func:`animate_em.scene.prepare`).
    copy : bool
        True (default): every frame is a fresh array the caller may keep.
        False: iteration yields a *view* of the canvas buffer, overwritten by
        the next frame; use it (e.g. write it to an encoder) before asking for
        the next one. Saves one copy per frame when streaming to a file.

    Notes
    -----
    Frames are ``(height, width, 4)`` uint8 RGBA arrays straight from Agg,
    alpha 255 everywhere. The same prepared scene always gives byte-identical
    frames, and a blitted frame is pixel-identical to a full redraw of it
    (``frame(i, full_redraw=True)``).

    With ``copy=False`` the consumer must finish with a frame before calling
    ``next()`` again (a synchronous encoder such as imageio-ffmpeg's
    ``write_frames`` does: it writes the bytes to the pipe before returning);
    ``list(source)`` would otherwise hold the same buffer N times.
    ``imageio_ffmpeg`` accepts the view as ``pix_fmt_in="rgba"`` without a copy.
    """

    def __new__(cls, prepared=None, *args, **kwargs):
        # A sweep over K (kind = "sweep") has its own frames behind the same interface.
        if cls is FrameSource and getattr(getattr(prepared, "timeline", None), "kind", "em") == "sweep":
            from animate_em.scene.sweep_frames import SweepFrameSource
            cls = SweepFrameSource
        return super().__new__(cls)

    def __init__(self, prepared, *, copy: bool = True):
        self.prepared = prepared
        self.timeline = prepared.timeline
        self.copy = copy
        self._built = False
        self._key = None
        self._background = None
        # Background with the points painted on it, and the point colours it holds (see _render).
        self._layer = None
        self._layer_key = None
        # A whole frame kept for the frames of a hold, the moments it shows, and the moments
        # the artists were last set to.
        self._frame = None
        self._frame_key = None
        self._shown = None
        self._colours: list[dict] = [dict() for _ in prepared.runs]
        #: How the last frames were drawn (tests and benchmarks read these counters).
        self.stats = dict(background=0, ghosts=0, layer_kept=0, layer_reused=0, points_drawn=0,
                          frame_kept=0, frame_reused=0)

    def __len__(self) -> int:
        return len(self.timeline)

    def __iter__(self) -> Iterator[np.ndarray]:
        for index in range(len(self)):
            frame = self._render(index)
            yield frame.copy() if self.copy else frame

    def frame(self, index: int, *, full_redraw: bool = False) -> np.ndarray:
        """Frame ``index`` as a new (H, W, 4) uint8 array.

        ``full_redraw=True`` draws every artist from scratch instead of using
        the cached background (the reference the blitting is tested against).
        """
        if not 0 <= index < len(self):
            raise IndexError(f"frame {index} out of range for {len(self)} frames")
        return self._render(index, full=full_redraw).copy()

    # -------------------------------------------------------------------------
    # Building the figure
    # -------------------------------------------------------------------------
    def _build(self) -> None:
        p = self.prepared
        runs = p.runs
        self.sigma = float(_style(p, "sigma", 2.0))
        self.ghost_every = int(_style(p, "ghost_every", 5) or 0)
        show_trace = bool(_style(p, "show_trace", True))
        self.per_sample = _style(p, "trace_scale", "total") == "per-sample"
        self.decimals = 4 if self.per_sample else 2
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

        xlim, ylim = data_limits(X, runs, self.sigma)
        rx, ry = xlim[1] - xlim[0], ylim[1] - ylim[0]
        units = getattr(p, "units", None)
        columns = tuple(getattr(p, "columns", ()) or ())
        equal = 1 / 3 < rx / ry < 3
        ticks = bool(units) or not equal
        xlabel = ylabel = None
        if ticks:
            unit = f" ({units})" if units else ""
            names = columns if len(columns) >= 2 else ("x₁", "x₂")
            xlabel, ylabel = f"{names[0]}{unit}", f"{names[1]}{unit}"

        decor = Decor(
            header=LABEL * 1.7 if n_runs > 1 else 0.0,
            footer=SMALL * 1.8,
            data_left=(TICK * CHAR * max(_tick_chars(ylim), 3) + LABEL * 1.5 + 0.02) if ticks else 0.0,
            data_bottom=(TICK * 1.3 + LABEL * 1.4 + 0.012) if ticks else 0.0,
        )
        ylim_ll = ll_limits(self.plot_traces, max(len(t) - 1 for t in traces))[1]
        ll_chars = max(len(signed(v, 0)) for v in MaxNLocator(5).tick_values(*ylim_ll)) + (
            3 if self.per_sample else 0)
        decor = Decor(**{**decor.__dict__,
                         "trace_left": TICK * CHAR * ll_chars + LABEL * 1.5 + 0.025})
        fig, canvas = make_figure(sizing, theme.background)
        self.fig, self.canvas = fig, canvas
        renderer = canvas.get_renderer()
        arrangement = resolve_layout(getattr(p.scene, "layout", None), n_runs)

        def plan(legend_rows: int):
            return frame_layout(sizing, n_panels=n_runs, arrangement=arrangement, data_aspect=rx / ry,
                                equal_aspect=equal, show_trace=show_trace,
                                decor=dataclasses.replace(decor, trace_top=legend_rows * SMALL * 1.9))

        layout = plan(1 if n_runs > 1 else 0)
        self.legend_columns = n_runs
        if n_runs > 1 and layout.trace is not None:
            rows, cols = _legend_shape(renderer, sizing, list(p.labels), layout.trace.width)
            if rows > 1:
                layout = plan(rows)
                rows, cols = _legend_shape(renderer, sizing, list(p.labels), layout.trace.width)
            self.legend_columns = cols
        self.layout = layout
        W, H = sizing.width, sizing.height
        fg = theme.foreground

        # -- title and status line ---------------------------------------------
        title = getattr(p.scene, "title", "") or ""
        self.title = fig.text(layout.title.x0 / W, layout.title.y1 / H, title, ha="left", va="top",
                              fontsize=sizing.pt(TITLE), fontweight="bold", color=fg)
        _shrink_to_width(self.title, renderer, layout.content.width)
        base = layout.status.y0 + 0.3 * layout.status.height
        n_digits = len(str(max(len(t) - 1 for t in traces)))
        ll_template = max((signed(v, self.decimals) for t in self.plot_traces for v in t if np.isfinite(v)),
                          key=len, default="0.00")
        ll_template = "8" * len(ll_template)
        segments = [("iteration", "word"), ("8" * n_digits, "number"), ("·", "word")]
        if n_runs == 1:
            segments += [("mean log-likelihood" if self.per_sample else "log-likelihood", "word"),
                         (ll_template, "number"), ("·", "word")]
        tails = [*PHASE_TEXT.values(), self._start_text()]
        size = sizing.pt(STATUS)
        probe = FixedLine.measure(renderer, size, segments + [(max(tails, key=len), "word")])
        # Narrow frames: a smaller status line rather than one that runs off the frame.
        size *= max(0.6, min(1.0, layout.status.width / probe))
        segments += [("", "tail")]
        self.status = FixedLine(fig, renderer, layout.status.x0, base, size, segments, fg)
        self.status_ll = 4 if n_runs == 1 else None
        self.end_line = FixedLine(fig, renderer, layout.status.x0, base, sizing.pt(STATUS),
                                  [(self._end_text(), "word")], fg)
        _shrink_to_width(self.end_line.texts[0], renderer, layout.status.width)

        # -- data panels -------------------------------------------------------
        self.panels, self.footers, self.badges = [], [], []
        alpha = getattr(theme, "point_alpha", 0.8)
        user_area = _style(p, "point_size", None)
        line_width = _style(p, "line_width", None)
        true = getattr(p, "true_params", None) if _style(p, "show_true", False) else None
        for r, (run, slot) in enumerate(zip(runs, layout.panels)):
            ax = fig.add_axes(slot.axes.fraction(sizing))
            pxlim, pylim = (widen_to_aspect(xlim, ylim, slot.axes.width / slot.axes.height)
                            if equal else (xlim, ylim))
            reference = min(slot.axes.height, slot.axes.width, 0.7 * sizing.unit)
            area = user_area if user_area else point_area(sizing, len(X), reference)
            panel = DataPanel(ax, X, self.k, pxlim, pylim, sizing, theme, sigma=self.sigma, point_size=area,
                              point_alpha=alpha, line_width=line_width, ticks=ticks, xlabel=xlabel,
                              ylabel=ylabel)
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
                _shrink_to_width(label, renderer, slot.header.width * 0.6)
                room = slot.header.width - _extent(label, renderer).width - sizing.px(0.02)
                badge = fig.text(slot.header.x1 / W, y, "", ha="right", va="baseline",
                                 fontsize=sizing.pt(SMALL), color=fg,
                                 bbox=dict(boxstyle="round,pad=0.25", facecolor=theme.grid, edgecolor="none"))
                for text in self._badge_texts(run):
                    badge.set_text(text)
                    if _extent(badge, renderer).width <= room:
                        break
                badge.set_visible(False)
                self.badges.append(badge)
            self.footers.append((footer, ll_line))

        # -- log-likelihood panel ------------------------------------------------
        self.trace = None
        if layout.trace is not None:
            ax = fig.add_axes(layout.trace.fraction(sizing))
            ylabel_ll = "log-likelihood (mean per point)" if self.per_sample else "log-likelihood (total)"
            self.trace = TracePanel(ax, self.plot_traces, list(p.labels), sizing, theme, ylabel=ylabel_ll,
                                    legend_columns=self.legend_columns)

        self._build_overlays()

        # -- notes ---------------------------------------------------------------
        note = (f"ellipses: {sigma_text(self.sigma)} ({mass_percent(self.sigma)} of mass)   ✕ means")
        if self.ghost_every:
            note += f"   faint: every {_ordinal(self.ghost_every)} iteration".replace("every  ", "every ")
        if true is not None:
            note += "   dashed: true mixture"
        y = layout.notes.y0 + 0.3 * layout.notes.height
        self.note = fig.text(layout.notes.x0 / W, y / H, note, ha="left", va="baseline",
                             fontsize=sizing.pt(SMALL), color=theme.muted)
        right = f"N = {len(X)} points · K = {self.k}"
        self.note_right = fig.text(layout.notes.x1 / W, y / H, right, ha="right", va="baseline",
                                   fontsize=sizing.pt(SMALL), color=theme.muted)
        free = layout.notes.width - _extent(self.note, renderer).width - sizing.px(0.03)
        if _extent(self.note_right, renderer).width > free:
            self.note_right.set_visible(False)
        _shrink_to_width(self.note, renderer, layout.notes.width)

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
        # Overlays last: drawn over the moving ellipses and traces they talk about (invisible until then).
        for overlay in [*self.overlays_all, *(o for _, o in self.overlays_run)]:
            self.dynamic += overlay.artists
        for a in self.dynamic:
            a.set_animated(True)
        # The points go first: they form the second cached layer. Panels do not overlap, so
        # painting every panel's points before any panel's ellipses gives the same pixels.
        self.points = [panel.points for panel in self.panels]
        self.above_points = [a for a in self.dynamic if not any(a is pts for pts in self.points)]
        self._built = True

    def _build_overlays(self) -> None:
        """Punchlines shown once runs finish: the gap, the ranks, a collapse (see :mod:`.overlays`)."""
        p, sizing, theme = self.prepared, self.sizing, self.theme
        collapsed = [run.collapse is not None for run in p.runs]
        self.overlays_all, self.overlays_run = [], []
        if _style(p, "annotate_gap", False) and self.trace is not None:
            pair = gap_runs(self.plot_traces, collapsed)
            if pair is not None:
                self.overlays_all.append(GapLabel(self.trace.ax, self.plot_traces, pair, sizing, theme,
                                                  total=not self.per_sample))
        if _style(p, "rank_runs", False) and len(p.runs) > 1:
            finals = [t[-1] if not c else -np.inf for t, c in zip(self.plot_traces, collapsed)]
            for panel, rank, value in zip(self.panels, ranks(finals), finals):
                self.overlays_all.append(RankBadge(panel.ax, int(rank), sizing, theme, best=rank == 1,
                                                   value=value))
        for r, (run, panel) in enumerate(zip(p.runs, self.panels)):
            if run.collapse is not None and 0 <= run.collapse.component < self.k:
                j = run.collapse.component
                shape, n_points = collapse_shape(run, self.X)
                self.overlays_run.append((r, CollapseNotice(panel.ax, j, panel.rgb[j], sizing, theme,
                                                            shape=shape, n_points=n_points)))

    def _weights_line(self, slot, renderer, rgb) -> FixedLine | None:
        """"π  ● 0.31  ● 0.22 ...": one mono number string; the swatches are fixed words.

        Narrow panels get ".31" instead of "0.31", then a smaller font; None
        when even that does not fit.
        """
        fig, sizing, theme = self.fig, self.sizing, self.theme
        y = slot.footer.y0 + 0.3 * slot.footer.height
        for scale, zero in ((1.0, True), (1.0, False), (0.88, False), (0.78, False)):
            size = sizing.pt(SMALL) * scale
            digits = "0.00" if zero else ".00"
            template = "".join(f"  {digits} " for _ in range(self.k)).rstrip()
            advance = mono_advance(renderer, size)
            sans = FontProperties(family="DejaVu Sans", size=size)
            lead = text_width(renderer, "π ", sans)
            if lead + len(template) * advance <= slot.footer.width:
                break
        else:
            return None
        line = FixedLine(fig, renderer, slot.footer.x0, y, size, [("π", "word"), (template, "number")],
                         theme.foreground, colours=[theme.muted, None])
        # The field is right-aligned: its left end is where the template starts.
        x_numbers = slot.footer.x0 + line.width - len(template) * advance
        field = len(digits) + 3
        for j in range(self.k):
            fig.text((x_numbers + (j * field + 1.0) * advance) / sizing.width, y / sizing.height, "●",
                     ha="center", va="baseline", fontsize=size, color=tuple(rgb[j]))
        line.format = (lambda w: f"  {w:.2f} ") if zero else (lambda w: f"  {w:.2f} ".replace("0.", ".", 1))
        return line

    def _start_text(self) -> str:
        runs = self.prepared.runs
        init = runs[0].settings.get("init") if len(runs) == 1 else None
        return f"initial guess ({init})" if init else "initial guess"

    def _end_text(self) -> str:
        p = self.prepared
        if len(p.runs) > 1:
            # A collapsed run's likelihood is unbounded, not better: it never counts as the highest.
            finals = [t[-1] if run.collapse is None else -np.inf for t, run in zip(self.plot_traces, p.runs)]
            best = int(np.argmax(finals))
            if not np.isfinite(finals[best]):
                return "finished · every run collapsed"
            best_text = signed(self.plot_traces[best][-1], self.decimals)
            collapsed = [label for label, run in zip(p.labels, p.runs) if run.collapse is not None]
            if collapsed:
                # "highest" would be false here: the collapsed run's likelihood is higher, and meaningless.
                return (f"finished · {', '.join(collapsed)}: collapsed, likelihood unbounded · "
                        f"{p.labels[best]}: {best_text}")
            return f"finished · highest log-likelihood: {p.labels[best]} ({best_text})"
        run = p.runs[0]
        return (f"{_run_outcome(run)} · log-likelihood {signed(self.plot_traces[0][-1], self.decimals)}")

    @staticmethod
    def _badge_texts(run) -> list[str]:
        """Badge of a finished run, longest first (the first that fits is used)."""
        n = len(run.snapshots) - 1
        if run.collapse is not None:
            return [f"stopped: collapse ({n} iterations)", f"collapse ({n} it.)", "collapse"]
        if run.converged:
            return [f"converged ✓ ({n} iteration{'s' if n != 1 else ''})", f"converged ✓ ({n} it.)",
                    f"✓ {n} it.", "✓"]
        return [f"stopped at max_iter ({n})", f"max_iter ({n})", f"{n} it."]

    # -------------------------------------------------------------------------
    # One frame
    # -------------------------------------------------------------------------
    def _moments(self, index: int) -> list:
        return [self.timeline.moment(index, r) for r in range(len(self.prepared.runs))]

    def _static_key(self, moments) -> tuple:
        ghosts = []
        for run, m in zip(self.prepared.runs, moments):
            n = len(run.snapshots) - 1
            shown = m.position
            ghosts.append(tuple(t for t in range(0, n + 1, self.ghost_every) if t < shown - 1e-9)
                          if self.ghost_every else ())
        ended = tuple(m.phase == "end" for m in moments)
        return tuple(ghosts), ended, all(ended)

    def _apply_static(self, key) -> None:
        ghosts, ended, all_ended = key
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
            if t is None:
                from matplotlib.colors import to_rgb
                cache[t] = np.broadcast_to(np.array(to_rgb(self.theme.neutral_point)), (len(self.X), 3))
            else:
                from animate_em.em import responsibilities
                resp = responsibilities(self.X, self.prepared.runs[r].snapshots[t])
                cache[t] = mix_colours(resp, self.panels[r].rgb)
        return cache[t]

    def _update(self, moments) -> None:
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
                u = m.resp_fraction
                colours = (1.0 - u) * c0 + u * self._point_colours(r, m.resp_to)
            s0, s1 = run.snapshots[m.t0], run.snapshots[m.t1]
            if m.t1 == m.t0 or m.param_fraction <= 0.0:
                weights, means, covs = s0.weights, s0.means, s0.covariances
            elif m.param_fraction >= 1.0:
                weights, means, covs = s1.weights, s1.means, s1.covariances
            else:
                weights, means, covs = interpolate_parameters(s0, s1, m.param_fraction)
            self.panels[r].show(colours, means[:, :2], covs[:, :2, :2])
            x, y = marker_position(m, self.plot_traces[r])
            if self.trace is not None:
                self.trace.show(r, x, y)
            footer, ll_line = self.footers[r]
            if footer is not None:
                footer.set(1, "".join(footer.format(w) for w in weights).rstrip())
            if ll_line is not None:
                ll_line.set(1, signed(y, self.decimals))
            if r == 0:
                self._ll0 = y
        active = [m for m in moments if m.phase != "end"] or moments
        m = active[0]
        self.status.set(1, str(max(mm.iteration for mm in moments)))
        if self.status_ll is not None:
            self.status.set(self.status_ll, signed(self._ll0, self.decimals))
        phase = self._start_text() if m.phase == "start" else PHASE_TEXT.get(m.phase, "")
        self.status.set(len(self.status.texts) - 1, phase)

    def _colour_key(self, moments) -> tuple:
        """What decides the point colours of every run in a frame (equal keys, equal colours)."""
        key = []
        for m in moments:
            if m.resp_to == m.resp_from or m.resp_fraction <= 0.0:
                key.append((m.resp_from,))
            elif m.resp_fraction >= 1.0:
                key.append((m.resp_to,))
            else:
                key.append((m.resp_from, m.resp_to, m.resp_fraction))
        return tuple(key)

    def _render(self, index: int, full: bool = False) -> np.ndarray:
        if not self._built:
            with pinned_style():
                self._build()
        moments = self._moments(index)
        key = self._static_key(moments)
        if moments != self._shown:
            # Artists hold what they were last told: a hold's repeated moment needs no update.
            self._update(moments)
            self._shown = moments
        previous = self._key
        if full or key != previous:
            self._apply_static(key)
            for a in self.dynamic:
                if isinstance(a, StampText):
                    a.clear_stamps()
        if full:
            self._key = None      # the background is rebuilt on the next blitted frame
            for a in self.dynamic:
                a.set_animated(False)
            try:
                with pinned_style():
                    self.canvas.draw()
            finally:
                for a in self.dynamic:
                    a.set_animated(True)
            return np.asarray(self.canvas.buffer_rgba())
        if key == previous and moments == self._frame_key:
            # Same moment as a kept frame (start and end holds): nothing to draw.
            self.canvas.restore_region(self._frame)
            self.stats["frame_reused"] += 1
            return np.asarray(self.canvas.buffer_rgba())
        upcoming = self._moments(index + 1) if index + 1 < len(self) else None
        colour_key = self._colour_key(moments)
        points_done = False
        with _draw_style():
            if key != previous:
                # A ghost or badge appeared: a new background (a few times per animation).
                if self._add_ghosts(previous, key):
                    self.stats["ghosts"] += 1
                else:
                    with pinned_style():
                        self.canvas.draw()
                    self.stats["background"] += 1
                self._background = self.canvas.copy_from_bbox(self.fig.bbox)
                self._key = key
                self._layer_key = self._frame_key = None
            elif colour_key == self._layer_key:
                self.canvas.restore_region(self._layer)
                self.stats["layer_reused"] += 1
                points_done = True
            else:
                self.canvas.restore_region(self._background)
            if not points_done:
                for a in self.points:
                    self.fig.draw_artist(a)
                self.stats["points_drawn"] += 1
                # Keep background + points only when the next frame will want them: during an
                # E beat the colours change every frame and a copy would be wasted.
                if (upcoming is not None and upcoming != moments and self._colour_key(upcoming) == colour_key
                        and self._static_key(upcoming) == key):
                    self._layer = self.canvas.copy_from_bbox(self.fig.bbox)
                    self._layer_key = colour_key
                    self.stats["layer_kept"] += 1
            for a in self.above_points:
                self.fig.draw_artist(a)
        if upcoming == moments:
            self._frame = self.canvas.copy_from_bbox(self.fig.bbox)
            self._frame_key = moments
            self.stats["frame_kept"] += 1
        return np.asarray(self.canvas.buffer_rgba())

    def _add_ghosts(self, old, new) -> bool:
        """Paint newly shown ghosts onto the kept background; False where only a full draw is exact.

        A full draw paints a data panel's ghosts (oldest first) above its face and below
        its spines and ticks. A new ghost painted last therefore gives the same pixels
        when nothing drawn later in a full draw touches it: it is the newest visible ghost
        of its panel and keeps clear of the spines (ticks point outwards, no grid lines).
        """
        if old is None or self._background is None or old[1:] != new[1:]:
            return False
        renderer = self.canvas.get_renderer()
        px = self.sizing.dpi / 72.0
        to_draw = []
        for panel, before, after in zip(self.panels, old[0], new[0]):
            if before == after:
                continue
            added = set(after) - set(before)
            if not set(before) <= set(after) or any(t not in panel.ghosts for t in added):
                return False
            ax = panel.ax
            children = ax.get_children()
            order = {id(c): i for i, c in enumerate(children)}
            fresh = sorted((e for t in added for e in panel.ghosts[t]), key=lambda e: order[id(e)])
            fresh_ids = {id(e) for e in fresh}
            first, zorder = order[id(fresh[0])], fresh[0].zorder
            if any(e.zorder != zorder for e in fresh):
                return False
            spine = 0.0
            for c in children:
                if id(c) in fresh_ids or c is ax.patch or not c.get_visible() or c.get_animated():
                    continue
                if isinstance(c, Spine):
                    spine = max(spine, c.get_linewidth() * px)
                elif c is ax.xaxis or c is ax.yaxis:
                    ticks = c.get_major_ticks() + c.get_minor_ticks()
                    if any(tk.gridline.get_visible() or tk.get_tickdir() != "out" for tk in ticks):
                        return False
                elif isinstance(c, Text) and not c.get_text():
                    continue
                elif c.zorder > zorder or (c.zorder == zorder and order[id(c)] > first):
                    return False          # a full draw would paint it over the new ghost
            inner = ax.bbox.padded(-(spine + 3.0))
            for e in fresh:
                box = e.get_window_extent(renderer).padded(e.get_linewidth() * px + 2.0)
                if not (inner.x0 <= box.x0 and box.x1 <= inner.x1 and inner.y0 <= box.y0 and box.y1 <= inner.y1):
                    return False
            to_draw += fresh
        self.canvas.restore_region(self._background)
        for e in to_draw:
            self.fig.draw_artist(e)
        return True


@contextlib.contextmanager
def _draw_style():
    """:func:`pinned_style` (draw-time settings) for one frame, setting only what differs.

    ``rc_context`` copies and restores all of matplotlib's ~300 settings; per frame
    that costs more than drawing some artists. Only the settings that differ from
    the pinned ones are set (validated) and put back, so the caller's rcParams are
    unchanged between frames, as with :func:`pinned_style`.
    """
    rc = mpl.rcParams
    get = dict.__getitem__
    changed = {k: v for k, v in _PINNED_DRAW.items() if get(rc, k) != v}
    if not changed:
        yield
        return
    saved = {k: get(rc, k) for k in changed}
    rc.update(changed)
    try:
        yield
    finally:
        rc.update(saved)


def _run_outcome(run) -> str:
    n = len(run.snapshots) - 1
    if run.collapse is not None:
        return f"stopped after {n} iterations: component {run.collapse.component + 1} collapsed"
    if run.converged:
        return f"converged after {n} iteration{'s' if n != 1 else ''}"
    return f"stopped after {n} iterations (max_iter)"


def _ordinal(n: int) -> str:
    if n == 1:
        return ""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _extent(text, renderer):
    return text.get_window_extent(renderer)


def _shrink_to_width(text, renderer, width: float, minimum: float = 0.6) -> None:
    """Make ``text`` smaller (down to ``minimum`` of its size) until it fits ``width`` pixels."""
    size = text.get_fontsize()
    for _ in range(12):
        if _extent(text, renderer).width <= width or text.get_fontsize() <= size * minimum:
            return
        text.set_fontsize(text.get_fontsize() * 0.92)


def _legend_shape(renderer, sizing: Sizing, labels: list[str], width: float) -> tuple[int, int]:
    """(rows, columns) of the run legend so that it fits ``width`` pixels."""
    size = sizing.pt(SMALL)
    prop = FontProperties(family="DejaVu Sans", size=size)
    em = sizing.px(SMALL)
    entries = [text_width(renderer, label, prop) + (LEGEND_HANDLE + 0.6 + LEGEND_SPACING) * em
               for label in labels]
    n = len(entries)
    for rows in range(1, n + 1):
        cols = math.ceil(n / rows)
        widest = max(sum(entries[i:i + cols]) for i in range(0, n, cols))
        if widest <= width:
            return rows, cols
    return n, 1
