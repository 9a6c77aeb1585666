"""The ``animate-em`` command line: one module per group of commands.

Commands are thin: parse the options, call the library, print. Importing
this package registers every command on :data:`main`, the console-script
entry point (``animate_em.cli:main``).
"""
from animate_em.cli.app import main
from animate_em.cli import analysis, rendering  # noqa: F401,E402  (register commands)
from animate_em.cli import report  # noqa: F401,E402  (register commands)
from animate_em.cli import slides  # noqa: F401,E402  (animate-em slides)
from animate_em.cli import course  # noqa: F401,E402  (animate-em check)
from animate_em.cli import present  # noqa: F401,E402  (animate-em present)

__all__ = ["main"]
