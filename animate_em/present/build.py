"""Building a presentation: check every input and output, draw each scene once per medium, move files into place."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from animate_em.encode.atomic import remove_quietly, reserve_file
from animate_em.encode.video import check_h264_level
from animate_em.errors import UserError

from .handout import write_handout
from .html import presentation_html
from .media import scene_video
from .scenes import PresentedScene, present_scenes

__all__ = ["PresentResult", "build_presentation"]


@dataclass
class PresentResult:
    """What :func:`build_presentation` wrote."""

    html: Path | None
    pdf: Path | None
    scenes: list[PresentedScene]


def _check_name(path, suffixes: tuple[str, ...], what: str) -> Path | None:
    if path is None:
        return None
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise UserError(f"{what} must be a {' or '.join(suffixes)} file, got {path}")
    return path


def build_presentation(scenes: Sequence, *, html: str | os.PathLike | None = None,
                       pdf: str | os.PathLike | None = None, overrides: dict | None = None,
                       on_scene: Callable[[int, int, str], None] | None = None) -> PresentResult:
    """Write a step-by-step browser presentation and/or a PDF handout of ``scenes``.

    Parameters
    ----------
    scenes : sequence of str, path or Scene
        Built-in scene names, scene TOML files or Scene objects; one slide each.
    html : path-like, optional
        The ``.html`` file: self-contained, one click per step (see :mod:`.html`).
    pdf : path-like, optional
        The ``.pdf`` handout: one page per iteration, vector graphics.
    overrides : dict, optional
        Scene overrides for every scene, e.g. ``{"quality": "l"}``.
    on_scene : callable(index, total, name), optional
        Called before each scene is drawn.

    Returns
    -------
    PresentResult

    Raises
    ------
    UserError
        Nothing to write, a wrong file name, a bad scene or data, an output
        that cannot be written; nothing is left behind.
    """
    html = _check_name(html, (".html", ".htm"), "the presentation")
    pdf = _check_name(pdf, (".pdf",), "the handout")
    if html is None and pdf is None:
        raise UserError("nothing to write: give the presentation (-o talk.html) and/or the handout "
                        "(--pdf handout.pdf)")
    # Scenes are read, their data loaded and fitted before any file is touched: bad input fails first.
    presented = present_scenes(scenes, overrides)
    if html is not None:
        for scene in presented:
            check_h264_level(scene.prepared.width, scene.prepared.height, scene.fps)
    targets = [p for p in (html, pdf) if p is not None]
    made = sorted({folder for target in targets for folder in target.parents if not folder.exists()},
                  key=lambda folder: len(folder.parts), reverse=True)
    reserved: dict[Path, Path] = {}
    done = False
    try:
        for target in targets:
            reserved[target] = reserve_file(target)[0]
        total = len(presented) * len(targets)
        drawn = iter(range(total))

        def announce(name: str) -> None:
            index = next(drawn)
            if on_scene is not None:
                on_scene(index, total, name)

        if html is not None:
            with tempfile.TemporaryDirectory(prefix="animate-em-present-") as scratch:
                videos = []
                for scene in presented:
                    announce(scene.name)
                    videos.append(scene_video(scene, Path(scratch) / f"{scene.name}.mp4").read_bytes())
            reserved[html].write_text(presentation_html(presented, videos), encoding="utf-8")
        if pdf is not None:
            write_handout(presented, reserved[pdf], title=presented[0].title,
                          on_scene=lambda scene: announce(f"{scene.name} (handout)"))
        for target, tmp in reserved.items():
            os.replace(tmp, target)
        done = True
    finally:
        if not done:
            for tmp in reserved.values():
                remove_quietly(tmp)
            for folder in made:
                try:
                    folder.rmdir()
                except OSError:
                    pass
    return PresentResult(html=html, pdf=pdf, scenes=presented)
