"""`animate-em slides`: a PowerPoint deck (and optionally Beamer) with one animated slide per scene."""
from __future__ import annotations

from pathlib import Path

import click

from animate_em.cli.app import main
from animate_em.cli.rendering import LEVEL_HELP, QUALITY_HELP


@main.command()
@click.argument("scenes", nargs=-1, required=True, metavar="SCENE...")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), required=True,
              help="The deck to write (.pptx); media go to <deck>_media/ beside it.")
@click.option("-q", "--quality", type=click.Choice(("l", "m", "h", "k")), default=None,
              help=f"Size and frame-rate preset of the videos: {QUALITY_HELP}; {LEVEL_HELP} "
              "[default: each scene's].",
              show_default=False)
@click.option("--fps", type=click.IntRange(min=1, max=120), default=None,
              help="Frames per second of the videos [default: the quality preset's].", show_default=False)
@click.option("--frames-per-iteration", type=click.IntRange(min=1), default=None,
              help="Fixed frames per EM iteration [default: paced to each scene's duration].",
              show_default=False)
@click.option("--max-iter", type=click.IntRange(min=1), default=None,
              help="Most EM iterations [default: each scene's].", show_default=False)
@click.option("--step", is_flag=True,
              help="One slide per step (initial state, each E-step and M-step, final state; a sweep: each K), "
              "its video starting by itself: each press of the remote plays one step.")
@click.option("--beamer", is_flag=True,
              help="Also write <deck>.tex: a LaTeX Beamer frame per scene animating PNG frames "
              "with the animate package.")
@click.option("--beamer-fps", type=click.IntRange(min=1, max=60), default=10,
              help="Frames per second of the Beamer animations (fewer = lighter PDF).")
@click.option("--beamer-quality", type=click.Choice(("l", "m", "h")), default="l",
              help="Size preset of the Beamer frames.")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def slides(scenes, output, quality, fps, frames_per_iteration, max_iter, step, beamer, beamer_fps,
           beamer_quality, quiet):
    """Write a 16:9 PowerPoint deck with one slide per SCENE (or, with --step, per step).

    SCENE is a built-in scene name (see `animate-em scenes`) or a TOML file.
    Each slide has the scene's title, its MP4 embedded (the first click or the
    remote's next button starts it; the first frame is the cover) and a
    caption with K, init, iterations, the final log-likelihood and BIC.
    Speaker notes list when each iteration starts.

    With --step each slide holds one step of EM and its video plays as the
    slide opens, with no transition between the slides of a scene: every
    press of the remote advances one E-step or M-step. The notes say what
    the step shows. Prints the deck's path (and the .tex with --beamer).
    """
    from animate_em.slides import build_deck

    overrides = {"quality": quality, "fps": fps, "frames_per_iteration": frames_per_iteration,
                 "max_iter": max_iter}

    def progress(index, total, name):
        if not quiet:
            click.echo(f"[{index + 1}/{total}] rendering {name}", err=True)

    result = build_deck(list(scenes), Path(output), overrides=overrides, beamer=beamer, beamer_fps=beamer_fps,
                        beamer_quality=beamer_quality, on_scene=progress, step=step)
    if not quiet:
        click.echo(f"{len(result.slides)} slide(s); media and manifests in {result.media_dir}", err=True)
    click.echo(str(result.pptx))
    if result.tex is not None:
        click.echo(str(result.tex))
