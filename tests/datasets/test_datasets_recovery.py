"""EM with the true K recovers the parameters the generators were built from."""
import itertools

import numpy as np
import pytest

from animate_em.datasets import get

em = pytest.importorskip("animate_em.em")


def _match(fitted_means, true_means):
    """Permutation p minimising sum |fitted[p[j]] - true[j]|^2 (brute force, K <= 6)."""
    k = len(true_means)
    assert k <= 6
    return min(
        itertools.permutations(range(k)),
        key=lambda p: np.sum((fitted_means[list(p)] - true_means) ** 2),
    )


@pytest.mark.parametrize("name", ["blobs", "anisotropic"])
def test_fit_with_true_k_recovers_means_weights_and_covariances(name):
    data = get(name)
    truth = data.true_params
    k = data.n_components
    run = em.fit(data.X, k, init="kmeans++", n_init=3, seed=0)
    final = run.final
    order = list(_match(final.means, truth["means"]))
    counts = np.bincount(data.labels, minlength=k)
    for j in range(k):
        error = final.means[order[j]] - truth["means"][j]
        # A sample mean of n points has covariance Sigma / n; the squared
        # Mahalanobis error times n is chi-square(2): 20 is a ~5e-5 tail.
        statistic = counts[j] * error @ np.linalg.solve(truth["covariances"][j], error)
        assert statistic < 20, (j, final.means[order[j]], truth["means"][j])
        relative = np.linalg.norm(final.covariances[order[j]] - truth["covariances"][j]) / (
            np.linalg.norm(truth["covariances"][j])
        )
        assert relative < 0.35, (j, relative)
    np.testing.assert_allclose(final.weights[order], truth["weights"], atol=0.03)


@pytest.mark.parametrize("name", ["blobs", "anisotropic"])
def test_hard_assignments_agree_with_the_true_labels(name):
    data = get(name)
    run = em.fit(data.X, data.n_components, init="kmeans++", n_init=3, seed=0)
    order = list(_match(run.final.means, data.true_params["means"]))
    relabel = np.empty(len(order), dtype=int)
    relabel[order] = np.arange(len(order))
    agreement = np.mean(relabel[run.predict(data.X)] == data.labels)
    assert agreement > 0.97


def test_overlap_traps_some_random_starts_in_a_worse_local_optimum():
    data = get("overlap")
    finals = [
        em.fit(data.X, 4, init="random_from_data", seed=seed, tol=1e-6, max_iter=500)
        .final.log_likelihood
        for seed in range(10)
    ]
    best, worst = max(finals), min(finals)
    assert best - worst > 5.0, finals
    # The best run is near the truth: the trap is a local optimum, not noise.
    run = em.fit(data.X, 4, init="kmeans++", n_init=5, seed=0)
    assert run.final.log_likelihood >= best - 1.0
    order = list(_match(run.final.means, data.true_params["means"]))
    np.testing.assert_allclose(run.final.means[order], data.true_params["means"], atol=0.5)
