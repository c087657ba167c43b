"""``pcrm history CONTACT``: creation, interactions per commit, front-matter changes."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from gitutil import contact, git, gitenv, make_repo, write

from pcrm.cli.group import cli

pytestmark = pytest.mark.usefixtures("gitenv")
__all__ = ["gitenv"]


def commit_at(root: Path, message: str, date: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_DATE=f"{date}T10:00:00+02:00",
               GIT_COMMITTER_DATE=f"{date}T10:00:00+02:00")
    git(root, "add", "-A")
    git(root, "commit", "--quiet", "--no-verify", "-m", message, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Jane: created, two interactions logged, then a job change, then a rename."""
    root = make_repo(tmp_path / "vault", {"contacts/other.md": contact("Other")})
    write(root, {"contacts/jane.md": contact(
        "Jane Doe", company="Globex", log=("2026-06-01 event: Brooklyn Swift meetup",))})
    commit_at(root, "new: Jane Doe", "2026-06-01")
    write(root, {"contacts/jane.md": contact(
        "Jane Doe", company="Globex", log=("2026-06-01 event: Brooklyn Swift meetup",
                                           "2026-06-02 email: thank-you",
                                           "2026-06-05 reply: happy to chat"))})
    commit_at(root, "log: email and reply", "2026-06-05")
    write(root, {"contacts/jane.md": contact(
        "Jane Doe", company="Acme", extra="role: Engineering Manager",
        log=("2026-06-01 event: Brooklyn Swift meetup", "2026-06-02 email: thank-you",
             "2026-06-05 reply: happy to chat"))})
    commit_at(root, "Jane moved to Acme", "2026-08-03")
    (root / "contacts" / "acme").mkdir()
    git(root, "mv", "contacts/jane.md", "contacts/acme/jane.md")
    commit_at(root, "file Jane under Acme", "2026-08-04")
    return root


def invoke(root: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--vault", str(root), *args])


def test_history_text(repo: Path) -> None:
    result = invoke(repo, "history", "jane")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Jane Doe (Acme): contacts/acme/jane.md\n")
    assert "Created on 2026-06-01 by Test User." in out
    assert "+ event on 2026-06-01: Brooklyn Swift meetup" in out
    assert "+ email on 2026-06-02: thank-you" in out
    assert "+ reply on 2026-06-05: happy to chat" in out
    assert "company: Globex -> Acme on 2026-08-03" in out
    assert "role: (none) -> Engineering Manager on 2026-08-03" in out
    assert "renamed from contacts/jane.md" in out
    # oldest first
    assert out.index("new: Jane Doe") < out.index("log: email and reply") \
        < out.index("Jane moved to Acme") < out.index("file Jane under Acme")


def test_history_json(repo: Path) -> None:
    result = invoke(repo, "history", "Jane Doe", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["contact"], data["name"], data["path"], data["created"]) == \
        ("acme/jane", "Jane Doe", "contacts/acme/jane.md", "2026-06-01")
    commits = data["commits"]
    assert [c["subject"] for c in commits] == ["new: Jane Doe", "log: email and reply",
                                                "Jane moved to Acme", "file Jane under Acme"]
    first, logged, moved, renamed = commits
    assert first["created"] is True and first["changes"] == []
    assert first["interactions"] == [{"date": "2026-06-01", "time": None, "kind": "event",
                                      "title": "Brooklyn Swift meetup", "expect": None}]
    assert [i["kind"] for i in logged["interactions"]] == ["email", "reply"]
    assert logged["changes"] == []
    assert moved["interactions"] == []
    assert moved["changes"] == [{"key": "company", "old": "Globex", "new": "Acme"},
                                {"key": "role", "old": None, "new": "Engineering Manager"}]
    assert moved["date"] == "2026-08-03" and moved["time"] == "2026-08-03T10:00:00+02:00"
    assert renamed["renamed_from"] == "contacts/jane.md"
    assert renamed["path"] == "contacts/acme/jane.md"
    assert len(first["commit"]) == 40 and first["author"] == "Test User"


def test_history_is_one_git_log_process(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pcrm.git.history import contact_history
    from pcrm.store.vault import find_contact, read_vault

    snapshot = read_vault(repo, use_cache=False)
    jane = find_contact(snapshot.contacts, "jane")
    import git.cmd

    calls: list[list[str]] = []
    real_popen = git.cmd.safer_popen

    def spy(args: Any, *rest: Any, **kwargs: Any) -> Any:
        calls.append(list(args))
        return real_popen(args, *rest, **kwargs)

    monkeypatch.setattr(git.cmd, "safer_popen", spy)  # every git GitPython starts
    found = contact_history(repo, jane, snapshot.config)
    assert len(found.steps) == 4
    assert len(calls) == 1 and "log" in calls[0]


def test_history_in_a_vault_subfolder_with_crlf(tmp_path: Path) -> None:
    top = make_repo(tmp_path / "notes", {"crm/.pcrm.yaml": ""})
    root = top / "crm"
    text = contact("Jane", company="Globex", log=("2026-06-01 call: intro",))
    write(root, {"contacts/jane.md": text.replace("\n", "\r\n").encode()})
    commit_at(top, "jane", "2026-06-01")
    text = contact("Jane", company="Acme", log=("2026-06-01 call: intro",
                                                "2026-07-01 coffee: catch up"))
    write(root, {"contacts/jane.md": text.replace("\n", "\r\n").encode()})
    commit_at(top, "jane again", "2026-07-01")
    result = invoke(root, "history", "jane", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [c["path"] for c in data["commits"]] == ["contacts/jane.md"] * 2
    assert data["commits"][1]["changes"] == [{"key": "company", "old": "Globex", "new": "Acme"}]
    assert [i["title"] for i in data["commits"][1]["interactions"]] == ["catch up"]


def test_edited_heading_and_broken_version(repo: Path) -> None:
    path = repo / "contacts" / "acme" / "jane.md"
    good = path.read_text()
    path.write_text(good.replace("thank-you", "thank-you note"))
    commit_at(repo, "reword", "2026-08-05")
    path.write_text(good.replace("name: Jane Doe", "name: [Jane"))  # a broken version
    commit_at(repo, "broken", "2026-08-06")
    path.write_text(good.replace("company: Acme", "company: Initech"))
    commit_at(repo, "fixed", "2026-08-07")
    data = json.loads(invoke(repo, "history", "jane", "--json").output)
    reword, broken, fixed = data["commits"][-3:]
    assert [i["title"] for i in reword["interactions"]] == ["thank-you note"]
    assert [i["title"] for i in reword["removed_interactions"]] == ["thank-you"]
    # A version that does not parse reports nothing (not "everything removed")...
    assert (broken["interactions"], broken["removed_interactions"], broken["changes"]) == \
        ([], [], [])
    # ...and the next one is measured from the last version that parsed.
    assert [i["title"] for i in fixed["interactions"]] == ["thank-you"]
    assert [i["title"] for i in fixed["removed_interactions"]] == ["thank-you note"]
    assert fixed["changes"] == [{"key": "company", "old": "Acme", "new": "Initech"}]


def test_uncommitted_contact(repo: Path) -> None:
    write(repo, {"contacts/new.md": contact("Newcomer")})
    result = invoke(repo, "history", "newcomer")
    assert result.exit_code == 0
    assert "Not committed yet" in result.output
    data = json.loads(invoke(repo, "history", "newcomer", "--json").output)
    assert data["commits"] == [] and data["created"] is None


def test_history_in_a_repository_without_commits(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "vault", {"contacts/jane.md": contact("Jane")}, commit=False)
    result = invoke(root, "history", "jane")
    assert result.exit_code == 0, result.output
    assert "Not committed yet" in result.output


def test_history_outside_git(tmp_path: Path) -> None:
    write(tmp_path, {".pcrm.yaml": "", "contacts/jane.md": contact("Jane")})
    result = invoke(tmp_path, "history", "jane")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "not in a Git repository" in result.output


def test_history_unknown_contact(repo: Path) -> None:
    result = invoke(repo, "history", "nobody")
    assert result.exit_code != 0
    assert result.output.startswith("Error: no contact matches")
