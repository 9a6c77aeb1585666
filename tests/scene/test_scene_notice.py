"""The collapse notice goes where it hides the least of the fit it talks about."""
from __future__ import annotations

import numpy as np
import pytest

from animate_em.scene import frame_source, load_scene, prepare
from animate_em.scene.draw.layout import Box, FrameLayout, PanelSlot, space_below
from animate_em.scene.draw.overlays import ellipse_outline


def _notice(width, height):
    prepared = prepare(load_scene("collapse").with_overrides({"width": width, "height": height, "fps": 4,
                                                             "frames_per_iteration": 1}))
    source = frame_source(prepared)
    frame = source.frame(len(source) - 1)
    (r, notice), = source.overlays_run
    renderer = source.canvas.get_renderer()
    box = notice.text.get_bbox_patch().get_window_extent(renderer)
    return prepared, source, r, notice, box, frame


def _covered(ax, X, box):
    px = ax.transData.transform(X)
    return int(np.sum((px[:, 0] >= box.x0) & (px[:, 0] <= box.x1) & (px[:, 1] >= box.y0) & (px[:, 1] <= box.y1)))


@pytest.mark.parametrize("size", [(854, 480), (720, 1280)])
def test_the_collapse_notice_hides_no_point_and_no_mean(size):
    prepared, source, r, notice, box, frame = _notice(*size)
    ax = source.panels[r].ax
    snap = prepared.runs[r].snapshots[-1]
    assert notice.text.get_visible()
    assert _covered(ax, source.X, box) == 0
    assert _covered(ax, snap.means[:, :2], box.expanded(1.0, 1.0).padded(0.015 * size[1])) == 0
    # Inside the frame's margins, clear of the weights line under the panel.
    W, H = size
    assert 0.05 * W <= box.x0 and box.x1 <= 0.95 * W and 0.05 * H <= box.y0 and box.y1 <= 0.95 * H
    footer, _ = source.footers[r]
    for t in footer.texts:
        assert not box.overlaps(t.get_window_extent(source.canvas.get_renderer()))


def test_at_480p_the_notice_sits_under_the_panel_where_the_frame_is_empty():
    _, source, r, notice, box, frame = _notice(854, 480)
    assert notice.place == "below"
    assert box.y1 < source.panels[r].ax.bbox.y0
    # Blitted and fully drawn last frames agree with the notice outside the axes.
    assert np.array_equal(frame, source.frame(len(source) - 1, full_redraw=True))


def test_space_below_stops_at_the_next_box():
    def layout(*panels, notes=Box(50, 20, 750, 40)):
        slots = [PanelSlot(axes=Box(x0, y0 + 25, x1, y1), header=None, footer=Box(x0, y0, x1, y0 + 20))
                 for x0, y0, x1, y1 in panels]
        return FrameLayout(content=Box(40, 20, 760, 580), title=Box(0, 0, 1, 1), status=Box(0, 0, 1, 1),
                           panels=slots, trace=None, trace_side=None, notes=notes)

    assert space_below(layout((100, 300, 400, 500)), 0, 5) == (100, 45, 400, 295)
    # A panel beside the column does not count, one under it does; so do extra boxes (the trace).
    assert space_below(layout((100, 300, 400, 500), (450, 100, 700, 280)), 0, 5)[1] == 45
    assert space_below(layout((100, 300, 400, 500), (300, 100, 700, 280)), 0, 5)[1] == 285
    assert space_below(layout((100, 300, 400, 500)), 0, 5, [(0, 0, 800, 296)]) is None


def test_ellipse_outline_is_the_sigma_contour():
    cov = np.array([[4.0, 1.0], [1.0, 2.0]])
    pts = ellipse_outline([1.0, -1.0], cov, 2.0) - [1.0, -1.0]
    d2 = np.einsum("ni,ij,nj->n", pts, np.linalg.inv(cov), pts)
    assert np.allclose(d2, 4.0)
