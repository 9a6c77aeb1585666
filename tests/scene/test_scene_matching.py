"""Hungarian matching of components across runs."""
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from animate_em.em.types import Collapse, Run, Snapshot
from animate_em.scene.runs.matching import align_runs, linear_sum_assignment, match_components, permute_run


def brute_force_min(cost):
    n, m = cost.shape
    if n <= m:
        return min(cost[np.arange(n), list(p)].sum() for p in itertools.permutations(range(m), n))
    return brute_force_min(cost.T)


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6), m=st.integers(1, 6), integer=st.booleans())
def test_hungarian_matches_brute_force(seed, n, m, integer):
    rng = np.random.default_rng(seed)
    # Integer costs create many ties, the classic trap for assignment code.
    cost = rng.integers(0, 4, size=(n, m)).astype(float) if integer else rng.normal(size=(n, m))
    rows, cols = linear_sum_assignment(cost)
    assert len(rows) == len(cols) == min(n, m)
    assert len(set(rows.tolist())) == len(rows) and len(set(cols.tolist())) == len(cols)
    assert np.all(np.diff(rows) > 0)
    assert cost[rows, cols].sum() == pytest.approx(brute_force_min(cost))


def test_hungarian_ten_by_ten_finds_hidden_permutation():
    rng = np.random.default_rng(0)
    perm = rng.permutation(10)
    cost = rng.uniform(1, 2, size=(10, 10))
    cost[np.arange(10), perm] = 0.0
    rows, cols = linear_sum_assignment(cost)
    assert np.array_equal(cols, perm)


def test_hungarian_rejects_nan():
    with pytest.raises(ValueError):
        linear_sum_assignment(np.array([[np.nan, 1.0], [0.0, 1.0]]))


def test_match_components_recovers_a_shuffle():
    rng = np.random.default_rng(4)
    reference = rng.normal(size=(6, 2)) * 10
    shuffle = rng.permutation(6)
    means = reference[shuffle] + rng.normal(scale=0.1, size=(6, 2))
    perm = match_components(reference, means)
    assert np.allclose(means[perm], reference, atol=0.5)
    assert np.array_equal(shuffle[perm], np.arange(6))


def test_match_components_with_more_or_fewer_components():
    reference = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    more = np.array([[50.0, 50.0], [0.0, 10.0], [0.1, 0.0], [10.0, 0.1]])
    perm = match_components(reference, more)
    assert perm.tolist() == [2, 3, 1, 0]
    fewer = np.array([[0.0, 10.0], [0.0, 0.1]])
    assert match_components(reference, fewer).tolist() == [1, 0]


def make_run(rng, k=3, n_iter=4):
    snapshots = []
    for t in range(n_iter + 1):
        w = rng.dirichlet(np.ones(k))
        snapshots.append(Snapshot(t, w, rng.normal(size=(k, 2)), np.stack([np.eye(2) * (j + 1 + t) for j in range(k)]),
                                  -100.0 + t))
    return Run(tuple(snapshots), settings={"k": k, "seed": 1}, converged=True, n_samples=50,
               collapse=Collapse(n_iter, 2, "component 2 collapsed"), extras={"note": 1})


def test_permute_run_relabels_every_snapshot_and_keeps_the_rest():
    rng = np.random.default_rng(7)
    run = make_run(rng)
    perm = np.array([2, 0, 1])
    out = permute_run(run, perm)
    assert len(out.snapshots) == len(run.snapshots)
    for a, b in zip(run.snapshots, out.snapshots):
        assert np.array_equal(b.weights, a.weights[perm])
        assert np.array_equal(b.means, a.means[perm])
        assert np.array_equal(b.covariances, a.covariances[perm])
        assert b.log_likelihood == a.log_likelihood and b.iteration == a.iteration
    assert out.settings == run.settings and out.converged and out.n_samples == 50 and out.extras == {"note": 1}
    # Old component 2 is new component 0.
    assert out.collapse.component == 0
    assert run.snapshots[0].means is not out.snapshots[0].means


def test_permute_run_rejects_non_permutations():
    run = make_run(np.random.default_rng(1))
    with pytest.raises(ValueError):
        permute_run(run, [0, 0, 1])
    with pytest.raises(ValueError):
        permute_run(run, [0, 1])


def test_align_runs_gives_matching_final_means():
    rng = np.random.default_rng(9)
    reference = make_run(rng)
    shuffled = permute_run(reference, [1, 2, 0])
    aligned = align_runs([reference, shuffled])
    assert np.array_equal(aligned[1].snapshots[-1].means, reference.snapshots[-1].means)
    assert np.array_equal(aligned[1].snapshots[0].covariances, reference.snapshots[0].covariances)
