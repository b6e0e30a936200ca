"""The command line, `python -m dq_core …`: the same functions as the pages."""

from dq_core.cli.main import main

__all__ = ["main"]
