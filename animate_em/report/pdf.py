"""The report as an A4 PDF laid out with matplotlib's PdfPages.

A tiny flow layout: blocks (title, heading, paragraph, figure, settings
table) are measured, stacked down a page and moved to the next page when
they do not fit. Paragraphs are wrapped by measuring words with the Agg
renderer, so lines fill the column whatever the text. Figures are drawn
into sub-figures of the page, so they stay vector graphics in the PDF.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from animate_em.report import figures
from animate_em.report.figures import FG, MUTED
from animate_em.scene.draw.figure import pinned_style

A4 = (8.27, 11.69)             # inches
LEFT, RIGHT, TOP, BOTTOM = 0.8, 0.8, 0.7, 0.75
WIDTH = A4[0] - LEFT - RIGHT   # 6.67 in, the figures' column width

BODY = 8.6          # points
LEADING = 1.36      # line height / font size
SIZES = {"title": 15.0, "subtitle": 8.6, "heading": 10.5, "body": BODY, "caption": 7.4, "mono": 6.3}


@dataclass
class Block:
    kind: str                     # title | subtitle | heading | para | figure | table
    text: str = ""
    name: str = ""                # figure name
    height: float = 0.0           # inches (figures: the drawing, without caption)
    width: float | None = None    # inches (figures narrower than the column)
    rows: list = field(default_factory=list)
    lines: list = field(default_factory=list)       # wrapped text (filled by layout)
    caption_lines: list = field(default_factory=list)
    space_before: float = 0.0
    total: float = 0.0            # inches taken on the page (filled by layout)


class _Measure:
    """Width of text in inches, measured with the Agg renderer at 72 dpi (1 px = 1 pt)."""

    def __init__(self):
        self.fig = Figure(figsize=(1, 1), dpi=72)
        self.renderer = FigureCanvasAgg(self.fig).get_renderer()
        self.cache: dict = {}

    def width(self, text: str, size: float, weight: str = "normal", family: str = "DejaVu Sans") -> float:
        key = (text, size, weight, family)
        if key not in self.cache:
            prop = FontProperties(family=family, size=size, weight=weight)
            w, _, _ = self.renderer.get_text_width_height_descent(text, prop, ismath=False)
            self.cache[key] = w / 72.0
        return self.cache[key]

    def wrap(self, text: str, size: float, width: float, weight: str = "normal",
             family: str = "DejaVu Sans") -> list[str]:
        """Greedy line breaks; words are measured once (kerning across words is negligible)."""
        space = self.width("a a", size, weight, family) - self.width("aa", size, weight, family)
        limit = width * 0.985           # room for the little kerning the sum leaves out
        lines, current, used = [], [], 0.0
        for word in text.split():
            w = self.width(word, size, weight, family)
            if current and used + space + w > limit:
                lines.append(" ".join(current))
                current, used = [], 0.0
            used += (space if current else 0.0) + w
            current.append(word)
        if current:
            lines.append(" ".join(current))
        return lines


def _line(size: float) -> float:
    return size * LEADING / 72.0


def _measure(blocks: list[Block], m: _Measure) -> None:
    for b in blocks:
        if b.kind in ("title", "subtitle", "heading", "para"):
            size = SIZES["body" if b.kind == "para" else b.kind]
            weight = "bold" if b.kind in ("title", "heading") else "normal"
            b.lines = m.wrap(b.text, size, WIDTH, weight)
            b.total = b.space_before + len(b.lines) * _line(size)
        elif b.kind == "figure":
            b.caption_lines = m.wrap(b.text, SIZES["caption"], WIDTH - 0.3)
            b.total = b.space_before + b.height + 0.04 + len(b.caption_lines) * _line(SIZES["caption"])
        elif b.kind == "table":
            label_w = 1.55
            b.lines = []
            for label, value in b.rows:
                wrapped = m.wrap(value, SIZES["mono"], WIDTH - label_w, family="DejaVu Sans Mono") or [""]
                b.lines.append((label, wrapped))
            b.total = b.space_before + sum(len(w) for _, w in b.lines) * _line(SIZES["mono"]) * 1.05


def _paginate(blocks: list[Block]) -> list[list[Block]]:
    pages, page, used = [], [], 0.0
    room = A4[1] - TOP - BOTTOM
    for i, b in enumerate(blocks):
        need = b.total
        # Keep a heading with the block after it.
        if b.kind == "heading" and i + 1 < len(blocks):
            need += blocks[i + 1].total
        if page and used + need > room:
            pages.append(page)
            page, used = [], 0.0
        page.append(b)
        used += b.total
    if page:
        pages.append(page)
    return pages


def _draw_page(fig: Figure, page: list[Block], data, number: int, count: int) -> None:
    y = A4[1] - TOP                     # inches from the bottom, moving down
    W, H = A4

    def text(x, y_top, s, size, **kw):
        fig.text(x / W, y_top / H, s, fontsize=size, va="top", ha="left", color=kw.pop("color", FG), **kw)

    for k, b in enumerate(page):
        y -= b.space_before if k else 0.0
        if b.kind in ("title", "subtitle", "heading", "para"):
            size = SIZES["body" if b.kind == "para" else b.kind]
            weight = "bold" if b.kind in ("title", "heading") else "normal"
            colour = MUTED if b.kind == "subtitle" else FG
            for line in b.lines:
                text(LEFT, y, line, size, fontweight=weight, color=colour)
                y -= _line(size)
        elif b.kind == "figure":
            rect = (LEFT / W, (y - b.height) / H, (b.width or WIDTH) / W, b.height / H)
            figures.DRAW[b.name](fig, data, rect)       # vectors, the poster included
            y -= b.height + 0.04
            for line in b.caption_lines:
                text(LEFT + 0.15, y, line, SIZES["caption"], color=MUTED)
                y -= _line(SIZES["caption"])
        elif b.kind == "table":
            size = SIZES["mono"]
            for label, wrapped in b.lines:
                text(LEFT, y, label, size, fontweight="bold")
                for line in wrapped:
                    text(LEFT + 1.55, y, line, size, family="DejaVu Sans Mono")
                    y -= _line(size) * 1.05
    fig.text(0.5, 0.4 / H, f"{data.title} · animate-em report · page {number} of {count}", fontsize=6.8,
             ha="center", va="bottom", color=MUTED)


def write_pdf(path: Path, blocks: list[Block], data) -> int:
    """Lay out ``blocks`` on A4 pages and write the PDF; returns the page count."""
    with pinned_style(), mpl.rc_context({"pdf.fonttype": 42, "pdf.compression": 6}):
        _measure(blocks, _Measure())
        pages = _paginate(blocks)
        meta = {"Title": data.title, "Subject": "EM fitting a Gaussian mixture", "Creator": "animate-em",
                "Producer": "animate-em (matplotlib)", "CreationDate": None, "ModDate": None}
        with PdfPages(path, metadata=meta) as pdf:
            for number, page in enumerate(pages, 1):
                fig = Figure(figsize=A4, dpi=72, facecolor="white")
                FigureCanvasAgg(fig)
                _draw_page(fig, page, data, number, len(pages))
                pdf.savefig(fig)
    return len(pages)
