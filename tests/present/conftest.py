"""A tiny two-scene presentation (an EM scene and a sweep over K), built once for the present tests."""
from __future__ import annotations

import pytest

from animate_em.present import build_presentation

EM_SCENE = """name = "tiny"
title = "Tiny EM"
[data]
source = "blobs"
n_samples = 150
[model]
k = 3
init = "random_from_data"
max_iter = 3
[timing]
fps = 10
duration = 3.0
hold_start = 0.3
hold_end = 0.5
[style]
width = 320
height = 180
"""

SWEEP_SCENE = """name = "sweep"
title = "Tiny sweep"
kind = "sweep"
[data]
source = "blobs"
n_samples = 150
[model]
init = "kmeans++"
[sweep]
k = [1, 2, 3]
seconds_per_step = 0.6
[timing]
fps = 10
hold_start = 0.3
hold_end = 0.5
[style]
width = 320
height = 180
"""


@pytest.fixture(scope="session")
def scene_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenes")
    (folder / "tiny.toml").write_text(EM_SCENE)
    (folder / "sweep.toml").write_text(SWEEP_SCENE)
    return [folder / "tiny.toml", folder / "sweep.toml"]


@pytest.fixture(scope="session")
def talk(tmp_path_factory, scene_files):
    """The page and the handout of both scenes, and what was presented."""
    folder = tmp_path_factory.mktemp("talk")
    return build_presentation([str(p) for p in scene_files], html=folder / "talk.html", pdf=folder / "handout.pdf")
