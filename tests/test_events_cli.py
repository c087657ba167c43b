"""``pcrm event``: a new event note through python-frontmatter, and missing people created."""
from __future__ import annotations

from pathlib import Path

import pytest
from gitutil import git, gitenv  # noqa: F401 - the fixture
from helpers import contact

from pcrm.core import yamlload

PEOPLE = {"contacts/alex-kim.md": contact("Alex Kim"),
          "contacts/jane-doe.md": contact("Jane Doe"),
          "contacts/bob-smith.md": contact("Bob Smith")}


def test_a_new_note_names_its_people_by_id_and_counts(vault, run) -> None:
    root = vault(PEOPLE)
    result = run(root, "event", "NYC Tech Career Fair", "--date", "2026-11-20", "--time",
                 "18:30", "--with", "alex,jane", "--skip", "Bob Smith", "--expect", "1w",
                 today="2026-11-20")
    assert result.exit_code == 0, result.output
    assert result.output == "Created events/2026-11-20-nyc-tech-career-fair.md\n"
    text = (root / "events/2026-11-20-nyc-tech-career-fair.md").read_text()
    front, body = text.split("---\n")[1:3]
    assert yamlload.load(front) == {
        "date": __import__("datetime").date(2026, 11, 20), "time": "18:30", "kind": "event",
        "with": ["alex-kim", "jane-doe"], "skip": ["bob-smith"],
        "expect": __import__("datetime").date(2026, 11, 27)}
    assert body == ("# NYC Tech Career Fair\n\n- [[alex-kim|Alex Kim]]:\n"
                    "- [[jane-doe|Jane Doe]]:\n- [[bob-smith|Bob Smith]]:\n")
    assert run(root, "check").exit_code == 0
    status = run(root, "status", "--json", today="2026-11-21").output
    assert status.count('"source": "events/2026-11-20-nyc-tech-career-fair.md"') == 2


@pytest.mark.parametrize("args, error", [
    (["Fair", "--with", "alex,nobody"], "Error: no contact matches 'nobody'; add "
                                        "--create-missing to create them, or 'pcrm new NAME'"),
    (["Fair", "--kind", "email"], "Error: --kind: 'email' is not a meeting kind"),
    (["Fair", "--time", "25:00"], "Error: --time: '25:00' is not a time"),
    (["  "], "Error: TITLE must be a non-empty single line"),
])
def test_bad_input_writes_nothing(vault, run, args: list[str], error: str) -> None:
    root = vault(PEOPLE)
    result = run(root, "event", *args)
    assert result.exit_code != 0 and result.output.startswith(error), result.output
    assert not (root / "events").exists()
    assert sorted(p.name for p in (root / "contacts").iterdir()) == [
        "alex-kim.md", "bob-smith.md", "jane-doe.md"]


def test_create_missing_with_a_new_note(vault, run) -> None:
    root = vault(PEOPLE)
    result = run(root, "event", "Panel", "--kind", "interview", "--with", "jane,Priya Patel",
                 "--create-missing", today="2026-11-20")
    assert result.exit_code == 0, result.output
    assert result.output == "Created contacts/priya-patel.md\nCreated events/2026-11-20-panel.md\n"
    assert "with: [jane-doe, priya-patel]" in (root / "events/2026-11-20-panel.md").read_text()


def test_create_missing_for_an_existing_note_skips_typos_and_companies(vault, run) -> None:
    root = vault({**PEOPLE, "companies/acme.md": "---\nname: Acme\n---\n",
                  "events/2026-11-18-fair.md": "---\nwith: [carol-diaz]\n---\n"
                  "Met [[Dan Ek]], [[Alx Kim]] and [[jane-doe]] at [[Acme]].\n"})
    result = run(root, "event", "--create-missing", "events/2026-11-18-fair.md")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Created contacts/carol-diaz.md", "Created contacts/dan-ek.md",
        "Not created: 'Alx Kim' is close to an existing contact (run 'pcrm check' for the "
        "suggestion)"]
    assert (root / "contacts/carol-diaz.md").read_text().startswith("---\nname: Carol Diaz\n")
    again = run(root, "event", "--create-missing", "events/2026-11-18-fair.md")
    assert "Created" not in again.output  # nothing more to create


@pytest.mark.usefixtures("gitenv")
def test_one_commit_for_the_note_and_its_new_people(vault, run) -> None:
    root = vault(PEOPLE)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    result = run(root, "event", "Meetup", "--with", "jane,Sam Lee", "--create-missing",
                 "--commit", today="2026-11-20")
    assert result.exit_code == 0, result.output
    assert git(root, "log", "-1", "--format=%s").stdout.strip() == "event: Meetup"
    assert sorted(git(root, "show", "--name-only", "--format=", "HEAD").stdout.split()) == [
        "contacts/sam-lee.md", "events/2026-11-20-meetup.md"]
    assert git(root, "status", "--porcelain").stdout == ""


def test_an_existing_note_takes_only_create_missing(vault, run, tmp_path: Path) -> None:
    root = vault({**PEOPLE, "events/fair.md": "---\ndate: 2026-11-18\n---\n"})
    result = run(root, "event", "events/fair.md", "--with", "jane")
    assert result.exit_code == 2
    assert "events/fair.md exists" in result.output
