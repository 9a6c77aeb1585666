"""Model selection: fit every (k, covariance type) and compare BIC and AIC."""
from __future__ import annotations

from dataclasses import dataclass, field

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
