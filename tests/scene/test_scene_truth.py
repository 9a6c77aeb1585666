"""Words and numbers agree with the picture: a number appears only where it is true."""
import numpy as np
import pytest
from scene_probe import maker

from animate_em.scene import frame_source, load_scene, prepare
from animate_em.scene.draw.panels import iteration_ticks, signed
from animate_em.scene.timing.timeline import Timeline
from animate_em.scene.timing.tween import fade_colours


@pytest.fixture(scope="module")
def beats():
    import dataclasses
    prepared = maker.baseline_prepared(width=480, height=270)
    timeline = Timeline.build(prepared.traces, fps=10, frames_per_iteration=8, hold_start=0.3, hold_end=0.5)
    return dataclasses.replace(prepared, timeline=timeline)


def test_the_caption_shows_a_log_likelihood_only_for_parameters_a_snapshot_has(beats):
    source = frame_source(beats)
    source.frame(0)
    trace = beats.traces[0]
    field = source.status.texts[source.status_ll]
    tweening = 0
    for index in range(len(source)):
        source.frame(index)
        m = beats.timeline.moment(index)
        shown = field.get_text()
        if m.phase == "M" and 0.0 < m.param_fraction < 1.0:
            assert shown == "", (index, m, shown)      # half-way parameters: no number is theirs
            tweening += 1
        elif m.phase in ("E", "M"):
            snapshot = m.t1 if m.param_fraction >= 1.0 else m.t0
            assert shown == signed(trace[snapshot], source.decimals), (index, m)
    assert tweening > 0


def test_e_beat_colours_fade_through_oklab(beats):
    source = frame_source(beats)
    timeline = beats.timeline
    index = next(i for i in range(len(timeline))
                 if timeline.moment(i).phase == "E" and 0 < timeline.moment(i).resp_fraction < 1
                 and timeline.moment(i).resp_from is not None)
    source.frame(index)
    m = timeline.moment(index)
    expected = fade_colours(source._point_colours(0, m.resp_from), source._point_colours(0, m.resp_to),
                            m.resp_fraction)
    assert np.allclose(source.panels[0].points.colours, expected)


def test_bic_caption_numbers_appear_with_their_point_and_fit():
    prepared = prepare(load_scene("bic").with_overrides({"width": 320, "height": 180, "fps": 10,
                                                         "sweep_k": [1, 2, 3]}))
    source = frame_source(prepared)
    timeline = prepared.timeline
    seen_blank = seen_value = False
    for index in range(len(source)):
        m = timeline.moment(index)
        if m.phase != "step":
            continue
        source.frame(index)
        criterion = source.status.texts[4].get_text()
        ll = source.status.texts[7].get_text()
        on_curve = m.position >= m.step + 1
        assert (criterion != "") == on_curve, (index, m, criterion)
        assert (ll != "") == (m.fraction >= 1.0), (index, m, ll)
        if on_curve:
            assert criterion == signed(source.values[m.step], 1)
        seen_blank |= criterion == ""
        seen_value |= criterion != ""
    assert seen_blank and seen_value


def test_iteration_axis_ends_on_the_last_iteration():
    for n, bins in [(20, 3), (41, 8), (67, 8), (14, 4), (300, 6), (1, 3), (8, 2)]:
        ticks = iteration_ticks(n, bins)
        assert ticks[0] == 0 and ticks[-1] == n
        assert all(b > a for a, b in zip(ticks, ticks[1:]))
        assert len(ticks) <= bins + 2
    assert iteration_ticks(20, 3) == [0, 10, 20]
    assert iteration_ticks(41, 8) == [0, 10, 20, 30, 41]


def test_init_race_trace_is_wide_enough_and_its_axis_names_the_last_iteration():
    prepared = prepare(load_scene("init-race").with_overrides({"width": 854, "height": 480, "fps": 4,
                                                              "frames_per_iteration": 1}))
    source = frame_source(prepared)
    source.frame(len(source) - 1)
    ax = source.trace.ax
    n_max = max(run.n_iter for run in prepared.runs)
    assert ax.get_xticks()[-1] == n_max
    shortest = min(run.n_iter for run in prepared.runs)
    # The shortest race (k-means, 2 iterations) spans a readable stretch of the axis.
    per_iteration = ax.bbox.width / (ax.get_xlim()[1] - ax.get_xlim()[0])
    assert shortest * per_iteration >= 0.04 * 854
