"""Colours: the Okabe-Ito palette, light and dark themes, and soft-assignment mixing.

A component keeps its colour for the whole animation (component ``k`` uses
colour ``k`` of the theme, then of :data:`EXTENDED`: twenty colours in all). A point's colour is the
responsibility-weighted mix of the component colours, so an uncertain point
looks in-between rather than randomly picked.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.colors import to_rgb

#: Okabe & Ito (2008), colour-blind safe. Yellow is weak on white, so it comes last
#: among the colours; black (white in the dark theme) closes the list.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000"]

#: The dark theme's colours: Okabe-Ito with a lighter blue (#0072B2 is 3.2:1 on the dark ground, 2.4:1
#: as a translucent point, and its outlying points vanish; #217FBF is 3.9:1, 3.1:1 as a point, and
#: keeps the twenty colours 14 apart for every eye, see EXTENDED), and white instead of black.
DARK_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#217FBF", "#D55E00", "#CC79A7", "#F0E442", "#F5F5F5")

#: Colours 9 to 20, after a theme's eight: chosen greedily from a grid of mid-lightness sRGB colours
#: (CIELAB L* 42 to 70, so they read on white and on a dark ground), each the farthest from those
#: before it in CIELAB seen with normal vision and through the deuteranopia and protanopia
#: simulations of Machado et al. (2009). Any two of the twenty stay at least 14 apart (Delta E 1976)
#: in all three views (tests/scene/test_scene_palette.py); from K = 7 on, markers tell components
#: apart as well (:func:`animate_em.scene.draw.panels.component_markers`).
EXTENDED = ["#5A3CFF", "#7878FF", "#D2003C", "#E1965A", "#964B78", "#00783C", "#D200B4", "#5A96F0",
            "#FF4B78", "#E196A5", "#B43C0F", "#694BE1"]

#: Most components a frame tells apart (scenes allow K up to this).
MAX_COMPONENTS = 8 + len(EXTENDED)


@dataclass(frozen=True)
class Theme:
    """Every colour a frame uses.

    Attributes
    ----------
    name : str
    background : str
        Figure and axes face colour.
    foreground : str
        Text, axes spines, ticks, the log-likelihood trace.
    grid : str
        Grid lines and other quiet guides.
    muted : str
        Secondary text (units, notes).
    neutral_point : str
        Colour of a point before the first E-step.
    component_colours : tuple of str
        Colour of component k is ``component_colours[k % len]``.
    ghost_alpha : float
        Opacity of the faint ghost ellipses.
    point_alpha : float
        Opacity of the data points.
    """

    name: str
    background: str
    foreground: str
    grid: str
    muted: str
    neutral_point: str
    component_colours: tuple = field(default_factory=lambda: tuple(OKABE_ITO))
    ghost_alpha: float = 0.25
    point_alpha: float = 0.8


THEMES = {
    "light": Theme(
        name="light", background="#FFFFFF", foreground="#1A1A1A", grid="#E0E0E0", muted="#5A5A5A",
        neutral_point="#8C8C8C", component_colours=tuple(OKABE_ITO),
    ),
    "dark": Theme(
        name="dark", background="#1E1E1E", foreground="#EDEDED", grid="#3A3A3A", muted="#B0B0B0",
        neutral_point="#8C8C8C", component_colours=DARK_COLOURS,
        # Translucent points on a dark ground lose contrast: 0.85 keeps every component's points
        # at 3:1 or more against the background (WCAG's rule for graphics).
        point_alpha=0.85,
    ),
}


def get_theme(name: str) -> Theme:
    """The theme called ``name`` (``"light"`` or ``"dark"``); KeyError lists the choices."""
    try:
        return THEMES[name]
    except KeyError:
        raise KeyError(f"unknown theme {name!r} (choose from {', '.join(THEMES)})") from None


def hex_to_rgb(colour: str) -> np.ndarray:
    """A matplotlib colour as an RGB array of shape (3,), floats in [0, 1]."""
    return np.array(to_rgb(colour), dtype=float)


def component_rgb(theme: Theme, k: int) -> np.ndarray:
    """Colours of components ``0 .. k-1``, shape (k, 3), floats in [0, 1].

    The theme's colours first, then :data:`EXTENDED`, so K up to
    :data:`MAX_COMPONENTS` gets K different colours (it cycles beyond).
    """
    colours = tuple(theme.component_colours) + tuple(EXTENDED)
    return np.array([to_rgb(colours[i % len(colours)]) for i in range(k)], dtype=float).reshape(k, 3)


def mix_colours(resp: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    """Responsibility-weighted mix of component colours.

    Parameters
    ----------
    resp : ndarray of shape (N, K)
        Responsibilities; each row is normalised to sum to one.
    rgb : ndarray of shape (K, 3)
        Component colours.

    Returns
    -------
    ndarray of shape (N, 3)
        Each row a convex combination of the rows of ``rgb``.
    """
    resp = np.asarray(resp, dtype=float)
    rgb = np.asarray(rgb, dtype=float)
    if resp.ndim != 2 or rgb.shape != (resp.shape[1], 3):
        raise ValueError(f"mix_colours needs resp (N, K) and rgb (K, 3), got {resp.shape} and {rgb.shape}")
    resp = np.clip(resp, 0.0, None)
    totals = resp.sum(axis=1, keepdims=True)
    resp = np.divide(resp, totals, out=np.full_like(resp, 1.0 / max(resp.shape[1], 1)), where=totals > 0)
    return np.clip(resp @ rgb, 0.0, 1.0)


def blend(a: np.ndarray, b: np.ndarray, u: float) -> np.ndarray:
    """``(1 - u) * a + u * b`` for colour arrays of shape (N, 3) (or broadcastable), u in [0, 1]."""
    u = min(1.0, max(0.0, float(u)))
    return (1.0 - u) * np.asarray(a, dtype=float) + u * np.asarray(b, dtype=float)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a colour."""
    c = hex_to_rgb(colour)
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(c @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
