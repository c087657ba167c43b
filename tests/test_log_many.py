"""``pcrm log a,b,c``: a panel logged in every file, all or none, one commit (spec 4)."""
from __future__ import annotations

from pathlib import Path

import pytest
from gitutil import git, gitenv  # noqa: F401 - the fixture
from helpers import contact

from pcrm.actions import log as logging_action
from pcrm.core.errors import WriteError

PANEL = {
    "contacts/priya-patel.md": contact("Priya Patel", company="Globex"),
    "contacts/raj-kumar.md": contact("Raj Kumar", company="Globex"),
    "contacts/sofia-alvarez.md": contact("Sofia Alvarez", company="Globex"),
}


def texts(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "contacts").rglob("*.md"))}


def test_each_person_gets_a_heading_naming_the_others(vault, run) -> None:
    root = vault(PANEL)
    before = texts(root)
    result = run(root, "log", "priya, raj,Sofia Alvarez", "interview", "onsite panel",
                 "--time", "10:00", "--expect", "2026-11-27", today="2026-11-20")
    assert result.exit_code == 0, result.output
    after = texts(root)
    expected = {
        "priya-patel": "onsite panel, with Raj Kumar and Sofia Alvarez",
        "raj-kumar": "onsite panel, with Priya Patel and Sofia Alvarez",
        "sofia-alvarez": "onsite panel, with Priya Patel and Raj Kumar",
    }
    for cid, title in expected.items():
        path = f"contacts/{cid}.md"
        heading = f"## 2026-11-20 10:00 interview: {title} (expect 2026-11-27)\n"
        assert after[path] == before[path] + heading.encode()  # nothing else changed
        assert f"Logged in {path}: {heading.strip()}" in result.output
    # each one owes a thank-you of their own, with the same check-in date
    status = run(root, "status", "--json", "--days", "30", today="2026-11-20")
    assert status.output.count('"rule": "thank-you"') == 3


def test_without_text_the_heading_just_names_the_others(vault, run) -> None:
    root = vault(PANEL)
    assert run(root, "log", "priya,raj", "call", today="2026-11-20").exit_code == 0
    assert texts(root)["contacts/priya-patel.md"].endswith(
        b"## 2026-11-20 call: with Raj Kumar\n")


@pytest.mark.parametrize("names, error", [
    ("priya,nobody,raj", "Error: no contact matches 'nobody'"),
    ("priya,,raj", "Error: CONTACT: an empty name in 'priya,,raj'"),
])
def test_an_unknown_name_writes_nothing(vault, run, names: str, error: str) -> None:
    root = vault(PANEL)
    before = texts(root)
    result = run(root, "log", names, "interview")
    assert result.exit_code != 0 and result.output.startswith(error)
    assert texts(root) == before


def test_a_read_only_file_in_the_middle_writes_nothing(vault, run) -> None:
    root = vault(PANEL)
    middle = root / "contacts/raj-kumar.md"
    middle.chmod(0o444)
    before = texts(root)
    result = run(root, "log", "priya,raj,sofia", "interview")
    assert result.exit_code == 1
    assert result.output == "Error: contacts/raj-kumar.md: file is read-only; nothing was written\n"
    assert texts(root) == before


def test_a_write_failing_midway_restores_the_files_already_written(
        vault, monkeypatch: pytest.MonkeyPatch) -> None:
    root = vault(PANEL)
    before = texts(root)
    real = logging_action.write_atomic
    calls: list[Path] = []

    def second_write_fails(target: Path, new: bytes, **kwargs: object) -> None:
        calls.append(Path(target))
        if len(calls) == 2:  # the disk fills up on the second file
            raise WriteError("cannot write: No space left on device; nothing was changed",
                             path=str(target))
        real(target, new, **kwargs)

    monkeypatch.setattr(logging_action, "write_atomic", second_write_fails)
    from pcrm.core.config import Config

    with pytest.raises(WriteError) as failure:
        logging_action.log_interaction(root, Config(), ["priya", "raj", "sofia"], "interview",
                                       date=__import__("datetime").date(2026, 11, 20))
    assert "1 file(s) already written were restored" in str(failure.value)
    assert texts(root) == before
    assert calls[0].name == "priya-patel.md" and calls[-1].name == "priya-patel.md"  # restored


@pytest.mark.usefixtures("gitenv")
def test_one_commit_for_the_whole_panel(vault, run) -> None:
    root = vault({**PANEL, "contacts/other.md": contact("Other Person")})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    (root / "contacts/other.md").write_text(contact("Other Person", log="## 2026-11-19 note\n"))
    result = run(root, "log", "priya,raj,sofia", "interview", "--commit", today="2026-11-20")
    assert result.exit_code == 0, result.output
    assert "Committed: log: interview with Priya Patel, Raj Kumar, Sofia Alvarez" in result.output
    log = git(root, "log", "--format=%s").stdout.splitlines()
    assert log == ["log: interview with Priya Patel, Raj Kumar, Sofia Alvarez", "start"]
    changed = git(root, "show", "--name-only", "--format=", "HEAD").stdout.split()
    assert changed == ["contacts/priya-patel.md", "contacts/raj-kumar.md",
                       "contacts/sofia-alvarez.md"]
    # the other edit is neither committed nor lost
    assert git(root, "status", "--porcelain").stdout.strip() == "M contacts/other.md"


def test_two_runs_on_the_same_files_both_land(vault) -> None:
    # The edit lock: a second log waits for the first and appends after it.
    import datetime as dt
    import threading

    from pcrm.core.config import Config

    root = vault(PANEL)
    errors: list[Exception] = []

    def log(kind: str) -> None:
        try:
            logging_action.log_interaction(root, Config(), ["priya", "raj"], kind,
                                           date=dt.date(2026, 11, 20))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=log, args=(kind,)) for kind in ("call", "email")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for path in ("contacts/priya-patel.md", "contacts/raj-kumar.md"):
        text = (root / path).read_text()
        assert "call: with" in text and "email: with" in text
