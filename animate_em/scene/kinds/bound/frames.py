"""The frames of a lower-bound scene: the data on the left, the slice of the current EM step on the right.

Beats follow the EM timeline. In an E beat the points take their new
responsibilities and the bound L(q, theta(s)) rises on the slice until it
touches ln p at s = 0 (every curve drawn is the exact bound of the
responsibilities the points show); in the M beat the markers travel along both
curves from s = 0 to s = 1, the ellipses move with them, and the bound's peak
and the gap KL that opens at s = 1 are marked. The next iteration's slice then
replaces this one (its axes are part of the cached background, re-drawn once
per iteration).
"""
from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb

from animate_em.em.score import responsibilities
from animate_em.scene.draw.figure import SMALL, STATUS, TICK, FixedLine, make_figure
from animate_em.scene.draw.layout import Box, Decor, frame_layout
from animate_em.scene.draw.palette import mix_colours
from animate_em.scene.draw.panels import mass_percent, sigma_text, signed
from animate_em.scene.draw.parts import (CHAR, add_data_panel, add_notes, add_title, data_view, frame_sizing,
                                         style_value)
from animate_em.scene.frames.blit import BlittedFigure
from animate_em.scene.kinds.bound.panel import SlicePanel, slice_limits
from animate_em.scene.kinds.bound.slices import S_MAX, S_MIN, iteration_gains, iteration_slice, values_at
from animate_em.scene.runs.data import shown_positions, stacked_axes, stacking_note
from animate_em.scene.timing.tween import fade_colours, interpolate_parameters

#: Share of the frame body's width the slice (with its bar) takes.
SLICE_SHARE = 0.5

PHASE_WORDS = {
    "start": "initial guess: nothing assigned yet (q uniform)",
    "E": "E-step: q becomes the posterior, the bound touches ln p",
    "M": "M-step: θ climbs the bound to its peak, ln p rises more",
    "end": "converged: the final fit",
}


class BoundFrameSource(BlittedFigure):
    """Frames of a prepared lower-bound scene (one run); see :class:`BlittedFigure` for the guarantees."""

    def __init__(self, prepared, *, copy: bool = True):
        super().__init__(prepared, copy=copy)
        self._colours: dict = {}
        self._slices: dict = {}

    # -------------------------------------------------------------------------
    def _slice(self, i: int):
        if i not in self._slices:
            # Two at a time: the frames stream in order, a slice holds two (N, K) arrays.
            for old in [j for j in self._slices if j not in (i - 1, i)]:
                del self._slices[old]
            self._slices[i] = iteration_slice(self.X, self.run, i)
        return self._slices[i]

    def _build(self) -> None:
        p = self.prepared
        self.run = run = p.runs[0]
        self.sigma = float(style_value(p, "sigma", 2.0))
        self.theme = theme = p.theme
        self.sizing = sizing = frame_sizing(int(p.width), int(p.height))
        self.X = X = np.ascontiguousarray(np.asarray(p.X, dtype=float)[:, :2])
        self.k = run.snapshots[0].n_components
        if run.n_iter < 1:
            raise ValueError("a lower-bound scene needs at least one EM iteration")
        view = data_view(p, X, [run], self.sigma)
        trace = [s.log_likelihood for s in run.snapshots]
        ll_chars = max(len(signed(v, 0)) for v in trace) + 2
        decor = Decor(footer=SMALL * 0.6, trace_left=TICK * CHAR * ll_chars + SMALL * 2.2 + 0.025,
                      trace_top=SMALL * 1.9, trace_share=SLICE_SHARE, **view.decor())
        fig, canvas = make_figure(sizing, theme.background)
        self.fig, self.canvas = fig, canvas
        renderer = canvas.get_renderer()
        layout = frame_layout(sizing, n_panels=1, arrangement="single", data_aspect=view.aspect,
                              equal_aspect=view.equal, show_trace=True, decor=decor,
                              trace_sides=("right",))
        self.layout = layout
        fg = theme.foreground

        self.title = add_title(fig, p, layout, sizing, renderer)
        base = layout.status.y0 + 0.3 * layout.status.height
        # Slots as wide as the widest value shown: the bound before the first E-step (uniform q)
        # lies far below every log-likelihood, and its gap is the widest KL of the scene.
        first = iteration_gains(X, run, 1)
        lowest = first.ll_start - first.e_gain
        number = "8" * (max(len(signed(v, 2)) for v in [*trace, lowest]) + 1)
        widest_kl = "8" * (len(f"{max(first.e_gain, 0.0):.2f}") + 1)
        segments = [("iteration", "word"), ("8" * len(str(run.n_iter)), "number"), ("·", "word"),
                    ("ln p", "word"), (number, "number"), ("=  L", "word"), (number, "number"),
                    ("+  KL", "word"), (widest_kl, "number"), ("·", "word")]
        size = sizing.pt(STATUS)
        probe = FixedLine.measure(renderer, size, segments + [(max(PHASE_WORDS.values(), key=len), "word")])
        size *= max(0.55, min(1.0, layout.status.width / probe))
        self.status = FixedLine(fig, renderer, layout.status.x0, base, size, segments + [("", "tail")], fg)

        # Points measured on a coarse grid stack up: drawn jittered within their cell, as in EM scenes.
        self.stacked = stacked_axes(X)
        self.panel = add_data_panel(fig, layout.panels[0], p, shown_positions(X, self.stacked), self.k, view,
                                    sizing, theme, self.sigma)

        box = layout.trace
        bar_w = max(sizing.px(0.075), 0.11 * box.width)
        gap = sizing.px(0.02)
        slice_box = Box(box.x0, box.y0, box.x1 - bar_w - gap, box.y1)
        bar_box = Box(slice_box.x1 + gap, box.y0, box.x1, box.y1)
        ax = fig.add_axes(slice_box.fraction(sizing))
        bar_ax = fig.add_axes(bar_box.fraction(sizing))
        self.slice = SlicePanel(ax, bar_ax, sizing, theme)
        pad = 0.02 * (S_MAX - S_MIN)
        self.xlim = (S_MIN - pad, S_MAX + pad)

        note = (f"ellipses: {sigma_text(self.sigma)} ({mass_percent(self.sigma)} of mass)   ✕ means   "
                "θ(s): the parameters along one EM step, s = 0 before its M-step, s = 1 after")
        if self.stacked:
            note += f"   {stacking_note(self.stacked, p.columns, p.units)}"
        self.note, self.note_right = add_notes(fig, layout, sizing, theme, renderer, note, "")

        self.dynamic = [*self.panel.animated(), *self.slice.animated(), *self.status.dynamic()]
        self.points = [self.panel.points]

    # -------------------------------------------------------------------------
    def _moments(self, index: int):
        return self.timeline.moment(index, 0)

    def _slice_index(self, m) -> int:
        if m.phase == "start":
            return 1
        return min(max(m.iteration, 1), self.run.n_iter)

    def _static_key(self, m) -> int:
        return self._slice_index(m)

    def _apply_static(self, i: int) -> None:
        sl = self._slice(i)
        self.slice.set_slice(i, slice_limits(sl.log_likelihood, sl.bound), self.xlim)

    def _ylim(self, sl) -> tuple[float, float]:
        return slice_limits(sl.log_likelihood, sl.bound)

    def _colour_key(self, m) -> tuple:
        if m.resp_to == m.resp_from or m.resp_fraction <= 0.0:
            return (m.resp_from,)
        if m.resp_fraction >= 1.0:
            return (m.resp_to,)
        return (m.resp_from, m.resp_to, m.resp_fraction)

    def _point_colours(self, t: int | None) -> np.ndarray:
        if t not in self._colours:
            for old in [key for key in self._colours if len(self._colours) >= 3]:
                del self._colours[old]
            where = self.panel.colour_points
            if self.stacked and len(where) == len(self.X):
                where = self.X          # jittered points are coloured where they were measured
            if t is None:
                self._colours[t] = np.broadcast_to(np.array(to_rgb(self.theme.neutral_point)), (len(where), 3))
            else:
                self._colours[t] = mix_colours(responsibilities(where, self.run.snapshots[t]), self.panel.rgb)
        return self._colours[t]

    def _update(self, m) -> None:
        run = self.run
        key = self._colour_key(m)
        colours = self._point_colours(key[0])
        if len(key) == 3:
            colours = fade_colours(colours, self._point_colours(key[1]), key[2])
        s0, s1 = run.snapshots[m.t0], run.snapshots[m.t1]
        if m.t1 == m.t0 or m.param_fraction <= 0.0:
            means, covs = s0.means, s0.covariances
        elif m.param_fraction >= 1.0:
            means, covs = s1.means, s1.covariances
        else:
            _, means, covs = interpolate_parameters(s0, s1, m.param_fraction)
        self.panel.show(colours, means[:, :2], covs[:, :2, :2])

        i = self._slice_index(m)
        sl = self._slice(i)
        peak = kl = None
        touch = sl.log_likelihood[sl.at0]
        if m.phase in ("start", "E"):
            u = 0.0 if m.phase == "start" else m.resp_fraction
            bound = sl.bound_during_e(u)
            s, ll_s, bound_s = 0.0, sl.log_likelihood[sl.at0], bound[sl.at0]
            if u < 1.0:
                touch = None
        else:
            bound = sl.bound
            s = 1.0 if m.phase == "end" else m.param_fraction
            peak = sl.bound[sl.at1]
            if s >= 1.0:
                s, ll_s, bound_s = 1.0, sl.log_likelihood[sl.at1], peak
                kl = sl.kl_after
            elif s <= 0.0:
                ll_s, bound_s = sl.log_likelihood[sl.at0], sl.bound[sl.at0]
            else:
                # The markers sit on exact values of the parameters the ellipses show.
                ll_s, bound_s = values_at(self.X, run, i, sl.q, s)
        self.slice.show(sl.grid, sl.log_likelihood, bound, s, ll_s, bound_s, ylim=self._ylim(sl), touch=touch,
                        peak=peak, kl_at_end=kl)
        decimals = 2
        self.status.set(1, str(m.iteration if m.phase != "start" else 0))
        self.status.set(4, signed(ll_s, decimals))
        self.status.set(6, signed(bound_s, decimals))
        kl = ll_s - bound_s
        if kl <= 1e-9 * (abs(ll_s) + 1.0):
            kl = 0.0            # touching, to rounding: the E-step's point
        # A gap the frame shows but two decimals would call 0.00 gets its first significant digit.
        self.status.set(8, f"{kl:.{decimals}f}" if kl == 0.0 or kl >= 0.005 else f"{kl:.1g}")
        self.status.set(len(self.status.texts) - 1, PHASE_WORDS.get(m.phase, ""))
