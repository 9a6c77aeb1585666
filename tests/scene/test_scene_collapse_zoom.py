"""A collapse is shown where it happens: magnified, its points above the marker, the determinant falling."""
import re

import numpy as np
import pytest

from animate_em.scene import frame_source, load_scene, prepare
from animate_em.scene.kinds.em.collapse import collapse_points, determinant_text


@pytest.fixture(scope="module")
def collapse():
    prepared = prepare(load_scene("collapse").with_overrides({"width": 854, "height": 480, "fps": 4,
                                                             "frames_per_iteration": 2}))
    source = frame_source(prepared)
    source.frame(len(source) - 1)
    return prepared, source


def _det(text: str) -> float:
    if "→ 0" in text:
        return 0.0
    return float(re.search(r"= (\S+)", text).group(1).replace("−", "-"))


def test_the_collapsed_run_gets_a_zoom_on_where_it_collapses(collapse):
    prepared, source = collapse
    broken = [r for r, run in enumerate(prepared.runs) if run.collapse is not None]
    assert list(source.zooms) == broken
    r = broken[0]
    zoom = source.zooms[r]
    run = prepared.runs[r]
    assert zoom.ax in source.panels[r].ax.child_axes
    centre = run.snapshots[-1].means[run.collapse.component, :2]
    assert zoom.xlim[0] < centre[0] < zoom.xlim[1] and zoom.ylim[0] < centre[1] < zoom.ylim[1]
    # The inset never covers the place it magnifies.
    at = source.panels[r].ax.transData.transform(centre[None])[0]
    box = zoom.ax.get_window_extent()
    assert not (box.x0 <= at[0] <= box.x1 and box.y0 <= at[1] <= box.y1)
    assert zoom.zoom > 1.5


def test_its_points_are_large_and_above_the_mean_marker(collapse):
    prepared, source = collapse
    r, zoom = next(iter(source.zooms.items()))
    owned = collapse_points(prepared.runs[r], source.X)
    assert set(owned) <= set(zoom.inside)                       # the points it collapses onto are shown
    assert zoom.points.get_zorder() > zoom.mean.get_zorder()
    panel_size = source.panels[r].points.diameter
    assert np.sqrt(zoom.points.get_sizes()[0]) * source.fig.dpi / 72 > 2 * panel_size


def test_the_determinant_is_shown_falling(collapse):
    prepared, source = collapse
    r, zoom = next(iter(source.zooms.items()))
    timeline = prepared.timeline
    n = prepared.runs[r].n_iter
    seen = []
    for i in range(1, n + 1):
        last = timeline.iteration_start_frames[i - 1] + timeline.iteration_frames[i - 1] - 1
        source.frame(last)
        seen.append(_det(zoom.readout.get_text()))
    j = prepared.runs[r].collapse.component
    truth = [np.linalg.det(s.covariances[j, :2, :2]) for s in prepared.runs[r].snapshots[1:]]
    assert seen == pytest.approx(truth, rel=0.06)                # the number is the drawn covariance's
    assert seen[-1] < 1e-3 * max(seen)                           # and it falls
    assert determinant_text(0.0) == "det Σ → 0" and determinant_text(3.9e-3) == "det Σ = 3.9e−03"


def test_the_notice_keeps_clear_of_the_zoom(collapse):
    prepared, source = collapse
    renderer = source.canvas.get_renderer()
    (r, notice), = source.overlays_run
    box = notice.text.get_bbox_patch().get_window_extent(renderer)
    assert not box.overlaps(source.zooms[r].ax.get_window_extent())
