"""The scene layer: what a lecture animation shows and how EM unfolds frame by frame.

>>> from animate_em.scene import Scene, prepare, frame_source
>>> prepared = prepare(Scene.default())          # doctest: +SKIP
>>> frames = frame_source(prepared)              # doctest: +SKIP

Rooms, one idea each:

- ``spec/``    the scene file: every key, its validation, the :class:`Scene` object
- ``runs/``    the data a scene fits, its EM runs, components matched across runs
- ``timing/``  time: the timeline (frame -> moment), pacing, tweening between snapshots
- ``draw/``    drawing: figure, layout, data and trace panels, ellipses, points,
  palette, captions, overlays, posters
- ``frames/``  streaming frames: the blitting engine and :func:`frame_source`
- ``kinds/``   kinds of scene (``em``, ``sweep``), each with its timeline, frames and poster

:func:`prepare` (in :mod:`.prepared`) loads the data, fits the runs and lays
out the timeline; :func:`frame_source` draws each moment.

Code inside the scene layer imports from the modules themselves, never from
this file, which only gathers the public names.
"""
from animate_em.scene.draw.ellipse import ellipse_geometries, ellipse_geometry, ellipse_points
from animate_em.scene.draw.palette import (
                                           OKABE_ITO,
                                           THEMES,
                                           Theme,
                                           blend,
                                           component_rgb,
                                           contrast_ratio,
                                           get_theme,
                                           mix_colours,
)
from animate_em.scene.frames.source import frame_source, poster_image, still_image
from animate_em.scene.kinds.sweep.timeline import SweepMoment, SweepTimeline
from animate_em.scene.prepared import Prepared, assemble, prepare
from animate_em.scene.runs.data import load_scene_data
from animate_em.scene.runs.fitting import fit_runs
from animate_em.scene.runs.matching import align_runs, linear_sum_assignment, match_components, permute_run
from animate_em.scene.spec.scene import (
                                           DataSpec,
                                           ModelSpec,
                                           RunSpec,
                                           Scene,
                                           StyleSpec,
                                           SweepSpec,
                                           TimingSpec,
                                           builtin_scenes,
                                           load_scene,
)
from animate_em.scene.spec.schema import QUALITY, keys_markdown
from animate_em.scene.timing.timeline import Moment, Timeline, marker_position
from animate_em.scene.timing.tween import ease, interpolate_covariances, interpolate_parameters

__all__ = [
    "DataSpec", "ModelSpec", "Moment", "OKABE_ITO", "Prepared", "QUALITY", "RunSpec", "Scene", "StyleSpec",
    "SweepMoment", "SweepSpec", "SweepTimeline", "THEMES", "Theme", "Timeline", "TimingSpec", "align_runs",
    "assemble", "blend", "builtin_scenes", "component_rgb", "contrast_ratio", "ease", "ellipse_geometries",
    "ellipse_geometry", "ellipse_points", "fit_runs", "frame_source", "get_theme", "interpolate_covariances",
    "interpolate_parameters", "keys_markdown", "linear_sum_assignment", "load_scene", "load_scene_data",
    "marker_position", "match_components", "mix_colours", "permute_run", "poster_image", "prepare",
    "still_image",
]
