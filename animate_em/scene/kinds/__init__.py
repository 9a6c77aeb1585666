"""Kinds of scene, one sub-package each, and the registry that the shared code asks.

A scene file's ``kind`` names one of :data:`KINDS`. A kind brings what is
particular to it (see :class:`~animate_em.scene.kinds.base.Kind`): which runs
it fits, its timeline, its frame source and its poster. Shared code never
branches on a kind's name; a new kind is a new sub-package here plus one
entry below (and its name in the scene file schema).

- ``em`` (:mod:`.em`): the EM iterations of one or several runs, side by side.
- ``sweep`` (:mod:`.sweep`): one converged fit per K while the BIC curve grows.
- ``bound`` (:mod:`.bound`): one run's EM steps on slices through parameter
  space, ln p = L + KL: why EM never decreases the log-likelihood.
"""
from __future__ import annotations

from animate_em.scene.kinds.base import Kind
from animate_em.scene.kinds.bound import KIND as BOUND
from animate_em.scene.kinds.em import KIND as EM
from animate_em.scene.kinds.sweep import KIND as SWEEP

KINDS: dict[str, Kind] = {kind.name: kind for kind in (EM, SWEEP, BOUND)}


def get_kind(name: str) -> Kind:
    """The registered kind called ``name`` (scene files are validated, so it exists)."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown kind of scene {name!r}; known: {', '.join(KINDS)}") from None


__all__ = ["KINDS", "Kind", "get_kind"]
