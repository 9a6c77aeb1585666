"""Reading files we did not write: data, scene files, manifests.

A name given to animate-em may be anything a file system can hold: a FIFO
(reading it waits forever for a writer), a character device such as
``/dev/zero`` or ``/dev/urandom`` (reading it never ends), a folder, a socket,
or a regular file far larger than the memory its parsing needs. Each is
refused with one line *before* it is opened or read: the kind of file comes
from :func:`os.stat`, and only a regular file is opened, without blocking
and checked again on the open descriptor (the name may have been swapped in
between). The size is checked against a limit before a byte is read.

Standard library only, so every layer may use it.
"""
from __future__ import annotations

import json
import os
import stat

from animate_em.errors import UserError

__all__ = ["MAX_SCENE_BYTES", "MAX_MANIFEST_BYTES", "available_memory", "check_regular", "kind_of",
           "load_json", "read_bounded", "size_text"]

#: A scene file is a page of TOML; anything larger is not one.
MAX_SCENE_BYTES = 1_000_000
#: A manifest grows with its chapter marks (one per iteration, up to 10,000 iterations).
MAX_MANIFEST_BYTES = 4_000_000

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def kind_of(mode: int) -> str:
    """'a folder', 'a FIFO (named pipe)', 'a character device', ... or 'a regular file'."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def size_text(n_bytes: float) -> str:
    """``"1.5 MB"``: bytes in decimal units, as file managers show them."""
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if n_bytes < 1000 or unit == "TB":
            return f"{n_bytes:.0f} {unit}" if unit == "bytes" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1000
    raise AssertionError  # pragma: no cover


def check_regular(path: str | os.PathLike, what: str) -> os.stat_result:
    """The :func:`os.stat` of `path`, which must be an existing regular file (symlinks followed).

    Parameters
    ----------
    path : path-like
    what : str
        What the file should be, e.g. ``"data file"``; names it in messages.

    Raises
    ------
    UserError
        ``<what> not found: <path>``, or ``<path> is a FIFO (named pipe), not a <what>``.
    """
    where = os.fspath(path)
    try:
        info = os.stat(where)
    except FileNotFoundError:
        raise UserError(f"{what} not found: {where}") from None
    except OSError as error:
        raise UserError(f"cannot read {what} {where}: {(error.strerror or str(error)).lower()}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UserError(f"{where} is {kind_of(info.st_mode)}, not a {what}")
    return info


def read_bounded(path: str | os.PathLike, what: str, limit: int | None, why: str = "") -> bytes:
    """The bytes of a regular file of at most `limit` bytes.

    Parameters
    ----------
    path : path-like
    what : str
        What the file should be (``"scene file"``), for messages.
    limit : int or None
        Most bytes accepted; None for no limit.
    why : str
        The end of the message refusing a larger file, e.g. "more than the
        memory available".

    Raises
    ------
    UserError
        Missing, not a regular file, larger than `limit`, or unreadable.
    """
    where = os.fspath(path)
    info = check_regular(where, what)
    _check_size(info.st_size, where, what, limit, why)
    try:
        # O_NONBLOCK: if the name became a FIFO since the stat, opening it does not wait for a writer.
        fd = os.open(where, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise UserError(f"cannot read {what} {where}: {(error.strerror or str(error)).lower()}") from None
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if not stat.S_ISREG(opened.st_mode):
            raise UserError(f"{where} is {kind_of(opened.st_mode)}, not a {what}")
        try:
            raw = handle.read() if limit is None else handle.read(limit + 1)
        except OSError as error:
            raise UserError(f"cannot read {what} {where}: {(error.strerror or str(error)).lower()}") from None
    _check_size(len(raw), where, what, limit, why)   # the file grew after the stat
    return raw


def _check_size(size: int, where: str, what: str, limit: int | None, why: str) -> None:
    if limit is not None and size > limit:
        because = why or f"a {what} is at most {size_text(limit)}"
        raise UserError(f"{where} is {size_text(size)}; {because}")


def available_memory() -> int | None:
    """Bytes of memory the system can give without swapping (Linux ``MemAvailable``), or None if unknown."""
    try:
        with open("/proc/meminfo", "rb") as handle:
            for line in handle:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def load_json(raw: bytes, where: str, what: str):
    """Parse JSON text; malformed, non-UTF-8 or too deeply nested text is one UserError line."""
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError as error:   # JSONDecodeError, UnicodeDecodeError, an integer of 5000 digits
        raise UserError(f"{where}: not a valid {what} (invalid JSON: {str(error).splitlines()[0]})") from None
    except RecursionError:
        raise UserError(f"{where}: not a valid {what} (JSON nested too deeply)") from None
