"""Class 5 of issue 9: a manifest edited by hand no longer agrees with itself and is refused in one
line, before a frame is drawn; an honest manifest still renders. Cases run the command in this
process (``invoke``); the first edit runs the installed command (``run``) to show it ends the same way."""
from __future__ import annotations

import hashlib
import json

import imageio.v3 as iio
import pytest

from animate_em.manifest import checksum
from hostile_cli import assert_one_line_error, invoke, run


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    """A real manifest of the tiny scene (rendered once for the module)."""
    from hostile_cli import TINY_SCENE

    folder = tmp_path_factory.mktemp("manifest")
    scene = folder / "tiny.toml"
    scene.write_text(TINY_SCENE)
    done = invoke("render", scene, "--format", "gif", "-o", folder / "tiny.gif", "--quiet", timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads((folder / "tiny.manifest.json").read_text())


def _edit(record, path, value):
    *parents, last = path
    for key in parents:
        record = record[key]
    record[last] = value


EDITS = [
    (("scene", "model", "seed"), 7),
    (("scene", "data", "n_samples"), 61),
    (("scene", "style", "theme"), "dark"),
    (("runs", 0, "final_log_likelihood"), 123.0),
    (("chapters", 0, "frame"), 1),
    (("data", "sha256"), "0" * 64),
]


@pytest.mark.parametrize("path, value", EDITS, ids=["/".join(map(str, p)) for p, _ in EDITS])
def test_a_hand_edited_manifest_is_refused(tmp_path, manifest, path, value):
    record = json.loads(json.dumps(manifest))
    _edit(record, path, value)
    edited = tmp_path / "edited.manifest.json"
    edited.write_text(json.dumps(record, indent=2))
    result = (run if path == EDITS[0][0] else invoke)("render", "--from-manifest", edited, "-o", tmp_path / "out")
    assert_one_line_error(result, "does not agree with itself")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("version", [1, 2])
def test_a_manifest_without_its_checksum_is_refused(tmp_path, manifest, version):
    # Format 1 had no checksum: claiming it must not be a way around the check.
    record = {key: value for key, value in manifest.items() if key != "checksum"}
    record["manifest_version"] = version
    (tmp_path / "m.manifest.json").write_text(json.dumps(record))
    result = invoke("render", "--from-manifest", tmp_path / "m.manifest.json", "-o", tmp_path / "out")
    assert_one_line_error(result, "has no checksum")


@pytest.mark.parametrize("edit", ["final_log_likelihood", "n_iter"])
def test_a_re_signed_manifest_with_a_changed_result_is_caught_after_fitting(tmp_path, manifest, edit):
    # Someone who recomputes the checksum still cannot change what the fit gives.
    record = json.loads(json.dumps(manifest))
    record["runs"][0][edit] = record["runs"][0][edit] + (0.5 if edit == "final_log_likelihood" else 1)
    record["checksum"] = checksum(record)
    (tmp_path / "m.manifest.json").write_text(json.dumps(record))
    result = invoke("render", "--from-manifest", tmp_path / "m.manifest.json", "-o", tmp_path / "out")
    assert_one_line_error(result, "fitted again ends at")
    assert not (tmp_path / "out").exists()


def test_a_re_signed_manifest_naming_another_file_never_quotes_it(tmp_path, manifest):
    secret = tmp_path / "secret.csv"
    secret.write_text("user,password\nalice,hunter2\n")
    record = json.loads(json.dumps(manifest))
    record["scene"]["data"]["source"] = str(secret)
    record["scene"]["data"]["n_samples"] = None
    record["data"].update(kind="file", file=str(secret), file_sha256=hashlib.sha256(b"other").hexdigest())
    record["checksum"] = checksum(record)
    (tmp_path / "m.manifest.json").write_text(json.dumps(record))
    line = assert_one_line_error(invoke("render", "--from-manifest", tmp_path / "m.manifest.json", "-o",
                                        tmp_path / "out"), "has changed since the render")
    assert "hunter2" not in line and "alice" not in line


def test_an_honest_manifest_renders_the_same_frames(tmp_path, manifest):
    (tmp_path / "m.manifest.json").write_text(json.dumps(manifest))
    result = invoke("render", "--from-manifest", tmp_path / "m.manifest.json", "--format", "png",
                    "-o", tmp_path / "again", "--quiet", timeout=120)
    assert result.returncode == 0, result.stderr
    frames = sorted((tmp_path / "again" / "tiny_frames").glob("*.png"))
    assert len(frames) == manifest["video"]["n_frames"]
    again = json.loads((tmp_path / "again" / "tiny.manifest.json").read_text())
    assert again["checksum"] == checksum(again) and again["runs"] == manifest["runs"]
    assert iio.imread(frames[0]).shape == (72, 128, 3)
