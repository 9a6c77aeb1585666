"""Poster grid and still image."""

import numpy as np
import pytest
from scene_probe import maker

from animate_em.scene.draw.poster import poster_columns, poster_iterations
from animate_em.scene.frames.source import frame_source, poster_image, still_image


@pytest.fixture(scope="module")
def prepared():
    return maker.baseline_prepared(width=480, height=270)


def test_poster_iterations_always_end_with_the_last():
    assert poster_iterations(23, 5) == [0, 5, 10, 15, 20, 23]
    assert poster_iterations(20, 5) == [0, 5, 10, 15, 20]
    assert poster_iterations(0, 5) == [0]
    assert poster_iterations(3, 1) == [0, 1, 2, 3]
    with pytest.raises(ValueError):
        poster_iterations(5, 0)


def test_automatic_columns_stay_readable():
    assert poster_columns(1, None) == 1
    assert poster_columns(6, None) == 3
    assert poster_columns(40, None) == 5       # never more than six across; eight full rows of five
    assert poster_columns(3, 10) == 3
    # No orphan panel in a row of its own: nine restarts as 3 x 3, twelve iterations as two rows of six.
    assert poster_columns(9, None) == 3 and poster_columns(12, None) == 6
    for count in range(1, 21):          # posters hold at most 12 iterations or 20 runs
        columns = poster_columns(count, None)
        assert 1 <= columns <= 6
        rows = -(-count // columns)
        assert count - (rows - 1) * columns >= columns / 2 or count < columns * 2, (count, columns)


def test_poster_has_scene_width_and_even_height(prepared):
    image = poster_image(prepared, every=2)
    assert image.dtype == np.uint8 and image.shape[2] == 4
    assert image.shape[1] == prepared.width
    assert image.shape[0] % 2 == 0


def test_poster_is_deterministic(prepared):
    assert np.array_equal(poster_image(prepared, every=3), poster_image(prepared, every=3))


def test_more_columns_make_a_shorter_poster(prepared):
    # iterations 0, 1, ..., 6: seven panels
    tall = poster_image(prepared, every=1, columns=2)
    short = poster_image(prepared, every=1, columns=7)
    assert tall.shape[0] > short.shape[0]
    assert tall.shape[1] == short.shape[1] == prepared.width


def test_poster_panels_show_different_snapshots(prepared):
    image = poster_image(prepared, every=6, columns=2)   # iteration 0 left, 6 right
    left, right = image[:, : image.shape[1] // 2, :3], image[:, image.shape[1] // 2:, :3]
    body = slice(image.shape[0] // 3, None)              # below the title
    assert np.abs(left[body].astype(int) - right[body, : left.shape[1]].astype(int)).mean() > 1.0
    # The initial panel shows the wide initial ellipses: more coloured ink than the final one.
    ink = lambda part: (np.abs(part.astype(int) - 255).sum(axis=2) > 60).sum()
    assert ink(left[body]) != ink(right[body])


def test_still_image_is_the_last_frame(prepared):
    source = frame_source(prepared)
    assert np.array_equal(still_image(prepared), source.frame(len(source) - 1))


def test_a_long_run_caps_its_poster_and_keeps_the_early_story():
    from animate_em.scene.draw.poster import POSTER_LIMIT
    assert poster_iterations(300, 5) == [0, 1, 2, 5, 10, 20, 50, 100, 200, 300]
    assert len(poster_iterations(2000, 5)) <= POSTER_LIMIT
    assert poster_iterations(55, 5) == list(range(0, 56, 5))            # twelve panels: as before
    assert poster_iterations(41, 5, limit=6) == [0, 2, 5, 10, 20, 41]
    for n in (13, 60, 99, 500, 5000):
        shown = poster_iterations(n, 5)
        assert shown[0] == 0 and shown[-1] == n and len(shown) <= POSTER_LIMIT
        assert all(b > a for a, b in zip(shown, shown[1:]))


def _spy(monkeypatch):
    """Record what the EM poster hands to small_multiples (the real function still draws)."""
    import animate_em.scene.kinds.em.poster as em_poster
    calls = []
    real = em_poster.small_multiples

    def spy(prepared, snapshots, headings, **kwargs):
        calls.append((snapshots, headings, kwargs))
        return real(prepared, snapshots, headings, **kwargs)

    monkeypatch.setattr(em_poster, "small_multiples", spy)
    return calls


def _tiny(name):
    from animate_em.scene import load_scene, prepare
    return prepare(load_scene(name).with_overrides({"width": 640, "height": 360, "fps": 4,
                                                    "frames_per_iteration": 1}))


def test_ranked_restarts_poster_shows_every_run_in_rank_order(monkeypatch):
    calls = _spy(monkeypatch)
    prepared = _tiny("restarts")
    image = poster_image(prepared)
    (snapshots, headings, kwargs), = calls
    finals = {id(run.final): run.final.log_likelihood for run in prepared.runs}
    assert len(snapshots) == len(prepared.runs) == 9
    assert {id(s) for s in snapshots} == set(finals)                 # every run once, its final fit
    values = [finals[id(s)] for s in snapshots]
    ranks = [h.split()[0] for h in headings]
    assert ranks.count("#1") == 6 and ranks[6:] == ["#7", "#8", "#9"]   # rank order, ties share
    assert min(values[:6]) > max(values[6:]) and values[6:] == sorted(values[6:], reverse=True)
    assert kwargs["framed"] == 0 and kwargs["legend"]
    assert image.shape[1] == 640


def test_a_race_poster_has_a_row_per_run_from_start_to_stop(monkeypatch):
    calls = _spy(monkeypatch)
    prepared = _tiny("init-race")
    poster_image(prepared)
    (snapshots, headings, kwargs), = calls
    columns = kwargs["columns"]
    assert len(snapshots) == columns * len(prepared.runs)
    for r, run in enumerate(prepared.runs):
        row = [s for s in snapshots[r * columns:(r + 1) * columns] if s is not None]
        assert row[0] is run.snapshots[0] and row[-1] is run.snapshots[-1]
        assert headings[r * columns] == prepared.labels[r]
        assert 2 <= len(row) <= 6


def test_one_run_of_a_multi_run_scene_on_request(monkeypatch):
    calls = _spy(monkeypatch)
    prepared = _tiny("init-race")
    poster_image(prepared, run=1)
    (snapshots, headings, kwargs), = calls
    assert all(any(s is t for t in prepared.runs[1].snapshots) for s in snapshots)


def _marker_pixels(k: int, means: np.ndarray) -> np.ndarray:
    """How many pixels of each of ``k`` component colours a panel of ``k`` shows when handed ``means``."""
    from animate_em.scene.draw.figure import Sizing, make_figure, pinned_style
    from animate_em.scene.draw.palette import get_theme
    from animate_em.scene.draw.panels import DataPanel

    theme = get_theme("light")
    sizing = Sizing(400, 400, 400.0)
    with pinned_style():
        fig, canvas = make_figure(sizing, theme.background)
        ax = fig.add_axes([0, 0, 1, 1])
        panel = DataPanel(ax, np.array([[0.05, 0.05]]), k, (0, 1), (0, 1), sizing, theme)
        covs = np.tile(np.eye(2) * 1e-4, (len(means), 1, 1))
        panel.show(np.tile([0.5, 0.5, 0.5], (1, 1)), means, covs)
        for a in panel.animated():
            a.set_animated(False)
        canvas.draw()
        rgb = np.asarray(canvas.buffer_rgba())[..., :3].astype(int)
    colours = (panel.rgb * 255).round().astype(int)
    return np.array([(np.abs(rgb - c).max(axis=-1) <= 6).sum() for c in colours])


@pytest.mark.parametrize("k", [3, 7, 9])
def test_a_panel_shown_fewer_means_than_its_k_draws_only_their_marks(k):
    # A K = 2 fit on a panel made for K up to k (a sweep's poster): the other components'
    # marks must not be stacked on these two means (matplotlib cycles paths over offsets).
    pixels = _marker_pixels(k, np.array([[0.3, 0.5], [0.7, 0.5]]))
    assert pixels[0] > 20 and pixels[1] > 20
    assert pixels[2:].max() == 0


def test_panel_titles_of_a_poster_share_one_size(monkeypatch):
    # Shrunk one by one, "iteration 2 · LL ..." and "iteration 10 · LL ..." came out in three sizes.
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from animate_em.scene import load_scene, poster_image, prepare

    drawn = []
    original = FigureCanvasAgg.draw

    def spy(self, *args, **kwargs):
        drawn.append([(t.get_text(), t.get_fontsize()) for t in self.figure.texts])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(FigureCanvasAgg, "draw", spy)
    poster_image(prepare(load_scene("local-optimum").with_overrides({"width": 854, "height": 480})))
    sizes = {size for text, size in drawn[-1] if text.startswith("iteration ")}
    assert len(sizes) == 1, sizes
