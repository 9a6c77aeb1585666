"""The ``animate-em`` command line.

Commands are thin: parse the options, call the library, print. Each command
is one ``@main.command()`` function; errors a user can cause
(:class:`~animate_em.errors.UserError`, bad option values) end as a single
``Error: ...`` line on stderr with exit status 2, never a traceback.
"""
from __future__ import annotations

import contextlib
import json
import math

import click
import numpy as np

from animate_em import __version__, datasets
from animate_em.em import fit as fit_mixture
from animate_em.em import select_k
from animate_em.errors import UserError

COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")
INITS = ("random", "random_from_data", "kmeans++", "kmeans")


# --- error handling ---------------------------------------------------------

class OneLineError(click.ClickException):
    """Printed by click as ``Error: <message>`` on stderr; exit status 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


@contextlib.contextmanager
def _one_line_errors():
    """Turn user errors and click's usage errors into one-line errors.

    click prints a usage error as three lines (usage, hint, error); a
    lecturer scanning a terminal wants the one that names the problem, so
    the hint moves into that line.
    """
    try:
        yield
    except UserError as error:
        raise OneLineError(str(error)) from None
    except click.exceptions.NoArgsIsHelpError:
        raise
    except click.UsageError as error:
        hint = f" (see '{error.ctx.command_path} --help')" if error.ctx is not None else ""
        raise OneLineError(error.format_message() + hint) from None


class Group(click.Group):
    """A click group whose commands report user errors in one line, exit 2."""

    group_class = type  # nested groups (e.g. a future `scenes`) behave the same

    def make_context(self, info_name, args, parent=None, **extra):
        with _one_line_errors():
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx):
        with _one_line_errors():
            return super().invoke(ctx)


@click.group(cls=Group, context_settings={"show_default": True,
                                          "help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="animate-em")
def main() -> None:
    """Watch Expectation-Maximization fit a Gaussian mixture.

    DATA arguments are a built-in dataset name (see `animate-em datasets`)
    or a CSV/TSV/whitespace text file or .npy array with one point per row.
    """


# --- shared options and helpers ---------------------------------------------

def _data_argument(command):
    return click.argument("data", metavar="DATA")(command)


def _columns_option(command):
    return click.option(
        "--columns",
        default=None,
        metavar="A,B",
        help="Columns to use, by header name or 0-based index, comma separated "
        "[default: all columns].",
        show_default=False,
    )(command)


def _open(source: str, columns: str | None) -> datasets.Dataset:
    """Load DATA (a built-in name or a file) with at least two columns."""
    names = [name.strip() for name in columns.split(",")] if columns else None
    data = datasets.open_data(source, columns=names)
    if data.n_features < 2:
        raise UserError(
            f"{source} has {data.n_features} column ({', '.join(data.columns)}); "
            "need at least 2 numeric columns"
        )
    return data


def _json_ready(value):
    """Plain JSON values; non-finite floats become null (JSON has no NaN)."""
    if isinstance(value, dict):
        return {str(key): _json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    if isinstance(value, np.ndarray):
        return _json_ready(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def _echo_json(payload: dict) -> None:
    click.echo(json.dumps(_json_ready(payload), indent=2, allow_nan=False))


def _describe_data(data: datasets.Dataset) -> str:
    units = f"; {data.units}" if data.units else ""
    return (
        f"{data.name}: {data.n_samples} points x {data.n_features} columns "
        f"({', '.join(data.columns)}{units})"
    )


def _number(value: float) -> str:
    return f"{value:.4g}"


def _vector(values) -> str:
    return "(" + ", ".join(_number(v) for v in values) + ")"


def _matrix(values) -> str:
    return "[" + "; ".join(" ".join(_number(v) for v in row) for row in values) + "]"


# --- fit --------------------------------------------------------------------

def _run_record(run, data: datasets.Dataset) -> dict:
    """Everything `fit --json` reports about one run."""
    final = run.final
    settings = dict(run.settings)
    collapse = None
    if run.collapse is not None:
        collapse = {
            "iteration": run.collapse.iteration,
            "component": run.collapse.component,
            "message": run.collapse.message,
        }
    return {
        "data": data.name,
        "columns": list(data.columns),
        "units": data.units,
        "sha256": data.meta.get("sha256"),
        "k": int(final.n_components),
        "covariance_type": settings.get("covariance_type"),
        "init": settings.get("init"),
        "n_init": settings.get("n_init"),
        "seed": settings.get("seed"),
        "tol": settings.get("tol"),
        "max_iter": settings.get("max_iter"),
        "reg_covar": settings.get("reg_covar"),
        "n_samples": int(run.n_samples),
        "n_features": int(final.n_features),
        "converged": bool(run.converged),
        "n_iter": int(run.n_iter),
        "log_likelihood": final.log_likelihood,
        "mean_log_likelihood": final.log_likelihood / run.n_samples,
        "bic": run.bic,
        "aic": run.aic,
        "n_parameters": run.n_parameters,
        "trace": [snapshot.log_likelihood for snapshot in run.snapshots],
        "weights": final.weights,
        "means": final.means,
        "covariances": final.covariances,
        "collapse": collapse,
    }


def _summary(record: dict, data: datasets.Dataset) -> str:
    if record["collapse"] is not None:
        collapse = record["collapse"]
        outcome = (f"component {collapse['component']} collapsed at iteration "
                   f"{collapse['iteration']}; stopped after {record['n_iter']} iterations")
    elif record["converged"]:
        outcome = f"converged in {record['n_iter']} iterations"
    else:
        outcome = f"not converged after {record['n_iter']} iterations (max-iter reached)"
    lines = [
        f"data      {_describe_data(data)}",
        f"model     k={record['k']}, {record['covariance_type']} covariances, "
        f"init {record['init']} (best of {record['n_init']}), seed {record['seed']}",
        f"stopping  tol {record['tol']} per point, max-iter {record['max_iter']}, "
        f"reg-covar {record['reg_covar']}",
        f"result    {outcome}",
        f"log-lik   total {record['log_likelihood']:.3f}, "
        f"per point {record['mean_log_likelihood']:.4f}",
        f"criteria  BIC {record['bic']:.2f}, AIC {record['aic']:.2f} "
        f"({record['n_parameters']} parameters; lower is better)",
        "",
    ]
    means = [_vector(mean) for mean in record["means"]]
    width = max(len("mean"), *(len(text) for text in means))
    lines.append(f"{'#':>3}  {'weight':>7}  {'mean':<{width}}  covariance")
    for index, (weight, mean, cov) in enumerate(
        zip(record["weights"], means, record["covariances"])
    ):
        lines.append(f"{index:>3}  {weight:7.4f}  {mean:<{width}}  {_matrix(cov)}")
    return "\n".join(lines)


@main.command()
@_data_argument
@click.option("-k", "k", type=click.IntRange(min=1), required=True,
              help="Number of mixture components.")
@click.option("--covariance", type=click.Choice(COVARIANCE_TYPES), default="full",
              help="Shape of every component's covariance matrix.")
@click.option("--init", type=click.Choice(INITS), default="kmeans++",
              help="How EM starts: random responsibilities, random data points as "
              "means, k-means++ seeding, or a k-means run.")
@click.option("--n-init", type=click.IntRange(min=1), default=1,
              help="Number of EM runs from different starts; the best (highest "
              "log-likelihood) is kept.")
@click.option("--seed", type=int, default=0,
              help="Random seed of the initialisation (same seed, same result).")
@click.option("--tol", type=click.FloatRange(min=0), default=1e-3,
              help="Stop when the mean log-likelihood per point changes by less "
              "than this (nats per point).")
@click.option("--max-iter", type=click.IntRange(min=0), default=100,
              help="Maximum number of EM iterations (E-step + M-step); 0 shows "
              "the initial state only.")
@click.option("--reg-covar", type=click.FloatRange(min=0), default=1e-6,
              help="Added to every covariance diagonal to keep it invertible "
              "(data units squared).")
@_columns_option
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object instead of the summary.")
def fit(data, k, covariance, init, n_init, seed, tol, max_iter, reg_covar, columns, as_json):
    """Fit a Gaussian mixture to DATA with EM.

    Prints the data, the settings, whether EM converged, the final
    log-likelihood, BIC and AIC, and every component's weight, mean and
    covariance; --json prints the same (plus the log-likelihood trace) as
    one JSON object.
    """
    dataset = _open(data, columns)
    run = fit_mixture(
        dataset.X, k, covariance_type=covariance, init=init, n_init=n_init, seed=seed,
        tol=tol, max_iter=max_iter, reg_covar=reg_covar,
    )
    record = _run_record(run, dataset)
    # The library reports what it ran; fill gaps from the options it was given.
    for key, value in (("covariance_type", covariance), ("init", init), ("n_init", n_init),
                       ("seed", seed), ("tol", tol), ("max_iter", max_iter),
                       ("reg_covar", reg_covar)):
        if record[key] is None:
            record[key] = value
    if record["collapse"] is not None:
        click.echo(f"Warning: {record['collapse']['message']}", err=True)
    if as_json:
        _echo_json(record)
    else:
        click.echo(_summary(record, dataset))


# --- datasets -----------------------------------------------------------------

@main.command(name="datasets")
def list_datasets():
    """List the built-in datasets: name, number of points, description."""
    rows = [datasets.get(name) for name in datasets.names()]
    width = max(len(data.name) for data in rows)
    for data in rows:
        click.echo(f"{data.name:<{width}}  {data.n_samples:>4} points  {data.description}")


# --- select -------------------------------------------------------------------

def _selection_record(selection, data: datasets.Dataset, settings: dict) -> dict:
    rows = [dict(row, mean_log_likelihood=row["log_likelihood"] / data.n_samples)
            for row in selection.table]
    return {
        "data": data.name,
        "columns": list(data.columns),
        "n_samples": data.n_samples,
        **settings,
        "criterion": "bic",
        "rows": rows,
        "best": {"k": selection.best_k, "covariance_type": selection.best_covariance_type},
        "best_by_aic": {"k": selection.by_aic[0], "covariance_type": selection.by_aic[1]},
    }


def _selection_table(record: dict, data: datasets.Dataset) -> str:
    best = (record["best"]["k"], record["best"]["covariance_type"])
    lines = [
        f"data      {_describe_data(data)}",
        f"settings  init {record['init']} (best of {record['n_init']} per fit), "
        f"seed {record['seed']}",
        "",
        f"{'k':>3}  {'covariance':<10}  {'log-lik':>11}  {'BIC':>11}  {'AIC':>11}  "
        f"{'params':>6}",
    ]
    for row in record["rows"]:
        notes = []
        if row["collapsed"]:
            notes.append("collapsed")
        elif not row["converged"]:
            notes.append("not converged")
        if (row["k"], row["covariance_type"]) == best:
            notes.append("<- best (lowest BIC)")
        lines.append(
            f"{row['k']:>3}  {row['covariance_type']:<10}  {row['log_likelihood']:>11.2f}  "
            f"{row['bic']:>11.2f}  {row['aic']:>11.2f}  {row['n_parameters']:>6}"
            + ("  " + ", ".join(notes) if notes else "")
        )
    by_aic = record["best_by_aic"]
    lines += [
        "",
        f"best by BIC: k={best[0]}, {best[1]} covariances; "
        f"lowest AIC: k={by_aic['k']}, {by_aic['covariance_type']}",
    ]
    return "\n".join(lines)


@main.command()
@_data_argument
@click.option("--k-min", type=click.IntRange(min=1), default=1,
              help="Smallest number of components tried.")
@click.option("--k-max", type=click.IntRange(min=1), default=8,
              help="Largest number of components tried.")
@click.option("--covariance", "covariances", type=click.Choice(COVARIANCE_TYPES + ("all",)),
              multiple=True, default=("full",),
              help="Covariance type(s) to compare; repeat the option for several, "
              "or 'all'.")
@click.option("--init", type=click.Choice(INITS), default="kmeans++",
              help="How every EM run starts (see `animate-em fit --help`).")
@click.option("--n-init", type=click.IntRange(min=1), default=1,
              help="EM runs per (k, covariance type); the best is kept.")
@click.option("--seed", type=int, default=0,
              help="Random seed of the initialisations (the same for every fit).")
@_columns_option
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object instead of the table.")
def select(data, k_min, k_max, covariances, init, n_init, seed, columns, as_json):
    """Compare numbers of components by BIC and AIC.

    Fits DATA once for every k from --k-min to --k-max and every covariance
    type, and prints the table with the lowest BIC marked as the winner.
    """
    if k_min > k_max:
        raise UserError(f"--k-min {k_min} is larger than --k-max {k_max}")
    types = COVARIANCE_TYPES if "all" in covariances else tuple(dict.fromkeys(covariances))
    dataset = _open(data, columns)
    selection = select_k(dataset.X, range(k_min, k_max + 1), covariance_types=types,
                         n_init=n_init, init=init, seed=seed)
    settings = {"k_min": k_min, "k_max": k_max, "covariance_types": list(types),
                "init": init, "n_init": n_init, "seed": seed}
    record = _selection_record(selection, dataset, settings)
    if as_json:
        _echo_json(record)
    else:
        click.echo(_selection_table(record, dataset))
