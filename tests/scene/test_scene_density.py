"""Many points: a density image coloured by responsibility, opacity by count, frames as exact as the scatter's."""
from __future__ import annotations

import numpy as np
import pytest

from animate_em.scene import frame_source, load_scene, prepare
from animate_em.scene.draw.palette import THEMES, component_rgb
from animate_em.scene.draw.points import COLOUR_BUDGET, DENSITY_FROM, DensityImage, PointCloud

N = DENSITY_FROM + 5000


@pytest.fixture(scope="module")
def dense():
    scene = load_scene("em-basics").with_overrides(
        {"width": 320, "height": 180, "fps": 4, "frames_per_iteration": 2, "max_iter": 4, "tol": 0.0,
         "n_samples": N})
    prepared = prepare(scene)
    return prepared, frame_source(prepared)


def test_above_the_threshold_the_panel_draws_cells_not_points(dense):
    prepared, source = dense
    source.frame(0)
    points = source.panels[0].points
    assert isinstance(points, DensityImage)
    assert len(points.colour_points) < len(prepared.X) / 3 and len(points.colour_points) <= COLOUR_BUDGET
    assert points.counts.sum() == len(prepared.X)          # every point lands in one cell
    small = prepare(load_scene("em-basics").with_overrides({"width": 320, "height": 180, "max_iter": 2,
                                                            "frames_per_iteration": 1, "fps": 4}))
    source_small = frame_source(small)
    source_small.frame(0)
    assert isinstance(source_small.panels[0].points, PointCloud)


def test_blitted_density_frames_equal_full_redraws(dense):
    _, source = dense
    for index in (0, 3, len(source) // 2, len(source) - 1):
        assert np.array_equal(source.frame(index), source.frame(index, full_redraw=True))


def test_cells_are_coloured_by_responsibility_and_opaque_by_count(dense):
    from animate_em.em import responsibilities

    prepared, source = dense
    source.frame(len(source) - 1)
    panel = source.panels[0]
    # Only the cells: ellipses, means and ghosts hidden for this look.
    hidden = [*panel.ellipses, panel.means, *(e for g in panel.ghosts.values() for e in g)]
    for artist in hidden:
        artist.set_visible(False)
    panel.points.set_animated(False)
    panel.ax.figure.canvas.draw()
    frame = np.asarray(panel.ax.figure.canvas.buffer_rgba()).copy()
    panel.points.set_animated(True)
    for artist in hidden:
        artist.set_visible(True)
    points = panel.points
    bins = points._binned()
    flat, cell = points._pixels(bins, *frame.shape[:2])
    rgb = frame.reshape(-1, 4)[flat, :3].astype(float) / 255.0
    colours = component_rgb(THEMES["light"], 4)
    resp = responsibilities(points.colour_points, prepared.runs[0].snapshots[-1])
    alpha = bins["alpha"][cell]
    # Where nothing else is drawn on top, a cell's pixel is its mixed colour over the white ground.
    expected = (resp @ colours)[bins["block_of_cell"][cell]] * alpha[:, None] + (1.0 - alpha[:, None])
    assert np.abs(rgb - expected).max() < 2.5 / 255
    # Densest cells are the most opaque; a lone point is still visible.
    counts = points.counts
    assert bins["alpha"][np.argmax(counts)] == pytest.approx(bins["alpha"].max())
    assert bins["alpha"][counts == 1].min() >= 0.3


def test_a_million_points_bin_into_cells_with_every_point_counted():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1_000_000, 2))
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3), dpi=100)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(-6, 6)
    ax.set_ylim(-6, 6)
    image = DensityImage(X, cell=1)
    ax.add_artist(image)
    assert image.counts.sum() == len(X)
    assert len(image.colour_points) <= 400 * 300
    # Centroids lie in their cells: within a pixel of where the cell is drawn.
    assert np.abs(image.colour_points).max() < 6


def test_a_vector_backend_gets_the_cells_as_squares(dense, tmp_path):
    # PDF handouts draw the same figure without a pixel buffer: one square per cell, nothing lost.
    _, source = dense
    source.frame(len(source) - 1)
    cells = len(source.panels[0].points.counts)
    source.fig.savefig(tmp_path / "frame.svg", format="svg")
    svg = (tmp_path / "frame.svg").read_text()
    assert svg.count("<use ") >= cells
    source.fig.savefig(tmp_path / "frame.pdf", format="pdf")
    assert (tmp_path / "frame.pdf").stat().st_size > 10_000
