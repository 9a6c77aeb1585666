"""Speaker notes of a sweep's steps: the start, each K's fit and criterion value, the chosen K."""
from __future__ import annotations

from animate_em.scene.kinds.sweep.fitting import CRITERION_NAMES, chosen_index, criterion_values, true_k


def step_notes(prepared, step) -> str:
    """The speaker notes of one step of a sweep over K.

    Parameters
    ----------
    prepared : Prepared
        A sweep scene: one converged run per K of ``[sweep] k``.
    step : Step
        One of ``prepared.timeline.steps()``.

    Returns
    -------
    str
    """
    sweep = prepared.scene.sweep
    name = CRITERION_NAMES[sweep.criterion]
    values = criterion_values(prepared.runs, sweep.criterion)
    ks = list(sweep.k)
    if step.beat == "start":
        return (f"One converged fit for every K from {ks[0]} to {ks[-1]}; each step shows one K's fit and adds "
                f"its {name} to the curve (lower is better).")
    if step.beat == "K":
        index = ks.index(step.iteration)
        run = prepared.runs[index]
        aic = f", AIC {run.aic:.2f}" if sweep.criterion == "bic" else ""
        return (f"K = {step.iteration}: the converged fit after {run.n_iter} iterations, log-likelihood "
                f"{run.final.log_likelihood:.2f}, {name} {values[index]:.2f}{aic}.")
    chosen = chosen_index(values)
    truth = true_k(prepared.true_params)
    told = "" if truth is None else f" The data were drawn from a mixture of {truth} components."
    return f"{name} is lowest at K = {ks[chosen]} ({values[chosen]:.2f}).{told}"
