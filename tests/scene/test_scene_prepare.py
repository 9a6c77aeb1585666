"""prepare(): data, runs matched across panels, timeline, theme."""
import numpy as np
import pytest

from animate_em.errors import UserError
from animate_em.scene import THEMES, Prepared, Scene, Timeline, prepare
from animate_em.scene.runs.data import load_scene_data
from animate_em.scene.spec.scene import DataSpec


def small(scene, **overrides):
    return scene.with_overrides({"max_iter": 8, **overrides})


def test_default_scene_prepares():
    prepared = prepare(small(Scene.default()))
    assert isinstance(prepared, Prepared)
    assert prepared.X.shape == (500, 2)
    assert prepared.true_params is not None and prepared.true_params["means"].shape == (4, 2)
    assert len(prepared.runs) == len(prepared.labels) == len(prepared.traces) == 1
    run = prepared.runs[0]
    assert 1 <= run.n_iter <= 8
    assert isinstance(prepared.timeline, Timeline)
    assert prepared.timeline.n_iters == (run.n_iter,)
    assert np.allclose(prepared.traces[0], [s.log_likelihood for s in run.snapshots])
    assert (prepared.width, prepared.height, prepared.fps) == (1280, 720, 30)
    assert prepared.theme is THEMES["light"]
    assert prepared.meta["name"] == "anisotropic" and prepared.columns == ("x", "y")


def test_default_scene_starts_wrong_and_converges_to_the_generating_means():
    prepared = prepare(Scene.default())
    run, true_means = prepared.runs[0], prepared.true_params["means"]
    assert run.converged and 15 <= run.n_iter <= 60

    def worst_uncovered(means):
        # Distance from the true cluster worst served to its nearest component mean.
        return np.linalg.norm(true_means[:, None] - means[None], axis=2).min(axis=1).max()

    assert worst_uncovered(run.snapshots[0].means) > 4.0
    assert worst_uncovered(run.snapshots[-1].means) < 1.0
    assert abs(prepared.timeline.seconds - prepared.scene.timing.duration) <= 0.15 * prepared.scene.timing.duration


def test_runs_are_matched_to_the_first_run():
    scene = Scene.from_dict({
        "data": {"source": "blobs", "seed": 1, "n_samples": 150},
        "model": {"k": 3, "init": "kmeans++", "max_iter": 30},
        "runs": [{"seed": 0}, {"seed": 1}, {"seed": 2}],
        "timing": {"frames_per_iteration": 2},
    }, name="three")
    prepared = prepare(scene)
    assert prepared.labels == ["seed=0", "seed=1", "seed=2"]
    assert prepared.scene.layout == "row"
    reference = prepared.runs[0].final.means
    for run in prepared.runs[1:]:
        # Same clusters found, so after matching component j is the same cluster in every run.
        assert np.allclose(run.final.means, reference, atol=0.2)
    assert prepared.timeline.n_iters == tuple(run.n_iter for run in prepared.runs)


def test_timing_and_style_reach_the_prepared_scene():
    scene = small(Scene.default(), theme="dark", quality="l", fps=12, frames_per_iteration=3)
    prepared = prepare(scene)
    assert (prepared.width, prepared.height, prepared.fps) == (854, 480, 12)
    assert prepared.theme.name == "dark" and prepared.timeline.fps == 12
    n = prepared.runs[0].n_iter
    assert len(prepared.timeline) == prepared.timeline.hold_start_frames + 3 * n + prepared.timeline.hold_end_frames


def test_point_alpha_overrides_the_theme():
    scene = Scene.from_dict({"model": {"max_iter": 3}, "style": {"point_alpha": 0.3}}, name="a")
    assert prepare(scene).theme.point_alpha == 0.3


def test_file_source_with_columns_and_subset(tmp_path):
    rng = np.random.default_rng(0)
    data = np.column_stack([rng.normal(size=60), rng.normal(size=60) + 5, rng.normal(size=60)])
    path = tmp_path / "points.csv"
    np.savetxt(path, data, delimiter=",", header="a,b,c", comments="")
    scene = Scene.from_dict({"data": {"source": str(path), "columns": ["c", "a"], "n_samples": 40, "seed": 2},
                             "model": {"k": 2, "max_iter": 5}}, name="file")
    prepared = prepare(scene)
    assert prepared.X.shape == (40, 2) and prepared.columns == ("c", "a")
    rows = {tuple(r) for r in np.round(data[:, [2, 0]], 6)}
    assert all(tuple(r) in rows for r in np.round(prepared.X, 6))
    # Same seed, same subset.
    assert np.array_equal(prepare(scene).X, prepared.X)


def test_wide_file_uses_the_first_two_columns(tmp_path):
    path = tmp_path / "wide.csv"
    np.savetxt(path, np.arange(30.0).reshape(10, 3), delimiter=",")
    data = load_scene_data(DataSpec(source=str(path)))
    assert np.array_equal(data["X"], np.arange(30.0).reshape(10, 3)[:, :2])


@pytest.mark.parametrize("data, model, message", [
    ({"source": "no-such-dataset"}, {}, "no-such-dataset"),
    ({"source": "blobs", "columns": ["x", "nope"]}, {}, "no column 'nope'"),
    ({"source": "blobs", "n_samples": 10}, {"k": 12}, "k=12"),
])
def test_bad_data_or_model_is_a_user_error(data, model, message):
    scene = Scene.from_dict({"data": data, "model": {"max_iter": 3, **model}}, name="bad")
    with pytest.raises(UserError, match=message):
        prepare(scene)


def test_one_column_file_is_a_user_error(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("v\n1\n2\n3\n")
    with pytest.raises(UserError, match="2 columns"):
        load_scene_data(DataSpec(source=str(path)))


def test_subset_larger_than_file_is_a_user_error(tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("a,b\n1,2\n3,4\n5,7\n")
    with pytest.raises(UserError, match="only 3 rows"):
        load_scene_data(DataSpec(source=str(path), n_samples=10))


def test_prepare_is_deterministic():
    a = prepare(small(Scene.default()))
    b = prepare(small(Scene.default()))
    assert np.array_equal(a.X, b.X)
    assert np.array_equal(a.traces[0], b.traces[0])
    assert a.timeline.iteration_frames == b.timeline.iteration_frames
