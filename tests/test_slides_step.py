"""`animate-em slides --step`: one slide per step of EM, each slide's video that step, starting by itself."""
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

from animate_em.cli import main
from animate_em.present import present_scenes
from animate_em.scene import frame_source
from animate_em.slides import build_deck

from test_slides import NS, _movie_pics, _play_entry  # noqa: E402  (shared readers of the deck's XML)

SCENE = """title = "Three iterations"
[data]
source = "blobs"
n_samples = 120
[model]
k = 3
init = "random_from_data"
max_iter = 3
tol = 0
[timing]
fps = 10
frames_per_iteration = 3
hold_start = 0.2
hold_end = 0.3
[style]
width = 320
height = 180
"""


@pytest.fixture(scope="module")
def step_deck(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stepdeck")
    (folder / "three.toml").write_text(SCENE)
    result = build_deck([str(folder / "three.toml")], folder / "steps.pptx", step=True)
    [scene] = present_scenes([str(folder / "three.toml")])
    return folder, result, scene


def _count_frames(video: bytes, tmp_path) -> int:
    from animate_em.encode.ffmpeg import count_frames

    path = tmp_path / "segment.mp4"
    path.write_bytes(video)
    return count_frames(path)


def test_one_slide_per_step_each_with_one_video_of_that_step(step_deck, tmp_path):
    _, result, scene = step_deck
    prs = Presentation(str(result.pptx))
    assert [s.beat for s in scene.steps] == ["start", "E", "M", "E", "M", "E", "M", "end"]
    assert len(prs.slides) == len(scene.steps)
    assert prs.part._element.sldSz.get("type") == "screen16x9"
    source = frame_source(scene.prepared)
    for slide, step, item in zip(prs.slides, scene.steps, result.slides):
        pics = _movie_pics(slide)
        assert len(pics) == 1
        rid = pics[0].find(".//a:videoFile", NS).get(f"{{{NS['r']}}}link")
        video = slide.part.rels[rid]
        assert video.reltype == RT.VIDEO and video.target_part.content_type == "video/mp4"
        assert _count_frames(video.target_part.blob, tmp_path) == step.n_frames
        # The poster is the step's first frame, exactly as drawn.
        blip = pics[0].find(".//a:blip", NS).get(f"{{{NS['r']}}}embed")
        poster = np.asarray(Image.open(io.BytesIO(slide.part.rels[blip].target_part.blob)).convert("RGB"))
        assert np.array_equal(poster, source.frame(step.start)[..., :3])
        assert item.video.read_bytes() == video.target_part.blob


def test_every_video_starts_when_its_slide_opens(step_deck):
    _, result, scene = step_deck
    prs = Presentation(str(result.pptx))
    for slide, step in zip(prs.slides, scene.steps):
        conditions, node_type, duration = _play_entry(slide)
        # Started with the main sequence (time node 2), so no click is spent on starting the video.
        assert (None, "indefinite") in conditions and ("onBegin", "0") in conditions
        assert node_type == "afterEffect"
        assert duration == round(1000 * step.n_frames / scene.fps)


def test_the_slides_of_a_scene_follow_each_other_without_a_visible_change(step_deck):
    _, result, scene = step_deck
    prs = Presentation(str(result.pptx))
    assert {slide.shapes.title.text for slide in prs.slides} == {"Three iterations"}
    captions = {tuple(s.text_frame.text for s in slide.shapes if s.has_text_frame and s != slide.shapes.title)
                for slide in prs.slides}
    assert len(captions) == 1
    for slide in prs.slides:
        assert slide._element.find("p:transition", NS) is None
    notes = [slide.notes_slide.notes_text_frame.text for slide in prs.slides]
    assert notes == scene.notes


def test_step_media_stay_beside_the_deck(step_deck):
    folder, result, scene = step_deck
    steps = result.media_dir / "three_steps"
    assert sorted(p.name for p in steps.glob("*.mp4")) == [f"step_{i:03d}.mp4" for i in range(len(scene.steps))]
    assert sorted(p.name for p in folder.iterdir()) == ["steps.pptx", "steps_media", "three.toml"]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_libreoffice_reads_a_slide_per_step_each_video_playing_by_itself(step_deck, tmp_path):
    _, result, scene = step_deck
    subprocess.run(["soffice", "--headless", "--convert-to", "odp", "--outdir", str(tmp_path), str(result.pptx)],
                   check=True, capture_output=True, timeout=180)
    content = zipfile.ZipFile(tmp_path / "steps.odp").read("content.xml").decode()
    pages = re.findall(r"<draw:page .*?</draw:page>", content, re.S)
    assert len(pages) == len(scene.steps)
    for page in pages:
        # LibreOffice's form of "start after the previous effect" with a media play command.
        assert re.search(r'presentation:node-type="after-previous" presentation:preset-class="media-call"', page)
        assert 'anim:command="play"' in page


def test_cli_step_flag(tmp_path):
    (tmp_path / "three.toml").write_text(SCENE.replace("max_iter = 3", "max_iter = 1"))
    out = tmp_path / "deck.pptx"
    result = CliRunner().invoke(main, ["slides", "--step", str(tmp_path / "three.toml"), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    assert len(Presentation(str(out)).slides) == 4          # start, E, M, end
