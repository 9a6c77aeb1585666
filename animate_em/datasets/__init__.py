"""Data for EM to fit: files a user brings and built-in 2-D datasets.

>>> from animate_em.datasets import get, load_data
>>> data = get("faithful")            # Dataset, X of shape (272, 2)
>>> X, meta = load_data("points.csv")  # doctest: +SKIP

NumPy and the standard library only; no plotting here.
"""
from .dataset import Dataset
from .loading import load_data
from .registry import DEFAULT, REGISTRY, faithful, get, names, open_data
from .synthetic import anisotropic, blobs, overlap, sample_mixture, varied

__all__ = [
    "DEFAULT",
    "Dataset",
    "REGISTRY",
    "anisotropic",
    "blobs",
    "faithful",
    "get",
    "load_data",
    "names",
    "open_data",
    "overlap",
    "sample_mixture",
    "varied",
]
