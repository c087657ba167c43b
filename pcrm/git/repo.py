"""The one place pcrm talks to Git, through GitPython.

GitPython (imported inside the functions: it costs ~80 ms, and ``pcrm status``
never needs it) finds the repository (:func:`open_repo`), creates one
(:func:`init_if_needed`), and runs every git command through its ``Git``
object (:func:`run`), so that git's own rules apply: ``GIT_INDEX_FILE``
during a commit hook, ``core.hooksPath``, worktrees, the user's credential
helpers. ``repo.index`` is never used for what is being committed: it reads
``.git/index`` whatever ``GIT_INDEX_FILE`` says, and under ``git commit -a``
the hook must see the temporary index git points it at. Staged content is
read with ``git ls-files``/``git grep --cached`` and GitPython's persistent
``git cat-file --batch`` (:class:`BlobReader`). ``pcrm sync`` pulls and
pushes through GitPython's ``Remote`` with a ``RemoteProgress``.

Failures raise :class:`~pcrm.core.errors.GitError` with one line of reason
(git's first line of complaint); nothing here prints.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pcrm.core.errors import GitError, PcrmError

if TYPE_CHECKING:
    import git as gitpython

# Git variables that name places on disk. Git sets some of them (relative to
# the worktree top, e.g. GIT_INDEX_FILE=.git/index) before it runs a hook; we
# often run git from the vault folder instead, which may be a subfolder, so a
# relative value must be made absolute first or it would point nowhere.
_PATH_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
                   "GIT_COMMON_DIR")

GITATTRIBUTES_LINE = "contacts/**/*.md merge=union"
_GITATTRIBUTES_COMMENT = ("# pcrm: two devices that each log an interaction to the same "
                          "contact merge without a conflict")


def _environment() -> dict[str, str]:
    """What GitPython's ``Git`` adds to the environment of every git it runs."""
    env = {}
    for name in _PATH_VARIABLES:
        value = os.environ.get(name)
        if value and not os.path.isabs(value):
            env[name] = os.path.abspath(value)
    if os.environ.get("GIT_DIR") and not os.environ.get("GIT_WORK_TREE"):
        # With GIT_DIR alone git takes the current folder for the top of the
        # working tree. Git sets GIT_DIR for hooks in a linked worktree and runs
        # them from the top; pcrm then runs git from the vault folder, which may
        # be a subfolder: say where the top was, or no pathspec matches.
        env["GIT_WORK_TREE"] = os.getcwd()
    # Git's messages stay in the user's language (GitPython would force C;
    # pcrm decides nothing from their wording) and prompts for credentials
    # still reach the terminal; only a pager, which would wait for a key
    # press, is switched off.
    env["LANGUAGE"] = os.environ.get("LANGUAGE", "")
    env["LC_ALL"] = os.environ.get("LC_ALL", "")
    env["GIT_PAGER"] = "cat"
    return env


def git_command(root: Path) -> gitpython.Git:
    """GitPython's ``Git`` running in *root*, with pcrm's environment."""
    import git as gitpython

    if not root.is_dir():
        raise GitError(f"{root} is not a folder")
    command = gitpython.Git(str(root))
    command.update_environment(**_environment())
    return command


@dataclass(frozen=True)
class Done:
    """A finished git command: exit status, standard output and error (bytes)."""

    returncode: int
    stdout: bytes
    stderr: bytes


def run(root: Path, args: list[str], *, input: bytes | None = None,
        check: bool = True, what: str | None = None) -> Done:
    """Run ``git ARGS`` in *root* through GitPython; raise :class:`GitError` when it fails
    (if *check*). *input* goes to git's standard input."""
    import git as gitpython

    command = git_command(root)
    stdin = None
    try:
        if input is not None:
            stdin = tempfile.TemporaryFile()
            stdin.write(input)
            stdin.seek(0)
        status, out, err = command.execute(
            ["git", *args], istream=stdin, with_extended_output=True, with_exceptions=False,
            stdout_as_string=False, strip_newline_in_stdout=False)
    except gitpython.GitCommandNotFound:
        raise GitError("git is not installed (no 'git' on PATH)") from None
    finally:
        if stdin is not None:
            stdin.close()
    done = Done(status, out or b"", err.encode("utf-8", "replace") if isinstance(err, str)
                else (err or b""))
    if check and done.returncode != 0:
        raise GitError(f"git {what or args[0]} failed: {first_line(done)}")
    return done


def first_line(done: Done) -> str:
    """Git's first line of complaint (stderr, else stdout), for a one-line error."""
    for stream in (done.stderr, done.stdout):
        for line in (stream or b"").decode("utf-8", "replace").splitlines():
            line = line.strip()
            if line:
                return line.removeprefix("fatal: ").removeprefix("error: ")
    return f"exit status {done.returncode}"


def text(done: Done) -> str:
    """Standard output as text, without the final newline."""
    return done.stdout.decode("utf-8", "replace").rstrip("\n")


def open_repo(root: Path) -> gitpython.Repo:
    """The repository whose working tree holds *root* (found upwards, as git does).

    Raises :class:`GitError` when there is none.
    """
    import shutil

    import git as gitpython

    if shutil.which(gitpython.Git.GIT_PYTHON_GIT_EXECUTABLE or "git") is None:
        raise GitError("git is not installed (no 'git' on PATH)")
    try:
        repo = gitpython.Repo(str(root), search_parent_directories=True)
    except (gitpython.InvalidGitRepositoryError, gitpython.NoSuchPathError) as exc:
        raise GitError(f"{root} is not in a Git repository (run 'git init' there, "
                       f"or 'pcrm init'): not a git repository: {exc}") from None
    if repo.bare or repo.working_tree_dir is None:
        raise GitError(f"{root} is not in a Git working tree")
    repo.git.update_environment(**_environment())
    return repo


def repo_prefix(root: Path, repo: gitpython.Repo | None = None) -> str:
    """The vault's folder relative to the repository top (``""`` or ``notes/crm/``).

    *repo*: the repository :func:`open_repo` gave, else it is opened here.
    Raises :class:`GitError` when *root* is not inside a Git working tree.
    """
    top = Path((repo or open_repo(root)).working_tree_dir or "").resolve()
    try:
        rel = root.resolve().relative_to(top).as_posix()
    except ValueError:
        raise GitError(f"{root} is not in the working tree of {top}") from None
    return "" if rel == "." else rel + "/"


def init_if_needed(root: Path) -> bool:
    """``git init`` *root* unless it is already inside a working tree; True if it ran.

    A vault inside a bigger repository (a notes repo) uses that repository.
    """
    import git as gitpython

    try:
        open_repo(root)
        return False
    except GitError:
        pass
    try:
        gitpython.Repo.init(str(root))
    except gitpython.GitCommandError as exc:
        raise GitError(f"git init failed: {command_error(exc)}") from None
    except gitpython.GitCommandNotFound:
        raise GitError("git is not installed (no 'git' on PATH)") from None
    return True


def command_error(exc: Any) -> str:
    """The first line of a GitPython ``GitCommandError``'s stderr."""
    stderr = exc.stderr if isinstance(exc.stderr, (str, bytes)) else ""
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    stderr = stderr.strip().removeprefix("stderr:").strip().strip("'")
    return first_line(Done(exc.status or 1, b"", stderr.encode())) if stderr else str(exc)


def git_path(root: Path, name: str) -> Path:
    """``git rev-parse --git-path NAME`` as an absolute path (honours core.hooksPath)."""
    repo_prefix(root)  # a clear error outside a repository
    path = Path(text(run(root, ["rev-parse", "--git-path", name])))
    return path if path.is_absolute() else (root / path).resolve()


def has_commits(root: Path) -> bool:
    """True once the current branch has a first commit."""
    return run(root, ["rev-parse", "-q", "--verify", "HEAD^{commit}"],
               check=False).returncode == 0


def head(root: Path) -> str:
    """The commit id of HEAD."""
    return text(run(root, ["rev-parse", "HEAD"], what="rev-parse HEAD"))


# -- committing ------------------------------------------------------------------------

def commit_paths(root: Path, paths: list[str], message: str) -> str:
    """Commit exactly *paths* (vault-relative) with *message*; return the new commit id.

    Whatever else the user had staged stays staged and out of this commit:
    ``git commit --only`` builds the commit from HEAD plus these paths. Works in
    a repository with no commits yet. The pre-commit hook runs as usual.
    """
    if not paths:
        raise GitError("nothing to commit: no files given")
    repo_prefix(root)
    # --literal-pathspecs: a file named "a*b.md" means that file, not a glob.
    run(root, ["--literal-pathspecs", "add", "--", *paths], what="add")
    done = run(root, ["--literal-pathspecs", "commit", "--only", "--quiet",
                      "-m", message, "--", *paths], check=False)
    if done.returncode != 0:
        raise GitError(f"git commit failed: {first_line(done)}")
    return head(root)


def check_can_commit(root: Path) -> None:
    """Fail now, before a command writes anything, if a commit could not be made:
    no repository, or no identity for git to sign the commit with."""
    repo_prefix(root)
    done = run(root, ["var", "GIT_COMMITTER_IDENT"], check=False)
    if done.returncode != 0:
        raise GitError("git does not know who you are: set it with "
                       "git config --global user.name \"Your Name\" and "
                       "git config --global user.email you@example.com; nothing was written")


def commit_written(root: Path, paths: list[str], message: str) -> str:
    """:func:`commit_paths` for files a command has just written: if the commit
    fails (the hook refused, say), say that the files were written."""
    try:
        return commit_paths(root, paths, message)
    except GitError as exc:
        raise GitError(f"{', '.join(paths)} was written but not committed ({exc.message}); "
                       "fix that and commit it yourself: running the command again would "
                       "repeat the change") from None


def ensure_gitattributes(root: Path) -> Path | None:
    """Make ``.gitattributes`` at the vault root union-merge contact files.

    Adds ``contacts/**/*.md merge=union`` (with a comment) unless a line for
    that pattern is already there, whatever its attributes: a user who chose
    something else keeps their choice. Returns the file when it was changed.
    The file is written, not committed: it is the user's to commit.
    """
    from pcrm.store.files import write_atomic

    file = root / ".gitattributes"
    raw: bytes | None = None
    try:
        raw = file.read_bytes()
        old = raw.decode("utf-8")
    except FileNotFoundError:
        old = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise GitError(f"cannot read {file}: {exc}") from None
    pattern = GITATTRIBUTES_LINE.split()[0]
    for line in old.splitlines():
        if line.split()[:1] == [pattern]:
            return None
    newline = "\r\n" if "\r\n" in old else "\n"
    new = old
    if new and not new.endswith("\n"):
        new += newline
    new += _GITATTRIBUTES_COMMENT + newline + GITATTRIBUTES_LINE + newline
    try:
        write_atomic(file, new.encode("utf-8"), expected=raw)
    except PcrmError as exc:  # cannot write, or changed meanwhile: nothing was written
        raise GitError(exc.message, path=exc.path) from None
    return file


# -- reading the staged snapshot ---------------------------------------------------------

@dataclass(frozen=True)
class IndexEntry:
    """One staged file: its mode (``100644``), blob id, path relative to the vault."""

    mode: str
    blob: str
    path: str


def staged_entries(root: Path, pathspecs: list[str]) -> list[IndexEntry]:
    """``git ls-files -s -z``: the index git currently points at (``GIT_INDEX_FILE``).

    Run from the vault folder, so paths come back relative to it. Unmerged
    entries (stage 1-3) are left out: git refuses to commit them anyway.
    """
    # Literal: a contact file may well be named "[draft] x.md".
    done = run(root, ["--literal-pathspecs", "ls-files", "-s", "-z", "--", *pathspecs],
               what="ls-files")
    entries = []
    for record in done.stdout.split(b"\0"):
        if not record:
            continue
        info, _tab, path = record.partition(b"\t")
        mode, blob, stage = info.decode("ascii").split(" ")
        if stage != "0":
            continue
        entries.append(IndexEntry(mode, blob, path.decode("utf-8", "surrogateescape")))
    return entries


def staged_changes(root: Path, pathspecs: list[str]) -> list[str]:
    """Vault-relative paths whose staged content differs from HEAD (no rename pairing).

    Without ``HEAD`` (no commits yet) git compares with the empty tree. A
    deleted path is listed too; the caller finds it missing from the index.
    """
    args = ["diff", "--cached", "--name-only", "-z", "--no-renames", "--no-ext-diff",
            "--relative", "--ignore-submodules"]
    if has_commits(root):
        args.append("HEAD")
    done = run(root, [*args, "--", *pathspecs], what="diff --cached")
    return [p.decode("utf-8", "surrogateescape") for p in done.stdout.split(b"\0") if p]


class BlobReader:
    """GitPython's persistent ``git cat-file --batch``, for a whole check.

    The staged check reads the changed files first, then the few files that
    may clash with them: one git process serves both rounds. Blobs are read
    by id, so which index git points at does not matter here.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._command: gitpython.Git | None = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def read(self, blobs: list[str]) -> dict[str, bytes]:
        """The contents of *blobs* (ids); a missing object is a :class:`GitError`."""
        import git as gitpython

        wanted = list(dict.fromkeys(blobs))
        if not wanted:
            return {}
        if self._command is None:
            self._command = git_command(self.root)
        found: dict[str, bytes] = {}
        for blob in wanted:
            try:
                _sha, _kind, _size, data = self._command.get_object_data(blob)
            except ValueError:  # "<id> missing"
                raise GitError(f"git cat-file: object {blob} is missing from the "
                               "repository") from None
            except gitpython.GitCommandNotFound:
                raise GitError("git is not installed (no 'git' on PATH)") from None
            except (gitpython.GitCommandError, OSError) as exc:
                raise GitError(f"git cat-file: object {blob} could not be read: {exc}") from None
            found[blob] = data
        return found

    def close(self) -> None:
        """End the git process."""
        command, self._command = self._command, None
        if command is not None:
            command.clear_cache()


def grep_staged(root: Path, needles: list[str], pathspecs: list[str]) -> set[str]:
    """Vault-relative paths of staged files that contain any of *needles*.

    ``git grep --cached -F -i``: fixed strings, case-insensitive, searched in
    the index git points at; the patterns go through stdin, so there can be
    any number of them.
    """
    needles = [n for n in dict.fromkeys(needles) if n and "\n" not in n]
    if not needles:
        return set()
    patterns = "".join(n + "\n" for n in needles).encode()
    done = run(root, ["-c", "grep.fullName=false", "grep", "--cached", "-l", "-z", "-F", "-i",
                      "--no-color", "-f", "-", "--", *pathspecs], input=patterns, check=False)
    if done.returncode not in (0, 1):  # 1: nothing found
        raise GitError(f"git grep failed: {first_line(done)}")
    return {p.decode("utf-8", "surrogateescape") for p in done.stdout.split(b"\0") if p}
