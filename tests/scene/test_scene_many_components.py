"""More than eight components: every component told apart by colour, also with colour-blind eyes, and by shape."""
from __future__ import annotations

import numpy as np
import pytest

from animate_em.scene import frame_source, load_scene, prepare
from animate_em.scene.draw.palette import MAX_COMPONENTS, THEMES, component_rgb
from animate_em.scene.draw.panels import SHAPES_FROM, component_dashes, component_markers

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
PROTANOPIA = np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                       [-0.003882, -0.048116, 1.051998]])
DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])


def linear(rgb):
    rgb = np.asarray(rgb, dtype=float)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def to_srgb(lin):
    lin = np.clip(lin, 0.0, 1.0)
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)


def simulate(rgb, matrix):
    """What a dichromat sees of sRGB colours ``rgb`` (..., 3)."""
    return to_srgb(linear(rgb) @ matrix.T)


def lab(rgb):
    xyz = linear(rgb) @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                                  [0.0193, 0.1192, 0.9505]]).T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def closest_pair(rgb) -> float:
    """Smallest CIELAB distance (Delta E 1976) between two of the colours."""
    points = lab(rgb)
    d = np.linalg.norm(points[:, None] - points[None], axis=-1)
    d[np.diag_indices(len(points))] = np.inf
    return float(d.min())


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("vision", ["normal", "deuteranopia", "protanopia"])
def test_up_to_twenty_components_get_colours_apart_for_every_eye(theme, vision):
    assert MAX_COMPONENTS == 20
    for k in (9, 12, 16, 20):
        rgb = component_rgb(THEMES[theme], k)
        assert len({tuple(c) for c in np.round(rgb, 4)}) == k
        seen = rgb if vision == "normal" else simulate(rgb, {"deuteranopia": DEUTERANOPIA,
                                                             "protanopia": PROTANOPIA}[vision])
        assert closest_pair(seen) >= 14.0, (k, vision)


def test_the_simulation_is_the_real_one():
    # Red and green, far apart for normal vision, nearly meet for a deuteranope (the reason for the test).
    red_green = np.array([[0.8, 0.2, 0.1], [0.3, 0.6, 0.1]])
    assert closest_pair(red_green) > 50
    assert closest_pair(simulate(red_green, DEUTERANOPIA)) < 20
    assert np.allclose(simulate(np.array([[1.0, 1.0, 1.0]]), DEUTERANOPIA), 1.0, atol=0.01)


def test_from_seven_components_on_every_component_has_its_own_shape():
    assert component_markers(SHAPES_FROM - 1) == ["X"] * (SHAPES_FROM - 1)
    for k in range(SHAPES_FROM, MAX_COMPONENTS + 1):
        cues = list(zip(component_markers(k), map(str, component_dashes(k))))
        assert len(set(cues)) == k
        assert len(set(component_markers(k))) == min(k, 15)


@pytest.fixture(scope="module")
def twelve():
    scene = load_scene("em-basics").with_overrides(
        {"width": 854, "height": 480, "fps": 4, "frames_per_iteration": 1, "max_iter": 8, "k": 12,
         "data": "varied", "init": "kmeans++"})
    source = frame_source(prepare(scene))
    return source, source.frame(len(source) - 1)


def test_means_on_the_frame_have_twelve_shapes_and_colours(twelve):
    source, _ = twelve
    means = source.panels[0].means
    paths = means.get_paths()
    assert len(paths) == 12
    assert len({tuple(np.round(p.vertices, 3).ravel()) for p in paths}) == 12
    assert len({tuple(np.round(c[:3], 3)) for c in means.get_facecolors()}) == 12


def test_the_weights_legend_shows_each_components_shape_and_colour(twelve):
    from matplotlib.lines import Line2D

    source, frame = twelve
    swatches = [a for a in source.fig.artists if isinstance(a, Line2D)]
    assert [s.get_marker() for s in swatches] == component_markers(12)
    colours = {tuple(np.round(s.get_color(), 3)) for s in swatches}
    assert len(colours) == 12
    # Drawn: the pixel under each swatch's centre has its colour.
    H = frame.shape[0]
    for s, rgb in zip(swatches, component_rgb(THEMES["light"], 12)):
        x, y = s.get_xdata()[0], s.get_ydata()[0]
        pixel = frame[int(round(H - y)), int(round(x)), :3] / 255.0
        assert np.abs(pixel - rgb).max() < 0.12
