"""Numbers compared across runs get the digits that tell them apart (captions, badges, gap, panel labels)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from animate_em.scene import frame_source, load_scene, prepare
from animate_em.scene.draw.captions import shown_decimals
from animate_em.scene.draw.overlays import GapLabel, RankBadge, gap_shown

NUMBER = re.compile(r"[−-]?\d+\.\d+")


def _number(text: str) -> str:
    return NUMBER.findall(text)[-1]


def test_decimals_grow_until_different_values_look_different():
    assert shown_decimals([-5.5012, -5.5047], 1) == 3      # "-5.5" twice told nothing
    assert shown_decimals([-5.50121, -5.50124], 1) == 5
    assert shown_decimals([-1431.4, -1387.1], 2, 400e-5) == 2  # far apart: the usual digits


def test_differences_below_the_resolution_get_no_digits():
    # Two runs at the same optimum, apart by float noise / the stopping moment.
    assert shown_decimals([-3.7169791, -3.7169793], 4) == 4
    assert shown_decimals([-1858.489470, -1858.489343, -1858.489440], 2, 500e-5) == 2
    assert shown_decimals([-2.0, np.nan, -np.inf], 1) == 1
    assert shown_decimals([-2.0], 3) == 3


def test_a_small_gap_never_reads_zero():
    traces = [np.array([-5.5047]), np.array([-5.5012])]
    d = gap_shown(traces, (1, 0), 3, 1e-5)
    assert float(f"{0.0035:.{d}f}") > 0 and d == 4               # two significant digits
    assert gap_shown([np.array([-5.0]), np.array([-4.0])], (1, 0), 3, 1e-5) == 3
    assert gap_shown([np.array([-5.0]), np.array([-5.0 + 1e-9])], (1, 0), 3, 1e-5) is None


@pytest.fixture(scope="module")
def per_sample_restarts():
    scene = load_scene("restarts").with_overrides({"width": 320, "height": 180, "frames_per_iteration": 1,
                                                   "fps": 4, "trace_scale": "per-sample", "annotate_gap": True,
                                                   "show_trace": True})
    prepared = prepare(scene)
    source = frame_source(prepared)
    source.frame(len(source) - 1)
    return prepared, source


def test_per_sample_rank_badges_show_one_number_per_optimum(per_sample_restarts):
    prepared, source = per_sample_restarts
    finals = np.array([t[-1] for t in prepared.traces]) / len(prepared.X)
    # Several restarts reach the same optimum up to the 4th-5th decimal per point: one result.
    close = np.abs(finals[:, None] - finals[None, :])
    assert np.any((close > 1e-5) & (close < 1e-3))
    badges = [o for o in source.overlays_all if isinstance(o, RankBadge)]
    shown = [_number(b.artists[0].get_text()) for b in badges]
    assert len({len(s) for s in shown}) == 1                      # one number of decimals for all
    tolerance = source.same_optimum
    assert tolerance == pytest.approx(10 * 1e-4)                  # ten stopping tolerances per point
    for i in range(len(finals)):
        for j in range(i + 1, len(finals)):
            if close[i, j] > 2 * tolerance:                       # different optima must differ
                assert shown[i] != shown[j], (finals[i], finals[j], shown[i], shown[j])
    best = int(np.argmax(finals))
    for i in range(len(finals)):
        if finals[best] - finals[i] <= tolerance:                 # the best optimum: its number
            assert shown[i] == shown[best]
    caption = source.end_line.texts[0].get_text()
    assert _number(caption) == shown[best]                        # caption and badge agree
    digits = len(_number(caption).split(".")[1])
    assert float(_number(caption).replace("−", "-")) == pytest.approx(finals[best], abs=0.5 * 10.0 ** -digits)


def test_per_sample_gap_and_panel_labels_use_the_same_digits(per_sample_restarts):
    prepared, source = per_sample_restarts
    gap = [o for o in source.overlays_all if isinstance(o, GapLabel)]
    assert len(gap) == 1
    text = gap[0].artists[-1].get_text()
    assert "nats per point" in text and float(_number(text)) == pytest.approx(gap[0].gap, rel=0.01)
    assert float(_number(text)) > 0
    caption_digits = len(_number(source.end_line.texts[0].get_text()).split(".")[1])
    assert source.decimals == caption_digits
    for _, ll_line in source.footers:
        if ll_line is not None:
            assert len(_number(ll_line.texts[1].get_text()).split(".")[1]) == caption_digits
