"""Writing a render's manifest: the record of what was drawn, and its chapter marks as WebVTT.

The keys of the record are described in the package docstring (:mod:`animate_em.manifest`).
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from animate_em.encode.atomic import write_text
from animate_em.errors import UserError
from animate_em.scene.kinds import get_kind
from animate_em.version import __version__

__all__ = ["CHECKED_KEYS", "MANIFEST_VERSION", "SUFFIX", "checksum", "chapters_path", "chapters_vtt", "manifest_text", "VTT_SUFFIX", "build_manifest", "chapters", "data_hash", "manifest_path",
           "versions", "write_chapters_vtt", "write_manifest"]

#: Format version of the manifest file itself; bump when its keys change meaning.
#: 2 added ``checksum``.
MANIFEST_VERSION = 2
#: The keys that decide the frames, covered by ``checksum``: a manifest edited by hand in
#: any of them no longer agrees with itself. (``created``, ``versions`` and the files
#: written may differ between two renders of the same frames.)
CHECKED_KEYS = ("manifest_version", "reproducible", "scene", "seeds", "data", "runs", "video", "chapters")
SUFFIX = ".manifest.json"
VTT_SUFFIX = ".chapters.vtt"


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Versions of everything that shapes a render: animate_em, numpy, matplotlib, imageio-ffmpeg, python."""
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


def checksum(manifest: dict[str, Any]) -> str:
    """``sha256:<hex>`` of the keys in :data:`CHECKED_KEYS`, as canonical JSON (sorted keys, no spaces)."""
    part = {key: manifest.get(key) for key in CHECKED_KEYS}
    text = json.dumps(part, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


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
    # A timeline may name its chapters (a sweep over K: "Start", "K = 3"); an EM timeline counts iterations.
    titles = getattr(timeline, "chapter_titles", None) or [f"Iteration {i}" for i in range(1, len(starts) + 1)]
    marks = [{"title": getattr(timeline, "start_title", "Initial guess"), "iteration": 0, "frame": 0}]
    ends = [*starts[1:], timeline.end_start_frame]
    first = 1
    for i, (title, frame, end) in enumerate(zip(titles, starts, ends), start=1):
        if end == frame:
            continue        # paced without a frame of its own: it shows in the next iteration's frames
        if i > first and title == f"Iteration {i}":
            title = f"Iterations {first}–{i}"
        marks.append({"title": title, "iteration": i, "frame": int(frame)})
        first = i + 1
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


def runs_record(prepared) -> list[dict[str, Any]]:
    out = []
    for label, run in zip(prepared.labels, prepared.runs):
        settings = run.settings or {}
        entry = {"label": label, "k": int(run.final.n_components), "init": settings.get("init"),
                 "seed": settings.get("seed"), "n_iter": run.n_iter, "converged": bool(run.converged),
                 "final_log_likelihood": float(run.final.log_likelihood), "bic": float(run.bic),
                 # Every setting the run was made with (a run from code may have some a scene cannot hold).
                 "settings": {key: _plain(value) for key, value in settings.items()}}
        if run.extras.get("history"):
            entry["history"] = str(run.extras["history"])
        out.append(entry)
    return out


def _plain(value):
    """A setting as a JSON value (NumPy numbers as Python ones; anything else as its text)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return str(value)


def build_manifest(result, *, folder: str | os.PathLike | None = None,
                   where_now: dict | None = None) -> dict[str, Any]:
    """The manifest of a finished render.

    Parameters
    ----------
    result : RenderResult
        What :func:`animate_em.animation.render` wrote.
    folder : path-like, optional
        Folder the manifest goes in (output paths are stored relative to it);
        default: the folder of the first output.
    where_now : dict, optional
        Output path -> where that output is now, for outputs still under
        their temporary names (a render moves everything in together).

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
    where_now = where_now or {}
    for path in result.paths:
        path = Path(path)
        now = Path(where_now.get(path, path))
        fmt = "png" if now.is_dir() else path.suffix.lstrip(".").lower()
        if fmt == "png" and not now.is_dir():  # a picture beside the animation, not a frame folder
            fmt = "poster" if path.stem.endswith("_poster") else "still"
        entry = {"format": fmt, "path": _relative(path, folder)}
        if now.is_dir():
            entry["files"] = len(list(now.glob("*.png")))
        elif now.exists():
            entry["bytes"] = now.stat().st_size
        outputs.append(entry)
    timeline = prepared.timeline
    return {
        "manifest_version": MANIFEST_VERSION,
        "generator": "animate-em",
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "reproducible": data.get("kind") != "code",
        "scene": scene_dict,
        "seeds": {"data": scene.data.seed, "runs": [m.seed for _, m in get_kind(scene.kind).models(scene)]},
        "versions": dict(versions()),
        "data": data,
        "runs": runs_record(prepared),
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


def chapters_path(manifest: str | os.PathLike) -> Path:
    """``<name>.chapters.vtt`` beside ``<name>.manifest.json``."""
    manifest = Path(manifest)
    return manifest.with_name(manifest.name[: -len(SUFFIX)] + VTT_SUFFIX)


def manifest_text(manifest: dict[str, Any]) -> str:
    """The manifest as indented JSON with its :func:`checksum`."""
    manifest = {**manifest, "checksum": checksum(manifest)}
    return json.dumps(manifest, indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def _write_atomic(path: Path, text: str) -> Path:
    """Write `text` under a temporary name beside `path`, then rename: never a half-written file."""
    # The renderer's helper, not tempfile.mkstemp: mkstemp makes files only the owner can read.
    return write_text(text, path)


def write_manifest(manifest: dict[str, Any], path: str | os.PathLike) -> Path:
    """Write a manifest as indented JSON with its :func:`checksum`, atomically (temporary file + :func:`os.replace`)."""
    path = Path(path)
    text = manifest_text(manifest)
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
    return _write_atomic(Path(path), chapters_vtt(manifest))


def chapters_vtt(manifest: dict[str, Any]) -> str:
    """Text of the WebVTT chapters track of a manifest's chapter marks."""
    marks = manifest["chapters"]
    end = manifest["video"]["duration"]
    lines = ["WEBVTT", ""]
    for i, mark in enumerate(marks):
        stop = marks[i + 1]["time"] if i + 1 < len(marks) else end
        lines += [str(i + 1), f"{_vtt_time(mark['time'])} --> {_vtt_time(stop)}", mark["title"], ""]
    return "\n".join(lines)
