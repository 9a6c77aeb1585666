"""The words of an EM animation: phase names, the captions of the holds, the badges of finished runs."""
from __future__ import annotations

import math

import numpy as np

from animate_em.scene.draw.panels import signed

PHASE_TEXT = {"E": "E-step: reassign points", "M": "M-step: update parameters",
              "plain": "E-step + M-step", "end": "", "start": "initial guess"}


#: Final log-likelihoods closer than this many nats per data point are shown as equal: below
#: it lie the differences between runs that stopped at slightly different moments near the
#: same optimum (tol is on the per-point change), not different fits.
RESOLUTION_PER_POINT = 1e-5


def shown_decimals(values, minimum: int, resolution: float = RESOLUTION_PER_POINT) -> int:
    """Decimals for numbers compared on screen: enough that values that differ look different.

    Parameters
    ----------
    values : array-like of shape (n,)
        The values shown side by side (final log-likelihoods of the runs, as
        plotted); non-finite ones are ignored.
    minimum : int
        Decimals used when fewer already tell the values apart.
    resolution : float
        Differences finer than this are not worth a digit: at most
        ``ceil(-log10(resolution))`` decimals (5 for 1e-5), never fewer than
        ``minimum``.

    Returns
    -------
    int
        The fewest decimals ``>= minimum`` that show as many distinct values as
        the most decimals allowed would.
    """
    finite = [float(v) for v in np.asarray(values, dtype=float).ravel() if np.isfinite(v)]
    most = max(minimum, math.ceil(-math.log10(resolution) - 1e-9))
    if len(finite) < 2:
        return minimum

    def distinct(d: int) -> int:
        return len({f"{v:.{d}f}" for v in finite})

    target = distinct(most)
    return next(d for d in range(minimum, most + 1) if distinct(d) == target)


def start_text(runs) -> str:
    """Caption of the start hold: "initial guess (kmeans++)" for one run."""
    init = runs[0].settings.get("init") if len(runs) == 1 else None
    return f"initial guess ({init})" if init else "initial guess"


def end_text(labels, runs, traces, decimals: int) -> str:
    """Caption of the end hold: the outcome of one run, or which of several ended highest.

    ``traces`` are the plotted log-likelihoods of every run (total or per point).
    """
    if len(runs) > 1:
        # A collapsed run's likelihood is unbounded, not better: it never counts as the highest.
        finals = [t[-1] if run.collapse is None else -np.inf for t, run in zip(traces, runs)]
        best = int(np.argmax(finals))
        if not np.isfinite(finals[best]):
            return "finished · every run collapsed"
        best_text = signed(traces[best][-1], decimals)
        collapsed = [label for label, run in zip(labels, runs) if run.collapse is not None]
        if collapsed:
            # "highest" would be false here: the collapsed run's likelihood is higher, and meaningless.
            return (f"finished · {', '.join(collapsed)}: collapsed, likelihood unbounded · "
                    f"{labels[best]}: {best_text}")
        if np.ptp(finals) < 0.5 * 10.0 ** -decimals:
            # Naming one "highest" when all agree to the digits shown would invent a winner.
            return f"finished · every run reaches {best_text}"
        return f"finished · highest log-likelihood: {labels[best]} ({best_text})"
    return f"{run_outcome(runs[0])} · log-likelihood {signed(traces[0][-1], decimals)}"


def badge_texts(run) -> list[str]:
    """Badge of a finished run, longest first (the first that fits is used)."""
    n = len(run.snapshots) - 1
    if run.collapse is not None:
        return [f"stopped: collapse ({n} iterations)", f"collapse ({n} it.)", "collapse"]
    if run.converged:
        return [f"converged ✓ ({n} iteration{'s' if n != 1 else ''})", f"converged ✓ ({n} it.)",
                f"✓ {n} it.", "✓"]
    if run.extras.get("recorded"):
        # Someone else's EM: when it stopped, and why, is not ours to say.
        return [f"recorded ({n} iteration{'s' if n != 1 else ''})", f"recorded ({n} it.)", f"{n} it."]
    return [f"stopped at max_iter ({n})", f"max_iter ({n})", f"{n} it."]


def run_outcome(run) -> str:
    """"converged after 12 iterations" (or why the run stopped)."""
    n = len(run.snapshots) - 1
    if run.collapse is not None:
        return f"stopped after {n} iterations: component {run.collapse.component + 1} collapsed"
    if run.converged:
        return f"converged after {n} iteration{'s' if n != 1 else ''}"
    if run.extras.get("recorded"):
        return f"{n} recorded iteration{'s' if n != 1 else ''}"
    return f"stopped after {n} iterations (max_iter)"


def ordinal(n: int) -> str:
    """"5th" ("" for 1: "every iteration")."""
    if n == 1:
        return ""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
