"""Built-in datasets: faithful, the seeded generators and the registry."""
import numpy as np
import pytest

from animate_em import datasets
from animate_em.datasets import Dataset, faithful, get, names, open_data
from animate_em.errors import UserError

SYNTHETIC = ["blobs", "anisotropic", "overlap", "varied"]


def test_faithful_is_the_old_faithful_data():
    data = faithful()
    assert data.X.shape == (272, 2)
    assert data.columns == ("eruptions", "waiting")
    assert data.units == "minutes"
    assert data.labels is None and data.true_params is None
    # Known facts about the geyser: eruptions last 1.6-5.1 min, waits 43-96 min.
    assert 1.5 < data.X[:, 0].min() < 1.7 and 5.0 < data.X[:, 0].max() < 5.2
    assert data.X[:, 1].min() == 43 and data.X[:, 1].max() == 96
    np.testing.assert_array_equal(data.X[0], [3.6, 79])


def test_registry_lists_every_dataset_and_get_returns_it():
    assert names() == list(datasets.REGISTRY)
    assert set(SYNTHETIC) | {"faithful"} == set(names())
    assert datasets.DEFAULT in names()
    for name in names():
        data = get(name)
        assert isinstance(data, Dataset)
        assert data.name == name
        assert data.X.ndim == 2 and data.X.shape[1] == 2
        assert np.isfinite(data.X).all()
        assert len(data.columns) == 2
        assert data.description and "\n" not in data.description


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(UserError, match="unknown dataset 'bolbs'.*blobs"):
        get("bolbs")


def test_faithful_size_is_fixed():
    with pytest.raises(UserError, match="272"):
        get("faithful", n_samples=100)
    assert get("faithful", seed=5).X.shape == (272, 2)


@pytest.mark.parametrize("name", SYNTHETIC)
def test_generators_are_deterministic_for_a_seed(name):
    first, again = get(name), get(name)
    np.testing.assert_array_equal(first.X, again.X)
    np.testing.assert_array_equal(first.labels, again.labels)
    seeded = get(name, seed=123)
    np.testing.assert_array_equal(seeded.X, get(name, seed=123).X)
    assert not np.array_equal(seeded.X, first.X)


@pytest.mark.parametrize("name", SYNTHETIC)
def test_n_samples_and_labels_follow_the_weights(name):
    data = get(name, n_samples=1000, seed=7)
    params = data.true_params
    k = data.n_components
    assert data.X.shape == (1000, 2) and data.labels.shape == (1000,)
    assert params["means"].shape == (k, 2) and params["covariances"].shape == (k, 2, 2)
    np.testing.assert_allclose(params["weights"].sum(), 1.0)
    counts = np.bincount(data.labels, minlength=k)
    assert counts.sum() == 1000
    # Sizes come from largest-remainder rounding: within one point of n * w.
    assert np.all(np.abs(counts - 1000 * params["weights"]) <= 1)


@pytest.mark.parametrize("name", SYNTHETIC)
def test_samples_match_the_true_parameters(name):
    data = get(name, n_samples=20000, seed=11)
    params = data.true_params
    for component in range(data.n_components):
        points = data.X[data.labels == component]
        truth_cov = params["covariances"][component]
        scale = np.sqrt(np.diag(truth_cov))
        # Standard error of a mean is sd / sqrt(n); 5 of them is a safe bound.
        np.testing.assert_array_less(
            np.abs(points.mean(axis=0) - params["means"][component]),
            5 * scale / np.sqrt(len(points)),
        )
        np.testing.assert_allclose(np.cov(points.T), truth_cov, atol=0.1 * scale.max() ** 2)


@pytest.mark.parametrize("name", SYNTHETIC)
def test_true_covariances_are_symmetric_positive_definite(name):
    covariances = get(name).true_params["covariances"]
    np.testing.assert_allclose(covariances, np.swapaxes(covariances, 1, 2))
    assert np.all(np.linalg.eigvalsh(covariances) > 0)


def test_points_are_shuffled_not_grouped_by_component():
    labels = get("blobs").labels
    assert np.count_nonzero(np.diff(labels)) > len(labels) / 3


def test_anisotropic_clusters_are_stretched_and_unequal():
    params = get("anisotropic").true_params
    assert len(params["weights"]) == 4
    assert len(set(np.round(params["weights"], 6))) > 1
    eigenvalues = np.linalg.eigvalsh(params["covariances"])
    assert np.all(eigenvalues[:, 1] / eigenvalues[:, 0] > 9)
    off_diagonal = params["covariances"][:, 0, 1]
    assert np.all(np.abs(off_diagonal) > 0.1)


def test_varied_spreads_differ_by_an_order_of_magnitude():
    params = get("varied").true_params
    areas = np.sqrt(np.linalg.det(params["covariances"]))
    assert areas.max() / areas.min() > 10
    assert params["weights"].max() / params["weights"].min() >= 5


@pytest.mark.parametrize("bad", [0, 2, -5, 2.5, True])
def test_impossible_n_samples_is_a_user_error(bad):
    with pytest.raises(UserError, match="n_samples"):
        get("anisotropic", n_samples=bad)


def test_open_data_takes_names_and_paths(tmp_path):
    assert open_data("blobs").name == "blobs"
    path = tmp_path / "pts.csv"
    path.write_text("p,q,r\n1,2,3\n4,5,6\n7,8,10\n")
    data = open_data(str(path), columns=["r", "p"])
    assert data.name == "pts.csv" and data.columns == ("r", "p")
    np.testing.assert_array_equal(data.X, [[3, 1], [6, 4], [10, 7]])
    assert data.meta["sha256"] and data.true_params is None
    with pytest.raises(UserError, match="not found"):
        open_data(str(tmp_path / "blobs"))


def test_open_data_selects_builtin_columns_and_true_parameters():
    full = get("anisotropic")
    swapped = open_data("anisotropic", columns=["y", "x"])
    np.testing.assert_array_equal(swapped.X, full.X[:, ::-1])
    np.testing.assert_array_equal(swapped.true_params["means"], full.true_params["means"][:, ::-1])
    np.testing.assert_array_equal(
        swapped.true_params["covariances"][:, 0, 1], full.true_params["covariances"][:, 1, 0]
    )
    np.testing.assert_array_equal(
        swapped.true_params["covariances"][:, 0, 0], full.true_params["covariances"][:, 1, 1]
    )
    waiting = open_data("faithful", columns=["waiting"])
    assert waiting.X.shape == (272, 1)
    with pytest.raises(UserError, match="unknown column"):
        open_data("faithful", columns=["height"])
