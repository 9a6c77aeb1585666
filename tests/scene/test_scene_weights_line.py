"""A panel's weights line is readable or absent, and names its components where it can."""
from __future__ import annotations

import pytest

from animate_em.scene import frame_source, load_scene, prepare
from animate_em.scene.kinds.em.frames import MIN_WEIGHTS_PX


def _footers(name: str, width: int, height: int):
    source = frame_source(prepare(load_scene(name).with_overrides({"width": width, "height": height, "fps": 4,
                                                                   "max_iter": 3})))
    source._ensure_built()
    return source, [footer for footer, _ in source.footers]


@pytest.mark.parametrize("name", ["restarts", "collapse", "init-race", "em-basics"])
def test_no_weights_line_is_written_below_the_smallest_readable_size_at_480p(name):
    source, footers = _footers(name, 854, 480)
    for footer in footers:
        if footer is not None:
            px = footer.texts[0].get_fontsize() * source.sizing.dpi / 72.0
            assert px >= MIN_WEIGHTS_PX - 1e-9, (name, px)


def test_a_two_panel_row_at_1080p_names_its_components():
    # "component 5 collapsed" must map to a colour: the weights line carries π₁ ... π₅.
    source, footers = _footers("collapse", 1920, 1080)
    words = [t.get_text() for t in source.fig.texts]
    for j in range(1, 6):
        assert words.count(f"π{chr(0x2080 + j)}") >= len(footers), j
