"""The poster of an EM scene: small multiples of one run, the fit every few iterations."""
from __future__ import annotations

import numpy as np

from animate_em.scene.draw.panels import mass_percent, sigma_text, signed
from animate_em.scene.draw.poster import poster_columns, poster_iterations, small_multiples


def poster_image(prepared, every: int = 5, columns: int | None = None, run: int = 0) -> np.ndarray:
    """Small multiples of one run: the fit at iterations 0, ``every``, 2 ``every``, ... and the last.

    Parameters
    ----------
    prepared : Prepared
    every : int
        Iterations between panels.
    columns : int or None
        Panels per row; None picks a layout of roughly 16:9.
    run : int
        Which run of the scene to show.

    Returns
    -------
    ndarray of shape (H, W, 4), uint8
        ``W`` is the scene's frame width; ``H`` is what the rows need, even.
    """
    p = prepared
    fit = p.runs[run]
    snaps = fit.snapshots
    shown = poster_iterations(len(snaps) - 1, every)
    sigma = float(getattr(getattr(p.scene, "style", None), "sigma", 2.0))
    n = len(snaps) - 1
    outcome = ("converged" if fit.converged else "stopped") + f" after {n} iteration{'s' if n != 1 else ''}"
    if fit.extras.get("recorded"):
        outcome = f"{n} recorded iteration{'s' if n != 1 else ''}"     # why it stopped is not ours to say
    label = f"{p.labels[run]} · " if len(p.runs) > 1 else ""
    sub = (f"{label}the fit every {every} iteration{'s' if every != 1 else ''} · {outcome} · "
           f"ellipses: {sigma_text(sigma)} ({mass_percent(sigma)} of mass)")
    headings = [f"iteration {it} · LL = {signed(snaps[it].log_likelihood, 2)}" for it in shown]
    return small_multiples(p, [snaps[it] for it in shown], headings, fits=[fit], k=snaps[0].n_components,
                           subtitle=sub, columns=poster_columns(len(shown), columns))

