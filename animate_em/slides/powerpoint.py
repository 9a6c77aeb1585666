"""PowerPoint output: a 16:9 deck written with python-pptx, one video per slide.

A scene deck's videos start on the first click (a remote's next button), a
step deck's as soon as the slide opens (see :mod:`.timing`).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from .items import SlideItem
from .timing import set_media_timing

__all__ = ["SLIDE_HEIGHT", "SLIDE_WIDTH", "write_pptx"]

#: 16:9 slide in EMU: PowerPoint's "On-screen Show (16:9)", 10 x 5.625 in, declared as ``screen16x9``.
SLIDE_WIDTH, SLIDE_HEIGHT = 9144000, 5143500
_SLIDE_SIZE_TYPE = "screen16x9"


def _declare_16_9(prs) -> None:
    """Set the 16:9 size and say so (python-pptx's template declares ``screen4x3``)."""
    from pptx.util import Emu

    prs.slide_width, prs.slide_height = Emu(SLIDE_WIDTH), Emu(SLIDE_HEIGHT)
    prs.part._element.sldSz.set("type", _SLIDE_SIZE_TYPE)


def write_pptx(items: Sequence[SlideItem], path: str | os.PathLike) -> Path:
    """A 16:9 deck, one slide per item: title, MP4 with its cover, caption, notes.

    A slide's video plays on the first click, or as soon as the slide opens
    when ``item.autoplay`` is set. Slides have no transition, so the slides
    of a step deck follow each other without a visible change.

    Parameters
    ----------
    items : sequence of SlideItem
    path : path-like
        Written in place (callers wanting atomicity pass a temporary name).
    """
    from pptx import Presentation
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    prs = Presentation()
    _declare_16_9(prs)
    layout = prs.slide_layouts[5]  # "Title Only": a real title, so outlines and navigation name the slide
    margin = Inches(0.375)
    for item in items:
        slide = prs.slides.add_slide(layout)
        title = slide.shapes.title
        title.left, title.top = margin, Inches(0.19)
        title.width, title.height = SLIDE_WIDTH - 2 * margin, Inches(0.675)
        title.text = item.title
        for paragraph in title.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(24)
        # The caption grows with the number of runs; the video fills what is left
        # between title and caption, at its own aspect ratio.
        lines = item.caption.split("\n")
        font = 10.5 if len(lines) == 1 else 9 if len(lines) <= 3 else 7.5
        rows = len(lines) + (1 if len(lines) == 1 else 0)   # room for one wrapped line
        caption_height = Inches(0.11) + int(rows * Pt(font) * 1.3)
        caption_top = SLIDE_HEIGHT - Inches(0.15) - caption_height
        box_top = Inches(0.9)
        box_width, box_height = SLIDE_WIDTH - 2 * margin, caption_top - Inches(0.075) - box_top
        scale = min(box_width / item.width, box_height / item.height)
        width, height = int(item.width * scale), int(item.height * scale)
        left = (SLIDE_WIDTH - width) // 2
        movie = slide.shapes.add_movie(str(item.video), left, box_top + (box_height - height) // 2, width, height,
                                       poster_frame_image=str(item.cover), mime_type="video/mp4")
        seconds = item.seconds if item.seconds is not None else 0.0
        set_media_timing(slide, movie.shape_id, round(seconds * 1000), autoplay=item.autoplay)
        caption = slide.shapes.add_textbox(margin, caption_top, SLIDE_WIDTH - 2 * margin, caption_height)
        frame = caption.text_frame
        frame.word_wrap = True
        for i, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            paragraph.text = line
            paragraph.alignment = PP_ALIGN.CENTER
            for run in paragraph.runs:
                run.font.size = Pt(font)
        slide.notes_slide.notes_text_frame.text = item.notes
    prs.save(os.fspath(path))
    return Path(path)
