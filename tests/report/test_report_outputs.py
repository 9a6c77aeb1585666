"""`animate-em report`: files written, numbers that agree with `fit`/`select`, self-contained HTML, PDF pages."""
import json
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from animate_em.cli import main
from animate_em.errors import UserError

FAST = ["--data", "--restarts", "3", "--k-max", "4", "--select-n-init", "1", "--frames-per-iteration", "1",
        "--gif-width", "320", "--quiet"]
FIGURES = ("loglik", "bound", "poster", "restarts", "selection")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rep") / "report-blobs"
    result = CliRunner().invoke(main, ["report", "blobs", "-k", "3", "--seed", "1", "-o", str(folder), *FAST])
    assert result.exit_code == 0, result.output + str(result.exception)
    return folder, result


def _json(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_prints_the_two_report_paths(report):
    folder, result = report
    assert result.stdout.split() == [str(folder / "report.html"), str(folder / "report.pdf")]


def test_every_figure_exists_as_png_and_svg(report):
    folder, _ = report
    for name in FIGURES:
        assert (folder / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "<svg" in (folder / f"{name}.svg").read_text()[:2000]
    assert (folder / "animation.gif").read_bytes()[:6] in (b"GIF89a", b"GIF87a")
    assert not [p for p in folder.parent.iterdir() if p.name.endswith(".tmp")]   # workspace removed


def test_numbers_agree_with_fit_json(report):
    from animate_em.report.inputs import resolve

    folder, _ = report
    fitted = _json(["fit", "blobs", "-k", "3", "--seed", "1", "--json"])
    run = resolve("blobs", k=3, seed=1, as_data=True).run       # the run the report narrates
    assert run.final.log_likelihood == pytest.approx(fitted["log_likelihood"], abs=1e-9)
    assert run.bic == pytest.approx(fitted["bic"], abs=1e-9)
    assert run.n_iter == fitted["n_iter"]
    assert list(run.log_likelihoods) == pytest.approx(fitted["trace"], abs=1e-9)
    # The text of the report carries the same numbers.
    html = (folder / "report.html").read_text()
    final = f"{fitted['log_likelihood']:.2f}".replace("-", "\u2212")
    assert final in html and f"{fitted['bic']:.2f}" in html
    assert f"after {fitted['n_iter']} iteration" in html


def test_model_selection_agrees_with_select_json(report):
    from animate_em.report.inputs import resolve
    from animate_em.report.analysis import analyse

    selected = _json(["select", "blobs", "--k-max", "4", "--covariance", "all", "--seed", "1", "--json"])
    inputs = resolve("blobs", k=3, seed=1, as_data=True)
    data = analyse(inputs.X, inputs.run, name="b", title="b", source=inputs.source,
                   true_params=inputs.true_params, n_restarts=1,
                   ks=range(1, 5), select_n_init=1, select_seed=1)
    ours = {(r["k"], r["covariance_type"]): r["bic"] for r in data.selection.table}
    theirs = {(r["k"], r["covariance_type"]): r["bic"] for r in selected["rows"]}
    assert ours.keys() == theirs.keys()
    for key in ours:
        assert ours[key] == pytest.approx(theirs[key], abs=1e-9)
    assert (data.selection.best_k, data.selection.best_covariance_type) == (
        selected["best"]["k"], selected["best"]["covariance_type"])
    assert data.selection.true_k == 3          # blobs is generated from 3 components


def test_pdf_has_two_or_three_pages_with_the_key_text(report):
    pypdf = pytest.importorskip("pypdf")
    folder, _ = report
    reader = pypdf.PdfReader(str(folder / "report.pdf"))
    assert 2 <= len(reader.pages) <= 3
    text = " ".join(page.extract_text() for page in reader.pages)
    for words in ("log-likelihood", "BIC", "never decreased", "sha256", "Why the log-likelihood never decreases"):
        assert words in text
    assert reader.pages[0].mediabox.width == pytest.approx(8.27 * 72, abs=1)      # A4


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.imgs, self.refs, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "img":
            self.imgs.append(attrs.get("src", ""))
        for name in ("src", "href", "data", "poster"):
            if name in attrs and attrs[name] is not None:
                self.refs.append(attrs[name])


def test_html_is_self_contained_and_embeds_the_gif_and_figures(report):
    folder, _ = report
    html = (folder / "report.html").read_text()
    parser = _Refs()
    parser.feed(html)
    assert parser.imgs and all(src.startswith("data:image/") for src in parser.imgs)
    assert sum(src.startswith("data:image/gif;base64,") for src in parser.imgs) == 1
    assert sum(src.startswith("data:image/png;base64,") for src in parser.imgs) == len(FIGURES)
    assert all(ref.startswith(("data:", "#")) for ref in parser.refs)
    assert "script" not in parser.tags and "link" not in parser.tags
    assert "Why the log-likelihood never decreases" in html
    stripped = html
    for src in parser.imgs:
        stripped = stripped.replace(src, "")
    assert "http://" not in stripped and "https://" not in stripped and "url(" not in stripped
    assert "//" not in stripped.replace("<!DOCTYPE html>", "")


def test_the_settings_block_records_data_hash_seeds_and_versions(report):
    import matplotlib
    import numpy as np

    from animate_em import datasets
    from animate_em.report.analysis import data_hash

    folder, _ = report
    html = (folder / "report.html").read_text()
    assert data_hash(datasets.get("blobs").X) in html
    assert f"matplotlib {matplotlib.__version__}" in html and f"numpy {np.__version__}" in html
    assert "animate-em report blobs" in html and "--seed 1" in html and "--data" in html


@pytest.mark.parametrize("args, words", [
    (["report", "no-such-data"], "no-such-data"),
    (["report", "blobs", "--restarts", "0"], "--restarts"),
    (["report", "blobs", "--covariance", "banana"], "--covariance"),
])
def test_user_errors_are_one_line_exit_2_and_write_nothing(tmp_path, args, words):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [args[0], *FAST, *args[1:], "-o", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and words in lines[0]
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_unwritable_folder_is_one_line_exit_2(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["report", "blobs", "-o", str(blocker / "sub"), *FAST])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot write the report" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_report_that_fails_midway_leaves_nothing(tmp_path, monkeypatch):
    import animate_em.report.pdf as pdf

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf, "write_pdf", broken)
    out = tmp_path / "out"
    with pytest.raises(UserError, match="no space left on device"):   # one line, not an OSError traceback
        from animate_em.report import build_report
        build_report("blobs", out, k=3, n_restarts=2, k_max=2, select_n_init=1, gif=False, as_data=True)
    assert list(tmp_path.iterdir()) == []


def test_a_scene_name_is_reported_as_the_scene_and_data_flag_forces_the_dataset():
    from animate_em.report.inputs import resolve
    from animate_em.scene import builtin_scenes

    scene = resolve(None)
    assert scene.source["kind"] != "file" and scene.name == "em-basics"
    assert scene.run.settings["init"] == "random_from_data"          # the scene's model, not DATA defaults
    data = resolve("anisotropic", as_data=True)
    assert data.run.settings["init"] == "kmeans++" and data.source.get("scene") is None
    shared = sorted(set(builtin_scenes()) & {"faithful", "blobs", "anisotropic", "overlap", "varied"})
    for name in shared:
        assert resolve(name, k=2).source.get("scene_name") == name
        assert resolve(name, k=2, as_data=True).source.get("scene_name") is None


def test_no_report_image_has_ink_on_its_outer_edge(report):
    # A title or an annotation cut at the image's edge ("worst: ...", "tol·N") shows as ink there.
    import numpy as np
    from PIL import Image

    folder, _ = report
    pictures = [folder / f"{name}.png" for name in FIGURES] + [folder / "animation.gif"]
    for path in pictures:
        with Image.open(path) as image:
            frames = [image.convert("RGB")] if path.suffix == ".png" else []
            if path.suffix == ".gif":
                for index in (0, image.n_frames // 2, image.n_frames - 1):
                    image.seek(index)
                    frames.append(image.convert("RGB"))
        for frame in frames:
            pixels = np.asarray(frame).astype(int)
            ground = pixels[0, 0]
            ring = np.concatenate([pixels[:2].reshape(-1, 3), pixels[-2:].reshape(-1, 3),
                                   pixels[:, :2].reshape(-1, 3), pixels[:, -2:].reshape(-1, 3)])
            assert np.abs(ring - ground).max() <= 8, path.name


def test_the_pdf_is_vectors_the_poster_included(report):
    # The poster was a blurry raster in the PDF although every panel is lines and dots.
    pypdf = pytest.importorskip("pypdf")
    folder, _ = report
    reader = pypdf.PdfReader(str(folder / "report.pdf"))
    assert sum(len(page.images) for page in reader.pages) == 0
    svg = (folder / "poster.svg").read_text()
    assert "<image" not in svg and svg.count("<path") > 50


def test_the_report_gif_is_drawn_at_its_own_width_and_its_footer_reads(tmp_path):
    # A 640-px GIF shrunk from 854 x 480 frames had 7-px footer text; drawn at 640 x 360 the
    # small-frame text floor keeps it near 480p's size. Read it back as a student's eyes would (OCR).
    import shutil
    import subprocess

    from PIL import Image

    from animate_em.report import _write_gif
    from animate_em.report.inputs import resolve

    inputs = resolve(None, frames_per_iteration=1)
    gif = _write_gif(inputs, tmp_path / "animation.gif", 640, None)
    with Image.open(gif) as image:
        assert image.size == (640, 360)
        image.seek(image.n_frames - 1)
        last = image.convert("RGB")
    footer = last.crop((0, int(0.88 * 360), 640, 360))
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (apt-get install tesseract-ocr)")
    big = tmp_path / "footer.png"
    footer.resize((footer.width * 2, footer.height * 2), Image.LANCZOS).save(big)
    read = subprocess.run(["tesseract", str(big), "stdout", "--psm", "7"], capture_output=True, text=True,
                          env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"}).stdout
    assert "faint ellipses" in read and "iterations" in read, read
