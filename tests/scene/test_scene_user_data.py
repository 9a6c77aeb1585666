"""A user's data on the frames: framed on the data, axes that say what they show, the data named."""
from __future__ import annotations

import numpy as np
import pytest

from animate_em.scene import builtin_scenes, frame_source, load_scene, poster_image, prepare
from animate_em.scene.draw.points import PointCloud

TINY = {"width": 320, "height": 180, "frames_per_iteration": 1, "fps": 4}


def data_axes(source):
    """The data panels of a built frame source: the axes that hold the points."""
    return [ax for ax in source.fig.axes if any(isinstance(a, PointCloud) for a in ax.get_children())]


def data_fraction(ax, X) -> float:
    """How much of the panel the data's bounding box spans, in its limiting direction."""
    lo, hi = ax.transData.transform(X.min(axis=0)), ax.transData.transform(X.max(axis=0))
    box = ax.bbox
    return float(max((hi[0] - lo[0]) / box.width, (hi[1] - lo[1]) / box.height))


def _tiny(name: str):
    scene = load_scene(name)
    overrides = dict(TINY) if scene.kind == "sweep" else {**TINY, "max_iter": 12}
    if scene.kind == "sweep":
        overrides.pop("frames_per_iteration")
    return prepare(scene.with_overrides(overrides))


@pytest.mark.parametrize("name", sorted(builtin_scenes()))
def test_the_final_frame_of_every_scene_frames_the_data(name):
    prepared = _tiny(name)
    source = frame_source(prepared)
    source.frame(len(source) - 1)
    panels = data_axes(source)
    assert len(panels) == len(prepared.runs) if prepared.kind == "em" else len(panels) == 1
    for ax in panels:
        assert data_fraction(ax, prepared.X) >= 0.8


def _csv(tmp_path, header=True):
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal([1.5, 0.3], [0.2, 0.1], (50, 2)), rng.normal([4.5, 1.4], [0.5, 0.2], (50, 2)),
                   rng.normal([5.6, 2.0], [0.5, 0.25], (50, 2))])
    path = tmp_path / "iris.csv"
    lines = ["petal length (cm),petal width (cm)"] if header else []
    path.write_text("\n".join(lines + [f"{a:.3f},{b:.3f}" for a, b in X]) + "\n")
    return path


def _user_scene(path, **extra):
    scene = load_scene("em-basics").with_overrides({**TINY, "max_iter": 6, "data": str(path), "k": 3, **extra})
    return prepare(scene)


def _non_background(image, box, background=255):
    """Pixels in a (x0, y0, x1, y1) box of a figure-coordinate (origin bottom left) image region."""
    H = image.shape[0]
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    region = image[H - y1:H - y0, x0:x1, :3]
    return int((np.abs(region.astype(int) - background).max(axis=-1) > 60).sum())


@pytest.mark.parametrize("header, names", [(True, ("petal length (cm)", "petal width (cm)")),
                                           (False, ("column 1", "column 2"))])
def test_a_users_data_gets_ticks_axis_names_and_a_title_naming_it(tmp_path, header, names):
    prepared = _user_scene(_csv(tmp_path, header))
    source = frame_source(prepared)
    frame = source.frame(len(source) - 1)
    (ax,) = data_axes(source)
    assert (ax.get_xlabel(), ax.get_ylabel()) == names
    assert len(ax.get_xticks()) >= 2 and len(ax.get_yticks()) >= 2
    # Tick labels and names are drawn: ink left of and below the panel.
    box = ax.bbox
    assert _non_background(frame, (box.x0 - 0.12 * 180, box.y0, box.x0 - 2, box.y1)) > 20
    assert _non_background(frame, (box.x0, box.y0 - 0.1 * 180, box.x1, box.y0 - 2)) > 20
    texts = [t.get_text() for t in source.fig.texts]
    assert "iris · N = 150 · K = 3" in texts


def test_the_poster_labels_a_users_axes_too(tmp_path):
    from animate_em.scene.draw import poster as poster_module

    prepared = _user_scene(_csv(tmp_path))
    made = []
    original = poster_module.DataPanel

    class Recording(original):
        def __init__(self, ax, *args, **kwargs):
            super().__init__(ax, *args, **kwargs)
            made.append(ax)

    poster_module.DataPanel = Recording
    try:
        image = poster_image(prepared)
    finally:
        poster_module.DataPanel = original
    assert image.shape[1] == 320 and made
    assert made[0].get_ylabel() == "petal width (cm)"
    assert made[-1].get_xlabel() == "petal length (cm)"
    assert all(len(ax.get_xticks()) >= 2 for ax in made)
    assert "iris · N = 150 · K = 3" in [t.get_text() for t in made[0].figure.texts]
    for ax in made:
        assert data_fraction(ax, prepared.X) >= 0.8


def test_built_in_shapes_stay_bare_but_are_named():
    prepared = prepare(load_scene("em-basics").with_overrides({**TINY, "max_iter": 3}))
    source = frame_source(prepared)
    source.frame(0)
    (ax,) = data_axes(source)
    assert ax.get_xlabel() == "" and len(ax.get_xticks()) == 0
    assert f"anisotropic · N = {len(prepared.X)} · K = 4" in [t.get_text() for t in source.fig.texts]
