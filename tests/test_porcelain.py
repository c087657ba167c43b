"""`pcrm status --json` is a contract (spec 4): its shape is locked here.

Tools and scripts parse this output; any change to a key, a type or the order
of the items must fail a test in this file first.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pcrm.core.rules import RULES

from helpers import contact

ITEM_KEYS = ["contact", "name", "company", "rule", "due", "overdue_days", "reason", "path"]


def status_json(run, root: Path, *args: str, today: str = "2026-11-22") -> dict:
    result = run(root, "status", "--json", *args, today=today)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def check_contract(data: dict, days: int | None = 7) -> None:
    """Every invariant of spec 4 for one document."""
    assert list(data) == ["today", "items"]
    today = dt.date.fromisoformat(data["today"])
    items = data["items"]
    assert isinstance(items, list)
    for item in items:
        assert list(item) == ITEM_KEYS
        assert isinstance(item["contact"], str) and item["contact"]
        assert isinstance(item["name"], str) and item["name"]
        assert item["company"] is None or isinstance(item["company"], str)
        assert item["rule"] in RULES
        due = dt.date.fromisoformat(item["due"])
        assert item["due"] == due.isoformat()
        assert type(item["overdue_days"]) is int
        assert item["overdue_days"] == max(0, (today - due).days)
        assert isinstance(item["reason"], str) and item["reason"]
        assert item["path"] == f"contacts/{item['contact']}.md"
        if days is not None:
            assert due <= today + dt.timedelta(days=days)
    dues = [item["due"] for item in items]
    assert dues == sorted(dues)
    contacts = [item["contact"] for item in items]
    assert len(contacts) == len(set(contacts))


SMALL = {
    "contacts/jane-doe.md": contact("Jane Doe", company="Acme",
                                    log="## 2026-11-20 interview: phone screen\n"),
    "contacts/acme/peter.md": contact("Peter Chen", company="Acme",
                                      log="## 2026-11-15 email: hi\n", follow_up="2026-11-25"),
    "contacts/zoe.md": contact("Zoë Ødegård", cadence="30d"),
    "contacts/far.md": contact("Far Future", follow_up="2026-12-30"),
    "contacts/quiet.md": contact("Quiet One", log="## 2026-11-01 email: a\n\n"
                                                 "## 2026-11-02 reply: b\n"),
    "contacts/paused.md": contact("Paused Person", status="paused", follow_up="2026-11-01"),
}


def test_small_vault_exact_document(vault, run) -> None:
    root = vault(SMALL)
    assert status_json(run, root) == {
        "today": "2026-11-22",
        "items": [
            {"contact": "jane-doe", "name": "Jane Doe", "company": "Acme", "rule": "thank-you",
             "due": "2026-11-21", "overdue_days": 1,
             "reason": "thank-you after interview on 2026-11-20", "path": "contacts/jane-doe.md"},
            # Same due date: the order of the rules table (nudge before keep-in-touch).
            {"contact": "acme/peter", "name": "Peter Chen", "company": "Acme", "rule": "nudge",
             "due": "2026-11-22", "overdue_days": 0,
             "reason": "no reply to email on 2026-11-15 (nudge 1 of 2)",
             "path": "contacts/acme/peter.md"},
            {"contact": "zoe", "name": "Zoë Ødegård", "company": None, "rule": "keep-in-touch",
             "due": "2026-11-22", "overdue_days": 0,
             "reason": "keep in touch every 30 days; nothing logged yet",
             "path": "contacts/zoe.md"},
        ],
    }


def test_small_vault_days_window(vault, run) -> None:
    root = vault(SMALL)
    assert [i["contact"] for i in status_json(run, root, "--days", "0")["items"]] == [
        "jane-doe", "acme/peter", "zoe"]
    data = status_json(run, root, "--days", "38")
    check_contract(data, 38)
    assert [(i["contact"], i["rule"]) for i in data["items"]] == [
        ("jane-doe", "thank-you"), ("acme/peter", "nudge"), ("zoe", "keep-in-touch"),
        ("far", "scheduled")]
    assert [i["contact"] for i in status_json(run, root, "--days", "37")["items"]] == [
        "jane-doe", "acme/peter", "zoe"]


def test_small_vault_later_today(vault, run) -> None:
    root = vault(SMALL)
    data = status_json(run, root, today="2026-11-26")
    check_contract(data)
    assert data["today"] == "2026-11-26"
    # Peter: the nudge (11-22) stays his next follow-up; the scheduled one (11-25) is not shown.
    assert [(i["contact"], i["due"], i["overdue_days"]) for i in data["items"]] == [
        ("jane-doe", "2026-11-21", 5), ("acme/peter", "2026-11-22", 4),
        ("zoe", "2026-11-26", 0)]


def test_output_is_utf8_json_on_stdout_only(vault, run) -> None:
    files = dict(SMALL)
    files["contacts/broken.md"] = "---\nname: [oops\n---\n"
    root = vault(files)
    result = run(root, "status", "--json")
    assert result.exit_code == 0
    assert "Zoë Ødegård" in result.stdout  # not \u escapes
    data = json.loads(result.stdout)
    check_contract(data)
    assert "broken" not in {i["contact"] for i in data["items"]}


def test_empty_vault(vault, run) -> None:
    assert status_json(run, vault()) == {"today": "2026-11-22", "items": []}


def test_tag_filter(example, run) -> None:
    data = status_json(run, example, "--tag", "recruiter", "--days", "60")
    check_contract(data, 60)
    assert [i["contact"] for i in data["items"]] == [
        "globex/maria-garcia", "initech/hannah-schmidt", "rachel-green", "omar-haddad"]


@pytest.mark.parametrize("days", [0, 1, 7, 30, 365])
def test_example_vault_contract(example, run, days: int) -> None:
    data = status_json(run, example, "--days", str(days))
    check_contract(data, days)
    assert data["today"] == "2026-11-22"


def test_example_vault_default_window(example, run) -> None:
    data = status_json(run, example)
    check_contract(data, 7)
    assert [(i["contact"], i["rule"], i["due"], i["overdue_days"]) for i in data["items"]] == [
        ("sam-okafor", "keep-in-touch", "2026-11-16", 6),
        ("peter-chen", "nudge", "2026-11-17", 5),
        ("globex/maria-garcia", "check-in", "2026-11-20", 2),
        ("initech/li-wei", "scheduled", "2026-11-20", 2),
        ("jane-doe", "thank-you", "2026-11-21", 1),
        ("alex-kim", "thank-you", "2026-11-22", 0),
        ("globex/priya-patel", "nudge", "2026-11-22", 0),
        ("nina-rossi", "keep-in-touch", "2026-11-22", 0),
        ("initech/david-levy", "thank-you", "2026-11-23", 0),
        ("initech/hannah-schmidt", "nudge", "2026-11-25", 0),
        ("noah-johnson", "nudge", "2026-11-26", 0),
        ("rachel-green", "check-in", "2026-11-26", 0),
        ("globex/emma-wilson", "scheduled", "2026-11-27", 0),
        ("carlos-mendez", "keep-in-touch", "2026-11-27", 0),
        ("yuki-tanaka", "nudge", "2026-11-28", 0),
    ]
    jane = data["items"][4]
    assert jane == {"contact": "jane-doe", "name": "Jane Doe", "company": "Acme",
                    "rule": "thank-you", "due": "2026-11-21", "overdue_days": 1,
                    "reason": "thank-you after interview on 2026-11-20",
                    "path": "contacts/jane-doe.md"}


def test_json_is_stable_across_runs(example, run) -> None:
    first = run(example, "status", "--json", "--days", "30").stdout
    second = run(example, "status", "--json", "--days", "30").stdout
    assert first == second


def test_snoozed_contact_through_the_index(vault, run) -> None:
    # The same answers cold and warm (the index caches follow-ups without "today").
    root = vault({"contacts/yuki.md": contact("Yuki Tanaka", snooze="2026-11-22",
                                              log="## 2026-11-10 email: hi\n")})
    for _ in range(2):
        on_the_day = status_json(run, root)["items"]
        assert [(i["due"], i["overdue_days"]) for i in on_the_day] == [("2026-11-22", 0)]
        assert on_the_day[0]["reason"].endswith("(snoozed until 2026-11-22)")
        before = status_json(run, root, today="2026-11-20")["items"]
        assert [(i["due"], i["overdue_days"]) for i in before] == [("2026-11-22", 0)]
        after = status_json(run, root, today="2026-11-23")["items"]
        assert [(i["due"], i["overdue_days"]) for i in after] == [("2026-11-17", 6)]
