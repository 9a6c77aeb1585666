"""One pass over the frames, any number of targets: write, write_many, MultiWriter."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from animate_em.encode.atomic import commit_all
from animate_em.encode.base import Writer
from animate_em.encode.formats import open_writer

__all__ = ["Target", "MultiWriter", "open_writers", "write", "write_many"]


@dataclass(frozen=True)
class Target:
    """One output of :func:`write_many`: a path, its format and its options.

    Parameters
    ----------
    path : path-like
        File, or folder for a PNG sequence.
    format : str, optional
        Inferred from `path` if omitted.
    options : mapping
        Writer options for this target only, e.g. ``{"gif_width": 640}``.
    """

    path: str | os.PathLike
    format: str | None = None
    options: Mapping = field(default_factory=dict)


class MultiWriter:
    """Feeds each appended frame to several writers; all complete or none.

    Closing first ends every encoder's input (they drain in parallel), then
    finishes and verifies each, and only then moves them all into place. If
    anything fails before that last step, every target is aborted.

    Parameters
    ----------
    writers : sequence of Writer
        Opened writers (see :func:`~animate_em.encode.open_writer`).
    """

    def __init__(self, writers: Sequence[Writer]):
        self.writers = list(writers)
        self.n_frames = 0

    def append(self, frame: np.ndarray) -> None:
        """Send one frame to every writer."""
        try:
            for w in self.writers:
                w.append(frame)
        except BaseException:
            self.abort()
            raise
        self.n_frames += 1

    def finish(self) -> None:
        """End every encode (they drain in parallel) and verify each output; nothing is moved yet."""
        try:
            for w in self.writers:
                w.end_input()
            for w in self.writers:
                w.finish()
        except BaseException:
            self.abort()
            raise

    def commit(self, also: Sequence[tuple[Path, Path]] = ()) -> list[Path]:
        """Finish, then move every output into place together: all of them or none.

        Parameters
        ----------
        also : sequence of (tmp, target)
            Further finished temporaries moved in with the writers' outputs
            (a poster, a manifest), so a render lands whole or not at all.

        Returns
        -------
        list of Path
            The writers' targets, in order.
        """
        self.finish()
        try:
            commit_all([w.staged for w in self.writers] + list(also))
        except BaseException:
            self.abort()
            raise
        for w in self.writers:
            w.committed_elsewhere()
        return [w.path for w in self.writers]

    def close(self) -> list[Path]:
        """Finish, verify and commit every writer; returns their paths."""
        return self.commit()

    def abort(self) -> None:
        """Abort every writer not yet committed."""
        for w in self.writers:
            w.abort()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.abort()
        return False


def write_many(frames: Iterable[np.ndarray], targets: Sequence[str | os.PathLike | Target], *,
               fps: Real, size: tuple[int, int] | None = None, keyframe_interval: "int | Sequence[int] | None" = None,
               on_frame: Callable[[int], None] | None = None) -> list[Path]:
    """Encode one stream of frames into several targets in a single pass.

    Parameters
    ----------
    frames : iterable of ndarray, each (H, W, 3) or (H, W, 4) uint8
        Consumed once, lazily; frames are not kept.
    targets : sequence of path-like or Target
        Outputs; a bare path uses its format's default options.
    fps : real
        Frames per second.
    size : (int, int), optional
        (width, height); from the first frame if omitted.
    keyframe_interval : int, optional
        MP4/WebM keyframe on every N-th frame (e.g. frames per iteration).
    on_frame : callable, optional
        Called as ``on_frame(n)`` after the n-th frame (1-based) is sent.

    Returns
    -------
    list of Path
        The targets, in order, each complete.

    Raises
    ------
    UserError
        Unwritable target, unknown format or option (before any frame is
        consumed), or odd size for MP4/WebM.
    FrameError
        Malformed frames, frames of different sizes, or no frames.
    RenderError
        ffmpeg failed or wrote something other than what was sent.

    Notes
    -----
    If the frame iterator raises (or Ctrl-C arrives), every encoder is
    stopped and no target or temporary file is left behind.
    """
    with MultiWriter(open_writers(targets, fps=fps, size=size, keyframe_interval=keyframe_interval)) as multi:
        for frame in frames:
            multi.append(frame)
            if on_frame is not None:
                on_frame(multi.n_frames)
    return [w.path for w in multi.writers]


def open_writers(targets: Sequence[str | os.PathLike | Target], *, fps: Real, size: tuple[int, int] | None = None,
                 keyframe_interval: "int | Sequence[int] | None" = None) -> list[Writer]:
    """Open (and so probe) a writer for every target; if one cannot be opened, none stays open.

    Parameters are those of :func:`write_many`.
    """
    writers: list[Writer] = []
    try:
        for t in targets:
            t = t if isinstance(t, Target) else Target(t)
            writers.append(open_writer(t.path, fps=fps, format=t.format, size=size,
                                       keyframe_interval=keyframe_interval, **dict(t.options)))
    except BaseException:
        for w in writers:
            w.abort()
        raise
    return writers


def write(frames: Iterable[np.ndarray], path: str | os.PathLike, *, fps: Real,
          format: str | None = None, size: tuple[int, int] | None = None,
          keyframe_interval: "int | Sequence[int] | None" = None, on_frame: Callable[[int], None] | None = None,
          **options) -> Path:
    """Encode frames into one target (MP4, WebM, GIF, PNG sequence or still).

    Parameters
    ----------
    frames : iterable of ndarray, each (H, W, 3) or (H, W, 4) uint8
        Streamed to the encoder as they are made; memory does not grow with
        their number.
    path : path-like
        Target; the format follows the extension unless `format` is given
        (see :func:`~animate_em.encode.infer_format`).
    fps : real
        Frames per second.
    format : {"mp4", "webm", "gif", "png-seq", "png"}, optional
    size : (int, int), optional
    keyframe_interval : int, optional
    on_frame : callable, optional
        See :func:`write_many`.
    **options
        Writer options, e.g. ``crf=20``, ``gif_width=640``, ``n_frames=90``.

    Returns
    -------
    Path
        `path`, present only once complete.
    """
    target = Target(path, format, options)
    return write_many(frames, [target], fps=fps, size=size, keyframe_interval=keyframe_interval,
                      on_frame=on_frame)[0]
