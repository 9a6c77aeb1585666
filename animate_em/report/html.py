"""The report as one self-contained HTML file.

Figures and the GIF are embedded as ``data:`` URIs and the style sheet is
inline, so the file can be mailed or put on a course page on its own: no
links, scripts, fonts or style sheets are fetched to view it.
"""
from __future__ import annotations

import base64
import html
from pathlib import Path

from animate_em.report.pdf import Block

CSS = """
body{font-family:"DejaVu Sans",Verdana,sans-serif;color:#1A1A1A;background:#fff;margin:0;line-height:1.5}
main{max-width:46rem;margin:2rem auto;padding:0 1.2rem}
h1{font-size:1.6rem;margin:0 0 .3rem} h2{font-size:1.15rem;margin:1.8rem 0 .5rem}
.subtitle{color:#5A5A5A;font-size:.9rem;margin:0 0 1rem}
p{margin:.5rem 0;font-size:.95rem}
figure{margin:1rem 0} figure img{width:100%;height:auto;display:block}
figcaption{color:#5A5A5A;font-size:.82rem;margin-top:.3rem}
table{border-collapse:collapse;font-size:.78rem;width:100%}
th{text-align:left;vertical-align:top;padding:.15rem .8rem .15rem 0;white-space:nowrap}
td{font-family:"DejaVu Sans Mono",monospace;word-break:break-all;padding:.15rem 0}
nav a{margin-right:.8rem;font-size:.85rem;color:#0072B2}
"""


def data_uri(path: Path, mime: str) -> str:
    """The file's bytes as a base64 ``data:`` URI."""
    return f"data:{mime};base64,{base64.b64encode(Path(path).read_bytes()).decode('ascii')}"


def _anchor(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def write_html(path: Path, blocks: list[Block], figure_pngs: dict, gif: Path | None, title: str) -> None:
    """Write the report to ``path``.

    Parameters
    ----------
    blocks : list of Block
        The same outline the PDF is laid out from.
    figure_pngs : dict
        Figure name -> PNG path (embedded as data URIs).
    gif : Path or None
        The animation, embedded after the title when given.
    """
    e = html.escape
    headings = [b.text for b in blocks if b.kind == "heading"]
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(title)}</title><style>{CSS}</style></head><body><main>"]
    for b in blocks:
        if b.kind == "title":
            out.append(f"<h1>{e(b.text)}</h1>")
        elif b.kind == "subtitle":
            out.append(f'<p class="subtitle">{e(b.text)}</p>')
            out.append("<nav>" + "".join(f'<a href="#{_anchor(h)}">{e(h)}</a>' for h in headings) + "</nav>")
            if gif is not None:
                out.append(f'<figure id="animation"><img src="{data_uri(gif, "image/gif")}" '
                           f'alt="Animation of EM fitting the mixture">'
                           "<figcaption>The animation: points recolour by responsibility in each E-step, "
                           "ellipses move in each M-step.</figcaption></figure>")
        elif b.kind == "heading":
            out.append(f'<h2 id="{_anchor(b.text)}">{e(b.text)}</h2>')
        elif b.kind == "para":
            out.append(f"<p>{e(b.text)}</p>")
        elif b.kind == "figure":
            out.append(f'<figure id="fig-{b.name}"><img src="{data_uri(figure_pngs[b.name], "image/png")}" '
                       f'alt="{e(b.text)}"><figcaption>{e(b.text)}</figcaption></figure>')
        elif b.kind == "table":
            out.append("<table>" + "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in b.rows)
                       + "</table>")
    out.append("</main></body></html>")
    Path(path).write_text("\n".join(out), encoding="utf-8")
