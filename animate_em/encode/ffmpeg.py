"""The ffmpeg process: raw frames in through a pipe, exit status checked.

We drive the ffmpeg binary of the imageio-ffmpeg wheel ourselves instead of
``imageio_ffmpeg.write_frames``: that generator's ``close()`` does not check
ffmpeg's exit status (an abandoned or failed encode leaves a valid-looking but
truncated file), and it rescales or picks codecs behind our back unless every
trap is disarmed. A :class:`subprocess.Popen` whose return code we check, with
its stderr kept for the error message, is simpler and more reliable. The
encoder runs in its own process, so Python draws frame n+1 while ffmpeg
encodes frame n.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from fractions import Fraction
from numbers import Real
from typing import Sequence

import imageio_ffmpeg
import numpy as np

from animate_em.errors import UserError
from animate_em.signals import deferred

__all__ = ["RenderError", "FFmpegPipe", "ffmpeg_exe", "ffmpeg_path", "run_ffmpeg", "count_frames", "rate"]

# Lines of ffmpeg's stderr quoted in an error message.
_STDERR_TAIL = 4


class RenderError(RuntimeError):
    """ffmpeg failed, or wrote a file that does not hold what was sent."""


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary bundled with the imageio-ffmpeg wheel."""
    return imageio_ffmpeg.get_ffmpeg_exe()


def rate(fps: Real) -> str:
    """Frame rate as an exact ffmpeg rational, e.g. ``"25"`` or ``"30000/1001"``.

    Parameters
    ----------
    fps : real
        Frames per second, finite and > 0.

    Raises
    ------
    UserError
        If `fps` is not a positive finite number.
    """
    if isinstance(fps, bool) or not isinstance(fps, Real) or not np.isfinite(float(fps)) or fps <= 0:
        raise UserError(f"fps must be a positive number, got {fps!r}")
    r = Fraction(fps).limit_denominator(1_000_000)
    return str(r.numerator) if r.denominator == 1 else f"{r.numerator}/{r.denominator}"


def ffmpeg_path(path: str | os.PathLike) -> str:
    """A file name as ffmpeg must see it: ``file:`` and an absolute path.

    ffmpeg reads ``-x.mp4`` as an option and ``a:b.mp4`` as protocol ``a``;
    the ``file:`` protocol with an absolute path is always the file itself.
    """
    return "file:" + os.path.abspath(os.fspath(path))


def _base_cmd() -> list[str]:
    # -nostdin is not used for pipes (stdin *is* the input); -loglevel error
    # keeps stderr down to the lines worth quoting when something fails.
    return [ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error", "-y"]


def _tail(text: str) -> str:
    # The cause is usually the first error line, the consequence the last;
    # drop ffmpeg's "[ctx @ 0x55...]" pointers so messages are stable.
    lines = []
    for ln in text.splitlines():
        ln = re.sub(r" @ 0x[0-9a-f]+", "", ln.strip())
        if ln and ln not in lines:
            lines.append(ln)
    if len(lines) > _STDERR_TAIL:
        lines = lines[:_STDERR_TAIL - 1] + ["...", lines[-1]]
    return " | ".join(lines) or "no message"


def run_ffmpeg(args: Sequence[str], *, what: str) -> str:
    """Run one ffmpeg command to completion and check its exit status.

    Parameters
    ----------
    args : sequence of str
        Arguments after the common ones (``-hide_banner -loglevel error -y``).
    what : str
        Names the job in an error message, e.g. ``"GIF palette for out.gif"``.

    Returns
    -------
    str
        ffmpeg's standard output.

    Raises
    ------
    RenderError
        If ffmpeg exits with a non-zero status.
    """
    # Started and then waited on so that an interrupt at any instant kills it: an ffmpeg
    # left running would go on writing a file after its clean-up.
    proc = None
    try:
        with deferred():
            proc = subprocess.Popen([*_base_cmd(), *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, errors="replace")
        stdout, stderr = proc.communicate()
    except BaseException:
        if proc is not None:
            with deferred():
                proc.kill()
                proc.wait()
        raise
    if proc.returncode != 0:
        raise _failure(f"ffmpeg failed (exit {proc.returncode}) making {what}", what, stderr)
    return stdout


#: ffmpeg's words for failures of the machine, not of the program: a full disk, a quota, ...
_ENVIRONMENT = ("No space left on device", "Disk quota exceeded", "File too large", "Read-only file system",
                "Permission denied", "Input/output error")


def _failure(headline: str, what: str, stderr: str) -> Exception:
    """A UserError when ffmpeg names a cause the user can fix (a full disk), else a RenderError."""
    for cause in _ENVIRONMENT:
        if cause in stderr:
            return UserError(f"cannot write {what}: {cause.lower()}")
    return RenderError(f"{headline}: {_tail(stderr)}")


def count_frames(path: str | os.PathLike) -> int:
    """Number of video frames in a file, counted without decoding.

    Stream copy to the null muxer only reads packets, so this costs a process
    start and one read of the file (tens of milliseconds for a lecture clip).
    """
    out = run_ffmpeg(["-i", ffmpeg_path(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-",
                      "-progress", "pipe:1"], what=f"a frame count of {path}")
    counts = [int(line.split("=", 1)[1]) for line in out.splitlines()
              if line.startswith("frame=") and line.split("=", 1)[1].strip().isdigit()]
    if not counts:
        raise RenderError(f"could not count the frames of {path}")
    return counts[-1]


class FFmpegPipe:
    """One ffmpeg process reading raw RGB(A) frames from its standard input.

    Parameters
    ----------
    size : (int, int)
        Frame width and height in pixels.
    channels : {3, 4}
        3 for ``rgb24`` frames (H, W, 3), 4 for ``rgba`` frames (H, W, 4).
    fps : real
        Input frame rate; sets the timestamps, hence a constant frame rate.
    output_args : sequence of str
        Everything after the input: filters, codec options, output path(s).
    what : str
        Names the target in error messages.
    """

    def __init__(self, *, size: tuple[int, int], channels: int, fps: Real,
                 output_args: Sequence[str], what: str):
        width, height = size
        self.what = what
        cmd = [*_base_cmd(),
               "-f", "rawvideo", "-pix_fmt", "rgba" if channels == 4 else "rgb24",
               "-video_size", f"{width}x{height}", "-framerate", rate(fps), "-i", "pipe:0",
               *output_args]
        # stderr goes to a file, not a pipe: a pipe nobody reads can fill up
        # and deadlock ffmpeg while we block writing to its stdin.
        self._stderr = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                          stderr=self._stderr)
        except BaseException:
            self._stderr.close()
            raise
        _grow_pipe(self._proc.stdin)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def write(self, frame: np.ndarray) -> None:
        """Send one C-contiguous uint8 frame; no copy is made."""
        try:
            # BufferedWriter.write loops until every byte is in the pipe and
            # passes a large buffer straight to the fd without copying it.
            self._proc.stdin.write(frame.data)
        except (BrokenPipeError, ValueError, OSError):
            # ffmpeg died (bad option, disk full, ...): report its own words.
            self._raise_failure()

    def end_input(self) -> None:
        """Signal end of input without waiting, so several encoders can drain at once."""
        try:
            self._proc.stdin.close()
        except (BrokenPipeError, OSError, ValueError):
            pass

    def close(self) -> None:
        """Signal end of input, wait for ffmpeg, raise if it failed."""
        self.end_input()
        code = self._proc.wait()
        if code != 0:
            self._raise_failure()
        self._stderr.close()

    def kill(self) -> None:
        """Stop ffmpeg at once (abort path); safe to call more than once."""
        if self._proc.poll() is None:
            self._proc.kill()
        try:
            self._proc.stdin.close()
        except (BrokenPipeError, OSError, ValueError):
            pass
        self._proc.wait()
        self._stderr.close()

    def _raise_failure(self):
        try:
            self._proc.stdin.close()
        except (BrokenPipeError, OSError, ValueError):
            pass
        code = self._proc.wait()
        self._stderr.seek(0)
        message = self._stderr.read().decode("utf-8", "replace")
        self._stderr.close()
        raise _failure(f"ffmpeg failed (exit {code}) writing {self.what}", self.what, message)


def _grow_pipe(stream) -> None:
    # A 1 MiB pipe (Linux default 64 KiB) lets ffmpeg pick up the next chunk
    # while Python is still drawing; purely an optimisation, so ignore failure.
    try:
        import fcntl
        fcntl.fcntl(stream.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass
