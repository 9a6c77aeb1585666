"""Helpers of the scene tests: the hand-made baseline scene (tests/make_baselines.py) and frame streaming."""
import importlib.util
from pathlib import Path

import numpy as np

TESTS = Path(__file__).resolve().parents[1]


def _load_maker():
    spec = importlib.util.spec_from_file_location("make_baselines", TESTS / "make_baselines.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: tests/make_baselines.py (not a package module: loaded from its file).
maker = _load_maker()


def count_frames(source, shape: tuple) -> int:
    """Stream ``source``, asserting every frame is a uint8 array of ``shape``; the number of frames."""
    count = 0
    for frame in source:
        assert frame.shape == shape and frame.dtype == np.uint8
        count += 1
    return count
