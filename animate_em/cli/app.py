"""The ``animate-em`` click group, its one-line error handling and shared options.

Commands are thin: parse the options, call the library, print. Each command
is one ``@main.command()`` function; errors a user can cause
(:class:`~animate_em.errors.UserError`, bad option values) end as a single
``Error: ...`` line on stderr with exit status 2, never a traceback.
"""
from __future__ import annotations

import contextlib
import errno
import os
import sys

import click

from animate_em import signals
from animate_em.errors import UserError
from animate_em.version import __version__

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
    except OSError as error:
        why = (error.strerror or str(error)).lower()
        if error.errno in _STREAM_ERRORS and _stdout_broken(error):
            raise OneLineError(f"cannot write to standard output: {why}") from None
        if error.errno in _DISK_ERRORS:
            # A full disk met somewhere a layer did not name the file: every clean-up has run
            # on the way here, so the one line is all that is left to say.
            raise OneLineError(f"cannot write {error.filename or 'the output'}: {why}") from None
        raise
    except click.exceptions.NoArgsIsHelpError:
        raise
    except click.UsageError as error:
        hint = f" (see '{error.ctx.command_path} --help')" if error.ctx is not None else ""
        raise OneLineError(error.format_message() + hint) from None


#: What writing to a full, closed or vanished standard output raises.
_STREAM_ERRORS = (errno.ENOSPC, errno.EPIPE, errno.EBADF, errno.EIO, errno.EDQUOT, errno.EFBIG)


#: A disk that cannot take more: full, over quota, file too large, read-only.
_DISK_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS)


def _stdout_broken(error: OSError) -> bool:
    """Whether `error` came from writing standard output; if so, point it at /dev/null.

    The text left in its buffer would otherwise fail again when Python
    flushes it at exit, printing a second error ("Exception ignored ...").
    """
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    stream = sys.stdout
    # click.echo writes to a local `file` that is sys.stdout (or its buffer) when it failed on it.
    writing = frame is not None and any(value is stream or value is getattr(stream, "buffer", None)
                                        for value in frame.tb_frame.f_locals.values())
    if not writing:
        try:
            stream.flush()
            return False
        except (OSError, ValueError):
            pass
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return True


def _say(line: str) -> None:
    """One line on stderr, if there is a stderr to write to."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def _interrupted(signum: int) -> None:
    stop = signals.Interrupted(signum)
    _say(f"Error: interrupted by {stop.name}; nothing partial was left behind")
    sys.exit(stop.exit_status)


class Group(click.Group):
    """A click group whose commands report user errors in one line, exit 2.

    SIGTERM and SIGHUP end a command like SIGINT (Ctrl-C): every clean-up
    runs (no temporary file, no ffmpeg left running) and the exit status is
    128 + the signal's number.
    """

    group_class = type  # nested groups (e.g. a future `scenes`) behave the same

    def main(self, *args, **kwargs):
        if sys.stdout is None:
            # Started with standard output closed: the next file opened would take its
            # descriptor, and anything printed would land in that file.
            _say("Error: standard output is closed; redirect it to a file or /dev/null instead")
            sys.exit(2)
        with signals.handled():
            try:
                return super().main(*args, **kwargs)
            except signals.Interrupted as stop:
                _interrupted(stop.signum)
            except SystemExit as done:
                if done.code not in (0, None) and signals.received() is not None:
                    _interrupted(signals.received())
                raise
            except BaseException:
                # The interrupt came out of compiled code as that code's own error (see
                # signals.received); every clean-up has run on its way here.
                if signals.received() is None:
                    raise
                _interrupted(signals.received())

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


def echo_notes(meta: dict | None) -> None:
    """The loader's notes about a data file (a skipped row index), one line each, on stderr."""
    for note in (meta or {}).get("notes") or ():
        click.echo(f"note: {note}", err=True)


def _open(source: str, columns: str | None):
    """Load DATA (a built-in name or a file) with at least two columns, as a Dataset."""
    from animate_em import datasets

    names = [name.strip() for name in columns.split(",")] if columns else None
    data = datasets.open_data(source, columns=names)
    echo_notes(data.meta)
    if data.n_features < 2:
        raise UserError(
            f"{source} has {data.n_features} column ({', '.join(data.columns)}); "
            "need at least 2 numeric columns"
        )
    return data


def _json_ready(value):
    """Plain JSON values; non-finite floats become null (JSON has no NaN)."""
    import math

    import numpy as np

    def ready(value):
        if isinstance(value, dict):
            return {str(key): ready(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [ready(item) for item in value]
        if isinstance(value, np.ndarray):
            return ready(value.tolist())
        if isinstance(value, (np.bool_, bool)):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, (float, np.floating)):
            return float(value) if math.isfinite(value) else None
        return value

    return ready(value)


def _echo_json(payload: dict) -> None:
    import json

    click.echo(json.dumps(_json_ready(payload), indent=2, allow_nan=False))


def _describe_data(data) -> str:
    units = f"; {data.units}" if data.units else ""
    return (
        f"{data.name}: {data.n_samples} points x {data.n_features} columns "
        f"({', '.join(data.columns)}{units})"
    )


def _number(value: float) -> str:
    # Six significant digits: data far from the origin (e.g. 1e8 + small clusters)
    # still shows where the components differ.
    return f"{value:.6g}"


def _vector(values) -> str:
    return "(" + ", ".join(_number(v) for v in values) + ")"


def _matrix(values) -> str:
    return "[" + "; ".join(" ".join(_number(v) for v in row) for row in values) + "]"


