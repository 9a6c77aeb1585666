"""The report reads as written by a person, and its figures say what they show.

The patterns below are the ones a reader found in earlier reports ("The others
travelled component 0 0.52 minutes", "ranged from -1130.26 to -1130.26", a
sentence said twice, brackets inside brackets, "EM fits 2 Gaussians to
faithful"); each is checked on the lecture scenes' reports and on data.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

from animate_em.em import Run, Snapshot
from animate_em.report import outline
from animate_em.report.analysis import analyse, mean_travel
from animate_em.report.inputs import resolve


def _data(source, **kwargs):
    inputs = resolve(source, **kwargs)
    return analyse(inputs.X, inputs.run, name=inputs.name, title=inputs.title, source=inputs.source,
                   true_params=inputs.true_params, n_restarts=4, ks=range(1, 4), select_n_init=1)


@pytest.fixture(scope="module", params=["em-basics", "faithful", "blobs-data"])
def report_data(request):
    if request.param == "blobs-data":
        return _data("blobs", k=3, as_data=True)
    return _data(request.param)


def _paragraphs(d) -> list[str]:
    return [b.text for b in outline(d) if b.kind in ("para", "figure", "subtitle", "heading", "title")]


def test_components_are_numbered_from_one_and_exist(report_data):
    text = " ".join(_paragraphs(report_data))
    k = report_data.run.final.n_components
    numbers = [int(n) for n in re.findall(r"[Cc]omponent (\d+)", text)]
    assert numbers and min(numbers) >= 1 and max(numbers) <= k
    assert set(numbers) == set(range(1, k + 1))        # every component is named somewhere


def test_no_number_runs_into_another_and_no_range_has_equal_ends(report_data):
    for para in _paragraphs(report_data):
        assert not re.search(r"component \d+ [−\-]?\d", para), para         # "component 0 0.52"
        assert not re.search(r"travelled component", para), para
        for a, b in re.findall(r"from ([−\-]?[\d.]+) to ([−\-]?[\d.]+)", para):
            assert a != b, para                                               # "ranged from x to x"
        assert not re.search(r"\b1 iterations\b|\b1 runs\b", para), para


def test_no_sentence_is_said_twice(report_data):
    sentences = [s.strip() for para in _paragraphs(report_data) for s in re.split(r"(?<=[.;:])\s+", para)
                 if len(s.strip()) > 30]
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert not repeated, repeated


def test_brackets_never_nest(report_data):
    for para in _paragraphs(report_data):
        depth = 0
        for ch in para:
            depth += ch == "("
            depth -= ch == ")"
            assert depth <= 1, para
        assert depth == 0, para


def test_initialisations_are_named_in_words(report_data):
    text = " ".join(b.text for b in outline(report_data) if b.kind == "para")
    assert not re.search(r"(?<!=)random_from_data", text)
    assert "init=random_from_data (seed" not in text


def test_no_claim_about_panels_that_do_not_exist(report_data):
    from animate_em.report.analysis import poster_shown
    text = " ".join(_paragraphs(report_data))
    shown = poster_shown(report_data)
    for match in re.finditer(r"panels? (?:of|from) iteration (\d+)", text):
        assert int(match.group(1)) in shown


def test_a_distance_is_never_across_two_units(report_data):
    text = " ".join(_paragraphs(report_data))
    units = report_data.source.get("units")
    if units:
        # The movement of a mean: standard deviations overall, each axis in its own unit.
        assert f"travelled {units}" not in text and re.search(r"standard deviations", text)
        columns = report_data.source["columns"]
        assert all(re.search(rf"{name} [+−]\d+\.\d+ {units}", text) for name in columns)


def test_a_data_report_has_a_title_a_person_would_write():
    title = resolve("faithful", k=2, as_data=True).title
    assert title == "A mixture of 2 Gaussians fitted by EM to the Old Faithful geyser data"
    assert resolve("blobs", k=1, as_data=True).title == "A single Gaussian fitted by EM to the blobs data set"


def test_travel_is_measured_in_standard_deviations_of_each_axis():
    def snap(t, mean):
        return Snapshot(t, np.ones(1), np.array([mean], float), np.eye(2)[None], -float(10 - t))

    run = Run((snap(0, [0, 0]), snap(1, [1, 100])))
    (c,) = mean_travel(run, scale=[1.0, 100.0])
    assert c.path_length == pytest.approx(np.sqrt(2)) and c.displacement == pytest.approx(np.sqrt(2))
    assert c.shift == pytest.approx([1.0, 100.0])


def test_when_every_restart_reaches_one_optimum_the_figure_shows_one_fit():
    from animate_em.report import figures
    from animate_em.report.analysis import same_optimum
    d = _data("varied", k=3, as_data=True)
    assert same_optimum(d)
    fig = figures.standalone("restarts", d)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert len(fig.axes) == 2 and any("every restart: the same fit" in t for t in titles)
    assert "the one fit every restart reached" in figures_caption(d)
    other = _data("blobs", k=3, as_data=True)
    assert not same_optimum(other)
    assert len(figures.standalone("restarts", other).axes) == 3


def figures_caption(d) -> str:
    from animate_em.report.text import figure_captions
    return figure_captions(d)["restarts"]


def test_the_bic_comparison_zooms_on_the_models_that_compete(report_data):
    from animate_em.report import figures
    fig = figures.standalone("selection", report_data)
    assert len(fig.axes) == 3
    zoom = fig.axes[2]
    sel = report_data.selection
    bics = sorted(r["bic"] for r in sel.table)
    runner_up = bics[1] - bics[0]
    low, high = zoom.get_ylim()
    assert low <= 0.0 < runner_up < high                 # the winner's margin is on the axis
    assert high <= max(figures.DELTA_RANGE, 1.6 * runner_up) + 1e-9
    worst = bics[-1] - bics[0]
    assert worst > high or worst == runner_up            # the far models are off the zoom


def test_a_file_is_named_once(tmp_path):
    from animate_em.report.text import abstract
    path = tmp_path / "petals.csv"
    X = np.random.default_rng(1).normal(size=(60, 2))
    np.savetxt(path, X, delimiter=",", header="length,width", comments="")
    d = _data(str(path), k=2)
    assert abstract(d).count("petals.csv") == 1


def test_the_lower_bound_section_tells_the_runs_own_gains_and_gaps(report_data):
    from animate_em.em import responsibilities
    from animate_em.em.bound import lower_bound

    d = report_data
    blocks = outline(d)
    headings = [b.text for b in blocks if b.kind == "heading"]
    at = next(i for i, h in enumerate(headings) if h.endswith("Why the log-likelihood never decreases"))
    assert "Log-likelihood evolution" in headings[at - 1]           # right after the trace it explains
    run, X, story = d.run, d.X, d.bound
    assert story.n_iter == run.n_iter and len(story.slices) == min(3, run.n_iter)
    for t in range(1, run.n_iter + 1):
        start, end = run.snapshots[t - 1], run.snapshots[t]
        q = responsibilities(X, start)
        bound_after = lower_bound(X, q, end.weights, end.means, end.covariances)
        scale = abs(end.log_likelihood) + 1.0
        assert story.m_gain[t - 1] == pytest.approx(bound_after - start.log_likelihood, abs=1e-9 * scale)
        assert story.kl_after[t - 1] == pytest.approx(end.log_likelihood - bound_after, abs=1e-9 * scale)
        assert story.kl_after[t - 1] >= -1e-9 * scale
    for sl in story.slices:                 # the figure's curves: a bound, touching at s = 0
        assert np.all(sl.bound <= sl.log_likelihood + 1e-9 * (abs(sl.log_likelihood[0]) + 1))
        assert sl.bound[sl.grid == 0.0][0] == pytest.approx(sl.log_likelihood[sl.grid == 0.0][0], abs=1e-6)
    para = next(b.text for b in blocks[blocks.index(next(b for b in blocks if b.kind == "heading"
                                                               and b.text == headings[at])):]
                if b.kind == "para")
    assert f"{story.m_gain[0]:.2f}" in para and f"{story.kl_after[0]:.2f}" in para
    assert f"{story.m_gain[0] + story.kl_after[0]:.2f}" in para
    if run.n_iter > 3:
        assert f"{story.m_gain.sum():.2f}" in para and f"{story.kl_after.sum():.2f}" in para
