"""The poster of a lower-bound scene: the slices of the first iterations side by side."""
from __future__ import annotations

import numpy as np

from animate_em.scene.kinds.bound.figure import slices_picture
from animate_em.scene.kinds.bound.slices import run_slices

#: Iterations on the poster: the early ones, where the gaps can be seen.
POSTER_ITERATIONS = 6


def bound_poster(prepared, every: int = 5, columns: int | None = None, run: int = 0) -> np.ndarray:
    """The slices of the first (up to six) EM iterations; ``every`` and ``run`` are not used.

    Returns
    -------
    ndarray of shape (H, W, 4), uint8
    """
    fit = prepared.runs[0]
    slices = run_slices(np.asarray(prepared.X, dtype=float)[:, :2], fit, POSTER_ITERATIONS)
    sub = ("each panel: one EM step from θ(i-1) to θ(i); the E-step makes L touch ln p at the left end, "
           "the M-step climbs L to its peak, ln p rises by that plus the gap KL")
    return slices_picture(prepared, slices, columns=columns or 3, subtitle=sub)
