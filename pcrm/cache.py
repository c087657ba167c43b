"""Placeholder: parse every file (the SQLite index comes with the cache issue)."""
from __future__ import annotations

from pathlib import Path

from .config import Config
from .model import ParsedFile


def cached_parse(root: Path, config: Config, found: list[tuple[str, Path]]) -> dict[str, ParsedFile]:
    """Parse *found* files."""
    from .vault import read_file

    return {path: read_file(path, absolute, config) for path, absolute in found}
