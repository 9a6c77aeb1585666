"""`animate-em render` and `animate-em scenes` through click's runner."""
from __future__ import annotations

import imageio.v3 as iio
import numpy as np
import pytest
from click.testing import CliRunner

from animate_em.cli import main

# A small, quick animation: 480p preset, one frame per iteration, few iterations.
QUICK = ["-q", "l", "--frames-per-iteration", "1", "--max-iter", "3", "--fps", "10"]


@pytest.fixture
def runner():
    return CliRunner()


def test_render_writes_the_requested_formats_and_prints_their_paths(runner, tmp_path):
    result = runner.invoke(main, ["render", *QUICK, "--format", "mp4", "--format", "gif", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    printed = result.stdout.split()
    assert printed == [str(tmp_path / "em-basics.mp4"), str(tmp_path / "em-basics.gif")]
    frames = list(iio.imiter(tmp_path / "em-basics.mp4", plugin="FFMPEG"))
    assert frames[0].shape == (480, 854, 3)
    # The frame count is stated before rendering, and it is what was written.
    assert f"{len(frames)} frames at 10 fps" in result.stderr


def test_render_to_a_named_file(runner, tmp_path):
    target = tmp_path / "talk" / "lecture.gif"
    result = runner.invoke(main, ["render", "em-basics", *QUICK, "-o", str(target), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(target)
    assert result.stderr == ""
    assert target.exists()


def test_still_and_poster_alone_write_only_pictures(runner, tmp_path):
    result = runner.invoke(main, ["render", *QUICK, "--still", "--poster", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["em-basics.png", "em-basics_poster.png"]


def test_options_override_the_scene(runner, tmp_path):
    result = runner.invoke(main, ["render", *QUICK, "--data", "blobs", "-k", "3", "--init", "kmeans",
                                  "--theme", "dark", "--still", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    still = iio.imread(tmp_path / "em-basics.png")
    assert still[2, 2].max() < 80  # the dark theme's background


def test_scene_file_from_disk(runner, tmp_path):
    scene = tmp_path / "mine.toml"
    scene.write_text('title = "Mine"\n[data]\nsource = "blobs"\n[model]\nk = 3\n')
    result = runner.invoke(main, ["render", str(scene), *QUICK, "--still", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "mine.png").exists()


@pytest.mark.parametrize("args, message", [
    (["render", "no-such-scene"], "unknown scene 'no-such-scene'"),
    (["render", "--format", "avi"], "'avi' is not one of"),
    (["render", "--bogus"], "No such option '--bogus'"),
    (["render", "-k", "0"], "-k"),
    (["render", "--data", "missing.csv"], "missing.csv"),
])
def test_bad_input_is_one_line_and_exit_2(runner, args, message):
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.output


def test_malformed_scene_file_is_one_line_and_leaves_no_output(runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[model]\nk = = 3\n")
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("[model]\ncolour = 'red'\n")
    for scene in (bad, unknown):
        result = runner.invoke(main, ["render", str(scene), "-o", str(tmp_path / "out")])
        assert result.exit_code == 2
        assert len(result.stderr.strip().splitlines()) == 1
        assert scene.name in result.stderr
    assert not (tmp_path / "out").exists()


def test_unwritable_output_is_one_line_and_leaves_nothing(runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(main, ["render", *QUICK, "-o", str(blocker / "x.mp4")])
    assert result.exit_code == 2
    # Nothing is announced for a render that cannot be written: the error is the only line.
    assert result.stderr.strip().splitlines() == [f"Error: cannot write {blocker / 'x.mp4'}: "
                                                  f"{blocker} is a file, not a folder"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_scenes_lists_every_builtin_scene_with_a_description(runner):
    from animate_em.scene import builtin_scenes

    result = runner.invoke(main, ["scenes"])
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == sorted(builtin_scenes())
    assert all(len(line.split(None, 1)) == 2 for line in lines)


def test_another_data_source_is_drawn_whole(runner, tmp_path):
    # The default scene asks for 500 points of its own data; --data must not inherit that.
    from animate_em import datasets

    result = runner.invoke(main, ["render", *QUICK, "--data", "faithful", "-k", "2", "--still", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    from animate_em.animation import as_prepared

    prepared = as_prepared("em-basics", overrides={"data": "blobs", "k": 3, "max_iter": 2})
    assert prepared.X.shape == datasets.get("blobs").X.shape


def test_a_file_name_that_contradicts_the_format_is_refused(runner, tmp_path):
    result = runner.invoke(main, ["render", *QUICK, "-o", str(tmp_path / "x.mp4"), "--format", "gif"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"Error: {tmp_path / 'x.mp4'} is not a GIF file name; "
                                                  "give -o a .gif name, or a folder"]
    assert list(tmp_path.iterdir()) == []


def test_a_png_name_gets_the_picture(runner, tmp_path):
    for args, name in ((["--still"], "pic.png"), (["--poster"], "post.png"), ([], "last.png")):
        result = runner.invoke(main, ["render", *QUICK, *args, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert result.stdout.split() == [str(tmp_path / name)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last.png", "pic.png", "post.png"]


def test_an_output_that_fails_after_the_frames_is_caught_before_them(runner, tmp_path):
    (tmp_path / "em-basics.manifest.json").mkdir()
    result = runner.invoke(main, ["render", *QUICK, "--format", "all", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "it is a folder" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["em-basics.manifest.json"]


def test_a_scene_name_cannot_write_outside_the_output_folder(runner, tmp_path):
    scene = tmp_path / "sneaky.toml"
    scene.write_text('name = "../../escape"\n[data]\nsource = "blobs"\n[model]\nk = 3\n')
    out = tmp_path / "a" / "b"
    result = runner.invoke(main, ["render", str(scene), *QUICK, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [str(out / "escape.mp4")]


def test_tol_zero_runs_exactly_max_iter(runner, tmp_path):
    from animate_em.animation import as_prepared

    prepared = as_prepared("em-basics", overrides={"tol": 0, "max_iter": 7})
    assert prepared.runs[0].n_iter == 7


def test_pictures_take_the_stem_of_the_named_video(runner, tmp_path):
    # A video name with --poster (and no --format) asks for both: the MP4 and the poster beside it,
    # named after the video, so renders of different data into one folder do not overwrite each other.
    target = tmp_path / "out" / "iris.mp4"
    result = runner.invoke(main, ["render", *QUICK, "--data", "blobs", "-k", "3", "-o", str(target),
                                  "--poster", "--still", "--quiet"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out"
    assert result.stdout.split() == [str(target), str(folder / "iris.png"), str(folder / "iris_poster.png")]
    assert sorted(p.name for p in folder.iterdir()) == [
        "iris.chapters.vtt", "iris.manifest.json", "iris.mp4", "iris.png", "iris_poster.png"]
    assert iio.imread(folder / "iris_poster.png").shape[1] == 854


def test_a_pandas_row_index_is_skipped_with_one_line_and_columns_override_it(runner, tmp_path):
    data = tmp_path / "iris.csv"
    rows = [f"{i},{1.0 + (i % 3) * 2 + 0.1 * (i % 7)},{0.2 + (i % 3) + 0.05 * (i % 5)}" for i in range(60)]
    data.write_text(",petal length (cm),petal width (cm)\n" + "\n".join(rows) + "\n")
    result = runner.invoke(main, ["render", *QUICK, "--data", str(data), "-k", "3", "--still", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "row index" in notes[0] and "skipped" in notes[0]
    from animate_em.animation import as_prepared

    prepared = as_prepared("em-basics", overrides={"data": str(data), "k": 3, "max_iter": 2})
    assert prepared.columns == ("petal length (cm)", "petal width (cm)")
    result = runner.invoke(main, ["render", *QUICK, "--data", str(data), "--columns", "0,petal width (cm)",
                                  "-k", "3", "--still", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "note:" not in result.stderr
    prepared = as_prepared("em-basics", overrides={"data": str(data), "columns": [0, "petal width (cm)"],
                                                   "k": 3, "max_iter": 2})
    np.testing.assert_array_equal(prepared.X[:, 0], np.arange(60))
