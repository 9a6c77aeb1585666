"""Render manifests: what a render drew, so anyone can draw it again, and where each iteration starts.

Every :func:`animate_em.animation.render` writes ``<name>.manifest.json``
beside its media, once the media are complete::

    {"manifest_version": 1, "scene": {...every key, defaults filled in...},
     "seeds": {...}, "versions": {...}, "data": {"sha256": ..., ...},
     "video": {"n_frames": 65, "fps": 15, "width": 854, "height": 480, "duration": 4.33},
     "outputs": [{"format": "mp4", "path": "em-basics.mp4"}],
     "chapters": [{"title": "Initial guess", "iteration": 0, "frame": 0, "time": 0.0}, ...]}

The chapters are the frames at which each EM iteration begins (every one is a
keyframe of the MP4), so a presenter can jump straight to iteration 10.
:func:`load` turns a manifest back into the exact :class:`Scene`, after
checking that the data it loads today hashes to what was drawn;
:func:`render_from_manifest` draws it again.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import warnings
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from animate_em.errors import UserError
from animate_em.render.atomic import write_text

__all__ = ["MANIFEST_VERSION", "SUFFIX", "VersionWarning", "build_manifest", "chapters", "data_hash",
           "load", "load_manifest", "manifest_path", "prepare_from_manifest", "recorded_formats",
           "render_from_manifest", "versions", "write_manifest",
           "write_chapters_vtt"]

#: Format version of the manifest file itself; bump when its keys change meaning.
MANIFEST_VERSION = 1
SUFFIX = ".manifest.json"
VTT_SUFFIX = ".chapters.vtt"

#: Packages whose versions decide the frames: matplotlib draws them, NumPy fits EM.
_FRAME_PACKAGES = ("animate_em", "numpy", "matplotlib")


class VersionWarning(UserWarning):
    """The manifest was written with other package versions; frames may differ slightly."""


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions of everything that shapes a render: animate_em, numpy, matplotlib, imageio-ffmpeg, python."""
    from animate_em import __version__

    found = {"animate_em": __version__, "python": platform.python_version()}
    for package in ("numpy", "matplotlib", "imageio", "imageio-ffmpeg"):
        try:
            found[package.replace("-", "_")] = metadata.version(package)
        except metadata.PackageNotFoundError:  # pragma: no cover - declared dependencies
            found[package.replace("-", "_")] = "missing"
    return found


def data_hash(X: np.ndarray) -> str:
    """sha256 of the data array as little-endian float64, C order, shape (n_samples, 2) included."""
    X = np.ascontiguousarray(X, dtype="<f8")
    digest = hashlib.sha256(repr(X.shape).encode("ascii"))
    digest.update(X.tobytes())
    return digest.hexdigest()


def chapters(timeline) -> list[dict[str, Any]]:
    """Chapter marks of a timeline: the initial guess, each iteration's first frame, the final fit.

    Parameters
    ----------
    timeline : Timeline

    Returns
    -------
    list of dict
        ``title``, ``iteration`` (0 for the initial guess, None for the final
        hold), ``frame`` and ``time`` (seconds); frames strictly increase from 0.
    """
    fps = timeline.fps
    starts = timeline.iteration_start_frames
    # A sweep over K names its steps ("K = 3"); an EM timeline counts iterations.
    titles = getattr(timeline, "chapter_titles", None) or [f"Iteration {i}" for i in range(1, len(starts) + 1)]
    marks = [{"title": "Initial guess" if getattr(timeline, "kind", "em") != "sweep" else "Start",
              "iteration": 0, "frame": 0}]
    marks += [{"title": title, "iteration": i, "frame": int(frame)}
              for i, (title, frame) in enumerate(zip(titles, starts), start=1)]
    marks.append({"title": "Final fit", "iteration": None, "frame": int(timeline.end_start_frame)})
    for mark in marks:
        mark["time"] = round(mark["frame"] / fps, 6)
    return marks


def _data_record(prepared) -> dict[str, Any]:
    from animate_em import datasets

    spec = prepared.scene.data
    meta = prepared.meta or {}
    record: dict[str, Any] = {"sha256": data_hash(prepared.X), "n_samples": prepared.n_samples,
                              "columns": list(prepared.columns)}
    if meta.get("from_runs"):
        record["kind"] = "code"
        return record
    if spec.source in datasets.names():
        record.update(kind="builtin", name=spec.source, seed=spec.seed)
        file_sha = (meta.get("meta") or {}).get("sha256")
        if file_sha:  # real data shipped as a file (Old Faithful)
            record["file_sha256"] = file_sha
    else:
        record.update(kind="file", file=os.path.abspath(spec.source),
                      file_sha256=(meta.get("meta") or {}).get("sha256"))
    return record


def _runs_record(prepared) -> list[dict[str, Any]]:
    out = []
    for label, run in zip(prepared.labels, prepared.runs):
        settings = run.settings or {}
        out.append({"label": label, "k": int(run.final.n_components), "init": settings.get("init"),
                    "seed": settings.get("seed"), "n_iter": run.n_iter, "converged": bool(run.converged),
                    "final_log_likelihood": float(run.final.log_likelihood), "bic": float(run.bic)})
    return out


def build_manifest(result, *, folder: str | os.PathLike | None = None) -> dict[str, Any]:
    """The manifest of a finished render.

    Parameters
    ----------
    result : RenderResult
        What :func:`animate_em.animation.render` wrote.
    folder : path-like, optional
        Folder the manifest goes in (output paths are stored relative to it);
        default: the folder of the first output.

    Returns
    -------
    dict
        Plain JSON values; see the module docstring.
    """
    prepared = result.prepared
    scene = prepared.scene
    folder = Path(folder) if folder is not None else Path(result.paths[0]).parent
    scene_dict = scene.to_dict()
    data = _data_record(prepared)
    if data.get("kind") == "file":
        # An absolute path so the manifest re-renders from any working folder.
        scene_dict["data"]["source"] = data["file"]
    outputs = []
    for path in result.paths:
        path = Path(path)
        fmt = "png" if path.is_dir() else path.suffix.lstrip(".").lower()
        if fmt == "png" and not path.is_dir():  # a picture beside the animation, not a frame folder
            fmt = "poster" if path.stem.endswith("_poster") else "still"
        entry = {"format": fmt, "path": _relative(path, folder)}
        if path.is_dir():
            entry["files"] = len(list(path.glob("*.png")))
        elif path.exists():
            entry["bytes"] = path.stat().st_size
        outputs.append(entry)
    timeline = prepared.timeline
    return {
        "manifest_version": MANIFEST_VERSION,
        "generator": "animate-em",
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "reproducible": data.get("kind") != "code",
        "scene": scene_dict,
        "seeds": {"data": scene.data.seed, "runs": [m.seed for _, m in scene.run_models()]},
        "versions": dict(versions()),
        "data": data,
        "runs": _runs_record(prepared),
        "video": {"n_frames": int(result.n_frames), "fps": int(result.fps), "width": int(result.width),
                  "height": int(result.height), "duration": round(result.n_frames / result.fps, 6)},
        "outputs": outputs,
        "chapters": chapters(timeline),
    }


def _relative(path: Path, folder: Path) -> str:
    try:
        return Path(os.path.relpath(path, folder)).as_posix()
    except ValueError:  # another drive on Windows
        return str(path)


def manifest_path(media: str | os.PathLike) -> Path:
    """``<name>.manifest.json`` beside the first medium (``x/talk.mp4`` or ``x/talk_frames/``)."""
    media = Path(media)
    name = media.stem if media.suffix else media.name
    if not media.suffix and name.endswith("_frames"):
        name = name[: -len("_frames")]
    return media.parent / f"{name}{SUFFIX}"


def _write_atomic(path: Path, text: str) -> Path:
    """Write `text` under a temporary name beside `path`, then rename: never a half-written file."""
    # The renderer's helper, not tempfile.mkstemp: mkstemp makes files only the owner can read.
    return write_text(text, path)


def write_manifest(manifest: dict[str, Any], path: str | os.PathLike) -> Path:
    """Write a manifest as indented JSON, atomically (temporary file + :func:`os.replace`)."""
    path = Path(path)
    text = json.dumps(manifest, indent=2, allow_nan=False, ensure_ascii=False) + "\n"
    try:
        return _write_atomic(path, text)
    except OSError as error:
        raise UserError(f"cannot write {path} ({(error.strerror or str(error)).lower()})") from None


def _vtt_time(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def write_chapters_vtt(manifest: dict[str, Any], path: str | os.PathLike) -> Path:
    """The chapter marks as a WebVTT chapters track (for HTML5 players and VLC)."""
    marks = manifest["chapters"]
    end = manifest["video"]["duration"]
    lines = ["WEBVTT", ""]
    for i, mark in enumerate(marks):
        stop = marks[i + 1]["time"] if i + 1 < len(marks) else end
        lines += [str(i + 1), f"{_vtt_time(mark['time'])} --> {_vtt_time(stop)}", mark["title"], ""]
    return _write_atomic(Path(path), "\n".join(lines))


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------

def load_manifest(path: str | os.PathLike) -> dict[str, Any]:
    """Read and check the structure of a manifest file.

    Raises
    ------
    UserError
        Missing, unreadable or malformed file, or a manifest format newer than this package reads.
    """
    where = os.fspath(path)
    try:
        with open(where, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except FileNotFoundError:
        raise UserError(f"manifest not found: {where}") from None
    except IsADirectoryError:
        raise UserError(f"{where}: is a folder, not a manifest file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UserError(f"{where}: not a valid manifest (invalid JSON: {str(error).splitlines()[0]})") from None
    except OSError as error:
        raise UserError(f"{where}: cannot read manifest ({(error.strerror or str(error)).lower()})") from None
    if not isinstance(manifest, dict):
        raise UserError(f"{where}: not a valid manifest (expected a JSON object)")
    version = manifest.get("manifest_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise UserError(f"{where}: not a valid manifest (no manifest_version)")
    if version > MANIFEST_VERSION:
        raise UserError(f"{where}: manifest format {version} is newer than this animate-em reads "
                        f"({MANIFEST_VERSION}); upgrade animate-em")
    for key, kind in (("scene", dict), ("data", dict), ("video", dict), ("versions", dict), ("chapters", list)):
        if not isinstance(manifest.get(key), kind):
            raise UserError(f"{where}: not a valid manifest (missing or malformed {key!r})")
    video = manifest["video"]
    for key in ("n_frames", "fps", "width", "height"):
        if not isinstance(video.get(key), int) or isinstance(video.get(key), bool) or video[key] < 1:
            raise UserError(f"{where}: not a valid manifest (video {key} must be a positive integer)")
    if not isinstance(manifest["data"].get("sha256"), str):
        raise UserError(f"{where}: not a valid manifest (no data sha256)")
    return manifest


def version_differences(manifest: dict[str, Any]) -> list[str]:
    """``"matplotlib 3.11.2 (manifest) != 3.12.0 (here)"`` for every package whose version differs."""
    recorded = manifest.get("versions", {})
    here = versions()
    return [f"{name} {recorded[name]} (manifest) != {here.get(name)} (here)"
            for name in sorted(recorded) if name in here and recorded[name] != here[name]]


def _check_versions(manifest: dict[str, Any], where: str, strict: bool) -> None:
    differences = version_differences(manifest)
    if not differences:
        return
    matters = [d for d in differences if d.split()[0] in _FRAME_PACKAGES]
    message = (f"{where}: written with other versions ({'; '.join(differences)}); "
               + ("frames may differ slightly" if matters else "frames should be the same"))
    if strict and matters:
        raise UserError(message)
    warnings.warn(message, VersionWarning, stacklevel=3)


def _scene_from(manifest: dict[str, Any], where: str, base: Path):
    from animate_em.scene import Scene

    scene_dict = json.loads(json.dumps(manifest["scene"]))  # a private deep copy
    data = manifest["data"]
    if data.get("kind") == "file":
        source = scene_dict.get("data", {}).get("source")
        # Moved with the manifest? Fall back to the file beside it.
        if isinstance(source, str) and not os.path.exists(source):
            nearby = base / Path(source).name
            if nearby.exists():
                scene_dict["data"]["source"] = str(nearby)
    try:
        scene = Scene.from_dict(scene_dict, where=f"{where}: scene")
    except UserError as error:
        raise UserError(f"{where}: the recorded scene is not valid here ({error})") from None
    video = manifest["video"]
    if scene.size != (video["width"], video["height"]) or scene.fps != video["fps"]:
        # A quality preset changed between versions: pin what was actually drawn.
        scene = scene.with_overrides({"width": video["width"], "height": video["height"], "fps": video["fps"]})
    return scene


def _check_data(scene, manifest: dict[str, Any], where: str) -> None:
    from animate_em.scene.prepare import load_scene_data

    data = manifest["data"]
    loaded = load_scene_data(scene.data)
    recorded_file = data.get("file_sha256")
    file_sha = (loaded.get("meta") or {}).get("sha256")
    if data.get("kind") == "file" and recorded_file and file_sha and file_sha != recorded_file:
        raise UserError(f"{where}: data file {scene.data.source} has changed since the render "
                        f"(sha256 {file_sha[:12]}..., manifest {recorded_file[:12]}...)")
    actual = data_hash(loaded["X"])
    if actual != data["sha256"]:
        raise UserError(f"{where}: the data loaded from {scene.data.source!r} does not match the render "
                        f"(sha256 {actual[:12]}..., manifest {data['sha256'][:12]}...)")


def load(path: str | os.PathLike, *, strict: bool = False, check_data: bool = True):
    """The exact :class:`~animate_em.scene.Scene` a manifest was rendered from.

    Parameters
    ----------
    path : path-like
        A ``.manifest.json`` file.
    strict : bool
        Refuse (instead of warning) when animate_em, NumPy or matplotlib
        differ from the versions recorded.
    check_data : bool
        Load the scene's data and check it hashes to the recorded sha256.

    Returns
    -------
    Scene

    Raises
    ------
    UserError
        Malformed manifest, a manifest of runs fitted in code, invalid scene,
        data that no longer matches, or (with `strict`) other versions.

    Warns
    -----
    VersionWarning
        When package versions differ from the manifest's.
    """
    where = os.fspath(path)
    manifest = load_manifest(path)
    if manifest.get("reproducible") is False or manifest["data"].get("kind") == "code":
        raise UserError(f"{where}: records runs fitted in Python code (render(run, data=X)); "
                        "re-render those from the code, not from the manifest")
    _check_versions(manifest, where, strict)
    scene = _scene_from(manifest, where, Path(where).resolve().parent)
    if check_data:
        _check_data(scene, manifest, where)
    return scene


def prepare_from_manifest(path: str | os.PathLike, *, strict: bool = False):
    """The manifest's scene with its data fitted and laid out, checked to give the recorded frame count.

    Returns
    -------
    prepared : Prepared
    manifest : dict

    Raises
    ------
    UserError
        See :func:`load`; also when the frame count would differ from the manifest's.
    """
    from animate_em.animation import as_prepared

    scene = load(path, strict=strict)
    manifest = load_manifest(path)
    prepared = as_prepared(scene)
    expected = manifest["video"]["n_frames"]
    if len(prepared.timeline) != expected:
        raise UserError(f"{os.fspath(path)}: re-rendering gives {len(prepared.timeline)} frames, the manifest "
                        f"recorded {expected} (EM took another path; versions: "
                        f"{'; '.join(version_differences(manifest)) or 'same'})")
    return prepared, manifest


def recorded_formats(manifest: dict[str, Any]) -> tuple[str, ...]:
    """The animation formats a manifest's render wrote (``mp4``, ``gif``, ``webm``, ``png``)."""
    recorded = [o.get("format") for o in manifest.get("outputs", []) if isinstance(o, dict)]
    return tuple(f for f in recorded if f in ("mp4", "gif", "webm", "png"))


def render_from_manifest(path: str | os.PathLike, out=None, *, formats=None, output_dir="output",
                         strict: bool = False, **kwargs):
    """Render a manifest's scene again: same scene, same data, same frames.

    Parameters
    ----------
    path : path-like
        The manifest.
    out : path-like, optional
        Output file, as for :func:`animate_em.animation.render`.
    formats : str or sequence of str, optional
        Default: the formats the manifest records.
    output_dir : path-like
    strict : bool
        See :func:`load`.
    **kwargs
        Passed to :func:`~animate_em.animation.render` (``still``, ``poster``, ``on_frame``).

    Returns
    -------
    RenderResult

    Raises
    ------
    UserError
        See :func:`prepare_from_manifest`.
    """
    from animate_em.animation import render

    prepared, manifest = prepare_from_manifest(path, strict=strict)
    if formats is None and out is None:
        formats = recorded_formats(manifest) or None
        recorded = [o.get("format") for o in manifest.get("outputs", []) if isinstance(o, dict)]
        kwargs.setdefault("still", "still" in recorded)
        kwargs.setdefault("poster", "poster" in recorded)
    return render(prepared, out, formats=formats, output_dir=output_dir, **kwargs)
