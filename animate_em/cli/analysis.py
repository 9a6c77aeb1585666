"""`animate-em fit`, `select` and `datasets`: the EM core from the command line."""
from __future__ import annotations

import click

from animate_em.cli.app import (COVARIANCE_TYPES, INITS, _columns_option, _data_argument, _describe_data,
                                _echo_json, _matrix, _open, _vector, main)
from animate_em.errors import UserError

# NumPy, the EM core and the datasets are imported inside the commands that use them,
# so that `animate-em --help` starts in a blink.


# --- fit --------------------------------------------------------------------

def _run_record(run, data) -> dict:
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


def _summary(record: dict, data) -> str:
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
    from animate_em.em import fit as fit_mixture

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
    from animate_em import datasets

    rows = [datasets.get(name) for name in datasets.names()]
    width = max(len(data.name) for data in rows)
    for data in rows:
        click.echo(f"{data.name:<{width}}  {data.n_samples:>4} points  {data.description}")


# --- select -------------------------------------------------------------------

def _selection_record(selection, data, settings: dict) -> dict:
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


def _selection_table(record: dict, data) -> str:
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
    from animate_em.em import select_k

    types = COVARIANCE_TYPES if "all" in covariances else tuple(dict.fromkeys(covariances))
    dataset = _open(data, columns)
    if k_max > 1:
        from animate_em.em.checks import check_data
        from animate_em.em.selection import count_distinct

        # Up front: otherwise every smaller k is fitted (seconds) before k_max fails.
        distinct = count_distinct(check_data(dataset.X))
        if k_max > distinct:
            raise UserError(f"--k-max {k_max} is more than the {distinct} distinct data points of "
                            f"{dataset.name}: use --k-max {distinct} or less")
    selection = select_k(dataset.X, range(k_min, k_max + 1), covariance_types=types,
                         n_init=n_init, init=init, seed=seed)
    settings = {"k_min": k_min, "k_max": k_max, "covariance_types": list(types),
                "init": init, "n_init": n_init, "seed": seed}
    record = _selection_record(selection, dataset, settings)
    if as_json:
        _echo_json(record)
    else:
        click.echo(_selection_table(record, dataset))
