"""Presenting EM step by step: every click of a remote plays exactly one beat of the animation.

A *step* is one beat of a scene's timeline (``prepared.timeline.steps()``):
the initial state, the E beat and the M beat of every iteration, the final
state; in a sweep over K, one K. Steps are ranges of the very frames the
renderer draws, so a step ends on a frame of the video.

- :func:`build_presentation` writes a self-contained HTML page (:mod:`.html`)
  that steps through one or several scenes with the keys of a presentation
  remote, and a PDF handout (:mod:`.handout`) with a vector page per iteration.
- :func:`step_segments` (:mod:`.media`) cuts a scene into one MP4 per step,
  for the step deck of :mod:`animate_em.slides`.
- :func:`present_scenes` (:mod:`.scenes`) loads scenes with their steps and
  speaker notes.

>>> build_presentation(["em-basics", "bic"], html="talk.html", pdf="handout.pdf")   # doctest: +SKIP
"""
from __future__ import annotations

from .build import PresentResult, build_presentation
from .handout import write_handout
from .html import KEYS, presentation_html
from .media import Segment, scene_video, step_segments
from .scenes import PresentedScene, handout_steps, present_scenes, unique_name

__all__ = ["KEYS", "PresentResult", "PresentedScene", "Segment", "build_presentation", "handout_steps",
           "present_scenes", "presentation_html", "scene_video", "step_segments", "unique_name", "write_handout"]
