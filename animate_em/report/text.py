"""The report's sentences, generated from :class:`~animate_em.report.analysis.ReportData`.

Every number in the text comes from the analysis; nothing here is written
for one particular data set. Paragraphs are plain strings (the HTML and PDF
writers add their own markup).
"""
from __future__ import annotations

import numpy as np

from animate_em.report.analysis import SADDLE_ITERATIONS, Monotonicity, ReportData
from animate_em.scene.draw.panels import signed as fixed_decimals

COVARIANCE_WORDS = {"full": "full", "tied": "tied (shared)", "diag": "diagonal", "spherical": "spherical"}


def _s(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def signed(value: float, digits: int = 4) -> str:
    """A number with its sign and a real minus sign (−0.0012, +0.0012)."""
    text = f"{value:+.{digits}g}" if abs(value) < 1e-3 and value != 0 else f"{value:+.{digits}f}"
    return text.replace("-", "\u2212")


def num(value: float, digits: int = 2) -> str:
    """Fixed decimals and a true minus sign, as on the frames."""
    return fixed_decimals(value, digits)


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


def abstract(d: ReportData) -> str:
    run, src = d.run, d.source
    s = d.settings["model"]
    outcome = ("converged" if run.converged else "stopped at the iteration limit") + \
        f" after {_s(run.n_iter, 'iteration')}"
    sel = d.selection
    return (f"Expectation-Maximization (EM) fits a {s['k']}-component Gaussian mixture with "
            f"{COVARIANCE_WORDS.get(s['covariance_type'], s['covariance_type'])} covariances to the "
            f"{d.n_samples} points of {src.get('dataset')}"
            + (f" ({src['description'].rstrip('.')})" if src.get("description") else "") + ". Started from "
            f"init={s['init']} (seed {s['seed']}), it {outcome} at a total log-likelihood of "
            f"{num(run.final.log_likelihood)} nats (BIC {num(run.bic)}). "
            f"{monotonicity_verdict(d.monotonicity)} "
            f"Across {2 * next(iter(d.restarts.values())).n} restarts the best value found was "
            f"{num(d.best_restart_log_likelihood)} nats, and BIC over K = {sel.ks[0]}..{sel.ks[-1]} "
            f"and {len(sel.covariance_types)} covariance types chooses K = {sel.best_k} "
            f"({sel.best_covariance_type})" + (f"; the data were generated with K = {sel.true_k}."
                                               if sel.true_k else "."))


def trace_paragraph(d: ReportData) -> str:
    t = d.trace
    m = d.monotonicity
    n = d.n_samples
    gain = t[-1] - t[0]
    parts = [f"The log-likelihood rose from {num(t[0])} nats at the start to {num(t[-1])} nats after "
             f"{_s(d.run.n_iter, 'iteration')}, a gain of {num(gain)} nats "
             f"({num(gain / n, 3)} nats per point)."]
    if t.size > 2:
        first = t[1] - t[0]
        share = first / gain if gain > 0 else float("nan")
        if np.isfinite(share):
            parts.append(f"The first iteration alone gained {num(first)} nats ({100 * share:.0f} % of the total).")
    parts.append(monotonicity_verdict(m))
    if m.never_decreased:
        parts.append("That is what EM guarantees: each E-step makes the lower bound touch the "
                     "log-likelihood and each M-step raises the bound, so the likelihood cannot fall.")
    else:
        parts.append("EM cannot lower the likelihood in exact arithmetic; decreases this small are "
                     "floating-point rounding, or the effect of the covariance regularisation.")
    tol = d.settings["model"]["tol"]
    parts.append(f"The run stopped when the mean log-likelihood per point changed by less than "
                 f"tol = {tol:g} nats; the trace was within tol × N = {d.settle_tol_total:.3g} nats "
                 f"of its final value from iteration {d.settled_at} on.")
    return " ".join(parts)


def poster_paragraph(d: ReportData) -> str:
    travel = d.travel
    if not travel:
        return ""
    units = d.source.get("units")
    unit = f" {units}" if units else " data units"
    top = travel[0]
    parts = [f"Component {top.component} moved furthest: its mean travelled {num(top.path_length)}{unit} "
             f"along its path ({num(top.displacement)}{unit} in a straight line, from "
             f"({num(top.start[0])}, {num(top.start[1])}) to ({num(top.end[0])}, {num(top.end[1])}))."]
    if len(travel) > 1:
        rest = ", ".join(f"component {c.component} {num(c.path_length)}" for c in travel[1:])
        parts.append(f"The others travelled {rest}{unit}.")
        if top.path_length > 2 * max(travel[1].path_length, 1e-12):
            parts.append("A mean that starts in the wrong place has to cross empty space before it "
                         "owns a cluster; the responsibilities pull it across one step at a time.")
    parts.append(f"The fit was within {d.settle_tol_total:.3g} nats of its final log-likelihood from "
                 f"iteration {d.settled_at} of {d.run.n_iter}; the panels after that change little.")
    w = d.run.final.weights
    order = np.argsort(-w)
    ws = ", ".join(f"{w[j]:.3f} (component {j})" for j in order)
    parts.append(f"The weights ended at {ws}" + (
        f"; the true weights were {', '.join(f'{v:.3f}' for v in sorted(d.source['true_weights'], reverse=True))}."
        if d.source.get("true_weights") is not None else "."))
    return " ".join(parts)


def restarts_paragraph(d: ReportData) -> str:
    parts = []
    best = d.best_restart_log_likelihood
    tolerance = d.reach_tolerance
    for init, st in d.restarts.items():
        reach = st.reaching(best, tolerance)
        lls = st.final_log_likelihoods
        it = st.n_iters
        parts.append(
            f"With init={init}, {reach} of {st.n} runs ({100 * reach / st.n:.0f} %) reached the best "
            f"value; the final log-likelihoods ranged from {num(lls.min())} to {num(lls.max())} nats, "
            f"and EM took a median of {np.median(it):g} iterations (range {it.min()}–{it.max()})"
            + (f"; {int(st.collapsed.sum())} collapsed" if st.collapsed.any() else "")
            + (f"; {int((~st.converged & ~st.collapsed).sum())} hit the limit of {st.max_iter}"
               if (~st.converged & ~st.collapsed).any() else "") + ".")
    st0 = next(iter(d.restarts.values()))
    head = (f"Each initialisation was restarted {st0.n} times (tol = {st0.tol:g} nats per point, at most "
            f"{st0.max_iter} iterations). A run counts as reaching the best value "
            f"({num(best)} nats) when it ends within {_reach_text(d)}.")
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
    return f"{per_point:g} nats per point of it ({d.reach_tolerance:.3g} nats in total)"


def selection_paragraph(d: ReportData) -> str:
    sel = d.selection
    rows = {(r["k"], r["covariance_type"]): r for r in sel.table}
    best = rows[(sel.best_k, sel.best_covariance_type)]
    parts = [f"BIC = −2 log L + p log N penalises the p free parameters; AIC = −2 log L + 2p penalises "
             f"them less. Each of the {len(sel.table)} fits started from k-means++ (best of {sel.n_init}, "
             f"seed {sel.seed}). The lowest BIC, {num(best['bic'])}, belongs to K = {sel.best_k} with "
             f"{COVARIANCE_WORDS.get(sel.best_covariance_type, sel.best_covariance_type)} covariances "
             f"({best['n_parameters']} parameters)."]
    if sel.capped_from is not None:
        parts.append(f"K stops at {sel.ks[-1]}, not {sel.capped_from}: the data have only {sel.ks[-1]} "
                     "distinct points, and K components need at least K of them.")
    same = tuple(sel.by_aic) == (sel.best_k, sel.best_covariance_type)
    parts.append("AIC agrees." if same else
                 f"AIC prefers K = {sel.by_aic[0]} ({sel.by_aic[1]}), as expected from its lighter penalty.")
    if sel.true_k is not None:
        parts.append(f"The data were generated from K = {sel.true_k} components, so BIC "
                     + ("recovers the true number." if sel.best_k == sel.true_k else
                        f"is off by {sel.best_k - sel.true_k:+d}."))
    model_k = d.settings["model"]["k"]
    model_cov = d.settings["model"]["covariance_type"]
    if (model_k, model_cov) in rows and (model_k, model_cov) != (sel.best_k, sel.best_covariance_type):
        delta = rows[(model_k, model_cov)]["bic"] - best["bic"]
        parts.append(f"The model animated above (K = {model_k}, {model_cov}) is {num(delta)} BIC units "
                     "behind the winner.")
    elif (model_k, model_cov) == (sel.best_k, sel.best_covariance_type):
        parts.append("It is the model animated above.")
    return " ".join(parts)


def figure_captions(d: ReportData) -> dict:
    """Caption of every figure, keyed by figure name."""
    every = 5
    st0 = next(iter(d.restarts.values()))
    return {
        "loglik": "Total log-likelihood after each EM iteration (left) and its change per iteration "
                  "on a logarithmic scale (right).",
        "poster": f"The fit every {every} iterations: points coloured by their responsibilities, "
                  "2σ ellipses (86 % of each component's mass) and means.",
        "restarts": f"Left: final log-likelihood of {st0.n} restarts per initialisation (dashed: the best "
                    "value found). Right: the best and the worst final fit among all restarts.",
        "selection": "BIC and AIC against K for every covariance type (lower is better); the circle marks "
                     "the chosen model" + (", the dotted line the true K." if d.selection.true_k else "."),
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
