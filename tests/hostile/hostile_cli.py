"""Helpers of the hostile-input campaign: ``animate-em`` run against files, names, signals and disks a
careless or hostile user could give it.

Every case must end the way the README promises: one ``Error: ...`` line on
stderr, exit status 2 (128 + N for a signal), no traceback, and nothing new
left in the folders the run could write to. Frames are tiny (128x72, a few
frames) so the campaign stays quick.

Two ways to run the command, giving the same kind of result:

- :func:`invoke` calls the console script's own entry point
  (``animate_em.cli:main``, the click group whose ``main`` holds the
  one-line error wrapper and the signal handling) inside the test process.
  Most cases use it: a fresh interpreter costs far more than the case.
- :func:`run` starts the installed ``animate-em`` as a subprocess. Each class
  of case keeps one or two such cases, to prove the real process ends the
  same way (no traceback printed by the interpreter, the exit status the
  shell sees); what only a process has (signals, a closed or full standard
  output flushed at exit) is tested this way only.
"""
from __future__ import annotations

import dataclasses
import faulthandler
import os
import shutil
import socket
import subprocess
import sys
import traceback
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


@dataclasses.dataclass
class Ran:
    """What an in-process run did, named like :class:`subprocess.CompletedProcess`."""

    returncode: int
    stdout: str
    stderr: str


def invoke(*args, cwd=None, timeout=60) -> Ran:
    """Run ``animate-em ARGS`` in this process, through the console script's entry point.

    An exception that escapes the command is added to stderr as the traceback the
    interpreter would print, with exit status 1, so :func:`assert_one_line_error`
    judges both ways alike. A hang (a FIFO opened for reading) ends the test process
    after `timeout` seconds with every thread's stack: a failure, not a stuck suite.
    """
    from click.testing import CliRunner

    from animate_em.cli import main

    previous = os.getcwd()
    faulthandler.dump_traceback_later(timeout, exit=True)
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(main, [str(arg) for arg in args], prog_name="animate-em",
                                    env={"MPLBACKEND": "Agg"})
    finally:
        faulthandler.cancel_dump_traceback_later()
        os.chdir(previous)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        escaped = "".join(traceback.format_exception(*result.exc_info))
        stderr += escaped if escaped.startswith("Traceback") else "Traceback (most recent call last):\n" + escaped
    return Ran(result.exit_code, result.stdout, stderr)


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
