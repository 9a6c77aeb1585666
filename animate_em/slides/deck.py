"""Building a deck: check the inputs and output, render each scene's media, write the files, move them into place.

A scene deck has one slide per scene, its video started by the first click. A
step deck (``step=True``) has one slide per step of every scene (the initial
state, each E and M beat, the final state; a sweep: each K): the slide's video
is that step's frames and starts by itself, so each press of a remote's next
button plays exactly one step of EM.
"""
from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from animate_em.encode.video import check_h264_level
from animate_em.errors import UserError
from animate_em.signals import deferred

from .beamer import write_beamer
from .items import SlideItem, _notes, caption_text
from .powerpoint import write_pptx

__all__ = ["DeckResult", "build_deck"]

_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class DeckResult:
    """What :func:`build_deck` wrote: the deck, the optional Beamer file, the media folder, the slides."""

    pptx: Path
    tex: Path | None
    media_dir: Path
    slides: list


# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------

def _check_output(path: Path) -> Path:
    """Fail before any rendering if the deck cannot be written where asked."""
    from animate_em.encode.atomic import check_target

    if path.suffix.lower() != ".pptx":
        raise UserError(f"deck must be a .pptx file, got {path}")
    check_target(path)   # a folder, a FIFO or a device is refused, never replaced
    for ancestor in path.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise UserError(f"cannot write {path}: {ancestor} is a file, not a folder")
            break
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with deferred():   # the probe never outlives an interrupt
            handle, probe = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".probe", dir=path.parent)
            os.close(handle)
            os.unlink(probe)
    except OSError as error:
        raise UserError(f"cannot write {path} ({(error.strerror or str(error)).lower()})") from None
    return path


def _check_targets(path: Path, media: Path, names: Sequence[str], beamer: bool, step: bool = False) -> None:
    """Fail before any rendering if a file the deck replaces is a folder (or the media folder a file)."""
    for ancestor in [media, *media.parents]:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise UserError(f"cannot write the media to {media}: {ancestor} is a file, not a folder")
            break
    files = [media / f"{name}{ext}" for name in names
             for ext in (".mp4", "_cover.png", ".manifest.json", ".chapters.vtt")]
    if step:
        for name in names:
            folder = media / f"{name}_steps"
            if folder.exists() and not folder.is_dir():
                raise UserError(f"cannot write the step videos to {folder}: it is a file, not a folder")
    if beamer:
        files.append(path.with_suffix(".tex"))
    from animate_em.encode.atomic import check_target

    for file in files:
        check_target(file)


def _remove_made(made: Sequence[Path]) -> None:
    """Remove the (empty) folders made for a deck that failed: it leaves nothing behind."""
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:
            break


# ---------------------------------------------------------------------------
# Rendering the media
# ---------------------------------------------------------------------------

def _prepare(scene, name: str, overrides: dict):
    """The scene's data loaded and its runs fitted (cheap next to drawing): every data error surfaces here."""
    from animate_em.animation import as_prepared

    return as_prepared(scene.with_overrides({"name": name}), overrides=overrides)


def _render_steps(scene, folder: Path) -> list[SlideItem]:
    """A slide per step: the step's own video, starting by itself, its first frame the cover."""
    from animate_em.present import step_segments

    prepared = scene.prepared
    caption = caption_text(prepared)
    items = []
    for index, segment in enumerate(step_segments(scene, folder / f"{scene.name}_steps")):
        # Every slide of a scene has the same title and caption: only the video moves on.
        items.append(SlideItem(name=f"{scene.name}_step_{index}", title=scene.title, caption=caption,
                               notes=scene.notes[index], video=segment.video, cover=segment.poster, manifest=None,
                               width=prepared.width, height=prepared.height,
                               seconds=segment.step.n_frames / prepared.fps, autoplay=True))
    return items


def _render_item(prepared, beamer_prepared, name: str, folder: Path) -> SlideItem:
    from animate_em import manifest as manifests
    from animate_em.animation import render
    from animate_em.encode import write_png
    from animate_em.scene import frame_source

    result = render(prepared, folder / f"{name}.mp4")
    # The first frame is what the video shows when it starts: the natural cover.
    cover = write_png(frame_source(prepared).frame(0)[..., :3], folder / f"{name}_cover.png")
    record = manifests.load_manifest(result.manifest)
    item = SlideItem(name=name, title=prepared.scene.title or name, caption=caption_text(prepared),
                     notes=_notes(record), video=result.paths[0], cover=cover, manifest=result.manifest,
                     width=result.width, height=result.height, seconds=result.duration)
    if beamer_prepared is not None:
        _add_beamer_frames(item, beamer_prepared, folder)
    return item


def _add_beamer_frames(item: SlideItem, beamer_prepared, folder: Path) -> SlideItem:
    """Render the PNG sequence a Beamer frame animates and note it on ``item``."""
    from animate_em.animation import render

    frames = render(beamer_prepared, folder / f"{item.name}_beamer_frames", formats="png")
    item.frames = frames.paths[0]
    item.frame_names = sorted(p.name for p in item.frames.glob("frame_*.png"))
    item.beamer_fps = frames.fps
    return item


def build_deck(scenes: Sequence, path: str | os.PathLike, *, overrides: dict | None = None, beamer: bool = False,
               beamer_fps: int = 10, beamer_quality: str = "l", media_dir: str | os.PathLike | None = None,
               on_scene: Callable[[int, int, str], None] | None = None, step: bool = False) -> DeckResult:
    """Render scenes and write a 16:9 PowerPoint deck (and optionally a Beamer file).

    Parameters
    ----------
    scenes : sequence of str, path or Scene
        Built-in scene names, scene TOML files or :class:`Scene` objects; one slide each.
    path : path-like
        The ``.pptx`` to write (atomically; missing folders are created).
    overrides : dict, optional
        Scene overrides for every scene, e.g. ``{"quality": "l"}``.
    beamer : bool
        Also write ``<deck>.tex`` (Beamer, ``animate`` package) beside the deck.
    beamer_fps : int
        Frame rate of the Beamer PNG sequences (lower = lighter PDF).
    beamer_quality : str
        Size preset of the Beamer frames (``l`` = 854x480).
    media_dir : path-like, optional
        Where MP4s, covers, manifests and Beamer frames stay; default
        ``<deck stem>_media/`` beside the deck.
    on_scene : callable(index, total, name), optional
        Called before each scene is rendered.
    step : bool
        One slide per step instead of per scene: each slide's video is one step
        (``<media>/<scene>_steps/step_000.mp4`` ...) and plays as the slide opens.

    Returns
    -------
    DeckResult

    Raises
    ------
    UserError
        No scenes, an unknown or invalid scene, or an output that cannot be written.
    """
    from animate_em.present import present_scenes

    if not scenes:
        raise UserError("a deck needs at least one scene")
    # Every scene is read, its data loaded and fitted, and the output probed before anything is
    # drawn or announced: bad input fails first, with one message, in well under a second.
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    presented = present_scenes(scenes, overrides)
    for scene in presented:
        check_h264_level(scene.prepared.width, scene.prepared.height, scene.fps)
    names = [scene.name for scene in presented]
    prepared = [scene.prepared for scene in presented]
    beamer_overrides = {**overrides, "quality": beamer_quality, "fps": beamer_fps}
    # Beamer frames are the same fit at another frame rate and size; preparing them again is cheap.
    beamer_prepared = ([_prepare(p.scene, name, beamer_overrides) for p, name in zip(prepared, names)]
                       if beamer else [None] * len(prepared))
    path = Path(path)
    made = [p for p in reversed(path.parents) if not p.exists()]
    media = Path(media_dir) if media_dir is not None else path.with_name(_SAFE.sub("_", path.stem) + "_media")
    try:
        path = _check_output(path)
        _check_targets(path, media, names, beamer, step)
    except UserError:
        _remove_made(made)
        raise
    scratch = pptx_tmp = tex_tmp = None
    done = False
    try:
        with deferred():   # created and known to the clean-up below before a signal can strike
            scratch = Path(tempfile.mkdtemp(prefix=f".{path.stem}_media.tmp-", dir=path.parent))
        items, scene_items = [], []
        for i, name in enumerate(names):
            if on_scene is not None:
                on_scene(i, len(names), name)
            if step:
                steps = _render_steps(presented[i], scratch)
                items += steps
                # Beamer animates the whole scene, as in a scene deck.
                item = dataclasses.replace(steps[0], name=name)
                if beamer_prepared[i] is not None:
                    _add_beamer_frames(item, beamer_prepared[i], scratch)
            else:
                item = _render_item(prepared[i], beamer_prepared[i], name, scratch)
                items.append(item)
            scene_items.append(item)
        pptx_tmp = scratch / "deck.pptx"
        write_pptx(items, pptx_tmp)
        tex = path.with_suffix(".tex") if beamer else None
        if beamer:
            tex_tmp = scratch / "deck.tex"
            write_beamer(scene_items, tex_tmp, media_prefix=_tex_path(media, tex.parent), title=path.stem)
        with deferred():   # the media, the deck and the .tex land together
            _move_media(scratch, media, items)
            os.replace(pptx_tmp, path)
            if tex is not None:
                os.replace(tex_tmp, tex)
        done = True
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        if not done:
            _remove_made(made)
    for item in items:
        item.video, item.cover = media / item.video.relative_to(scratch), media / item.cover.relative_to(scratch)
        item.manifest = media / item.manifest.name if item.manifest else None
        if item.frames is not None:
            item.frames = media / item.frames.name
    return DeckResult(pptx=path, tex=tex, media_dir=media, slides=items)


def _tex_path(media: Path, tex_dir: Path) -> str:
    try:
        rel = Path(os.path.relpath(media.resolve(), tex_dir.resolve()))
    except ValueError:
        rel = media.resolve()
    return rel.as_posix()


def _move_media(scratch: Path, media: Path, items: list) -> None:
    from animate_em.encode.atomic import replace_dir

    media.mkdir(parents=True, exist_ok=True)
    for entry in sorted(scratch.iterdir()):
        if entry.name in ("deck.pptx", "deck.tex"):
            continue
        target = media / entry.name
        if entry.is_dir():
            replace_dir(entry, target)
        else:
            os.replace(entry, target)
