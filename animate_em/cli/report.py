"""`animate-em report`: the generated report (HTML + PDF + figures) of one EM fit."""
from __future__ import annotations

import sys

import click

from animate_em.cli.app import COVARIANCE_TYPES, INITS, main


class _Stages:
    """Progress on stderr: a bar on a terminal, one line per stage otherwise.

    Nothing is shown until the first stage is announced, which build_report
    does only after every input has been validated: a user error stays the
    only line on stderr.
    """

    def __init__(self, stages, quiet: bool):
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.stages = list(stages)
        self.bar = None
        self.seen: list = []

    def __call__(self, stage: str) -> None:
        if self.quiet or stage in self.seen:
            return
        self.seen.append(stage)
        if self.tty and self.bar is None:
            self.bar = click.progressbar(length=len(self.stages), label="report", file=sys.stderr,
                                         show_eta=False, item_show_func=lambda s: s)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.current_item = stage
            self.bar.update(1 if len(self.seen) > 1 else 0, stage)
        else:
            click.echo(f"[{len(self.seen)}/{len(self.stages)}] {stage}", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(len(self.stages) - self.bar.pos)
            self.bar.__exit__(None, None, None)


def _command_line(ctx: click.Context) -> str:
    """The command that rebuilds this report: the argument and every option not at its default."""
    import shlex

    words = ["animate-em", "report"]
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if isinstance(param, click.Argument):
            if value is not None:
                words.append(shlex.quote(str(value)))
            continue
        if param.is_flag and not value:
            continue
        if value is None or value == param.default or (isinstance(value, tuple) and
                                                       list(value) == list(param.default or ())):
            continue
        flag = max(param.opts, key=len)
        if param.is_flag:
            words.append(flag)
        elif isinstance(value, tuple):
            words += [w for v in value for w in (flag, shlex.quote(str(v)))]
        else:
            words += [flag, shlex.quote(str(value))]
    return " ".join(words)


@main.command()
@click.argument("source", required=False, metavar="[SCENE|DATA]")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Folder for report.html, report.pdf and the figures [default: output/report-<name>].",
              show_default=False)
@click.option("-k", "k", type=click.IntRange(min=1), default=None,
              help="Number of components [default: the scene's; for DATA the lowest BIC over 1..k-max].",
              show_default=False)
@click.option("--covariance", type=click.Choice(COVARIANCE_TYPES), default=None,
              help="Covariance type of the narrated fit [default: the scene's; full for DATA].",
              show_default=False)
@click.option("--init", type=click.Choice(INITS), default=None,
              help="Initialisation of the narrated fit [default: the scene's; kmeans++ for DATA].",
              show_default=False)
@click.option("--seed", type=int, default=None,
              help="Seed of the fit, the restarts and model selection [default: the scene's; 0 for DATA].",
              show_default=False)
@click.option("--n-init", type=click.IntRange(min=1), default=None,
              help="EM runs of the narrated fit, best kept [default: the scene's; 1 for DATA].",
              show_default=False)
@click.option("--tol", type=click.FloatRange(min=0), default=None,
              help="Stopping tolerance of the narrated fit, nats per point [default: the scene's; 1e-3].",
              show_default=False)
@click.option("--max-iter", type=click.IntRange(min=1), default=None,
              help="Most EM iterations of the narrated fit [default: the scene's; 100].", show_default=False)
@click.option("--columns", default=None, metavar="A,B",
              help="Two columns of a DATA file, by name or 0-based index [default: the only two].",
              show_default=False)
@click.option("--restarts", "n_restarts", type=click.IntRange(min=1), default=20,
              help="Restarts per initialisation (random, kmeans++) in the local-optimum study.")
@click.option("--restart-tol", type=click.FloatRange(min=0), default=1e-6,
              help="Stopping tolerance of the restarts, nats per point (small, so random starts "
              "leave the saddle at the data centre).")
@click.option("--restart-max-iter", type=click.IntRange(min=1), default=500,
              help="Most iterations of each restart.")
@click.option("--k-max", type=click.IntRange(min=1, max=20), default=8,
              help="Model selection tries K = 1..k-max.")
@click.option("--select-covariance", "select_covariances", type=click.Choice(COVARIANCE_TYPES + ("all",)),
              multiple=True, default=("all",), help="Covariance types compared by BIC/AIC; repeat, or 'all'.")
@click.option("--select-n-init", type=click.IntRange(min=1), default=3,
              help="k-means++ starts per (K, covariance type) fit in model selection, best kept.")
@click.option("-q", "--quality", type=click.Choice(("l", "m", "h")), default="l",
              help="Frame preset of the embedded animation (l 854x480@15).")
@click.option("--frames-per-iteration", type=click.IntRange(min=1), default=None,
              help="Fixed frames per EM iteration of the animation [default: paced by the scene].",
              show_default=False)
@click.option("--gif-width", type=click.IntRange(min=64), default=640, help="Width of the embedded GIF, pixels.")
@click.option("--no-gif", is_flag=True, help="Leave the animation out (faster).")
@click.option("--data", "as_data", is_flag=True,
              help="Treat the argument as DATA even if a built-in scene has the same name (e.g. faithful).")
@click.option("--quiet", is_flag=True, help="Print nothing but errors and the paths written.")
def report(source, output, k, covariance, init, seed, n_init, tol, max_iter, columns, n_restarts, restart_tol,
           restart_max_iter, k_max, select_covariances, select_n_init, quality, frames_per_iteration,
           gif_width, no_gif, as_data, quiet):
    """Write a short report of EM fitting SCENE or DATA: report.html and report.pdf.

    SCENE is a built-in scene name or TOML file (its data and model); DATA is
    a built-in dataset name or a CSV/TSV/.npy file (model from the options).
    Without an argument the em-basics scene is reported; a name that is both
    a scene and a dataset means the scene unless --data is given. The report shows
    the log-likelihood trace and its monotonicity, the fit every 5
    iterations, a restart study of random vs k-means++ starts, BIC/AIC
    against K, and every setting needed to reproduce it. HTML and PDF are
    self-contained; every figure is also written as PNG and SVG.
    """
    from animate_em.report import STAGES, build_report

    types = COVARIANCE_TYPES if "all" in select_covariances else tuple(dict.fromkeys(select_covariances))
    command = _command_line(click.get_current_context())
    progress = _Stages(STAGES if not no_gif else [s for s in STAGES if "GIF" not in s], quiet)
    try:
        result = build_report(source, output, k=k, covariance_type=covariance, init=init, seed=seed,
                              n_init=n_init, tol=tol, max_iter=max_iter, columns=columns,
                              n_restarts=n_restarts, restart_tol=restart_tol,
                              restart_max_iter=restart_max_iter, k_max=k_max, covariance_types=types,
                              select_n_init=select_n_init, quality=quality,
                              frames_per_iteration=frames_per_iteration, gif=not no_gif,
                              gif_width=gif_width, as_data=as_data, command=command, progress=progress)
    finally:
        progress.close()
    if not quiet:
        click.echo(f"report of {result.data.name}: {result.pages} PDF pages, {result.seconds:.1f} s", err=True)
    click.echo(str(result.paths["html"]))
    click.echo(str(result.paths["pdf"]))
