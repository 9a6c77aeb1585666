"""Render manifests: written beside the media, complete, and enough to draw the same frames again."""
from __future__ import annotations

import hashlib
import json
import re
import warnings

import imageio.v3 as iio
import numpy as np
import pytest
from click.testing import CliRunner

import animate_em
from animate_em import animation
from animate_em import manifest as manifests
from animate_em.animation import as_prepared
from animate_em.cli import main
from animate_em.errors import UserError
from animate_em.scene import Scene

TINY = {"width": 320, "height": 180, "fps": 10, "frames_per_iteration": 1, "max_iter": 4,
        "hold_start": 0.2, "hold_end": 0.3}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("first")
    result = animate_em.render("em-basics", formats=("mp4", "png"), output_dir=folder, **TINY)
    return folder, result


def _pngs(folder):
    return [iio.imread(p) for p in sorted(folder.glob("frame_*.png"))]


def _one_line_error(result, fragment):
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.output


def test_manifest_is_written_beside_the_media(rendered):
    folder, result = rendered
    assert result.manifest == folder / "em-basics.manifest.json"
    assert result.manifest.is_file()
    record = json.loads(result.manifest.read_text())
    written = {o["format"]: folder / o["path"] for o in record["outputs"]}
    assert written == {"mp4": folder / "em-basics.mp4", "png": folder / "em-basics_frames"}
    assert all(p.exists() for p in written.values())
    # No temporary files are left next to it.
    assert not [p for p in folder.iterdir() if ".tmp" in p.name]


def test_frame_count_and_size_match_the_files(rendered):
    folder, result = rendered
    record = json.loads(result.manifest.read_text())
    video = record["video"]
    decoded = list(iio.imiter(folder / "em-basics.mp4", plugin="FFMPEG"))
    assert video["n_frames"] == len(decoded) == len(_pngs(folder / "em-basics_frames"))
    assert decoded[0].shape == (video["height"], video["width"], 3) == (180, 320, 3)
    assert video["fps"] == 10
    assert video["duration"] == pytest.approx(len(decoded) / 10)


def test_chapters_start_at_zero_increase_and_mark_every_iteration(rendered):
    _, result = rendered
    record = json.loads(result.manifest.read_text())
    marks = record["chapters"]
    frames = [m["frame"] for m in marks]
    assert frames[0] == 0 and marks[0]["time"] == 0
    assert all(b > a for a, b in zip(frames, frames[1:]))
    assert frames[-1] < record["video"]["n_frames"]
    timeline = result.prepared.timeline
    iterations = [m for m in marks if m["iteration"]]
    assert [m["iteration"] for m in iterations] == list(range(1, result.prepared.runs[0].n_iter + 1))
    assert [m["frame"] for m in iterations] == timeline.iteration_start_frames
    for mark in marks:
        assert mark["time"] == pytest.approx(mark["frame"] / record["video"]["fps"])
        # The frame a chapter names really belongs to that iteration.
        if mark["iteration"]:
            assert timeline.iteration_at(mark["frame"]) == mark["iteration"]


def test_webvtt_chapters_match_the_manifest(rendered):
    folder, result = rendered
    record = json.loads(result.manifest.read_text())
    text = (folder / "em-basics.chapters.vtt").read_text()
    assert text.startswith("WEBVTT")
    starts = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) -->", text)
    seconds = [int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 for h, m, s, ms in starts]
    assert seconds == pytest.approx([m["time"] for m in record["chapters"]], abs=1e-3)


def test_scene_round_trips_and_data_hash_matches_the_array(rendered):
    _, result = rendered
    record = json.loads(result.manifest.read_text())
    assert Scene.from_dict(record["scene"]) == result.prepared.scene
    X = np.ascontiguousarray(result.prepared.X, dtype="<f8")
    expected = hashlib.sha256(repr(X.shape).encode() + X.tobytes()).hexdigest()
    assert record["data"]["sha256"] == expected
    assert record["data"]["kind"] == "builtin" and record["data"]["name"] == "anisotropic"
    assert record["seeds"] == {"data": 0, "runs": [0]}
    for package in ("animate_em", "numpy", "matplotlib", "imageio_ffmpeg", "python"):
        assert record["versions"][package]
    run = result.prepared.runs[0]
    assert record["runs"][0]["final_log_likelihood"] == run.final.log_likelihood
    assert record["runs"][0]["n_iter"] == run.n_iter


def test_render_from_manifest_gives_identical_frames(rendered, tmp_path):
    folder, result = rendered
    again = animation.render_from_manifest(result.manifest, output_dir=tmp_path)
    assert sorted(p.name for p in again.paths) == ["em-basics.mp4", "em-basics_frames"]
    first, second = _pngs(folder / "em-basics_frames"), _pngs(tmp_path / "em-basics_frames")
    assert len(first) == len(second) == result.n_frames
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert manifests.load(result.manifest) == result.prepared.scene


def test_cli_render_from_manifest(rendered, tmp_path):
    folder, result = rendered
    out = tmp_path / "again.mp4"
    cli = CliRunner().invoke(main, ["render", "--from-manifest", str(result.manifest), "-o", str(out), "--quiet"])
    assert cli.exit_code == 0, cli.output
    assert cli.stdout.strip() == str(out)
    assert sum(1 for _ in iio.imiter(out, plugin="FFMPEG")) == result.n_frames
    assert (tmp_path / "again.manifest.json").exists()


def test_cli_from_manifest_refuses_scene_options(rendered):
    _, result = rendered
    _one_line_error(CliRunner().invoke(main, ["render", "--from-manifest", str(result.manifest), "-k", "3"]),
                    "cannot be combined with -k")
    _one_line_error(CliRunner().invoke(main, ["render", "em-basics", "--from-manifest", str(result.manifest)]),
                    "not both")


@pytest.mark.parametrize("mangle, fragment", [
    (lambda text: "{not json", "invalid JSON"),
    (lambda text: "[1, 2]", "expected a JSON object"),
    (lambda text: json.dumps({**json.loads(text), "manifest_version": 99}), "newer"),
    (lambda text: json.dumps({k: v for k, v in json.loads(text).items() if k != "scene"}), "'scene'"),
    (lambda text: json.dumps({**json.loads(text), "video": {"n_frames": 0}}), "n_frames"),
    (lambda text: text.replace('"k": 4', '"k": "four"'), "[model] k"),
])
def test_malformed_manifest_is_a_one_line_error(rendered, tmp_path, mangle, fragment):
    _, result = rendered
    bad = tmp_path / "bad.manifest.json"
    bad.write_text(mangle(result.manifest.read_text()))
    with pytest.raises(UserError, match=re.escape(fragment)):
        manifests.load(bad)
    _one_line_error(CliRunner().invoke(main, ["render", "--from-manifest", str(bad), "-o", str(tmp_path)]),
                    fragment)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.manifest.json"]


def test_tampered_data_hash_is_refused(rendered, tmp_path):
    _, result = rendered
    record = json.loads(result.manifest.read_text())
    record["data"]["sha256"] = "0" * 64
    # Signed again, as a manifest whose data really changed would be: the data check, not the checksum.
    record["checksum"] = manifests.checksum(record)
    path = tmp_path / "x.manifest.json"
    path.write_text(json.dumps(record))
    with pytest.raises(UserError, match="does not match"):
        manifests.load(path)


def test_version_mismatch_warns_and_strict_refuses(rendered, tmp_path):
    _, result = rendered
    record = json.loads(result.manifest.read_text())
    record["versions"]["matplotlib"] = "0.0.1"
    path = tmp_path / "old.manifest.json"
    path.write_text(json.dumps(record))
    with pytest.warns(manifests.VersionWarning, match="matplotlib 0.0.1"):
        scene = manifests.load(path)
    assert scene == result.prepared.scene
    with pytest.raises(UserError, match="matplotlib"):
        manifests.load(path, strict=True)
    cli = CliRunner().invoke(main, ["render", "--from-manifest", str(path), "-o", str(tmp_path / "o.gif")])
    assert cli.exit_code == 0, cli.output
    assert "warning:" in cli.stderr and "matplotlib 0.0.1" in cli.stderr
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        manifests.load(result.manifest)  # same versions: no warning


def test_file_data_is_hashed_and_a_changed_file_is_refused(tmp_path):
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(0, 1, (40, 2)), rng.normal(5, 1, (40, 2))])
    data = tmp_path / "points.csv"
    np.savetxt(data, points, delimiter=",", header="a,b", comments="")
    scene_file = tmp_path / "mine.toml"
    scene_file.write_text('[data]\nsource = "points.csv"\n[model]\nk = 2\n')
    result = animate_em.render(str(scene_file), formats="gif", output_dir=tmp_path / "out", **TINY)
    record = json.loads(result.manifest.read_text())
    assert record["data"]["kind"] == "file"
    assert record["data"]["file_sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
    assert record["scene"]["data"]["source"] == str(data.resolve())
    assert manifests.load(result.manifest) == result.prepared.scene
    points[0, 0] += 1.0
    np.savetxt(data, points, delimiter=",", header="a,b", comments="")
    with pytest.raises(UserError, match="points.csv has changed"):
        manifests.load(result.manifest)


def test_runs_fitted_in_code_are_recorded_but_not_rerendered(tmp_path):
    X = animate_em.datasets.get("blobs").X
    run = animate_em.fit(X, 3, seed=1, max_iter=3)
    # One frame per iteration and short holds: the manifest is tested, not the pacing (8 frames, not 125).
    result = animate_em.render(run, tmp_path / "fit.gif", data=X, width=320, height=180, fps=10,
                               frames_per_iteration=1, hold_start=0.2, hold_end=0.3)
    record = json.loads(result.manifest.read_text())
    assert record["reproducible"] is False and record["data"]["kind"] == "code"
    assert record["runs"][0]["final_log_likelihood"] == run.final.log_likelihood
    with pytest.raises(UserError, match="fitted in Python code"):
        manifests.load(result.manifest)


def test_no_manifest_when_the_render_fails(tmp_path):
    def stop(done, total):
        if done == 3:
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        animate_em.render(formats=("mp4", "png"), output_dir=tmp_path, on_frame=stop, **TINY)
    assert list(tmp_path.iterdir()) == []


def test_manifest_can_be_switched_off(tmp_path):
    result = animate_em.render("em-basics", tmp_path / "a.gif", manifest=False, **TINY)
    assert result.manifest is None
    assert [p.name for p in tmp_path.iterdir()] == ["a.gif"]


def test_frame_count_drift_is_refused(rendered, tmp_path):
    _, result = rendered
    record = json.loads(result.manifest.read_text())
    record["video"]["n_frames"] += 1
    # Signed again: drift between versions, not an edit by hand.
    record["checksum"] = manifests.checksum(record)
    path = tmp_path / "drift.manifest.json"
    path.write_text(json.dumps(record))
    with pytest.raises(UserError, match="frames"):
        animation.render_from_manifest(path, output_dir=tmp_path)
    assert as_prepared(manifests.load(path)).n_frames == result.n_frames


def test_a_sweep_scene_names_its_chapters_by_k():
    prepared = as_prepared("bic", overrides={"width": 320, "height": 180, "fps": 10, "sweep_k": [1, 2, 3]})
    marks = manifests.chapters(prepared.timeline)
    assert [m["title"] for m in marks] == ["Start", "K = 1", "K = 2", "K = 3", "Final fit"]
    frames = [m["frame"] for m in marks]
    assert frames == sorted(set(frames)) and frames[0] == 0


def test_manifest_and_chapters_are_readable_like_the_media(rendered):
    # A folder served to students must not hold owner-only files next to the video.
    folder, result = rendered
    video_mode = (folder / "em-basics.mp4").stat().st_mode & 0o777
    assert result.manifest.stat().st_mode & 0o777 == video_mode
    assert (folder / "em-basics.chapters.vtt").stat().st_mode & 0o777 == video_mode


def test_iterations_paced_without_a_frame_share_the_next_chapter():
    # A long run in a short duration: flat late iterations share frames, and their chapter is the
    # next iteration that has frames ("Iterations 120–131"), so marks still strictly increase.
    from animate_em.scene.timing.timeline import Timeline
    steps = 800 * 0.03 * 0.97 ** np.arange(300)
    timeline = Timeline.build([np.concatenate([[-2000.0], -2000.0 + np.cumsum(steps)])], fps=30, duration=12.0)
    assert 0 in timeline.iteration_frames
    marks = manifests.chapters(timeline)
    frames = [m["frame"] for m in marks]
    assert all(b > a for a, b in zip(frames, frames[1:]))
    merged = [m for m in marks if m["title"].startswith("Iterations ")]
    assert merged
    for mark in merged:
        first, last = (int(v) for v in mark["title"].split()[1].split("–"))
        assert last == mark["iteration"] and first < last
        assert timeline.iteration_at(mark["frame"]) == last
