"""The media of a presentation: a scene's MP4 with a keyframe on every step, or one MP4 per step.

Both are drawn from the scene's own frame source, so a step shows exactly the
frames the renderer draws for the video.

Why MP4 and not an image sequence in the browser: measured on ``em-basics``
at ``-q m`` (360 frames, 1280x720, 42 steps; ``bench/present_media.py``), the
MP4 with a keyframe at every step start is 2.2 MB (2.9 MB as base64 in the
page), every frame as PNG 37 MB (50 MB as base64), 17 times more. A browser
seeks an MP4 exactly (the page seeks to the middle of a frame, and a keyframe
at each step start means it decodes at most one step), and plays it smoothly
at any preset's frame rate, where decoding a PNG per frame would not keep up.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from animate_em.encode import Target, open_writer, write_many, write_png
from animate_em.scene.frames.source import frame_source
from animate_em.scene.timing.steps import Step

from .scenes import PresentedScene

__all__ = ["MP4_PRESET", "Segment", "scene_video", "step_segments"]

#: x264 speed preset (as animate-em render uses: flat plots compress as well as with "medium").
MP4_PRESET = "veryfast"


@dataclass(frozen=True)
class Segment:
    """One step's own video and its poster (the step's first frame)."""

    step: Step
    video: Path
    poster: Path


def scene_video(scene: PresentedScene, path: str | os.PathLike) -> Path:
    """The scene's whole animation as MP4, a keyframe on the first frame of every step.

    A keyframe at each step start lets a player seek to any step end by
    decoding at most one step's frames.
    """
    prepared = scene.prepared
    keyframes = [step.start for step in scene.steps]
    [written] = write_many(frame_source(prepared, copy=False),
                           [Target(path, format="mp4", options={"preset": MP4_PRESET})], fps=prepared.fps,
                           size=(prepared.width, prepared.height), keyframe_interval=keyframes)
    return Path(written)


def step_segments(scene: PresentedScene, folder: str | os.PathLike, stem: str = "step") -> list[Segment]:
    """One MP4 per step (``<stem>_000.mp4`` ...) and its first frame as a PNG, drawn in one pass.

    Parameters
    ----------
    scene : PresentedScene
    folder : path-like
        Where the files go (created if missing).
    stem : str
        File name stem.

    Returns
    -------
    list of Segment
        In step order.
    """
    prepared = scene.prepared
    folder = Path(folder)
    digits = max(3, len(str(len(scene.steps) - 1)))
    frames = iter(frame_source(prepared, copy=False))
    segments = []
    for index, step in enumerate(scene.steps):
        name = f"{stem}_{index:0{digits}d}"
        video, poster = folder / f"{name}.mp4", folder / f"{name}.png"
        writer = open_writer(video, fps=prepared.fps, format="mp4", size=(prepared.width, prepared.height),
                             preset=MP4_PRESET)
        try:
            for offset in range(step.n_frames):
                frame = next(frames)
                if offset == 0:
                    write_png(frame[..., :3], poster)
                writer.append(frame)
        except BaseException:
            writer.abort()
            raise
        writer.close()
        segments.append(Segment(step=step, video=video, poster=poster))
    return segments
