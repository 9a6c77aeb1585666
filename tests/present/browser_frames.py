"""What the presenter tests read back from a browser: the video frame it shows, as pixels."""
from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

#: Script body that returns the visible video's current frame as a PNG data URL.
SHOWN_FRAME = """const video = [...document.querySelectorAll("video")].find((v) => !v.hidden);
const canvas = document.createElement("canvas");
canvas.width = video.videoWidth;
canvas.height = video.videoHeight;
canvas.getContext("2d").drawImage(video, 0, 0);
return canvas.toDataURL("image/png");"""


def pixels(data_url: str) -> np.ndarray:
    """The RGB pixels, as ints, of a PNG data URL."""
    data = data_url.split(",", 1)[1]
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB")).astype(int)


def assert_is_the_end_of_its_step(shown: np.ndarray, ends: dict, last: int, context) -> None:
    """``shown`` is the frame drawn at ``last`` (``ends``: every step's last frame, by index).

    Video compression leaves a small error; every other step's end must be farther away.
    """
    error = np.abs(shown - ends[last]).mean()
    others = [np.abs(shown - frame).mean() for end, frame in ends.items()
              if end != last and not np.array_equal(frame, ends[last])]
    assert error < 2.0 and error < min(others), (context, error, min(others))
