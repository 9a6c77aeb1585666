"""The life of a writer: reserve, append frames, finish, commit (or abort).

Every writer follows the same steps so that several of them can be fed from
one pass over the frames (:class:`~animate_em.encode.multi.MultiWriter`):

1. construction reserves the temporary output beside the target, so an
   unwritable path fails before a single frame is drawn;
2. :meth:`Writer.append` checks each frame and streams it out (the first
   frame fixes the size and starts the encoder);
3. :meth:`Writer.finish` ends the encode and verifies the temporary output;
4. :meth:`Writer.commit` renames it to the target.

Any failure on the way, or :meth:`Writer.abort`, kills the encoder and deletes
every scratch file. A writer dropped without being closed is cleaned up by a
finalizer, so no temporary file outlives the process that made it.
"""

from __future__ import annotations

import os
import weakref
from numbers import Real
from pathlib import Path
from typing import ClassVar, Sequence

import numpy as np

from animate_em.encode.atomic import cannot_write, remove_quietly, reserve_file
from animate_em.encode.ffmpeg import FFmpegPipe, rate
from animate_em.encode.frames import FrameError, FrameShape, check_size
from animate_em.signals import deferred

__all__ = ["Writer", "FFmpegWriter"]


class _Scratch:
    """Things to undo if the writer does not complete: processes and paths.

    Kept apart from the writer so a :func:`weakref.finalize` can hold it
    without keeping the writer alive.
    """

    def __init__(self):
        self.pipes: list[FFmpegPipe] = []
        self.paths: list[Path] = []

    def discard(self) -> None:
        # A second signal must not stop the clean-up of the first half-way.
        with deferred():
            self._discard()

    def _discard(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.kill()
            except Exception:  # pragma: no cover - best effort on the abort path
                pass
        for path in self.paths:
            remove_quietly(path)
        self.pipes.clear()
        self.paths.clear()


class Writer:
    """Base class: streams frames into one target file or folder.

    Parameters
    ----------
    path : path-like
        The target.
    fps : real
        Frames per second of the animation.
    size : (int, int), optional
        (width, height) of every frame; taken from the first frame if omitted.

    Notes
    -----
    Use as a context manager: leaving the block normally finishes and commits,
    leaving it with an exception aborts (nothing at the target, no scratch).

    >>> with Mp4Writer("anim.mp4", fps=25) as w:      # doctest: +SKIP
    ...     for frame in frames:
    ...         w.append(frame)
    """

    format: ClassVar[str] = ""
    #: Whether width and height must be even (yuv420p video).
    even_size: ClassVar[bool] = False

    def __init__(self, path: str | os.PathLike, *, fps: Real, size: tuple[int, int] | None = None):
        self.path = Path(path)
        self.fps = fps
        rate(fps)  # validates
        if size is not None:
            size = check_size(size, even=self.even_size, what=self._what())
        self._shape = FrameShape(size)
        #: Frames appended so far.
        self.n_frames = 0
        self._state = "open"
        self._scratch = _Scratch()
        self._finalizer = weakref.finalize(self, self._scratch.discard)
        self._reserve()

    # ----------------------------------------------------------- public API
    @property
    def size(self) -> tuple[int, int] | None:
        """(width, height), once known."""
        return self._shape.size

    def append(self, frame: np.ndarray) -> None:
        """Add one frame, (H, W, 3) or (H, W, 4) uint8.

        Raises
        ------
        FrameError
            If the frame is malformed or not the size of the first; the
            writer is then aborted.
        """
        if self._state != "open":
            raise RuntimeError(f"writer for {self.path} is {self._state}; cannot append")
        try:
            a = self._shape.check(frame)
            if self.n_frames == 0:
                width, height = check_size(self._shape.size, even=self.even_size, what=self._what())
                self._start((width, height), self._shape.channels)
            self._write(a)
        except BaseException:
            self.abort()
            raise
        self.n_frames += 1

    def end_input(self) -> None:
        """Tell the encoder no more frames come, without waiting for it.

        Optional: :meth:`finish` does it too. :class:`MultiWriter` calls it on
        every writer first so their encoders finish in parallel.
        """
        if self._state == "open" and self.n_frames:
            self._end_input()

    def finish(self) -> None:
        """End the encode and verify the temporary output (idempotent)."""
        if self._state == "finished":
            return
        if self._state != "open":
            raise RuntimeError(f"writer for {self.path} is {self._state}; cannot finish")
        try:
            if self.n_frames == 0:
                raise FrameError(f"no frames were given for {self.path}")
            self._finish()
        except BaseException:
            self.abort()
            raise
        self._state = "finished"

    def commit(self) -> Path:
        """Finish if needed, then move the output to its final path.

        Returns
        -------
        Path
            The target path, now complete.
        """
        self.finish()
        try:
            self._commit()
        except OSError as exc:
            self.abort()
            raise cannot_write(self.path, exc) from None
        except BaseException:
            self.abort()
            raise
        self._state = "committed"
        self._scratch.discard()
        return self.path

    def close(self) -> Path:
        """Same as :meth:`commit`."""
        return self.commit()

    @property
    def staged(self) -> tuple[Path, Path]:
        """(temporary output, target) once finished, for committing several writers at once."""
        if self._state != "finished":
            raise RuntimeError(f"writer for {self.path} is {self._state}; only a finished writer is staged")
        return self._tmp, self.path

    def committed_elsewhere(self) -> None:
        """Record that :attr:`staged` was moved into place by the caller (see MultiWriter.commit)."""
        self._state = "committed"
        self._scratch.discard()

    def abort(self) -> None:
        """Stop the encoder and delete every scratch file; safe to repeat."""
        if self._state in ("committed", "aborted"):
            return
        self._state = "aborted"
        self._scratch.discard()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.commit()
        else:
            self.abort()
        return False

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r}, fps={self.fps!r}, {self._state})"

    # ------------------------------------------------------ subclass hooks
    def _what(self) -> str:
        return f"{self.format.upper()} {self.path}"

    def _reserve(self) -> None:
        """Create the temporary output (the writability probe)."""
        raise NotImplementedError

    def _start(self, size: tuple[int, int], channels: int) -> None:
        """Called with the first frame's size before it is written."""

    def _write(self, frame: np.ndarray) -> None:
        raise NotImplementedError

    def _end_input(self) -> None:
        pass

    def _finish(self) -> None:
        raise NotImplementedError

    def _commit(self) -> None:
        raise NotImplementedError


class FFmpegWriter(Writer):
    """A writer whose frames go to one ffmpeg process writing one file."""

    def _reserve(self) -> None:
        self._pipe: FFmpegPipe | None = None
        self._tmp, self._token = reserve_file(self.path, keep=self._scratch.paths.append)

    def _input_fps(self) -> Real:
        return self.fps

    def _output_args(self, size: tuple[int, int], channels: int) -> Sequence[str]:
        raise NotImplementedError

    def _start(self, size, channels) -> None:
        output_args = self._output_args(size, channels)
        # Registered before a signal can strike: an ffmpeg nobody knows of would go on writing.
        with deferred():
            self._pipe = FFmpegPipe(size=size, channels=channels, fps=self._input_fps(),
                                    output_args=output_args, what=str(self.path))
            self._scratch.pipes.append(self._pipe)

    def _write(self, frame) -> None:
        self._pipe.write(frame)

    def _end_input(self) -> None:
        self._pipe.end_input()

    def _finish(self) -> None:
        self._pipe.close()
        self._scratch.pipes.remove(self._pipe)
        self._after_encode()

    def _after_encode(self) -> None:
        """Post-process and verify ``self._tmp``; raise RenderError if wrong."""

    def _commit(self) -> None:
        os.replace(self._tmp, self.path)
