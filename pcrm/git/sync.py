"""``pcrm sync``: pull (rebase) and push the vault's branch, never forcing.

Pull and push go through GitPython's ``Remote`` of the branch's upstream; the
checks before them (a remote, a branch, an upstream, a clean tree, no rebase in
progress) say in one line what to do when they fail.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from pcrm.core.errors import GitError
from pcrm.git.repo import command_error, first_line, has_commits, open_repo, \
    repo_prefix, run, text

if TYPE_CHECKING:
    import git as gitpython


@dataclass
class SyncResult:
    """What ``pcrm sync`` did: the branch, its upstream, commits pulled and pushed."""

    branch: str
    upstream: str
    pulled: int
    pushed: int


def _count(root: Path, revisions: str) -> int:
    done = run(root, ["rev-list", "--count", revisions], check=False)
    return int(text(done) or 0) if done.returncode == 0 else 0


def _rebase_in_progress(repo: gitpython.Repo) -> bool:
    """A rebase's state in the repository's (or worktree's) git folder."""
    return any((Path(repo.git_dir) / name).exists() for name in ("rebase-merge", "rebase-apply"))


def progress_reporter(show: Callable[[str], None]) -> gitpython.RemoteProgress:
    """A GitPython ``RemoteProgress`` that passes each progress line to *show*.

    ``show`` gets lines such as ``Receiving objects:  42% (21/50)``, with
    ``"\r"`` at the end while a stage runs and ``"\n"`` when it is done.
    """
    import git as gitpython

    class Reporter(gitpython.RemoteProgress):
        def update(self, op_code: int, cur_count: Any, max_count: Any = None,
                   message: str = "") -> None:
            line = self._cur_line or ""
            end = "\n" if op_code & gitpython.RemoteProgress.END else "\r"
            if line:
                show(line.strip() + end)

    return Reporter()


def _branch_and_upstream(root: Path, repo: gitpython.Repo) -> tuple[str, str]:
    """The current branch and its upstream, or a :class:`GitError` saying what to do."""
    repo_prefix(root, repo)
    if not text(run(root, ["remote"])):
        raise GitError("this vault's repository has no remote to sync with; add one with "
                       "'git remote add origin URL', then 'git push -u origin HEAD'")
    if _rebase_in_progress(repo):  # before the branch: a rebase detaches HEAD
        raise GitError("a rebase is already in progress; finish it ('git rebase --continue') "
                       "or undo it ('git rebase --abort') first")
    done = run(root, ["symbolic-ref", "--short", "-q", "HEAD"], check=False)
    branch = text(done)
    if done.returncode != 0 or not branch:
        raise GitError("HEAD is detached (not on a branch); 'git switch BRANCH' first")
    done = run(root, ["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"],
               check=False)
    upstream = text(done)
    if done.returncode != 0 or not upstream:
        remotes = text(run(root, ["remote"])).split()
        remote = "origin" if "origin" in remotes else remotes[0]
        raise GitError(f"branch '{branch}' has no upstream branch to sync with; set one with "
                       f"'git push -u {remote} {branch}'")
    if has_commits(root):
        dirty = run(root, ["diff", "--quiet", "HEAD", "--"], check=False)
        if dirty.returncode == 1:
            raise GitError("you have uncommitted changes; commit them (e.g. 'git commit -am "
                           "\"notes\"') or 'git stash' them, then run 'pcrm sync' again")
    return branch, upstream


def _pull(root: Path, repo: gitpython.Repo, remote: Any, upstream: str, reporter: Any
          ) -> None:
    """``git pull --rebase``; a conflict aborts the rebase and says which files conflict."""
    import git as gitpython

    try:
        remote.pull(rebase=True, no_autostash=True, progress=reporter)
        return
    except gitpython.GitCommandError as exc:
        failed = command_error(exc)
    if not _rebase_in_progress(repo):
        raise GitError(f"git pull failed: {failed}")
    conflicted = text(run(root, ["diff", "--name-only", "--diff-filter=U", "--relative"],
                          check=False)).split("\n")
    abort = run(root, ["rebase", "--abort"], check=False)
    files = ", ".join(p for p in conflicted if p) or "some files"
    if abort.returncode != 0:
        raise GitError(f"your commits conflict with {upstream} in {files}, and "
                       f"'git rebase --abort' failed ({first_line(abort)}); "
                       "run 'git status' to see where you are")
    raise GitError(f"your commits conflict with {upstream} in {files}; nothing was "
                   f"changed (the rebase was aborted). To resolve by hand: 'git pull "
                   f"--no-rebase', edit the files, 'git commit', then 'pcrm sync'")


def sync(root: Path, progress: Callable[[str], None] | None = None,
         before_push: Callable[[], None] | None = None) -> SyncResult:
    """``git pull --rebase`` then ``git push`` on the current branch; never forces.

    With *progress*, git's progress lines are passed to it (see
    :func:`progress_reporter`). A conflict aborts the rebase (the branch is left
    as it was) and raises :class:`GitError` saying which files conflict and what
    to do. *before_push* runs after the rebase, when there is something to push;
    it raises to refuse the push (the rebased commits stay local).
    """
    import git as gitpython

    repo = open_repo(root)  # once: every check below uses it
    branch, upstream = _branch_and_upstream(root, repo)
    before = text(run(root, ["rev-parse", "-q", "--verify", "@{upstream}"], check=False))
    tracking = repo.active_branch.tracking_branch()
    remote = repo.remote(tracking.remote_name if tracking is not None else "origin")
    reporter = progress_reporter(progress) if progress is not None else None
    _pull(root, repo, remote, upstream, reporter)
    after = text(run(root, ["rev-parse", "-q", "--verify", "@{upstream}"], check=False))
    pulled = _count(root, f"{before}..{after}") if before and after else \
        (_count(root, after) if after else 0)
    pushed = _count(root, "@{upstream}..HEAD")
    if pushed and before_push is not None:
        before_push()
    if pushed:
        try:
            remote.push(progress=reporter).raise_if_error()
        except gitpython.GitCommandError as exc:
            raise GitError(f"git push failed: {command_error(exc)} (if the remote moved on, "
                           "run 'pcrm sync' again)") from None
    return SyncResult(branch, upstream, pulled, pushed)
