"""The report's numbers: monotonicity verdict, settling, travel, restarts (no drawing)."""
import numpy as np
import pytest

from animate_em.em import Run, Snapshot
from animate_em.report.analysis import (ComponentTravel, monotonicity, mean_travel, restart_study,
                                        settled_iteration)
from animate_em.report.text import monotonicity_verdict


def test_a_trace_that_never_decreases_reports_its_smallest_change():
    m = monotonicity([-10.0, -6.0, -5.5, -5.49, -5.2])
    assert m.never_decreased
    assert m.n_steps == 4 and m.n_decreases == 0 and m.largest_decrease == 0.0
    assert m.smallest_change == pytest.approx(0.01) and m.smallest_change_at == 3
    verdict = monotonicity_verdict(m)
    assert "never decreased" in verdict and "+0.0100" in verdict and "iteration 3" in verdict


def test_a_trace_with_decreases_reports_the_largest_one_and_where():
    m = monotonicity([-10.0, -6.0, -6.25, -5.0, -5.01])
    assert not m.never_decreased
    assert m.n_decreases == 2
    assert m.largest_decrease == pytest.approx(0.25)
    assert m.largest_decrease_at == 2
    verdict = monotonicity_verdict(m)
    assert "decreased 2 times" in verdict and "\u22120.2500" in verdict and "iteration 2" in verdict


def test_a_single_value_has_no_changes():
    m = monotonicity([-3.0])
    assert m.n_steps == 0 and m.smallest_change is None
    with pytest.raises(ValueError):
        monotonicity([])


def test_settled_iteration_is_the_first_from_which_the_trace_stays_close():
    trace = [-100.0, -20.0, -10.4, -10.0, -10.6, -10.05, -10.0]
    assert settled_iteration(trace, 0.5) == 5      # iteration 4 is 0.6 away: not settled before 5
    assert settled_iteration(trace, 1.0) == 2
    assert settled_iteration(trace, 1000.0) == 0
    assert settled_iteration(trace, 0.0) == 6


def _snap(t, means):
    means = np.asarray(means, dtype=float)
    k = means.shape[0]
    return Snapshot(t, np.full(k, 1.0 / k), means, np.tile(np.eye(2), (k, 1, 1)), -float(10 - t))


def test_mean_travel_sums_the_path_and_sorts_by_it():
    run = Run((_snap(0, [[0, 0], [5, 5]]), _snap(1, [[3, 4], [5, 5]]), _snap(2, [[0, 0], [5, 6]])))
    travel = mean_travel(run)
    assert [c.component for c in travel] == [0, 1]
    assert travel[0].path_length == pytest.approx(10.0)     # out 5 and back 5
    assert travel[0].displacement == pytest.approx(0.0)
    assert travel[1].path_length == pytest.approx(1.0)
    assert isinstance(travel[0], ComponentTravel) and travel[0].final_weight == pytest.approx(0.5)


def test_restart_study_counts_runs_within_the_tolerance_of_the_best():
    runs = [Run((_snap(0, [[0, 0]]), Snapshot(1, [1.0], [[0, 0]], [np.eye(2)], ll)), converged=True)
            for ll in (-100.0, -100.3, -101.0, -150.0)]
    st = restart_study(runs, "random", 1e-6, 500)
    assert st.n == 4
    assert st.reaching(-100.0, 0.5) == 2
    assert st.reaching(-100.0, 1.0) == 3
    assert list(st.n_iters) == [1, 1, 1, 1]
