"""Fixtures of the hostile-input campaign (helpers in ``hostile_cli``, importable in any pytest import mode)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hostile_cli import _SOCKETS, TINY_SCENE  # noqa: E402


@pytest.fixture(autouse=True)
def _close_sockets():
    yield
    while _SOCKETS:
        _SOCKETS.pop().close()


@pytest.fixture
def tiny_scene(tmp_path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_SCENE)
    return path


@pytest.fixture(scope="module")
def full_disk(tmp_path_factory):
    """A function that mounts a small tmpfs of a given size: a real file system that fills up."""
    mounted: list[Path] = []

    def mount(size_kb: int) -> Path:
        point = tmp_path_factory.mktemp(f"full{size_kb}k")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(point)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs to fill up here ({done.stderr.strip() or 'not root'})")
        mounted.append(point)
        return point

    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("a full file system needs a tmpfs mount, which needs root")
    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)
