"""From a scene (or a fitted run) to files: the one place the scene layer meets the renderer.

>>> import animate_em
>>> result = animate_em.render("em-basics", formats=("mp4", "gif"))   # doctest: +SKIP
>>> result.paths                                                       # doctest: +SKIP
[PosixPath('output/em-basics.mp4'), PosixPath('output/em-basics.gif')]

Frames are drawn once and streamed to every requested target at the same
time; nothing holds the whole animation in memory. In Jupyter,
:func:`animate` returns an object that shows the animation inline.
"""
from __future__ import annotations

import base64
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from animate_em.encode import MultiWriter, Target, infer_format, open_writers
from animate_em.encode.atomic import commit_all, fill_png, fill_text, remove_quietly, reserve_file
from animate_em.errors import UserError
from animate_em.scene import Prepared, Scene, frame_source, load_scene, poster_image, prepare
from animate_em.scene.prepared import assemble

#: Formats a render can write, in the order ``all`` writes them.
FORMATS = ("mp4", "gif", "webm", "png")

#: x264 speed preset of rendered MP4s (see _target for the measurement).
MP4_PRESET = "veryfast"

#: GIFs are for course pages: capped in width so a default GIF stays a few MB.
GIF_MAX_WIDTH = 960


@dataclass
class RenderResult:
    """What a render wrote and how it was timed.

    Attributes
    ----------
    paths : list of Path
        Every file (or PNG-sequence folder) written, in the order requested.
    prepared : Prepared
        The scene with its data, runs and timeline.
    n_frames, fps, width, height : int
    seconds : float
        Wall-clock time of drawing and encoding.
    manifest : Path or None
        ``<name>.manifest.json`` beside the media (scene, versions, data hash,
        chapter marks; see :mod:`animate_em.manifest`), None if not written.
    chapters : Path or None
        ``<name>.chapters.vtt`` (WebVTT chapters) when a video was written.
    """

    paths: list[Path]
    prepared: Prepared
    n_frames: int
    fps: int
    width: int
    height: int
    seconds: float
    extra: dict = field(default_factory=dict)
    manifest: Path | None = None
    chapters: Path | None = None

    @property
    def duration(self) -> float:
        """Length of the animation in seconds."""
        return self.n_frames / self.fps


# ---------------------------------------------------------------------------
# Resolving what to draw
# ---------------------------------------------------------------------------

def as_prepared(scene_or_run, *, data=None, overrides: dict | None = None) -> Prepared:
    """Turn a scene name, TOML path, :class:`Scene`, :class:`Run` or :class:`Prepared` into a Prepared.

    Parameters
    ----------
    scene_or_run : str, path, Scene, Run, sequence of Run, or Prepared
        A built-in scene name or TOML file; a scene object; one fitted run or
        several (drawn side by side) together with `data`.
    data : ndarray of shape (n_samples, 2), optional
        The points the run(s) were fitted to (required for runs).
    overrides : dict, optional
        Scene overrides (see :meth:`Scene.with_overrides`), e.g. ``{"theme": "dark"}``.
    """
    from animate_em.em import Run

    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    if isinstance(scene_or_run, Prepared):
        if overrides:
            raise UserError("overrides cannot be applied to an already prepared scene")
        return scene_or_run
    runs = None
    if isinstance(scene_or_run, Run):
        runs = [scene_or_run]
    elif isinstance(scene_or_run, (list, tuple)) and scene_or_run and all(isinstance(r, Run) for r in scene_or_run):
        runs = list(scene_or_run)
    if runs is not None:
        if data is None:
            raise UserError("rendering a Run needs the data it was fitted to: pass data=X")
        X = np.ascontiguousarray(data, dtype=float)
        if X.ndim != 2 or X.shape[1] != 2:
            raise UserError(f"an animation needs data of shape (n_samples, 2), got {X.shape}")
        scene = Scene.default().with_overrides({"name": "run", "title": "EM fit", **overrides})
        labels = [f"run {i + 1}" for i in range(len(runs))] if len(runs) > 1 else [
            f"init={runs[0].settings.get('init')}, seed={runs[0].settings.get('seed')}"]
        from animate_em.scene.runs.matching import align_runs
        prepared = assemble(scene, {"X": X, "columns": ("x1", "x2")}, align_runs(runs), labels)
        # The manifest must know the data came from code: the scene cannot reproduce it.
        prepared.meta["from_runs"] = True
        return prepared
    if isinstance(scene_or_run, Scene):
        scene = scene_or_run
    elif isinstance(scene_or_run, (str, os.PathLike)):
        scene = load_scene(scene_or_run)
    elif scene_or_run is None:
        scene = Scene.default()
    else:
        raise UserError(f"cannot render a {type(scene_or_run).__name__}: give a scene, a scene name or a Run")
    if overrides:
        scene = scene.with_overrides(overrides)
    return prepare(scene)


def safe_name(name: str) -> str:
    """A scene name usable as a file stem: no folders, no hidden files (``../x`` -> ``x``)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(str(name)).name).lstrip(".")
    return cleaned or "animation"


def output_paths(name: str, formats: Sequence[str], *, path=None, output_dir="output") -> dict[str, Path]:
    """Where each format goes: ``output/<name>.<ext>`` (PNG sequences: ``output/<name>_frames/``).

    With an explicit `path` and one format the file goes exactly there; with
    several formats, `path`'s folder and stem name every file.
    """
    if path is not None:
        path = Path(path)
        if len(formats) == 1:
            return {formats[0]: path}
        folder, name = path.parent, path.stem if path.suffix else path.name
    else:
        folder = Path(output_dir)
    return {fmt: folder / (f"{name}_frames" if fmt == "png" else f"{name}.{fmt}") for fmt in formats}


def resolve_formats(formats: Iterable[str] | str | None, path=None) -> tuple[str, ...]:
    """Normalise the requested formats (``all`` expands; default from `path` or MP4)."""
    suffix = Path(path).suffix.lower() if path is not None else ""
    if suffix == ".png":
        raise UserError(f"{path}: a .png path is one picture; use --still or --poster for it, "
                        "or a folder with --format png for the frame sequence")
    if formats is None or formats == () or formats == []:
        if suffix:
            return (infer_format(path),)
        return ("mp4",)
    if isinstance(formats, str):
        formats = (formats,)
    out: list[str] = []
    for fmt in formats:
        fmt = str(fmt).lower()
        for one in (FORMATS if fmt == "all" else (fmt,)):
            if one not in FORMATS:
                raise UserError(f"unknown format {one!r}; choose from {', '.join(FORMATS)} or all")
            if one not in out:
                out.append(one)
    if suffix and len(out) == 1 and infer_format(path) != out[0]:
        raise UserError(f"{path} is not a {out[0].upper()} file name; give -o a .{out[0]} name, "
                        "or a folder")
    return tuple(out)


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------

def _target(fmt: str, path: Path, prepared: Prepared) -> Target:
    options = {}
    if fmt == "gif" and prepared.width > GIF_MAX_WIDTH:
        options["gif_width"] = GIF_MAX_WIDTH
    if fmt == "png":
        options["n_frames"] = len(prepared.timeline)
    if fmt == "mp4":
        # Flat plots compress as well with x264's "veryfast" as with "medium"
        # (measured on em-basics: 1142 vs 1294 KB, PSNR 40.0 vs 40.4 dB) at
        # half the encoder CPU, which on two cores is time the drawing gets.
        options["preset"] = MP4_PRESET
    # The renderer calls a PNG sequence "png-seq" ("png" is a single still).
    return Target(path, format="png-seq" if fmt == "png" else fmt, options=options)


def render(scene_or_run=None, path=None, *, formats=None, data=None, output_dir="output",
           still: bool = False, poster: bool = False, overrides: dict | None = None,
           on_frame: Callable[[int, int], None] | None = None, manifest: bool = True,
           on_start: Callable[[int], None] | None = None, **scene_overrides) -> RenderResult:
    """Render a scene or a fitted run to MP4 / GIF / WebM / PNG sequence, plus stills.

    Parameters
    ----------
    scene_or_run : str, path, Scene, Run or Prepared, optional
        What to animate (default: the built-in default scene ``em-basics``).
    path : path-like, optional
        Output file; default ``output/<scene>.<ext>``.
    formats : str or sequence of str, optional
        Any of ``mp4``, ``gif``, ``webm``, ``png`` or ``all``; default from
        `path`'s extension, else MP4.
    data : ndarray of shape (n_samples, 2), optional
        Required when rendering a Run.
    output_dir : path-like
        Folder for default paths.
    still, poster : bool
        Also write the last frame (``<name>.png``) and the poster grid of the
        fit every 5 iterations (``<name>_poster.png``).
    overrides, **scene_overrides
        Scene overrides such as ``quality="l"``, ``theme="dark"``, ``seed=3``.
    on_frame : callable(done, total), optional
        Progress callback after every frame.
    on_start : callable(total), optional
        Called once every output is known to be writable, just before the
        first frame is drawn (so nothing is announced for a render that
        cannot be written).
    manifest : bool, default True
        Once the media are complete, write ``<name>.manifest.json`` beside
        them (and ``<name>.chapters.vtt`` for MP4/WebM): everything needed to
        render the same frames again (:func:`animate_em.manifest.load`).

    Returns
    -------
    RenderResult
    """
    prepared = as_prepared(scene_or_run, data=data, overrides={**(overrides or {}), **scene_overrides})
    name = safe_name(prepared.scene.name or "animation")
    fmts = resolve_formats(formats, path)
    targets = output_paths(name, fmts, path=path, output_dir=output_dir)
    folder = Path(targets[fmts[0]]).parent
    # Every file this render writes, checked (by reserving its temporary beside it) before
    # the first frame is drawn; they all move into place together at the end, so a render
    # that fails or is interrupted leaves nothing new and keeps every old file.
    later = {"still": folder / f"{name}.png" if still else None,
             "poster": folder / f"{name}_poster.png" if poster else None}
    if manifest:
        from animate_em import manifest as manifests

        later["manifest"] = manifests.manifest_path(targets[fmts[0]])
        if any(fmt in ("mp4", "webm") for fmt in fmts):
            later["chapters"] = manifests.chapters_path(later["manifest"])
    started = time.perf_counter()
    source = frame_source(prepared, copy=False)
    total = len(source)
    # Every iteration starts on a keyframe, so a presenter can scrub to it.
    keyframes = sorted({0, *prepared.timeline.iteration_start_frames})
    multi = MultiWriter(open_writers([_target(fmt, p, prepared) for fmt, p in targets.items()], fps=prepared.fps,
                                     size=(prepared.width, prepared.height), keyframe_interval=keyframes))
    scratch: list[Path] = []
    try:
        staged = {what: (reserve_file(target, keep=scratch.append)[0], target)
                  for what, target in later.items() if target is not None}
        if on_start is not None:
            on_start(total)
        for frame in source:
            multi.append(frame)
            if on_frame is not None:
                on_frame(multi.n_frames, total)
        multi.finish()
        if still:
            fill_png(staged["still"][0], source.frame(total - 1)[..., :3])
        if poster:
            fill_png(staged["poster"][0], poster_image(prepared)[..., :3])
        paths = [Path(p) for p in targets.values()] + [later[what] for what in ("still", "poster") if later[what]]
        result = RenderResult(paths=paths, prepared=prepared, n_frames=total, fps=prepared.fps,
                              width=prepared.width, height=prepared.height, seconds=0.0)
        if manifest:
            where_now = {**{w.path: w.staged[0] for w in multi.writers},
                         **{target: tmp for tmp, target in staged.values()}}
            _fill_manifest(result, staged, where_now)
        multi.commit(also=[pair for what, pair in staged.items()])
    except OSError as exc:
        multi.abort()
        raise UserError(f"cannot write {folder}: {(exc.strerror or str(exc)).lower()}") from None
    except BaseException:
        multi.abort()
        raise
    finally:
        for tmp in scratch:
            remove_quietly(tmp)
    result.seconds = time.perf_counter() - started
    return result


def _fill_manifest(result: RenderResult, staged: dict, where_now: dict) -> None:
    """Manifest (and WebVTT chapters) into their reserved temporaries, once every medium is finished."""
    from animate_em import manifest as manifests

    tmp, target = staged["manifest"]
    record = manifests.build_manifest(result, folder=target.parent, where_now=where_now)
    if "chapters" in staged:
        chapters_tmp, result.chapters = staged["chapters"]
        fill_text(chapters_tmp, manifests.chapters_vtt(record))
        record["chapters_file"] = result.chapters.name
    fill_text(tmp, manifests.manifest_text(record))
    result.manifest = target


def write_stills(scene_or_run=None, path=None, *, data=None, output_dir="output", still=True, poster=True,
                 overrides: dict | None = None) -> list[Path]:
    """Only the pictures: last frame and/or poster grid, no video.

    `path` (a ``.png`` name) is the picture's file; with both pictures the
    poster goes beside it as ``<stem>_poster.png``. Default:
    ``<output_dir>/<name>.png`` and ``<output_dir>/<name>_poster.png``.
    """
    prepared = as_prepared(scene_or_run, data=data, overrides=overrides)
    if path is not None:
        path = Path(path)
        if path.suffix.lower() != ".png":
            raise UserError(f"{path}: pictures are PNG files; give a .png name or a folder")
        still_path = path
        poster_path = path if not still else path.with_name(f"{path.stem}_poster.png")
    else:
        name = safe_name(prepared.scene.name or "animation")
        still_path, poster_path = Path(output_dir) / f"{name}.png", Path(output_dir) / f"{name}_poster.png"
    wanted = [target for target, want in ((still_path, still), (poster_path, poster)) if want]
    scratch: list[Path] = []
    try:
        # Both pictures are checked before either is drawn, and land together.
        staged = [(reserve_file(target, keep=scratch.append)[0], target) for target in wanted]
        pictures = []
        if still:
            source = frame_source(prepared)
            pictures.append(source.frame(len(source) - 1)[..., :3])
        if poster:
            pictures.append(poster_image(prepared)[..., :3])
        for (tmp, _), picture in zip(staged, pictures):
            fill_png(tmp, picture)
        return commit_all(staged)
    except OSError as exc:
        raise UserError(f"cannot write {wanted[0].parent}: {(exc.strerror or str(exc)).lower()}") from None
    finally:
        for tmp in scratch:
            remove_quietly(tmp)


def render_from_manifest(path: str | os.PathLike, out=None, *, formats=None, output_dir="output",
                         strict: bool = False, **kwargs):
    """Render a manifest's scene again: same scene, same data, same frames.

    Parameters
    ----------
    path : path-like
        The manifest.
    out : path-like, optional
        Output file, as for :func:`render`.
    formats : str or sequence of str, optional
        Default: the formats the manifest records.
    output_dir : path-like
    strict : bool
        See :func:`load`.
    **kwargs
        Passed to :func:`render` (``still``, ``poster``, ``on_frame``).

    Returns
    -------
    RenderResult

    Raises
    ------
    UserError
        See :func:`animate_em.manifest.prepare_from_manifest`.
    """
    from animate_em.manifest.replay import prepare_from_manifest, recorded_formats

    prepared, manifest = prepare_from_manifest(path, strict=strict)
    if formats is None and out is None:
        formats = recorded_formats(manifest) or None
        recorded = [o.get("format") for o in manifest.get("outputs", []) if isinstance(o, dict)]
        kwargs.setdefault("still", "still" in recorded)
        kwargs.setdefault("poster", "poster" in recorded)
    return render(prepared, out, formats=formats, output_dir=output_dir, **kwargs)


# ---------------------------------------------------------------------------
# Jupyter
# ---------------------------------------------------------------------------

class Animation:
    """An animation that shows itself inline in Jupyter (an HTML5 ``<video>``).

    Parameters
    ----------
    prepared : Prepared

    Examples
    --------
    >>> run = animate_em.fit(X, 3, seed=0)          # doctest: +SKIP
    >>> animate_em.animate(run, X)                  # doctest: +SKIP
    """

    def __init__(self, prepared: Prepared):
        self.prepared = prepared
        self._mp4: bytes | None = None

    def __len__(self) -> int:
        return len(self.prepared.timeline)

    def save(self, path, **kwargs) -> RenderResult:
        """Write the animation to `path` (format from the extension)."""
        return render(self.prepared, path, **kwargs)

    def to_mp4_bytes(self) -> bytes:
        if self._mp4 is None:
            with tempfile.TemporaryDirectory() as tmp:
                result = render(self.prepared, Path(tmp) / "animation.mp4", manifest=False)
                self._mp4 = result.paths[0].read_bytes()
        return self._mp4

    def _repr_html_(self) -> str:
        encoded = base64.b64encode(self.to_mp4_bytes()).decode("ascii")
        return (f'<video controls loop autoplay muted width="{self.prepared.width // 2}">'
                f'<source src="data:video/mp4;base64,{encoded}" type="video/mp4"></video>')


def animate(scene_or_run=None, data=None, **overrides) -> Animation:
    """An :class:`Animation` of a scene or fitted run(s), shown inline in Jupyter."""
    return Animation(as_prepared(scene_or_run, data=data, overrides=overrides))
