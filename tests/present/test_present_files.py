"""`animate-em present`: the page's content, the PDF handout, the command line and its errors."""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from animate_em.cli import main
from animate_em.errors import UserError
from animate_em.present import build_presentation, handout_steps


def _page_data(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="em-data">(.*?)</script>', html, re.S).group(1))


def test_the_page_carries_every_step_with_its_status_and_notes(talk):
    data = _page_data(talk.html.read_text())
    assert [s["name"] for s in data["scenes"]] == ["tiny", "sweep"]
    for carried, scene in zip(data["scenes"], talk.scenes):
        assert carried["n_frames"] == scene.n_frames and carried["fps"] == scene.fps
        assert [(s["start"], s["stop"], s["beat"]) for s in carried["steps"]] == [
            (s.start, s.stop, s.beat) for s in scene.steps]
        assert [s["status"] for s in carried["steps"]] == [scene.status(k) for k in range(len(scene.steps))]
        assert [s["notes"] for s in carried["steps"]] == scene.notes


def test_scene_names_from_files_cannot_break_out_of_the_page(tmp_path):
    (tmp_path / "x.toml").write_text('name = "a</script><b>"\ntitle = "</title><script>alert(1)</script>"\n'
                                     '[data]\nsource = "blobs"\nn_samples = 60\n[model]\nk = 2\nmax_iter = 1\n'
                                     '[timing]\nfps = 4\nduration = 1.0\nhold_start = 0.25\nhold_end = 0.25\n'
                                     '[style]\nwidth = 160\nheight = 90\n')
    result = build_presentation([str(tmp_path / "x.toml")], html=tmp_path / "x.html")
    html = result.html.read_text()
    assert result.scenes[0].name == "a_script_b"
    assert "<script>alert" not in html and html.count("</title>") == 1
    assert _page_data(html)["scenes"][0]["title"] == "</title><script>alert(1)</script>"


def test_the_handout_has_a_vector_page_per_iteration(talk):
    reader = PdfReader(str(talk.pdf))
    pages = [step for scene in talk.scenes for step in handout_steps(scene.steps)]
    tiny, sweep = talk.scenes
    # Initial state, iterations 1..3, final state; the sweep: start, K = 1..3, chosen K.
    assert [s.iteration for s in handout_steps(tiny.steps)] == [0, 1, 2, 3, 3]
    assert [s.beat for s in handout_steps(sweep.steps)] == ["start", "K", "K", "K", "end"]
    assert len(reader.pages) == len(pages) == 10
    texts = [page.extract_text() for page in reader.pages]
    assert "iteration" in texts[1] and "M-step" in texts[1] and "Tiny EM" in texts[0]
    assert "converged" in texts[4] or "stopped" in texts[4]
    for page in reader.pages:
        # Vector: no raster image anywhere, text set in embedded TrueType fonts.
        xobjects = page["/Resources"].get("/XObject", {})
        assert all(xobjects[name].get_object()["/Subtype"] != "/Image" for name in xobjects)
        fonts = page["/Resources"]["/Font"]
        assert fonts and all(fonts[name].get_object()["/Subtype"] != "/Type3" for name in fonts)


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils (pdffonts) is not installed")
def test_pdffonts_finds_no_bitmap_font_in_the_handout(talk):
    out = subprocess.run(["pdffonts", str(talk.pdf)], capture_output=True, text=True, check=True).stdout
    assert "TrueType" in out and "Type 3" not in out


def test_cli_writes_page_and_handout_and_prints_their_paths(tmp_path, scene_files):
    html, pdf = tmp_path / "out" / "talk.html", tmp_path / "out" / "handout.pdf"
    result = CliRunner().invoke(main, ["present", str(scene_files[0]), "--max-iter", "1", "-o", str(html),
                                       "--pdf", str(pdf), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(html), str(pdf)] and result.stderr == ""
    assert len(PdfReader(str(pdf)).pages) == 3          # initial state, iteration 1, final state
    steps = _page_data(html.read_text())["scenes"][0]["steps"]
    assert [s["beat"] for s in steps] == ["start", "E", "M", "end"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["handout.pdf", "talk.html"]


def _one_line_error(result, fragment):
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.output and result.stdout == ""


@pytest.mark.parametrize("args, fragment", [
    (["present", "em-basics"], "nothing to write"),
    (["present", "em-basics", "-o", "{tmp}/talk.pdf"], ".html"),
    (["present", "em-basics", "--pdf", "{tmp}/handout.html"], ".pdf"),
    (["present", "no-such-scene", "-o", "{tmp}/new/talk.html"], "unknown scene 'no-such-scene'"),
    (["present", "em-basics", "-o", "{tmp}/blocker/talk.html"], "is a file, not a folder"),
    (["present", "em-basics", "-o", "{tmp}/new/talk.html", "-q", "k", "--fps", "60"], "level above 5.1"),
])
def test_cli_errors_are_one_line_and_leave_nothing(tmp_path, args, fragment):
    (tmp_path / "blocker").write_text("a file")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    _one_line_error(CliRunner().invoke(main, args), fragment)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


def test_a_failure_while_drawing_keeps_the_old_files_and_leaves_no_scratch(tmp_path, scene_files, monkeypatch):
    import animate_em.present.build as build

    old = tmp_path / "talk.html"
    old.write_text("old talk")

    def broken(scenes, path, **kwargs):
        raise UserError("the disk is full")

    monkeypatch.setattr(build, "write_handout", broken)
    with pytest.raises(UserError, match="disk is full"):
        build_presentation([str(scene_files[0])], html=old, pdf=tmp_path / "handout.pdf",
                           overrides={"max_iter": 1})
    assert old.read_text() == "old talk"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.html"]
