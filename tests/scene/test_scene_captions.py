"""The end caption of several runs says who won, and never invents a winner."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from animate_em.scene.draw.captions import end_text


def _run(collapsed=False):
    return SimpleNamespace(collapse=object() if collapsed else None, converged=True, snapshots=(None,) * 3)


def test_the_highest_run_is_named():
    text = end_text(["a", "b"], [_run(), _run()], [np.array([-20.0, -10.0]), np.array([-30.0, -12.5])], 2)
    assert text == "finished · highest log-likelihood: a (−10.00)"


def test_runs_that_agree_to_the_digits_shown_have_no_winner():
    traces = [np.array([-20.0, -1858.4901]), np.array([-30.0, -1858.4899]), np.array([-1858.49])]
    text = end_text(["random", "k-means++", "k-means"], [_run()] * 3, traces, 2)
    assert text == "finished · every run reaches −1858.49"


def test_a_collapsed_run_is_never_the_highest():
    text = end_text(["reg 0", "reg 0.1"], [_run(collapsed=True), _run()],
                    [np.array([-100.0, -56.0]), np.array([-100.0, -92.24])], 2)
    assert "reg 0: collapsed, likelihood unbounded" in text and text.endswith("reg 0.1: −92.24")
