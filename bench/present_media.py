"""How big is a step-by-step browser presentation with each way of carrying its frames?

The presenter must show, after every step, exactly the frame the renderer drew.
Two ways do that: an MP4 with a keyframe at every step start (the page seeks
to the middle of a frame), or an image sequence (every frame a PNG). This
script draws a scene once and prints the bytes of each, and of the base64 a
page would carry, with the ratio against the MP4 measured in the same run.

    .venv/bin/python bench/present_media.py                    # em-basics at -q m
    .venv/bin/python bench/present_media.py bic -q l
"""
from __future__ import annotations

import argparse
import io
import tempfile
from pathlib import Path

from PIL import Image

from animate_em.present import present_scenes, scene_video
from animate_em.scene import frame_source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scene", nargs="?", default="em-basics")
    parser.add_argument("-q", "--quality", default="m", choices=("l", "m", "h", "k"))
    args = parser.parse_args()
    [scene] = present_scenes([args.scene], {"quality": args.quality})
    with tempfile.TemporaryDirectory() as folder:
        mp4 = scene_video(scene, Path(folder) / "scene.mp4").stat().st_size
    png = 0
    ends = {step.last for step in scene.steps}
    png_ends = 0
    for index, frame in enumerate(frame_source(scene.prepared)):
        buffer = io.BytesIO()
        Image.fromarray(frame[..., :3]).save(buffer, format="PNG", optimize=False)
        png += buffer.tell()
        if index in ends:
            png_ends += buffer.tell()
    prepared = scene.prepared
    print(f"{args.scene} -q {args.quality}: {len(frame_source(prepared))} frames, {prepared.width}x{prepared.height} "
          f"at {prepared.fps} fps, {len(scene.steps)} steps")
    print(f"{'medium':44s} {'bytes':>12s} {'base64':>12s} {'x MP4':>7s}")
    for name, size in (("MP4, keyframe at every step start", mp4), ("PNG sequence, every frame", png),
                       ("PNG of every step end only (no playing)", png_ends)):
        print(f"{name:44s} {size:12,d} {4 * ((size + 2) // 3):12,d} {size / mp4:7.1f}")


if __name__ == "__main__":
    main()
