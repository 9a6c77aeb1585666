"""A recorded history as a :class:`~animate_em.em.Run`, ready to animate, plot and compare.

The run's log-likelihoods are ours, computed at the recorded parameters, so
its trace is honest whatever the implementation computed; the
implementation's own values stay beside them in ``run.extras``.
"""
from __future__ import annotations

import numpy as np

from animate_em.em import Run, Snapshot
from animate_em.em.checks import check_data
from animate_em.errors import UserError

from .history import read_history
from .reference import ReferenceEM, snapshot_problem


def from_history(X, history, covariance_type: str | None = None, *, name: str | None = None) -> Run:
    """Turn a recorded EM trajectory of any implementation into a :class:`Run`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data the implementation was run on.
    history : sequence, mapping or path-like
        ``(weights, means, covariances)`` per iteration (iteration 0 first); or
        a mapping of stacked arrays ``weights`` (T, K), ``means`` (T, K, d),
        ``covariances`` in scikit-learn's shape of the type for every step and
        optionally ``log_likelihood`` (T,); or a ``.npz`` file of them.
    covariance_type : {"full", "tied", "diag", "spherical"}, optional
        Shape of the recorded covariances; default: the history's own
        ``covariance_type`` entry, else ``"full"``.
    name : str, optional
        Whose run it is; default the file stem (``"your run"`` for arrays).

    Returns
    -------
    Run
        ``snapshots[t]`` holds the recorded parameters of iteration t and
        *our* log-likelihood at them. ``run.extras`` holds ``history`` (the
        name), ``own_log_likelihood`` (T,) or None, and ``recorded = True``.

    Raises
    ------
    UserError
        An unreadable history, or parameters no mixture can have (NaN, a
        covariance that is not positive definite): ``animate_em.check`` says why.
    """
    X = check_data(X)
    h = read_history(history, covariance_type, name=name)
    if h.n_features != X.shape[1]:
        raise UserError(f"the history has d = {h.n_features} features per mean, the data {X.shape[1]} columns")
    reference = ReferenceEM(X, h.covariance_type)
    snapshots = []
    for t in range(h.n_snapshots):
        problem = snapshot_problem(*h.snapshot(t))
        if problem is not None:
            raise UserError(f"{h.name}: iteration {t} is not a valid mixture ({problem}); "
                            "animate_em.check (animate-em check) tells what went wrong")
        ll = reference.log_likelihood(*h.snapshot(t))
        if not np.isfinite(ll):
            raise UserError(f"{h.name}: iteration {t} gives a non-finite log-likelihood")
        snapshots.append(Snapshot(t, *h.snapshot(t), ll))
    settings = dict(k=h.n_components, covariance_type=h.covariance_type, init=None, n_init=1, seed=None,
                    tol=None, max_iter=h.n_snapshots - 1, reg_covar=h.reg_covar)
    extras = {"history": h.name, "recorded": True,
              "own_log_likelihood": None if h.log_likelihood is None else h.log_likelihood.copy()}
    return Run(tuple(snapshots), settings, False, len(X), None, extras)
