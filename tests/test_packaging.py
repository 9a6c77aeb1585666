"""The built wheel and sdist carry what they should, and building them raises no setuptools warning."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    pytest.importorskip("build", reason="the 'build' package (test extra) builds the sdist and wheel")
    source = tmp_path_factory.mktemp("source")
    # A clean copy: the worktree's .venv, outputs and caches are not part of a release.
    shutil.copytree(ROOT, source / "animate-em", symlinks=True,
                    ignore=shutil.ignore_patterns(".venv", ".git", "output", "__pycache__", "*.egg-info", "build",
                                                  "dist", ".pytest_cache", ".hypothesis"))
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "-o", str(out),
                           str(source / "animate-em")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return out, done.stdout + done.stderr


def test_building_raises_no_setuptools_warning(built):
    _, log = built
    warnings = [line for line in log.splitlines() if "warn" in line.lower()
                # the environment, not the package: PYTHONDONTWRITEBYTECODE turns byte-compiling off
                and "byte-compiling is disabled" not in line]
    assert not warnings, "\n".join(warnings)


def test_the_wheel_carries_the_package_its_scenes_data_and_licence(built):
    out, _ = built
    names = zipfile.ZipFile(next(out.glob("*.whl"))).namelist()
    scenes = {Path(n).name for n in names if n.startswith("animate_em/scenes/")}
    # The scene files and the data files they read (the collapse scene's CSV).
    shipped = {p.name for p in (ROOT / "animate_em" / "scenes").iterdir() if p.suffix in (".toml", ".csv")}
    assert "blobs-with-repeats.csv" in shipped
    assert scenes == shipped
    assert "animate_em/datasets/faithful.csv" in names
    assert "animate_em/cli/app.py" in names and "animate_em/untrusted.py" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]


def test_the_sdist_carries_licence_readme_tests_and_scenes(built):
    out, _ = built
    with tarfile.open(next(out.glob("*.tar.gz"))) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for needed in ("LICENSE", "README.md", "setup.cfg", "pyproject.toml", "constraints.txt", "Makefile",
                   "tests/test_layers.py", "tests/hostile/test_hostile_signals.py", "tests/baseline/VERSION",
                   "animate_em/scenes/em-basics.toml", "animate_em/scenes/blobs-with-repeats.csv",
                   "animate_em/datasets/faithful.csv"):
        assert needed in names, needed
    assert not [n for n in names if "__pycache__" in n or n.startswith((".venv", "output/"))]


def test_no_file_holds_a_merge_conflict_marker():
    # A conflict committed by mistake (the README once carried one) ships to every reader.
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    marked = []
    for name in listed.stdout.splitlines():
        path = ROOT / name
        if path.suffix not in (".py", ".md", ".toml", ".cfg", ".txt", ".ipynb", ".html", ".js", ".css", "") \
                or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            if line.startswith(("<<<<<<< ", ">>>>>>> ")) or line == "=======":
                marked.append(f"{name}:{number}")
    assert not marked, marked
