"""The browser presentation in Firefox (the distribution's own, through Marionette): keys, status,
fragment, reload, the next scene, and the exact frame at the end of every step."""
from __future__ import annotations

import shutil
import time

import pytest
from browser_frames import SHOWN_FRAME, assert_is_the_end_of_its_step, pixels  # beside this file
from firefox_marionette import Firefox

from animate_em.scene import frame_source

KEYS = {"ArrowRight": "\ue014", "ArrowLeft": "\ue012", "Space": "\ue00d", "PageDown": "\ue00f",
        "PageUp": "\ue00e", "End": "\ue010"}


@pytest.fixture(scope="module")
def firefox(tmp_path_factory):
    executable = shutil.which("firefox-esr") or shutil.which("firefox")
    if executable is None:
        pytest.skip("no Firefox installed (apt-get install firefox-esr)")
    browser = Firefox(executable, tmp_path_factory.mktemp("firefox"))
    yield browser
    browser.close()


def wait_idle(firefox, timeout=20.0):
    deadline = time.monotonic() + timeout
    while firefox.evaluate("return document.body && document.body.dataset.player") != "idle":
        assert time.monotonic() < deadline, "the player never came to rest"
        time.sleep(0.05)


def where(firefox):
    return firefox.evaluate("return document.querySelector('#status').innerText"), firefox.evaluate("return location.hash")


def test_firefox_plays_each_step_to_its_own_last_frame_and_follows_keys_fragment_and_reload(firefox, talk):
    scene = talk.scenes[0]
    source = frame_source(scene.prepared)
    ends = {step.last: source.frame(step.last)[..., :3].astype(int) for step in scene.steps}
    firefox.command("WebDriver:Navigate", {"url": talk.html.as_uri()})
    wait_idle(firefox)
    assert where(firefox) == ("tiny - iteration 0 - initial state", "#tiny/0")
    last = len(scene.steps) - 1
    for key, step in [("ArrowRight", 1), ("Space", 2), ("PageDown", 3), ("ArrowLeft", 2), ("PageUp", 1),
                      ("End", last)]:
        firefox.press(KEYS[key])
        wait_idle(firefox)
        assert where(firefox) == (scene.status(step), f"#tiny/{step}"), key
        time_shown = firefox.evaluate(
            "return [...document.querySelectorAll('video')].find((v) => !v.hidden).currentTime")
        assert time_shown == pytest.approx((scene.steps[step].last + 0.5) / scene.fps, abs=1e-3)
        # Firefox decodes the H.264 itself: the frame it shows is the renderer's, to compression error.
        assert_is_the_end_of_its_step(pixels(firefox.evaluate(SHOWN_FRAME)), ends, scene.steps[step].last, key)
    firefox.command("WebDriver:Refresh")
    wait_idle(firefox)
    assert where(firefox) == (scene.status(last), f"#tiny/{last}")
    firefox.press(KEYS["ArrowRight"])
    wait_idle(firefox)
    assert where(firefox) == ("sweep - start - no fit yet", "#sweep/0")
