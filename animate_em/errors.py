"""Errors a user can cause: bad data, a bad scene, a bad option, an unwritable path.

The command line turns :class:`UserError` into a one-line ``Error: ...``
message and exit status 2; anything else is a bug and keeps its traceback.
"""


class UserError(ValueError):
    """A problem with the user's input, described in one line."""
