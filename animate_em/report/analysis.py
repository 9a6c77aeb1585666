"""The numbers of a report, computed from the data and EM runs (no drawing, no files).

:func:`analyse` takes the data, the run the report is about and the study
settings, runs the restart and model-selection studies, and returns one
:class:`ReportData`. The small functions it is made of (:func:`monotonicity`,
:func:`settled_iteration`, :func:`mean_travel`, :func:`restart_study`) are
public so tests can hold each of them to hand-made inputs.
"""
from __future__ import annotations

import hashlib
import platform
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from animate_em.em import COVARIANCE_TYPES, Run, restarts, select_k

#: Inits compared in the local-optimum study.
RESTART_INITS = ("random", "kmeans++")

#: A restart "reaches the best" when its final log-likelihood is within this
#: many nats *per data point* of the best one found (0.5 nats in total for 500
#: points): the same scale as EM's default stopping rule.
REACH_TOL_PER_POINT = 1e-3

#: A random-responsibility start that stops after this many iterations or
#: fewer has stopped at the saddle near the data centre.
SADDLE_ITERATIONS = 2


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Monotonicity:
    """Whether a log-likelihood trace ever went down, and by how much.

    Attributes
    ----------
    n_steps : int
        Number of changes (``len(trace) - 1``).
    n_decreases : int
        Changes below zero (any size, even rounding noise).
    largest_decrease : float
        The most negative change, as a positive number of nats; 0 if none.
    largest_decrease_at : int or None
        Iteration ``t`` whose value is below the one at ``t - 1`` by
        ``largest_decrease``.
    smallest_change : float or None
        The smallest change between consecutive iterations (may be
        negative); None for a trace of one value.
    smallest_change_at : int or None
    """

    n_steps: int
    n_decreases: int
    largest_decrease: float
    largest_decrease_at: int | None
    smallest_change: float | None
    smallest_change_at: int | None

    @property
    def never_decreased(self) -> bool:
        return self.n_decreases == 0


@dataclass(frozen=True)
class ComponentTravel:
    """How far one component's mean moved during the run.

    A distance across two axes of different quantities (eruption minutes and
    waiting minutes) is no distance, so lengths are measured in standard
    deviations of the data along each axis; ``shift`` keeps each axis in its
    own units.

    Attributes
    ----------
    component : int
        0-based (reports number components from 1).
    path_length : float
        Sum of the standardised distances between the means of consecutive snapshots.
    displacement : float
        Standardised straight-line distance from the initial to the final mean.
    start, end : ndarray of shape (d,)
        Initial and final mean, in data units.
    shift : ndarray of shape (d,)
        ``end - start`` per axis, in data units.
    final_weight : float
    """

    component: int
    path_length: float
    displacement: float
    start: np.ndarray
    end: np.ndarray
    final_weight: float
    shift: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass(frozen=True)
class RestartStudy:
    """Final log-likelihoods and iteration counts of ``n`` restarts of one initialisation.

    Attributes
    ----------
    init : str
    tol, max_iter : float, int
        Stopping rule of these runs.
    final_log_likelihoods : ndarray of shape (n,)
    n_iters : ndarray of shape (n,)
    converged : ndarray of bool, shape (n,)
    collapsed : ndarray of bool, shape (n,)
    runs : list of Run
    """

    init: str
    tol: float
    max_iter: int
    final_log_likelihoods: np.ndarray
    n_iters: np.ndarray
    converged: np.ndarray
    collapsed: np.ndarray
    runs: list = field(repr=False, default_factory=list)

    @property
    def n(self) -> int:
        return int(self.final_log_likelihoods.size)

    def reaching(self, best: float, tolerance: float) -> int:
        """How many runs ended within ``tolerance`` nats of ``best``."""
        return int(np.sum(self.final_log_likelihoods >= best - tolerance))


@dataclass(frozen=True)
class SaddleCheck:
    """Random-responsibility starts stopped with the main run's (looser) tolerance."""

    tol: float
    n_runs: int
    n_stopped_early: int
    median_log_likelihood: float
    best_log_likelihood: float


@dataclass(frozen=True)
class SelectionSummary:
    """BIC/AIC of every (K, covariance type) and the chosen model.

    ``ks`` never exceeds the number of distinct points (K components need K
    of them); ``capped_from`` is the largest K asked for when that cap bit.
    """

    ks: list
    covariance_types: list
    table: list
    best_k: int
    best_covariance_type: str
    by_aic: tuple
    true_k: int | None
    n_init: int
    seed: int | None
    #: The largest K asked for, when the data's distinct points capped the grid below it (else None).
    capped_from: int | None = None

    def values(self, criterion: str, covariance_type: str) -> np.ndarray:
        """``criterion`` ("bic" or "aic") for every K of one covariance type, shape (len(ks),)."""
        rows = {r["k"]: r for r in self.table if r["covariance_type"] == covariance_type}
        return np.array([rows[k][criterion] if k in rows else np.nan for k in self.ks], dtype=float)


#: Iterations the lower-bound figure shows side by side (the early ones, where the gaps are wide).
BOUND_FIGURE_ITERATIONS = 3
#: Where the figure's slices are drawn: a little beyond both ends, with s = 0 and s = 1 exactly on it.
BOUND_GRID = np.round(np.linspace(-0.25, 1.25, 31), 12)


@dataclass(frozen=True)
class BoundSlice:
    """One iteration on its slice through parameter space (arrays of shape (len(grid),), nats)."""

    iteration: int
    grid: np.ndarray
    log_likelihood: np.ndarray
    bound: np.ndarray


@dataclass(frozen=True)
class BoundStory:
    """Why the log-likelihood never decreased, in nats: ln p = L(q, theta) + KL, iteration by iteration.

    ``m_gain[t - 1]`` is what iteration t's M-step added to the bound and
    ``kl_after[t - 1]`` the gap it opened, so the log-likelihood rose by their
    sum; the next E-step closes that gap again.
    """

    m_gain: np.ndarray
    kl_after: np.ndarray
    slices: list

    @property
    def n_iter(self) -> int:
        return int(self.m_gain.size)


def bound_story(X: np.ndarray, run: Run, shown: int = BOUND_FIGURE_ITERATIONS) -> BoundStory:
    """The :class:`BoundStory` of ``run``: its bound's gains and gaps, and the slices of its first iterations."""
    from animate_em.em import responsibilities
    from animate_em.em.bound import bound_slice, step_gains

    snaps = run.snapshots
    m_gain, kl_after = step_gains(X, snaps)
    slices = []
    for t in range(1, min(shown, run.n_iter) + 1):
        ll, bound = bound_slice(X, snaps[t - 1], snaps[t], responsibilities(X, snaps[t - 1]), BOUND_GRID)
        slices.append(BoundSlice(t, BOUND_GRID, ll, bound))
    return BoundStory(m_gain, kl_after, slices)


@dataclass
class ReportData:
    """Everything a report says, as numbers (text and figures are made from this)."""

    name: str
    title: str
    source: dict
    X: np.ndarray = field(repr=False)
    run: Run = field(repr=False)
    trace: np.ndarray
    monotonicity: Monotonicity
    settled_at: int
    settle_tol_total: float
    travel: list
    restarts: dict
    reach_tolerance: float
    best_restart_log_likelihood: float
    saddle: SaddleCheck | None
    selection: SelectionSummary
    settings: dict
    bound: BoundStory | None = field(default=None, repr=False)

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])


# ---------------------------------------------------------------------------
# Pure functions
# ---------------------------------------------------------------------------

def monotonicity(trace: Sequence[float]) -> Monotonicity:
    """Measure every change of a log-likelihood trace.

    Parameters
    ----------
    trace : sequence of float, length n_iter + 1
        Total log-likelihood after each iteration (index 0 = initial state).

    Returns
    -------
    Monotonicity
    """
    trace = np.asarray(trace, dtype=float)
    if trace.ndim != 1 or trace.size == 0:
        raise ValueError(f"a trace needs at least one value, got shape {trace.shape}")
    diffs = np.diff(trace)
    if diffs.size == 0:
        return Monotonicity(0, 0, 0.0, None, None, None)
    smallest = int(np.argmin(diffs))
    decreases = diffs < 0
    largest = float(-diffs[smallest]) if decreases.any() else 0.0
    return Monotonicity(
        n_steps=int(diffs.size), n_decreases=int(decreases.sum()), largest_decrease=largest,
        largest_decrease_at=smallest + 1 if decreases.any() else None,
        smallest_change=float(diffs[smallest]), smallest_change_at=smallest + 1)


def settled_iteration(trace: Sequence[float], tolerance: float) -> int:
    """The first iteration from which the trace stays within ``tolerance`` of its final value.

    Parameters
    ----------
    trace : sequence of float
    tolerance : float
        In the trace's units (nats, total).
    """
    trace = np.asarray(trace, dtype=float)
    outside = np.flatnonzero(np.abs(trace - trace[-1]) > tolerance)
    return int(outside[-1] + 1) if outside.size else 0


def mean_travel(run: Run, scale=None) -> list[ComponentTravel]:
    """Path length and net displacement of every component's mean, largest path first.

    Parameters
    ----------
    run : Run
    scale : array-like of shape (d,), optional
        Standard deviation of the data along each axis; lengths are measured in
        these units (default: 1, the data's own units).
    """
    means = np.stack([s.means for s in run.snapshots])            # (T, K, d)
    unit = np.ones(means.shape[2]) if scale is None else np.maximum(np.asarray(scale, dtype=float), 1e-300)
    standard = means / unit
    steps = np.linalg.norm(np.diff(standard, axis=0), axis=2)     # (T-1, K)
    paths = steps.sum(axis=0) if steps.size else np.zeros(means.shape[1])
    out = [ComponentTravel(component=j, path_length=float(paths[j]),
                           displacement=float(np.linalg.norm(standard[-1, j] - standard[0, j])),
                           start=means[0, j].copy(), end=means[-1, j].copy(),
                           final_weight=float(run.final.weights[j]), shift=means[-1, j] - means[0, j])
           for j in range(means.shape[1])]
    return sorted(out, key=lambda c: -c.path_length)


def restart_study(runs: list[Run], init: str, tol: float, max_iter: int) -> RestartStudy:
    """Collect the outcome of restarted runs of one initialisation."""
    return RestartStudy(
        init=init, tol=float(tol), max_iter=int(max_iter),
        final_log_likelihoods=np.array([r.final.log_likelihood for r in runs], dtype=float),
        n_iters=np.array([r.n_iter for r in runs], dtype=int),
        converged=np.array([r.converged for r in runs], dtype=bool),
        collapsed=np.array([r.collapse is not None for r in runs], dtype=bool),
        runs=list(runs))


def capped_ks(X: np.ndarray, ks: Sequence[int]) -> tuple[list[int], int | None]:
    """The model-selection grid limited to K <= the number of distinct points of X.

    Parameters
    ----------
    X : ndarray of shape (n_samples, d)
    ks : sequence of int

    Returns
    -------
    ks : list of int
        The Ks that can be fitted, in increasing order (never empty).
    capped_from : int or None
        The largest K asked for when some were dropped, else None.
    """
    from animate_em.em.selection import count_distinct

    ks = sorted({int(v) for v in ks}) or [1]
    limit = count_distinct(X)
    kept = [k for k in ks if k <= limit] or [max(1, limit)]
    return kept, (ks[-1] if kept != ks else None)


def data_hash(X: np.ndarray) -> str:
    """sha256 of the points as little-endian float64 in row-major order (file-format independent)."""
    return hashlib.sha256(np.ascontiguousarray(X, dtype="<f8").tobytes()).hexdigest()


def versions() -> dict:
    """Versions of everything that shapes the numbers and pictures."""
    import matplotlib

    from animate_em.version import __version__

    return {"animate_em": __version__, "numpy": np.__version__,
            "matplotlib": matplotlib.__version__, "python": platform.python_version()}


#: Iterations between the panels of the report's poster (a long run's poster spaces them wider).
POSTER_EVERY = 5


def poster_shown(d: ReportData) -> list[int]:
    """The iterations the report's poster shows (the scene poster's choice for a run this long)."""
    from animate_em.scene.draw.poster import poster_iterations

    return poster_iterations(d.run.n_iter, POSTER_EVERY)


def best_and_worst(d: ReportData):
    """(run, init) of the restart that ended highest and of the one that ended lowest."""
    pool = [(r, st.init) for st in d.restarts.values() for r in st.runs]
    return max(pool, key=lambda p: p[0].final.log_likelihood), min(pool, key=lambda p: p[0].final.log_likelihood)


def saddle_stops(d: ReportData, init: str) -> np.ndarray:
    """Which restarts of ``init`` stopped at the saddle, shape (n,) of bool.

    A random-responsibility start that ended within :data:`SADDLE_ITERATIONS` iterations below
    the best value: its components all start near the centre of the data, where the likelihood
    is so flat that EM's first steps change it by less than the tolerance.
    """
    st = d.restarts[init]
    if init != "random":
        return np.zeros(st.n, dtype=bool)
    below = st.final_log_likelihoods < d.best_restart_log_likelihood - d.reach_tolerance
    return below & (st.n_iters <= SADDLE_ITERATIONS) & ~st.collapsed


def mean_spread(run: Run, scale) -> float:
    """Largest distance between two of a run's final means, in standard deviations of each axis."""
    means = run.final.means[:, :2] / np.asarray(scale, dtype=float)[:2]
    if len(means) < 2:
        return 0.0
    return float(np.max(np.linalg.norm(means[:, None] - means[None], axis=-1)))


def same_optimum(d: ReportData) -> bool:
    """Whether the best and the worst restart reached the same optimum (then one fit is shown, not two)."""
    best, worst = best_and_worst(d)
    return best[0].final.log_likelihood - worst[0].final.log_likelihood <= d.reach_tolerance


# ---------------------------------------------------------------------------
# The whole analysis
# ---------------------------------------------------------------------------

def analyse(X, run: Run, *, name: str, title: str, source: dict, true_params: dict | None = None,
            n_restarts: int = 20, restart_tol: float = 1e-6, restart_max_iter: int = 500,
            restart_seed=0, ks: Sequence[int] = range(1, 9),
            covariance_types: Sequence[str] = COVARIANCE_TYPES, select_n_init: int = 3,
            select_seed=0, progress: Callable[[str], None] | None = None) -> ReportData:
    """Compute every number of a report.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    run : Run
        The fit the report narrates (fitted to X).
    name, title : str
    source : dict
        Provenance of X (kind, dataset or file, description, columns, units,
        file sha256); the array hash is added here.
    true_params : dict or None
        Generating mixture of synthetic data (``weights`` gives the true K).
    n_restarts : int
        Restarts per initialisation in the local-optimum study.
    restart_tol, restart_max_iter, restart_seed
        Stopping rule and seed of the restarts (same k, covariance type and
        reg_covar as `run`).
    ks, covariance_types, select_n_init, select_seed
        The model-selection grid (k-means++ starts, best of select_n_init).
    progress : callable(str), optional
        Called with the name of each study before it starts.

    Returns
    -------
    ReportData
    """
    X = np.ascontiguousarray(X, dtype=float)
    tell = progress or (lambda stage: None)
    settings = dict(run.settings)
    k, cov, reg = int(run.final.n_components), run.covariance_type, float(settings.get("reg_covar", 1e-6))
    n = X.shape[0]
    trace = run.log_likelihoods
    tol = float(settings.get("tol", 1e-3))

    studies = {}
    for init in RESTART_INITS:
        tell(f"{n_restarts} restarts, init={init}")
        runs = restarts(X, k, n_init=n_restarts, init=init, seed=restart_seed, covariance_type=cov,
                        tol=restart_tol, max_iter=restart_max_iter, reg_covar=reg)
        studies[init] = restart_study(runs, init, restart_tol, restart_max_iter)
    pool = [s.final_log_likelihoods[~s.collapsed] for s in studies.values()]
    pool = np.concatenate(pool) if any(p.size for p in pool) else np.concatenate(
        [s.final_log_likelihoods for s in studies.values()])
    best = float(pool.max())

    saddle = None
    if tol > restart_tol:
        # The same random starts with the main run's looser rule: do they stop at the saddle?
        early = restarts(X, k, n_init=n_restarts, init="random", seed=restart_seed, covariance_type=cov,
                         tol=tol, max_iter=restart_max_iter, reg_covar=reg)
        lls = np.array([r.final.log_likelihood for r in early])
        saddle = SaddleCheck(tol=tol, n_runs=len(early),
                             n_stopped_early=int(sum(r.n_iter <= SADDLE_ITERATIONS for r in early)),
                             median_log_likelihood=float(np.median(lls)), best_log_likelihood=float(lls.max()))

    tell("model selection")
    ks, capped_from = capped_ks(X, ks)
    sel = select_k(X, ks, covariance_types=tuple(covariance_types), n_init=select_n_init,
                   init="kmeans++", seed=select_seed)
    true_k = None if not true_params else int(np.asarray(true_params["weights"]).size)
    selection = SelectionSummary(ks=ks, covariance_types=list(covariance_types), table=sel.table,
                                 best_k=sel.best_k, best_covariance_type=sel.best_covariance_type,
                                 by_aic=tuple(sel.by_aic), true_k=true_k, n_init=select_n_init,
                                 seed=select_seed, capped_from=capped_from)

    source = dict(source, sha256_array=data_hash(X), n_samples=n)
    all_settings = {
        "model": {key: settings.get(key) for key in
                  ("k", "covariance_type", "init", "n_init", "seed", "tol", "max_iter", "reg_covar")},
        "restarts": {"n_restarts": n_restarts, "inits": list(RESTART_INITS), "tol": restart_tol,
                     "max_iter": restart_max_iter, "seed": restart_seed,
                     "reach_tolerance_per_point": REACH_TOL_PER_POINT},
        "selection": {"ks": ks, "covariance_types": list(covariance_types), "init": "kmeans++",
                      "n_init": select_n_init, "seed": select_seed, "criterion": "bic"},
        "versions": versions(),
    }
    if capped_from is not None:
        all_settings["selection"]["k_max_requested"] = capped_from
    return ReportData(
        name=name, title=title, source=source, X=X, run=run, trace=trace,
        monotonicity=monotonicity(trace), settled_at=settled_iteration(trace, tol * n),
        settle_tol_total=tol * n, travel=mean_travel(run, X.std(axis=0)), restarts=studies,
        reach_tolerance=REACH_TOL_PER_POINT * n, best_restart_log_likelihood=best, saddle=saddle,
        selection=selection, settings=all_settings, bound=bound_story(X, run))
