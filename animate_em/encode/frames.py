"""What a frame is: an (H, W, 3) or (H, W, 4) uint8 array, all of one size."""

from __future__ import annotations

import numpy as np

from animate_em.errors import UserError

__all__ = ["FrameError", "FrameShape", "check_size"]


class FrameError(ValueError):
    """A frame is not an (H, W, 3|4) uint8 array, or not the size of the others.

    Deliberately *not* a :class:`~animate_em.errors.UserError`: frames come
    from the program (the scene layer), so a bad frame is a bug to see with
    its traceback, not a one-line message for the person at the terminal.
    """


def check_size(size, *, even: bool, what: str) -> tuple[int, int]:
    """Validate a (width, height) pair.

    Parameters
    ----------
    size : (int, int)
        Width and height in pixels.
    even : bool
        Require both to be even (H.264 and VP9 in yuv420p halve the chroma
        planes; odd sizes are refused rather than silently padded or scaled).
    what : str
        Names the target in the message.

    Raises
    ------
    UserError
        If a side is not a positive integer, or is odd when `even`.
    """
    try:
        width, height = (int(s) for s in size)
    except (TypeError, ValueError):
        raise UserError(f"frame size must be (width, height), got {size!r}") from None
    if width <= 0 or height <= 0 or (width, height) != tuple(size):
        raise UserError(f"frame size must be two positive integers, got {size!r}")
    if even and (width % 2 or height % 2):
        raise UserError(f"{what} needs an even width and height, got {width}x{height}; "
                        "choose an even frame size")
    return width, height


class FrameShape:
    """Checks every frame against the first (or a size given up front).

    Parameters
    ----------
    size : (int, int) or None
        Expected (width, height); taken from the first frame if None.
    """

    def __init__(self, size: tuple[int, int] | None = None):
        self.size = size
        self.channels: int | None = None

    def check(self, frame) -> np.ndarray:
        """Return `frame` as a C-contiguous uint8 array of the agreed shape.

        The first frame fixes the channel count (3 or 4); a later frame with
        the other count is converted rather than refused. Contiguous inputs
        (e.g. ``np.asarray(canvas.buffer_rgba())``) are returned without copy.

        Raises
        ------
        FrameError
            Wrong dtype or number of dimensions, or a size different from the
            first frame's.
        """
        a = np.asarray(frame)
        if a.dtype != np.uint8:
            raise FrameError(f"frames must be uint8 arrays, got dtype {a.dtype}")
        if a.ndim != 3 or a.shape[2] not in (3, 4):
            raise FrameError(f"frames must have shape (H, W, 3) or (H, W, 4), got {a.shape}")
        h, w, c = a.shape
        if self.size is None:
            self.size = (w, h)
        elif (w, h) != tuple(self.size):
            want_w, want_h = self.size
            raise FrameError(f"all frames must have the same size: expected {want_w}x{want_h} "
                             f"(width x height), got {w}x{h}")
        if self.channels is None:
            self.channels = c
        elif c != self.channels:
            if c == 4:
                a = a[..., :3]
            else:
                a = np.concatenate([a, np.full((h, w, 1), 255, np.uint8)], axis=2)
        if not a.flags.c_contiguous:
            a = np.ascontiguousarray(a)
        return a
