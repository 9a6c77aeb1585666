"""Palette, themes and soft-assignment colour mixing."""
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from hypothesis import given, settings
from hypothesis import strategies as st

from animate_em.scene.draw.palette import (
    OKABE_ITO,
    THEMES,
    blend,
    component_rgb,
    contrast_ratio,
    get_theme,
    mix_colours,
    relative_luminance,
)


def test_okabe_ito_order_yellow_last_of_the_colours():
    assert OKABE_ITO[:4] == ["#E69F00", "#56B4E9", "#009E73", "#0072B2"]
    assert OKABE_ITO[6] == "#F0E442" and OKABE_ITO[7] == "#000000"


def test_dark_theme_swaps_black_for_light_lightens_blue_and_keeps_the_rest():
    light, dark = THEMES["light"], THEMES["dark"]
    kept = [i for i in range(7) if i != 3]
    assert [dark.component_colours[i] for i in kept] == [light.component_colours[i] for i in kept]
    assert contrast_ratio(dark.component_colours[7], dark.background) > 10


def _drawn(colour, theme):
    """A point's colour as drawn: the component colour at the theme's point opacity over the background."""
    from matplotlib.colors import to_hex
    rgb, ground = np.array(to_rgb(colour)), np.array(to_rgb(theme.background))
    return to_hex(theme.point_alpha * rgb + (1 - theme.point_alpha) * ground)


def test_dark_theme_every_component_and_its_points_reach_3_to_1():
    # WCAG 2.1's rule for graphics: 3:1 against what surrounds them. Points are drawn translucent,
    # so the colour they end up with must pass too (Okabe-Ito blue #0072B2 was 3.2:1, 2.4:1 as a point).
    theme = THEMES["dark"]
    for colour in theme.component_colours:
        assert contrast_ratio(colour, theme.background) >= 3.0, colour
        assert contrast_ratio(_drawn(colour, theme), theme.background) >= 3.0, colour


def test_dark_theme_components_stay_apart_in_a_perceptual_space():
    from animate_em.scene.timing.tween import to_oklab
    lab = to_oklab(component_rgb(THEMES["dark"], 8))
    distance = np.linalg.norm(lab[:, None] - lab[None, :], axis=2) + np.eye(8)
    assert distance.min() >= 0.1


@pytest.mark.parametrize("name", ["light", "dark"])
def test_text_contrast_meets_wcag_aa(name):
    theme = THEMES[name]
    assert contrast_ratio(theme.foreground, theme.background) >= 7.0
    assert contrast_ratio(theme.muted, theme.background) >= 4.5
    assert contrast_ratio(theme.neutral_point, theme.background) >= 3.0


def test_dark_theme_every_component_colour_is_visible():
    theme = THEMES["dark"]
    assert min(contrast_ratio(c, theme.background) for c in theme.component_colours) >= 3.0
    assert relative_luminance(theme.background) < 0.05   # really dark, not grey


def test_contrast_ratio_extremes():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)


def test_component_rgb_extends_past_the_theme_and_cycles_past_twenty():
    theme = THEMES["light"]
    rgb = component_rgb(theme, 22)
    assert rgb.shape == (22, 3)
    assert np.allclose(rgb[0], [0xE6 / 255, 0x9F / 255, 0.0])
    assert np.array_equal(component_rgb(theme, 8), rgb[:8])   # K <= 8 keeps the theme's colours
    assert len({tuple(c) for c in rgb[:20]}) == 20
    assert np.array_equal(rgb[20], rgb[0]) and np.array_equal(rgb[21], rgb[1])


def test_get_theme_unknown_name():
    assert get_theme("dark") is THEMES["dark"]
    with pytest.raises(KeyError, match="light"):
        get_theme("sepia")


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 8))
def test_mix_colours_rows_are_convex_combinations(seed, k):
    rng = np.random.default_rng(seed)
    resp = rng.dirichlet(np.ones(k) * 0.5, size=20)
    rgb = component_rgb(THEMES["light"], k)
    mixed = mix_colours(resp, rgb)
    assert mixed.shape == (20, 3)
    # Inside the per-channel range of the component colours...
    assert np.all(mixed >= rgb.min(axis=0) - 1e-12) and np.all(mixed <= rgb.max(axis=0) + 1e-12)
    # ...and exactly the responsibility-weighted average.
    assert np.allclose(mixed, resp @ rgb)


def test_mix_colours_certain_points_take_their_component_colour_and_uncertain_ones_sit_between():
    rgb = component_rgb(THEMES["light"], 2)
    resp = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    mixed = mix_colours(resp, rgb)
    assert np.allclose(mixed[0], rgb[0]) and np.allclose(mixed[1], rgb[1])
    assert np.allclose(mixed[2], rgb.mean(axis=0))


def test_mix_colours_normalises_rows_and_rejects_bad_shapes():
    rgb = component_rgb(THEMES["light"], 2)
    assert np.allclose(mix_colours(np.array([[2.0, 2.0]]), rgb), rgb.mean(axis=0))
    with pytest.raises(ValueError):
        mix_colours(np.ones((3, 3)), rgb)


def test_blend_endpoints_and_midpoint():
    a, b = np.zeros((4, 3)), np.ones((4, 3))
    assert np.array_equal(blend(a, b, 0.0), a) and np.array_equal(blend(a, b, 1.0), b)
    assert np.allclose(blend(a, b, 0.25), 0.25)
    assert np.array_equal(blend(a, b, 2.0), b)
