"""A brief's next follow-up is exactly the one the rules give, whatever path built it.

The agenda builds each due contact's follow-up from its brief (no record decoded,
no rule run): here every case is compared, field by field, with
:func:`pcrm.core.rules.next_follow_up` on the same parsed contact.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from pcrm.core.brief import brief_of
from pcrm.core.config import parse_config
from pcrm.core.parse import parse_contact
from pcrm.core.records import summarize
from pcrm.core.rules import FollowUp, next_follow_up
from pcrm.core.model import Interaction

from helpers import contact

TODAY = dt.date(2026, 11, 22)
PATH = "contacts/team/jane-doe.md"
CASES = {
    "thank-you, timed": contact(log="## 2026-11-21 14:00 interview: onsite\n"),
    "nudge": contact(log="## 2026-11-10 email: hi\n"),
    "scheduled": contact(follow_up="2026-11-20"),
    "keep in touch, nothing logged": contact(cadence="30d"),
    "snoozed past its due date": contact(log="## 2026-11-10 email: hi\n", snooze="2026-11-25"),
    "snoozed before its due date": contact(follow_up="2026-11-28", snooze="2026-11-24"),
    "keep in touch, snoozed": contact(cadence="30d", snooze="2026-11-23"),
    "expect date": contact(log="## 2026-11-14 interview: screen (expect 2026-11-18)\n"),
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("today", [TODAY, dt.date(2026, 11, 24), dt.date(2027, 1, 30)])
def test_the_briefs_follow_up_is_the_rules(text: str, today: dt.date) -> None:
    config = parse_config("timezone: Europe/Paris\n")
    parsed = parse_contact(PATH, text.encode("utf-8"), config)
    assert parsed.ok, [str(d) for d in parsed.diagnostics]
    assert parsed.contact is not None
    expected = next_follow_up(parsed.contact, config, today)
    parsed.contact = summarize(parsed.contact, config)
    got = brief_of(parsed).next_follow_up(PATH, today)
    assert got == expected
    if expected is not None:
        assert got is not None
        assert vars(got) == {f.name: getattr(expected, f.name)
                             for f in dataclasses.fields(FollowUp)}
        if expected.source is not None:
            assert vars(got.source) == {f.name: getattr(expected.source, f.name)
                                        for f in dataclasses.fields(Interaction)}
        assert hash(got) == hash(expected)  # a timed deadline: the same instant


def test_every_case_is_due_on_some_day() -> None:
    """The table tests something: each case has a follow-up on one of the days."""
    config = parse_config("")
    for text in CASES.values():
        parsed = parse_contact(PATH, text.encode("utf-8"), config)
        assert parsed.contact is not None
        assert any(next_follow_up(parsed.contact, config, day) is not None
                   for day in (TODAY, dt.date(2026, 11, 24), dt.date(2027, 1, 30)))


def test_lazy_files_find_a_folders_paths_sorted_or_not() -> None:
    """``under`` by bisection over the walk's sorted paths, by a scan once a path was
    added out of order; always the same paths as a plain scan, in the same order."""
    from pcrm.store.lazyfiles import LazyFiles

    def scan(files: LazyFiles, folder: str) -> list[str]:
        return [path for path in files if path.startswith(folder + "/")]

    order = sorted(["companies/acme.md", "contacts/a.md", "contacts/b/c.md", "contacts/b.md",
                    "contacts0.md", "events/2026-11-01-fair.md", "events/x/y.md", "eventsz.md"])
    files = LazyFiles(order, {}, {}, lambda paths: {}, lambda path: None)  # type: ignore[arg-type]
    for folder in ("companies", "contacts", "events", "nothing"):
        assert files.under(folder) == scan(files, folder)
    assert files.under("events") == ["events/2026-11-01-fair.md", "events/x/y.md"]
    files.put_record("contacts/0-first.md", b"")  # after the others: no longer sorted
    assert files.under("contacts") == scan(files, "contacts")
    assert files.under("contacts")[-1] == "contacts/0-first.md"
