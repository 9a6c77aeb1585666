"""The browser presentation: one self-contained HTML file that steps through EM with the keys of a remote.

Everything is inside the file: the player script and its style (``assets/``),
every scene's MP4 as base64 (the page turns it into a ``blob:`` URL), the
steps, their status lines and speaker notes as JSON. A Content-Security-Policy
that allows no source outside the page makes sure it asks the network for
nothing, so it plays from a USB stick without a server.
"""
from __future__ import annotations

import base64
import html
import json
from importlib import resources
from typing import Sequence

from .scenes import PresentedScene

__all__ = ["KEYS", "presentation_html"]

#: The keys of the page, as its help overlay and the README list them.
KEYS = (
    ("Right, Space, PageDown, click", "play the next step and stop at its end"),
    ("Left, PageUp", "back one step (shown at once)"),
    ("Home / End", "initial / final state of the scene"),
    ("digits, then Enter", "jump to the end of that iteration (a sweep: that K)"),
    ("P", "play the whole scene from here; P again stops"),
    ("R", "replay the current step"),
    ("N", "speaker notes"),
    ("F", "full screen"),
    ("? or H", "this help"),
)

# No source outside the page: scripts and styles inline, media from blob: URLs made in the page.
_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
           "media-src blob:; img-src data: blob:; base-uri 'none'; form-action 'none'")


def _asset(name: str) -> str:
    return resources.files("animate_em.present").joinpath("assets", name).read_text(encoding="utf-8")


def _script_json(value) -> str:
    # Inside <script>, "<" could close the element: JSON's \u003c escape keeps it data.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def _help_rows() -> str:
    return "\n".join(f"<tr><td><kbd>{html.escape(keys)}</kbd></td><td>{html.escape(what)}</td></tr>"
                     for keys, what in KEYS)


def presentation_html(scenes: Sequence[PresentedScene], videos: Sequence[bytes], *, title: str | None = None) -> str:
    """The page, as text.

    Parameters
    ----------
    scenes : sequence of PresentedScene
        The slides, in order.
    videos : sequence of bytes
        Each scene's MP4 (a keyframe on every step start; see
        :func:`~animate_em.present.media.scene_video`).
    title : str, optional
        The page title; default: the first scene's title.

    Returns
    -------
    str
    """
    config = {"scenes": []}
    media = []
    for index, (scene, video) in enumerate(zip(scenes, videos, strict=True)):
        media_id = f"em-media-{index}"
        config["scenes"].append({
            "name": scene.name, "title": scene.title, "fps": scene.fps, "n_frames": scene.n_frames,
            "width": scene.prepared.width, "height": scene.prepared.height, "media": media_id,
            "mime": "video/mp4",
            "steps": [{"start": step.start, "stop": step.stop, "beat": step.beat, "iteration": step.iteration,
                       "label": step.label, "status": scene.status(k), "notes": scene.notes[k]}
                      for k, step in enumerate(scene.steps)],
        })
        encoded = base64.b64encode(video).decode("ascii")
        lines = "\n".join(encoded[i:i + 120] for i in range(0, len(encoded), 120))
        media.append(f'<script type="application/octet-stream" id="{media_id}">\n{lines}\n</script>')
    page_title = html.escape(title if title is not None else scenes[0].title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_POLICY}">
<meta name="generator" content="animate-em present">
<title>{page_title}</title>
<style>
{_asset("player.css")}</style>
</head>
<body data-player="busy">
<main id="stage" aria-label="EM animation: click or press Right for the next step"></main>
<aside id="notes" hidden aria-label="speaker notes"><h2>Notes</h2><p id="notes-text"></p></aside>
<div id="entry" hidden aria-live="polite"></div>
<div id="help" hidden><h2>Keys</h2><table>
{_help_rows()}
</table></div>
<footer id="bar">
<button id="back" type="button" aria-label="previous step">&#9664;</button>
<div id="status" role="status" aria-live="polite"></div>
<span id="counter"></span>
<button id="forward" type="button" aria-label="next step">&#9654;</button>
</footer>
<noscript><p>This presentation needs JavaScript to step through the animation.</p></noscript>
<script type="application/json" id="em-data">{_script_json(config)}</script>
{chr(10).join(media)}
<script>
{_asset("player.js")}</script>
</body>
</html>
"""
