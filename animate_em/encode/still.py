"""Stills: the last frame of an animation as a PNG."""

from __future__ import annotations

import os

import numpy as np

from animate_em.encode.atomic import reserve_file, write_png
from animate_em.encode.base import Writer
from animate_em.encode.ffmpeg import RenderError

__all__ = ["StillWriter", "write_still"]


def write_still(frame: np.ndarray, path: str | os.PathLike):
    """Write one frame, (H, W, 3) or (H, W, 4) uint8, as a PNG atomically.

    Same as :func:`~animate_em.encode.atomic.write_png`; returns the Path.
    """
    return write_png(frame, path)


class StillWriter(Writer):
    """Keeps only the newest frame and writes it as a PNG when closed.

    As a writer it can be one of several targets fed by one pass over the
    frames (e.g. MP4 + GIF + final still). Each frame is copied into one
    buffer, since the caller may redraw into the same memory (a matplotlib
    canvas) after handing it over.

    Parameters
    ----------
    path : path-like
        Target ``.png`` file.
    fps : real
        Accepted for a uniform interface; unused.
    size : (int, int), optional
        (width, height); taken from the first frame if omitted.
    """

    format = "png"

    def _reserve(self) -> None:
        self._last: np.ndarray | None = None
        self._tmp, _ = reserve_file(self.path, keep=self._scratch.paths.append)

    def _write(self, frame) -> None:
        if self._last is None:
            self._last = np.empty_like(frame)
        np.copyto(self._last, frame)

    def _finish(self) -> None:
        import imageio.v3 as iio

        iio.imwrite(self._tmp, self._last, extension=".png")
        if self._tmp.stat().st_size == 0:  # pragma: no cover - imageio raises first
            raise RenderError(f"empty PNG written for {self.path}")

    def _commit(self) -> None:
        os.replace(self._tmp, self.path)
        self._last = None

    @property
    def last_frame(self) -> np.ndarray | None:
        """Copy of the newest frame appended, or None."""
        return None if self._last is None else self._last.copy()
