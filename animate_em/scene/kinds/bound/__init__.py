"""The lower-bound kind: why EM climbs, drawn exactly from the fit.

For one EM run, every iteration is shown on a slice through parameter space
along the step (:mod:`.slices`): ln p(X | theta) and the bound L(q, theta),
with ln p = L + KL. The E-step makes the bound touch; the M-step climbs it to
its peak and the log-likelihood rises at least as much. Its clock is the EM
timeline (paced by how much the picture changes); :mod:`.frames` and
:mod:`.panel` draw it, :mod:`.figure` and :mod:`.poster` show several iterations side by side, :mod:`.notes` speaks them.
"""
from __future__ import annotations

from animate_em.scene.kinds.base import Kind
from animate_em.scene.kinds.bound.frames import BoundFrameSource
from animate_em.scene.kinds.bound.notes import step_notes
from animate_em.scene.kinds.bound.poster import bound_poster
from animate_em.scene.runs.fitting import fit_runs
from animate_em.scene.timing.timeline import Timeline


def bound_timeline(scene, runs: list, labels: list, traces: list) -> Timeline:
    """The EM timeline of the scene's one run, paced by its ``[timing]`` table and the picture's change."""
    return Timeline.for_scene(scene, runs, traces)


def bound_models(scene) -> list[tuple]:
    """The scene's one run: ``[model]``."""
    return scene.run_models()


KIND = Kind(name="bound", models=bound_models, fit=fit_runs, timeline=bound_timeline, frames=BoundFrameSource,
            poster=bound_poster, notes=step_notes)
