"""Reading a manifest back: check it and rebuild the exact scene with its data, ready to draw again.

Drawing it again is :func:`animate_em.animation.render_from_manifest` (the
glue that also writes files); this module only reads and checks.
"""
from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path
from typing import Any

from animate_em.errors import UserError
from animate_em.untrusted import MAX_MANIFEST_BYTES, load_json, read_bounded
from animate_em.manifest.record import MANIFEST_VERSION, checksum, data_hash, runs_record, versions
from animate_em.scene.prepared import prepare

__all__ = ["VersionWarning", "load", "load_manifest", "prepare_from_manifest", "recorded_formats",
           "version_differences"]

#: Packages whose versions decide the frames: matplotlib draws them, NumPy fits EM.
_FRAME_PACKAGES = ("animate_em", "numpy", "matplotlib")


class VersionWarning(UserWarning):
    """The manifest was written with other package versions; frames may differ slightly."""


def load_manifest(path: str | os.PathLike) -> dict[str, Any]:
    """Read and check the structure of a manifest file.

    Raises
    ------
    UserError
        Missing, unreadable or malformed file, or a manifest format newer than this package reads.
    """
    where = os.fspath(path)
    raw = read_bounded(where, "manifest", MAX_MANIFEST_BYTES)
    manifest = load_json(raw, where, "manifest")
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


def _check_checksum(manifest: dict[str, Any], where: str) -> None:
    """A manifest agrees with itself: its checksum covers what it records.

    Manifests of format 1 had no checksum; one cannot be told from a
    format-2 manifest whose checksum was removed, so neither is trusted.
    """
    recorded = manifest.get("checksum")
    if recorded is None:
        raise UserError(f"{where}: the manifest has no checksum, so it cannot be checked against itself "
                        f"(format {manifest['manifest_version']}; edited by hand, or written by an older "
                        "animate-em?); render the scene again for a manifest that can be")
    if recorded != checksum(manifest):
        raise UserError(f"{where}: the manifest does not agree with itself (its checksum does not match what it "
                        "records: edited by hand?); render the scene again instead")


def _check_results(prepared, manifest: dict[str, Any], where: str) -> None:
    """The runs fitted again end where the manifest says they ended (same K, iterations, log-likelihood)."""
    recorded = manifest.get("runs")
    if not isinstance(recorded, list):
        return
    fitted = runs_record(prepared)
    if len(recorded) != len(fitted):
        raise UserError(f"{where}: the manifest does not agree with itself: it records {len(recorded)} runs, "
                        f"its scene has {len(fitted)}")
    for number, (old, new) in enumerate(zip(recorded, fitted), start=1):
        if not isinstance(old, dict):
            raise UserError(f"{where}: not a valid manifest (run {number} is not a record)")
        final = old.get("final_log_likelihood")
        same = (old.get("k") == new["k"] and old.get("n_iter") == new["n_iter"]
                and isinstance(final, (int, float)) and not isinstance(final, bool)
                and abs(final - new["final_log_likelihood"]) <= 1e-6 * max(1.0, abs(new["final_log_likelihood"])))
        if not same:
            raise UserError(f"{where}: the manifest does not agree with itself: run {number} fitted again ends at "
                            f"log-likelihood {new['final_log_likelihood']:.6g} after {new['n_iter']} iterations "
                            f"(K = {new['k']}), the manifest records {final!r} after {old.get('n_iter')!r} "
                            f"(K = {old.get('k')!r}); edited by hand?")


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
    from animate_em.scene.runs.data import load_scene_data

    data = manifest["data"]
    recorded_file = data.get("file_sha256")
    if data.get("kind") == "file" and isinstance(recorded_file, str):
        # The file's bytes are checked before it is parsed: a manifest names its file by an
        # absolute path, and an error about a file it was not made from must not quote that file.
        from animate_em.untrusted import available_memory, read_bounded

        memory = available_memory()
        raw = read_bounded(scene.data.source, "data file", None if memory is None else memory // 16)
        file_sha = hashlib.sha256(raw).hexdigest()
        if file_sha != recorded_file:
            raise UserError(f"{where}: data file {scene.data.source} has changed since the render "
                            f"(sha256 {file_sha[:12]}..., manifest {recorded_file[:12]}...)")
    loaded = load_scene_data(scene.data)
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
    _check_checksum(manifest, where)
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
    scene = load(path, strict=strict)
    manifest = load_manifest(path)
    prepared = prepare(scene)
    _check_results(prepared, manifest, os.fspath(path))
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
