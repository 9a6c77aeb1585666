"""`animate-em check`: is a recorded EM history right? And the history side of `animate-em render --history`."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from animate_em.cli.app import COVARIANCE_TYPES, _columns_option, _describe_data, _echo_json, _open, main
from animate_em.errors import UserError

#: Render options that fit EM; a recorded history is not fitted, so they cannot apply.
FITTING_OPTIONS = {"k": "-k", "init": "--init", "seed": "--seed", "max_iter": "--max-iter", "tol": "--tol"}


def _history_data(history_path: str, source: str, columns: str | None, n_features: int | None = None):
    """DATA for a history: a Dataset of the history's number of columns (the first ones by default)."""
    data = _open(source, columns)
    if n_features is not None and data.n_features != n_features:
        if columns or data.n_features < n_features:
            raise UserError(f"{history_path} has means of d = {n_features} features; {data.name} has "
                            f"{data.n_features} column(s)")
        data = dataclasses.replace(data, X=data.X[:, :n_features].copy(), columns=data.columns[:n_features],
                                   meta={**data.meta, "columns_of": data.n_features})
    return data


@main.command(name="check")
@click.argument("history", metavar="HISTORY")
@click.option("--data", "source", required=True, metavar="DATA",
              help="The points the history was recorded on: a dataset name or a CSV/TSV/.npy file "
              "(its first d columns unless --columns says which).")
@_columns_option
@click.option("--covariance-type", type=click.Choice(COVARIANCE_TYPES), default=None,
              help="The implementation's covariance type [default: the history's covariance_type entry, "
              "else full].", show_default=False)
@click.option("--reg-covar", type=click.FloatRange(min=0), default=None,
              help="What the implementation adds to every variance [default: the history's reg_covar entry, "
              "else inferred from step 0 -> 1].", show_default=False)
@click.option("--rtol", type=click.FloatRange(min=0, min_open=True), default=1e-6,
              help="Tolerance of every quantity: weights as fractions, means in standard deviations of the data, "
              "covariances in correlation units.")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as one JSON object.")
@click.pass_context
def check(ctx, history, source, columns, covariance_type, reg_covar, rtol, as_json):
    """Check that HISTORY (a .npz of weights, means, covariances per iteration) is a correct EM trajectory.

    Every recorded step t -> t+1 is compared with one exact EM step from
    snapshot t. Prints the first step that differs, which quantity and by how
    much, and the likely classic mistake behind it; any fall of the
    log-likelihood; and whether the history's own log_likelihood agrees with
    ours. Exit status 0: correct; 1: not correct; 2: bad input.
    """
    from animate_em.course import check as check_history, read_history

    recorded = read_history(history, covariance_type)
    data = _history_data(history, source, columns, recorded.n_features)
    report = check_history(data.X, recorded, reg_covar=reg_covar, rtol=rtol)
    if as_json:
        _echo_json({"history": str(history), "data": data.name, "data_columns": list(data.columns),
                    **report.to_dict()})
    else:
        click.echo(f"{'file':<11}{history}")
        described = _describe_data(data)
        if "columns_of" in data.meta:
            # A history recorded on other columns gives a puzzling verdict: say which were taken.
            described += f"; the first {data.n_features} of {data.meta['columns_of']} (--columns picks others)"
        for line in report.lines(data=described):
            click.echo(line)
    ctx.exit(0 if report.ok else 1)


def history_prepared(history: str, scene: str | None, source: str | None, overrides: dict):
    """What ``animate-em render --history FILE --data DATA`` draws: the recorded run, named by its file stem."""
    from animate_em.animation import as_prepared
    from animate_em.course import from_history, read_history

    if scene is not None:
        raise UserError(f"give either SCENE ({scene}) or --history, not both")
    if source is None:
        raise UserError("--history needs --data DATA: the points the run was recorded on")
    fitting = [flag for key, flag in FITTING_OPTIONS.items() if overrides.get(key) is not None]
    if fitting:
        raise UserError(f"--history animates a recorded run as it is; {', '.join(fitting)} "
                        f"{'does' if len(fitting) == 1 else 'do'} not apply")
    recorded = read_history(history, name=Path(history).stem)
    if recorded.n_features != 2:
        raise UserError(f"{history}: an animation shows 2-D data; this history has d = {recorded.n_features}")
    columns = overrides.get("columns")
    data = _history_data(history, source, ",".join(columns) if columns else None, 2)
    run = from_history(data.X, recorded)
    drawing = {key: value for key, value in overrides.items()
               if key not in FITTING_OPTIONS and key not in ("data", "columns")}
    return as_prepared(run, data=data, overrides=drawing)
