"""The poster of a sweep: the converged fit for every K side by side, the chosen K framed."""
from __future__ import annotations

import math
import types

import numpy as np

from animate_em.scene.draw.panels import mass_percent, sigma_text, signed
from animate_em.scene.draw.poster import small_multiples
from animate_em.scene.kinds.sweep.fitting import CRITERION_NAMES, chosen_index, criterion_values, true_k
from animate_em.scene.kinds.sweep.frames import DECIMALS, fit_text, sweep_settings
from animate_em.scene.runs.data import shown_positions, stacked_axes


def sweep_poster(prepared, every: int = 5, columns: int | None = None, run: int = 0) -> np.ndarray:
    """Small multiples of a sweep: the final fit of every K, titled with its criterion value.

    Parameters
    ----------
    prepared : Prepared
        A prepared ``kind = "sweep"`` scene.
    every, run : int
        Not used: a sweep's story is the fit for every K, not one run's iterations.
    columns : int or None
        Panels per row; None: at most four (7 K values give rows of 4 and 3).

    Returns
    -------
    ndarray of shape (H, W, 4), uint8
        ``W`` is the scene's frame width; ``H`` what the rows need, even.
    """
    p = prepared
    runs = p.runs
    X = np.asarray(p.X, dtype=float)[:, :2]
    n = len(runs)
    if columns is not None and columns < 1:
        raise ValueError(f"columns must be >= 1, got {columns}")
    cols = min(n, columns or min(4, max(1, math.ceil(math.sqrt(n * 1.6)))))
    sigma = float(getattr(getattr(p.scene, "style", None), "sigma", 2.0))
    criterion, _ = sweep_settings(p)
    name = CRITERION_NAMES[criterion]
    values = criterion_values(runs, criterion)
    chosen = int(getattr(p.timeline, "chosen", chosen_index(values)))
    truth = true_k(getattr(p, "true_params", None))
    what = fit_text(runs[0])
    sub = (f"the converged fit for each K · lowest {name} at K = {runs[chosen].final.n_components} (framed)"
           + (f" · true K = {truth}" if truth is not None else "")
           + (f" · each K: {what}" if what else "")
           + f" · ellipses: {sigma_text(sigma)} ({mass_percent(sigma)} of mass)")
    headings = [f"K = {run.final.n_components} · {name} {signed(values[i], DECIMALS)}" for i, run in enumerate(runs)]
    return small_multiples(p, [run.final for run in runs], headings,
                           fits=[types.SimpleNamespace(snapshots=(r.final,)) for r in runs],
                           k=max(r.final.n_components for r in runs), subtitle=sub, columns=cols, framed=chosen,
                           positions=shown_positions(X, stacked_axes(X)))
