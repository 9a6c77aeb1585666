"""Built-in datasets by name, and one entry point for "a name or a file path"."""
from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Sequence
from importlib import resources

import numpy as np

from animate_em.errors import UserError
from animate_em.untrusted import available_memory, size_text

from .dataset import Dataset
from .loading import _select_columns, load_data
from .synthetic import anisotropic, blobs, overlap, varied

_FAITHFUL_FILE = "faithful.csv"


def faithful() -> Dataset:
    """The Old Faithful geyser data: 272 eruptions, duration and wait, in minutes.

    Returns
    -------
    Dataset
        X of shape (272, 2): columns ``eruptions`` (eruption length) and
        ``waiting`` (time to the next eruption), both in minutes. No labels,
        no true parameters.
    """
    raw = resources.files(__package__).joinpath(_FAITHFUL_FILE).read_bytes()
    X = np.loadtxt(io.BytesIO(raw), delimiter=",", skiprows=1, ndmin=2)
    return Dataset(
        name="faithful",
        X=X,
        labels=None,
        true_params=None,
        columns=("eruptions", "waiting"),
        units="minutes",
        description="Old Faithful geyser: eruption length and waiting time (minutes)",
        meta={"sha256": hashlib.sha256(raw).hexdigest(), "n_samples": int(X.shape[0])},
    )


def _faithful(n_samples: int | None = None, seed: int | None = None) -> Dataset:
    # Real data has one size; asking for another is a mistake worth naming.
    data = faithful()
    if n_samples is not None and n_samples != data.n_samples:
        raise UserError(f"faithful has a fixed size of {data.n_samples} points")
    return data


REGISTRY: dict[str, Callable[..., Dataset]] = {
    "faithful": _faithful,
    "blobs": blobs,
    "anisotropic": anisotropic,
    "overlap": overlap,
    "varied": varied,
}
"""Built-in datasets: name -> ``callable(n_samples=None, seed=None) -> Dataset``."""

DEFAULT = "anisotropic"
"""The dataset a lecture uses when none is named."""


def names() -> list[str]:
    """Names of the built-in datasets, in listing order."""
    return list(REGISTRY)


def get(name: str, seed: int | None = None, n_samples: int | None = None) -> Dataset:
    """A built-in dataset by name.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    seed : int, optional
        Seed of a synthetic dataset; default a fixed seed per dataset, so the
        same name always gives the same data. Ignored for real data.
    n_samples : int, optional
        Number of points of a synthetic dataset; default per dataset.

    Returns
    -------
    Dataset

    Raises
    ------
    UserError
        For an unknown name or an impossible n_samples.
    """
    try:
        make = REGISTRY[name]
    except KeyError:
        raise UserError(
            f"unknown dataset {name!r}; built-in datasets are {', '.join(names())}"
        ) from None
    if n_samples is None:
        return make(seed=seed)
    _check_fits(name, n_samples)
    return make(n_samples=n_samples, seed=seed)


#: Bytes of memory a synthetic point costs while it is drawn and labelled (measured peak: about 72).
_BYTES_PER_SAMPLE = 80


def _check_fits(name: str, n_samples) -> None:
    """A synthetic dataset larger than the memory available is one line, not a MemoryError."""
    memory = available_memory()
    if isinstance(n_samples, int) and memory is not None and n_samples * _BYTES_PER_SAMPLE > memory:
        raise UserError(f"{name} with {n_samples} points needs about "
                        f"{size_text(n_samples * _BYTES_PER_SAMPLE)} of memory; "
                        f"{size_text(memory)} is available")


def open_data(
    source, columns: Sequence[str | int] | None = None, *, seed: int | None = None
) -> Dataset:
    """A built-in dataset name or a data file path, as a :class:`Dataset`.

    A registered name wins over a file of the same name in the working
    folder; write ``./blobs`` to load such a file.

    Parameters
    ----------
    source : str or os.PathLike
        Built-in name (see :func:`names`) or path to a CSV/TSV/``.npy`` file.
    columns : sequence of str or int, optional
        Columns to keep, by name or 0-based index. Default: all.
    seed : int, optional
        Seed of a synthetic built-in dataset (see :func:`get`).

    Returns
    -------
    Dataset
        For files: no labels or true parameters; ``meta`` as returned by
        :func:`load_data`.
    """
    if isinstance(source, str) and source in REGISTRY:
        data = get(source, seed=seed)
        if columns is None:
            return data
        keep = _select_columns(list(data.columns), columns, source)
        true_params = data.true_params
        if true_params is not None and keep != list(range(data.n_features)):
            true_params = {
                "weights": true_params["weights"],
                "means": true_params["means"][:, keep],
                "covariances": true_params["covariances"][:, keep][:, :, keep],
            }
        return Dataset(
            name=data.name,
            X=data.X[:, keep],
            labels=data.labels,
            true_params=true_params,
            columns=tuple(data.columns[j] for j in keep),
            units=data.units,
            description=data.description,
            meta=dict(data.meta),
        )
    text = os.fspath(source)
    if not os.path.exists(text) and os.sep not in text and "." not in text:
        # A bare word is more likely a mistyped dataset name than a file.
        raise UserError(
            f"data file not found: {text} (nor a built-in dataset: {', '.join(names())})"
        )
    X, meta = load_data(source, columns=columns)
    name = os.path.basename(meta["path"])
    return Dataset(
        name=name,
        X=X,
        labels=None,
        true_params=None,
        columns=tuple(meta["columns"]),
        units=None,
        description=f"{name}: {meta['n_samples']} rows from a {meta['format']} file",
        meta=meta,
    )
