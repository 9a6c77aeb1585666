"""The report's sentences, generated from :class:`~animate_em.report.analysis.ReportData`.

Every number in the text comes from the analysis; nothing here is written
for one particular data set. Paragraphs are plain strings (the HTML and PDF
writers add their own markup). They are written to read as a person would
write them: components numbered from 1 (as in the frames and posters), one
level of brackets at most, no sentence said twice, no range whose ends are
equal, distances only in units that make one (standard deviations of the
data, or one axis at a time).
"""
from __future__ import annotations

import numpy as np

from animate_em.report.analysis import (
    POSTER_EVERY,
    SADDLE_ITERATIONS,
    Monotonicity,
    ReportData,
    poster_shown,
    same_optimum,
)
from animate_em.scene.draw.captions import init_words
from animate_em.scene.draw.panels import signed as fixed_decimals
from animate_em.scene.runs.data import stacked_axes, stacking_note

COVARIANCE_WORDS = {"full": "full", "tied": "tied (shared)", "diag": "diagonal", "spherical": "spherical"}

def _s(n: int, word: str) -> str:
    return f"{n:g} {word}{'' if n == 1 else 's'}"


def signed(value: float, digits: int = 4) -> str:
    """A number with its sign and a real minus sign (−0.0012, +0.0012)."""
    text = f"{value:+.{digits}g}" if abs(value) < 1e-3 and value != 0 else f"{value:+.{digits}f}"
    return text.replace("-", "\u2212")


def num(value: float, digits: int = 2) -> str:
    """Fixed decimals and a true minus sign, as on the frames."""
    return fixed_decimals(value, digits)


def component(j: int) -> str:
    """"component 3" for 0-based index 2: numbered from 1, as the frames name them (π₃)."""
    return f"component {j + 1}"


def listing(items: list[str]) -> str:
    """"a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def monotonicity_verdict(m: Monotonicity) -> str:
    """One sentence: did the log-likelihood ever decrease, with the extreme change measured."""
    if m.n_steps == 0:
        return "The run took no iteration, so there is no change to check."
    if m.never_decreased:
        return (f"The log-likelihood never decreased: over {_s(m.n_steps, 'iteration')} the smallest "
                f"change between iterations was {signed(m.smallest_change)} nats "
                f"(iteration {m.smallest_change_at}).")
    return (f"The log-likelihood decreased {m.n_decreases} time{'s' if m.n_decreases != 1 else ''} in "
            f"{_s(m.n_steps, 'iteration')}; the largest decrease was {signed(-m.largest_decrease)} nats "
            f"at iteration {m.largest_decrease_at}.")


def title_line(d: ReportData) -> str:
    return d.title


def data_phrase(d: ReportData) -> str:
    """"the 500 points of the anisotropic data set: 4 stretched, rotated clusters (lecture default)"."""
    src = d.source
    name = src.get("dataset")
    if src.get("kind") == "file":
        # A file's description only restates its name and size.
        return f"the {d.n_samples} points of {name}"
    description = (src.get("description") or "").rstrip(".")
    what = f"the {d.n_samples} points of the {name} data set"
    return f"{what}: {description}" if description else what


def abstract(d: ReportData) -> str:
    run = d.run
    s = d.settings["model"]
    outcome = ("converged" if run.converged else "stopped at the iteration limit") + \
        f" after {_s(run.n_iter, 'iteration')}"
    sel = d.selection
    m = d.monotonicity
    if m.n_steps == 0:
        climb = ""
    elif m.never_decreased:
        climb = "Its log-likelihood rose at every iteration (section 1). "
    else:
        climb = (f"Its log-likelihood fell {m.n_decreases} time{'s' if m.n_decreases != 1 else ''}, "
                 f"by at most {num(m.largest_decrease, 4)} nats (section 1). ")
    seed = f", seed {s['seed']}" if s.get("seed") is not None else ""
    truth = f" The data were generated with K = {sel.true_k}." if sel.true_k else ""
    return (f"Expectation-Maximization (EM) fits a {s['k']}-component Gaussian mixture with "
            f"{COVARIANCE_WORDS.get(s['covariance_type'], s['covariance_type'])} covariances to "
            f"{data_phrase(d)}. Started from {init_words(s['init'])}{seed}, it {outcome} at a total "
            f"log-likelihood of {num(run.final.log_likelihood)} nats and a BIC of {num(run.bic)}. {climb}"
            f"Across {2 * next(iter(d.restarts.values())).n} restarts the best value found was "
            f"{num(d.best_restart_log_likelihood)} nats. Over K = {sel.ks[0]} to {sel.ks[-1]} and "
            f"{len(sel.covariance_types)} covariance types, BIC chooses K = {sel.best_k} with "
            f"{COVARIANCE_WORDS.get(sel.best_covariance_type, sel.best_covariance_type)} covariances.{truth}")


def trace_paragraph(d: ReportData) -> str:
    t = d.trace
    m = d.monotonicity
    n = d.n_samples
    gain = t[-1] - t[0]
    parts = [f"The log-likelihood rose from {num(t[0])} nats at the start to {num(t[-1])} nats after "
             f"{_s(d.run.n_iter, 'iteration')}, a gain of {num(gain)} nats, or {num(gain / n, 3)} nats "
             "per point."]
    if t.size > 2:
        first = t[1] - t[0]
        share = first / gain if gain > 0 else float("nan")
        if np.isfinite(share):
            parts.append(f"The first iteration alone gained {num(first)} nats, {100 * share:.0f} % of the total.")
    parts.append(monotonicity_verdict(m))
    if m.never_decreased and m.n_steps:
        parts.append("That is what EM guarantees; the next section shows why.")
    elif m.n_steps:
        parts.append("EM cannot lower the likelihood in exact arithmetic; decreases this small are "
                     "floating-point rounding, or the effect of the covariance regularisation.")
    tol = d.settings["model"]["tol"]
    parts.append(f"The run stopped when the mean log-likelihood per point changed by less than "
                 f"tol = {tol:g} nats. From iteration {d.settled_at} on, the trace stayed within "
                 f"tol × N = {d.settle_tol_total:.3g} nats of its final value.")
    return " ".join(parts)


def bound_paragraph(d: ReportData) -> str:
    """Why the log-likelihood never decreases, told with the run's own gains and gaps."""
    b = d.bound
    if b is None or b.n_iter == 0:
        return ("For any responsibilities q, ln p(X | θ) = L(q, θ) + KL with KL ≥ 0. "
                "The run made no iteration, so there is no step to decompose.")
    parts = ["For any responsibilities q, the log-likelihood splits into a lower bound and a gap: "
             "ln p(X | θ) = L(q, θ) + KL, where KL is the Kullback-Leibler divergence of q from the "
             "posterior p(Z | X, θ) and never negative. The E-step sets q to the posterior "
             "at the current θ, so the gap is 0 and the bound touches the log-likelihood (the left end of "
             "each panel). The M-step moves θ to the maximum of the bound with q held fixed (the ring at "
             "the right end); the log-likelihood rises by what the bound gained plus the gap KL that opens, "
             "and since that gap cannot be negative, it never falls."]
    parts.append(f"In iteration 1 the M-step raised the bound by {num(b.m_gain[0])} nats and opened a gap of "
                 f"{num(b.kl_after[0])}, so ln p rose by {num(b.m_gain[0] + b.kl_after[0])} nats; the next "
                 "E-step closes that gap again before the next M-step climbs.")
    shown = len(b.slices)
    if shown > 1:
        rest = "; ".join(f"in iteration {t}, the bound gained {num(b.m_gain[t - 1])} nats and the gap was "
                         f"{num(b.kl_after[t - 1])}" for t in range(2, shown + 1))
        parts.append(rest[0].upper() + rest[1:] + ".")
    if b.n_iter > shown:
        worst = int(np.argmin(b.kl_after)) + 1
        smallest = float(b.kl_after.min())
        smallest_text = num(smallest) if abs(smallest) >= 0.01 else f"{smallest:.2g}".replace("-", "\u2212")
        parts.append(f"Over all {_s(b.n_iter, 'iteration')} the M-steps raised the bound by "
                     f"{num(float(b.m_gain.sum()))} nats in total and the gaps added "
                     f"{num(float(b.kl_after.sum()))}; the smallest gap was {smallest_text} nats "
                     f"(iteration {worst}).")
    if float(b.kl_after.min()) < 0:
        parts.append("A gap below zero can only be rounding: KL is never negative in exact arithmetic.")
    return " ".join(parts)


def _axis_shift(d: ReportData, c) -> str:
    """"eruptions +0.72 minutes, waiting +8.37 minutes": a mean's shift, one axis at a time."""
    columns = list(d.source.get("columns") or ())
    names = columns if len(columns) >= len(c.shift) else [f"x{i + 1}" for i in range(len(c.shift))]
    unit = f" {d.source['units']}" if d.source.get("units") else ""
    return ", ".join(f"{name} {signed(v, 2)}{unit}" for name, v in zip(names, c.shift))


def poster_paragraph(d: ReportData) -> str:
    travel = d.travel
    if not travel:
        return ""
    top = travel[0]
    parts = [f"{component(top.component).capitalize()} moved furthest: its mean travelled "
             f"{num(top.path_length)} standard deviations of the data along its path and ended "
             f"{num(top.displacement)} from where it started ({_axis_shift(d, top)})."]
    if len(travel) > 1:
        rest = [f"{num(c.path_length)} ({component(c.component)})" for c in travel[1:]]
        parts.append(f"The other mean{'s' if len(rest) > 1 else ''} travelled {listing(rest)} standard deviations.")
        if top.path_length > 2 * max(travel[1].path_length, 1e-12):
            parts.append("A mean that starts in the wrong place has to cross empty space before it "
                         "owns a cluster; the responsibilities pull it across one step at a time.")
    later = [t for t in poster_shown(d) if t > d.settled_at]
    if later and d.settled_at > 0:
        panels = (f"the panel of iteration {later[0]}" if len(later) == 1 else
                  f"the panels from iteration {later[0]} on")
        parts.append(f"From iteration {d.settled_at} on, the fit was within {d.settle_tol_total:.3g} nats of "
                     f"its final log-likelihood, so {panels} change{'s' if len(later) == 1 else ''} little.")
    w = d.run.final.weights
    order = np.argsort(-w, kind="stable")
    ws = ", ".join(f"{w[j]:.2f} ({component(j)})" for j in order)
    true = d.source.get("true_weights")
    parts.append(f"The weights ended at {ws}" + (
        f"; the true weights were {', '.join(f'{v:.2f}' for v in sorted(true, reverse=True))}." if true is not None
        else "."))
    return " ".join(parts)


def _iterations_text(it: np.ndarray) -> str:
    if it.min() == it.max():
        return f"each took {_s(int(it.min()), 'iteration')}"
    return f"EM took a median of {_s(float(np.median(it)), 'iteration')} (range {it.min()}–{it.max()})"


def restarts_paragraph(d: ReportData) -> str:
    parts = []
    best = d.best_restart_log_likelihood
    tolerance = d.reach_tolerance
    for init, st in d.restarts.items():
        reach = st.reaching(best, tolerance)
        lls = st.final_log_likelihoods
        it = st.n_iters
        ended = (f"all {st.n} ended at {num(lls.max())} nats" if num(lls.min()) == num(lls.max()) else
                 f"the final log-likelihoods ranged from {num(lls.min())} to {num(lls.max())} nats")
        notes = []
        if st.collapsed.any():
            notes.append(f"{int(st.collapsed.sum())} collapsed")
        stuck = ~st.converged & ~st.collapsed
        if stuck.any():
            notes.append(f"{int(stuck.sum())} hit the limit of {st.max_iter} iterations")
        parts.append(
            f"With {init_words(init)} (init={init}), {reach} of {st.n} runs ({100 * reach / st.n:.0f} %) "
            f"reached the best value; {ended}, and {_iterations_text(it)}"
            + (f"; {listing(notes)}" if notes else "") + ".")
    st0 = next(iter(d.restarts.values()))
    head = (f"Each initialisation was restarted {st0.n} times, with tol = {st0.tol:g} nats per point and at "
            f"most {st0.max_iter} iterations. A run counts as reaching the best value, {num(best)} nats, "
            f"when it ends within {_reach_text(d)}.")
    tail = []
    if d.saddle is not None:
        s = d.saddle
        tail.append(
            f"The small tolerance matters: with the main run's tol = {s.tol:g}, {s.n_stopped_early} of "
            f"{s.n_runs} random-responsibility starts stopped within {SADDLE_ITERATIONS} iterations, at a "
            f"median of {num(s.median_log_likelihood)} nats. Random responsibilities put every component "
            "near the centre of the data, a saddle point where the likelihood is flat, so a loose "
            "stopping rule declares convergence before EM has moved.")
    spread = [s for s in d.restarts.values() if s.final_log_likelihoods.min() < best - d.reach_tolerance]
    if spread:
        tail.append("Runs that end lower are stuck in local optima (typically two components sharing one "
                    "cluster while another cluster is covered by one wide component); restarting from "
                    "several seeds and keeping the highest likelihood is the usual remedy.")
    else:
        tail.append("Every restart ended at the same optimum, so on these data the starting point changes "
                    "the path and the number of iterations rather than the answer.")
    return " ".join([head, *parts, *tail])


def _reach_text(d: ReportData) -> str:
    per_point = d.settings["restarts"]["reach_tolerance_per_point"]
    return f"{per_point:g} nats per point of it, {d.reach_tolerance:.3g} nats in total"


def selection_paragraph(d: ReportData) -> str:
    sel = d.selection
    rows = {(r["k"], r["covariance_type"]): r for r in sel.table}
    best = rows[(sel.best_k, sel.best_covariance_type)]
    parts = [f"BIC = −2 log L + p log N penalises the p free parameters; AIC = −2 log L + 2p penalises "
             f"them less. Each of the {len(sel.table)} fits started from k-means++, the best of {sel.n_init} "
             f"starts with seed {sel.seed}. The lowest BIC, {num(best['bic'])}, belongs to K = {sel.best_k} "
             f"with {COVARIANCE_WORDS.get(sel.best_covariance_type, sel.best_covariance_type)} covariances "
             f"and {best['n_parameters']} parameters."]
    others = sorted((r for r in sel.table if r is not best), key=lambda r: r["bic"])
    if others:
        runner = others[0]
        parts.append(f"The runner-up, K = {runner['k']} with {runner['covariance_type']} covariances, is "
                     f"{num(runner['bic'] - best['bic'])} BIC units behind (right-hand panel).")
    if sel.capped_from is not None:
        parts.append(f"K stops at {sel.ks[-1]}, not {sel.capped_from}: the data have only {sel.ks[-1]} "
                     "distinct points, and K components need at least K of them.")
    same = tuple(sel.by_aic) == (sel.best_k, sel.best_covariance_type)
    parts.append("AIC agrees." if same else
                 f"AIC prefers K = {sel.by_aic[0]} with {sel.by_aic[1]} covariances, as expected from its "
                 "lighter penalty.")
    if sel.true_k is not None:
        parts.append(f"The data were generated from K = {sel.true_k} components, so BIC "
                     + ("recovers the true number." if sel.best_k == sel.true_k else
                        f"is off by {sel.best_k - sel.true_k:+d}."))
    model_k = d.settings["model"]["k"]
    model_cov = d.settings["model"]["covariance_type"]
    if (model_k, model_cov) in rows and (model_k, model_cov) != (sel.best_k, sel.best_covariance_type):
        delta = rows[(model_k, model_cov)]["bic"] - best["bic"]
        parts.append(f"The model animated above, K = {model_k} with {model_cov} covariances, is {num(delta)} "
                     "BIC units behind the winner.")
    elif (model_k, model_cov) == (sel.best_k, sel.best_covariance_type):
        parts.append("It is the model animated above.")
    return " ".join(parts)


def poster_heading(d: ReportData) -> str:
    shown = poster_shown(d)
    steps = {b - a for a, b in zip(shown, shown[1:-1])}
    if len(shown) <= 2 or len(steps) == 1:
        return f"The fit every {POSTER_EVERY} iterations" if len(shown) > 2 else "The fit, first and last"
    return "The fit as EM runs"


def figure_captions(d: ReportData) -> dict:
    """Caption of every figure, keyed by figure name."""
    st0 = next(iter(d.restarts.values()))
    shown = poster_shown(d)
    listed = listing([str(t) for t in shown])
    stacked = stacked_axes(d.X)
    same = same_optimum(d)
    return {
        "loglik": "Total log-likelihood after each EM iteration (left) and its change per iteration "
                  "on a logarithmic scale (right).",
        "poster": f"The fit at iterations {listed}: points coloured by their responsibilities, "
                  "2σ ellipses (86 % of each component's mass) and means; components numbered as in the text"
                  + (f"; {stacking_note(stacked, d.source.get('columns'), d.source.get('units'))}." if stacked
                     else "."),
        "bound": "The first EM iterations, each on a slice through parameter space along its step, from θ "
                 "before the M-step (left tick) to θ after it (right tick): the log-likelihood ln p (solid) and "
                 "the lower bound L (dashed) with the E-step's responsibilities; the shading is the gap KL.",
        "restarts": f"Left: final log-likelihood of {st0.n} restarts per initialisation (dashed: the best "
                    "value found). " + ("Right: the one fit every restart reached." if same else
                                        "Right: the best and the worst final fit among all restarts."),
        "selection": "BIC (left) and AIC (middle) against K for every covariance type, lower is better; the "
                     "circle marks the chosen model" + (", the dotted line the true K" if d.selection.true_k else "")
                     + ". Right: BIC minus the lowest BIC, zoomed on the models that compete.",
    }


def settings_rows(d: ReportData) -> list[tuple[str, str]]:
    """(label, value) pairs of the settings block, enough to rebuild the report."""
    src, s = d.source, d.settings
    origin = f"scene {src['scene']}, " if src.get("scene") else ""
    seed = f", data seed {src['data_seed']}" if src.get("data_seed") is not None else ""
    rows = [("data", f"{src.get('dataset')} ({origin}{src.get('kind')}{seed}), {d.n_samples} points, "
                     f"columns {', '.join(src.get('columns') or ())}"
             + (f", units {src['units']}" if src.get("units") else "")),
            ("data sha256 (float64 array)", src["sha256_array"])]
    if src.get("sha256_file"):
        rows.append(("file sha256", src["sha256_file"]))
    rows.append(("model", ", ".join(f"{k}={v}" for k, v in s["model"].items())))
    rows.append(("restarts", ", ".join(f"{k}={v}" for k, v in s["restarts"].items())))
    sel = dict(s["selection"])
    sel["ks"] = f"{sel['ks'][0]}..{sel['ks'][-1]}"
    rows.append(("model selection", ", ".join(f"{k}={v}" for k, v in sel.items())))
    if s.get("animation"):
        rows.append(("animation", ", ".join(f"{k}={v}" for k, v in s["animation"].items())))
    if s.get("command"):
        rows.append(("command", s["command"]))
    rows.append(("versions", ", ".join(f"{k} {v}" for k, v in s["versions"].items())))
    return rows
