"""The browser presentation driven in a real Chromium: keys, status, fragment, reload, exact frames, no network."""
from __future__ import annotations

import numpy as np
import pytest
from browser_frames import SHOWN_FRAME, assert_is_the_end_of_its_step, pixels  # beside this file

from animate_em.scene import frame_source

IDLE = "body[data-player='idle']"


@pytest.fixture
def open_page(chromium, talk):
    """Open the page (at an optional fragment) and wait until the player rests; collects every request."""
    context = chromium.new_context(bypass_csp=True)   # lets Playwright evaluate; the policy is tested apart
    requests = []

    def open_at(fragment: str = ""):
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(talk.html.as_uri() + fragment)
        page.wait_for_selector(IDLE, state="attached", timeout=20000)
        page.requests = requests
        return page

    yield open_at
    context.close()


def press(page, key):
    page.keyboard.press(key)
    page.wait_for_selector(IDLE, state="attached", timeout=20000)


def where(page):
    return page.inner_text("#status"), page.evaluate("location.hash")


def shown_frame(page) -> np.ndarray:
    return pixels(page.evaluate("() => {" + SHOWN_FRAME + "}"))


def test_keys_play_forward_and_go_back_and_status_and_fragment_follow(open_page, talk):
    scene = talk.scenes[0]
    page = open_page()
    assert where(page) == ("tiny - iteration 0 - initial state", "#tiny/0")
    assert page.get_attribute("#status", "role") == "status"
    for key, step in [("ArrowRight", 1), ("Space", 2), ("PageDown", 3), ("ArrowLeft", 2), ("PageUp", 1),
                      ("ArrowRight", 2)]:
        press(page, key)
        assert where(page) == (scene.status(step), f"#tiny/{step}")
        time = page.evaluate("[...document.querySelectorAll('video')].find((v) => !v.hidden).currentTime")
        assert time == pytest.approx((scene.steps[step].last + 0.5) / scene.fps, abs=1e-3)
    assert where(page)[0] == "tiny - iteration 1 - M-step"
    press(page, "Home")
    assert where(page) == (scene.status(0), "#tiny/0")
    press(page, "End")
    assert where(page) == ("tiny - iteration 3 - final state", f"#tiny/{len(scene.steps) - 1}")


def test_a_click_on_the_frame_or_the_buttons_moves_one_step(open_page, talk):
    page = open_page("#tiny/2")
    for target, step in [("#stage", 3), ("#forward", 4), ("#back", 3)]:
        page.click(target)
        page.wait_for_selector(IDLE, state="attached", timeout=20000)
        assert where(page) == (talk.scenes[0].status(step), f"#tiny/{step}")
    # The clicked button keeps no focus: the remote's Space is one step, not a second click.
    press(page, "Space")
    assert where(page) == (talk.scenes[0].status(4), "#tiny/4")


def test_a_link_or_a_reload_opens_at_its_step(open_page, talk):
    page = open_page("#tiny/4")
    assert where(page) == (talk.scenes[0].status(4), "#tiny/4")
    press(page, "ArrowRight")
    page.reload()
    page.wait_for_selector(IDLE, state="attached", timeout=20000)
    assert where(page) == (talk.scenes[0].status(5), "#tiny/5")


def test_the_shown_frame_is_the_frame_the_renderer_drew_for_the_end_of_the_step(open_page, talk):
    scene = talk.scenes[0]
    source = frame_source(scene.prepared)
    ends = {step.last: source.frame(step.last)[..., :3].astype(int) for step in scene.steps}
    page = open_page()
    # Played (Right) and jumped to (Left, End): each must stop on the step's own last frame.
    for key in ["ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft", "End"]:
        press(page, key)
        step = scene.steps[int(page.evaluate("location.hash").rsplit("/", 1)[1])]
        assert_is_the_end_of_its_step(shown_frame(page), ends, step.last, (key, step))


def test_digits_then_enter_jump_to_the_end_of_that_iteration(open_page, talk):
    page = open_page()
    page.keyboard.press("2")
    assert page.inner_text("#entry") == "go to iteration 2"
    press(page, "Enter")
    assert where(page)[0] == "tiny - iteration 2 - M-step"
    page.keyboard.press("9")
    press(page, "Enter")
    assert where(page)[0] == "tiny - iteration 3 - final state"


def test_several_scenes_are_slides_in_order(open_page, talk):
    tiny, sweep = talk.scenes
    page = open_page("#tiny/" + str(len(tiny.steps) - 1))
    press(page, "ArrowRight")
    assert where(page) == ("sweep - start - no fit yet", "#sweep/0")
    press(page, "ArrowRight")
    assert where(page) == ("sweep - K = 1 - fit", "#sweep/1")
    page.keyboard.press("3")
    press(page, "Enter")
    assert where(page)[0] == "sweep - K = 3 - fit"
    press(page, "Home")
    press(page, "ArrowLeft")
    assert where(page) == (tiny.status(len(tiny.steps) - 1), f"#tiny/{len(tiny.steps) - 1}")
    assert page.inner_text("#counter") == f"scene 1/2 \u00b7 step {len(tiny.steps) - 1}/{len(tiny.steps) - 1}"


def test_p_plays_the_scene_to_its_end_and_r_replays_a_step(open_page, talk):
    scene = talk.scenes[0]
    page = open_page()
    press(page, "p")
    assert where(page) == (scene.status(len(scene.steps) - 1), f"#tiny/{len(scene.steps) - 1}")
    press(page, "Home")
    press(page, "ArrowRight")
    press(page, "r")
    assert where(page) == (scene.status(1), "#tiny/1")


def test_n_shows_the_speaker_notes_of_the_step(open_page, talk):
    page = open_page("#tiny/2")
    assert not page.is_visible("#notes")
    page.keyboard.press("n")
    assert page.is_visible("#notes")
    assert page.inner_text("#notes-text") == talk.scenes[0].notes[2]
    press(page, "ArrowRight")
    assert page.inner_text("#notes-text") == talk.scenes[0].notes[3]


def test_the_page_asks_the_network_for_nothing(open_page):
    page = open_page()
    for key in ["ArrowRight", "ArrowRight", "End", "ArrowRight"]:
        press(page, key)
    page.reload()
    page.wait_for_selector(IDLE, state="attached", timeout=20000)
    schemes = {url.split(":", 1)[0] for url in page.requests}
    assert schemes <= {"file", "blob"}, page.requests
    assert [url for url in page.requests if url.startswith("file:")] == [page.url.split("#")[0]] * 2


def test_the_player_works_under_its_own_content_security_policy(chromium, talk):
    html = talk.html.read_text()
    assert "default-src 'none'" in html and "http://" not in html and "https://" not in html
    context = chromium.new_context()
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(talk.html.as_uri())
        page.wait_for_selector(IDLE, state="attached", timeout=20000)
        page.keyboard.press("ArrowRight")
        page.wait_for_selector(IDLE, state="attached", timeout=20000)
        assert page.inner_text("#status") == talk.scenes[0].status(1)
        assert errors == []
    finally:
        context.close()
