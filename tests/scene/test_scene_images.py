"""Image regression: a few frames of a fixed scene against committed PNG baselines.

Regenerate with ``.venv/bin/python tests/make_baselines.py``. Text rendering
differs between matplotlib versions, so the comparison is skipped (not failed)
when the installed matplotlib is not the one recorded in tests/baseline/VERSION.
"""
import matplotlib
import numpy as np
import pytest
from matplotlib.testing.compare import compare_images
from PIL import Image

from scene_probe import TESTS, maker

BASELINE = TESTS / "baseline"
TOLERANCE = 3.0  # RMS, 0-255 scale


def _recorded_version() -> str | None:
    path = BASELINE / "VERSION"
    return path.read_text().strip() if path.exists() else None


@pytest.fixture(scope="module")
def images():
    recorded = _recorded_version()
    installed = f"matplotlib {matplotlib.__version__}"
    if recorded != installed:
        pytest.skip(f"baselines were drawn with {recorded or 'an unknown version'}, this is {installed}: "
                    "text rendering differs between versions (regenerate with tests/make_baselines.py)")
    return maker.baseline_images()


@pytest.mark.parametrize("name", ["frame_start", "frame_E", "frame_M", "frame_end", "frame_end_dark"])
def test_frame_matches_baseline(images, name, tmp_path):
    expected = BASELINE / f"{name}.png"
    assert expected.exists(), f"missing baseline {expected}; run tests/make_baselines.py"
    actual = tmp_path / f"{name}.png"
    Image.fromarray(images[name][..., :3]).save(actual)
    result = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert result is None, result


def test_baselines_are_small_and_distinct():
    pngs = sorted(BASELINE.glob("*.png"))
    assert len(pngs) == 5
    assert all(p.stat().st_size < 100_000 for p in pngs)
    arrays = [np.asarray(Image.open(p)) for p in pngs]
    for i in range(len(arrays)):
        for j in range(i + 1, len(arrays)):
            assert not np.array_equal(arrays[i], arrays[j]), (pngs[i].name, pngs[j].name)


def test_moments_are_the_ones_named():
    prepared = maker.baseline_prepared()
    chosen = maker.moment_frames(prepared)
    timeline = prepared.timeline
    assert timeline.moment(chosen["start"]).phase == "start"
    assert timeline.moment(chosen["E"]).phase == "E"
    assert timeline.moment(chosen["M"]).phase == "M"
    assert timeline.moment(chosen["end"]).phase == "end"
