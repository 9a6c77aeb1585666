"""Files and folders that appear at their final path only when complete.

Everything is written under a temporary name *beside* the target (same
folder, hence same file system, so :func:`os.replace` is an atomic rename).
Temporary files keep the real extension (``anim.tmp-1a2b3c4d.mp4``, not
``anim.mp4.tmp``) because ffmpeg picks the container from it. Reserving the
temporary name creates the file, which doubles as the writability probe done
before any frame is consumed.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

import numpy as np

from animate_em.errors import UserError

__all__ = ["reserve_file", "reserve_dir", "sibling", "remove_quietly", "replace_dir", "write_png", "write_text"]


def _why(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _make_parent(path: Path) -> None:
    for ancestor in path.parents:
        if ancestor.exists() or ancestor.is_symlink():
            if not ancestor.is_dir():
                raise UserError(f"cannot write {path}: {ancestor} is a file, not a folder")
            break
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write {path}: cannot create folder {path.parent} ({_why(exc)})") from None
    if not path.parent.is_dir():
        raise UserError(f"cannot write {path}: {path.parent} is not a folder")


def reserve_file(path: str | os.PathLike) -> tuple[Path, str]:
    """Create an empty temporary file beside `path` and return it.

    Missing parent folders are created. The temporary name is
    ``<stem>.tmp-<8 hex digits><suffix>``; the random token is also returned
    so callers can name further scratch files after it.

    Returns
    -------
    tmp : Path
        The created temporary file.
    token : str
        The random part of its name.

    Raises
    ------
    UserError
        One line naming `path` if it cannot be written (read-only folder, a
        parent that is a file, `path` is a folder, ...).
    """
    path = Path(path)
    _make_parent(path)
    if path.is_dir():
        raise UserError(f"cannot write {path}: it is a folder")
    for _ in range(100):
        token = secrets.token_hex(4)
        tmp = sibling(path, token)
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise UserError(f"cannot write {path}: {_why(exc)}") from None
        os.close(fd)
        return tmp, token
    raise UserError(f"cannot write {path}: no free temporary name beside it")  # pragma: no cover


def sibling(path: Path, token: str, extra: str = "", suffix: str | None = None) -> Path:
    """Scratch path beside `path`: ``<stem>.tmp-<token><extra><suffix>``."""
    suffix = path.suffix if suffix is None else suffix
    return path.with_name(f"{path.stem}.tmp-{token}{extra}{suffix}")


def reserve_dir(path: str | os.PathLike, may_replace: re.Pattern) -> Path:
    """Create an empty temporary folder beside the folder `path`.

    Parameters
    ----------
    path : path-like
        The final folder.
    may_replace : re.Pattern
        If `path` already exists, every name in it must match this pattern
        (files we would write ourselves); otherwise we refuse rather than
        delete someone else's files.

    Raises
    ------
    UserError
        If the folder cannot be written or holds other files.
    """
    path = Path(path)
    _make_parent(path)
    if path.exists():
        if not path.is_dir():
            raise UserError(f"cannot write {path}: it is a file, not a folder")
        foreign = [p.name for p in path.iterdir() if not may_replace.fullmatch(p.name)]
        if foreign:
            raise UserError(f"cannot write {path}: folder holds other files (e.g. {foreign[0]}); "
                            "choose an empty or new folder")
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(4)}")
        try:
            tmp.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            raise UserError(f"cannot write {path}: {_why(exc)}") from None
        return tmp
    raise UserError(f"cannot write {path}: no free temporary name beside it")  # pragma: no cover


def replace_dir(tmp: Path, path: Path) -> None:
    """Move the finished folder `tmp` to `path`, replacing an old one there.

    A folder cannot be renamed over a non-empty folder, so an old `path` is
    first renamed aside and deleted only after the new one is in place.
    """
    old = None
    if path.exists():
        old = path.with_name(f".{path.name}.old-{secrets.token_hex(4)}")
        os.replace(path, old)
    try:
        os.replace(tmp, path)
    except BaseException:
        if old is not None:
            os.replace(old, path)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def remove_quietly(path: Path) -> None:
    """Delete a scratch file or folder; missing is fine."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def write_text(text: str, path: str | os.PathLike) -> Path:
    """Write UTF-8 text to `path` atomically, with the same permissions as any new file.

    Raises
    ------
    UserError
        If `path` cannot be written.
    """
    path = Path(path)
    tmp, _ = reserve_file(path)
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        remove_quietly(tmp)
        raise
    return path


def write_png(image: np.ndarray, path: str | os.PathLike) -> Path:
    """Write an image to a PNG file atomically.

    Parameters
    ----------
    image : ndarray of uint8, shape (H, W), (H, W, 3) or (H, W, 4)
        Grey, RGB or RGBA pixels.
    path : path-like
        Target file; missing parent folders are created.

    Returns
    -------
    Path
        `path`, which exists only once the PNG is complete.

    Raises
    ------
    UserError
        If `path` cannot be written.
    ValueError
        If `image` is not a uint8 array of one of the shapes above.
    """
    import imageio.v3 as iio

    image = np.asarray(image)
    if image.dtype != np.uint8 or not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] in (3, 4))):
        raise ValueError(f"image must be uint8 (H, W), (H, W, 3) or (H, W, 4), "
                         f"got {image.dtype} {image.shape}")
    path = Path(path)
    tmp, _ = reserve_file(path.with_suffix(".png") if path.suffix.lower() != ".png" else path)
    try:
        iio.imwrite(tmp, image, extension=".png")
        if tmp.stat().st_size == 0:  # pragma: no cover - imageio raises first
            raise OSError(f"empty PNG written for {path}")
        os.replace(tmp, path)
    except OSError as exc:
        remove_quietly(tmp)
        raise UserError(f"cannot write {path}: {_why(exc)}") from None
    except BaseException:
        remove_quietly(tmp)
        raise
    return path
