r"""Slide decks: one slide per scene, the animation embedded, ready for a lecture.

:func:`build_deck` renders every scene to MP4 (plus a cover image, the first
frame) and writes a 16:9 PowerPoint deck with python-pptx: the scene's title,
the video (click to play; the cover shows until then), and a caption with the
numbers a lecturer quotes (K, init, iterations, final log-likelihood, BIC).
The video bytes are embedded, so the ``.pptx`` is self-contained; the media
and their manifests also stay in ``<deck>_media/`` beside it.

With ``beamer=True`` a LaTeX Beamer file ``<deck>.tex`` is written too: a
frame per scene animating a PNG sequence with the ``animate`` package::

    \animategraphics[loop,autoplay,controls,height=0.72\textheight]{10}{deck_media/em-basics_beamer_frames/frame_}{000}{064}

Beamer frames are rendered separately at a lower rate (10 fps, 480p by
default) to keep the PDF light. Nothing is left behind on failure: media go
to a temporary folder first and the deck files are renamed into place last.
"""
from __future__ import annotations

from .beamer import BEAMER_OPTIONS, latex_escape, write_beamer
from .deck import DeckResult, build_deck
from .items import SlideItem, caption_text
from .powerpoint import SLIDE_HEIGHT, SLIDE_WIDTH, write_pptx

__all__ = ["BEAMER_OPTIONS", "DeckResult", "SLIDE_HEIGHT", "SLIDE_WIDTH", "SlideItem", "build_deck", "caption_text",
           "latex_escape", "write_beamer", "write_pptx"]
