"""MP4 (H.264) and WebM (VP9) writers for slides and browsers.

MP4 is made to play in PowerPoint, Keynote, Google Slides and browsers:
libx264, yuv420p, profile High (or lower), even width and height, constant
frame rate, ``-movflags +faststart`` (index before data), no audio, H.264
level at most 5.1. CRF 0 is refused: lossless H.264 is "High 4:4:4
Predictive", which Windows' decoder (PowerPoint) cannot play.

Colours: RGB frames are converted to YUV with the BT.709 matrix into the
limited ("tv") range, and both MP4 and WebM say so (BT.709 primaries,
transfer and matrix, limited range). ffmpeg would otherwise convert with
BT.601 and leave the file untagged, and browsers decode an untagged file as
BT.709: the palette's green (0, 158, 115) showed as (0, 140, 114) in Chromium.
"""

from __future__ import annotations

import os
from numbers import Real

from animate_em.encode.base import FFmpegWriter
from animate_em.encode.ffmpeg import RenderError, count_frames, ffmpeg_path
from animate_em.errors import UserError

__all__ = ["Mp4Writer", "WebmWriter"]

_X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
                 "slow", "slower", "veryslow")
_PROFILES = ("baseline", "main", "high")

#: The RGB -> YUV conversion (BT.709 matrix, limited range) and the tags that describe it.
COLOUR_FILTER = (
    "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
    "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv")
COLOUR_TAGS = ("-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv")

#: H.264 level 5.1, the highest Windows' Media Foundation decoder (and so PowerPoint) plays:
#: at most this many 16x16 macroblocks per frame and per second (ITU-T H.264 Table A-1).
LEVEL_5_1_FRAME_MACROBLOCKS = 36864
LEVEL_5_1_MACROBLOCK_RATE = 983040


def check_h264_level(width: int, height: int, fps: Real) -> None:
    """Refuse a size and frame rate that H.264 level 5.1 cannot hold (3840x2160 fits at 30 fps, not 60).

    Raises
    ------
    UserError
        Naming the largest frame rate that fits at this size.
    """
    macroblocks = -(-int(width) // 16) * -(-int(height) // 16)
    if macroblocks > LEVEL_5_1_FRAME_MACROBLOCKS:
        raise UserError(f"{width}x{height} is larger than H.264 level 5.1 allows (what PowerPoint and Windows "
                        "play); use a smaller size")
    if macroblocks * float(fps) > LEVEL_5_1_MACROBLOCK_RATE:
        most = LEVEL_5_1_MACROBLOCK_RATE // macroblocks
        raise UserError(f"{width}x{height} at {float(fps):g} fps needs an H.264 level above 5.1, which PowerPoint "
                        f"and Windows cannot play; use at most {most} fps at this size, or a smaller size")


def _check_int(name: str, value, lo: int, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None and value > hi):
        span = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        raise UserError(f"{name} must be an integer {span}, got {value!r}")
    return value


class _VideoWriter(FFmpegWriter):
    """Shared by MP4 and WebM: keyframes and the frame-count check.

    Parameters
    ----------
    path : path-like
        Target file.
    fps : real
        Frames per second (constant frame rate).
    size : (int, int), optional
        (width, height), both even; taken from the first frame if omitted.
    keyframe_interval : int or sequence of int, optional
        An int N: a keyframe at least every N frames, and exactly on frames
        0, N, 2N, ... (e.g. N = frames per EM iteration, so every iteration
        starts on a keyframe and scrubbing lands on it). A sequence: keyframes
        exactly on those frame indices (for iterations of varying length).
        Default: about every 2 seconds.
    """

    even_size = True

    def __init__(self, path: str | os.PathLike, *, fps: Real, size=None,
                 keyframe_interval: int | None = None):
        if isinstance(keyframe_interval, (list, tuple)):
            frames = sorted({_check_int("keyframe frame", int(f), 0) for f in keyframe_interval} | {0})
            keyframe_interval = tuple(frames)
        elif keyframe_interval is not None:
            _check_int("keyframe_interval", keyframe_interval, 1)
        self.keyframe_interval = keyframe_interval
        super().__init__(path, fps=fps, size=size)

    def _keyframe_args(self) -> list[str]:
        if self.keyframe_interval is None:
            return ["-g", str(max(1, round(2 * float(self.fps))))]
        if isinstance(self.keyframe_interval, tuple):
            frames = self.keyframe_interval
            # Times, not an expression: ffmpeg's expression language has no
            # set membership. Half a frame early so rounding cannot push a
            # keyframe onto the next frame; -g still caps the longest gap.
            gaps = [b - a for a, b in zip(frames, frames[1:])] or [round(2 * float(self.fps))]
            times = ",".join(f"{max(0.0, (f - 0.5) / float(self.fps)):.6f}" for f in frames)
            return ["-g", str(max(1, max(gaps))), "-force_key_frames", times]
        n = self.keyframe_interval
        # -g caps the gap; the expression puts keyframes exactly on multiples
        # of n even when the encoder's scene-cut detection adds others.
        return ["-g", str(n), "-force_key_frames", f"expr:eq(mod(n,{n}),0)"]

    def _colour_args(self) -> list[str]:
        return ["-vf", COLOUR_FILTER, *COLOUR_TAGS]

    def _after_encode(self) -> None:
        if self._tmp.stat().st_size == 0:
            raise RenderError(f"ffmpeg wrote an empty file for {self.path}")
        got = count_frames(self._tmp)
        if got != self.n_frames:
            raise RenderError(f"{self.path}: {self.n_frames} frames sent but {got} written")


class Mp4Writer(_VideoWriter):
    """H.264 MP4 that slide software plays.

    Parameters
    ----------
    path, fps, size, keyframe_interval
        See :class:`_VideoWriter`.
    crf : int, default 18
        Constant rate factor, 1 (best) to 51; 18 is visually lossless for
        plots. 0 (lossless) is refused: slide software cannot play it.

    Raises
    ------
    UserError
        A size and frame rate beyond H.264 level 5.1 (see :func:`check_h264_level`).
    preset : str, default "medium"
        x264 speed/size trade-off, "ultrafast" ... "veryslow".
    profile : {"high", "main", "baseline"}, default "high"
        H.264 profile; all three play in PowerPoint and browsers.
    """

    format = "mp4"

    def __init__(self, path, *, fps, size=None, keyframe_interval=None,
                 crf: int = 18, preset: str = "medium", profile: str = "high"):
        self.crf = _check_int("crf", crf, 1, 51)
        if preset not in _X264_PRESETS:
            raise UserError(f"preset must be one of {', '.join(_X264_PRESETS)}, got {preset!r}")
        if profile not in _PROFILES:
            raise UserError(f"profile must be one of {', '.join(_PROFILES)}, got {profile!r}")
        self.preset, self.profile = preset, profile
        super().__init__(path, fps=fps, size=size, keyframe_interval=keyframe_interval)

    def _reserve(self) -> None:
        if self.size is not None:
            # Before the temporary file is made: a size that cannot play fails first.
            check_h264_level(*self.size, self.fps)
        super()._reserve()

    def _output_args(self, size, channels):
        check_h264_level(*size, self.fps)
        # x264 picks the lowest level that holds the stream; the check above keeps it at 5.1 or below.
        return ["-an", *self._colour_args(), "-c:v", "libx264", "-preset", self.preset, "-crf", str(self.crf),
                "-pix_fmt", "yuv420p", "-profile:v", self.profile, "-fps_mode", "cfr",
                *self._keyframe_args(), "-movflags", "+faststart", "-f", "mp4", ffmpeg_path(self._tmp)]


class WebmWriter(_VideoWriter):
    """VP9 WebM (plays in browsers, and in LibreOffice on Linux).

    Parameters
    ----------
    path, fps, size, keyframe_interval
        See :class:`_VideoWriter`.
    crf : int, default 32
        Constant quality, 0 (best) to 63, with ``-b:v 0``.
    cpu_used : int or None, default 4
        libvpx speed setting, 0 (slowest, smallest) to 8; None for the
        encoder's default. 4 measured 2.4x faster than the default on a
        1280x720 plot for a file about 10 % larger.
    """

    format = "webm"

    def __init__(self, path, *, fps, size=None, keyframe_interval=None,
                 crf: int = 32, cpu_used: int | None = 4):
        self.crf = _check_int("crf", crf, 0, 63)
        self.cpu_used = None if cpu_used is None else _check_int("cpu_used", cpu_used, 0, 8)
        super().__init__(path, fps=fps, size=size, keyframe_interval=keyframe_interval)

    def _output_args(self, size, channels):
        speed = [] if self.cpu_used is None else ["-cpu-used", str(self.cpu_used)]
        return ["-an", *self._colour_args(), "-c:v", "libvpx-vp9", "-crf", str(self.crf), "-b:v", "0", "-row-mt", "1",
                *speed, "-pix_fmt", "yuv420p", "-fps_mode", "cfr",
                *self._keyframe_args(), "-f", "webm", ffmpeg_path(self._tmp)]
