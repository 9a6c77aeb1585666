"""The EM core: fit a Gaussian mixture and record every iteration (NumPy only).

>>> run = fit(X, 3, seed=0)          # doctest: +SKIP
>>> run.snapshots[0], run.final, run.log_likelihoods, run.bic
"""
from .fit import fit, restarts
from .score import (
    log_likelihood,
    log_responsibilities,
    mean_log_likelihood,
    n_parameters,
    responsibilities,
    sample,
    score_samples,
)
from .selection import Selection, select_k
from .types import Collapse, Run, Snapshot

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")
INIT_METHODS = ("random", "random_from_data", "kmeans++", "kmeans")

__all__ = [
    "COVARIANCE_TYPES",
    "INIT_METHODS",
    "Collapse",
    "Run",
    "Selection",
    "Snapshot",
    "fit",
    "log_likelihood",
    "log_responsibilities",
    "mean_log_likelihood",
    "n_parameters",
    "responsibilities",
    "restarts",
    "sample",
    "score_samples",
    "select_k",
]
