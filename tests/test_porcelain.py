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
UPCOMING_KEYS = ["contact", "name", "company", "kind", "title", "date", "time", "path"]


def status_json(run, root: Path, *args: str, today: str = "2026-11-22") -> dict:
    result = run(root, "status", "--json", *args, today=today)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def check_contract(data: dict, days: int | None = 7) -> None:
    """Every invariant of spec 4 for one document."""
    assert list(data) == ["today", "items", "upcoming"]
    today = dt.date.fromisoformat(data["today"])
    items = data["items"]
    assert isinstance(items, list)
    for item in items:
        # "source" only on items from an event note, after the others (spec 4)
        assert list(item) == ITEM_KEYS + (["source"] if "source" in item else [])
        if "source" in item:
            assert item["source"].startswith("events/") and item["source"].endswith(".md")
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
    upcoming = data["upcoming"]
    assert isinstance(upcoming, list)
    for meeting in upcoming:
        assert list(meeting) == UPCOMING_KEYS + (["source"] if "source" in meeting else [])
        assert isinstance(meeting["contact"], str) and meeting["contact"]
        assert isinstance(meeting["name"], str) and meeting["name"]
        assert meeting["company"] is None or isinstance(meeting["company"], str)
        assert isinstance(meeting["kind"], str) and isinstance(meeting["title"], str)
        day = dt.date.fromisoformat(meeting["date"])
        assert day > today
        if days is not None:
            assert day <= today + dt.timedelta(days=days)
        assert meeting["time"] is None or dt.time.fromisoformat(meeting["time"]).strftime(
            "%H:%M") == meeting["time"]
        assert meeting["path"] == f"contacts/{meeting['contact']}.md"
    order = [(m["date"], m["time"] is not None, m["time"] or "") for m in upcoming]
    assert order == sorted(order)


SMALL = {
    "contacts/jane-doe.md": contact("Jane Doe", company="Acme",
                                    log="## 2026-11-20 interview: phone screen\n"),
    "contacts/acme/peter.md": contact("Peter Chen", company="Acme",
                                      log="## 2026-11-16 email: hi\n", follow_up="2026-11-25"),
    "contacts/sofia.md": contact("Sofia Alvarez", company="Globex",
                                 log="## 2026-11-18 reply: let's meet\n\n"
                                     "## 2026-11-26 15:00 interview: onsite (expect 2026-12-04)\n"
                                     "\n## 2026-11-24 call: prep with the recruiter\n"),
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
            {"contact": "zoe", "name": "Zoë Ødegård", "company": None, "rule": "keep-in-touch",
             "due": "2026-11-22", "overdue_days": 0,
             "reason": "keep in touch every 30 days; nothing logged yet",
             "path": "contacts/zoe.md"},
            # 11-23 is the Monday after the week is up: nobody is nudged on a Sunday.
            {"contact": "acme/peter", "name": "Peter Chen", "company": "Acme", "rule": "nudge",
             "due": "2026-11-23", "overdue_days": 0,
             "reason": "no reply to email on 2026-11-16 (nudge 1 of 2)",
             "path": "contacts/acme/peter.md"},
        ],
        "upcoming": [
            {"contact": "sofia", "name": "Sofia Alvarez", "company": "Globex", "kind": "call",
             "title": "prep with the recruiter", "date": "2026-11-24", "time": None,
             "path": "contacts/sofia.md"},
            {"contact": "sofia", "name": "Sofia Alvarez", "company": "Globex",
             "kind": "interview", "title": "onsite", "date": "2026-11-26", "time": "15:00",
             "path": "contacts/sofia.md"},
        ],
    }


def test_small_vault_days_window(vault, run) -> None:
    root = vault(SMALL)
    data = status_json(run, root, "--days", "0")
    check_contract(data, 0)
    assert [i["contact"] for i in data["items"]] == ["jane-doe", "zoe"]
    assert data["upcoming"] == []
    data = status_json(run, root, "--days", "3")
    check_contract(data, 3)
    assert [(u["kind"], u["date"]) for u in data["upcoming"]] == [("call", "2026-11-24")]
    data = status_json(run, root, "--days", "38")
    check_contract(data, 38)
    assert [(i["contact"], i["rule"]) for i in data["items"]] == [
        ("jane-doe", "thank-you"), ("zoe", "keep-in-touch"), ("acme/peter", "nudge"),
        ("far", "scheduled")]
    assert [i["contact"] for i in status_json(run, root, "--days", "37")["items"]] == [
        "jane-doe", "zoe", "acme/peter"]


def test_small_vault_later_today(vault, run) -> None:
    root = vault(SMALL)
    data = status_json(run, root, today="2026-11-26")
    check_contract(data)
    assert data["today"] == "2026-11-26"
    # Peter: the nudge (11-23) stays his next follow-up; the scheduled one (11-25) is not shown.
    # Sofia: the interview is today, so it has happened: its thank-you is due, the
    # call's thank-you is over (the interview took over), and nothing is upcoming.
    assert [(i["contact"], i["rule"], i["due"], i["overdue_days"]) for i in data["items"]] == [
        ("jane-doe", "thank-you", "2026-11-21", 5), ("acme/peter", "nudge", "2026-11-23", 3),
        ("zoe", "keep-in-touch", "2026-11-26", 0), ("sofia", "thank-you", "2026-11-27", 0)]
    assert data["upcoming"] == []


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
    assert status_json(run, vault()) == {"today": "2026-11-22", "items": [], "upcoming": []}


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
        # the Hooli panel (an event note): a thank-you each, 24 h after 14:00
        ("grace-ho", "thank-you", "2026-11-20", 2),
        ("ivan-petrov", "thank-you", "2026-11-20", 2),
        ("lena-fischer", "thank-you", "2026-11-20", 2),
        ("globex/maria-garcia", "check-in", "2026-11-20", 2),
        ("initech/li-wei", "scheduled", "2026-11-20", 2),
        ("jane-doe", "thank-you", "2026-11-21", 1),
        ("alex-kim", "thank-you", "2026-11-22", 0),
        ("nina-rossi", "keep-in-touch", "2026-11-22", 0),
        # 11-22 is a Sunday: Priya's nudge and Carlos's congratulation wait for Monday.
        ("initech/david-levy", "thank-you", "2026-11-23", 0),
        ("marcus-hill", "thank-you", "2026-11-23", 0),  # the career fair's note, 48 h
        ("globex/priya-patel", "nudge", "2026-11-23", 0),
        ("carlos-mendez", "congratulate", "2026-11-23", 0),
        ("initech/hannah-schmidt", "nudge", "2026-11-25", 0),
        ("globex/emma-wilson", "scheduled", "2026-11-27", 0),
        ("yuki-tanaka", "nudge", "2026-11-28", 0),
        # Noah's nudge and Rachel's check-in (11-26) move past the Thanksgiving holidays.
    ]
    assert [(u["contact"], u["kind"], u["date"], u["time"]) for u in data["upcoming"]] == [
        ("globex/sofia-alvarez", "interview", "2026-11-24", "13:00")]
    jane = data["items"][7]
    assert jane == {"contact": "jane-doe", "name": "Jane Doe", "company": "Acme",
                    "rule": "thank-you", "due": "2026-11-21", "overdue_days": 1,
                    "reason": "thank-you after interview on 2026-11-20",
                    "path": "contacts/jane-doe.md"}
    grace = data["items"][2]  # from the panel's event note: says so
    assert (grace["contact"], grace["source"]) == (
        "grace-ho", "events/2026-11-19-hooli-panel-interview.md")
    assert grace["path"] == "contacts/grace-ho.md"


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
        # Once the snooze date is past, it is late counting from that date (spec 3).
        after = status_json(run, root, today="2026-11-24")["items"]
        assert [(i["due"], i["overdue_days"]) for i in after] == [("2026-11-22", 2)]
