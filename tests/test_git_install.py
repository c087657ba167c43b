"""``pcrm hooks install|uninstall``: chaining a user's hook, core.hooksPath, idempotence."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitutil import BROKEN, commit, contact, git, gitenv, make_repo, write

from pcrm.git import hooks
from pcrm.cli.group import cli
from pcrm.core.errors import GitError

pytestmark = pytest.mark.usefixtures("gitenv")
__all__ = ["gitenv"]

USER_HOOK = b"#!/bin/sh\n# my own hook\necho user-hook-ran >&2\ntest ! -e BLOCK\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "vault", {"contacts/jane.md": contact("Jane", email="j@x.io")})


def user_hook(repo: Path, mode: int = 0o750) -> Path:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_bytes(USER_HOOK)
    hook.chmod(mode)
    return hook


def test_user_hook_is_chained_then_restored(repo: Path) -> None:
    hook = user_hook(repo)
    assert hooks.install(repo) == hook
    assert hooks.MARKER in hook.read_text()
    original = hook.with_name("pre-commit.pcrm-orig")
    assert original.read_bytes() == USER_HOOK

    # Both run: theirs first, then pcrm's, which rejects a broken file.
    write(repo, {"contacts/bob.md": BROKEN})
    git(repo, "add", "contacts/bob.md")
    done = commit(repo, "-m", "bad")
    assert done.returncode != 0
    assert "user-hook-ran" in done.stderr
    assert "contacts/bob.md:" in done.stdout + done.stderr

    # Their hook failing blocks a commit pcrm would accept.
    write(repo, {"contacts/bob.md": contact("Bob"), "BLOCK": ""})
    git(repo, "add", "contacts/bob.md")
    done = commit(repo, "-m", "blocked by the user's hook")
    assert done.returncode != 0
    assert "user-hook-ran" in done.stderr
    os.unlink(repo / "BLOCK")
    assert commit(repo, "-m", "fine").returncode == 0

    assert hooks.uninstall(repo) == hook
    assert hook.read_bytes() == USER_HOOK
    assert (hook.stat().st_mode & 0o777) == 0o750
    assert not original.exists()


def test_install_twice_does_not_chain_twice(repo: Path) -> None:
    user_hook(repo)
    first = hooks.install(repo)
    text = first.read_bytes()
    hooks.install(repo)
    assert first.read_bytes() == text
    assert first.with_name("pre-commit.pcrm-orig").read_bytes() == USER_HOOK
    assert sorted(p.name for p in first.parent.glob("pre-commit*") if p.suffix != ".sample") == \
        ["pre-commit", "pre-commit.pcrm-orig"]
    write(repo, {"contacts/bob.md": contact("Bob")})
    git(repo, "add", "contacts/bob.md")
    done = commit(repo, "-m", "ok")
    assert done.returncode == 0
    assert done.stderr.count("user-hook-ran") == 1
    hooks.uninstall(repo)
    assert first.read_bytes() == USER_HOOK


def test_uninstall_without_a_user_hook_removes_it(repo: Path) -> None:
    hook = hooks.install(repo)
    assert hooks.uninstall(repo) == hook
    assert not hook.exists()
    assert hooks.uninstall(repo) is None


def test_uninstall_leaves_a_foreign_hook_alone(repo: Path) -> None:
    hook = user_hook(repo)
    assert hooks.uninstall(repo) is None
    assert hook.read_bytes() == USER_HOOK


def test_non_executable_user_hook_stays_inactive(repo: Path) -> None:
    # Git ignores a hook that is not executable; chained, it stays ignored.
    user_hook(repo, mode=0o644)
    hooks.install(repo)
    write(repo, {"contacts/bob.md": contact("Bob")})
    git(repo, "add", "contacts/bob.md")
    done = commit(repo, "-m", "ok")
    assert done.returncode == 0
    assert "user-hook-ran" not in done.stderr
    hooks.uninstall(repo)
    assert ((repo / ".git/hooks/pre-commit").stat().st_mode & 0o777) == 0o644


def test_core_hooks_path_is_honoured(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", "githooks")
    hook = hooks.install(repo)
    assert hook == repo / "githooks" / "pre-commit"
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()
    write(repo, {"contacts/bob.md": BROKEN})
    git(repo, "add", "contacts/bob.md")
    assert commit(repo, "-m", "bad").returncode != 0


def test_shared_hooks_path_skips_repositories_without_a_vault(repo: Path,
                                                             tmp_path: Path) -> None:
    shared = tmp_path / "shared-hooks"
    git(repo, "config", "core.hooksPath", str(shared))
    hooks.install(repo)
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "--quiet")
    git(other, "config", "core.hooksPath", str(shared))
    write(other, {"contacts/x.md": BROKEN})
    git(other, "add", ".")
    assert commit(other, "-m", "not a vault").returncode == 0


def test_install_adds_union_merge_attribute(repo: Path) -> None:
    hooks.install(repo)
    assert "contacts/**/*.md merge=union" in (repo / ".gitattributes").read_text()
    done = git(repo, "check-attr", "merge", "--", "contacts/jane.md", "contacts/a/b.md",
               "companies/acme.md")
    assert done.stdout.splitlines() == ["contacts/jane.md: merge: union",
                                        "contacts/a/b.md: merge: union",
                                        "companies/acme.md: merge: unspecified"]


def test_install_outside_git_is_a_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / ".pcrm.yaml").write_text("")
    with pytest.raises(GitError, match="not in a Git repository"):
        hooks.install(root)
    result = CliRunner().invoke(cli, ["--vault", str(root), "hooks", "install"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output


def test_cli_install_and_uninstall(repo: Path) -> None:
    user_hook(repo)
    runner = CliRunner()
    result = runner.invoke(cli, ["--vault", str(repo), "hooks", "install"])
    assert result.exit_code == 0, result.output
    assert "Installed the pre-commit hook" in result.output
    assert "pre-commit.pcrm-orig" in result.output
    result = runner.invoke(cli, ["--vault", str(repo), "hooks", "uninstall"])
    assert result.exit_code == 0, result.output
    assert "restored your previous one" in result.output
    result = runner.invoke(cli, ["--vault", str(repo), "hooks", "uninstall"])
    assert "not installed" in result.output


def test_cli_install_in_a_real_subprocess(repo: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pcrm", "--vault", str(repo), "hooks",
                           "install"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (repo / ".git" / "hooks" / "pre-commit").read_text().startswith("#!/bin/sh\n")
