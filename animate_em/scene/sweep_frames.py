"""The frames of a sweep over K: each converged fit in turn, and the criterion curve growing beside it.

:class:`SweepFrameSource` has the public interface of
:class:`~animate_em.scene.frames.FrameSource` (which hands sweep scenes to
it): ``len()``, iteration, ``frame(i)``, the ``copy`` flag, byte-identical
frames for the same input, and blitting: the title, axes, labels and notes
are drawn once; per frame only the points' colours, the ellipses, the means,
the curves and the caption numbers are drawn. The end-hold highlight is
drawn into a re-cached background once.
"""
from __future__ import annotations

import types

import numpy as np
from matplotlib.colors import to_rgb

from animate_em.scene.criterion import CriterionPanel
from animate_em.scene.figure import (LABEL, SMALL, STATUS, TICK, TITLE, Decor, FixedLine, StampText,
                                     frame_layout, make_figure, pinned_style)
from animate_em.scene.frames import (CHAR, FrameSource, _extent, _shrink_to_width, _style, _tick_chars,
                                     frame_sizing, point_area)
from animate_em.scene.interpolate import ellipse_geometry, interpolate_covariances
from animate_em.scene.palette import mix_colours
from animate_em.scene.panels import DataPanel, data_limits, mass_percent, sigma_text, signed, widen_to_aspect
from animate_em.scene.sweep import CRITERION_NAMES, criterion_values, true_k

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


class SweepFrameSource(FrameSource):
    """Iterable of the RGBA frames of a prepared sweep scene (see :class:`FrameSource`)."""

    def __init__(self, prepared, *, copy: bool = True):
        self.prepared = prepared
        self.timeline = prepared.timeline
        self.copy = copy
        self._built = False
        self._key = None
        self._background = None
        self._colour_cache: dict = {}

    # -------------------------------------------------------------------------
    def _build(self) -> None:
        p = self.prepared
        runs = p.runs
        self.sigma = float(_style(p, "sigma", 2.0))
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
        xlim, ylim = data_limits(X, finals, self.sigma)
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
        shown = self.values if other is None else np.concatenate([self.values, other])
        y_chars = max(len(signed(v, 0)) for v in shown) + 1
        decor = Decor(
            footer=0.0,
            data_left=(TICK * CHAR * max(_tick_chars(ylim), 3) + LABEL * 1.5 + 0.02) if ticks else 0.0,
            data_bottom=(TICK * 1.3 + LABEL * 1.4 + 0.012) if ticks else 0.0,
            trace_left=TICK * CHAR * y_chars + LABEL * 1.5 + 0.025,
            trace_top=SMALL * 1.9 if other is not None else 0.0,
        )
        fig, canvas = make_figure(sizing, theme.background)
        self.fig, self.canvas = fig, canvas
        renderer = canvas.get_renderer()
        layout = self.layout = frame_layout(sizing, n_panels=1, arrangement="single", data_aspect=rx / ry,
                                            equal_aspect=equal, show_trace=True, decor=decor)
        W, H = sizing.width, sizing.height
        fg = theme.foreground

        # -- title and caption ---------------------------------------------------
        title = getattr(p.scene, "title", "") or ""
        self.title = fig.text(layout.title.x0 / W, layout.title.y1 / H, title, ha="left", va="top",
                              fontsize=sizing.pt(TITLE), fontweight="bold", color=fg)
        _shrink_to_width(self.title, renderer, layout.content.width)
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
        _shrink_to_width(self.start_line.texts[0], renderer, layout.status.width)
        c = self.chosen
        end = (f"lowest {self.criterion_name}: K = {self.ks[c]} · {self.criterion_name} "
               f"{signed(self.values[c], DECIMALS)} · log-likelihood {signed(ll[c], DECIMALS)}")
        self.end_line = FixedLine(fig, renderer, layout.status.x0, base, sizing.pt(STATUS), [(end, "word")], fg)
        _shrink_to_width(self.end_line.texts[0], renderer, layout.status.width)

        # -- data panel ----------------------------------------------------------
        slot = layout.panels[0]
        ax = fig.add_axes(slot.axes.fraction(sizing))
        pxlim, pylim = widen_to_aspect(xlim, ylim, slot.axes.width / slot.axes.height) if equal else (xlim, ylim)
        reference = min(slot.axes.height, slot.axes.width, 0.7 * sizing.unit)
        area = _style(p, "point_size", None) or point_area(sizing, len(X), reference)
        self.panel = DataPanel(ax, X, self.kmax, pxlim, pylim, sizing, theme, sigma=self.sigma, point_size=area,
                               point_alpha=getattr(theme, "point_alpha", 0.8),
                               line_width=_style(p, "line_width", None), ticks=ticks, xlabel=xlabel,
                               ylabel=ylabel)
        self.mean_size = float(np.asarray(self.panel.means.get_sizes())[0])
        self.neutral = np.broadcast_to(np.array(to_rgb(theme.neutral_point)), (len(X), 3))

        # -- criterion panel -------------------------------------------------------
        cax = fig.add_axes(layout.trace.fraction(sizing))
        self.criterion = CriterionPanel(cax, self.ks, self.values, sizing, theme, name=self.criterion_name,
                                        other=other, other_name="AIC")
        self.highlight = self.criterion.highlight(self.chosen, self.true_k)

        # -- notes ---------------------------------------------------------------
        note = f"ellipses: {sigma_text(self.sigma)} ({mass_percent(self.sigma)} of mass)   ✕ means"
        if what:
            note += f"   each K: {what}"
        y = layout.notes.y0 + 0.3 * layout.notes.height
        self.note = fig.text(layout.notes.x0 / W, y / H, note, ha="left", va="baseline",
                             fontsize=sizing.pt(SMALL), color=theme.muted)
        right = f"N = {len(X)} points"
        self.note_right = fig.text(layout.notes.x1 / W, y / H, right, ha="right", va="baseline",
                                   fontsize=sizing.pt(SMALL), color=theme.muted)
        free = layout.notes.width - _extent(self.note, renderer).width - sizing.px(0.03)
        if _extent(self.note_right, renderer).width > free:
            self.note_right.set_visible(False)
        _shrink_to_width(self.note, renderer, layout.notes.width)

        # Drawn every frame in the order a full draw paints them: the true-K line under the curves,
        # the ring and the labels over them (hidden until the end hold).
        h = self.highlight
        self.dynamic = [*self.panel.animated(), *([h.true_line] if h.true_line is not None else []),
                        *self.criterion.animated(), *[a for a in h.artists if a is not h.true_line],
                        *self.status.dynamic()]
        for a in self.dynamic:
            a.set_animated(True)
        self._built = True

    # -------------------------------------------------------------------------
    def _colours(self, step: int | None) -> np.ndarray:
        if step is None:
            return self.neutral
        if step not in self._colour_cache:
            from animate_em.em import responsibilities
            resp = responsibilities(self.X, self.prepared.runs[step].final)
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
        colours = c1 if u >= 1.0 else c0 if u <= 0.0 else (1.0 - u) * c0 + u * c1
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
        self.status.set(4, signed(self.values[step], DECIMALS))
        self.status.set(7, signed(run.final.log_likelihood, DECIMALS))

    def _apply_static(self, phase: str) -> None:
        self.status.set_visible(phase == "step")
        self.start_line.set_visible(phase == "start")
        self.end_line.set_visible(phase == "end")
        self.highlight.set_visible(phase == "end")

    def _render(self, index: int, full: bool = False) -> np.ndarray:
        if not self._built:
            with pinned_style():
                self._build()
        m = self.timeline.moment(index)
        key = m.phase
        self._update(m)
        if full or key != self._key:
            self._apply_static(key)
            for a in self.dynamic:
                if isinstance(a, StampText):
                    a.clear_stamps()
        if full:
            self._key = None
            for a in self.dynamic:
                a.set_animated(False)
            try:
                with pinned_style():
                    self.canvas.draw()
            finally:
                for a in self.dynamic:
                    a.set_animated(True)
            return np.asarray(self.canvas.buffer_rgba())
        if key != self._key:
            with pinned_style():
                self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._key = key
        else:
            self.canvas.restore_region(self._background)
        with pinned_style(draw_only=True):
            for a in self.dynamic:
                self.fig.draw_artist(a)
        return np.asarray(self.canvas.buffer_rgba())
