"""Poster grid and still image."""

import numpy as np
import pytest
from scene_probe import maker

from animate_em.scene.draw.poster import poster_columns, poster_iterations
from animate_em.scene.frames.source import frame_source, poster_image, still_image


@pytest.fixture(scope="module")
def prepared():
    return maker.baseline_prepared(width=480, height=270)


def test_poster_iterations_always_end_with_the_last():
    assert poster_iterations(23, 5) == [0, 5, 10, 15, 20, 23]
    assert poster_iterations(20, 5) == [0, 5, 10, 15, 20]
    assert poster_iterations(0, 5) == [0]
    assert poster_iterations(3, 1) == [0, 1, 2, 3]
    with pytest.raises(ValueError):
        poster_iterations(5, 0)


def test_automatic_columns_stay_readable():
    assert poster_columns(1, None) == 1
    assert poster_columns(6, None) == 3
    assert poster_columns(40, None) == 6
    assert poster_columns(3, 10) == 3


def test_poster_has_scene_width_and_even_height(prepared):
    image = poster_image(prepared, every=2)
    assert image.dtype == np.uint8 and image.shape[2] == 4
    assert image.shape[1] == prepared.width
    assert image.shape[0] % 2 == 0


def test_poster_is_deterministic(prepared):
    assert np.array_equal(poster_image(prepared, every=3), poster_image(prepared, every=3))


def test_more_columns_make_a_shorter_poster(prepared):
    # iterations 0, 1, ..., 6: seven panels
    tall = poster_image(prepared, every=1, columns=2)
    short = poster_image(prepared, every=1, columns=7)
    assert tall.shape[0] > short.shape[0]
    assert tall.shape[1] == short.shape[1] == prepared.width


def test_poster_panels_show_different_snapshots(prepared):
    image = poster_image(prepared, every=6, columns=2)   # iteration 0 left, 6 right
    left, right = image[:, : image.shape[1] // 2, :3], image[:, image.shape[1] // 2:, :3]
    body = slice(image.shape[0] // 3, None)              # below the title
    assert np.abs(left[body].astype(int) - right[body, : left.shape[1]].astype(int)).mean() > 1.0
    # The initial panel shows the wide initial ellipses: more coloured ink than the final one.
    ink = lambda part: (np.abs(part.astype(int) - 255).sum(axis=2) > 60).sum()
    assert ink(left[body]) != ink(right[body])


def test_still_image_is_the_last_frame(prepared):
    source = frame_source(prepared)
    assert np.array_equal(still_image(prepared), source.frame(len(source) - 1))
