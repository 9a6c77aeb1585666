"""Classes 1 and 2 of issue 9: files that are not regular files, sizes beyond reason, and scene
files that try to reach outside their folder. Each case must end with one line, exit status 2, no
traceback, nothing written, and no wait on a FIFO or device. Cases run the command in this process
(``invoke``); those marked "real process" run the installed command (``run``), one or two per class,
to show the console script ends the same way."""
from __future__ import annotations

import io
import json
import os

import numpy as np
import pytest

from hostile_cli import TINY_SCENE, assert_one_line_error, invoke, make_special, run, tree

SPECIAL = ["fifo", "socket", "folder", "zero", "urandom"]
WHAT_IT_IS = {"fifo": "FIFO", "socket": "socket", "folder": "folder", "zero": "character device",
              "urandom": "character device"}


# --- 1. Files that are not regular files --------------------------------------------------------

@pytest.mark.parametrize("kind", SPECIAL)
def test_special_file_as_data_is_refused_at_once(tmp_path, kind):
    target = make_special(tmp_path / "data.csv", kind)
    result = (run if kind == "fifo" else invoke)("fit", target, "-k", "2", timeout=30)   # real process: FIFO
    assert_one_line_error(result, WHAT_IT_IS[kind])


@pytest.mark.parametrize("kind", SPECIAL)
def test_special_file_as_scene_file_is_refused_at_once(tmp_path, kind):
    target = make_special(tmp_path / "scene.toml", kind)
    result = (run if kind == "zero" else invoke)("render", target, "-o", tmp_path / "out", timeout=30)  # real: zero
    assert_one_line_error(result, WHAT_IT_IS[kind])
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", SPECIAL)
def test_special_file_as_manifest_is_refused_at_once(tmp_path, kind):
    target = make_special(tmp_path / "x.manifest.json", kind)
    result = invoke("render", "--from-manifest", target, "-o", tmp_path / "out", timeout=30)
    line = assert_one_line_error(result)
    assert WHAT_IT_IS[kind] in line or (kind == "folder" and "is a directory" in line), line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["fifo", "socket", "folder"])
def test_special_file_as_a_scenes_data_source_is_refused_at_once(tmp_path, kind):
    make_special(tmp_path / "points.csv", kind)
    scene = tmp_path / "s.toml"
    scene.write_text(TINY_SCENE.replace('source = "blobs"\nn_samples = 60', 'source = "points.csv"'))
    result = invoke("render", scene, "-o", tmp_path / "out", timeout=30)
    assert_one_line_error(result, WHAT_IT_IS[kind])
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [["select"], ["report", "--no-gif", "--data"]])
def test_a_fifo_as_data_of_other_commands_is_refused(tmp_path, command):
    fifo = make_special(tmp_path / "points.csv", "fifo")
    result = invoke(*command, fifo, "-o" if command[0] == "report" else "--k-max",
                    tmp_path / "out" if command[0] == "report" else 2, timeout=30)
    assert_one_line_error(result, "FIFO")


# --- 1. Sizes bounded before reading ---------------------------------------------------------------

def test_a_scene_file_over_1_mb_is_refused(tmp_path):
    scene = tmp_path / "big.toml"
    scene.write_text(TINY_SCENE + "# " + "x" * 1_100_000 + "\n")
    assert_one_line_error(invoke("render", scene, "-o", tmp_path / "out"), "1.0 MB")


def test_a_manifest_over_its_limit_is_refused(tmp_path):
    manifest = tmp_path / "big.manifest.json"
    manifest.write_text('{"pad": "' + "x" * 4_100_000 + '"}')
    assert_one_line_error(invoke("render", "--from-manifest", manifest, "-o", tmp_path / "out"), "4.0 MB")


@pytest.mark.parametrize("suffix", [".csv", ".npy"])
def test_a_data_file_larger_than_memory_is_refused_unread(tmp_path, suffix):
    huge = tmp_path / f"huge{suffix}"
    with open(huge, "wb") as handle:    # sparse: a terabyte that takes no disk
        handle.truncate(10 ** 12)
    # Real process for the CSV: a read it did not refuse would take the whole machine, not one case.
    assert_one_line_error((run if suffix == ".csv" else invoke)("fit", huge, "-k", "2", timeout=30), "memory")


def test_a_npy_header_claiming_more_rows_than_its_bytes_is_refused(tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((3, 2)))
    lying = buffer.getvalue().replace(b"(3, 2)", b"(10000000000, 2)")
    path = tmp_path / "lying.npy"
    path.write_bytes(lying)
    assert_one_line_error(invoke("fit", path, "-k", "2"), "header declares")


@pytest.mark.parametrize("old, new, fragment", [
    ('n_samples = 60', 'n_samples = 1000000000', "n_samples must be <="),
    ('title = "tiny"', 'title = "' + "T" * 5000 + '"', "at most 100 characters"),
    ('title = "tiny"', 'title = "a\\u0007b"', "printable"),
    ('title = "tiny"', 'name = "' + "n" * 400 + '"\ntitle = "t"', "at most 100 characters"),
    ('[timing]', '[[runs]]\nlabel = "' + "L" * 500 + '"\n[timing]', "at most 40 characters"),
    ('source = "blobs"', 'source = "blobs"\ncolumns = ["' + "c" * 500 + '", "b"]', "column names"),
    ('source = "blobs"', 'source = "a\\u0000b.csv"', "printable"),
])
def test_scene_values_beyond_what_fits_are_refused(tmp_path, old, new, fragment):
    scene = tmp_path / "s.toml"
    scene.write_text(TINY_SCENE.replace(old, new))
    assert_one_line_error(invoke("render", scene, "-o", tmp_path / "out"), fragment)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("depth", [1000, 200_000])
def test_deeply_nested_toml_is_refused(tmp_path, depth):
    scene = tmp_path / "deep.toml"
    scene.write_text("x = " + "[" * depth + "]" * depth + "\n")
    # The deep one in a real process: a parser that overflowed the C stack would kill the test process.
    line = assert_one_line_error((run if depth > 1000 else invoke)("render", scene, "-o", tmp_path / "out"))
    assert "nested too deeply" in line or "unknown key 'x'" in line


@pytest.mark.parametrize("depth", [1000, 200_000])
def test_deeply_nested_json_manifest_is_refused(tmp_path, depth):
    manifest = tmp_path / "deep.manifest.json"
    manifest.write_text('{"a": ' + "[" * depth + "]" * depth + "}")
    line = assert_one_line_error((run if depth > 1000 else invoke)("render", "--from-manifest", manifest, "-o",
                                                                  tmp_path / "out"))
    assert "nested too deeply" in line or "not a valid manifest" in line


# --- 2. Scene files are untrusted ------------------------------------------------------------------

def _scene_in(folder, source):
    folder.mkdir(parents=True, exist_ok=True)
    scene = folder / "s.toml"
    scene.write_text(TINY_SCENE.replace('source = "blobs"\nn_samples = 60', f"source = {json.dumps(source)}"))
    return scene


@pytest.fixture
def secret(tmp_path):
    """A file outside the scene's folder whose lines must never appear in a message."""
    path = tmp_path / "secret.csv"
    path.write_text("name,password\nalice,hunter2\nbob,letmein\n")
    return path


@pytest.mark.parametrize("source", ["ABSOLUTE", "../secret.csv", "sub/../../secret.csv", "./../secret.csv",
                                    "~/secret.csv", "link.csv"])
def test_a_scene_file_cannot_read_outside_its_folder(tmp_path, secret, source):
    folder = tmp_path / "course"
    scene = _scene_in(folder, str(secret) if source == "ABSOLUTE" else source)
    (folder / "link.csv").symlink_to(secret)
    line = assert_one_line_error((run if source == "../secret.csv" else invoke)("render", scene, "-o",
                                                                                tmp_path / "out"))
    assert "hunter2" not in line and "alice" not in line and "password" not in line
    assert "own folder" in line
    assert not (tmp_path / "out").exists()


def test_a_file_in_the_scenes_folder_tree_is_allowed(tmp_path):
    rng = np.random.default_rng(0)
    folder = tmp_path / "course"
    (folder / "data").mkdir(parents=True)
    np.savetxt(folder / "data" / "points.csv", np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(6, 1, (30, 2))]),
               delimiter=",", header="a,b", comments="")
    scene = _scene_in(folder, "data/points.csv")
    result = invoke("render", scene, "--still", "-o", tmp_path / "out" / "s.png", "--quiet")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "s.png").is_file()


def test_data_on_the_command_line_may_be_anywhere(tmp_path, tiny_scene):
    rng = np.random.default_rng(1)
    elsewhere = tmp_path / "elsewhere" / "points.csv"
    elsewhere.parent.mkdir()
    np.savetxt(elsewhere, np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(6, 1, (30, 2))]), delimiter=",")
    result = invoke("render", tiny_scene, "--data", elsewhere, "--still", "-o", tmp_path / "out" / "s.png", "--quiet")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", ["render", "report"])
def test_a_scene_name_never_leads_out_of_the_output_folder(tmp_path, command):
    work = tmp_path / "work"
    work.mkdir()
    scene = work / "s.toml"
    scene.write_text(TINY_SCENE.replace('title = "tiny"', 'name = "../../escaped"\ntitle = "t"'))
    before = tree(tmp_path)
    args = (["render", scene, "--still", "--quiet"] if command == "render"
            else ["report", scene, "--no-gif", "--restarts", 1, "--k-max", 1, "--select-n-init", 1,
                  "--select-covariance", "full", "--quiet"])
    result = invoke(*args, cwd=work, timeout=120)
    assert result.returncode == 0, result.stderr
    new = sorted(set(tree(tmp_path)) - set(before))
    assert new and all(path.startswith("work/output/") or path == "work/output" for path in new), new
    assert not any("escaped" in path and not path.startswith("work/output") for path in new)


# --- odd contents ------------------------------------------------------------------------------------

ODD = [
    ("scene", "s.toml", "title = 'x'\n[model]\nseed = " + "9" * 5000 + "\n", "invalid TOML"),
    ("scene", "s.toml", b"\xff\xfe\x00 not text", "invalid TOML"),
    ("scene", "s.toml", "[model]\nk = 3\n[model]\nk = 4\n", "invalid TOML"),
    ("manifest", "m.manifest.json", '{"manifest_version": ' + "9" * 5000 + "}", "not a valid manifest"),
    ("manifest", "m.manifest.json", b"\xff\xfe{}", "not a valid manifest"),
    ("manifest", "m.manifest.json", "", "not a valid manifest"),
    ("data", "d.csv", "a,b\n" + "9" * 5000 + ",1\n2,3\n", "infinite"),
    ("data", "d.csv", b"\x00\x01\x02\xff" * 100, "neither UTF-8 text"),
    ("data", "d.npy", b"\x93NUMPY\x01\x00\xff\xff" + b"{" * 70000, "not a valid .npy"),
]


@pytest.mark.parametrize("role, name, content, fragment", ODD,
                         ids=[f"{role}-{i}" for i, (role, *_) in enumerate(ODD)])
def test_odd_contents_are_one_line(tmp_path, role, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    args = {"scene": ["render", path, "-o", tmp_path / "out"],
            "manifest": ["render", "--from-manifest", path, "-o", tmp_path / "out"],
            "data": ["fit", path, "-k", "2"]}[role]
    assert_one_line_error((run if content == ODD[1][2] else invoke)(*args), fragment)    # real: bytes, not text
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("role", ["scene", "data"])
def test_links_to_devices_and_link_loops_are_refused(tmp_path, role):
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    for target in (tmp_path / "zero", tmp_path / "loop1"):
        args = ["render", target, "-o", tmp_path / "out"] if role == "scene" else ["fit", target, "-k", "2"]
        line = assert_one_line_error(invoke(*args, timeout=30))
        assert "character device" in line or "not found" in line or "symbolic links" in line, line


@pytest.mark.parametrize("kind, command", [("fifo", "check"), ("zero", "check"), ("socket", "render"),
                                           ("fifo", "render")])
def test_a_special_file_as_a_recorded_history_is_refused_at_once(tmp_path, kind, command):
    history = make_special(tmp_path / "h.npz", kind)
    args = (["check", history, "--data", "faithful"] if command == "check"
            else ["render", "--history", history, "--data", "faithful", "-o", tmp_path / "out"])
    assert_one_line_error(invoke(*args, timeout=30), WHAT_IT_IS[kind])
    assert not (tmp_path / "out").exists()
