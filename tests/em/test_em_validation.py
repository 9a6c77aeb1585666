"""Every mistake a user can make is a one-line UserError naming the problem."""
import numpy as np
import pytest

from animate_em.em import fit, select_k
from animate_em.errors import UserError

X = np.random.default_rng(0).normal(size=(50, 2))


@pytest.mark.parametrize("data, kwargs, words", [
    (np.array([[1.0, np.nan], [2.0, 3.0], [0.0, 1.0]]), {}, "NaN"),
    (np.array([[1.0, np.inf], [2.0, 3.0], [0.0, 1.0]]), {}, "infinite"),
    (np.arange(10.0), {}, "2-D"),
    (np.empty((0, 2)), {}, "empty"),
    ([["a", "b"], ["c", "d"]], {}, "numbers"),
    (X, {"k": 0}, "at least 1"),
    (X, {"k": 2.5}, "integer"),
    (np.array([[1.0, 1.0]] * 10 + [[2.0, 2.0]] * 10), {"k": 3}, "distinct"),
    (X, {"covariance_type": "banana"}, "covariance_type"),
    (X, {"init": "magic"}, "init"),
    (X, {"n_init": 0}, "n_init"),
    (X, {"reg_covar": -1.0}, "reg_covar"),
    (X, {"max_iter": -1}, "max_iter"),
    (X, {"weights_init": [0.5, 0.6]}, "sum to 1"),
    (X, {"weights_init": [0.5, 0.3, 0.2]}, "shape"),
    (X, {"means_init": np.zeros((3, 2))}, "means_init"),
    (X, {"covariances_init": np.zeros((2, 2))}, "covariances_init"),
    (X, {"covariances_init": np.array([np.eye(2), [[1.0, 2.0], [2.0, 1.0]]])}, "positive definite"),
    (X, {"covariance_type": "diag", "covariances_init": np.array([[1.0, 1.0], [1.0, -1.0]])}, "variance"),
    (X, {"covariance_type": "spherical", "covariances_init": np.ones((2, 2, 2))}, "shape"),
    (np.array([[1e200, 0.0], [0.0, 1.0]]), {}, "rescale"),
])
def test_bad_input_raises_user_error_with_a_helpful_message(data, kwargs, words):
    kwargs = {"k": 2, **kwargs}
    k = kwargs.pop("k")
    with pytest.raises(UserError) as info:
        fit(data, k, **kwargs)
    message = str(info.value)
    assert words in message
    assert "\n" not in message


def test_one_column_data_is_fine_for_the_core():
    run = fit(np.random.default_rng(1).normal(size=(30, 1)), 2, seed=0)
    assert run.final.means.shape == (2, 1)


def test_user_error_is_a_value_error():
    with pytest.raises(ValueError):
        fit(X, -3)


def test_select_k_validates_too():
    with pytest.raises(UserError):
        select_k(X, [])
    with pytest.raises(UserError):
        select_k(X, [1, 2], covariance_types=("full", "nope"))


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_a_seed_that_is_not_a_non_negative_integer_is_a_user_error(seed):
    X = np.random.default_rng(0).normal(size=(30, 2))
    with pytest.raises(UserError, match="seed must be a non-negative integer"):
        fit(X, 2, seed=seed)
