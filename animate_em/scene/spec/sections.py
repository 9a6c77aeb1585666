"""The tables of a scene (``[data]``, ``[model]``, ``[[runs]]``, ``[timing]``, ``[style]``, ``[sweep]``).

Frozen dataclasses whose defaults come from :mod:`animate_em.scene.spec.schema`
(the table of every key is there); :class:`~animate_em.scene.spec.Scene`
validates the TOML and fills them.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from animate_em.scene.spec.schema import TABLES, defaults

_D = {table: defaults(table) for table in TABLES}


@dataclass(frozen=True)
class DataSpec:
    """``[data]``: which points to fit (see the table in :mod:`~animate_em.scene.spec.schema`)."""

    source: str = _D["data"]["source"]
    seed: int = _D["data"]["seed"]
    n_samples: int | None = _D["data"]["n_samples"]
    columns: tuple | None = _D["data"]["columns"]


@dataclass(frozen=True)
class ModelSpec:
    """``[model]``: the arguments of :func:`animate_em.em.fit` (see the table in :mod:`~animate_em.scene.spec.schema`)."""

    k: int = _D["model"]["k"]
    covariance_type: str = _D["model"]["covariance_type"]
    init: str = _D["model"]["init"]
    seed: int = _D["model"]["seed"]
    n_init: int = _D["model"]["n_init"]
    tol: float = _D["model"]["tol"]
    max_iter: int = _D["model"]["max_iter"]
    reg_covar: float = _D["model"]["reg_covar"]

    def fit_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``fit(X, k, **kwargs)`` (everything but ``k``)."""
        kwargs = dataclasses.asdict(self)
        kwargs.pop("k")
        return kwargs


@dataclass(frozen=True)
class RunSpec:
    """One ``[[runs]]`` entry: a label and the ``[model]`` keys it changes."""

    label: str | None = None
    overrides: dict = field(default_factory=dict)

    def model(self, base: ModelSpec) -> ModelSpec:
        """``base`` with this run's overrides applied."""
        return dataclasses.replace(base, **self.overrides)

    def display_label(self, index: int) -> str:
        if self.label is not None:
            return self.label
        if self.overrides:
            return ", ".join(f"{key}={value}" for key, value in self.overrides.items())
        return f"run {index + 1}"


@dataclass(frozen=True)
class SweepSpec:
    """``[sweep]``: the K values of a ``kind = "sweep"`` scene and how they are shown."""

    k: tuple = _D["sweep"]["k"]
    criterion: str = _D["sweep"]["criterion"]
    show_aic: bool = _D["sweep"]["show_aic"]
    seconds_per_step: float = _D["sweep"]["seconds_per_step"]


@dataclass(frozen=True)
class TimingSpec:
    """``[timing]``: frame rate and pacing (see the table in :mod:`~animate_em.scene.spec.schema`)."""

    fps: int | None = _D["timing"]["fps"]
    frames_per_iteration: int | None = _D["timing"]["frames_per_iteration"]
    duration: float = _D["timing"]["duration"]
    hold_start: float = _D["timing"]["hold_start"]
    hold_end: float = _D["timing"]["hold_end"]


@dataclass(frozen=True)
class StyleSpec:
    """``[style]``: how frames look (see the table in :mod:`~animate_em.scene.spec.schema`)."""

    theme: str = _D["style"]["theme"]
    quality: str = _D["style"]["quality"]
    width: int | None = _D["style"]["width"]
    height: int | None = _D["style"]["height"]
    sigma: float = _D["style"]["sigma"]
    ghost_every: int = _D["style"]["ghost_every"]
    show_trace: bool = _D["style"]["show_trace"]
    trace_scale: str = _D["style"]["trace_scale"]
    show_true: bool = _D["style"]["show_true"]
    point_size: float | None = _D["style"]["point_size"]
    point_alpha: float | None = _D["style"]["point_alpha"]
    line_width: float | None = _D["style"]["line_width"]
    annotate_gap: bool = _D["style"]["annotate_gap"]
    rank_runs: bool = _D["style"]["rank_runs"]
