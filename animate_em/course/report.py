"""A check's verdict in words a student understands (what ``animate-em check`` prints)."""
from __future__ import annotations

import textwrap

import numpy as np

LABEL = 11
WIDTH = 100

_REG_SOURCE = {
    "recorded": "recorded in the history",
    "given": "given",
    "inferred": "inferred from step 0 -> 1: the amount added to every variance",
    "assumed": "assumed: step 0 -> 1 shows no single amount added to every variance",
}


def _row(label: str, text: str) -> list[str]:
    wrapped = textwrap.wrap(text, WIDTH - LABEL) or [""]
    return [f"{label:<{LABEL}}{wrapped[0]}"] + [" " * LABEL + line for line in wrapped[1:]]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def report_lines(report, data: str | None = None) -> list[str]:
    """The lines of :class:`~animate_em.course.trajectory.CheckReport` as text (``data``: what the data are)."""
    h = report.history
    lines = []
    lines += _row("history", f"{h.name}: iterations 0 to {h.n_snapshots - 1} recorded, K = {h.n_components}, "
                  f"d = {h.n_features}, {h.covariance_type} covariances")
    lines += _row("data", data or f"{report.n_samples} points")
    lines += _row("reg_covar", f"{report.reg_covar:.6g} ({_REG_SOURCE[report.reg_covar_source]})")
    lines += _row("tolerance", f"{report.rtol:g}: weights as fractions, means in standard deviations of the "
                  "data, covariances in correlation units")
    n = len(report.steps)
    first = report.first_wrong
    if first is None:
        lines += _row("steps", f"{_plural(n, 'step')} checked: every one is an exact EM step")
    else:
        lines += _row("steps", f"{_plural(n, 'step')} checked: {report.n_wrong} wrong, the first is step "
                      f"{first.step} -> {first.step + 1}")
        if first.problem:
            lines += _row("", first.problem)
        else:
            wrong = [d for d in first.differences.values() if not d.size <= report.rtol]
            right = [q for q, d in first.differences.items() if d.size <= report.rtol]
            for difference in wrong:
                lines += _row("", difference.sentence())
            if right:
                lines += _row("", f"{' and '.join(right)} agree{'s' if len(right) == 1 else ''}")
    if report.cause is not None:
        mistake = report.cause.mistake
        if mistake is not None:
            lines += _row("cause", f"likely: {mistake.title}")
            lines += _row("", f"fix: {mistake.advice}")
            lines += _row("", f"evidence: {report.cause.evidence}")
        else:
            lines += _row("cause", report.cause.evidence)
    ours = report.log_likelihoods
    finite = ours[np.isfinite(ours)]
    if report.decreases:
        fall = report.decreases[0]
        more = len(report.decreases) - 1
        lines += _row("log-lik", f"falls at step {fall.step} -> {fall.step + 1} by {-fall.change:.4g} nats "
                      f"(reg_covar allows {-fall.allowed:.2g})" + (f", and at {_plural(more, 'more step')}"
                                                                    if more else ""))
    elif len(finite) >= 2:
        lines += _row("log-lik", f"never falls (ours, at your parameters: {finite[0]:.6g} -> {finite[-1]:.6g})")
    if report.own is not None:
        lines += _row("your LL", report.own.message)
    if report.ok:
        verdict = "correct: every step is an exact EM step"
    elif report.trajectory_ok:
        verdict = "NOT correct: the steps are EM steps, but the log-likelihood " + (
            "falls" if report.decreases else "you record differs from ours")
    else:
        verdict = "NOT a correct EM trajectory"
    lines += _row("verdict", verdict)
    return lines
