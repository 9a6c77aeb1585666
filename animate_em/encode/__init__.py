"""Renderer: frames in, finished files out.

Takes any iterable of (H, W, 3) or (H, W, 4) uint8 frames (it knows nothing
of EM or matplotlib) and streams them through the ffmpeg binary of the
imageio-ffmpeg wheel into MP4, WebM, GIF, a PNG sequence with a Beamer
snippet, or a still. Every output appears at its final path only when it is
complete and verified.

>>> write(frames, "out/em.mp4", fps=25, keyframe_interval=25)     # doctest: +SKIP
>>> write_many(frames, ["out/em.mp4", Target("out/em.gif", options={"gif_width": 640}),
...                     "out/em_last.png"], fps=25)                # doctest: +SKIP
>>> with open_writer("out/em.webm", fps=25) as w:                  # doctest: +SKIP
...     for frame in frames:
...         w.append(frame)
"""

from animate_em.encode.atomic import write_png
from animate_em.encode.base import Writer
from animate_em.encode.ffmpeg import RenderError, ffmpeg_exe
from animate_em.encode.formats import WRITERS, infer_format, open_writer
from animate_em.encode.frames import FrameError
from animate_em.encode.gif import GifWriter, gif_fps
from animate_em.encode.multi import MultiWriter, Target, open_writers, write, write_many
from animate_em.encode.pngseq import PngSequenceWriter
from animate_em.encode.still import StillWriter, write_still
from animate_em.encode.video import Mp4Writer, WebmWriter

__all__ = [
    "write", "write_many", "open_writer", "open_writers", "infer_format", "Target", "MultiWriter",
    "Writer", "Mp4Writer", "WebmWriter", "GifWriter", "PngSequenceWriter", "StillWriter",
    "write_png", "write_still", "gif_fps", "ffmpeg_exe", "WRITERS",
    "RenderError", "FrameError",
]
