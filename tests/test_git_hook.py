"""The pre-commit hook through real ``git commit``: what is checked is what is committed."""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from gitutil import BROKEN, GIT, commit, contact, git, gitenv, make_repo, staged, write

from pcrm.git import hooks

pytestmark = pytest.mark.usefixtures("gitenv")
__all__ = ["gitenv"]

JANE = contact("Jane Doe", email="jane@acme.example", company="Acme",
               log=("2026-11-18 event: Brooklyn Swift meetup",))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed vault with one contact and pcrm's hook installed."""
    root = make_repo(tmp_path / "vault", {"contacts/jane-doe.md": JANE})
    hooks.install(root)
    return root


def head_count(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD").stdout)


def test_hook_script_shape(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    text = hook.read_text()
    assert text.startswith("#!/bin/sh\n")
    assert hooks.MARKER in text
    assert sys.executable in text
    assert "check --staged" in text
    assert hook.stat().st_mode & stat.S_IXUSR


def test_good_commit_passes(repo: Path) -> None:
    write(repo, {"contacts/bob.md": contact("Bob", email="bob@x.example")})
    git(repo, "add", "contacts/bob.md")
    done = commit(repo, "-m", "bob")
    assert done.returncode == 0, done.stderr
    assert head_count(repo) == 2


def test_bad_staged_good_worktree_is_rejected(repo: Path) -> None:
    write(repo, {"contacts/bob.md": BROKEN})
    git(repo, "add", "contacts/bob.md")
    write(repo, {"contacts/bob.md": contact("Bob")})  # fixed, but not staged
    done = commit(repo, "-m", "bob")
    assert done.returncode != 0
    assert "contacts/bob.md:" in done.stdout + done.stderr
    assert head_count(repo) == 1


def test_good_staged_bad_worktree_passes(repo: Path) -> None:
    write(repo, {"contacts/bob.md": contact("Bob")})
    git(repo, "add", "contacts/bob.md")
    write(repo, {"contacts/bob.md": BROKEN})  # broken again, not staged
    done = commit(repo, "-m", "bob")
    assert done.returncode == 0, done.stdout + done.stderr
    assert head_count(repo) == 2


def test_commit_all_with_bad_file_is_rejected(repo: Path) -> None:
    # Under `git commit -a` git builds a temporary index (GIT_INDEX_FILE):
    # the real index still holds the good version.
    write(repo, {"contacts/jane-doe.md": BROKEN})
    done = commit(repo, "-a", "-m", "oops")
    assert done.returncode != 0
    assert "contacts/jane-doe.md:" in done.stdout + done.stderr
    assert head_count(repo) == 1


def test_commit_path_with_bad_file_is_rejected(repo: Path) -> None:
    write(repo, {"contacts/jane-doe.md": BROKEN})
    done = commit(repo, "-m", "oops", "contacts/jane-doe.md")
    assert done.returncode != 0
    assert head_count(repo) == 1


def test_commit_path_ignores_other_bad_staged_file(repo: Path) -> None:
    # `git commit PATH` commits only PATH: a broken file staged elsewhere is not
    # part of this commit and must not block it.
    write(repo, {"contacts/bob.md": BROKEN})
    git(repo, "add", "contacts/bob.md")
    write(repo, {"contacts/jane-doe.md": JANE + "\n## 2026-11-19 email: thanks\n"})
    done = commit(repo, "-m", "log", "contacts/jane-doe.md")
    assert done.returncode == 0, done.stdout + done.stderr
    assert staged(repo) == ["contacts/bob.md"]


def test_duplicate_email_against_unchanged_file_is_rejected(repo: Path) -> None:
    write(repo, {"contacts/jd.md": contact("J. Doe", email="JANE@acme.example")})
    git(repo, "add", "contacts/jd.md")
    done = commit(repo, "-m", "dup")
    assert done.returncode != 0
    out = done.stdout + done.stderr
    assert "contacts/jd.md:3:1: error: email: jane@acme.example is also in contacts/jane-doe.md" \
        in out
    # The unchanged file is not reported: only the files this commit changes are.
    assert "contacts/jane-doe.md:" not in out


def test_duplicate_linkedin_is_rejected(repo: Path) -> None:
    write(repo, {"contacts/a.md": contact("A", extra="linkedin: https://www.linkedin.com/in/x/"),
                 "contacts/b.md": contact("B", extra="linkedin: https://linkedin.com/in/X")})
    git(repo, "add", "contacts")
    assert commit(repo, "-m", "dup").returncode != 0


def test_rename_and_delete_pass(repo: Path) -> None:
    write(repo, {"contacts/bob.md": contact("Bob")})
    git(repo, "add", "contacts/bob.md")
    assert commit(repo, "-m", "bob").returncode == 0
    (repo / "contacts" / "acme").mkdir()
    git(repo, "mv", "contacts/jane-doe.md", "contacts/acme/jane-doe.md")
    git(repo, "rm", "--quiet", "contacts/bob.md")
    done = commit(repo, "-m", "move and delete")
    assert done.returncode == 0, done.stdout + done.stderr
    assert head_count(repo) == 3


def test_warnings_do_not_block(repo: Path) -> None:
    write(repo, {"contacts/bob.md": contact("Bob", log=("2099-01-01 email: from the future",))})
    git(repo, "add", "contacts/bob.md")
    done = commit(repo, "-m", "future")
    assert done.returncode == 0
    assert "warning" in done.stdout + done.stderr


def test_files_outside_contacts_are_not_checked(repo: Path) -> None:
    write(repo, {"notes/x.md": BROKEN, "README.md": BROKEN})
    git(repo, "add", "notes/x.md", "README.md")
    assert commit(repo, "-m", "notes").returncode == 0


def test_first_commit_in_a_new_repository(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "v", {"contacts/jane.md": JANE}, commit=False)
    hooks.install(root)
    write(root, {"contacts/bad.md": BROKEN})
    git(root, "add", ".")
    assert commit(root, "-m", "first").returncode != 0
    git(root, "rm", "--quiet", "--cached", "contacts/bad.md")
    done = commit(root, "-m", "first")
    assert done.returncode == 0, done.stdout + done.stderr


def test_staged_config_is_validated(repo: Path) -> None:
    write(repo, {".pcrm.yaml": "nudge:\n  after: soon\n"})
    git(repo, "add", ".pcrm.yaml")
    write(repo, {".pcrm.yaml": ""})  # the working tree is fine; the staged one is not
    done = commit(repo, "-m", "config")
    assert done.returncode != 0
    assert ".pcrm.yaml:2:" in done.stdout + done.stderr


def test_staged_config_kinds_apply(repo: Path) -> None:
    # A new kind and a contact using it, committed together: the staged config wins.
    write(repo, {".pcrm.yaml": "kinds:\n  demo: {class: meeting, window: 24h}\n",
                 "contacts/bob.md": contact("Bob", log=("2026-11-01 demo: product demo",))})
    git(repo, "add", ".pcrm.yaml", "contacts/bob.md")
    done = commit(repo, "-m", "demo kind")
    assert done.returncode == 0, done.stdout + done.stderr


def test_vault_in_a_subfolder(tmp_path: Path) -> None:
    top = tmp_path / "notes"
    make_repo(top, {"crm/.pcrm.yaml": "", "crm/contacts/jane.md": JANE, "other/x.md": BROKEN})
    root = top / "crm"
    hook = hooks.install(root)
    assert hook == top / ".git" / "hooks" / "pre-commit"
    # Git gives hooks a relative GIT_INDEX_FILE (.git/index) for a plain commit
    # and a temporary one for -a: both must work from the vault subfolder.
    write(top, {"crm/contacts/jane.md": BROKEN})
    assert commit(top, "-a", "-m", "bad").returncode != 0
    git(top, "add", "crm/contacts/jane.md")
    done = commit(top, "-m", "bad")
    assert done.returncode != 0
    assert "contacts/jane.md:" in done.stdout + done.stderr
    write(top, {"crm/contacts/jane.md": JANE + "\n## 2026-11-19 email: thanks\n"})
    git(top, "add", "crm/contacts/jane.md")
    assert commit(top, "-m", "good").returncode == 0


def test_hook_works_without_pcrm_on_path(repo: Path) -> None:
    assert GIT is not None
    env = dict(os.environ, PATH=f"{Path(GIT).parent}:/usr/bin:/bin")
    write(repo, {"contacts/jane-doe.md": BROKEN})
    done = commit(repo, "-a", "-m", "bad", env=env)
    assert done.returncode != 0
    assert "contacts/jane-doe.md:" in done.stdout + done.stderr  # pcrm ran, not "not found"
    write(repo, {"contacts/jane-doe.md": JANE + "\n## 2026-11-19 email: thanks\n"})
    done = commit(repo, "-a", "-m", "good", env=env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_hook_when_its_python_is_gone(repo: Path) -> None:
    hooks.install(repo, python="/nonexistent/python3")
    env = dict(os.environ, PATH="/usr/bin:/bin")
    write(repo, {"contacts/jane-doe.md": JANE + "\n## 2026-11-19 email: thanks\n"})
    done = commit(repo, "-a", "-m", "x", env=env)
    assert done.returncode != 0
    assert "pcrm hooks install" in done.stderr


def test_linked_worktree_checks_its_own_index(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "wt"
    git(repo, "worktree", "add", "--quiet", "-b", "side", str(other))
    write(other, {"contacts/bob.md": BROKEN})
    git(other, "add", "contacts/bob.md")
    assert commit(other, "-m", "bad").returncode != 0
    write(other, {"contacts/bob.md": contact("Bob")})
    git(other, "add", "contacts/bob.md")
    done = commit(other, "-m", "good")
    assert done.returncode == 0, done.stdout + done.stderr


def test_duplicate_search_reads_the_index_being_committed(repo: Path) -> None:
    # bob.md shares Jane's email in HEAD (committed with --no-verify); the fix
    # is staged in the real index. `git commit PATH` commits HEAD's bob.md plus
    # Jane's edit: the clash is in what is committed, so it must be found, which
    # only works if the search reads git's temporary index, not .git/index.
    write(repo, {"contacts/bob.md": contact("Bob", email="jane@acme.example")})
    git(repo, "add", "contacts/bob.md")
    assert commit(repo, "--no-verify", "-m", "bob").returncode == 0
    write(repo, {"contacts/bob.md": contact("Bob", email="bob@x.example")})
    git(repo, "add", "contacts/bob.md")
    write(repo, {"contacts/jane-doe.md": JANE + "\n## 2026-11-19 email: thanks\n"})
    done = commit(repo, "-m", "log", "contacts/jane-doe.md")
    assert done.returncode != 0
    assert "is also in contacts/bob.md" in done.stdout + done.stderr
    # Committing both (the staged fix included) is fine.
    done = commit(repo, "-a", "-m", "fix bob, log jane")
    assert done.returncode == 0, done.stdout + done.stderr
