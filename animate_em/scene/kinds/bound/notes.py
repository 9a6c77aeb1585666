"""Speaker notes of a lower-bound scene: the decomposition ln p = L + KL in numbers, beat by beat."""
from __future__ import annotations

import numpy as np

from animate_em.scene.kinds.bound.slices import iteration_gains


def step_notes(prepared, step) -> str:
    """The speaker notes of one step of a lower-bound scene (see :mod:`animate_em.scene.timing.steps`)."""
    run = prepared.runs[0]
    X = np.asarray(prepared.X, dtype=float)[:, :2]
    i = step.iteration
    if step.beat == "start":
        return ("For any distribution q over the components, ln p(X | θ) = L(q, θ) + KL(q ‖ p(Z | X, θ)), "
                "and KL ≥ 0: L is a lower bound of the log-likelihood. Before the first E-step q is uniform, "
                f"so the bound lies far below ln p = {run.snapshots[0].log_likelihood:.2f}.")
    if step.beat in ("E", "M", "plain") and 1 <= i <= run.n_iter:
        sl = iteration_gains(X, run, i)
        if step.beat == "E":
            return (f"Iteration {i}, E-step: q becomes the posterior at θ{i - 1}, so KL = 0 and the bound "
                    f"touches ln p = {sl.ll_start:.2f}: it rose by {sl.e_gain:.2f} nats.")
        return (f"Iteration {i}, M-step: θ moves to the maximum of the bound, which rises by {sl.m_gain:.2f} "
                f"nats. The log-likelihood rises by {sl.ll_gain:.2f}: the bound's gain plus the new gap "
                f"KL = {sl.kl_after:.2f}, never less, because KL ≥ 0.")
    how = "converged" if run.converged else "stopped"
    return (f"Final state: EM {how} after {run.n_iter} iterations at log-likelihood "
            f"{run.final.log_likelihood:.2f}; every iteration raised it by at least what it raised the bound.")
