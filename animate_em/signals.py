"""Termination signals: SIGINT, SIGTERM and SIGHUP end a run the same way, cleanly.

Python turns only SIGINT into an exception (:class:`KeyboardInterrupt`); SIGTERM
(``kill``, a job scheduler, a closing IDE) and SIGHUP (a closed terminal) kill
the process on the spot, so no ``finally`` runs and temporary files and ffmpeg
children stay behind. :func:`handled` makes all three raise :class:`Interrupted`
instead, so every clean-up path runs; the command line then exits with
status 128 + N, as a shell reports a process ended by signal N.

:func:`deferred` closes the window between creating a temporary file (or
starting ffmpeg) and registering it for clean-up: a signal that arrives inside
the block is acted on when the block ends, with the registration done.
Standard library only, so every layer may use it.
"""
from __future__ import annotations

import contextlib
import signal
import threading

__all__ = ["Interrupted", "SIGNALS", "handled", "deferred", "received"]

#: The signals that end a run cleanly (SIGHUP does not exist on Windows).
SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(BaseException):
    """A termination signal arrived; raised where the program was, so clean-up runs.

    A BaseException (like KeyboardInterrupt) so that no ``except Exception``
    swallows it; not a KeyboardInterrupt, whose handling by click would end
    the command with status 1 instead of 128 + N.

    Attributes
    ----------
    signum : int
        The signal number.
    """

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = int(signum)

    @property
    def name(self) -> str:
        try:
            return signal.Signals(self.signum).name
        except ValueError:  # pragma: no cover - a signal Python has no name for
            return f"signal {self.signum}"

    @property
    def exit_status(self) -> int:
        return 128 + self.signum


#: Signals acted on inside :func:`handled`, first first.
_received: list[int] = []


def _raise(signum, frame):
    _received.append(signum)
    raise Interrupted(signum)


def received() -> int | None:
    """The first signal :func:`handled` acted on, or None.

    The :class:`Interrupted` raised for it can reach the command line as
    another exception: raised inside a Python callback of compiled code
    (matplotlib's Agg renderer calls back into Python), it comes out as that
    code's own error, e.g. "ValueError: Invalid affine transformation
    matrix". Whatever arrives, a signal received means the run was
    interrupted.
    """
    return _received[0] if _received else None


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def handled():
    """Inside the block, SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted`.

    The previous handlers come back when the block ends. Outside the main
    thread (where Python cannot set handlers) this does nothing.
    """
    if not _in_main_thread():
        yield
        return
    previous = {}
    _received.clear()
    try:
        for signum in SIGNALS:
            previous[signum] = signal.signal(signum, _raise)
        yield
    finally:
        _restore(previous)


def _restore(previous: dict) -> None:
    for signum, handler in previous.items():
        # None: a handler not set from Python; the default is the nearest we can put back.
        signal.signal(signum, signal.SIG_DFL if handler is None else handler)


@contextlib.contextmanager
def deferred():
    """Hold termination signals until the block ends, then deliver them.

    For the few statements that create something and register it for
    clean-up: an interrupt can then come only before the thing exists or
    after it is registered. The signal is delivered again, to whatever
    handler was in place before (:func:`handled`'s, Python's
    KeyboardInterrupt, or the default action), once the block is left.
    Keep the block short: nothing in it can be interrupted.
    """
    if not _in_main_thread():
        yield
        return
    pending: list[int] = []
    previous = {}
    try:
        for signum in SIGNALS:
            previous[signum] = signal.signal(signum, lambda signum, frame: pending.append(signum))
        yield
    finally:
        _restore(previous)
        if pending:
            signal.raise_signal(pending[0])
