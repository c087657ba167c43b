"""Ways around the pre-commit hook that a real repository offered, closed.

A vault in a subfolder of a linked worktree (git sets GIT_DIR for the hook),
a commit that deletes .pcrm.yaml, and a merge git concludes by itself
(union-merged contact files with the same key twice).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from gitutil import BROKEN, commit, contact, git, gitenv, make_repo, write

from pcrm.git import hooks

pytestmark = pytest.mark.usefixtures("gitenv")
__all__ = ["gitenv"]

JANE = contact("Jane Doe", email="jane@acme.example")


def test_hook_checks_a_subfolder_vault_in_a_linked_worktree(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"README": "notes\n"}, commit=False)
    vault = repo / "notes" / "crm"
    write(vault, {".pcrm.yaml": "", "contacts/jane.md": JANE})
    hooks.install(vault)
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "vault")
    linked = tmp_path / "linked"
    git(repo, "worktree", "add", "--quiet", str(linked), "-b", "side")
    write(linked, {"notes/crm/contacts/bad.md": BROKEN})
    git(linked, "add", "-A")
    done = commit(linked, "-m", "broken contact")
    assert done.returncode != 0, done.stdout + done.stderr
    assert "contacts/bad.md:4:" in done.stdout + done.stderr
    write(linked, {"notes/crm/contacts/bad.md": contact("Fixed")})
    git(linked, "add", "-A")
    assert commit(linked, "-m", "fixed").returncode == 0


def test_deleting_the_config_does_not_skip_the_check(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "vault", {"contacts/jane.md": JANE})
    hooks.install(repo)
    git(repo, "rm", "--quiet", ".pcrm.yaml")
    write(repo, {"contacts/bad.md": BROKEN})
    git(repo, "add", "-A")
    done = commit(repo, "-m", "no config, broken contact")
    assert done.returncode != 0
    assert "contacts/bad.md:4:" in done.stdout + done.stderr


def test_a_repository_that_never_had_a_vault_is_left_alone(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "vault", {"contacts/jane.md": JANE})
    hooks.install(repo)
    other = make_repo(tmp_path / "other", {"x.txt": "x\n"})
    git(other, "rm", "--quiet", ".pcrm.yaml")
    git(other, "commit", "--quiet", "--no-verify", "-m", "not a vault")
    git(other, "config", "core.hooksPath", str(repo / ".git" / "hooks"))
    write(other, {"contacts/bad.md": BROKEN})
    git(other, "add", "-A")
    assert commit(other, "-m", "not a vault").returncode == 0


def test_a_merge_git_concludes_is_checked(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "vault", {"contacts/jane.md": JANE}, commit=False)
    hook = hooks.install(repo)  # also writes .gitattributes (union merge)
    assert hook.with_name("pre-merge-commit").exists()
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "-m", "vault")
    git(repo, "switch", "--quiet", "-c", "phone")
    path = repo / "contacts" / "jane.md"
    path.write_text(JANE.replace("email:", "snooze: 2026-12-01\nemail:"))
    git(repo, "commit", "--quiet", "-am", "snooze on the phone")
    git(repo, "switch", "--quiet", "main")
    path.write_text(JANE.replace("email:", "snooze: 2026-12-24\nemail:"))
    git(repo, "commit", "--quiet", "-am", "snooze on the laptop")
    done = git(repo, "merge", "--no-edit", "phone", check=False)
    assert done.returncode != 0, done.stdout + done.stderr
    assert "duplicate key 'snooze'" in done.stdout + done.stderr
    assert git(repo, "rev-list", "--merges", "--count", "HEAD").stdout.strip() == "0"
    hooks.uninstall(repo)
    assert not hook.exists() and not hook.with_name("pre-merge-commit").exists()


def test_the_hook_refuses_every_hostile_file_quickly(tmp_path: Path) -> None:
    """The pre-commit hook on the hostile files of test_hostile: one line each, fast."""
    import time

    from test_hostile import HOSTILE

    repo = make_repo(tmp_path / "vault", {"contacts/jane.md": JANE})
    hooks.install(repo)
    for name, content, expected in HOSTILE:
        write(repo, {f"contacts/{name}": content})
        git(repo, "add", "-A")
        started = time.monotonic()
        done = commit(repo, "-m", f"add {name}")
        assert time.monotonic() - started < 3 + 2  # plus git's own start-up
        lines = [line for line in done.stderr.splitlines() if f"contacts/{name}" in line]
        assert len(lines) == 1 and expected in lines[0], done.stderr[:500]
        assert (done.returncode != 0) == (": error: " in lines[0]), name
        git(repo, "rm", "--quiet", "--cached", f"contacts/{name}")
        (repo / "contacts" / name).unlink()
