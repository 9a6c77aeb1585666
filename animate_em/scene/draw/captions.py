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


#: Runs whose final log-likelihoods differ by less than this many stopping tolerances (per point)
#: reached the same optimum: EM stops once a step gains less than tol, and a slowly converging run
#: still has several such steps to climb.
SAME_OPTIMUM_TOLS = 10.0


def same_optimum_tolerance(tols, n_points: int, per_point: bool = False) -> float:
    """How far apart two final log-likelihoods may be and still be one optimum.

    ``SAME_OPTIMUM_TOLS`` times the loosest stopping tolerance of the runs,
    never below :data:`RESOLUTION_PER_POINT`; in nats per point when
    ``per_point``, else in total nats (times ``n_points``).
    """
    tol = max([float(t) for t in tols if t is not None] or [0.0])
    per = max(SAME_OPTIMUM_TOLS * tol, RESOLUTION_PER_POINT)
    return per if per_point else per * n_points


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


#: How each initialisation is said in captions (the scene file's names are code).
INIT_WORDS = {"random_from_data": "random data points", "random": "random responsibilities",
              "kmeans++": "k-means++ seeding", "kmeans": "k-means"}

_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def init_words(init: str | None) -> str:
    """"random data points" for ``random_from_data``: an initialisation in words."""
    return INIT_WORDS.get(init, init or "")


def component_name(j: int) -> str:
    """"π₁" for component 0: components are numbered from 1 on screen, in the report and in notices."""
    return f"π{str(j + 1).translate(_SUBSCRIPT)}"


def start_text(runs) -> str:
    """Caption of the start hold: "initial guess: random data points" for one run."""
    init = runs[0].settings.get("init") if len(runs) == 1 else None
    return f"initial guess: {init_words(init)}" if init else "initial guess"


def ghost_note(every: int, last: int, limit: int) -> str:
    """The footer's words for the ghost ellipses of iterations 0, ``every``, ... before ``last``.

    "faint ellipses: iterations 0, 5, 10, 15" when all of them stay; with more
    than ``limit`` only the latest stay, fading with age: "... 0, 5, 10, … (last 5)".
    Empty when no ghost is ever shown.
    """
    shown = list(range(0, max(last, 0), every)) if every > 0 else []
    if not shown:
        return ""
    if len(shown) == 1:
        return "faint ellipse: iteration 0"
    if len(shown) <= limit:
        listed = ", ".join(str(t) for t in shown) if len(shown) <= 4 else f"{shown[0]}, {shown[1]}, …, {shown[-1]}"
        return f"faint ellipses: iterations {listed}"
    return f"faint ellipses: iterations {shown[0]}, {shown[1]}, {shown[2]}, … (last {limit})"


def end_text(labels, runs, traces, decimals: int, tolerance: float = 0.0) -> str:
    """Caption of the end hold: the outcome of one run, or which of several ended highest.

    ``traces`` are the plotted log-likelihoods of every run (total or per point);
    runs whose finals lie within ``tolerance`` of the best reached the same optimum
    ("6 of 9 reach −1387.15; 3 stop lower").
    """
    if len(runs) > 1:
        # A collapsed run's likelihood is unbounded, not better: it never counts as the highest.
        finals = np.array([t[-1] if run.collapse is None else -np.inf for t, run in zip(traces, runs)])
        best = int(np.argmax(finals))
        if not np.isfinite(finals[best]):
            return "finished · every run collapsed"
        best_text = signed(traces[best][-1], decimals)
        collapsed = [label for label, run in zip(labels, runs) if run.collapse is not None]
        if collapsed:
            # "highest" would be false here: the collapsed run's likelihood is higher, and meaningless.
            return (f"finished · {', '.join(collapsed)}: collapsed, likelihood unbounded · "
                    f"{labels[best]}: {best_text}")
        if _reaching(finals, tolerance, decimals) > 1:
            return f"finished · {optimum_text(finals, tolerance, decimals)}"
        return f"finished · highest log-likelihood: {labels[best]} ({best_text})"
    return f"{run_outcome(runs[0])} · log-likelihood {signed(traces[0][-1], decimals)}"


def _reaching(finals, tolerance: float, decimals: int) -> int:
    finals = np.asarray(finals, dtype=float)
    best = np.max(np.where(np.isfinite(finals), finals, -np.inf))
    return int(np.sum(finals >= best - max(tolerance, 0.5 * 10.0 ** -decimals)))


def optimum_text(finals, tolerance: float, decimals: int) -> str:
    """"6 of 9 reach −1387.15; 3 stop lower": how many runs reach the best optimum.

    Runs within ``tolerance`` of the highest final value (or equal to the
    digits shown) reach it; non-finite values (collapses) never do.
    """
    finals = np.asarray(finals, dtype=float)
    n = len(finals)
    best = float(np.max(np.where(np.isfinite(finals), finals, -np.inf)))
    if not np.isfinite(best):
        return "every run collapsed"
    same = _reaching(finals, tolerance, decimals)
    value = signed(best, decimals)
    if same == n:
        # Naming one "highest" when all reach one optimum would invent a winner.
        return f"every run reaches {value}"
    if same == 1:
        return f"highest {value}; {n - 1} stop lower"
    return f"{same} of {n} reach {value}; {n - same} stop lower"


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
    return [f"stopped at the limit ({n} iterations)", f"limit ({n} it.)", f"{n} it."]


def run_outcome(run) -> str:
    """"converged after 12 iterations" (or why the run stopped)."""
    n = len(run.snapshots) - 1
    if run.collapse is not None:
        return f"stopped after {n} iterations: component {run.collapse.component + 1} collapsed"
    if run.converged:
        return f"converged after {n} iteration{'s' if n != 1 else ''}"
    if run.extras.get("recorded"):
        return f"{n} recorded iteration{'s' if n != 1 else ''}"
    return f"stopped at the iteration limit, {n} iterations"


def ordinal(n: int) -> str:
    """"5th" ("" for 1: "every iteration")."""
    if n == 1:
        return ""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
