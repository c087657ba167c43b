"""The library API (pcrm.actions): what the commands do, called without the command line."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import contact

from pcrm.actions import check_paths, log_interaction, new_contact, set_key
from pcrm.store.configfile import load_config
from pcrm.core.errors import ConflictError, RefusedEdit, UsageError
from pcrm.store.vault import read_vault

TODAY = dt.date(2026, 11, 22)


def test_new_contact_writes_a_file_that_reads_back(vault) -> None:
    root = vault()
    created = new_contact(root, load_config(root), TODAY, "Jane Doe", company="Acme",
                          phone="+1 555 0101", tags=["a"])
    assert created.path == "contacts/jane-doe.md" and created.commit is None
    assert (root / created.path).read_text() == (
        '---\nname: Jane Doe\ncompany: Acme\nphone: "+1 555 0101"\ntags: [a]\n---\n'
        "# Jane Doe\n\n")
    person = read_vault(root, use_cache=False).contacts[0]
    assert (person.name, person.phone) == ("Jane Doe", "+1 555 0101")


def test_log_interaction_to_several_contacts_at_once(vault) -> None:
    root = vault({"contacts/jane.md": contact("Jane"), "contacts/bob.md": contact("Bob")})
    done = log_interaction(root, load_config(root), ["jane", "bob", "Jane"], "Coffee", "chat",
                           TODAY, dt.time(9, 30), TODAY + dt.timedelta(days=7))
    assert done.paths == ["contacts/jane.md", "contacts/bob.md"]  # Jane once
    # each heading names the others (spec 4: a panel)
    assert done.headings == ("## 2026-11-22 09:30 coffee: chat, with Bob (expect 2026-11-29)",
                             "## 2026-11-22 09:30 coffee: chat, with Jane (expect 2026-11-29)")
    assert done.heading == done.headings[0]
    for name, heading in zip(("jane", "bob"), done.headings):
        assert (root / f"contacts/{name}.md").read_text().endswith(heading + "\n")
    assert done.message == "log: coffee with Jane, Bob" and done.commit is None


def test_log_interaction_writes_nothing_unless_every_file_reads_back(vault) -> None:
    root = vault({"contacts/jane.md": contact("Jane"),
                  "contacts/bob.md": contact("Bob", log="```\nan open code block\n")})
    before = {p: p.read_bytes() for p in (root / "contacts").iterdir()}
    with pytest.raises(RefusedEdit):
        log_interaction(root, load_config(root), ["jane", "bob"], "email", date=TODAY)
    assert {p: p.read_bytes() for p in (root / "contacts").iterdir()} == before


def test_log_interaction_checks_kind_and_text_first(vault) -> None:
    root = vault({"contacts/jane.md": contact("Jane")})
    with pytest.raises(UsageError, match="unknown interaction kind"):
        log_interaction(root, load_config(root), ["nobody"], "gossip", date=TODAY)
    with pytest.raises(UsageError, match="one line"):
        log_interaction(root, load_config(root), ["jane"], "email", "a\nb", date=TODAY)


def test_a_file_deleted_under_an_edit_is_a_conflict(vault) -> None:
    root = vault({"contacts/jane.md": contact("Jane")})
    person = read_vault(root, use_cache=False)
    from pcrm.store.vault import resolve_contact

    jane = resolve_contact(root, person, "jane")
    (root / "contacts/jane.md").unlink()
    with pytest.raises(ConflictError, match="nothing was written"):
        log_interaction(root, load_config(root), [jane], "email", date=TODAY)


def test_set_key_changes_one_line(vault) -> None:
    root = vault({"contacts/jane.md": contact("Jane", company="Acme  # where")})
    done = set_key(root, load_config(root), "jane", "snooze", dt.date(2027, 1, 5))
    assert done.line == "snooze: 2027-01-05"
    assert (root / "contacts/jane.md").read_text() == contact(
        "Jane", company="Acme  # where", snooze="2027-01-05")


def test_check_paths_reports_only_the_given_files(vault) -> None:
    root = vault({"contacts/a.md": contact("A", email="x@y.example"),
                  "contacts/b.md": contact("B", email="x@y.example"),
                  "contacts/c.md": contact("C", cadence="often")})
    whole = check_paths(root, TODAY)
    assert {d.path for d in whole.problems} == {"contacts/a.md", "contacts/b.md",
                                                 "contacts/c.md"}
    only = check_paths(root, TODAY, [Path("contacts/a.md")], cwd=root)
    assert [d.path for d in only.problems] == ["contacts/a.md"] and only.errors == 1
    assert only.checked == "1 file"  # the files asked for, not the vault


def test_check_paths_reports_a_broken_config_as_a_problem(vault) -> None:
    root = vault(config="nudge: [\n")
    report = check_paths(root, TODAY)
    assert report.checked == "the vault config" and report.problems[0].path == ".pcrm.yaml"
