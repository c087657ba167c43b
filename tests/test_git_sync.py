"""``pcrm sync``: pull --rebase then push, union merge of contact files, clear errors."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from gitutil import contact, git, gitenv, make_repo, write

from pcrm.git import repo as pgit
from pcrm.git import sync as pgit_sync
from pcrm.git import hooks
from pcrm.core.validate import check_snapshot
from pcrm.cli.group import cli
from pcrm.core.config import Config
from pcrm.core.parse import parse_contact
from pcrm.store.vault import read_vault

pytestmark = pytest.mark.usefixtures("gitenv")
__all__ = ["gitenv"]

JANE = contact("Jane Doe", email="jane@acme.example", company="Acme",
               log=("2026-11-18 event: Brooklyn Swift meetup",))
TODAY = dt.date(2026, 11, 22)


def invoke(root: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--vault", str(root), *args])


@pytest.fixture
def devices(tmp_path: Path) -> tuple[Path, Path]:
    """A bare 'server' and two clones of the vault (laptop, phone), hooks installed."""
    laptop = make_repo(tmp_path / "laptop", {"contacts/jane.md": JANE,
                                             "companies/acme.md": "---\nname: Acme\n---\n"},
                       commit=False)
    hooks.install(laptop)  # also writes .gitattributes
    git(laptop, "add", "-A")
    git(laptop, "commit", "--quiet", "-m", "initial vault")
    bare = tmp_path / "server.git"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(bare))
    git(laptop, "remote", "add", "origin", str(bare))
    git(laptop, "push", "--quiet", "-u", "origin", "main")
    phone = tmp_path / "phone"
    git(tmp_path, "clone", "--quiet", str(bare), str(phone))
    hooks.install(phone)
    return laptop, phone


def log(root: Path, heading: str, notes: str) -> None:
    """What `pcrm log --commit` does: append an interaction and commit that file."""
    path = root / "contacts" / "jane.md"
    path.write_text(path.read_text() + f"\n## {heading}\n{notes}\n")
    pgit.commit_paths(root, ["contacts/jane.md"], f"log: {heading}")


def test_two_devices_log_to_the_same_contact(devices: tuple[Path, Path]) -> None:
    laptop, phone = devices
    log(laptop, "2026-11-19 linkedin: connection request", "Mentioned the talk.")
    log(phone, "2026-11-20 email: thank-you + blog post", "Sent from the train.")

    first = invoke(laptop, "sync")
    assert first.exit_code == 0, first.output
    assert "pushed 1 commit" in first.output
    second = invoke(phone, "sync")  # rebases onto the laptop's commit: a union merge
    assert second.exit_code == 0, second.output
    assert "pulled 1 commit, pushed 1 commit" in second.output
    third = invoke(laptop, "sync")
    assert third.exit_code == 0, third.output
    assert "pulled 1 commit" in third.output
    assert invoke(laptop, "sync").output.startswith("Already in sync")

    for device in (laptop, phone):
        text = (device / "contacts" / "jane.md").read_text()
        assert "## 2026-11-19 linkedin: connection request\nMentioned the talk." in text
        assert "## 2026-11-20 email: thank-you + blog post\nSent from the train." in text
        assert "<<<<<<<" not in text
        parsed = parse_contact("contacts/jane.md", text.encode(), Config())
        assert parsed.contact is not None
        assert [i.kind for i in parsed.contact.interactions] == ["event", "linkedin", "email"]
        snapshot = read_vault(device, use_cache=False)
        assert [d for d in check_snapshot(snapshot, TODAY) if d.is_error] == []
    assert git(laptop, "rev-parse", "HEAD").stdout == git(phone, "rev-parse", "HEAD").stdout
    # Linear history: rebased, no merge commit.
    assert git(laptop, "rev-list", "--merges", "--count", "HEAD").stdout.strip() == "0"


def test_same_key_edited_on_both_sides_is_caught_by_check(devices: tuple[Path, Path]) -> None:
    # The documented limit of union merge: both lines are kept, which is a
    # duplicate key, which pcrm check reports.
    laptop, phone = devices
    for device, role in ((laptop, "CTO"), (phone, "VP Engineering")):
        path = device / "contacts" / "jane.md"
        path.write_text(path.read_text().replace("company: Acme",
                                                 f"company: Acme\nrole: {role}"))
        git(device, "commit", "--quiet", "-am", f"role {role}")
    assert invoke(laptop, "sync").exit_code == 0
    before = git(laptop, "ls-remote", "origin", "main").stdout
    synced = invoke(phone, "sync")  # pulls and rebases, then refuses to push
    assert synced.exit_code == 1
    assert "does not pass 'pcrm check'" in synced.output
    assert "duplicate key 'role'" in synced.output and "nothing was pushed" in synced.output
    assert git(laptop, "ls-remote", "origin", "main").stdout == before
    result = invoke(phone, "check")
    assert result.exit_code == 1
    assert "contacts/jane.md:" in result.output
    assert "duplicate key 'role'" in result.output


def _conflicting_commits(laptop: Path, phone: Path) -> None:
    """Both devices change the same line; the laptop syncs first."""
    for device, why in ((laptop, "Swift"), (phone, "Kotlin")):
        write(device, {"companies/acme.md": f"---\nname: Acme\nwhy: {why}\n---\n"})
        git(device, "commit", "--quiet", "-am", f"why {why}")
    assert invoke(laptop, "sync").exit_code == 0


def test_real_conflict_aborts_the_rebase(devices: tuple[Path, Path]) -> None:
    laptop, phone = devices
    _conflicting_commits(laptop, phone)
    before = git(phone, "rev-parse", "HEAD").stdout
    result = invoke(phone, "sync")
    assert result.exit_code == 1
    assert result.output.startswith("Error: your commits conflict with origin/main in "
                                    "companies/acme.md")
    assert "rebase was aborted" in result.output
    assert "Traceback" not in result.output
    # Not left mid-rebase: the branch and files are as they were.
    assert git(phone, "rev-parse", "HEAD").stdout == before
    assert git(phone, "status", "--porcelain").stdout == ""
    assert not (phone / ".git" / "rebase-merge").exists()
    assert "Kotlin" in (phone / "companies" / "acme.md").read_text()


def test_a_rebase_left_in_progress_is_refused(devices: tuple[Path, Path]) -> None:
    """A conflict the user's own ``git pull --rebase`` left open: pcrm does not add to it."""
    laptop, phone = devices
    _conflicting_commits(laptop, phone)
    assert git(phone, "pull", "--rebase", "--quiet", check=False).returncode != 0
    assert (phone / ".git" / "rebase-merge").exists() or (phone / ".git" / "rebase-apply").exists()
    result = invoke(phone, "sync")
    assert result.exit_code == 1
    assert "a rebase is already in progress" in result.output
    assert "Traceback" not in result.output


def test_a_sync_opens_the_repository_once(devices: tuple[Path, Path],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks before the pull, the pull and its conflict all use one opened repository."""
    import git as gitpython

    laptop, phone = devices
    opened: list[str] = []
    real = gitpython.Repo.__init__

    def counted(self: Any, path: Any = None, *args: Any, **kwargs: Any) -> None:
        opened.append(str(path))
        real(self, path, *args, **kwargs)

    monkeypatch.setattr(gitpython.Repo, "__init__", counted)
    for device, why in ((laptop, "Swift"), (phone, "Kotlin")):
        write(device, {"companies/acme.md": f"---\nname: Acme\nwhy: {why}\n---\n"})
        git(device, "commit", "--quiet", "-am", f"why {why}")
    pushed = invoke(laptop, "sync")
    assert pushed.exit_code == 0 and "pushed 1 commit" in pushed.output, pushed.output
    assert len(opened) == 1, opened
    opened.clear()
    conflict = invoke(phone, "sync")
    assert conflict.exit_code == 1 and "rebase was aborted" in conflict.output, conflict.output
    assert len(opened) == 1, opened


def test_uncommitted_changes_are_refused(devices: tuple[Path, Path]) -> None:
    laptop, _phone = devices
    write(laptop, {"contacts/jane.md": JANE + "\n## 2026-11-21 note: not committed\n"})
    result = invoke(laptop, "sync")
    assert result.exit_code == 1
    assert "uncommitted changes" in result.output


def test_no_remote(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "vault", {"contacts/jane.md": JANE})
    result = invoke(root, "sync")
    assert result.exit_code == 1
    assert result.output == ("Error: this vault's repository has no remote to sync with; add "
                             "one with 'git remote add origin URL', then "
                             "'git push -u origin HEAD'\n")


def test_no_upstream(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "vault", {"contacts/jane.md": JANE})
    git(tmp_path, "init", "--quiet", "--bare", str(tmp_path / "server.git"))
    git(root, "remote", "add", "origin", str(tmp_path / "server.git"))
    result = invoke(root, "sync")
    assert result.exit_code == 1
    assert "branch 'main' has no upstream" in result.output
    assert "git push -u origin main" in result.output


def test_unreachable_remote(devices: tuple[Path, Path], tmp_path: Path) -> None:
    laptop, _phone = devices
    git(laptop, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    result = invoke(laptop, "sync")
    assert result.exit_code == 1
    assert result.output.startswith("Error: git pull failed: ")
    assert len(result.output.strip().splitlines()) == 1


def test_outside_git(tmp_path: Path) -> None:
    write(tmp_path, {".pcrm.yaml": ""})
    result = invoke(tmp_path, "sync")
    assert result.exit_code == 1
    assert "not in a Git repository" in result.output


def test_progress_lines_reach_the_caller(devices: tuple[Path, Path]) -> None:
    # What `pcrm sync` shows on a terminal: git's progress, through GitPython's RemoteProgress.
    laptop, phone = devices
    log(laptop, "2026-11-19 call: catch-up", "Talked.")
    pgit_sync.sync(laptop)
    log(phone, "2026-11-20 email: thanks", "Sent.")
    lines: list[str] = []
    result = pgit_sync.sync(phone, progress=lines.append)
    assert (result.pulled, result.pushed) == (1, 1)
    assert lines and all(line.endswith(("\r", "\n")) for line in lines)
    assert any("objects" in line.lower() for line in lines), lines
