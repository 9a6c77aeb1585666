"""Easing, covariance geodesics, parameter tweening and ellipse geometry."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from animate_em.em.types import Snapshot
from animate_em.scene.draw.ellipse import ellipse_geometries, ellipse_geometry, ellipse_points
from animate_em.scene.timing.tween import ease, interpolate_covariances, interpolate_parameters


def random_spd(rng, k, d, spread=3.0):
    """K random SPD matrices with eigenvalues spanning a factor ~e^(2*spread)."""
    q, _ = np.linalg.qr(rng.normal(size=(k, d, d)))
    eig = np.exp(rng.uniform(-spread, spread, size=(k, d)))
    return (q * eig[:, None, :]) @ np.swapaxes(q, -1, -2)


def rotation(deg):
    a = np.radians(deg)
    return np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])


# -- ease -----------------------------------------------------------------------

def test_ease_endpoints_symmetry_and_monotonicity():
    u = np.linspace(0, 1, 201)
    e = np.array([ease(x) for x in u])
    assert ease(0.0) == 0.0 and ease(1.0) == 1.0 and ease(0.5) == pytest.approx(0.5)
    assert np.all(np.diff(e) > 0)
    assert np.allclose(e + e[::-1], 1.0)                # in-out symmetric
    assert e[1] < u[1] and e[-2] > u[-2]                 # slow start, slow end
    assert ease(-0.3) == 0.0 and ease(1.7) == 1.0


# -- covariance geodesic ----------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 4), u=st.floats(0.0, 1.0))
def test_geodesic_stays_spd_and_symmetric(seed, d, u):
    rng = np.random.default_rng(seed)
    c0, c1 = random_spd(rng, 3, d), random_spd(rng, 3, d)
    c = interpolate_covariances(c0, c1, u)
    assert c.shape == (3, d, d)
    assert np.allclose(c, np.swapaxes(c, -1, -2))
    assert np.all(np.linalg.eigvalsh(c) > 0)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), u=st.floats(0.0, 1.0))
def test_geodesic_determinant_moves_geometrically(seed, u):
    rng = np.random.default_rng(seed)
    c0, c1 = random_spd(rng, 2, 2, spread=1.5), random_spd(rng, 2, 2, spread=1.5)
    expected = np.linalg.det(c0) ** (1 - u) * np.linalg.det(c1) ** u
    assert np.allclose(np.linalg.det(interpolate_covariances(c0, c1, u)), expected, rtol=1e-6)


def test_geodesic_endpoints_are_exact():
    rng = np.random.default_rng(1)
    c0, c1 = random_spd(rng, 4, 2), random_spd(rng, 4, 2)
    assert np.array_equal(interpolate_covariances(c0, c1, 0.0), c0)
    assert np.array_equal(interpolate_covariances(c0, c1, 1.0), c1)
    # Just inside the ends it is continuous.
    assert np.allclose(interpolate_covariances(c0, c1, 1e-9), c0, atol=1e-6)
    assert np.allclose(interpolate_covariances(c0, c1, 1 - 1e-9), c1, atol=1e-6)


def test_geodesic_midpoint_of_commuting_matrices_is_geometric_mean():
    c0 = np.diag([4.0, 1.0])[None]
    c1 = np.diag([1.0, 9.0])[None]
    assert np.allclose(interpolate_covariances(c0, c1, 0.5)[0], np.diag([2.0, 3.0]))


def test_rotating_ellipse_keeps_its_area_where_linear_inflates():
    # A long thin ellipse turning by 90 degrees: same shape at both ends.
    base = np.diag([9.0, 0.25])
    c0 = base[None]
    r = rotation(90)
    c1 = (r @ base @ r.T)[None]
    mid_geodesic = np.linalg.det(interpolate_covariances(c0, c1, 0.5)[0])
    mid_linear = np.linalg.det(0.5 * (c0[0] + c1[0]))
    assert mid_geodesic == pytest.approx(np.linalg.det(base))
    assert mid_linear > 5 * np.linalg.det(base)


def test_geodesic_is_vectorised_over_components():
    rng = np.random.default_rng(5)
    c0, c1 = random_spd(rng, 5, 3), random_spd(rng, 5, 3)
    stacked = interpolate_covariances(c0, c1, 0.3)
    one_by_one = np.array([interpolate_covariances(a[None], b[None], 0.3)[0] for a, b in zip(c0, c1)])
    assert np.allclose(stacked, one_by_one)


def test_geodesic_rejects_mismatched_shapes():
    with pytest.raises(ValueError):
        interpolate_covariances(np.eye(2)[None], np.eye(3)[None], 0.5)


# -- parameters -------------------------------------------------------------------

def test_interpolate_parameters_linear_means_and_weights():
    rng = np.random.default_rng(2)
    s0 = Snapshot(0, [0.2, 0.8], rng.normal(size=(2, 2)), random_spd(rng, 2, 2), -10.0)
    s1 = Snapshot(1, [0.6, 0.4], rng.normal(size=(2, 2)), random_spd(rng, 2, 2), -5.0)
    w, m, c = interpolate_parameters(s0, s1, 0.25)
    assert np.allclose(w, [0.3, 0.7]) and w.sum() == pytest.approx(1.0)
    assert np.allclose(m, 0.75 * s0.means + 0.25 * s1.means)
    assert np.allclose(c, interpolate_covariances(s0.covariances, s1.covariances, 0.25))
    w0, m0, c0 = interpolate_parameters(s0, s1, 0.0)
    w1, m1, c1 = interpolate_parameters(s0, s1, 1.0)
    assert np.array_equal(m0, s0.means) and np.array_equal(c1, s1.covariances)
    assert np.array_equal(w1, s1.weights)


# -- ellipse geometry ---------------------------------------------------------------

@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), sigma=st.floats(0.5, 3.0))
def test_points_on_the_ellipse_have_mahalanobis_distance_sigma(seed, sigma):
    rng = np.random.default_rng(seed)
    mean = rng.normal(size=2) * 5
    cov = random_spd(rng, 1, 2, spread=2.0)[0]
    points = ellipse_points(mean, cov, sigma=sigma, n=16)
    diff = points - mean
    mahalanobis = np.sqrt(np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff))
    assert np.allclose(mahalanobis, sigma, rtol=1e-8)


def test_ellipse_axes_and_angle_of_a_known_covariance():
    cov = rotation(30) @ np.diag([4.0, 1.0]) @ rotation(30).T
    center, width, height, angle = ellipse_geometry([1.0, 2.0], cov, sigma=2.0)
    assert np.allclose(center, [1.0, 2.0])
    assert width == pytest.approx(2 * 2 * 2.0)     # 2 * sigma * sqrt(4)
    assert height == pytest.approx(2 * 2 * 1.0)
    assert angle == pytest.approx(30.0)
    # Major axis along -30 degrees (equivalently 150).
    cov = rotation(150) @ np.diag([4.0, 1.0]) @ rotation(150).T
    assert ellipse_geometry([0, 0], cov)[3] == pytest.approx(-30.0)


def test_ellipse_geometry_matches_matplotlib_ellipse_path():
    from matplotlib.patches import Ellipse
    cov = rotation(-65) @ np.diag([3.0, 0.5]) @ rotation(-65).T
    mean = np.array([2.0, -1.0])
    center, width, height, angle = ellipse_geometry(mean, cov, sigma=2.0)
    patch = Ellipse(center, width, height, angle=angle)
    vertices = patch.get_patch_transform().transform(patch.get_path().vertices)
    diff = vertices - mean
    mahalanobis = np.sqrt(np.einsum("ni,ij,nj->n", diff, np.linalg.inv(cov), diff))
    # Bezier control points lie slightly off the curve; on-curve vertices are every third one.
    assert np.allclose(mahalanobis[::3][:-1], 2.0, rtol=1e-3)


def test_ellipse_geometries_vectorised():
    rng = np.random.default_rng(3)
    covs = random_spd(rng, 3, 2)
    means = rng.normal(size=(3, 2))
    centers, widths, heights, angles = ellipse_geometries(means, covs, sigma=1.5)
    for k in range(3):
        c, w, h, a = ellipse_geometry(means[k], covs[k], sigma=1.5)
        assert np.allclose(centers[k], c) and (widths[k], heights[k], angles[k]) == (w, h, a)
    assert np.all(widths >= heights)


def test_ellipse_geometry_rejects_non_2d():
    with pytest.raises(ValueError):
        ellipse_geometry(np.zeros(3), np.eye(3))


# -- colour fades ---------------------------------------------------------------

def test_oklab_round_trip_and_white_and_black():
    from animate_em.scene.timing.tween import from_oklab, to_oklab
    rgb = np.random.default_rng(3).random((200, 3))
    assert np.allclose(from_oklab(to_oklab(rgb)), rgb, atol=1e-9)
    assert np.allclose(to_oklab(np.ones(3)), [1.0, 0.0, 0.0], atol=1e-6)
    assert np.allclose(to_oklab(np.zeros(3)), 0.0)


def test_grey_fades_to_a_colour_keeping_its_hue_and_gaining_chroma_evenly():
    # The E-step recolours neutral grey points: through OKLab the hue stays the component's and
    # the colour comes in evenly, with no muddy in-between tones that read as uncertainty.
    from animate_em.scene.timing.tween import fade_colours, to_oklab
    grey, orange = np.array([[0.55, 0.55, 0.55]]), np.array([[0.9, 0.62, 0.0]])
    target = to_oklab(orange)[0]
    start = to_oklab(grey)[0]
    for u in (0.25, 0.5, 0.75):
        lab = to_oklab(fade_colours(grey, orange, u))[0]
        assert np.allclose(lab[1:], u * target[1:] + (1 - u) * start[1:], atol=2e-3)
        assert lab[0] == pytest.approx((1 - u) * start[0] + u * target[0], abs=2e-3)
    assert np.array_equal(fade_colours(grey, orange, 0.0), grey)
    assert np.array_equal(fade_colours(grey, orange, 1.0), orange)
