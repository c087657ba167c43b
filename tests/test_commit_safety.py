"""--commit never leaves the user guessing: refused before writing when git
cannot commit, and a failed commit after the write says the file was written."""
from __future__ import annotations

from pathlib import Path

import pytest
from gitutil import contact, git, gitenv, make_repo

from pcrm.git import hooks

pytestmark = pytest.mark.usefixtures("gitenv")
__all__ = ["gitenv"]


def test_no_identity_refuses_before_writing(tmp_path: Path, run, monkeypatch) -> None:
    root = make_repo(tmp_path / "vault", {"contacts/jane.md": contact("Jane")})
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{role}_NAME")
        monkeypatch.delenv(f"GIT_{role}_EMAIL")
    monkeypatch.setenv("EMAIL", "")
    git(root, "config", "user.useConfigOnly", "true")
    before = (root / "contacts/jane.md").read_bytes()
    result = run(root, "log", "jane", "email", "--commit")
    assert result.exit_code != 0
    assert "git does not know who you are" in result.output
    assert (root / "contacts/jane.md").read_bytes() == before
    result = run(root, "new", "Bob", "--commit")
    assert result.exit_code != 0 and not (root / "contacts/bob.md").exists()


def test_a_refused_commit_says_the_file_was_written(tmp_path: Path, run) -> None:
    root = make_repo(tmp_path / "vault", {
        "contacts/jane.md": contact("Jane", email="jane@x.example"),
        "contacts/bob.md": contact("Bob")})
    hooks.install(root)
    # Bob's file gets a duplicate email in the working tree: the hook refuses the commit.
    (root / "contacts/bob.md").write_text(contact("Bob", email="jane@x.example"))
    result = run(root, "log", "bob", "email", "--commit")
    assert result.exit_code != 0
    assert "contacts/bob.md was written but not committed" in result.output
    assert "running the command again would repeat the change" in result.output
    assert (root / "contacts/bob.md").read_text().endswith("## 2026-11-22 email\n")
