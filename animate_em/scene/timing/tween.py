"""Tweening between snapshots: easing, covariance geodesics and ellipse geometry.

Linear interpolation of covariance matrices inflates an ellipse while it
rotates (about twice the area half-way). The affine-invariant geodesic

    S(u) = S0^1/2 (S0^-1/2 S1 S0^-1/2)^u S0^1/2

stays symmetric positive definite, its determinant moves geometrically
(``det S(u) = det S0^(1-u) det S1^u``), and it looks like a natural glide.
Means and weights interpolate linearly.

Colours fade through OKLab (Ottosson 2020), a perceptual colour space: a
grey point turning orange keeps its hue and gains colour evenly, where a
fade in sRGB passes through muddy in-between tones that look like
uncertain assignments.
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




# ---------------------------------------------------------------------------
# Colour fades
# ---------------------------------------------------------------------------

# Linear sRGB -> LMS cone responses, and cube-rooted LMS -> OKLab (Ottosson 2020).
_RGB_TO_LMS = np.array([[0.4122214708, 0.5363325363, 0.0514459929],
                        [0.2119034982, 0.6806995451, 0.1073969566],
                        [0.0883024619, 0.2817188376, 0.6299787005]])
_LMS_TO_LAB = np.array([[0.2104542553, 0.7936177850, -0.0040720468],
                        [1.9779984951, -2.4285922050, 0.4505937099],
                        [0.0259040371, 0.7827717662, -0.8086757660]])
_LAB_TO_LMS = np.linalg.inv(_LMS_TO_LAB)
_LMS_TO_RGB = np.linalg.inv(_RGB_TO_LMS)


def to_oklab(rgb: np.ndarray) -> np.ndarray:
    """sRGB colours (..., 3), floats in [0, 1], as OKLab (L in [0, 1], a and b about +-0.3)."""
    c = np.clip(np.asarray(rgb, dtype=float), 0.0, 1.0)
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return np.cbrt(linear @ _RGB_TO_LMS.T) @ _LMS_TO_LAB.T


def from_oklab(lab: np.ndarray) -> np.ndarray:
    """OKLab colours (..., 3) back to sRGB, clipped to [0, 1]."""
    linear = np.clip((np.asarray(lab, dtype=float) @ _LAB_TO_LMS.T) ** 3 @ _LMS_TO_RGB.T, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def fade_colours(c0: np.ndarray, c1: np.ndarray, u: float) -> np.ndarray:
    """Colours a fraction ``u`` of the way from ``c0`` to ``c1`` (both (N, 3) sRGB), through OKLab.

    ``u <= 0`` gives ``c0`` and ``u >= 1`` gives ``c1`` exactly.
    """
    u = float(u)
    if u <= 0.0:
        return np.asarray(c0, dtype=float)
    if u >= 1.0:
        return np.asarray(c1, dtype=float)
    return from_oklab((1.0 - u) * to_oklab(c0) + u * to_oklab(c1))
