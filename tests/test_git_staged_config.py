"""The hook checks with the staged .pcrm.yaml, not a half-edited working-tree one."""
from __future__ import annotations

from pathlib import Path

import pytest
from gitutil import commit, contact, git, gitenv, make_repo, write

from pcrm.git import hooks

pytestmark = pytest.mark.usefixtures("gitenv")
__all__ = ["gitenv"]


def test_broken_worktree_config_does_not_block_a_good_commit(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "vault", {
        ".pcrm.yaml": "kinds:\n  demo: {class: meeting, window: 24h}\n",
        "contacts/jane.md": contact("Jane", log=("2026-11-18 demo: product demo",)),
    })
    hooks.install(root)
    write(root, {"contacts/bob.md": contact("Bob", log=("2026-11-19 demo: another demo",))})
    git(root, "add", "contacts/bob.md")
    write(root, {".pcrm.yaml": "kinds: [\n"})  # mid-edit, not staged
    done = commit(root, "-m", "bob")
    assert done.returncode == 0, done.stdout + done.stderr


def test_staged_config_kinds_are_used(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "vault", {
        ".pcrm.yaml": "kinds:\n  demo: {class: meeting, window: 24h}\n",
        "contacts/jane.md": contact("Jane"),
    })
    hooks.install(root)
    # The working tree drops the kind, but the staged config still has it.
    write(root, {"contacts/bob.md": contact("Bob", log=("2026-11-19 demo: a demo",)),
                 ".pcrm.yaml": ""})
    git(root, "add", "contacts/bob.md")
    assert commit(root, "-m", "bob").returncode == 0
    # A staged file using an unknown kind is still refused.
    write(root, {"contacts/eve.md": contact("Eve", log=("2026-11-19 demoo: typo",))})
    git(root, "add", "contacts/eve.md")
    done = commit(root, "-m", "eve")
    assert done.returncode != 0
    assert "did you mean 'demo'" in done.stdout + done.stderr


def test_deleting_the_config_rechecks_with_the_defaults(tmp_path: Path, run) -> None:
    # (The installed hook stands down once .pcrm.yaml is gone from the working
    # tree: the folder is no longer a vault. `check --staged` itself still knows.)
    root = make_repo(tmp_path / "vault", {
        ".pcrm.yaml": "kinds:\n  text: {class: outbound}\n",
        "contacts/jane.md": contact("Jane", log=("2026-11-18 text: sent an SMS",)),
    })
    git(root, "rm", "-q", "--cached", ".pcrm.yaml")
    result = run(root, "check", "--staged")
    assert result.exit_code == 1
    assert "contacts/jane.md:" in result.stdout
    assert "unknown interaction kind 'text'" in result.stdout
