"""Looping GIF with a palette made for the animation.

ffmpeg's ``palettegen`` must see every frame before ``paletteuse`` can map
the first one, but frames stream and are not kept in memory. So the frames
go, in one ffmpeg process, both into a lossless temporary video beside the
target (H.264 RGB at qp 0, the fastest lossless codec measured here) and into
``palettegen=stats_mode=diff``; a second ffmpeg run maps the temporary video
through ``paletteuse`` into the GIF (``-loop 0``: loop forever).

GIF frame delays are whole hundredths of a second, so the GIF's frame rate is
100/n. The rate used is the largest 100/n not above ``min(fps, max_fps)``
(25, 20, 10, ... by default): 30 fps gives 25, 60 gives 25, 24 gives 20.
Frames are dropped deterministically so the GIF lasts as long as the video:
GIF frame k shows input frame ``floor(k * fps / gif_fps)``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from numbers import Real

from animate_em.encode.atomic import sibling
from animate_em.encode.base import FFmpegWriter
from animate_em.encode.ffmpeg import RenderError, count_frames, ffmpeg_path, run_ffmpeg
from animate_em.errors import UserError

__all__ = ["GifWriter", "gif_fps", "DITHERS"]

DITHERS = ("none", "bayer", "heckbert", "floyd_steinberg", "sierra2", "sierra2_4a",
           "sierra3", "burkes", "atkinson")


def gif_fps(fps: Real, max_fps: Real = 25) -> Fraction:
    """Frame rate a GIF can show for an animation made at `fps`.

    Parameters
    ----------
    fps : real
        Frame rate of the input frames.
    max_fps : real, default 25
        Cap, at most 50 (browsers slow down delays under 2/100 s).

    Returns
    -------
    Fraction
        ``100 / n`` for the smallest integer n with ``100 / n <= min(fps, max_fps)``.
    """
    if isinstance(max_fps, bool) or not isinstance(max_fps, Real) or not 0 < max_fps <= 50:
        raise UserError(f"GIF max_fps must be a number in (0, 50], got {max_fps!r}")
    target = min(Fraction(fps).limit_denominator(1_000_000), Fraction(max_fps).limit_denominator(1_000_000))
    n = math.ceil(Fraction(100) / target)
    return Fraction(100, n)


class GifWriter(FFmpegWriter):
    """Looping GIF, two-pass palette, frame rate a GIF can represent.

    Parameters
    ----------
    path : path-like
        Target ``.gif`` file.
    fps : real
        Frame rate of the input frames (see :func:`gif_fps` for the GIF's).
    size : (int, int), optional
        (width, height) of the input frames; odd sizes are fine.
    gif_width : int, optional
        Scale down (Lanczos, aspect kept) to this width if the frames are
        wider; GIF size grows with area, so this is the main size control.
    max_fps : real, default 25
        Highest GIF frame rate; frames are dropped above it.
    dither : str, default "none"
        ``paletteuse`` dither: "none" suits flat plots, "bayer" gradients;
        see :data:`DITHERS`.
    bayer_scale : int, optional
        0..5, for ``dither="bayer"`` (ffmpeg's default 2 if omitted).
    """

    format = "gif"

    def __init__(self, path, *, fps, size=None, gif_width: int | None = None,
                 max_fps: Real = 25, dither: str = "none", bayer_scale: int | None = None):
        if gif_width is not None and (isinstance(gif_width, bool) or not isinstance(gif_width, int)
                                      or gif_width < 2):
            raise UserError(f"gif_width must be an integer of at least 2, got {gif_width!r}")
        if dither not in DITHERS:
            raise UserError(f"GIF dither must be one of {', '.join(DITHERS)}, got {dither!r}")
        if bayer_scale is not None and (isinstance(bayer_scale, bool) or bayer_scale not in range(6)):
            raise UserError(f"bayer_scale must be an integer from 0 to 5, got {bayer_scale!r}")
        self.gif_width, self.dither, self.bayer_scale = gif_width, dither, bayer_scale
        super().__init__(path, fps=fps, size=size)  # validates fps before gif_fps uses it
        self.gif_fps = gif_fps(fps, max_fps)
        self._step = Fraction(fps).limit_denominator(1_000_000) / self.gif_fps  # >= 1
        self._kept = 0
        self._next = 0

    @property
    def n_gif_frames(self) -> int:
        """Frames kept for the GIF so far (fewer than appended above max_fps)."""
        return self._kept

    def _input_fps(self):
        return self.gif_fps

    def _output_args(self, size, channels):
        self._video = sibling(self.path, self._token, suffix=".mkv")
        self._palette = sibling(self.path, self._token, "-palette", ".png")
        self._scratch.paths += [self._video, self._palette]
        width = size[0]
        scale = (f"scale={self.gif_width}:-1:flags=lanczos,"
                 if self.gif_width is not None and self.gif_width < width else "")
        graph = f"[0:v]{scale}format=rgb24,split[v][s];[s]palettegen=stats_mode=diff[p]"
        return ["-filter_complex", graph,
                "-map", "[v]", "-c:v", "libx264rgb", "-qp", "0", "-preset", "ultrafast",
                "-f", "matroska", ffmpeg_path(self._video),
                "-map", "[p]", "-frames:v", "1", "-update", "1", "-f", "image2", ffmpeg_path(self._palette)]

    def _write(self, frame) -> None:
        # self.n_frames is this frame's index (the base class counts after).
        if self.n_frames == self._next:
            self._pipe.write(frame)
            self._kept += 1
            self._next = math.floor(self._kept * self._step)

    def _after_encode(self) -> None:
        use = f"paletteuse=dither={self.dither}:diff_mode=rectangle"
        if self.dither == "bayer" and self.bayer_scale is not None:
            use += f":bayer_scale={self.bayer_scale}"
        run_ffmpeg(["-i", ffmpeg_path(self._video), "-i", ffmpeg_path(self._palette),
                    "-lavfi", f"[0:v][1:v]{use}", "-loop", "0", "-f", "gif", ffmpeg_path(self._tmp)],
                   what=f"GIF {self.path}")
        if self._tmp.stat().st_size == 0:
            raise RenderError(f"ffmpeg wrote an empty file for {self.path}")
        got = count_frames(self._tmp)
        if got != self._kept:
            raise RenderError(f"{self.path}: {self._kept} frames sent but {got} written")
