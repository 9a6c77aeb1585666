"""Readable everywhere: title size, words in captions, one way of writing weights."""
import re

import numpy as np

import pytest

from animate_em.scene import builtin_scenes, frame_source, load_scene, prepare
from animate_em.scene.draw.captions import INIT_WORDS, start_text


def _source(name, width, height):
    scene = load_scene(name)
    quick = {"fps": 4} if scene.kind == "sweep" else {"fps": 4, "frames_per_iteration": 1}
    source = frame_source(prepare(scene.with_overrides({"width": width, "height": height, **quick})))
    source.frame(0)
    return source


@pytest.mark.parametrize("size", [(854, 480), (1920, 1080)])
@pytest.mark.parametrize("name", sorted(builtin_scenes()))
def test_titles_are_at_least_four_percent_of_the_frame_height(name, size):
    source = _source(name, *size)
    pixels = source.title.get_fontsize() * source.fig.dpi / 72.0
    assert pixels >= 0.04 * size[1] - 0.01, (name, pixels)


@pytest.mark.parametrize("name", ["em-basics", "init-race", "local-optimum", "restarts", "faithful"])
def test_weights_are_written_one_way_and_captions_use_words(name):
    source = _source(name, 1280, 720)
    source.frame(len(source) - 1)
    for footer, _ in source.footers:
        if footer is None:
            continue
        shown = footer.texts[0].get_text()
        assert re.findall(r"\S+", shown) and all(re.fullmatch(r"[01]\.\d\d", w) for w in shown.split())
    source.frame(0)
    caption = " ".join(t.get_text() for t in source.status.texts)
    assert not any(code in caption for code in ("random_from_data", "kmeans++)", "init="))


def test_initialisations_are_said_in_words():
    class Run:
        settings = {"init": "random_from_data"}

    assert start_text([Run()]) == "initial guess: random data points"
    assert set(INIT_WORDS) == {"random_from_data", "random", "kmeans++", "kmeans"}
    assert all("_" not in words for words in INIT_WORDS.values())


# -- points measured on a grid ----------------------------------------------------

def _iris_like():
    # Petal measurements to 0.1 cm: many flowers share their place exactly.
    rng = np.random.default_rng(0)
    return np.round(rng.normal([4.0, 1.2], [1.5, 0.6], size=(150, 2)), 1)


def test_a_measurement_grid_is_found_and_only_when_it_stacks_points():
    from animate_em import datasets
    from animate_em.scene.runs.data import grid_step, stacked_axes
    assert grid_step(np.array([1.2, 3.4, 5.0])) == pytest.approx(0.1)
    assert grid_step(np.array([10.0, 20.0, 30.0])) == pytest.approx(10.0)
    assert grid_step(np.array([0.123456789])) is None
    assert [(a, round(s, 9)) for a, s in stacked_axes(_iris_like())] == [(0, 0.1), (1, 0.1)]
    assert stacked_axes(datasets.get("anisotropic").X) == []          # continuous: nothing stacks
    # Old Faithful: waiting is in whole minutes; eruptions' 0.001 min steps are too fine to see.
    assert stacked_axes(datasets.get("faithful").X) == [(1, 1.0)]


def test_stacked_points_are_drawn_jittered_within_their_cell_and_the_footer_says_so(tmp_path):
    from animate_em.scene.runs.data import JITTER, shown_positions, stacked_axes, stacking_note
    X = _iris_like()
    axes = stacked_axes(X)
    shown = shown_positions(X, axes)
    assert np.array_equal(shown, shown_positions(X, axes))             # the same frames every time
    assert np.all(np.abs(shown - X) <= JITTER * 0.1 + 1e-12) and np.any(shown != X)
    assert stacking_note(axes, ["petal length", "petal width"], "cm") == "points jittered: measured to 0.1 cm"
    assert stacking_note([(1, 1.0)], ["eruptions", "waiting"], "minutes") == \
        "points jittered: waiting measured to 1 minute"
    path = tmp_path / "petals.csv"
    np.savetxt(path, X, delimiter=",", header="petal_length,petal_width", comments="", fmt="%.1f")
    scene = load_scene("em-basics").with_overrides({"width": 854, "height": 480, "fps": 4, "k": 2,
                                                    "frames_per_iteration": 1})
    prepared = prepare(scene.with_overrides({"data": str(path)}))
    source = frame_source(prepared)
    source.frame(0)
    assert np.allclose(source.panels[0].points.xy, shown)            # drawn jittered ...
    assert np.array_equal(source.X, X)                              # ... but fitted and coloured as measured
    assert "points jittered: measured to 0.1" in source.note.get_text()
