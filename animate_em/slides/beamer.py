r"""LaTeX Beamer output: a frame per scene animating its PNG sequence with ``\animategraphics``."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from animate_em.errors import UserError

from .items import SlideItem

__all__ = ["BEAMER_OPTIONS", "latex_escape", "write_beamer"]

BEAMER_OPTIONS = r"loop,autoplay,controls,keepaspectratio,width=\linewidth"

_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """Text safe to typeset in LaTeX (special characters escaped)."""
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in text)


def _fit(caption_rows: int) -> tuple[str, str]:
    """Caption size and the animation's share of the text height, so both fit under the frame title.

    Measured by compiling (pdflatex reports "Overfull \\vbox" when a frame
    overflows): under a frame title and a caption of one run (which wraps
    once), a 16:9 animation fits up to about 0.76 of ``\\textheight``; each
    further run's line takes about 0.045 (0.035 in ``\\tiny``, from four).
    """
    size = r"\scriptsize" if caption_rows <= 3 else r"\tiny"
    step = 0.045 if caption_rows <= 3 else 0.035
    return size, f"{max(0.4, 0.74 - step * (caption_rows - 1)):.2f}"


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
        "% Written by animate-em. Run pdflatex on this file TWICE: the animate package",
        "% writes the frames' timeline on the first pass and uses it on the second.",
        "% The animations play in Acrobat, Okular and PDF.js (other viewers show the first frame).",
        r"\documentclass[aspectratio=169]{beamer}",
        r"\usepackage[T1]{fontenc}",
        r"\usepackage{lmodern}   % vector Latin Modern fonts; T1 alone falls back to bitmap fonts",
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
        rows = item.caption.split("\n")
        caption = r" \\ ".join(latex_escape(line) for line in rows)
        size, height = _fit(len(rows))
        lines += [
            "",
            r"\begin{frame}{" + latex_escape(item.title) + "}",
            r"  \centering",
            f"  \\animategraphics[{BEAMER_OPTIONS},height={height}\\textheight]"
            f"{{{item.beamer_fps}}}{{{stem}}}{{{first}}}{{{last}}}",
            r"  \par\vspace{0.5ex}",
            # \par inside the group: the last line keeps the small size's line spacing.
            "  {" + size + " " + caption + r"\par}",
            r"\end{frame}",
        ]
    lines += ["", r"\end{document}", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8")
    return Path(path)
