"""The ``pcrm`` command line: one module per command group, the App context, and the one place
that turns errors into ``Error: ...``.
"""
from __future__ import annotations

from pcrm.cli.group import cli, main

__all__ = ["cli", "main"]
