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

from animate_em.encode import MultiWriter, Target, infer_format, open_writers, write_many
from animate_em.encode.atomic import cannot_write, commit_all, fill_png, fill_text, remove_quietly, reserve_file
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

    def __repr__(self) -> str:
        # Short on purpose: the default dataclass repr printed the whole prepared scene, data included.
        head = (f"RenderResult({self.prepared.scene.name}: {self.n_frames} frames, {self.width}x{self.height} "
                f"at {self.fps} fps ({self.duration:.1f} s), drawn in {self.seconds:.1f} s)")
        written = [*self.paths, *(p for p in (self.manifest, self.chapters) if p is not None)]
        return "\n".join([head, *(f"  {path}{_size_text(path)}" for path in written)])


def _size_text(path: Path) -> str:
    """" (1.2 MB)" for a file, " (90 files)" for a PNG-sequence folder, "" when it is gone."""
    path = Path(path)
    if path.is_dir():
        return f" ({sum(1 for _ in path.glob('*.png'))} files)"
    if path.is_file():
        size = path.stat().st_size
        return f" ({size / 1e6:.1f} MB)" if size >= 1e5 else f" ({size / 1e3:.0f} KB)"
    return ""


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
    data : ndarray of shape (n_samples, 2) or Dataset, optional
        The points the run(s) were fitted to (required for runs); a
        :class:`~animate_em.datasets.Dataset` also names the axes and the data.
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
        return _prepare_runs(runs, data, overrides)
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


#: The settings of a fitted run that a scene's [model] table can say.
_MODEL_KEYS = ("k", "covariance_type", "init", "seed", "n_init", "tol", "max_iter", "reg_covar")


def _run_label(run, index: int, n_runs: int) -> str:
    name = run.extras.get("history")
    if name:
        return str(name)
    if n_runs > 1:
        return f"run {index + 1}"
    return f"init={run.settings.get('init')}, seed={run.settings.get('seed')}"


def _scene_for_runs(runs: list, labels: list, source: str, n_samples: int, overrides: dict) -> Scene:
    """The default scene's timing and style with these runs' own settings, so a manifest says what was drawn.

    A setting the scene file cannot hold (seed=None, k beyond a frame's limit, a
    recorded history's missing init) is left at the schema's default; the
    manifest's ``runs`` entries keep every setting as it was.
    """
    names = [run.extras.get("history") for run in runs if run.extras.get("history")]
    base = Scene.default().to_dict()
    # The default scene's timing and style, but none of its story: its model and words were for its own data.
    base["model"] = Scene.from_dict({"name": "run"}).to_dict()["model"]
    if len(names) == len(runs):
        title = f"{names[0]}: a recorded EM run" if len(runs) == 1 else "Recorded EM runs"
    else:
        title = "EM fit"
    base.update(name=names[0] if len(runs) == 1 and names else "run", description="", title=title)
    base["data"].update(source=source, n_samples=n_samples, columns=None)

    def valid(d: dict) -> bool:
        try:
            Scene.from_dict(d)
        except UserError:
            return False
        return True

    for key in _MODEL_KEYS:
        value = runs[0].settings.get(key)
        trial = {**base, "model": {**base["model"], key: value}}
        if value is not None and valid(trial):
            base = trial
    if len(runs) > 1:
        entries = []
        for run, label in zip(runs, labels):
            entry = {"label": label}
            for key in _MODEL_KEYS:
                value = run.settings.get(key)
                if value is not None and value != base["model"].get(key) and valid(
                        {**base, "runs": [{"label": label, key: value}]}):
                    entry[key] = value
            entries.append(entry)
        if valid({**base, "runs": entries}):
            base["runs"] = entries
    scene = Scene.from_dict(base)
    return scene.with_overrides(overrides) if overrides else scene


def _prepare_runs(runs: list, data, overrides: dict) -> Prepared:
    """Lay out runs fitted (or recorded) in code, on the data they were fitted to."""
    from animate_em.datasets import Dataset
    from animate_em.scene.runs.matching import align_runs

    if data is None:
        raise UserError("rendering a Run needs the data it was fitted to: pass data=X")
    dataset = data if isinstance(data, Dataset) else None
    X = np.ascontiguousarray(dataset.X if dataset is not None else data, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise UserError(f"an animation needs data of shape (n_samples, 2), got {X.shape}")
    labels = [_run_label(run, i, len(runs)) for i, run in enumerate(runs)]
    scene = _scene_for_runs(runs, labels, dataset.name if dataset is not None else "(array)", len(X), overrides)
    loaded = {"X": X, "columns": ("column 1", "column 2"), "name": "data"}
    if dataset is not None:
        loaded.update(name=dataset.name, columns=tuple(dataset.columns[:2]), units=dataset.units,
                      description=dataset.description, true_params=dataset.true_params, labels=dataset.labels,
                      meta=dataset.meta)
    prepared = assemble(scene, loaded, align_runs(runs), labels)
    # The manifest must know the data came from code: the scene cannot reproduce it.
    prepared.meta["from_runs"] = True
    return prepared


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


def picture_stem(name: str, formats: Sequence[str], path=None) -> str:
    """File stem of the still and poster written beside the media (``<stem>.png``, ``<stem>_poster.png``).

    The stem of `path` when it names the file (``out/iris.mp4`` -> ``iris``), the
    name `path` gives several formats (as :func:`output_paths`), else `name`.
    """
    if path is None:
        return name
    path = Path(path)
    if len(formats) == 1 or path.suffix:
        return safe_name(path.stem) if path.stem else name
    return safe_name(path.name)


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
    # Pictures take the stem -o gives, as the manifest does: renders of different data into one
    # folder must not overwrite each other's still and poster.
    stem = picture_stem(name, fmts, path)
    later = {"still": folder / f"{stem}.png" if still else None,
             "poster": folder / f"{stem}_poster.png" if poster else None}
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
        raise cannot_write(folder, exc) from None
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
        raise cannot_write(wanted[0].parent, exc) from None
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

#: Size and rate of an inline animation when none is asked for: a notebook cell
#: shows about 640 px, and every byte is kept in the .ipynb as base64 (em-basics
#: at the 1280x720 preset embedded 560 KB; see README "Jupyter").
NOTEBOOK_WIDTH, NOTEBOOK_HEIGHT, NOTEBOOK_FPS = 640, 360, 15
#: x264 quality of an embedded MP4 (a render uses 18): at 640x360 lines and text stay clean.
NOTEBOOK_CRF = 23
#: GIF frame delays are whole hundredths of a second: 10 fps is exact, and GIFs are large.
NOTEBOOK_GIF_FPS = 10

#: Formats an inline animation can embed: H.264 in an HTML5 <video>, or a GIF
#: for front-ends that do not play H.264.
INLINE_FORMATS = ("mp4", "gif")


class Animation:
    """An animation that shows itself inline in Jupyter: an HTML5 ``<video>`` (MP4) or a GIF.

    Parameters
    ----------
    prepared : Prepared
    format : {"mp4", "gif"}

    Examples
    --------
    >>> run = animate_em.fit(X, 3, seed=0)          # doctest: +SKIP
    >>> animate_em.animate(run, X)                  # doctest: +SKIP
    >>> animate_em.animate(run, X, format="gif")    # doctest: +SKIP
    """

    def __init__(self, prepared: Prepared, format: str = "mp4"):
        if format not in INLINE_FORMATS:
            raise UserError(f"an inline animation is {' or '.join(INLINE_FORMATS)}, not {format!r}")
        self.prepared = prepared
        self.format = format
        self._bytes: dict[str, bytes] = {}

    def __len__(self) -> int:
        return len(self.prepared.timeline)

    def __repr__(self) -> str:
        p = self.prepared
        return (f"<Animation {p.scene.name}: {len(self)} frames, {p.width}x{p.height} at {p.fps} fps "
                f"({len(self) / p.fps:.1f} s), {self.format}>")

    def save(self, path, **kwargs) -> RenderResult:
        """Write the animation to `path` (format from the extension)."""
        return render(self.prepared, path, **kwargs)

    def to_bytes(self, format: str | None = None) -> bytes:
        """The encoded animation (``format`` default: this animation's), rendered once and kept.

        Encoded for embedding, not for slides: no keyframe at every iteration
        (nobody scrubs to a chapter in a notebook cell) and x264 at CRF
        :data:`NOTEBOOK_CRF`. Measured on em-basics at 640x360: 758 KB of
        base64 with both as a render makes them, 242 KB like this.
        """
        fmt = format or self.format
        if fmt not in INLINE_FORMATS:
            raise UserError(f"an inline animation is {' or '.join(INLINE_FORMATS)}, not {fmt!r}")
        if fmt not in self._bytes:
            prepared = self.prepared
            with tempfile.TemporaryDirectory() as tmp:
                target = _target(fmt, Path(tmp) / f"animation.{fmt}", prepared)
                if fmt == "mp4":
                    target.options["crf"] = NOTEBOOK_CRF
                written = write_many(frame_source(prepared, copy=False), [target], fps=prepared.fps,
                                     size=(prepared.width, prepared.height), keyframe_interval=[0])
                self._bytes[fmt] = Path(written[0]).read_bytes()
        return self._bytes[fmt]

    def to_mp4_bytes(self) -> bytes:
        return self.to_bytes("mp4")

    def _display_width(self) -> int:
        # Frames larger than a notebook cell are shown at half size (sharp on high-density screens).
        width = self.prepared.width
        return width if width <= 1.5 * NOTEBOOK_WIDTH else width // 2

    def _repr_html_(self) -> str | None:
        if self.format != "mp4":
            return None     # a GIF goes out as image/gif (see _repr_mimebundle_), not twice
        encoded = base64.b64encode(self.to_bytes("mp4")).decode("ascii")
        return (f'<video controls loop autoplay muted playsinline width="{self._display_width()}">'
                f'<source src="data:video/mp4;base64,{encoded}" type="video/mp4"></video>')

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        if self.format == "gif":
            return {"image/gif": base64.b64encode(self.to_bytes("gif")).decode("ascii")}
        return {"text/html": self._repr_html_()}


def animate(scene_or_run=None, data=None, *, format: str = "mp4", **overrides) -> Animation:
    """An :class:`Animation` of a scene or fitted run(s), shown inline in Jupyter.

    Parameters
    ----------
    scene_or_run : str, path, Scene, Run, sequence of Run, or Prepared
        As for :func:`render`.
    data : ndarray of shape (n_samples, 2) or Dataset, optional
        Required for runs.
    format : {"mp4", "gif"}
        ``mp4`` (H.264 in an HTML5 video, the smaller) or ``gif`` for
        front-ends that do not play H.264.
    **overrides
        Scene overrides. Without ``quality``, ``width`` or ``height`` the
        animation is notebook-sized (640x360); without ``quality`` or ``fps``,
        15 frames per second (a GIF: 10).

    Returns
    -------
    Animation
    """
    if format not in INLINE_FORMATS:
        raise UserError(f"an inline animation is {' or '.join(INLINE_FORMATS)}, not {format!r}")
    if not isinstance(scene_or_run, Prepared):
        sized = any(overrides.get(key) is not None for key in ("quality", "width", "height"))
        if not sized:
            overrides = {"width": NOTEBOOK_WIDTH, "height": NOTEBOOK_HEIGHT, **overrides}
        if overrides.get("quality") is None and overrides.get("fps") is None:
            overrides = {**overrides, "fps": NOTEBOOK_GIF_FPS if format == "gif" else NOTEBOOK_FPS}
    return Animation(as_prepared(scene_or_run, data=data, overrides=overrides), format)
