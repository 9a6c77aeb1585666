"""Colours and levels that play everywhere: BT.709 conversion and tags, H.264 level 5.1 at most."""
from __future__ import annotations

import base64
import shutil
import subprocess

import imageio_ffmpeg
import numpy as np
import pytest
from encode_probe import leftovers

from animate_em.animation import MP4_PRESET
from animate_em.encode import open_writer, write
from animate_em.errors import UserError
from animate_em.scene import QUALITY

GREEN = (0, 158, 115)   # Okabe-Ito bluish green, the palette's third colour


def _flat(colour, width=1280, height=720):
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = colour
    return frame


def _box(path, kind: bytes) -> bytes:
    data = path.read_bytes()
    at = data.find(kind)
    assert at > 0, f"no {kind!r} box in {path}"
    return data[at + 4:]


def _ffmpeg_stream_line(path) -> str:
    err = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                         capture_output=True, text=True).stderr
    return next(line for line in err.splitlines() if "Video:" in line)


def _ffprobe(path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=color_range,color_space,color_transfer,color_primaries,level",
                          "-of", "default=noprint_wrappers=1", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return dict(line.split("=", 1) for line in out.split())


@pytest.fixture(scope="module")
def green_videos(tmp_path_factory):
    # 720p: Chromium guesses BT.601 for untagged SD video and BT.709 for HD, so only HD shows a wrong matrix.
    folder = tmp_path_factory.mktemp("green")
    return {fmt: write([_flat(GREEN)] * 3, folder / f"green.{fmt}", fps=10) for fmt in ("mp4", "webm")}


def test_mp4_says_bt709_limited_range_in_its_colr_box(green_videos):
    # ISO/IEC 23001-8 code points: 1 = BT.709 for primaries, transfer and matrix; top bit 0 = limited range.
    nclx = _box(green_videos["mp4"], b"colr")
    assert nclx[:4] == b"nclx"
    primaries, transfer, matrix = (int.from_bytes(nclx[i:i + 2], "big") for i in (4, 6, 8))
    assert (primaries, transfer, matrix) == (1, 1, 1)
    assert nclx[10] & 0x80 == 0


@pytest.mark.parametrize("fmt", ["mp4", "webm"])
def test_streams_are_tagged_bt709_limited_range(green_videos, fmt):
    # ffmpeg prints one name when primaries, transfer and matrix agree ("bt709/unknown/unknown" otherwise).
    assert "yuv420p(tv, bt709," in _ffmpeg_stream_line(green_videos[fmt])
    if shutil.which("ffprobe"):
        tags = _ffprobe(green_videos[fmt])
        assert (tags["color_space"], tags["color_transfer"], tags["color_primaries"], tags["color_range"]) == (
            "bt709", "bt709", "bt709", "tv")


def test_frames_are_converted_with_the_bt709_matrix_into_limited_range(green_videos):
    # The encoded Y'CbCr of a flat frame is what BT.709 (limited range) makes of the colour.
    raw = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(green_videos["mp4"]),
                          "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
                         capture_output=True, check=True).stdout
    y = np.frombuffer(raw[:1280 * 720], np.uint8)
    cb = np.frombuffer(raw[1280 * 720:1280 * 720 + 640 * 360], np.uint8)
    cr = np.frombuffer(raw[1280 * 720 + 640 * 360:], np.uint8)
    r, g, b = (c / 255 for c in GREEN)
    luma = 0.2126 * r + 0.7152 * g + 0.0722 * b
    expected = (16 + 219 * luma, 128 + 224 * (b - luma) / 1.8556, 128 + 224 * (r - luma) / 1.5748)
    for plane, value in zip((y, cb, cr), expected):
        assert abs(float(np.median(plane)) - value) <= 1.0


@pytest.mark.parametrize("fmt, mime", [("mp4", "video/mp4"), ("webm", "video/webm")])
def test_chromium_shows_the_palette_green_as_drawn(green_videos, fmt, mime, chromium):
    # Untagged, the green came back as (0, 140, 114) here.
    page = chromium.new_page()
    try:
        pixel = page.evaluate("""async ([data, mime]) => {
            const raw = atob(data), bytes = new Uint8Array(raw.length);
            for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
            const video = document.createElement("video");
            video.muted = true;
            video.preload = "auto";
            video.src = URL.createObjectURL(new Blob([bytes], {type: mime}));
            document.body.appendChild(video);
            let timer;
            const failed = new Promise((_, fail) => {
                const why = () => (video.error ? video.error.message : "");
                video.addEventListener("error", () => fail(new Error(`the video did not load: ${why()}`)));
                timer = setTimeout(() => fail(new Error(`no frame shown in 30 s (readyState ${video.readyState})`)),
                                   30000);
            });
            await Promise.race([failed, new Promise((done) => video.addEventListener("loadeddata", done,
                                                                                   {once: true}))]);
            // "loadeddata" does not promise a decoded frame drawImage can read: under load it read
            // black. Seek into the first frame and wait until the seek is done, the current frame is
            // there (readyState >= HAVE_CURRENT_DATA) and it has been presented.
            const presented = new Promise((done) => video.requestVideoFrameCallback(() => done()));
            const seeked = new Promise((done) => video.addEventListener("seeked", done, {once: true}));
            video.currentTime = 0.05;
            await Promise.race([failed, seeked]);
            while (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) {
                await Promise.race([failed, new Promise((done) => setTimeout(done, 10))]);
            }
            await Promise.race([failed, presented]);
            clearTimeout(timer);
            const canvas = document.createElement("canvas");
            canvas.width = video.videoWidth; canvas.height = video.videoHeight;
            const context = canvas.getContext("2d");
            context.drawImage(video, 0, 0);
            return Array.from(context.getImageData(640, 360, 1, 1).data.slice(0, 3));
        }""", [base64.b64encode(green_videos[fmt].read_bytes()).decode("ascii"), mime])
    finally:
        page.close()
    assert np.abs(np.array(pixel) - GREEN).max() <= 3, pixel


@pytest.mark.parametrize("quality", sorted(QUALITY))
def test_h264_level_is_at_most_5_1_at_every_preset(tmp_path, quality):
    width, height, fps = QUALITY[quality]
    out = write([_flat(GREEN, width, height)] * 2, tmp_path / "q.mp4", fps=fps, preset=MP4_PRESET)
    # avcC: version, profile, profile compatibility, level (level_idc = 10 x level).
    level = _box(out, b"avcC")[3]
    assert level <= 51
    if shutil.which("ffprobe"):
        assert int(_ffprobe(out)["level"]) == level


def test_4k_at_60_fps_is_refused_before_any_file_is_made(tmp_path):
    with pytest.raises(UserError, match="level above 5.1.*at most 30 fps"):
        open_writer(tmp_path / "big.mp4", fps=60, size=(3840, 2160))
    assert leftovers(tmp_path) == []
