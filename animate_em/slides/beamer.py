r"""LaTeX Beamer output: a frame per scene animating its PNG sequence with ``\animategraphics``."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from animate_em.errors import UserError

from .items import SlideItem

__all__ = ["BEAMER_OPTIONS", "latex_escape", "write_beamer"]

BEAMER_OPTIONS = r"loop,autoplay,controls,height=0.72\textheight"

_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """Text safe to typeset in LaTeX (special characters escaped)."""
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in text)


def write_beamer(items: Sequence[SlideItem], path: str | os.PathLike, *, media_prefix: str,
                 title: str = "EM animations") -> Path:
    r"""A Beamer (16:9) file, one frame per item animating its PNG sequence with ``\animategraphics``.

    Parameters
    ----------
    items : sequence of SlideItem
        Each with ``frames`` and ``frame_names``.
    path : path-like
    media_prefix : str
        Folder of the frame folders, relative to the ``.tex`` file (forward slashes).
    title : str
        PDF title.
    """
    lines = [
        "% Written by animate-em. Compile with pdflatex; the animations play in Acrobat,",
        "% Okular and PDF.js (other viewers show the first frame).",
        r"\documentclass[aspectratio=169]{beamer}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage[utf8]{inputenc}",
        r"\usepackage{animate}",
        r"\setbeamertemplate{navigation symbols}{}",
        r"\hypersetup{pdftitle={" + latex_escape(title) + "}}",
        r"\begin{document}",
    ]
    for item in items:
        if item.frames is None or not item.frame_names:
            raise UserError(f"scene {item.name!r} has no PNG frames for Beamer")
        prefix_name = "frame_"
        first = item.frame_names[0][len(prefix_name):-4]
        last = item.frame_names[-1][len(prefix_name):-4]
        stem = f"{media_prefix}/{item.frames.name}/{prefix_name}"
        caption = r" \\ ".join(latex_escape(line) for line in item.caption.split("\n"))
        lines += [
            "",
            r"\begin{frame}{" + latex_escape(item.title) + "}",
            r"  \centering",
            f"  \\animategraphics[{BEAMER_OPTIONS}]{{{item.beamer_fps}}}{{{stem}}}{{{first}}}{{{last}}}",
            r"  \par\vspace{0.5ex}",
            r"  {\scriptsize " + caption + "}",
            r"\end{frame}",
        ]
    lines += ["", r"\end{document}", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8")
    return Path(path)
