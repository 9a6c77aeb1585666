"""Is a recorded history a correct EM trajectory? Step by step against animate_em's own EM.

For every recorded step t -> t + 1, one exact EM step of our core is taken
from snapshot t (:mod:`.reference`) and compared with snapshot t + 1, each
quantity on its own scale (:data:`RTOL`, default 1e-6):

- weights: the largest difference |w - w_EM| (weights are fractions of 1);
- means: the largest difference in standard deviations of the data along
  that axis;
- covariances: entry (i, j) relative to sqrt(S_ii S_jj) of EM's matrix
  (correlation units: a 1e-6 change of a correlation, or of a variance by a
  millionth of itself).

The first step that differs is compared with the steps of the classic
mistakes (:mod:`.mistakes`) to name a likely cause. The log-likelihood (ours,
at the recorded parameters) must never fall beyond what reg_covar allows, and
a recorded log-likelihood must agree with ours (:mod:`.likelihood`).

reg_covar is what the implementation adds to every variance: recorded in the
history, given, or else inferred from step 0 -> 1 as the one amount by which
every recorded variance exceeds the unregularised EM step (0 when there is no
such single amount).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from animate_em.em.checks import check_data
from animate_em.errors import UserError

from . import mistakes as classic
from .history import History, read_history
from .likelihood import Decrease, OwnLikelihood, compare_own, decreases
from .reference import InvalidSnapshot, ReferenceEM, snapshot_problem

#: Default relative tolerance of every quantity (see the module docstring for the units).
RTOL = 1e-6

QUANTITIES = ("weights", "means", "covariances")
UNITS = {"weights": "", "means": " data standard deviations", "covariances": " in correlation units"}


###############################################################################
# Results


@dataclass(frozen=True)
class Difference:
    """The largest difference of one quantity between a recorded snapshot and EM's.

    Attributes
    ----------
    quantity : str
        ``weights``, ``means`` or ``covariances``.
    size : float
        In the quantity's units (see the module docstring); inf for NaN.
    component : int
    entry : tuple of int
        Index within the component: () for a weight, (j,) for a mean, (i, j) for a covariance.
    yours, expected : float
        The recorded value and EM's.
    """

    quantity: str
    size: float
    component: int
    entry: tuple
    yours: float
    expected: float

    def sentence(self) -> str:
        where = f"component {self.component}" + (f", entry {self.entry}" if len(self.entry) == 2 else
                                                  f", axis {self.entry[0]}" if self.entry else "")
        size = "NaN" if not np.isfinite(self.size) else f"{self.size:.3g}{UNITS[self.quantity]}"
        return f"{self.quantity} differ by {size} ({where}: yours {self.yours:.6g}, EM gives {self.expected:.6g})"

    def to_dict(self) -> dict:
        return {"quantity": self.quantity, "size": self.size, "component": self.component,
                "entry": list(self.entry), "yours": self.yours, "expected": self.expected}


@dataclass(frozen=True)
class StepResult:
    """One recorded step t -> t + 1 against EM's.

    Attributes
    ----------
    step : int
        t.
    ok : bool
    differences : dict of str to Difference
        The largest difference of every quantity (empty when the step could not be taken).
    problem : str or None
        Why no EM step could start from snapshot t (NaN, a covariance not positive definite).
    """

    step: int
    ok: bool
    differences: dict
    problem: str | None = None

    def to_dict(self) -> dict:
        return {"step": self.step, "ok": self.ok, "problem": self.problem,
                "differences": {q: d.to_dict() for q, d in self.differences.items()}}


@dataclass(frozen=True)
class Cause:
    """The likely cause of the first wrong step."""

    mistake: classic.Mistake | None
    evidence: str

    def to_dict(self) -> dict:
        m = self.mistake
        return {"id": m.id if m else None, "title": m.title if m else None, "advice": m.advice if m else None,
                "evidence": self.evidence}


@dataclass(frozen=True)
class CheckReport:
    """The verdict on a history, with everything a student or a grader needs.

    Attributes
    ----------
    ok : bool
        Every step is an EM step, the log-likelihood never falls beyond reg_covar,
        and a recorded log-likelihood agrees with ours.
    trajectory_ok : bool
        Every step is an EM step (the log-likelihood aside).
    history : History
    n_samples : int
    rtol : float
    reg_covar : float
    reg_covar_source : str
        ``recorded``, ``given``, ``inferred`` or ``assumed`` (0: no single amount found).
    steps : list of StepResult
    cause : Cause or None
        For the first wrong step.
    log_likelihoods : ndarray of shape (T,)
        Ours at every recorded snapshot (NaN where not valid).
    decreases : list of Decrease
    own : OwnLikelihood or None
    """

    ok: bool
    trajectory_ok: bool
    history: History
    n_samples: int
    rtol: float
    reg_covar: float
    reg_covar_source: str
    steps: list
    cause: Cause | None
    log_likelihoods: np.ndarray
    decreases: list = field(default_factory=list)
    own: OwnLikelihood | None = None

    @property
    def first_wrong(self) -> StepResult | None:
        return next((s for s in self.steps if not s.ok), None)

    @property
    def n_wrong(self) -> int:
        return sum(not s.ok for s in self.steps)

    @property
    def mistake(self) -> str | None:
        """The id of the likely classic mistake of the first wrong step (None if none is recognised)."""
        return self.cause.mistake.id if self.cause is not None and self.cause.mistake is not None else None

    def lines(self, data: str | None = None) -> list[str]:
        """The report as text lines (what ``animate-em check`` prints); ``data`` describes the data."""
        from .report import report_lines

        return report_lines(self, data)

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_pretty_(self, printer, cycle) -> None:    # IPython / Jupyter
        printer.text(str(self))

    def __repr__(self) -> str:
        return f"<CheckReport {'correct' if self.ok else 'NOT correct'}: {self.history.name}, " \
               f"{len(self.steps)} steps, {self.n_wrong} wrong>"

    def to_dict(self) -> dict:
        """Plain values for ``--json`` (non-finite floats stay floats; the caller maps them)."""
        h = self.history
        first = self.first_wrong
        return {
            "ok": self.ok, "trajectory_ok": self.trajectory_ok, "name": h.name,
            "n_snapshots": h.n_snapshots, "n_steps": len(self.steps), "n_components": h.n_components,
            "n_features": h.n_features, "n_samples": self.n_samples, "covariance_type": h.covariance_type,
            "rtol": self.rtol, "reg_covar": self.reg_covar, "reg_covar_source": self.reg_covar_source,
            "n_wrong_steps": self.n_wrong, "first_wrong_step": None if first is None else first.to_dict(),
            "likely_cause": None if self.cause is None else self.cause.to_dict(),
            "log_likelihood": self.log_likelihoods.tolist(),
            "decreases": [{"step": d.step, "change": d.change, "allowed": d.allowed} for d in self.decreases],
            "own_log_likelihood": None if self.own is None else self.own.to_dict(),
            "steps": [s.to_dict() for s in self.steps],
        }


###############################################################################
# Comparing snapshots


def _argmax(values: np.ndarray) -> tuple:
    flat = np.where(np.isfinite(values), values, np.inf)
    return np.unravel_index(int(np.argmax(flat)), values.shape)


def compare(yours, expected, data_scale: np.ndarray) -> dict[str, Difference]:
    """The largest difference of each quantity, in its units.

    Parameters
    ----------
    yours, expected : (weights (K,), means (K, d), covariances (K, d, d))
    data_scale : ndarray of shape (d,)
        Standard deviation of the data along every axis.
    """
    w, m, c = (np.asarray(a, dtype=float) for a in yours)
    w_ref, m_ref, c_ref = expected
    diagonal = np.abs(np.diagonal(c_ref, axis1=1, axis2=2))
    scales = {
        "weights": np.ones_like(w_ref),
        "means": np.broadcast_to(data_scale, m_ref.shape),
        "covariances": np.sqrt(diagonal[:, :, np.newaxis] * diagonal[:, np.newaxis, :]),
    }
    out = {}
    for quantity, mine, theirs in zip(QUANTITIES, (w, m, c), (w_ref, m_ref, c_ref)):
        scale = scales[quantity]
        with np.errstate(all="ignore"):
            # A variance of exactly 0 (a collapsed component without reg_covar): compare absolutely.
            size = np.abs(mine - theirs) / np.where(scale > 0, scale, 1.0)
        size = np.where(np.isfinite(mine), size, np.inf)
        index = _argmax(size)
        out[quantity] = Difference(quantity, float(size[index]), int(index[0]), tuple(int(i) for i in index[1:]),
                                   float(mine[index]), float(theirs[index]))
    return out


def _distance(a, b, data_scale) -> float:
    return max(d.size for d in compare(a, b, data_scale).values())


###############################################################################
# reg_covar


def _reg_covar(reference: ReferenceEM, history: History, given: float | None, rtol: float) -> tuple[float, str]:
    """reg_covar to check with, and where it came from."""
    if given is not None:
        return float(given), "given"
    if history.reg_covar is not None:
        return history.reg_covar, "recorded"
    try:
        plain = reference.step(*history.snapshot(0), 0.0)
    except InvalidSnapshot:
        return 0.0, "assumed"
    theirs = np.diagonal(plain.covariances, axis1=1, axis2=2)
    mine = np.diagonal(history.covariances[1], axis1=1, axis2=2)
    offset = mine - theirs
    if not np.isfinite(offset).all():
        return 0.0, "assumed"
    amount = float(np.median(offset))
    if not np.all(np.abs(offset - amount) <= rtol * np.abs(theirs)):
        return 0.0, "assumed"
    # Below rounding of the variances themselves the amount is 0 (no regulariser).
    return (amount if amount > 1e-12 * float(np.max(np.abs(theirs))) else 0.0), "inferred"


###############################################################################
# Causes


def _hints(history: History, t: int, expected) -> str:
    """What the numbers of a wrong step suggest when no single classic mistake reproduces it."""
    w, m, c = history.snapshot(t + 1)
    hints = []
    if np.isfinite(w).all() and abs(w.sum() - 1.0) > 1e-6:
        hints.append(f"your weights sum to {w.sum():.6g}, not 1 (responsibilities not normalised per point, "
                     "or weights not N_k / N?)")
    if np.array_equal(w, history.weights[t]) and not np.allclose(expected[0], w, rtol=0, atol=1e-12):
        hints.append("your weights did not change in this step (never updated?)")
    if np.isfinite(c).all() and not np.allclose(c, np.swapaxes(c, 1, 2), rtol=1e-8, atol=0):
        hints.append("a covariance is not symmetric (an outer product of two different vectors?)")
    if history.covariance_type == "full" and np.isfinite(c).all():
        off = c - np.diagonal(c, axis1=1, axis2=2)[..., np.newaxis] * np.eye(c.shape[-1])
        ref_off = expected[2] - np.diagonal(expected[2], axis1=1, axis2=2)[..., np.newaxis] * np.eye(c.shape[-1])
        if c.shape[-1] > 1 and not off.any() and np.abs(ref_off).max() > 0:
            hints.append("your covariances are diagonal: if your model is diagonal, check with covariance_type='diag'")
    return "; ".join(hints) or "no classic mistake reproduces this step"


def diagnose(X: np.ndarray, history: History, t: int, expected, reg_covar: float, data_scale) -> Cause:
    """The likely cause of a wrong step t -> t + 1 (recorded snapshot t + 1 differs from ``expected``)."""
    start = history.snapshot(t)
    recorded = history.snapshot(t + 1)
    if not all(np.isfinite(a).all() for a in recorded):
        try:
            far = classic.underflowing_points(X, *start)
        except np.linalg.LinAlgError:
            far = 0
        if far:
            return Cause(classic.BY_ID["estep_underflow"],
                         f"NaN at iteration {t + 1}; at iteration {t}, {far} point(s) have a density below "
                         "1e-323 under every component, where exp underflows to 0")
        return Cause(None, f"NaN or inf appeared at iteration {t + 1} though no density underflows: look for a "
                     "division by zero (a component with no points?) or the log of a negative number")
    best = None
    for mistake, wrong_step in classic.wrong_steps():
        try:
            with np.errstate(all="ignore"):
                candidate = wrong_step(X, *start, reg_covar, history.covariance_type)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            continue
        if candidate is None or not all(np.isfinite(a).all() for a in candidate):
            continue
        if _distance(candidate, expected, data_scale) <= classic.MATCH_RTOL:
            continue     # this mistake makes no difference at this step
        distance = _distance(recorded, candidate, data_scale)
        if distance <= classic.MATCH_RTOL and (best is None or distance < best[0]):
            best = (distance, mistake)
    if best is not None:
        return Cause(best[1], f"your iteration {t + 1} equals the step with this mistake to {best[0]:.1g}")
    return Cause(None, _hints(history, t, expected))


###############################################################################
# The check


def check(X, history, *, covariance_type: str | None = None, reg_covar: float | None = None, rtol: float = RTOL,
          name: str | None = None) -> CheckReport:
    """Check that a recorded history is a correct EM trajectory, step by step.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data the implementation was run on.
    history : sequence, mapping or path-like
        See :func:`animate_em.course.read_history`: ``(weights, means,
        covariances)`` per iteration, stacked arrays, or a ``.npz`` file.
    covariance_type : {"full", "tied", "diag", "spherical"}, optional
        The implementation's model; default: the history's own entry, else full.
    reg_covar : float, optional
        What the implementation adds to every variance; default: recorded in
        the history, else inferred from step 0 -> 1.
    rtol : float
        Tolerance of every quantity (see the module docstring for its units).
    name : str, optional
        Whose run it is (default: the file stem).

    Returns
    -------
    CheckReport
        ``report.ok``; ``print(report)`` explains.

    Raises
    ------
    UserError
        Unreadable history or data, shapes that disagree, fewer than two snapshots.
    """
    X = check_data(X)
    h = read_history(history, covariance_type, name=name)
    if h.n_features != X.shape[1]:
        raise UserError(f"the history has d = {h.n_features} features per mean, the data {X.shape[1]} columns")
    if h.n_snapshots < 2:
        raise UserError("the history has one snapshot; record iteration 0 and at least one EM step after it")
    if not (isinstance(rtol, (int, float)) and np.isfinite(rtol) and rtol > 0):
        raise UserError(f"rtol must be a positive number, got {rtol!r}")
    if reg_covar is not None and not (np.isfinite(reg_covar) and reg_covar >= 0):
        raise UserError(f"reg_covar must be a non-negative number, got {reg_covar!r}")
    reference = ReferenceEM(X, h.covariance_type)
    reg, reg_source = _reg_covar(reference, h, reg_covar, rtol)
    data_scale = X.std(axis=0)
    data_scale = np.where(data_scale > 0, data_scale, 1.0)
    steps, cause = [], None
    for t in range(h.n_snapshots - 1):
        try:
            step = reference.step(*h.snapshot(t), reg)
        except InvalidSnapshot as error:
            steps.append(StepResult(t, False, {}, f"no EM step can start from iteration {t}: {error.reason}"))
            if cause is None:
                cause = Cause(None, f"iteration {t} is not a valid mixture ({error.reason})")
            continue
        expected = (step.weights, step.means, step.covariances)
        differences = compare(h.snapshot(t + 1), expected, data_scale)
        ok = all(d.size <= rtol for d in differences.values())
        steps.append(StepResult(t, ok, differences))
        if not ok and cause is None:
            cause = diagnose(X, h, t, expected, reg, data_scale)
    ours = np.array([reference.log_likelihood(*h.snapshot(t)) for t in range(h.n_snapshots)])
    falls = _decreases(ours, h, reg, len(X))
    own = compare_own(h.log_likelihood, ours, X, h.snapshot) if h.log_likelihood is not None else None
    if cause is not None and cause.mistake is None and own is not None and own.formula == "unknown" \
            and own.first_step == 0:
        # Wrong from the first step on, and a log-likelihood that disagrees before any step was taken.
        cause = Cause(None, f"{cause.evidence}; your log-likelihood differs from ours already at iteration 0: "
                      "are these the data (and the columns) the run was recorded on?")
    trajectory_ok = all(s.ok for s in steps)
    ok = trajectory_ok and not falls and (own is None or own.agrees)
    return CheckReport(ok, trajectory_ok, h, len(X), float(rtol), reg, reg_source, steps, cause, ours, falls, own)


def _decreases(ours, history: History, reg: float, n: int) -> list[Decrease]:
    """Falls of our log-likelihood between consecutive valid snapshots."""
    found = []
    for t in range(history.n_snapshots - 1):
        pair = slice(t, t + 2)
        if snapshot_problem(*history.snapshot(t)) or snapshot_problem(*history.snapshot(t + 1)):
            continue
        for fall in decreases(ours[pair], history.weights[pair], history.covariances[pair], reg, n):
            found.append(Decrease(t, fall.change, fall.allowed))
    return found
