"""Committing what an action wrote: asked before writing, done after.

An action with ``commit=True`` calls :func:`prepare` before it writes anything
(no repository, or no identity to commit with, refuses the whole action), and
:func:`commit_written` after, which commits exactly the files it wrote.
The Git layer is imported here, inside the functions, so that an action run
without ``commit`` never loads it.
"""
from __future__ import annotations

from pathlib import Path


def prepare(root: Path, commit: bool) -> None:
    """With *commit*, make sure Git can commit before anything is written."""
    if commit:
        from pcrm.git.repo import check_can_commit

        check_can_commit(root)


def commit_written(root: Path, paths: list[str], message: str) -> str:
    """Commit exactly *paths* (vault-relative) with *message*; the new commit's id.

    A failed commit raises :class:`~pcrm.core.errors.GitError` saying that the
    files were written but not committed.
    """
    from pcrm.git.repo import commit_written as commit_paths

    return commit_paths(root, paths, message)
