"""The pre-commit hook checks event notes (spec 2.5, 7), in a real repository."""
from __future__ import annotations

from pathlib import Path

import pytest
from gitutil import commit, contact, git, gitenv, make_repo, write

from pcrm.git import hooks

pytestmark = pytest.mark.usefixtures("gitenv")
__all__ = ["gitenv"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "vault", {
        "contacts/jane-doe.md": contact("Jane Doe", email="jane@acme.example"),
        "contacts/peter-chen.md": contact("Peter Chen"),
    })
    hooks.install(root)
    return root


def head_count(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD").stdout)


def test_a_broken_event_note_is_refused(repo: Path) -> None:
    write(repo, {"events/fair.md": "---\ndate: 2026-11-18\nkind: intervew\nwith: [jane-doe]\n"
                                   "---\n# Fair\n"})
    git(repo, "add", "events/fair.md")
    done = commit(repo, "-m", "fair")
    assert done.returncode != 0
    assert "events/fair.md:3:1: error: kind: unknown interaction kind 'intervew'; " \
           "did you mean 'interview'?" in done.stdout + done.stderr
    assert head_count(repo) == 1


def test_a_good_note_passes_and_its_names_resolve_against_the_staged_contacts(
        repo: Path) -> None:
    write(repo, {"events/2026-11-18-fair.md": "---\nwith: [jane, Peter Chen]\n---\n"
                                              "Met [[peter-chen|Peter]] and [[Jane Doe]] "
                                              "and [[Petr Chen]].\n"})
    git(repo, "add", "events")
    done = commit(repo, "-m", "fair")
    assert done.returncode == 0, done.stdout + done.stderr
    output = done.stdout + done.stderr
    # the only warning is the typo, with the right suggestion
    assert "warning: link [[Petr Chen]] matches no contact; did you mean 'Peter Chen'?" in output
    assert output.count("warning:") == 1
    assert head_count(repo) == 2
