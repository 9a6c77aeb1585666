"""The EM kind: the iterations of one or several EM runs, side by side on one clock.

Its timeline is the shared :class:`~animate_em.scene.timing.timeline.Timeline`
(E and M beats paced by change); its frames are
:class:`~animate_em.scene.kinds.em.frames.EmFrameSource`; its poster shows one
run every few iterations; its speaker notes (:mod:`.notes`) say what each step
of the timeline shows.
"""
from __future__ import annotations

from animate_em.scene.kinds.base import Kind
from animate_em.scene.kinds.em.frames import EmFrameSource
from animate_em.scene.kinds.em.notes import step_notes
from animate_em.scene.kinds.em.poster import poster_image
from animate_em.scene.runs.fitting import fit_runs
from animate_em.scene.timing.timeline import Timeline


def em_timeline(scene, runs: list, labels: list, traces: list) -> Timeline:
    """The EM timeline of ``runs`` paced by ``scene``'s ``[timing]`` table."""
    return Timeline.for_scene(scene, runs, traces)


def em_models(scene) -> list[tuple]:
    """(label, model) of every run of an EM scene."""
    return scene.run_models()


KIND = Kind(name="em", models=em_models, fit=fit_runs, timeline=em_timeline, frames=EmFrameSource,
            poster=poster_image, notes=step_notes)
