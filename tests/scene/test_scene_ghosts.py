"""Ghost ellipses stay few, fade with age, and the footer says which iterations they are."""
import pytest

from animate_em.scene import frame_source, load_scene, prepare
from animate_em.scene.draw.captions import ghost_note
from animate_em.scene.draw.panels import GHOST_LIMIT, ghost_alpha, ghost_iterations


@pytest.fixture(scope="module")
def long_run():
    # 60 iterations with a ghost every iteration would leave 60 ellipses per component.
    scene = load_scene("em-basics").with_overrides({"width": 320, "height": 180, "fps": 4, "tol": 0.0,
                                                    "max_iter": 60, "frames_per_iteration": 1,
                                                    "ghost_every": 1})
    prepared = prepare(scene)
    assert prepared.runs[0].n_iter == 60
    return prepared


def _visible_ghosts(source):
    panel = source.panels[0]
    return {t: patches for t, patches in panel.ghosts.items() if patches[0].get_visible()}


def test_a_long_run_keeps_a_bounded_number_of_ghosts_at_every_frame(long_run):
    source = frame_source(long_run)
    k = long_run.runs[0].final.n_components
    most = 0
    for index in range(0, len(source), 7):
        source.frame(index)
        shown = _visible_ghosts(source)
        most = max(most, len(shown))
        assert len(shown) <= GHOST_LIMIT
        assert sum(len(p) for p in shown.values()) <= GHOST_LIMIT * k
    assert most == GHOST_LIMIT


def test_ghosts_fade_with_age_and_are_the_latest_iterations(long_run):
    source = frame_source(long_run)
    source.frame(len(source) - 1)
    shown = _visible_ghosts(source)
    assert sorted(shown) == list(range(60 - GHOST_LIMIT, 60))
    alphas = [shown[t][0].get_alpha() for t in sorted(shown)]
    assert all(a < b for a, b in zip(alphas, alphas[1:]))          # older is fainter
    assert alphas[-1] == pytest.approx(long_run.theme.ghost_alpha)
    assert alphas[0] >= 0.3 * long_run.theme.ghost_alpha             # still visible


def test_the_footer_says_which_iterations_the_faint_ellipses_are(long_run):
    source = frame_source(long_run)
    source.frame(0)
    note = source.note.get_text()
    assert f"faint ellipses: iterations 0, 1, 2, … (last {GHOST_LIMIT})" in note
    basics = frame_source(prepare(load_scene("em-basics").with_overrides({"width": 854, "height": 480})))
    basics.frame(0)
    assert "faint ellipses: iterations 0, 5, 10, 15" in basics.note.get_text()


def test_ghost_iterations_and_alpha():
    assert ghost_iterations(20, 5, 0.0) == ()
    assert ghost_iterations(20, 5, 5.0) == ((0, 0),)
    assert ghost_iterations(20, 5, 5.5) == ((0, 1), (5, 0))
    assert ghost_iterations(100, 5, 100.0, limit=3) == ((85, 2), (90, 1), (95, 0))
    assert ghost_iterations(100, 0, 50.0) == ()
    assert ghost_alpha(0.3, 0) == 0.3 and ghost_alpha(0.3, GHOST_LIMIT - 1) == pytest.approx(0.3 * 0.35)
    assert ghost_alpha(0.3, 50) == ghost_alpha(0.3, GHOST_LIMIT - 1)


def test_ghost_note_words():
    assert ghost_note(5, 20, 5) == "faint ellipses: iterations 0, 5, 10, 15"
    assert ghost_note(10, 41, 5) == "faint ellipses: iterations 0, 10, …, 40"
    assert ghost_note(5, 3, 5) == "faint ellipse: iteration 0"
    assert ghost_note(0, 30, 5) == "" and ghost_note(5, 0, 5) == ""
    assert ghost_note(1, 60, 5) == "faint ellipses: iterations 0, 1, 2, … (last 5)"
    assert ghost_note(3, 9, 5) == "faint ellipses: iterations 0, 3, 6"
