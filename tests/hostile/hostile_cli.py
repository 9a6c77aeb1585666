"""Helpers of the hostile-input campaign: the installed ``animate-em`` run as a subprocess against files,
names, signals and disks a careless or hostile user could give it.

Every case must end the way the README promises: one ``Error: ...`` line on
stderr, exit status 2 (128 + N for a signal), no traceback, and nothing new
left in the folders the run could write to. Frames are tiny (128x72, a few
frames) so the campaign stays quick.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

#: The console script installed in the environment running the tests (the worktree's .venv).
ANIMATE_EM = str(Path(sys.executable).with_name("animate-em"))

#: A scene small enough to draw in a moment: 128x72 pixels, 4 fps, two iterations, no holds.
TINY_SCENE = """\
title = "tiny"
[data]
source = "blobs"
n_samples = 60
[model]
k = 2
max_iter = 2
tol = 0
[timing]
fps = 4
frames_per_iteration = 1
hold_start = 0
hold_end = 0
[style]
width = 128
height = 72
"""


def run(*args, cwd=None, timeout=60, stdout=subprocess.PIPE, **kwargs) -> subprocess.CompletedProcess:
    """Run ``animate-em ARGS`` and return what it did (a hang is a failure, not a stuck suite)."""
    # Byte-code caching on (as for an installed package): without it every call compiles the package again.
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "MPLBACKEND": "Agg"}
    return subprocess.run([ANIMATE_EM, *map(str, args)], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, text=True, timeout=timeout, env=env, **kwargs)


def assert_one_line_error(result, fragment: str = "", status: int = 2) -> str:
    """Exit `status`, one ``Error:`` line on stderr containing `fragment`, no traceback; returns the line."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == status, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for folders), to compare before and after a run."""
    found = {}
    for path in sorted(Path(folder).rglob("*")):
        rel = str(path.relative_to(folder))
        found[rel] = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    return found


def make_special(path: Path, kind: str) -> Path:
    """Put a FIFO, socket, folder or device link at `path`."""
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
        _SOCKETS.append(server)
    elif kind == "folder":
        path.mkdir()
    elif kind in ("zero", "urandom", "null"):
        return Path(f"/dev/{kind}")
    else:
        raise ValueError(kind)
    return path


_SOCKETS: list[socket.socket] = []
