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
import stat
from pathlib import Path
from typing import Callable

import numpy as np

from animate_em.errors import UserError
from animate_em.signals import deferred
from animate_em.untrusted import kind_of

__all__ = ["cannot_write", "check_target", "commit_all", "fill_png", "fill_text", "reserve_file", "reserve_dir", "sibling", "remove_quietly", "replace_dir", "write_png",
           "write_text"]


def _why(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def cannot_write(where, exc: OSError) -> UserError:
    """The one-line error of a write that failed in ``where``: "cannot write DIR: no space left on device"."""
    return UserError(f"cannot write {where}: {(exc.strerror or str(exc)).lower()}")


def _stat(path: Path, target: Path) -> os.stat_result | None:
    """os.stat of `path` (symlinks followed), None if nothing is there; other failures are UserErrors."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise UserError(f"cannot write {target}: {_why(exc)}") from None


def check_target(path: str | os.PathLike, *, folder: bool = False) -> None:
    """Refuse a target that is not ours to replace: a folder (for a file), or any special file.

    A FIFO, a device or a socket at the target is refused, never replaced:
    renaming over ``/dev/null``'s twin or a named pipe someone reads from
    would break their program, not ours.

    Raises
    ------
    UserError
        One line naming the target and what it is.
    """
    path = Path(path)
    info = _stat(path, path)
    if info is None:
        return
    if stat.S_ISDIR(info.st_mode) and not folder:
        raise UserError(f"cannot write {path}: it is a folder")
    if not stat.S_ISDIR(info.st_mode) and not stat.S_ISREG(info.st_mode):
        raise UserError(f"cannot write {path}: it is {kind_of(info.st_mode)}, which is never replaced")
    if folder and not stat.S_ISDIR(info.st_mode):
        raise UserError(f"cannot write {path}: it is a file, not a folder")


def _make_parent(path: Path) -> None:
    for ancestor in path.parents:
        info = _stat(ancestor, path)
        if info is not None:
            if not stat.S_ISDIR(info.st_mode):
                raise UserError(f"cannot write {path}: {ancestor} is a file, not a folder")
            break
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write {path}: cannot create folder {path.parent} ({_why(exc)})") from None
    if not path.parent.is_dir():
        raise UserError(f"cannot write {path}: {path.parent} is not a folder")


def reserve_file(path: str | os.PathLike, keep: Callable[[Path], None] | None = None) -> tuple[Path, str]:
    """Create an empty temporary file beside `path` and return it.

    Missing parent folders are created. The temporary name is
    ``<stem>.tmp-<8 hex digits><suffix>``; the random token is also returned
    so callers can name further scratch files after it.

    Parameters
    ----------
    path : path-like
        The target.
    keep : callable(Path), optional
        Registers the temporary file for clean-up; called before any signal
        can interrupt (see :func:`animate_em.signals.deferred`), so an
        interrupt never leaves a temporary file nobody knows of.

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
    check_target(path)
    for _ in range(100):
        token = secrets.token_hex(4)
        tmp = sibling(path, token)
        with deferred():
            try:
                fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
            except FileExistsError:
                continue
            except OSError as exc:
                raise UserError(f"cannot write {path}: {_why(exc)}") from None
            os.close(fd)
            if keep is not None:
                keep(tmp)
        return tmp, token
    raise UserError(f"cannot write {path}: no free temporary name beside it")  # pragma: no cover


def sibling(path: Path, token: str, extra: str = "", suffix: str | None = None) -> Path:
    """Scratch path beside `path`: ``<stem>.tmp-<token><extra><suffix>``."""
    suffix = path.suffix if suffix is None else suffix
    return path.with_name(f"{path.stem}.tmp-{token}{extra}{suffix}")


def reserve_dir(path: str | os.PathLike, may_replace: re.Pattern,
                keep: Callable[[Path], None] | None = None) -> Path:
    """Create an empty temporary folder beside the folder `path`.

    Parameters
    ----------
    path : path-like
        The final folder.
    may_replace : re.Pattern
        If `path` already exists, every name in it must match this pattern
        (files we would write ourselves); otherwise we refuse rather than
        delete someone else's files.
    keep : callable(Path), optional
        Registers the temporary folder for clean-up (see :func:`reserve_file`).

    Raises
    ------
    UserError
        If the folder cannot be written or holds other files.
    """
    path = Path(path)
    _make_parent(path)
    check_target(path, folder=True)
    if path.exists():
        foreign = [p.name for p in path.iterdir() if not may_replace.fullmatch(p.name)]
        if foreign:
            raise UserError(f"cannot write {path}: folder holds other files (e.g. {foreign[0]}); "
                            "choose an empty or new folder")
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.tmp-{secrets.token_hex(4)}")
        with deferred():
            try:
                tmp.mkdir()
            except FileExistsError:
                continue
            except OSError as exc:
                raise UserError(f"cannot write {path}: {_why(exc)}") from None
            if keep is not None:
                keep(tmp)
        return tmp
    raise UserError(f"cannot write {path}: no free temporary name beside it")  # pragma: no cover


def replace_dir(tmp: Path, path: Path) -> None:
    """Move the finished folder `tmp` to `path`, replacing an old one there.

    A folder cannot be renamed over a non-empty folder, so an old `path` is
    first renamed aside and deleted only after the new one is in place.
    Signals wait until both renames are done: an interrupt between them
    would lose the old folder.
    """
    with deferred():
        _replace_dir(tmp, path)


def _replace_dir(tmp: Path, path: Path) -> None:
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


def commit_all(pairs) -> list[Path]:
    """Move finished temporaries to their targets: every one of them, or (on failure) none.

    Parameters
    ----------
    pairs : iterable of (tmp, target)
        Files or folders written beside their targets.

    Returns
    -------
    list of Path
        The targets, in order.

    Notes
    -----
    Old targets are renamed aside first and deleted only once every new
    one is in place; if a rename fails, the new ones are removed and the
    old ones put back, so a failed render keeps every old file. Signals
    wait until the renames are done.

    Raises
    ------
    UserError
        If a target cannot be replaced (the temporaries are left for the
        caller's clean-up).
    """
    pairs = [(Path(tmp), Path(target)) for tmp, target in pairs]
    aside: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    with deferred():
        try:
            for tmp, target in pairs:
                check_target(target, folder=tmp.is_dir())
                if os.path.lexists(target):
                    old = target.with_name(f".{target.name}.old-{secrets.token_hex(4)}")
                    os.replace(target, old)
                    aside.append((target, old))
                os.replace(tmp, target)
                placed.append(target)
        except BaseException as exc:
            for target in reversed(placed):
                remove_quietly(target)
            for target, old in reversed(aside):
                try:
                    os.replace(old, target)
                except OSError:  # pragma: no cover - the folder vanished under us
                    pass
            if isinstance(exc, OSError):
                raise UserError(f"cannot write {target}: {_why(exc)}") from None
            raise
        for _, old in aside:
            remove_quietly(old)
    return [target for _, target in pairs]


def fill_text(tmp: Path, text: str) -> None:
    """Write UTF-8 text into the (reserved) temporary file `tmp`, flushed to disk."""
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())


def _check_image(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype != np.uint8 or not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] in (3, 4))):
        raise ValueError(f"image must be uint8 (H, W), (H, W, 3) or (H, W, 4), "
                         f"got {image.dtype} {image.shape}")
    return image


def fill_png(tmp: Path, image: np.ndarray) -> None:
    """Encode `image` as PNG into the (reserved) temporary file `tmp`."""
    import imageio.v3 as iio

    iio.imwrite(tmp, _check_image(image), extension=".png")
    if tmp.stat().st_size == 0:  # pragma: no cover - imageio raises first
        raise OSError(f"empty PNG written for {tmp}")


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
    made: list[Path] = []
    try:
        tmp, _ = reserve_file(path, keep=made.append)
        fill_text(tmp, text)
        os.replace(tmp, path)
    except OSError as exc:
        _remove_all(made)
        raise UserError(f"cannot write {path}: {_why(exc)}") from None
    except BaseException:
        _remove_all(made)
        raise
    return path


def _remove_all(paths) -> None:
    for path in paths:
        remove_quietly(path)


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
    image = _check_image(image)
    path = Path(path)
    made: list[Path] = []
    try:
        tmp, _ = reserve_file(path.with_suffix(".png") if path.suffix.lower() != ".png" else path, keep=made.append)
        fill_png(tmp, image)
        os.replace(tmp, path)
    except OSError as exc:
        _remove_all(made)
        raise UserError(f"cannot write {path}: {_why(exc)}") from None
    except BaseException:
        _remove_all(made)
        raise
    return path
