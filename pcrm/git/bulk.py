"""Committing many files at once (an import writes thousands): paths go through stdin."""
from __future__ import annotations

from pathlib import Path

from pcrm.core.errors import GitError
from pcrm.git.repo import first_line, head, repo_prefix, run


def in_repository(root: Path) -> bool:
    """True when *root* is inside a Git working tree."""
    try:
        repo_prefix(root)
    except GitError:
        return False
    return True


def commit_many(root: Path, paths: list[str], message: str) -> str:
    """Commit exactly *paths* (vault-relative, any number) with *message*; the new commit id.

    Like :func:`pcrm.git.repo.commit_paths`, but the paths are given on stdin
    (``--pathspec-from-file``), so 30,000 of them fit.
    """
    if not paths:
        raise GitError("nothing to commit: no files given")
    specs = b"\0".join(p.encode("utf-8", "surrogateescape") for p in paths) + b"\0"
    options = ["--pathspec-from-file=-", "--pathspec-file-nul"]
    run(root, ["--literal-pathspecs", "add", *options], input=specs, what="add")
    done = run(root, ["--literal-pathspecs", "commit", "--only", "--quiet", "-m", message,
                      *options], input=specs, check=False)
    if done.returncode != 0:
        raise GitError(f"the files were written but not committed (git commit failed: "
                       f"{first_line(done)}); commit them yourself: running the import "
                       "again would find nothing to do")
    return head(root)
