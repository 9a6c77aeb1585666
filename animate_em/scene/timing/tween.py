"""Tweening between snapshots: easing, covariance geodesics and ellipse geometry.

Linear interpolation of covariance matrices inflates an ellipse while it
rotates (about twice the area half-way). The affine-invariant geodesic

    S(u) = S0^1/2 (S0^-1/2 S1 S0^-1/2)^u S0^1/2

stays symmetric positive definite, its determinant moves geometrically
(``det S(u) = det S0^(1-u) det S1^u``), and it looks like a natural glide.
Means and weights interpolate linearly.
"""
from __future__ import annotations

import numpy as np

# Eigenvalues below this (relative to the largest) are treated as this, so a
# nearly singular covariance still has a finite inverse square root.
_EIG_FLOOR = 1e-12


def ease(u: float) -> float:
    """Smooth in-out easing (cubic smoothstep), clamped to [0, 1].

    ``ease(0) == 0``, ``ease(1) == 1``, zero slope at both ends, monotone.
    """
    u = min(1.0, max(0.0, float(u)))
    return u * u * (3.0 - 2.0 * u)


def symmetric(a: np.ndarray) -> np.ndarray:
    return 0.5 * (a + np.swapaxes(a, -1, -2))


def _eigh_floor(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w, v = np.linalg.eigh(symmetric(a))
    floor = _EIG_FLOOR * np.maximum(np.abs(w).max(axis=-1, keepdims=True), np.finfo(float).tiny)
    return np.maximum(w, floor), v


def _from_eig(w: np.ndarray, v: np.ndarray) -> np.ndarray:
    return (v * w[..., None, :]) @ np.swapaxes(v, -1, -2)


def interpolate_covariances(c0: np.ndarray, c1: np.ndarray, u: float) -> np.ndarray:
    """Affine-invariant geodesic between two stacks of SPD matrices.

    Parameters
    ----------
    c0, c1 : ndarray of shape (K, d, d) or (d, d)
        Symmetric positive definite matrices (any dimension d).
    u : float
        Position on the geodesic; 0 gives ``c0`` and 1 gives ``c1`` exactly.

    Returns
    -------
    ndarray of the same shape
        Symmetric positive definite for every ``u`` in [0, 1].
    """
    c0 = np.asarray(c0, dtype=float)
    c1 = np.asarray(c1, dtype=float)
    if c0.shape != c1.shape:
        raise ValueError(f"covariance shapes differ: {c0.shape} vs {c1.shape}")
    if u <= 0.0:
        return c0.copy()
    if u >= 1.0:
        return c1.copy()
    w0, v0 = _eigh_floor(c0)
    root = _from_eig(np.sqrt(w0), v0)
    inv_root = _from_eig(1.0 / np.sqrt(w0), v0)
    middle, vm = _eigh_floor(inv_root @ c1 @ inv_root)
    return symmetric(root @ _from_eig(middle ** u, vm) @ root)


def interpolate_parameters(s0, s1, u: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mixture parameters a fraction ``u`` of the way from snapshot ``s0`` to ``s1``.

    Parameters
    ----------
    s0, s1 : Snapshot
        Snapshots with the same number of components and features.
    u : float
        Already-eased fraction in [0, 1].

    Returns
    -------
    weights : ndarray of shape (K,)
    means : ndarray of shape (K, d)
    covariances : ndarray of shape (K, d, d)
    """
    if s0.means.shape != s1.means.shape:
        raise ValueError(f"snapshot shapes differ: {s0.means.shape} vs {s1.means.shape}")
    u = float(u)
    if u <= 0.0:
        return np.array(s0.weights), np.array(s0.means), np.array(s0.covariances)
    if u >= 1.0:
        return np.array(s1.weights), np.array(s1.means), np.array(s1.covariances)
    weights = (1.0 - u) * s0.weights + u * s1.weights
    means = (1.0 - u) * s0.means + u * s1.means
    return weights, means, interpolate_covariances(s0.covariances, s1.covariances, u)


