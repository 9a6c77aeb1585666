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

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from animate_em.errors import UserError

__all__ = ["DeckResult", "SlideItem", "build_deck", "caption_text", "latex_escape", "write_beamer", "write_pptx"]

#: 16:9 slide in EMU (13.333 x 7.5 in), PowerPoint's default widescreen size.
SLIDE_WIDTH, SLIDE_HEIGHT = 12192000, 6858000
_EMU_PER_INCH = 914400
BEAMER_OPTIONS = r"loop,autoplay,controls,height=0.72\textheight"
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class SlideItem:
    """One scene of a deck and the files rendered for it.

    Attributes
    ----------
    name : str
        Media file stem (the scene name, made unique and file-system safe).
    title : str
    caption : str
        The key numbers, one line per run.
    notes : str
        Speaker notes: when each iteration starts in the video.
    video, cover, manifest : Path
        MP4, first frame (PNG) and render manifest.
    width, height : int
        Video size in pixels.
    frames : Path or None
        PNG frame folder for Beamer.
    frame_names : list of str
        Frame file names in that folder, in order.
    beamer_fps : int or None
    """

    name: str
    title: str
    caption: str
    notes: str
    video: Path
    cover: Path
    manifest: Path | None
    width: int
    height: int
    frames: Path | None = None
    frame_names: list = field(default_factory=list)
    beamer_fps: int | None = None


@dataclass
class DeckResult:
    """What :func:`build_deck` wrote: the deck, the optional Beamer file, the media folder, the slides."""

    pptx: Path
    tex: Path | None
    media_dir: Path
    slides: list


# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

def _ll(value: float) -> str:
    return f"{value:.2f}"


def caption_text(prepared) -> str:
    """The numbers under a slide's video.

    One run: ``K = 4, init = kmeans++ | 21 iterations (converged) | final
    log-likelihood -2369.58 | BIC 4882.10``. Several runs: one line per run
    with its label, K, iterations and final log-likelihood.

    Parameters
    ----------
    prepared : Prepared

    Returns
    -------
    str
    """
    runs = prepared.runs
    if len(runs) == 1:
        run = runs[0]
        status = "converged" if run.converged else "stopped at max_iter"
        return (f"K = {run.final.n_components}, init = {run.settings.get('init')} | "
                f"{run.n_iter} iterations ({status}) | final log-likelihood {_ll(run.final.log_likelihood)} | "
                f"BIC {run.bic:.2f}")
    lines = []
    for label, run in zip(prepared.labels, runs):
        lines.append(f"{label}: K = {run.final.n_components}, init = {run.settings.get('init')}, "
                     f"{run.n_iter} iterations, final log-likelihood {_ll(run.final.log_likelihood)}, "
                     f"BIC {run.bic:.2f}")
    return "\n".join(lines)


def _notes(manifest_record: dict) -> str:
    marks = manifest_record["chapters"]
    parts = [f"{mark['title']} at {mark['time']:.2f} s (frame {mark['frame']})" for mark in marks]
    return "Chapters: " + "; ".join(parts)


_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """Text safe to typeset in LaTeX (special characters escaped)."""
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in text)


# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------

def _check_output(path: Path) -> Path:
    """Fail before any rendering if the deck cannot be written where asked."""
    if path.suffix.lower() != ".pptx":
        raise UserError(f"deck must be a .pptx file, got {path}")
    if path.is_dir():
        raise UserError(f"cannot write {path}: it is a folder")
    for ancestor in path.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise UserError(f"cannot write {path}: {ancestor} is a file, not a folder")
            break
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".probe", dir=path.parent)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise UserError(f"cannot write {path} ({(error.strerror or str(error)).lower()})") from None
    return path


def _check_targets(path: Path, media: Path, names: Sequence[str], beamer: bool) -> None:
    """Fail before any rendering if a file the deck replaces is a folder (or the media folder a file)."""
    for ancestor in [media, *media.parents]:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise UserError(f"cannot write the media to {media}: {ancestor} is a file, not a folder")
            break
    files = [media / f"{name}{ext}" for name in names
             for ext in (".mp4", "_cover.png", ".manifest.json", ".chapters.vtt")]
    if beamer:
        files.append(path.with_suffix(".tex"))
    for file in files:
        if file.is_dir() and not file.is_symlink():
            raise UserError(f"cannot write {file}: it is a folder")


def _remove_made(made: Sequence[Path]) -> None:
    """Remove the (empty) folders made for a deck that failed: it leaves nothing behind."""
    for folder in reversed(made):
        try:
            folder.rmdir()
        except OSError:
            break


def _unique(name: str, taken: set) -> str:
    base = _SAFE.sub("_", name).strip("_") or "scene"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


# ---------------------------------------------------------------------------
# Rendering the media
# ---------------------------------------------------------------------------

def _prepare(scene, name: str, overrides: dict):
    """The scene's data loaded and its runs fitted (cheap next to drawing): every data error surfaces here."""
    from animate_em.animation import as_prepared

    return as_prepared(scene.with_overrides({"name": name}), overrides=overrides)


def _render_item(prepared, beamer_prepared, name: str, folder: Path) -> SlideItem:
    from animate_em import manifest as manifests
    from animate_em.animation import render
    from animate_em.render import write_png
    from animate_em.scene import FrameSource

    result = render(prepared, folder / f"{name}.mp4")
    # The first frame is what the video shows when it starts: the natural cover.
    cover = write_png(FrameSource(prepared).frame(0)[..., :3], folder / f"{name}_cover.png")
    record = manifests.load_manifest(result.manifest)
    item = SlideItem(name=name, title=prepared.scene.title or name, caption=caption_text(prepared),
                     notes=_notes(record), video=result.paths[0], cover=cover, manifest=result.manifest,
                     width=result.width, height=result.height)
    if beamer_prepared is not None:
        frames = render(beamer_prepared, folder / f"{name}_beamer_frames", formats="png")
        item.frames = frames.paths[0]
        item.frame_names = sorted(p.name for p in item.frames.glob("frame_*.png"))
        item.beamer_fps = frames.fps
    return item


def build_deck(scenes: Sequence, path: str | os.PathLike, *, overrides: dict | None = None, beamer: bool = False,
               beamer_fps: int = 10, beamer_quality: str = "l", media_dir: str | os.PathLike | None = None,
               on_scene: Callable[[int, int, str], None] | None = None) -> DeckResult:
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

    Returns
    -------
    DeckResult

    Raises
    ------
    UserError
        No scenes, an unknown or invalid scene, or an output that cannot be written.
    """
    from animate_em.scene import Scene, load_scene

    if not scenes:
        raise UserError("a deck needs at least one scene")
    # Every scene is read, its data loaded and fitted, and the output probed before anything is
    # drawn or announced: bad input fails first, with one message, in well under a second.
    loaded = [s if isinstance(s, Scene) else load_scene(s) for s in scenes]
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    beamer_overrides = {**overrides, "quality": beamer_quality, "fps": beamer_fps}
    taken: set = set()
    names = [_unique(scene.name, taken) for scene in loaded]
    prepared = [_prepare(scene, name, overrides) for scene, name in zip(loaded, names)]
    # Beamer frames are the same fit at another frame rate and size; preparing them again is cheap.
    beamer_prepared = ([_prepare(scene, name, beamer_overrides) for scene, name in zip(loaded, names)]
                       if beamer else [None] * len(loaded))
    path = Path(path)
    made = [p for p in reversed(path.parents) if not p.exists()]
    media = Path(media_dir) if media_dir is not None else path.with_name(_SAFE.sub("_", path.stem) + "_media")
    try:
        path = _check_output(path)
        _check_targets(path, media, names, beamer)
    except UserError:
        _remove_made(made)
        raise
    scratch = Path(tempfile.mkdtemp(prefix=f".{path.stem}_media.tmp-", dir=path.parent))
    pptx_tmp = tex_tmp = None
    done = False
    try:
        items = []
        for i, name in enumerate(names):
            if on_scene is not None:
                on_scene(i, len(loaded), name)
            items.append(_render_item(prepared[i], beamer_prepared[i], name, scratch))
        pptx_tmp = scratch / "deck.pptx"
        write_pptx(items, pptx_tmp)
        tex = path.with_suffix(".tex") if beamer else None
        if beamer:
            tex_tmp = scratch / "deck.tex"
            write_beamer(items, tex_tmp, media_prefix=_tex_path(media, tex.parent), title=path.stem)
        _move_media(scratch, media, items)
        os.replace(pptx_tmp, path)
        if tex is not None:
            os.replace(tex_tmp, tex)
        done = True
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if not done:
            _remove_made(made)
    for item in items:
        item.video, item.cover = media / item.video.name, media / item.cover.name
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
    from animate_em.render.atomic import replace_dir

    media.mkdir(parents=True, exist_ok=True)
    for entry in sorted(scratch.iterdir()):
        if entry.name in ("deck.pptx", "deck.tex"):
            continue
        target = media / entry.name
        if entry.is_dir():
            replace_dir(entry, target)
        else:
            os.replace(entry, target)


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

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
