"""The scene layer: what a lecture animation shows and how EM unfolds frame by frame.

>>> from animate_em.scene import Scene, prepare
>>> prepared = prepare(Scene.default())          # doctest: +SKIP
>>> len(prepared.timeline)                        # doctest: +SKIP

A :class:`Scene` describes the data, model, runs, timing and style;
:func:`prepare` fits the runs and builds the :class:`Timeline`; the frame
source draws each :class:`Moment`.
"""
from .frames import FrameSource
from .interpolate import (ease, ellipse_geometries, ellipse_geometry, ellipse_points,
                          interpolate_covariances, interpolate_parameters)
from .matching import align_runs, linear_sum_assignment, match_components, permute_run
from .palette import (OKABE_ITO, THEMES, Theme, blend, component_rgb, contrast_ratio, get_theme,
                      mix_colours)
from .poster import poster_image, still_image
from .prepare import Prepared, fit_runs, load_scene_data, prepare
from .schema import QUALITY, keys_markdown
from .spec import (DataSpec, ModelSpec, RunSpec, Scene, StyleSpec, SweepSpec, TimingSpec, builtin_scenes,
                   load_scene)
from .sweep import SweepMoment, SweepTimeline
from .timeline import Moment, Timeline, marker_position

__all__ = [
    "DataSpec", "FrameSource", "ModelSpec", "Moment", "OKABE_ITO", "Prepared", "QUALITY", "RunSpec", "Scene",
    "StyleSpec", "SweepMoment", "SweepSpec", "SweepTimeline", "THEMES", "Theme", "Timeline", "TimingSpec", "align_runs", "blend", "builtin_scenes",
    "component_rgb", "contrast_ratio", "ease", "ellipse_geometries", "ellipse_geometry", "ellipse_points",
    "fit_runs", "get_theme", "interpolate_covariances", "interpolate_parameters", "keys_markdown",
    "linear_sum_assignment", "load_scene", "load_scene_data", "marker_position", "match_components",
    "mix_colours", "permute_run", "poster_image", "prepare", "still_image",
]
