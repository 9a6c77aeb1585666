"""`animate-em slides`: a 16:9 deck, one click-to-play video per scene, the numbers in the caption, Beamer."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from animate_em.animation import as_prepared
from animate_em.cli import main
from animate_em.errors import UserError
from animate_em.scene import frame_source, load_scene
from animate_em.slides import build_deck, latex_escape

TINY = {"width": 320, "height": 180, "fps": 10, "frames_per_iteration": 1, "max_iter": 4,
        "hold_start": 0.2, "hold_end": 0.3}
NS = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
TWO_RUNS = """title = "Two seeds, two answers"
[data]
source = "blobs"
n_samples = 150
[model]
k = 3
init = "random_from_data"
[[runs]]
seed = 1
[[runs]]
seed = 2
"""


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deck")
    two = folder / "two_runs.toml"
    two.write_text(TWO_RUNS)
    result = build_deck(["em-basics", str(two)], folder / "talk.pptx", overrides=TINY, beamer=True, beamer_fps=5)
    return folder, result, ["em-basics", str(two)]


def _movie_pics(slide):
    return [pic for pic in slide.shapes._spTree.iter(f"{{{NS['p']}}}pic")
            if pic.find(".//a:videoFile", NS) is not None]


def test_one_slide_per_scene_with_title_on_a_16_9_deck(deck):
    folder, result, scenes = deck
    prs = Presentation(str(result.pptx))
    assert len(prs.slides) == 2
    assert prs.slide_width * 9 == prs.slide_height * 16
    # Declared as 16:9 too (python-pptx's template says screen4x3).
    assert prs.part._element.sldSz.get("type") == "screen16x9"
    titles = [slide.shapes.title.text for slide in prs.slides]
    assert titles == [load_scene(s).title for s in scenes]


def test_each_slide_embeds_its_mp4_and_cover(deck):
    folder, result, scenes = deck
    prs = Presentation(str(result.pptx))
    for slide, item, scene in zip(prs.slides, result.slides, scenes):
        pics = _movie_pics(slide)
        assert len(pics) == 1
        pic = pics[0]
        rid = pic.find(".//a:videoFile", NS).get(f"{{{NS['r']}}}link")
        video = slide.part.rels[rid]
        assert video.reltype == RT.VIDEO
        assert video.target_part.content_type == "video/mp4"
        assert video.target_part.blob == item.video.read_bytes()
        assert item.video.read_bytes()[4:8] == b"ftyp"
        # The poster is the first frame of the animation.
        blip = pic.find(".//a:blip", NS).get(f"{{{NS['r']}}}embed")
        poster = slide.part.rels[blip].target_part
        assert poster.content_type == "image/png"
        image = np.asarray(Image.open(io.BytesIO(poster.blob)).convert("RGB"))
        first = frame_source(as_prepared(scene, overrides=TINY)).frame(0)[..., :3]
        assert np.array_equal(image, first)
        # Inside the slide, at the video's aspect ratio.
        shape = next(s for s in slide.shapes if s.shape_id == int(pic.find(".//p:cNvPr", NS).get("id")))
        assert 0 <= shape.left and shape.left + shape.width <= prs.slide_width
        assert 0 <= shape.top and shape.top + shape.height <= prs.slide_height
        assert shape.width / shape.height == pytest.approx(320 / 180, rel=1e-3)


def _play_entry(slide):
    """The video's entry in the slide's click sequence: (its start conditions, node type, target, duration)."""
    pic_id = _movie_pics(slide)[0].find(".//p:cNvPr", NS).get("id")
    media = slide._element.findall(".//p:timing//p:video/p:cMediaNode", NS)
    assert len(media) == 1 and media[0].find(".//p:spTgt", NS).get("spid") == pic_id
    sequence = slide._element.find(".//p:timing//p:seq/p:cTn[@nodeType='mainSeq']", NS)
    assert sequence is not None, "the video has no entry in the slide's click sequence"
    entries = sequence.findall("p:childTnLst/p:par", NS)
    assert len(entries) == 1
    conditions = [(c.get("evt"), c.get("delay")) for c in entries[0].findall("p:cTn/p:stCondLst/p:cond", NS)]
    effect = entries[0].find(".//p:cTn[@presetClass='mediacall']", NS)
    command = effect.find(".//p:cmd", NS)
    assert command.get("cmd") == "playFrom(0.0)"
    assert command.find(".//p:spTgt", NS).get("spid") == pic_id
    return conditions, effect.get("nodeType"), int(command.find("p:cBhvr/p:cTn", NS).get("dur"))


def test_the_first_click_starts_the_video(deck):
    _, result, _ = deck
    prs = Presentation(str(result.pptx))
    for slide, item in zip(prs.slides, result.slides):
        conditions, node_type, duration = _play_entry(slide)
        # An indefinite start in the main sequence is PowerPoint's "On Click": the remote's next button.
        assert conditions == [(None, "indefinite")] and node_type == "clickEffect"
        assert duration == round(1000 * item.seconds)


def _numbers(line):
    k = int(re.search(r"K = (\d+)", line).group(1))
    iterations = int(re.search(r"(\d+) iterations", line).group(1))
    ll = float(re.search(r"final log-likelihood (-?\d+\.\d+)", line).group(1))
    bic = float(re.search(r"BIC (-?\d+\.\d+)", line).group(1))
    return k, iterations, ll, bic


def _caption(slide):
    texts = [s.text_frame.text for s in slide.shapes
             if s.has_text_frame and s != slide.shapes.title and "log-likelihood" in s.text_frame.text]
    assert len(texts) == 1
    return texts[0]


def test_caption_numbers_are_the_runs_numbers(deck):
    _, result, scenes = deck
    prs = Presentation(str(result.pptx))
    for slide, scene in zip(prs.slides, scenes):
        prepared = as_prepared(scene, overrides=TINY)   # fitted again, independently of the deck
        lines = _caption(slide).splitlines()
        assert len(lines) == len(prepared.runs)
        for line, run in zip(lines, prepared.runs):
            k, iterations, ll, bic = _numbers(line)
            assert k == run.final.n_components
            assert iterations == run.n_iter
            assert ll == pytest.approx(run.final.log_likelihood, abs=0.006)
            assert bic == pytest.approx(run.bic, abs=0.006)
            assert f"init = {run.settings['init']}" in line
    # The two seeds of the multi-run scene end at different places.
    lls = [_numbers(line)[2] for line in _caption(prs.slides[1]).splitlines()]
    assert len(set(lls)) == 2


def test_notes_give_the_time_of_each_iteration(deck):
    _, result, _ = deck
    prs = Presentation(str(result.pptx))
    notes = prs.slides[0].notes_slide.notes_text_frame.text
    prepared = as_prepared("em-basics", overrides=TINY)
    start = prepared.timeline.iteration_start_frames[0]
    assert f"Iteration 1 at {start / prepared.fps:.2f} s (frame {start})" in notes


def test_media_folder_keeps_videos_and_manifests_and_no_scratch_is_left(deck):
    folder, result, _ = deck
    assert result.media_dir == folder / "talk_media"
    names = {p.name for p in result.media_dir.iterdir()}
    assert {"em-basics.mp4", "em-basics.manifest.json", "em-basics_cover.png", "two_runs.mp4",
            "em-basics_beamer_frames", "two_runs_beamer_frames"} <= names
    assert sorted(p.name for p in folder.iterdir()) == ["talk.pptx", "talk.tex", "talk_media", "two_runs.toml"]


def test_beamer_references_existing_frames_with_the_right_range(deck):
    folder, result, scenes = deck
    tex = result.tex.read_text()
    assert tex.startswith("%") and r"\documentclass[aspectratio=169]{beamer}" in tex
    assert r"\usepackage{animate}" in tex and tex.rstrip().endswith(r"\end{document}")
    assert tex.count(r"\begin{frame}") == tex.count(r"\end{frame}") == 2
    depth = 0
    for ch in re.sub(r"\\[{}]", "", tex):   # escaped braces are text, not groups
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    calls = re.findall(r"\\animategraphics\[([^\]]*)\]\{(\d+)\}\{([^}]*)\}\{(\d+)\}\{(\d+)\}", tex)
    assert len(calls) == 2
    for (options, fps, stem, first, last), scene in zip(calls, scenes):
        assert "controls" in options and "loop" in options
        assert fps == "5"
        expected = as_prepared(scene, overrides={**TINY, "quality": "l", "fps": 5}).n_frames
        assert int(first) == 0 and int(last) == expected - 1
        assert (folder / f"{stem}{first}.png").is_file() and (folder / f"{stem}{last}.png").is_file()
        assert not (folder / f"{stem}{int(last) + 1:0{len(last)}d}.png").exists()
        assert len(list((folder / stem).parent.glob("frame_*.png"))) == expected
    titles = re.findall(r"\\begin\{frame\}\{(.*)\}", tex)
    assert titles == [latex_escape(load_scene(s).title) for s in scenes]
    assert r"random\_from\_data" in tex


def test_latex_escape():
    assert latex_escape("50% of k_1 & {x} $#") == r"50\% of k\_1 \& \{x\} \$\#"


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_opens_the_deck(deck, tmp_path):
    _, result, _ = deck
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(result.pptx)],
                   check=True, capture_output=True, timeout=180)
    from pypdf import PdfReader

    reader = PdfReader(str(tmp_path / "talk.pdf"))
    assert len(reader.pages) == 2
    assert "Two seeds, two answers" in reader.pages[1].extract_text()
    # Impress reads the click-sequence entry: the first click plays the video.
    subprocess.run(["soffice", "--headless", "--convert-to", "odp", "--outdir", str(tmp_path), str(result.pptx)],
                   check=True, capture_output=True, timeout=180)
    content = zipfile.ZipFile(tmp_path / "talk.odp").read("content.xml").decode()
    pages = re.findall(r"<draw:page .*?</draw:page>", content, re.S)
    assert len(pages) == 2
    for page in pages:
        assert re.search(r'presentation:node-type="on-click" presentation:preset-class="media-call"', page), page
        assert 'anim:command="play"' in page


@pytest.mark.skipif(not shutil.which("pdflatex"), reason="pdflatex is not installed")
def test_beamer_compiles_to_vector_fonts_and_every_frame_fits(deck):
    folder, result, _ = deck
    for _ in range(2):      # the animate package needs two passes, as the file says
        subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", result.tex.name], cwd=folder,
                       check=True, capture_output=True, timeout=180)
    assert "TWICE" in result.tex.read_text().splitlines()[0]
    log = result.tex.with_suffix(".log").read_text(errors="replace")
    # Beamer reports a frame whose content is taller than the frame as an overfull vbox.
    assert "Overfull" not in log
    from pypdf import PdfReader

    reader = PdfReader(str(result.tex.with_suffix(".pdf")))
    assert len(reader.pages) == 2
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        # T1 without lmodern falls back to bitmap (Type 3) fonts.
        assert fonts and all(fonts[name].get_object()["/Subtype"] == "/Type1" for name in fonts)


# --- errors -----------------------------------------------------------------

def _one_line_error(result, fragment):
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert fragment in lines[0]
    assert "Traceback" not in result.output and result.stdout == ""


@pytest.mark.parametrize("args, fragment", [
    (["slides", "em-basics", "no-such-scene", "-o", "{tmp}/d.pptx"], "unknown scene 'no-such-scene'"),
    (["slides", "em-basics"], "-o"),
    (["slides", "-o", "{tmp}/d.pptx"], "SCENE"),
    (["slides", "em-basics", "-o", "{tmp}/blocker/d.pptx"], "is a file, not a folder"),
    (["slides", "em-basics", "-o", "{tmp}/d.pdf"], ".pptx"),
    (["slides", "em-basics", "-o", "{tmp}/d.pptx", "-q", "x"], "-q"),
])
def test_cli_errors_are_one_line_and_leave_nothing(tmp_path, args, fragment):
    (tmp_path / "blocker").write_text("a file")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    _one_line_error(CliRunner().invoke(main, args), fragment)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


def test_failure_while_rendering_keeps_the_old_deck_and_leaves_no_scratch(tmp_path):
    bad = tmp_path / "impossible.toml"
    bad.write_text('[data]\nsource = "blobs"\nn_samples = 5\n[model]\nk = 9\n')
    old = tmp_path / "d.pptx"
    old.write_bytes(b"old deck")
    with pytest.raises(UserError, match="k=9"):
        build_deck(["em-basics", str(bad)], old, overrides=TINY)
    assert old.read_bytes() == b"old deck"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.pptx", "impossible.toml"]


def test_cli_writes_the_deck_and_prints_its_path(tmp_path):
    out = tmp_path / "lecture" / "deck.pptx"
    result = CliRunner().invoke(main, ["slides", "em-basics", "-q", "l", "--fps", "10", "--frames-per-iteration",
                                       "1", "--max-iter", "3", "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out) and result.stderr == ""
    prs = Presentation(str(out))
    assert len(prs.slides) == 1 and len(_movie_pics(prs.slides[0])) == 1
    assert not out.with_suffix(".tex").exists()
    assert (out.parent / "deck_media" / "em-basics.manifest.json").exists()


def test_bad_data_in_a_later_scene_fails_before_anything_is_rendered(tmp_path, monkeypatch):
    import animate_em.animation as animation

    (tmp_path / "nan.csv").write_text("x,y\n1,2\nnan,3\n4,5\n")
    bad = tmp_path / "bad.toml"
    bad.write_text('[data]\nsource = "nan.csv"\n')
    drawn = []
    monkeypatch.setattr(animation, "open_writers", lambda *a, **k: drawn.append(a) or [])
    result = CliRunner().invoke(main, ["slides", "em-basics", str(bad), "-o", str(tmp_path / "out" / "d.pptx")])
    _one_line_error(result, "NaN")                 # no "[1/2] rendering" line before it
    assert drawn == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml", "nan.csv"]


def test_too_many_components_in_a_later_scene_fail_before_rendering(tmp_path, monkeypatch):
    import animate_em.animation as animation

    bad = tmp_path / "impossible.toml"
    bad.write_text('[data]\nsource = "blobs"\nn_samples = 5\n[model]\nk = 9\n')
    drawn = []
    monkeypatch.setattr(animation, "open_writers", lambda *a, **k: drawn.append(a) or [])
    with pytest.raises(UserError, match="k=9"):
        build_deck(["em-basics", str(bad)], tmp_path / "d.pptx", overrides=TINY, beamer=True)
    assert drawn == [] and sorted(p.name for p in tmp_path.iterdir()) == ["impossible.toml"]


@pytest.mark.parametrize("blocker", ["d_media/em-basics.mp4", "d_media/em-basics.manifest.json", "d.tex"])
def test_a_folder_where_a_deck_file_goes_fails_before_rendering(tmp_path, blocker):
    (tmp_path / blocker).mkdir(parents=True)
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(main, ["slides", "em-basics", "--beamer", "-o", str(tmp_path / "d.pptx"),
                                       "--max-iter", "2", "--frames-per-iteration", "1", "--fps", "5"])
    _one_line_error(result, "it is a folder")
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before
