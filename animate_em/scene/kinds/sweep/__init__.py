"""The sweep kind: the converged fit for every K of ``[sweep] k`` while the BIC (or AIC) curve grows.

:mod:`.fitting` fits and aligns one run per K and picks K; :mod:`.timeline`
is its clock (a step per K); :mod:`.frames` and :mod:`.criterion` draw it;
:mod:`.poster` shows every K side by side; :mod:`.notes` are the speaker notes of its steps.
"""
from __future__ import annotations

from animate_em.scene.kinds.base import Kind
from animate_em.scene.kinds.sweep.fitting import chosen_index, criterion_values, fit_sweep, sweep_models
from animate_em.scene.kinds.sweep.frames import SweepFrameSource
from animate_em.scene.kinds.sweep.notes import step_notes
from animate_em.scene.kinds.sweep.poster import sweep_poster
from animate_em.scene.kinds.sweep.timeline import SweepTimeline


def sweep_timeline(scene, runs: list, labels: list, traces: list) -> SweepTimeline:
    """A step per K, ending on the K with the lowest criterion."""
    chosen = chosen_index(criterion_values(runs, scene.sweep.criterion))
    return SweepTimeline.build(len(runs), chosen, fps=scene.fps, seconds_per_step=scene.sweep.seconds_per_step,
                               hold_start=scene.timing.hold_start, hold_end=scene.timing.hold_end, titles=labels,
                               numbers=scene.sweep.k)


KIND = Kind(name="sweep", models=sweep_models, fit=fit_sweep, timeline=sweep_timeline, frames=SweepFrameSource,
            poster=sweep_poster, notes=step_notes)
