"""Model selection: fit every (k, covariance type) and compare BIC and AIC."""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from animate_em.errors import UserError

from . import checks
from .fit import fit
from .types import Run


@dataclass(frozen=True, eq=False)
class Selection:
    """The outcome of :func:`select_k`.

    Attributes
    ----------
    table : list of dict
        One row per fit, in the order fitted, with keys k, covariance_type,
        bic, aic, log_likelihood, n_parameters, converged, collapsed, n_iter.
    runs : dict
        ``(k, covariance_type) -> Run``.
    best_k, best_covariance_type : int, str
        The lowest BIC among runs that did not collapse (all runs if every
        one did).
    by_aic : tuple (k, covariance_type)
        The lowest AIC, by the same rule.
    """

    table: list
    runs: dict
    best_k: int
    best_covariance_type: str
    by_aic: tuple = field(default=())

    @property
    def best_run(self) -> Run:
        """The run with the lowest BIC."""
        return self.runs[(self.best_k, self.best_covariance_type)]


def _lowest(table: list, key: str) -> tuple:
    pool = [row for row in table if not row["collapsed"]] or table
    row = min(pool, key=lambda r: r[key])
    return row["k"], row["covariance_type"]


def count_distinct(X) -> int:
    """Number of distinct rows of X: the most components any fit to X can have.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)

    Returns
    -------
    int
    """
    X = np.asarray(X, dtype=float)
    return int(len(np.unique(X, axis=0))) if X.ndim == 2 and len(X) else 0


def _check_ks(X: np.ndarray, ks) -> list:
    """Every k as int, or a UserError naming the largest k the data allow, before any fit runs."""
    out = []
    for k in ks:
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise UserError(f"the number of components k must be an integer, got {k!r}")
        if k < 1:
            raise UserError(f"the number of components k must be at least 1, got {int(k)}")
        out.append(int(k))
    largest = max(out)
    if largest > 1:
        distinct = count_distinct(X)
        if largest > distinct:
            raise UserError(f"k={largest} components need at least {largest} distinct data points, the data "
                            f"have {distinct}: choose k <= {distinct}")
    return out


def select_k(X, ks, *, covariance_types=("full",), n_init: int = 1, init: str = "kmeans++",
             seed=None, **fit_kwargs) -> Selection:
    """Fit a mixture for every k in ``ks`` and covariance type; pick by BIC.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    ks : iterable of int
    covariance_types : iterable of str
    n_init, init, seed, **fit_kwargs
        Passed to :func:`animate_em.em.fit` (the same seed for every fit, so
        each row of the table is reproducible on its own).

    Returns
    -------
    Selection

    Raises
    ------
    UserError
        Bad data, no k, a k that is not a positive integer, or a k above
        the number of distinct points (checked before anything is fitted).
    """
    ks = list(ks)
    if not ks:
        raise UserError("select_k needs at least one k")
    if isinstance(covariance_types, str):
        covariance_types = (covariance_types,)
    covariance_types = list(covariance_types)
    if not covariance_types:
        raise UserError("select_k needs at least one covariance type")
    X = checks.check_data(X)
    # Fail before the first fit: a too-large k would otherwise surface only after all smaller ones ran.
    ks = _check_ks(X, ks)
    table, runs = [], {}
    for covariance_type in covariance_types:
        for k in ks:
            run = fit(X, k, covariance_type=covariance_type, n_init=n_init, init=init, seed=seed,
                      **fit_kwargs)
            runs[(int(k), covariance_type)] = run
            table.append(dict(
                k=int(k), covariance_type=covariance_type, bic=run.bic, aic=run.aic,
                log_likelihood=run.final.log_likelihood, n_parameters=run.n_parameters,
                converged=run.converged, collapsed=run.collapse is not None, n_iter=run.n_iter,
            ))
    best_k, best_type = _lowest(table, "bic")
    return Selection(table, runs, best_k, best_type, _lowest(table, "aic"))
