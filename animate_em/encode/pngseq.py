r"""Numbered PNG frames plus a LaTeX ``animate`` snippet, for Beamer.

The folder holds ``frame_000.png`` ... ``frame_089.png`` and ``animation.tex``::

    \animategraphics[loop,autoplay,controls,width=\linewidth]{25}{frames/frame_}{000}{089}

The snippet names the frames through the folder's own name (``frames/``),
as LaTeX resolves paths from the main ``.tex`` file: put the folder beside
it, ``\usepackage{animate}`` in the preamble, and ``\input{frames/animation}``.

The whole folder is written under a temporary name beside the target and
renamed into place when complete. An existing target folder is replaced only
if it holds nothing but files this writer makes; otherwise it is refused.
"""

from __future__ import annotations

import re

from animate_em.encode.atomic import replace_dir, reserve_dir
from animate_em.encode.base import FFmpegWriter
from animate_em.encode.ffmpeg import RenderError, ffmpeg_path
from animate_em.errors import UserError

__all__ = ["PngSequenceWriter", "TEX_NAME", "latex_snippet"]

TEX_NAME = "animation.tex"
_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def latex_snippet(folder: str, prefix: str, first: str, last: str, fps, options: str) -> str:
    """Text of ``animation.tex`` for frames ``folder/<prefix><first..last>.png``."""
    rate = f"{float(fps):.6g}"
    return (
        "% Animation for Beamer: \\usepackage{animate} in the preamble, this folder beside\n"
        "% the main .tex file, then \\input{" + f"{folder}/{TEX_NAME[:-4]}" + "} where it should play.\n"
        f"% Frames {folder}/{prefix}{first}.png ... {prefix}{last}.png at {rate} fps.\n"
        f"\\animategraphics[{options}]{{{rate}}}{{{folder}/{prefix}}}{{{first}}}{{{last}}}\n"
    )


class PngSequenceWriter(FFmpegWriter):
    """Folder of numbered PNG frames and an ``animation.tex`` snippet.

    Parameters
    ----------
    path : path-like
        The folder to create (missing parents are created).
    fps : real
        Frame rate written into the LaTeX snippet.
    size : (int, int), optional
        (width, height); taken from the first frame if omitted.
    n_frames : int, optional
        Expected number of frames, to choose the zero padding: as many
        digits as the last index needs, at least 3. Without it, 4 digits.
        If more frames arrive than the padding allows, all files are renamed
        to a wider padding at the end, so names always sort.
    prefix : str, default "frame_"
        File name prefix (letters, digits, ``_`` and ``-``).
    alpha : bool, default False
        Keep the alpha channel of RGBA frames (default: opaque RGB PNGs).
    latex : bool, default True
        Write ``animation.tex``.
    latex_options : str, default "loop,autoplay,controls,width=\\linewidth"
        Options of ``\animategraphics``.
    """

    format = "png-seq"

    def __init__(self, path, *, fps, size=None, n_frames: int | None = None, prefix: str = "frame_",
                 alpha: bool = False, latex: bool = True,
                 latex_options: str = r"loop,autoplay,controls,width=\linewidth"):
        if n_frames is not None and (isinstance(n_frames, bool) or not isinstance(n_frames, int)
                                     or n_frames < 1):
            raise UserError(f"n_frames must be a positive integer, got {n_frames!r}")
        if not _PREFIX.fullmatch(prefix):
            raise UserError(f"PNG prefix must be letters, digits, '_' or '-', got {prefix!r}")
        self.prefix, self.alpha, self.latex, self.latex_options = prefix, alpha, latex, latex_options
        self.digits = 4 if n_frames is None else max(3, len(str(n_frames - 1)))
        super().__init__(path, fps=fps, size=size)

    def _reserve(self) -> None:
        owned = re.compile(rf"{re.escape(self.prefix)}\d+\.png|{re.escape(TEX_NAME)}")
        self._pipe = None
        self._tmp = reserve_dir(self.path, owned, keep=self._scratch.paths.append)

    def _output_args(self, size, channels):
        pix = "rgba" if (self.alpha and channels == 4) else "rgb24"
        pattern = self._tmp / f"{self.prefix}%0{self.digits}d.png"
        return ["-c:v", "png", "-pix_fmt", pix, "-start_number", "0", "-f", "image2", ffmpeg_path(pattern)]

    def _after_encode(self) -> None:
        n = self.n_frames
        files = {p.name for p in self._tmp.iterdir()}
        width = max(self.digits, len(str(n - 1)))
        if width > self.digits:
            # More frames than the padding allowed: ffmpeg wrote wider numbers
            # past 10**digits - 1; pad them all to the widest so names sort.
            for i in range(n):
                old = f"{self.prefix}{i:0{self.digits}d}.png"
                if old in files:
                    (self._tmp / old).rename(self._tmp / f"{self.prefix}{i:0{width}d}.png")
            self.digits = width
            files = {p.name for p in self._tmp.iterdir()}
        want = {f"{self.prefix}{i:0{width}d}.png" for i in range(n)}
        if files != want or any((self._tmp / name).stat().st_size == 0 for name in want):
            raise RenderError(f"{self.path}: expected {n} PNG frames, found {len(files)} files")
        if self.latex:
            text = latex_snippet(self.path.name, self.prefix, f"{0:0{width}d}", f"{n - 1:0{width}d}",
                                 self.fps, self.latex_options)
            (self._tmp / TEX_NAME).write_text(text, encoding="utf-8")

    @property
    def frame_names(self) -> list[str]:
        """File names of the frames written so far (final once closed)."""
        width = max(self.digits, len(str(max(self.n_frames - 1, 0))))
        return [f"{self.prefix}{i:0{width}d}.png" for i in range(self.n_frames)]

    def _commit(self) -> None:
        replace_dir(self._tmp, self.path)

