"""Event notes, parsed and resolved without any I/O (spec 2.5)."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from pcrm.core.config import Config
from pcrm.core.attendance import Directory, attendance, merge, resolve_mentions
from pcrm.core.events import parse_event
from pcrm.core.model import Interaction
from pcrm.core.rules import pending

CONFIG = Config(timezone=dt.timezone.utc, timezone_name="UTC")
PEOPLE = Directory([("jane-doe", "Jane Doe"), ("peter-chen", "Peter Chen"),
                    ("alex-kim", "Alex Kim"), ("acme/sofia-alvarez", "Sofia Alvarez")],
                   companies=["Acme"])

FAIR = """\
---
date: 2026-11-18
time: "18:30"
kind: event
with: [jane-doe, "Peter Chen"]
skip: [alex-kim]
expect: 2026-11-27
---
# NYC Tech Career Fair

Talked to [[jane-doe]] about Swift 6 and to [[Peter Chen|Peter]] about the
platform team. Also met [[alex-kim]].

- [[acme/sofia-alvarez]] at the [[Acme]] booth: hiring juniors
- a recruiter whose name I missed

Jane Doe promised an intro.
"""


def parse(text: str, path: str = "events/fair.md"):
    return parse_event(path, textwrap.dedent(text).encode(), CONFIG)


def errors(parsed) -> list[str]:
    return [d.message for d in parsed.diagnostics if d.is_error]


def warnings(parsed) -> list[str]:
    return [d.message for d in parsed.diagnostics if not d.is_error]


def test_the_spec_example_gives_each_person_their_interaction() -> None:
    parsed = parse(FAIR)
    assert parsed.ok and parsed.diagnostics == []
    note = parsed.event
    assert (note.title, note.date, note.time, note.kind, note.expect, note.line) == (
        "NYC Tech Career Fair", dt.date(2026, 11, 18), dt.time(18, 30), "event",
        dt.date(2026, 11, 27), 9)
    people = attendance(note, PEOPLE, CONFIG)
    assert set(people) == {"jane-doe", "peter-chen", "alex-kim", "acme/sofia-alvarez"}
    jane = people["jane-doe"]
    assert (jane.kind, jane.klass, jane.title, jane.expect, jane.origin) == (
        "event", "meeting", "NYC Tech Career Fair", dt.date(2026, 11, 27), "events/fair.md")
    # the paragraphs that mention her: by link, and by her full name spelled out
    assert jane.notes == ("Talked to [[jane-doe]] about Swift 6 and to [[Peter Chen|Peter]] "
                          "about the\nplatform team. Also met [[alex-kim]].\n\n"
                          "Jane Doe promised an intro.")
    # a list item is its own paragraph
    assert people["acme/sofia-alvarez"].notes == \
        "- [[acme/sofia-alvarez]] at the [[Acme]] booth: hiring juniors"
    alex = people["alex-kim"]
    assert (alex.kind, alex.klass, alex.expect) == ("note", "note", None)
    assert "no follow-up" in alex.title


def test_links_in_code_inline_code_and_embeds_are_not_people() -> None:
    parsed = parse("""\
        ---
        date: 2026-11-18
        ---
        A link in `[[jane-doe]]` inline code, and ``[[peter-chen]]`` too.
        An embed: ![[alex-kim]]

        ```markdown
        [[acme/sofia-alvarez]]
        ```
        ~~~~
        [[jane-doe]]
        ~~~~
        Only [[Peter Chen]] here.
        """)
    refs = [m.ref for m in parsed.event.mentions]
    assert refs == ["Peter Chen"]
    people = attendance(parsed.event, PEOPLE, CONFIG)
    assert list(people) == ["peter-chen"]
    assert people["peter-chen"].notes == "Only [[Peter Chen]] here."


@pytest.mark.parametrize("link, who", [
    ("[[jane-doe]]", "jane-doe"),
    ("[[Jane Doe]]", "jane-doe"),
    ("[[jane doe]]", "jane-doe"),
    ("[[jane-doe|Jane]]", "jane-doe"),
    ("[[contacts/jane-doe.md|J]]", "jane-doe"),
    ("[[jane-doe#Notes]]", "jane-doe"),
    ("[[Sofia Alvarez]]", "acme/sofia-alvarez"),
])
def test_link_forms(link: str, who: str) -> None:
    parsed = parse(f"---\ndate: 2026-11-18\n---\nMet {link}.\n")
    assert list(attendance(parsed.event, PEOPLE, CONFIG)) == [who]


def test_a_link_never_matches_by_prefix_but_with_does() -> None:
    parsed = parse("---\ndate: 2026-11-18\nwith: jan, pet\n---\nMet [[ale]].\n")
    people, problems = resolve_mentions(parsed.event, PEOPLE)
    assert people == {"jane-doe": "with", "peter-chen": "with"}
    assert [p.message for p in problems] == [
        "link [[ale]] matches no contact (create it: pcrm event --create-missing events/fair.md)"]


def test_unknown_names_warn_with_did_you_mean_and_companies_do_not() -> None:
    parsed = parse("---\ndate: 2026-11-18\nwith: [jnae-doe]\n---\n\n"
                   "Met [[Petr Chen]] at [[Acme]] ([[companies/acme]]).\n")
    _people, problems = resolve_mentions(parsed.event, PEOPLE)
    assert [(p.line, p.col, p.severity, p.message) for p in problems] == [
        (3, 8, "warning", "with: 'jnae-doe' matches no contact; did you mean 'jane-doe'?"),
        (6, 5, "warning", "link [[Petr Chen]] matches no contact; did you mean 'Peter Chen'?"),
    ]


def test_with_and_skip_both_warn_and_skip_wins() -> None:
    parsed = parse("---\ndate: 2026-11-18\nwith:\n  - jane-doe\n  - alex-kim\n"
                   "skip: [alex-kim]\n---\nMet [[alex-kim]].\n")
    assert [(d.line, d.message) for d in parsed.diagnostics] == [
        (5, "'alex-kim' is in both with: and skip:; skipped (recorded as met, no follow-up)")]
    people = attendance(parsed.event, PEOPLE, CONFIG)
    assert people["alex-kim"].klass == "note" and people["jane-doe"].klass == "meeting"


@pytest.mark.parametrize("path, front, date, problem", [
    ("events/2026-11-18-nyc-fair.md", "", dt.date(2026, 11, 18), None),
    ("events/2026-11-18.md", "kind: interview", dt.date(2026, 11, 18), None),
    ("events/fair.md", "date: 2026-11-19", dt.date(2026, 11, 19), None),
    ("events/2026-11-18-fair.md", "date: 2026-11-19", dt.date(2026, 11, 19),
     "warning: date: 2026-11-19 differs from the file name's 2026-11-18; date: is used"),
    ("events/fair.md", "", None, "error: date: an event note needs 'date: YYYY-MM-DD'"),
    ("events/fair.md", "date: 2026-02-30", None, "error: front-matter: 2026-02-30 is not a valid"),
    ("events/fair.md", "date: soon", None, "error: date: must be a date YYYY-MM-DD, not 'soon'"),
    ("events/2026-02-30-fair.md", "", None, "error: date: the file name's date: 2026-02-30"),
])
def test_the_date_comes_from_date_or_the_file_name(path: str, front: str, date: dt.date | None,
                                                   problem: str | None) -> None:
    parsed = parse_event(path, f"---\n{front}\n---\n# Fair\n".encode(), CONFIG)
    found = [f"{d.severity}: {d.message}" for d in parsed.diagnostics]
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].startswith(problem)
    assert (parsed.event.date if parsed.event else None) == date


@pytest.mark.parametrize("front, problem", [
    ("kind: intervew", "kind: unknown interaction kind 'intervew'; did you mean 'interview'?"),
    ("kind: email", "kind: 'email' is not a meeting kind (one of: call, chat, coffee, event, "
                    "interview, meeting)"),
    ("expect: next week", "expect: must be a date YYYY-MM-DD, not 'next week'"),
    ("time: '25:00'", "time: '25:00' is not a time (use HH:MM, 00:00 to 23:59)"),
    ("with: 42", "with: must be a list of contacts, not 42"),
    ("with: [jane-doe, 3]", "with: must be a list of contacts (ids or names), not 3"),
])
def test_bad_values_are_errors_on_their_line(front: str, problem: str) -> None:
    parsed = parse(f"---\ndate: 2026-11-18\n{front}\n---\n")
    assert [(d.line, d.message) for d in parsed.diagnostics if d.is_error] == [(3, problem)]


def test_a_note_without_front_matter_and_a_title_from_the_file_name() -> None:
    parsed = parse_event("events/2026-11-18-brooklyn-swift-meetup.md",
                         b"Met [[jane-doe]].\r\n", CONFIG)
    assert parsed.ok
    assert (parsed.event.title, parsed.event.kind) == ("brooklyn swift meetup", "event")


def test_broken_yaml_is_an_error_and_no_note() -> None:
    parsed = parse("---\ndate: 2026-11-18\ndate: 2026-11-19\n---\n")
    assert parsed.event is None and "duplicate key 'date'" in errors(parsed)[0]


def test_two_notes_about_the_same_person_both_count_in_order() -> None:
    fair = parse("---\ndate: 2026-11-18\n---\nMet [[jane-doe]].\n", "events/fair.md")
    panel = parse("---\ndate: 2026-11-20\ntime: '10:00'\nkind: interview\nwith: [jane-doe]\n"
                  "---\n# Onsite panel\n", "events/panel.md")
    own = [Interaction(dt.date(2026, 11, 19), None, "email", "outbound", "thanks", None, 9, 0)]
    derived = [attendance(note.event, PEOPLE, CONFIG)["jane-doe"] for note in (panel, fair)]
    merged = merge(own, derived)
    assert [(i.date.day, i.kind, i.origin) for i in merged] == [
        (18, "event", "events/fair.md"), (20, "interview", "events/panel.md"), (19, "email", "")]
    from pcrm.core.model import Contact

    jane = Contact("jane-doe", "contacts/jane-doe.md", "Jane Doe", {}, interactions=merged)
    due = pending(jane, CONFIG, dt.date(2026, 11, 20))
    # the fair was answered by the email; the panel interview needs its own thank-you
    assert [(f.rule, f.source.origin) for f in due if f.rule == "thank-you"] == [
        ("thank-you", "events/panel.md")]


def test_an_email_logged_the_same_evening_answers_the_event() -> None:
    fair = parse("---\ndate: 2026-11-18\ntime: '18:30'\n---\nMet [[jane-doe]].\n")
    own = [Interaction(dt.date(2026, 11, 18), None, "email", "outbound", "thanks", None, 9, 0)]
    merged = merge(own, [attendance(fair.event, PEOPLE, CONFIG)["jane-doe"]])
    from pcrm.core.model import Contact

    jane = Contact("jane-doe", "contacts/jane-doe.md", "Jane Doe", {}, interactions=merged)
    # The email is the event's thank-you: nothing is due, and a thank-you starts no nudge.
    assert [f.rule for f in pending(jane, CONFIG, dt.date(2026, 11, 19))] == []
    alone = Contact("jane-doe", "contacts/jane-doe.md", "Jane Doe", {},
                    interactions=[attendance(fair.event, PEOPLE, CONFIG)["jane-doe"]])
    assert [f.rule for f in pending(alone, CONFIG, dt.date(2026, 11, 19))] == ["thank-you"]


def test_a_renamed_contact_is_still_found_by_name_and_the_old_id_gets_a_hint() -> None:
    renamed = Directory([("jane-smith", "Jane Doe")])
    parsed = parse("---\ndate: 2026-11-18\n---\n[[Jane Doe]] and [[jane-doe]].\n")
    people, problems = resolve_mentions(parsed.event, renamed)
    assert people == {"jane-smith": "with"}
    assert [p.message for p in problems] == [
        "link [[jane-doe]] matches no contact; did you mean 'Jane Doe'?"]


@pytest.mark.parametrize("name, text", [
    ("jane doe", "talked to jane doe about swift"), ("jane doe", "jane doe"),
    ("jane", "janet and jane_x"), ("jane", "mary-jane, then jane."), ("li", "lin li"),
    ("zoë", "zoëa zoë"), ("zoë", "zoëa"), ("o'neil", "x o'neil's"), ("a", "ba ab a1 _a"),
    ("ana", "banana ana"), ("łukasz", "łukasz2 łukasz"), ("x", ""),
])
def test_a_spelled_name_is_found_as_whole_words_as_the_regex_did(name: str, text: str) -> None:
    import re

    from pcrm.core.attendance import _spelled

    pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
    assert _spelled(name, text) == bool(pattern.search(text))
