"""`animate-em render` and `animate-em scenes`: animations from the command line."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from animate_em.cli.app import INITS, echo_notes, main
from animate_em.cli.course import history_prepared

QUALITY_HELP = "l 854x480@15, m 1280x720@30, h 1920x1080@60, k 3840x2160@30"
#: Why no preset goes beyond H.264 level 5.1 (said wherever a preset or frame rate is chosen).
LEVEL_HELP = ("every preset's MP4 is H.264 level 5.1 or lower, which PowerPoint and Windows play "
              "(4K above 30 fps would not be, and is refused)")


def _scene_overrides(**options) -> dict:
    """CLI options that override scene keys (None = keep the scene's value)."""
    return {key: value for key, value in options.items() if value is not None}


class _Progress:
    """A progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        self.total, self.enabled = total, enabled and sys.stderr.isatty()
        self.done = 0

    def start(self) -> None:
        if self.enabled and self.bar is None:
            self.bar = click.progressbar(length=self.total, label="rendering", file=sys.stderr,
                                         show_eta=True, show_percent=True)
            self.bar.__enter__()

    def __call__(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@main.command()
@click.argument("scene", required=False, metavar="[SCENE]")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=True), default=None,
              help="Output file, format from its extension (with several --format: their "
              "shared folder and name); a path without an extension is a folder "
              "[default: output/<scene>.<ext>].", show_default=False)
@click.option("-q", "--quality", type=click.Choice(("l", "m", "h", "k")), default=None,
              help=f"Size and frame-rate preset: {QUALITY_HELP}; {LEVEL_HELP} [default: the scene's, m].",
              show_default=False)
@click.option("--format", "formats", type=click.Choice(("mp4", "gif", "webm", "png", "all")),
              multiple=True, help="Output format; repeat for several, 'all' for every one; png is a "
              "numbered frame folder plus a LaTeX/Beamer snippet [default: from -o, else mp4].")
@click.option("--fps", type=click.IntRange(min=1, max=120), default=None,
              help="Frames per second [default: the quality preset's].", show_default=False)
@click.option("--frames-per-iteration", type=click.IntRange(min=1), default=None,
              help="Fixed frames per EM iteration (1 = one plain frame per iteration, no "
              "E/M beats) [default: paced to the scene's duration].", show_default=False)
@click.option("--data", default=None, metavar="DATA",
              help="Dataset name or CSV/TSV/.npy file to fit instead of the scene's (with --history: the "
              "points the recorded run was fitted to).")
@click.option("--columns", default=None, metavar="A,B",
              help="Two columns of --data, by header name or 0-based index [default: the first two, "
              "after a row-index column].",
              show_default=False)
@click.option("-k", "k", type=click.IntRange(min=1), default=None,
              help="Number of mixture components [default: the scene's].", show_default=False)
@click.option("--init", type=click.Choice(INITS), default=None,
              help="Initialisation method [default: the scene's].", show_default=False)
@click.option("--seed", type=int, default=None,
              help="Seed of the initialisation [default: the scene's].", show_default=False)
@click.option("--max-iter", type=click.IntRange(min=1), default=None,
              help="Most EM iterations [default: the scene's].", show_default=False)
@click.option("--tol", type=click.FloatRange(min=0), default=None,
              help="Convergence threshold on the per-point mean log-likelihood, nats "
              "[default: the scene's].", show_default=False)
@click.option("--theme", type=click.Choice(("light", "dark")), default=None,
              help="Colour theme [default: the scene's, light].", show_default=False)
@click.option("--still", is_flag=True,
              help="Write the last frame as <scene>.png (without --format: only the picture).")
@click.option("--poster", is_flag=True,
              help="Write the poster grid of the fit every 5 iterations as <scene>_poster.png "
              "(without --format: only the picture).")
@click.option("--from-manifest", "from_manifest", type=click.Path(dir_okay=False), default=None,
              metavar="FILE", help="Re-render exactly what a <name>.manifest.json records (same scene, "
              "data and frames); only -o, --format, --still, --poster and --quiet combine with it.")
@click.option("--history", "history", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Animate the EM run recorded in FILE (a .npz of weights, means and covariances per "
              "iteration; see README 'For students') on the points of --data, instead of fitting.")
@click.option("--quiet", is_flag=True, help="Print only the paths written (stdout) and errors.")
def render(scene, output, quality, formats, fps, frames_per_iteration, data, columns, k, init, seed, max_iter,
           tol, theme, still, poster, from_manifest, history, quiet):
    """Render SCENE (a built-in scene name or a TOML file) as an animation.

    Without SCENE the default scene, em-basics, is rendered. Options override
    the scene's settings. Prints the frame count before drawing and every
    path written at the end. Beside the media goes <name>.manifest.json
    (scene, versions, data hash, the time each iteration starts), which
    --from-manifest renders again. With --history FILE --data DATA, the EM
    run recorded in FILE by any implementation is animated instead.
    """
    _refuse_at_once(scene, from_manifest)
    from animate_em.animation import as_prepared, render as render_animation, write_stills
    from animate_em.errors import UserError

    overrides = _scene_overrides(quality=quality, fps=fps, frames_per_iteration=frames_per_iteration,
                                 data=data, k=k, init=init, seed=seed, max_iter=max_iter, tol=tol,
                                 theme=theme)
    if columns is not None:
        if data is None:
            raise UserError("--columns picks columns of --data DATA; give --data too")
        overrides["columns"] = [name.strip() for name in columns.split(",")]
    if from_manifest is not None:
        if history is not None:
            raise UserError("give either --from-manifest or --history, not both")
        prepared, formats = _from_manifest(from_manifest, scene, overrides, formats, output, quiet)
    elif history is not None:
        prepared = history_prepared(history, scene, data, overrides)
    else:
        prepared = as_prepared(scene, overrides=overrides)
        if not quiet:
            echo_notes(prepared.meta.get("meta"))
    # -o with an extension names the file; without one (or with a trailing slash) a folder.
    is_file = bool(output) and bool(Path(output).suffix) and not output.endswith(("/", os.sep))
    out_file = Path(output) if is_file else None
    out_dir = out_file.parent if out_file else Path(output or "output")
    if out_file is not None and out_file.suffix.lower() == ".png" and not formats:
        still = still or not poster     # -o pic.png alone asks for the picture
    # -o talk/iris.mp4 asks for that video; --still/--poster then go beside it as iris.png and
    # iris_poster.png. Without a format and without a video name, only the pictures are written.
    names_video = out_file is not None and out_file.suffix.lower() != ".png"
    if (still or poster) and not formats and not names_video:
        # Like Manim's -s: pictures only, no video, when no format is asked for.
        paths = write_stills(prepared, out_file, output_dir=out_dir, still=still, poster=poster)
    else:
        progress = _Progress(len(prepared.timeline), enabled=not quiet)

        def announce(n):
            # Only once every output is known to be writable: an error stays the one line printed.
            if not quiet:
                run = prepared.runs[0]
                click.echo(f"{prepared.scene.name}: {len(prepared.runs)} run(s), {run.n_iter} iterations, "
                           f"{n} frames at {prepared.fps} fps ({n / prepared.fps:.1f} s), "
                           f"{prepared.width}x{prepared.height}", err=True)
            progress.start()

        try:
            result = render_animation(prepared, out_file, formats=formats or None, output_dir=out_dir,
                                      still=still, poster=poster, on_frame=progress, on_start=announce)
        finally:
            progress.close()
        paths = result.paths
        if not quiet:
            click.echo(f"rendered in {result.seconds:.1f} s "
                       f"({1000 * result.seconds / max(result.n_frames, 1):.1f} ms per frame); "
                       f"manifest {result.manifest}", err=True)
    for path in paths:
        click.echo(str(path))


def _refuse_at_once(scene, manifest) -> None:
    """A scene file or manifest that is a FIFO, a device, a folder or too large, refused before the
    drawing layers (matplotlib) are even imported: from stat alone, in a blink."""
    from animate_em.errors import UserError
    from animate_em.untrusted import MAX_MANIFEST_BYTES, MAX_SCENE_BYTES, check_regular, size_text

    builtin = Path(__file__).resolve().parents[1] / "scenes" / f"{scene}.toml"
    for path, what, limit in ((scene, "scene file", MAX_SCENE_BYTES), (manifest, "manifest", MAX_MANIFEST_BYTES)):
        if path is None or not os.path.lexists(path) or (what == "scene file" and builtin.is_file()
                                                         and not os.path.isfile(path)):
            continue   # missing, or a built-in scene's name: the loaders say what is wrong
        size = check_regular(path, what).st_size
        if size > limit:
            raise UserError(f"{path} is {size_text(size)}; a {what} is at most {size_text(limit)}")


def _from_manifest(path, scene, overrides, formats, output, quiet):
    """The manifest's scene, prepared and checked; formats default to those it records."""
    import warnings

    from animate_em import manifest as manifests
    from animate_em.errors import UserError

    if scene is not None:
        raise UserError(f"give either SCENE ({scene}) or --from-manifest, not both")
    if overrides:
        names = ", ".join("-k" if name == "k" else "--" + name.replace("_", "-") for name in overrides)
        raise UserError(f"--from-manifest re-renders exactly; it cannot be combined with {names}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", manifests.VersionWarning)
        prepared, record = manifests.prepare_from_manifest(path)
    if not quiet:
        for warning in caught:
            click.echo(f"warning: {warning.message}", err=True)
    if not formats and not (output and Path(output).suffix):
        formats = manifests.recorded_formats(record)
    return prepared, formats


@main.command(name="scenes")
def list_scenes():
    """List the built-in scenes with a one-line description."""
    from animate_em.scene import builtin_scenes, load_scene

    scenes = builtin_scenes()
    width = max(len(name) for name in scenes)
    for name, path in sorted(scenes.items()):
        click.echo(f"{name:<{width}}  {load_scene(path).description}")
