"""Which writer makes which target: format names, extensions, open_writer."""

from __future__ import annotations

import inspect
import os
from numbers import Real
from pathlib import Path
from typing import Sequence

from animate_em.encode.base import Writer
from animate_em.encode.gif import GifWriter
from animate_em.encode.pngseq import PngSequenceWriter
from animate_em.encode.still import StillWriter
from animate_em.encode.video import Mp4Writer, WebmWriter
from animate_em.errors import UserError

__all__ = ["WRITERS", "infer_format", "open_writer"]

#: Format name -> writer class.
WRITERS: dict[str, type[Writer]] = {
    "mp4": Mp4Writer,
    "webm": WebmWriter,
    "gif": GifWriter,
    "png-seq": PngSequenceWriter,
    "png": StillWriter,
}
_ALIASES = {"pngseq": "png-seq", "png_seq": "png-seq", "m4v": "mp4"}
_SUFFIXES = {".mp4": "mp4", ".m4v": "mp4", ".webm": "webm", ".gif": "gif", ".png": "png",
             ".png-seq": "png-seq"}


def infer_format(path: str | os.PathLike) -> str:
    """Format name for a target path.

    ``.mp4``, ``.webm``, ``.gif``: video of that kind; ``.png``: a still
    (the last frame); a folder (a path ending in ``/``, a name without
    extension or with ``.png-seq``, or an existing folder whose extension is
    none of the above): a PNG sequence written into that very folder.

    Raises
    ------
    UserError
        If the extension is not one of these.
    """
    text = os.fspath(path)
    p = Path(text)
    suffix = p.suffix.lower()
    if text.endswith(("/", os.sep)) or suffix in ("", ".png-seq"):
        return "png-seq"
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    if p.is_dir():
        return "png-seq"
    raise UserError(f"cannot tell the format of {text} from its extension {p.suffix!r}; "
                    "use .mp4, .webm, .gif, .png or a folder for a PNG sequence")


def _format_name(format: str | None, path) -> str:
    if format is None:
        return infer_format(path)
    name = _ALIASES.get(str(format).lower(), str(format).lower())
    if name not in WRITERS:
        raise UserError(f"unknown output format {format!r}; choose from {', '.join(WRITERS)}")
    return name


def open_writer(path: str | os.PathLike, *, fps: Real, format: str | None = None,
                size: tuple[int, int] | None = None, keyframe_interval: "int | Sequence[int] | None" = None,
                **options) -> Writer:
    """Open a writer for one target, ready for ``append(frame)``.

    The temporary output is created at once, so an unwritable `path` fails
    here, before any frame is drawn.

    Parameters
    ----------
    path : path-like
        Target file, or folder for a PNG sequence.
    fps : real
        Frames per second.
    format : {"mp4", "webm", "gif", "png-seq", "png"}, optional
        Inferred from `path` if omitted (see :func:`infer_format`).
    size : (int, int), optional
        (width, height) of the frames; from the first frame if omitted.
    keyframe_interval : int, optional
        For MP4 and WebM: a keyframe on every N-th frame. Ignored by the
        other formats.
    **options
        Options of the format's writer, e.g. ``crf``, ``preset`` (MP4),
        ``gif_width``, ``dither`` (GIF), ``n_frames`` (PNG sequence).

    Returns
    -------
    Writer
        Use as a context manager, or call ``close()`` / ``abort()``.

    Raises
    ------
    UserError
        Unknown format or option, bad option value, unwritable path.
    """
    name = _format_name(format, path)
    cls = WRITERS[name]
    accepted = inspect.signature(cls.__init__).parameters
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        known = [k for k in accepted if k not in ("self", "path", "fps", "size", "keyframe_interval")]
        raise UserError(f"unknown option {unknown[0]!r} for {name} output; known: {', '.join(known) or 'none'}")
    if "keyframe_interval" in accepted:
        options["keyframe_interval"] = keyframe_interval
    return cls(path, fps=fps, size=size, **options)
