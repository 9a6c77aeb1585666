"""Ellipse geometry: the sigma ellipse of a 2-D Gaussian, as matplotlib draws it."""
from __future__ import annotations

import numpy as np

from animate_em.scene.timing.tween import symmetric


def ellipse_geometry(mean: np.ndarray, cov: np.ndarray, sigma: float = 2.0
                     ) -> tuple[np.ndarray, float, float, float]:
    """The ``sigma`` ellipse (Mahalanobis radius ``sigma``) of a 2-D Gaussian.

    In 2-D the 2-sigma ellipse holds ``1 - exp(-2)``, about 86 % of the mass.

    Parameters
    ----------
    mean : ndarray of shape (2,)
    cov : ndarray of shape (2, 2)
    sigma : float
        Mahalanobis radius of the ellipse.

    Returns
    -------
    center : ndarray of shape (2,)
    width : float
        Full length of the major axis, ``2 * sigma * sqrt(largest eigenvalue)``.
    height : float
        Full length of the minor axis.
    angle : float
        Angle of the major axis in degrees, counter-clockwise from +x, in (-90, 90]
        (matplotlib's ``Ellipse(center, width, height, angle=angle)``).
    """
    mean = np.asarray(mean, dtype=float)
    cov = np.asarray(cov, dtype=float)
    if mean.shape != (2,) or cov.shape != (2, 2):
        raise ValueError(f"ellipse_geometry needs a 2-D Gaussian, got mean {mean.shape}, cov {cov.shape}")
    w, v = np.linalg.eigh(symmetric(cov))
    w = np.maximum(w, 0.0)
    major = v[:, 1]
    angle = float(np.degrees(np.arctan2(major[1], major[0])))
    if angle <= -90.0:
        angle += 180.0
    elif angle > 90.0:
        angle -= 180.0
    width = 2.0 * sigma * float(np.sqrt(w[1]))
    height = 2.0 * sigma * float(np.sqrt(w[0]))
    return mean.copy(), width, height, angle


def ellipse_geometries(means: np.ndarray, covariances: np.ndarray, sigma: float = 2.0
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`ellipse_geometry` for every component at once.

    Parameters
    ----------
    means : ndarray of shape (K, 2)
    covariances : ndarray of shape (K, 2, 2)
    sigma : float

    Returns
    -------
    centers : ndarray of shape (K, 2)
    widths, heights, angles : ndarray of shape (K,)
    """
    out = [ellipse_geometry(m, c, sigma) for m, c in zip(means, covariances)]
    if not out:
        return np.zeros((0, 2)), np.zeros(0), np.zeros(0), np.zeros(0)
    centers, widths, heights, angles = zip(*out)
    return np.array(centers), np.array(widths), np.array(heights), np.array(angles)


def ellipse_points(mean: np.ndarray, cov: np.ndarray, sigma: float = 2.0, n: int = 100) -> np.ndarray:
    """``n`` points on the ``sigma`` ellipse, shape (n, 2) (closed curve, first point not repeated)."""
    center, width, height, angle = ellipse_geometry(mean, cov, sigma)
    t = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    a = np.radians(angle)
    major = np.array([np.cos(a), np.sin(a)])
    minor = np.array([-np.sin(a), np.cos(a)])
    return (center + np.outer(0.5 * width * np.cos(t), major)
            + np.outer(0.5 * height * np.sin(t), minor))

