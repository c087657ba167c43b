"""``pcrm.git.commit_paths`` and ``ensure_gitattributes``."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gitutil import BROKEN, contact, git, gitenv, make_repo, staged, write

from pcrm.git import repo as pgit
from pcrm.git import sync as pgit_sync
from pcrm.git import hooks
from pcrm.core.config import Config
from pcrm.core.errors import GitError

pytestmark = pytest.mark.usefixtures("gitenv")
__all__ = ["gitenv"]


def test_commit_paths_leaves_other_staged_changes_staged(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "v", {"contacts/jane.md": contact("Jane"), "notes.txt": "a\n"})
    write(root, {"notes.txt": "b\n", "contacts/bob.md": contact("Bob")})
    git(root, "add", "notes.txt", "contacts/bob.md")  # the user's own staged work
    write(root, {"contacts/jane.md": contact("Jane", log=("2026-11-20 email: thanks",)),
                 "contacts/new.md": contact("New")})
    commit_id = pgit.commit_paths(root, ["contacts/jane.md", "contacts/new.md"],
                                  "log: email with Jane")
    assert commit_id == git(root, "rev-parse", "HEAD").stdout.strip()
    shown = git(root, "show", "--name-only", "--format=%s", "HEAD").stdout.split()
    assert shown[:3] == ["log:", "email", "with"]
    assert sorted(shown[4:]) == ["contacts/jane.md", "contacts/new.md"]
    assert sorted(staged(root)) == ["contacts/bob.md", "notes.txt"]
    assert git(root, "status", "--porcelain", "--", "contacts/jane.md").stdout == ""


def test_commit_paths_in_a_repository_without_commits(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "v", {"contacts/jane.md": contact("Jane")}, commit=False)
    git(root, "add", ".pcrm.yaml")
    commit_id = pgit.commit_paths(root, ["contacts/jane.md"], "new: Jane")
    assert len(commit_id) == 40
    assert git(root, "ls-tree", "-r", "--name-only", "HEAD").stdout.split() == \
        ["contacts/jane.md"]
    assert staged(root) == [".pcrm.yaml"]


def test_commit_paths_in_a_vault_subfolder(tmp_path: Path) -> None:
    top = make_repo(tmp_path / "notes", {"crm/.pcrm.yaml": ""})
    root = top / "crm"
    write(root, {"contacts/jane.md": contact("Jane")})
    pgit.commit_paths(root, ["contacts/jane.md"], "new: Jane")
    assert "crm/contacts/jane.md" in git(top, "ls-tree", "-r", "--name-only", "HEAD").stdout


def test_commit_paths_outside_git(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not in a Git repository"):
        pgit.commit_paths(tmp_path, ["contacts/x.md"], "x")


def test_commit_paths_reports_the_hook_refusing(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "v", {"contacts/jane.md": contact("Jane")})
    hooks.install(root)
    write(root, {"contacts/jane.md": BROKEN})
    with pytest.raises(GitError) as caught:
        pgit.commit_paths(root, ["contacts/jane.md"], "bad")
    message = str(caught.value)
    assert message.startswith("git commit failed: ")
    assert "\n" not in message
    assert "contacts/jane.md" in message


def test_commit_paths_nothing_to_commit(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "v", {"contacts/jane.md": contact("Jane")})
    with pytest.raises(GitError, match="git commit failed"):
        pgit.commit_paths(root, ["contacts/jane.md"], "same")


def test_ensure_gitattributes_merges_and_is_idempotent(tmp_path: Path) -> None:
    (tmp_path / ".gitattributes").write_bytes(b"*.png binary")  # no final newline
    assert pgit.ensure_gitattributes(tmp_path) == tmp_path / ".gitattributes"
    text = (tmp_path / ".gitattributes").read_text()
    assert text.startswith("*.png binary\n# pcrm")
    assert text.endswith("contacts/**/*.md merge=union\n")
    assert pgit.ensure_gitattributes(tmp_path) is None
    assert (tmp_path / ".gitattributes").read_text() == text


def test_ensure_gitattributes_keeps_the_users_choice(tmp_path: Path) -> None:
    (tmp_path / ".gitattributes").write_text("contacts/**/*.md -merge\n")
    assert pgit.ensure_gitattributes(tmp_path) is None
    assert (tmp_path / ".gitattributes").read_text() == "contacts/**/*.md -merge\n"


def test_init_if_needed(tmp_path: Path) -> None:
    assert pgit.init_if_needed(tmp_path) is True
    assert pgit.init_if_needed(tmp_path) is False
    sub = tmp_path / "sub"
    sub.mkdir()
    assert pgit.init_if_needed(sub) is False  # already inside a repository


def test_errors_are_git_errors_not_tracebacks(tmp_path: Path) -> None:
    from pcrm.git.staged import staged_diagnostics

    with pytest.raises(GitError):
        staged_diagnostics(tmp_path, Config(), dt.date(2026, 11, 22))
    with pytest.raises(GitError):
        pgit_sync.sync(tmp_path)


def test_git_missing_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(GitError, match="git is not installed"):
        pgit.commit_paths(tmp_path, ["contacts/x.md"], "x")
    with pytest.raises(GitError, match="git is not installed"):
        with pgit.BlobReader(tmp_path) as reader:
            reader.read(["0" * 40])
