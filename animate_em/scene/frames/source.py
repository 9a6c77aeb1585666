"""The frames and pictures of any prepared scene, from the frame source and poster its kind brings.

>>> source = frame_source(prepared)       # doctest: +SKIP
>>> len(source), source.frame(0).shape    # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np

from animate_em.scene.kinds import get_kind


def frame_source(prepared, *, copy: bool = True):
    """The frames of a prepared scene: iterable, ``len()`` known before drawing, ``frame(i)``.

    Parameters
    ----------
    prepared : Prepared
    copy : bool
        True (default): every frame is a fresh array; False: iteration yields a
        view of the canvas that the next frame overwrites (see
        :class:`~animate_em.scene.frames.blit.BlittedFigure`).

    Returns
    -------
    BlittedFigure
        The frame source of the scene's kind.
    """
    return get_kind(prepared.kind).frames(prepared, copy=copy)


def poster_image(prepared, **options) -> np.ndarray:
    """The poster of a prepared scene, shape (H, W, 4) uint8 (its kind decides what it shows).

    An EM scene takes ``every`` (iterations between panels, default 5),
    ``columns`` and ``run``; a sweep takes ``columns``.
    """
    return get_kind(prepared.kind).poster(prepared, **options)


def still_image(prepared) -> np.ndarray:
    """The last frame of the animation (the converged fit with its weights), shape (H, W, 4) uint8."""
    source = frame_source(prepared)
    return source.frame(len(source) - 1)
