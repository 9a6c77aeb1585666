"""Figure sizing, frame layout, text placement, limits and the NumPy point renderer."""
from itertools import combinations

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.text import Text
from scene_probe import maker

from animate_em.scene.draw.figure import MARGIN, Sizing, StampText, make_figure, pinned_style
from animate_em.scene.draw.layout import Box, Decor, frame_layout
from animate_em.scene.draw.panels import data_limits, mass_percent, signed, widen_to_aspect
from animate_em.scene.draw.points import PointCloud
from animate_em.scene.frames.source import frame_source

PRESETS = [(854, 480), (1280, 720), (1920, 1080), (3840, 2160)]


@pytest.mark.parametrize("width,height", PRESETS + [(427, 240), (1080, 1920)])
def test_figure_has_exactly_the_frame_size(width, height):
    fig, canvas = make_figure(Sizing(width, height, height), "white")
    canvas.draw()
    assert np.asarray(canvas.buffer_rgba()).shape == (height, width, 4)


def test_font_points_map_to_the_same_share_of_the_height():
    sizes = [Sizing(w, h, h) for w, h in PRESETS]
    assert len({round(s.pt(0.04), 9) for s in sizes}) == 1
    for s in sizes:
        assert s.pt(0.04) * s.dpi / 72 == pytest.approx(0.04 * s.height)
        assert s.lw(2.5) * s.dpi / 72 == pytest.approx(2.5 * s.height / 720)


def _overlaps(a: Box, b: Box) -> bool:
    return a.x0 < b.x1 - 1e-6 and b.x0 < a.x1 - 1e-6 and a.y0 < b.y1 - 1e-6 and b.y0 < a.y1 - 1e-6


@pytest.mark.parametrize("width,height", PRESETS + [(1080, 1920), (1000, 1000)])
@pytest.mark.parametrize("arrangement,n", [("single", 1), ("row", 2), ("row", 3), ("grid", 4), ("grid", 6)])
def test_layout_keeps_boxes_inside_the_margin_and_apart(width, height, arrangement, n):
    sizing = Sizing(width, height, height)
    layout = frame_layout(sizing, n_panels=n, arrangement=arrangement, decor=Decor(header=0.04))
    content = Box(MARGIN * width, MARGIN * height, (1 - MARGIN) * width, (1 - MARGIN) * height)
    boxes = [s.axes for s in layout.panels] + [layout.trace]
    for box in boxes + [s.footer for s in layout.panels] + [layout.title, layout.status, layout.notes]:
        assert content.x0 - 1e-6 <= box.x0 < box.x1 <= content.x1 + 1e-6
        assert content.y0 - 1e-6 <= box.y0 < box.y1 <= content.y1 + 1e-6
    for a, b in combinations(boxes, 2):
        assert not _overlaps(a, b)
    assert len(layout.panels) == n
    assert layout.trace.height > 0.15 * height and layout.trace.width > 0.25 * height


def test_layout_puts_the_trace_right_in_wide_and_below_in_tall_frames():
    wide = frame_layout(Sizing(1280, 720, 720))
    tall = frame_layout(Sizing(720, 1280, 1280))
    assert wide.trace_side == "right" and tall.trace_side == "bottom"
    assert frame_layout(Sizing(1280, 720, 720), show_trace=False).trace is None


def _hidden_tick_labels(fig):
    # Locators return ticks beyond the view limits; matplotlib does not draw those.
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    hidden.update({id(tick.label1), id(tick.label2)})
    return hidden


def _visible_texts(source):
    source.canvas.draw()
    renderer = source.canvas.get_renderer()
    hidden = _hidden_tick_labels(source.fig)
    out = []
    for t in source.fig.findobj(Text):
        if id(t) in hidden:
            continue
        if t.get_visible() and t.get_text().strip() and t.get_figure(root=True) is source.fig:
            box = t.get_window_extent(renderer)
            if box.width > 0:
                out.append((t.get_text(), box))
    return out


@pytest.mark.parametrize("width,height", [(854, 480), (1920, 1080), (720, 1280)])
@pytest.mark.parametrize("n_runs", [1, 2, 4])
@pytest.mark.parametrize("frame", ["first", "last"])
def test_no_text_overlaps_or_enters_the_margin(width, height, n_runs, frame):
    prepared = maker.baseline_prepared(width=width, height=height, n_runs=n_runs)
    source = frame_source(prepared)
    source.frame(0 if frame == "first" else len(source) - 1)
    for a in source.dynamic:
        a.set_animated(False)
    texts = _visible_texts(source)
    assert len(texts) > 10
    for text, box in texts:
        assert box.x0 >= MARGIN * width - 1 and box.x1 <= (1 - MARGIN) * width + 1, text
        assert box.y0 >= MARGIN * height - 1 and box.y1 <= (1 - MARGIN) * height + 1, text
    for (ta, a), (tb, b) in combinations(texts, 2):
        if ({ta, tb} & {"●"} or {ta[0], tb[0]} == {"π", " "}) and "." in ta + tb:
            continue  # swatches and component names sit in the blank cells of the weights line by design
        overlap_w = min(a.x1, b.x1) - max(a.x0, b.x0)
        overlap_h = min(a.y1, b.y1) - max(a.y0, b.y0)
        assert overlap_w <= 1 or overlap_h <= 1, f"{ta!r} overlaps {tb!r}"


def test_frames_do_not_depend_on_the_users_rcparams():
    prepared = maker.baseline_prepared(width=320, height=180)
    reference = frame_source(prepared).frame(10)
    with mpl.rc_context({"font.size": 30, "lines.linewidth": 9, "axes.facecolor": "red",
                         "font.family": "serif", "axes.unicode_minus": False, "path.simplify": False}):
        assert np.array_equal(frame_source(prepared).frame(10), reference)
        # ... and drawing leaves the caller's settings alone.
        assert mpl.rcParams["font.size"] == 30 and mpl.rcParams["font.family"] == ["serif"]
    with pinned_style():
        assert mpl.rcParams["font.family"] == ["DejaVu Sans"]


def test_data_limits_frame_the_data_not_the_first_guess():
    prepared = maker.baseline_prepared()
    X, run = prepared.X, prepared.runs[0]
    (x0, x1), (y0, y1) = data_limits(X, [run], sigma=2.0)
    lo, hi = X.min(axis=0), X.max(axis=0)
    assert (np.array([x0, y0]) < lo).all() and (hi < np.array([x1, y1])).all()
    # The data's box fills at least 80 % of both ranges, however large the first ellipses were.
    assert ((hi - lo) / np.array([x1 - x0, y1 - y0]) >= 0.8).all()
    first = run.snapshots[0]
    half = 2.0 * np.sqrt(np.diagonal(first.covariances, axis1=1, axis2=2))
    assert ((first.means - half) < [x0, y0]).any() or ((first.means + half) > [x1, y1]).any()


def test_data_limits_ignore_a_wild_ellipse_but_make_room_for_a_final_one_at_the_edge():
    from animate_em.em.types import Run, Snapshot
    X = np.random.default_rng(0).normal(size=(50, 2))
    span = np.ptp(X, axis=0)
    wild = Snapshot(0, np.ones(1), np.zeros((1, 2)), np.eye(2)[None] * 1e6, -1.0)
    (x0, x1), (y0, y1) = data_limits(X, [Run((wild,))])
    assert (np.array([x1 - x0, y1 - y0]) <= span * (1 + 2 * 0.07) * (1 + 2 * 0.04) + 1e-9).all()
    # A small final ellipse just past the data's right edge stays inside.
    edge = Snapshot(1, np.ones(1), np.array([[X[:, 0].max(), 0.0]]), np.eye(2)[None] * 1e-3, -1.0)
    (x0, x1), _ = data_limits(X, [Run((wild, edge))])
    assert x1 > X[:, 0].max() + 2 * np.sqrt(1e-3)


def test_widen_to_aspect_gives_equal_scales():
    xlim, ylim = widen_to_aspect((0, 10), (0, 2), 1.0)
    assert xlim == (0, 10) and ylim == pytest.approx((-4, 6))
    xlim, ylim = widen_to_aspect((0, 1), (0, 4), 2.0)
    assert (xlim[1] - xlim[0]) / (ylim[1] - ylim[0]) == pytest.approx(2.0)


def test_text_helpers():
    assert mass_percent(2.0) == "86 %"
    assert mass_percent(1.0) == "39 %"
    assert signed(-1234.5, 2) == "\u22121234.50"
    assert signed(3.14159, 4) == "3.1416"


def _cloud_pixel(colours, alpha, xy=((5.0, 5.0), (5.0, 5.0))):
    fig, canvas = make_figure(Sizing(20, 20, 20), "white")
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.set_axis_off()
    cloud = PointCloud(np.array(xy), diameter=8.0, alpha=alpha)
    ax.add_artist(cloud)
    cloud.set_colours(np.array(colours, dtype=float))
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[10, 10, :3].astype(float)


def test_point_cloud_paints_later_points_on_top():
    assert np.allclose(_cloud_pixel([[1, 0, 0], [0, 0, 1]], 1.0), [0, 0, 255], atol=1)
    assert np.allclose(_cloud_pixel([[0, 0, 1], [1, 0, 0]], 1.0), [255, 0, 0], atol=1)


def test_point_cloud_blends_with_alpha_like_a_scatter():
    # white, then red at 0.5, then blue at 0.5: 0.25 white + 0.25 red + 0.5 blue
    expected = 255 * (0.25 * np.ones(3) + 0.25 * np.array([1, 0, 0]) + 0.5 * np.array([0, 0, 1]))
    assert np.allclose(_cloud_pixel([[1, 0, 0], [0, 0, 1]], 0.5), expected, atol=1.5)


def test_point_cloud_stays_inside_its_axes():
    fig, canvas = make_figure(Sizing(40, 40, 40), "white")
    ax = fig.add_axes([0.25, 0.25, 0.5, 0.5])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    cloud = PointCloud(np.array([[0.0, 0.0]]), diameter=12.0, alpha=1.0)
    ax.add_artist(cloud)
    cloud.set_colours(np.array([[0.0, 0.0, 0.0]]))
    canvas.draw()
    buf = np.asarray(canvas.buffer_rgba())
    assert buf[29, 10, 0] < 50          # inside the axes, at the point
    assert (buf[31:, :, :3] == 255).all() and (buf[:, :10, :3] == 255).all()


def test_stamp_text_pastes_the_same_pixels_it_drew():
    fig, canvas = make_figure(Sizing(200, 60, 60), "white")
    text = StampText(0.1, 0.5, "0.123", fontsize=12, animated=True)
    fig.add_artist(text)
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    fig.draw_artist(text)
    drawn = np.asarray(canvas.buffer_rgba()).copy()
    canvas.restore_region(background)
    fig.draw_artist(text)                # second time: pasted from the stamp
    assert len(text._stamps) == 1
    assert np.array_equal(np.asarray(canvas.buffer_rgba()), drawn)
    text.set_text("0.456")
    canvas.restore_region(background)
    fig.draw_artist(text)
    assert not np.array_equal(np.asarray(canvas.buffer_rgba()), drawn)


@pytest.mark.parametrize("width,height", [(854, 480), (1920, 1080)])
def test_weights_line_names_each_component_left_of_its_number(width, height):
    # "● π₁ 0.40   ● π₂ 0.35 ...": the names number the components from 1 and never touch the digits.
    prepared = maker.baseline_prepared(width=width, height=height)
    source = frame_source(prepared)
    source.frame(len(source) - 1)
    renderer = source.canvas.get_renderer()
    footer, _ = source.footers[0]
    number = footer.texts[0]
    box = number.get_window_extent(renderer)
    text = number.get_text()
    advance = box.width / len(text)
    digits = [i for i, ch in enumerate(text) if ch != " " and (i == 0 or text[i - 1] == " ")]
    assert len(digits) == source.k
    weights = [float(text[i:i + 4]) for i in digits]
    assert weights == pytest.approx(prepared.runs[0].final.weights, abs=0.006)
    names = sorted((t for t in source.fig.texts if t.get_text().startswith("π")),
                   key=lambda t: t.get_window_extent(renderer).x0)
    assert [t.get_text() for t in names] == ["π₁", "π₂", "π₃"][: source.k]
    for name, start in zip(names, digits):
        assert name.get_window_extent(renderer).x1 <= box.x0 + start * advance


def _panel_cover(layout, sizing) -> float:
    return sum(s.axes.width * s.axes.height for s in layout.panels) / (sizing.width * sizing.height)


@pytest.mark.parametrize("size", [(854, 480), (1920, 1080)])
def test_panels_use_the_frame_in_rows_and_grids(size):
    from animate_em.scene.draw.layout import Decor
    from animate_em.scene.draw.parts import frame_sizing

    sizing = frame_sizing(*size)
    decor = Decor(header=0.0425, footer=0.038, trace_left=0.12, trace_top=0.04)
    unit = size[1] / 480
    # Measured before this layout (same decor, data 1.2 wide per unit tall): two runs in a row
    # covered 28.9 % of the frame, three 20.2 %, nine in a grid 39.8 % with 140 x 129 px panels at 480p.
    for n, arrangement, trace, least in ((2, "row", True, 0.31), (3, "row", True, 0.25), (9, "grid", False, 0.41)):
        layout = frame_layout(sizing, n_panels=n, arrangement=arrangement, data_aspect=1.2, equal_aspect=True,
                              show_trace=trace, decor=decor)
        assert _panel_cover(layout, sizing) >= least, (n, _panel_cover(layout, sizing))
        boxes = [s.axes for s in layout.panels]
        for a, b in zip(boxes, boxes[1:]):    # nothing overlaps
            assert a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0
        assert min(b.x0 for b in boxes) >= layout.content.x0 and max(b.x1 for b in boxes) <= layout.content.x1
        if n == 9:
            assert boxes[0].width >= 143 * unit and boxes[0].height >= 130 * unit


def test_data_ticks_share_their_decimals():
    # Old Faithful's eruptions read "1.6 2.4 3.2 4 4.8": one tick without the decimal the others carry.
    from animate_em.scene.draw.panels import tick_decimals, tick_text

    assert [tick_text(t, tick_decimals([1.6, 2.4])) for t in (1.6, 2.4, 3.2, 4.0, 4.8)] == \
        ["1.6", "2.4", "3.2", "4.0", "4.8"]
    assert tick_decimals([0, 2.5, 5]) == 1 and tick_decimals([0, 0.25]) == 2 and tick_decimals([0, 400]) == 0
    assert tick_text(-1e-17, 1) == "0.0" and tick_text(-2.5, 1) == "\u22122.5"
