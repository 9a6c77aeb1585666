"""A frame as vectors (the handout's pages): the figure set to any frame, saved as PDF or SVG."""
from __future__ import annotations

import io
import re

import numpy as np

from animate_em.scene import frame_source, load_scene, prepare

TINY = {"width": 320, "height": 180, "fps": 5, "max_iter": 3, "n_samples": 80}


def test_figure_at_draws_the_frame_as_vectors_and_leaves_the_frames_unchanged():
    prepared = prepare(load_scene("em-basics").with_overrides(TINY))
    source = frame_source(prepared)
    last = len(source) - 1
    before = [source.frame(i) for i in (0, last // 2, last)]
    svg = io.StringIO()
    with source.figure_at(last) as fig:
        fig.savefig(svg, format="svg")
    text = svg.getvalue()
    assert "<image" not in text                     # nothing rasterised
    # One disc per data point, in the colours of the final responsibilities (not the neutral grey).
    discs = re.findall(r'<use xlink:href="#C0_0_[0-9a-f]+"[^>]*style="fill: (#[0-9a-f]{6})', text)
    assert len(discs) == prepared.n_samples
    assert len(set(discs)) > 3
    after = [source.frame(i) for i in (0, last // 2, last)]
    assert all(np.array_equal(a, b) for a, b in zip(before, after))
