"""PowerPoint output: a 16:9 deck written with python-pptx, one click-to-play video per slide."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from .items import SlideItem

__all__ = ["SLIDE_HEIGHT", "SLIDE_WIDTH", "write_pptx"]

#: 16:9 slide in EMU (13.333 x 7.5 in), PowerPoint's default widescreen size.
SLIDE_WIDTH, SLIDE_HEIGHT = 12192000, 6858000
_EMU_PER_INCH = 914400


def write_pptx(items: Sequence[SlideItem], path: str | os.PathLike) -> Path:
    """A 16:9 deck, one slide per item: title, click-to-play MP4 with its cover, caption, notes.

    Parameters
    ----------
    items : sequence of SlideItem
    path : path-like
        Written in place (callers wanting atomicity pass a temporary name).
    """
    from pptx import Presentation
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(SLIDE_WIDTH), Emu(SLIDE_HEIGHT)
    layout = prs.slide_layouts[5]  # "Title Only": a real title, so outlines and navigation name the slide
    margin = Inches(0.5)
    for item in items:
        slide = prs.slides.add_slide(layout)
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = margin, Inches(0.25), SLIDE_WIDTH - 2 * margin, Inches(0.9)
        title.text = item.title
        for paragraph in title.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(32)
        # The caption grows with the number of runs; the video fills what is left
        # between title and caption, at its own aspect ratio.
        lines = item.caption.split("\n")
        font = 14 if len(lines) == 1 else 12 if len(lines) <= 3 else 10
        rows = len(lines) + (1 if len(lines) == 1 else 0)   # room for one wrapped line
        caption_height = Inches(0.15) + int(rows * Pt(font) * 1.3)
        caption_top = SLIDE_HEIGHT - Inches(0.2) - caption_height
        box_top = Inches(1.2)
        box_width, box_height = SLIDE_WIDTH - 2 * margin, caption_top - Inches(0.1) - box_top
        scale = min(box_width / item.width, box_height / item.height)
        width, height = int(item.width * scale), int(item.height * scale)
        left = (SLIDE_WIDTH - width) // 2
        slide.shapes.add_movie(str(item.video), left, box_top + (box_height - height) // 2, width, height,
                               poster_frame_image=str(item.cover), mime_type="video/mp4")
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
