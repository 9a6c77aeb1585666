"""A recorded EM trajectory of any implementation, read and checked for shape.

A history is the state of a Gaussian mixture after every EM iteration,
iteration 0 (the initial guess) first, as some implementation recorded it:

- a sequence of ``(weights, means, covariances)``, one per iteration; or
- a mapping of stacked arrays: ``weights`` (T, K), ``means`` (T, K, d),
  ``covariances`` in scikit-learn's shape of the covariance type for every
  step (full (T, K, d, d), tied (T, d, d), diag (T, K, d), spherical (T, K)),
  and optionally ``log_likelihood`` (T,) as the implementation computed it,
  ``covariance_type`` (a string) and ``reg_covar`` (the number it adds to
  every variance); or
- the path of a ``.npz`` file holding that mapping (``np.savez``).

Nothing here decides whether the trajectory is right (that is
:mod:`.trajectory`); this module only turns what was recorded into arrays of known
shape, full covariance matrices included, and says in one line what is wrong
with a history that cannot be read.
"""
from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from animate_em.em import COVARIANCE_TYPES
from animate_em.errors import UserError
from animate_em.untrusted import check_regular

#: A history file unpacking to more than this is refused before it is read (a file is untrusted).
MAX_HISTORY_BYTES = 1 << 30

#: The arrays of the file format (``np.savez(path, weights=..., means=..., covariances=...)``).
REQUIRED = ("weights", "means", "covariances")
OPTIONAL = ("log_likelihood", "covariance_type", "reg_covar")

#: scikit-learn's covariance shape of every type, per step: (K, d) -> shape.
_STEP_SHAPES = {
    "full": lambda k, d: (k, d, d),
    "tied": lambda k, d: (d, d),
    "diag": lambda k, d: (k, d),
    "spherical": lambda k, d: (k,),
}


@dataclass(frozen=True, eq=False)
class History:
    """A recorded EM trajectory with every array in a known shape.

    Attributes
    ----------
    weights : ndarray of shape (T, K)
    means : ndarray of shape (T, K, d)
    covariances : ndarray of shape (T, K, d, d)
        Full matrices, whatever the covariance type the history was recorded in.
    covariance_type : str
        ``full``, ``tied``, ``diag`` or ``spherical``: the model the
        implementation fits (it decides what its M-step should compute).
    log_likelihood : ndarray of shape (T,) or None
        The implementation's own values, as recorded.
    reg_covar : float or None
        What the implementation adds to every variance, when recorded.
    name : str
        Whose run it is: the file stem of a history file, else ``"your run"``.

    Values are not checked for NaN or validity here: a broken history is
    exactly what :func:`animate_em.course.check` is for.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    covariance_type: str
    log_likelihood: np.ndarray | None = None
    reg_covar: float | None = None
    name: str = "your run"

    @property
    def n_snapshots(self) -> int:
        """T: iteration 0 plus one per recorded EM step."""
        return int(self.weights.shape[0])

    @property
    def n_components(self) -> int:
        return int(self.weights.shape[1])

    @property
    def n_features(self) -> int:
        return int(self.means.shape[2])

    def snapshot(self, t: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(weights (K,), means (K, d), covariances (K, d, d))`` of iteration ``t``."""
        return self.weights[t], self.means[t], self.covariances[t]


###############################################################################
# Reading


def read_history(history, covariance_type: str | None = None, *, name: str | None = None) -> History:
    """Read a history given as a sequence, a mapping of stacked arrays or a ``.npz`` path.

    Parameters
    ----------
    history : sequence, mapping, History or path-like
        See the module docstring.
    covariance_type : {"full", "tied", "diag", "spherical"}, optional
        The implementation's covariance type; default: the history's own
        ``covariance_type`` entry, else ``"full"``. It decides the shape the
        covariances must have.
    name : str, optional
        Whose run it is; default the file stem, else ``"your run"``.

    Returns
    -------
    History

    Raises
    ------
    UserError
        A missing file, a missing array, shapes that disagree, a covariance
        shape that belongs to another covariance type (the message says which).
    """
    if isinstance(history, History):
        return history
    if isinstance(history, (str, os.PathLike)):
        path = Path(history)
        return _from_mapping(_load_npz(path), covariance_type, name or path.stem, where=str(path))
    if isinstance(history, Mapping) or _is_npz(history):
        return _from_mapping(history, covariance_type, name or "your run", where="history")
    if isinstance(history, Sequence) and not isinstance(history, (bytes, bytearray)):
        return _from_steps(history, covariance_type, name or "your run")
    raise UserError(f"a history is a sequence of (weights, means, covariances), a mapping of stacked arrays "
                    f"or a .npz file, not a {type(history).__name__}")


def _is_npz(value) -> bool:
    return isinstance(value, np.lib.npyio.NpzFile)


def _load_npz(path: Path) -> dict:
    """The arrays of a history file (no pickles; size checked before anything is unpacked)."""
    where = str(path)
    if path.is_dir():
        raise UserError(f"{where}: is a folder, not a history file")
    # A FIFO or a device is refused from stat alone: zipfile would wait on it, or read forever.
    check_regular(path, "history file")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise UserError(f"{where}: not a .npz history file (save it with np.savez(path, weights=..., "
                        "means=..., covariances=...))") from None
    except OSError as error:
        raise UserError(f"{where}: cannot read history file ({(error.strerror or str(error)).lower()})") from None
    if unpacked > MAX_HISTORY_BYTES:
        raise UserError(f"{where}: unpacks to {unpacked / 2**30:.1f} GiB; a history of EM parameters is far "
                        "smaller (is this the right file?)")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except ValueError as error:
        # Object arrays would need pickle, which a file from outside may not run.
        raise UserError(f"{where}: cannot read an array ({str(error).splitlines()[0]}); "
                        "store plain numeric arrays") from None
    except (OSError, zipfile.BadZipFile, EOFError) as error:
        raise UserError(f"{where}: not a readable .npz history file ({error})") from None


def _resolve_type(covariance_type, recorded, where: str) -> str:
    if recorded is not None:
        recorded = np.asarray(recorded)
        if recorded.shape != () or recorded.dtype.kind not in "US":
            raise UserError(f"{where}: covariance_type must be one string, e.g. 'full'")
        recorded = str(recorded)
    chosen = covariance_type or recorded or "full"
    if chosen not in COVARIANCE_TYPES:
        raise UserError(f"{where}: unknown covariance_type {chosen!r}; choose one of {', '.join(COVARIANCE_TYPES)}")
    return chosen


def _numeric(value, what: str, where: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise UserError(f"{where}: {what} must be numbers (a numeric array)") from None
    return array


def _from_mapping(mapping, covariance_type, name: str, where: str) -> History:
    keys = set(mapping.keys())
    missing = [key for key in REQUIRED if key not in keys]
    if missing:
        found = ", ".join(sorted(keys)) or "nothing"
        raise UserError(f"{where}: no {' or '.join(repr(m) for m in missing)} array (found {found}); a history "
                        "holds weights (T, K), means (T, K, d) and covariances per step")
    ctype = _resolve_type(covariance_type, mapping.get("covariance_type"), where)
    weights = _numeric(mapping["weights"], "weights", where)
    means = _numeric(mapping["means"], "means", where)
    covariances = _numeric(mapping["covariances"], "covariances", where)
    if means.ndim != 3:
        raise UserError(f"{where}: means must have shape (T, K, d) (one (K, d) array per iteration), "
                        f"got {means.shape}")
    T, K, d = means.shape
    if T < 1 or K < 1 or d < 1:
        raise UserError(f"{where}: the history is empty (means of shape {means.shape})")
    if weights.shape != (T, K):
        raise UserError(f"{where}: weights must have shape (T, K) = {(T, K)} to match the means, got {weights.shape}")
    full = _full_covariances(covariances, ctype, (T,), K, d, where)
    log_likelihood = None
    if "log_likelihood" in keys:
        log_likelihood = _numeric(mapping["log_likelihood"], "log_likelihood", where)
        if log_likelihood.shape != (T,):
            raise UserError(f"{where}: log_likelihood must have shape (T,) = ({T},), one value per iteration, "
                            f"got {log_likelihood.shape}")
    reg_covar = None
    if "reg_covar" in keys:
        reg = _numeric(mapping["reg_covar"], "reg_covar", where)
        if reg.shape not in ((), (1,)) or not np.isfinite(reg).all() or float(reg.reshape(-1)[0]) < 0:
            raise UserError(f"{where}: reg_covar must be one non-negative number")
        reg_covar = float(reg.reshape(-1)[0])
    return History(weights, means, full, ctype, log_likelihood, reg_covar, name)


def _from_steps(steps: Sequence, covariance_type, name: str) -> History:
    if len(steps) == 0:
        raise UserError("the history is empty: record at least the initial (weights, means, covariances)")
    ctype = covariance_type or "full"
    if ctype not in COVARIANCE_TYPES:
        raise UserError(f"unknown covariance_type {ctype!r}; choose one of {', '.join(COVARIANCE_TYPES)}")
    weights, means, covariances = [], [], []
    for t, step in enumerate(steps):
        where = f"history step {t}"
        if isinstance(step, Mapping):
            try:
                step = (step["weights"], step["means"], step["covariances"])
            except KeyError as key:
                raise UserError(f"{where}: no {key} entry") from None
        if not isinstance(step, (tuple, list)) or len(step) != 3:
            raise UserError(f"{where}: each step must be (weights, means, covariances)")
        w, m, c = (_numeric(v, what, where) for v, what in zip(step, REQUIRED))
        if m.ndim != 2:
            raise UserError(f"{where}: means must have shape (K, d), got {m.shape}")
        if t and m.shape != means[0].shape:
            raise UserError(f"{where}: means have shape {m.shape}, step 0 had {means[0].shape}")
        K, d = m.shape
        if w.shape != (K,):
            raise UserError(f"{where}: weights must have shape (K,) = ({K},), got {w.shape}")
        weights.append(w)
        means.append(m)
        covariances.append(_full_covariances(c, ctype, (), K, d, where))
    return History(np.stack(weights), np.stack(means), np.stack(covariances), ctype, None, None, name)


###############################################################################
# Covariances of any type -> full matrices


def _type_of_shape(shape: tuple, lead: tuple, K: int, d: int) -> list[str]:
    """The covariance types whose shape (after the ``lead`` axes) is ``shape``."""
    return [t for t, make in _STEP_SHAPES.items() if shape == lead + make(K, d)]


def _full_covariances(cov: np.ndarray, covariance_type: str, lead: tuple, K: int, d: int,
                      where: str) -> np.ndarray:
    """Covariances in the type's shape (after ``lead`` axes) as full (..., K, d, d) matrices."""
    expected = lead + _STEP_SHAPES[covariance_type](K, d)
    if cov.shape != expected:
        others = [t for t in _type_of_shape(cov.shape, lead, K, d) if t != covariance_type]
        hint = ""
        if others:
            hint = f"; that is the shape of covariance_type={others[0]!r}: pass covariance_type={others[0]!r}"
        elif cov.shape == lead + (d, d, K):
            hint = "; stored as (d, d, K)? move the component axis first: np.moveaxis(cov, -1, -3)"
        raise UserError(f"{where}: covariances must have shape {expected} for covariance_type="
                        f"{covariance_type!r} (K = {K}, d = {d}), got {cov.shape}{hint}")
    if covariance_type == "full":
        return cov.copy()
    if covariance_type == "tied":
        return np.repeat(cov[..., np.newaxis, :, :], K, axis=-3)
    eye = np.eye(d)
    if covariance_type == "diag":
        return cov[..., np.newaxis] * eye
    return cov[..., np.newaxis, np.newaxis] * eye
