"""Speaker notes of an EM scene's steps: what the beat shows and the numbers a lecturer quotes.

The same text goes into the notes of a step deck and the notes panel of a
browser presentation, so a lecturer reads one script wherever they present.
"""
from __future__ import annotations

import numpy as np


def _ll(value: float) -> str:
    return f"{value:.2f}" if np.isfinite(value) else "unbounded"


def _runs_line(prepared, describe) -> str:
    """``describe(run_index)`` for one run; ``label: ...`` per run for several."""
    if len(prepared.runs) == 1:
        return describe(0)
    return "; ".join(f"{label}: {describe(r)}" for r, label in enumerate(prepared.labels))


def step_notes(prepared, step) -> str:
    """The speaker notes of one step of an EM scene.

    Parameters
    ----------
    prepared : Prepared
        An EM scene with its runs and traces.
    step : Step
        One of ``prepared.timeline.steps()``.

    Returns
    -------
    str
        Two or three sentences: what the beat shows, then the log-likelihood
        (per run when there are several).
    """
    runs, traces = prepared.runs, prepared.traces
    i = step.iteration

    def change(r: int) -> str:
        run, trace = runs[r], traces[r]
        if i > run.n_iter:
            return f"finished after {run.n_iter} iterations at {_ll(trace[-1])}"
        gain = trace[i] - trace[i - 1]
        return f"{_ll(trace[i - 1])} -> {_ll(trace[i])} ({gain:+.2f})"

    if step.beat == "start":
        # Runs recorded by someone else's EM have no init of ours.
        inits = sorted({str(run.settings["init"]) for run in runs if run.settings.get("init")})
        start = f"{', '.join(inits)} start, " if inits else ""
        return (f"Initial state ({start}K = {runs[0].snapshots[0].n_components}): nothing "
                "is assigned yet, so the points are grey; the ellipses are the first guess. "
                f"Log-likelihood {_runs_line(prepared, lambda r: _ll(traces[r][0]))}.")
    if step.beat == "E":
        before = "the initial guess" if i == 1 else f"the parameters after iteration {i - 1}"
        return (f"Iteration {i}, E-step: every point takes the colour of its responsibilities, the "
                f"probability of each component given the point, under {before}. The ellipses do not move.")
    if step.beat == "M":
        return (f"Iteration {i}, M-step: weights, means and covariances are re-estimated as averages "
                "weighted by the responsibilities, so the ellipses move. "
                f"Log-likelihood {_runs_line(prepared, change)}.")
    if step.beat == "plain":
        return (f"Iteration {i}: an E-step (responsibilities) and an M-step (new parameters). "
                f"Log-likelihood {_runs_line(prepared, change)}.")

    def final(r: int) -> str:
        run = runs[r]
        if run.collapse is not None:
            how = f"stopped at iteration {run.collapse.iteration}: a component collapsed"
        elif run.converged:
            how = f"converged after {run.n_iter} iterations"
        else:
            how = f"stopped at max_iter after {run.n_iter} iterations"
        return f"{how}, log-likelihood {_ll(traces[r][-1])}, BIC {run.bic:.2f}"

    return (f"Final state: the points take their final responsibilities. {_runs_line(prepared, final)}.")
