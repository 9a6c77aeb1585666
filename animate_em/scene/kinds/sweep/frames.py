"""The frames of a sweep over K: each converged fit in turn, and the criterion curve growing beside it.

:class:`SweepFrameSource` is built on the blitting engine every frame source
shares (:class:`~animate_em.scene.frames.blit.BlittedFigure`):
the title, axes, labels and notes are drawn once; per frame only the points'
colours, the ellipses, the means, the curves and the caption numbers are
drawn. The end-hold highlight is drawn into a re-cached background once;
while a criterion point is placed the colours rest, so the points layer is
reused, and the frames of the holds are kept whole.
"""
from __future__ import annotations

import types

import numpy as np
from matplotlib.colors import to_rgb

from animate_em.scene.draw.ellipse import ellipse_geometry
from animate_em.scene.draw.figure import LABEL, SMALL, STATUS, TICK, FixedLine, make_figure
from animate_em.scene.draw.layout import Decor, frame_layout
from animate_em.scene.draw.palette import mix_colours
from animate_em.scene.draw.panels import SHAPES_FROM, mass_percent, sigma_text, signed
from animate_em.scene.draw.parts import (
    CHAR,
    add_data_panel,
    add_notes,
    add_title,
    data_view,
    frame_sizing,
    shrink_to_width,
    style_value,
)
from animate_em.scene.frames.blit import BlittedFigure
from animate_em.scene.kinds.sweep.criterion import CriterionPanel
from animate_em.scene.kinds.sweep.fitting import CRITERION_NAMES, criterion_values, true_k
from animate_em.scene.runs.data import shown_positions, stacked_axes, stacking_note
from animate_em.scene.timing.tween import fade_colours, interpolate_covariances

DECIMALS = 1
INIT_NAMES = {"kmeans++": "k-means++", "kmeans": "k-means", "random_from_data": "random-point"}


def sweep_settings(prepared) -> tuple[str, bool]:
    """(criterion, show the other one) of a prepared sweep; defaults when the scene has no [sweep]."""
    sweep = getattr(prepared.scene, "sweep", None)
    criterion = getattr(sweep, "criterion", "bic")
    show_other = bool(getattr(sweep, "show_aic", True)) and criterion == "bic"
    return criterion, show_other


def fit_text(run) -> str:
    """"best of 5 k-means++ starts" (how each K was fitted), or "" when unknown."""
    settings = run.settings or {}
    init, n_init = settings.get("init"), settings.get("n_init", 1)
    if not init:
        return ""
    init = INIT_NAMES.get(init, init)
    return f"best of {n_init} {init} starts" if n_init and n_init > 1 else f"{init} start"


class SweepFrameSource(BlittedFigure):
    """Iterable of the RGBA frames of a prepared sweep scene (see :class:`BlittedFigure`)."""

    def __init__(self, prepared, *, copy: bool = True):
        super().__init__(prepared, copy=copy)
        self._colour_cache: dict = {}

    # -------------------------------------------------------------------------
    def _build(self) -> None:
        p = self.prepared
        runs = p.runs
        self.sigma = float(style_value(p, "sigma", 2.0))
        theme = self.theme = p.theme
        self.sizing = sizing = frame_sizing(int(p.width), int(p.height))
        X = self.X = np.asarray(p.X, dtype=float)[:, :2]
        self.ks = [run.final.n_components for run in runs]
        self.kmax = max(self.ks)
        criterion, show_other = sweep_settings(p)
        self.criterion_name = CRITERION_NAMES[criterion]
        self.values = criterion_values(runs, criterion)
        other = criterion_values(runs, "aic") if show_other else None
        self.chosen = int(getattr(self.timeline, "chosen", int(np.argmin(self.values))))
        self.true_k = true_k(getattr(p, "true_params", None))

        finals = [types.SimpleNamespace(snapshots=(run.final,)) for run in runs]
        view = data_view(p, X, finals, self.sigma)
        shown = self.values if other is None else np.concatenate([self.values, other])
        y_chars = max(len(signed(v, 0)) for v in shown) + 1
        decor = Decor(
            footer=0.0,
            **view.decor(),
            trace_left=TICK * CHAR * y_chars + LABEL * 1.5 + 0.025,
            trace_top=SMALL * 1.9 if other is not None else 0.0,
        )
        fig, canvas = make_figure(sizing, theme.background)
        self.fig, self.canvas = fig, canvas
        renderer = canvas.get_renderer()
        layout = self.layout = frame_layout(sizing, n_panels=1, arrangement="single", data_aspect=view.aspect,
                                            equal_aspect=view.equal, show_trace=True, decor=decor)
        fg = theme.foreground

        # -- title and caption ---------------------------------------------------
        self.title = add_title(fig, p, layout, sizing, renderer)
        base = layout.status.y0 + 0.3 * layout.status.height
        ll = [run.final.log_likelihood for run in runs]
        number = "8" * max(len(signed(v, DECIMALS)) for v in [*self.values, *ll])
        segments = [("K =", "word"), ("8" * len(str(self.kmax)), "number"), ("·", "word"),
                    (self.criterion_name, "word"), (number, "number"), ("·", "word"),
                    ("log-likelihood", "word"), (number, "number")]
        size = sizing.pt(STATUS)
        size *= max(0.6, min(1.0, layout.status.width / FixedLine.measure(renderer, size, segments)))
        self.status = FixedLine(fig, renderer, layout.status.x0, base, size, segments, fg)
        what = fit_text(runs[0])
        span = f"K = {self.ks[0]} to {self.ks[-1]}" if len(runs) > 1 else f"K = {self.ks[0]}"
        start = f"EM fits {span}" + (f", each the {what}" if what.startswith("best") else "")
        self.start_line = FixedLine(fig, renderer, layout.status.x0, base, sizing.pt(STATUS), [(start, "word")], fg)
        shrink_to_width(self.start_line.texts[0], renderer, layout.status.width)
        c = self.chosen
        end = (f"lowest {self.criterion_name}: K = {self.ks[c]} · {self.criterion_name} "
               f"{signed(self.values[c], DECIMALS)} · log-likelihood {signed(ll[c], DECIMALS)}")
        self.end_line = FixedLine(fig, renderer, layout.status.x0, base, sizing.pt(STATUS), [(end, "word")], fg)
        shrink_to_width(self.end_line.texts[0], renderer, layout.status.width)

        # -- data panel ----------------------------------------------------------
        stacked = self.stacked = stacked_axes(X)
        self.panel = add_data_panel(fig, layout.panels[0], p, shown_positions(X, stacked), self.kmax, view, sizing,
                                    theme, self.sigma)
        self.mean_size = float(np.asarray(self.panel.means.get_sizes())[0])
        self.neutral = np.broadcast_to(np.array(to_rgb(theme.neutral_point)), (len(self.panel.colour_points), 3))

        # -- criterion panel -------------------------------------------------------
        cax = fig.add_axes(layout.trace.fraction(sizing))
        self.criterion = CriterionPanel(cax, self.ks, self.values, sizing, theme, name=self.criterion_name,
                                        other=other, other_name="AIC")
        self.highlight = self.criterion.highlight(self.chosen, self.true_k)

        # -- notes ---------------------------------------------------------------
        note = (f"ellipses: {sigma_text(self.sigma)} ({mass_percent(self.sigma)} of mass)   "
                + ("✕ means" if self.kmax < SHAPES_FROM else "marks: means"))
        if what:
            note += f"   each K: {what}"
        if stacked:
            note += f"   {stacking_note(stacked, p.columns, p.units)}"
        # N is in the title row (data_tag).
        self.note, self.note_right = add_notes(fig, layout, sizing, theme, renderer, note, "")

        # Drawn every frame in the order a full draw paints them: the true-K line under the curves,
        # the ring and the labels over them (hidden until the end hold).
        h = self.highlight
        self.dynamic = [*self.panel.animated(), *([h.true_line] if h.true_line is not None else []),
                        *self.criterion.animated(), *[a for a in h.artists if a is not h.true_line],
                        *self.status.dynamic()]
        self.points = [self.panel.points]

    # -------------------------------------------------------------------------
    def _colours(self, step: int | None) -> np.ndarray:
        if step is None:
            return self.neutral
        if step not in self._colour_cache:
            from animate_em.em import responsibilities
            where = self.panel.colour_points
            if self.stacked and len(where) == len(self.X):
                where = self.X        # jittered points are coloured where they were measured
            resp = responsibilities(where, self.prepared.runs[step].final)
            self._colour_cache[step] = mix_colours(resp, self.panel.rgb[: resp.shape[1]])
        return self._colour_cache[step]

    def _geometry(self, m) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Means (kmax, 2), covariances (kmax, 2, 2) and scale (kmax,) of the ellipses of moment ``m``."""
        kmax = self.kmax
        means, covs, scale = np.zeros((kmax, 2)), np.tile(np.eye(2), (kmax, 1, 1)), np.zeros(kmax)
        if m.target is None:
            return means, covs, scale
        runs, u = self.prepared.runs, m.fraction
        b = runs[m.target].final
        a = runs[m.source].final if m.source is not None else None
        kb = b.n_components
        ka = a.n_components if a is not None else 0
        if m.source == m.target:
            ka, u = 0, 1.0
        common = min(ka, kb)
        if common:
            # Matched components glide (the fits are aligned, so component j is the same cluster).
            means[:common] = (1 - u) * a.means[:common, :2] + u * b.means[:common, :2]
            covs[:common] = interpolate_covariances(a.covariances[:common, :2, :2], b.covariances[:common, :2, :2], u)
            scale[:common] = 1.0
        # New components grow out of their means; dropped ones shrink into theirs.
        means[common:kb], covs[common:kb], scale[common:kb] = b.means[common:kb, :2], b.covariances[common:kb, :2, :2], u
        if ka > kb:
            means[kb:ka], covs[kb:ka], scale[kb:ka] = a.means[kb:ka, :2], a.covariances[kb:ka, :2, :2], 1 - u
        return means, covs, scale

    def _update(self, m) -> None:
        c0, c1 = self._colours(m.source), self._colours(m.target)
        u = m.fraction
        colours = fade_colours(c0, c1, u)
        self.panel.points.set_colours(colours)
        means, covs, scale = self._geometry(m)
        for e, mean, cov, s in zip(self.panel.ellipses, means, covs, scale):
            visible = s > 1e-3
            e.set_visible(visible)
            if visible:
                center, width, height, angle = ellipse_geometry(mean, cov, self.sigma)
                e.set_center(center)
                e.set_width(width * s)
                e.set_height(height * s)
                e.set_angle(angle)
        self.panel.means.set_offsets(means)
        self.panel.means.set_sizes(self.mean_size * np.clip(scale, 0.0, 1.0) ** 2)
        self.criterion.show(m.position, tip=m.phase != "end")
        step = m.target if m.target is not None else 0
        run = self.prepared.runs[step]
        self.status.set(1, str(self.ks[step]))
        # Each number appears with what it describes: the criterion once its point is on the curve,
        # the log-likelihood once the fit has finished morphing in.
        landed = m.phase != "step" or m.position >= step + 1 - 1e-9
        self.status.set(4, signed(self.values[step], DECIMALS) if landed else "")
        self.status.set(7, signed(run.final.log_likelihood, DECIMALS) if m.fraction >= 1.0 else "")

    def _apply_static(self, phase: str) -> None:
        self.status.set_visible(phase == "step")
        self.start_line.set_visible(phase == "start")
        self.end_line.set_visible(phase == "end")
        self.highlight.set_visible(phase == "end")

    def _moments(self, index: int):
        return self.timeline.moment(index)

    def _static_key(self, m) -> str:
        return m.phase

    def _colour_key(self, m) -> tuple:
        """What decides the point colours of moment ``m`` (the mix in :meth:`_update`)."""
        u = m.fraction
        return (m.target,) if u >= 1.0 else (m.source,) if u <= 0.0 else (m.source, m.target, u)
