"""The handout: one PDF page per iteration (its final state, with the frame's caption), as vector graphics.

Each page is the animation's own figure set to the last frame of an
iteration's step and saved by matplotlib's PDF backend: points, ellipses and
text stay vectors (TrueType text, selectable), so students can zoom and
annotate.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Callable, Sequence

import matplotlib as mpl
from matplotlib.backends.backend_pdf import PdfPages

from animate_em.scene.frames.source import frame_source

from .scenes import PresentedScene, handout_steps

__all__ = ["HANDOUT_HEIGHT", "write_handout"]

#: Pages are laid out as frames this many pixels tall (at the scene's aspect ratio), whatever the
#: video's size: text is placed with the raster renderer's measurements, which match the vector
#: text at 720 rows (at 180 rows, hinting makes them differ and words would touch).
HANDOUT_HEIGHT = 720


def _page_layout(prepared):
    width = 2 * round(HANDOUT_HEIGHT * prepared.width / prepared.height / 2)
    return dataclasses.replace(prepared, width=width, height=HANDOUT_HEIGHT)


def write_handout(scenes: Sequence[PresentedScene], path: str | os.PathLike, *, title: str = "EM handout",
                  on_scene: Callable[[PresentedScene], None] | None = None) -> Path:
    """Write the handout of ``scenes`` to ``path`` (in place; callers wanting atomicity pass a temporary name).

    Parameters
    ----------
    scenes : sequence of PresentedScene
    path : path-like
        The ``.pdf`` to write.
    title : str
        The PDF's title.
    on_scene : callable(scene), optional
        Called before each scene's pages are drawn.

    Returns
    -------
    Path
    """
    # No creation date: the same scenes give the same file.
    metadata = {"Title": title, "Creator": "animate-em present", "CreationDate": None}
    # TrueType text (selectable, searchable) instead of matplotlib's default Type 3 glyphs; the
    # setting is read when text is drawn (inside the frame's pinned style) and when fonts are
    # embedded (as the file closes).
    truetype = {"pdf.fonttype": 42}
    with mpl.rc_context(truetype), PdfPages(os.fspath(path), metadata=metadata) as pages:
        for scene in scenes:
            if on_scene is not None:
                on_scene(scene)
            source = frame_source(_page_layout(scene.prepared))
            for step in handout_steps(scene.steps):
                with source.figure_at(step.last) as fig, mpl.rc_context(truetype):
                    pages.savefig(fig)
    return Path(path)
