"""`animate-em present`: step through EM in a browser, one click per E or M beat; a PDF handout."""
from __future__ import annotations

from pathlib import Path

import click

from animate_em.cli.app import main
from animate_em.cli.rendering import LEVEL_HELP, QUALITY_HELP


@main.command()
@click.argument("scenes", nargs=-1, required=True, metavar="SCENE...")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None,
              help="The presentation to write (.html): one self-contained page, no network needed.",
              show_default=False)
@click.option("--pdf", "pdf", type=click.Path(dir_okay=False), default=None,
              help="Also (or only) write a handout (.pdf): one vector page per iteration.", show_default=False)
@click.option("-q", "--quality", type=click.Choice(("l", "m", "h", "k")), default=None,
              help=f"Size and frame-rate preset of the videos: {QUALITY_HELP}; {LEVEL_HELP} "
              "[default: each scene's].", show_default=False)
@click.option("--fps", type=click.IntRange(min=1, max=120), default=None,
              help="Frames per second of the videos [default: the quality preset's].", show_default=False)
@click.option("--frames-per-iteration", type=click.IntRange(min=1), default=None,
              help="Fixed frames per EM iteration (1 = one step per iteration, no E/M beats) "
              "[default: paced to each scene's duration].", show_default=False)
@click.option("--max-iter", type=click.IntRange(min=1), default=None,
              help="Most EM iterations [default: each scene's].", show_default=False)
@click.option("--theme", type=click.Choice(("light", "dark")), default=None,
              help="Colour theme [default: each scene's].", show_default=False)
@click.option("--quiet", is_flag=True, help="Print nothing but errors and the paths written.")
def present(scenes, output, pdf, quality, fps, frames_per_iteration, max_iter, theme, quiet):
    """Present SCENE... step by step: each click plays one step of EM and stops.

    A step is the initial state, the E-step or the M-step of one iteration,
    or the final state (a sweep scene: one K). Several scenes are several
    slides of one page. Open the page in Chrome, Firefox or Safari, from a
    USB stick if you like:

    \b
      Right, Space, PageDown, click   next step (plays it, stops at its end)
      Left, PageUp                    previous step (shown at once)
      Home / End                      initial / final state of the scene
      digits, then Enter              the end of that iteration (a sweep: that K)
      P  play the scene to its end    R  replay the step
      N  speaker notes                F  full screen      ?  keys

    The position is in the address: talk.html#em-basics/7 opens scene
    em-basics at step 7 (step 0 is the initial state). Prints the paths written.
    """
    from animate_em.present import build_presentation

    overrides = {"quality": quality, "fps": fps, "frames_per_iteration": frames_per_iteration,
                 "max_iter": max_iter, "theme": theme}

    def progress(index, total, name):
        if not quiet:
            click.echo(f"[{index + 1}/{total}] drawing {name}", err=True)

    result = build_presentation(list(scenes), html=Path(output) if output else None,
                                pdf=Path(pdf) if pdf else None, overrides=overrides, on_scene=progress)
    if not quiet:
        steps = sum(len(scene.steps) for scene in result.scenes)
        click.echo(f"{len(result.scenes)} scene(s), {steps} steps", err=True)
    for path in (result.html, result.pdf):
        if path is not None:
            click.echo(str(path))
