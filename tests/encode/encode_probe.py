"""Shared helpers for the renderer tests: synthetic frames and file probes.

Probes read the written files back with the same ffmpeg binary (stream
headers, per-frame key flags, decoded pixels) and with Pillow for GIFs;
they never hash encoded bytes.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np

W, H = 64, 48


def make_frames(n, width=W, height=H, channels=3, seed=0):
    """Moving square over a faint grid: plot-like, every frame different."""
    rng = np.random.default_rng(seed)
    colour = rng.integers(0, 200, size=3, dtype=np.uint8)
    base = np.full((height, width, channels), 255, np.uint8)
    base[::8, :, :3] = 220
    base[:, ::8, :3] = 220
    for i in range(n):
        f = base.copy()
        x = (2 * i) % max(1, width - 12)
        y = (i // 3) % max(1, height - 12)
        f[y:y + 12, x:x + 12, :3] = colour
        yield f


def stream_info(path) -> dict:
    """Codec, profile, pixel format, size, fps and audio presence from ffmpeg -i."""
    err = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                         capture_output=True, text=True).stderr
    video = [ln for ln in err.splitlines() if "Video:" in ln]
    assert video, err
    line = video[0].split("Video:", 1)[1]
    m = re.match(r"\s*(\w+)(?: \(([^)]*)\))?", line)
    size = re.search(r", (\d+)x(\d+)", line)
    fps = re.search(r", ([\d.]+) fps", line)
    pix = re.search(r", (yuv\w+|rgb\w+|bgra|rgba|pal8)", line)
    return {"codec": m.group(1), "profile": m.group(2), "size": (int(size.group(1)), int(size.group(2))),
            "fps": float(fps.group(1)), "pix_fmt": pix.group(1) if pix else None,
            "audio": any("Audio:" in ln for ln in err.splitlines())}


def key_frames(path) -> list[int]:
    """Indices of decoded frames flagged as keyframes."""
    err = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path),
                          "-vf", "showinfo", "-f", "null", "-"], capture_output=True, text=True).stderr
    return [int(m.group(1)) for m in re.finditer(r"n:\s*(\d+) .*?iskey:1", err)]


def decode(path) -> np.ndarray:
    """All frames as an (N, H, W, 3) uint8 array."""
    gen = imageio_ffmpeg.read_frames(str(path))
    meta = next(gen)
    w, h = meta["size"]
    frames = [np.frombuffer(b, np.uint8).reshape(h, w, 3) for b in gen]
    return np.stack(frames)


def top_level_boxes(path) -> list[str]:
    """Types of the top-level ISO-BMFF boxes of an MP4, in file order."""
    data = Path(path).read_bytes()
    boxes, pos = [], 0
    while pos + 8 <= len(data):
        size = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8].decode("latin-1")
        if size == 1:
            size = int.from_bytes(data[pos + 8:pos + 16], "big")
        elif size == 0:
            size = len(data) - pos
        assert size >= 8, f"corrupt box at {pos}"
        boxes.append(kind)
        pos += size
    assert pos == len(data)
    return boxes


def leftovers(folder) -> list[str]:
    """Every name under `folder` (recursively), to check nothing was left."""
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*"))


class Counting:
    """Frame iterable that records how many frames were taken, and can fail."""

    def __init__(self, frames, fail_at=None, exc=RuntimeError):
        self.frames, self.fail_at, self.exc, self.taken = frames, fail_at, exc, 0

    def __iter__(self):
        for f in self.frames:
            if self.fail_at is not None and self.taken == self.fail_at:
                raise self.exc("frame source failed")
            self.taken += 1
            yield f

