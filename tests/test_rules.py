"""The follow-up rules of spec 3, one table row per behaviour, with today pinned.

Every contact here is real contact text parsed by :func:`pcrm.parse.parse_contact`
and every config is real ``.pcrm.yaml`` text parsed by
:func:`pcrm.config.parse_config`: no hand-built objects, no mocks.
"""
from __future__ import annotations

import datetime as dt
import json
import textwrap
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pcrm.core.config import Config, parse_config
from pcrm.core.model import Contact
from pcrm.core.parse import parse_contact
from pcrm.core.rules import RULES, agenda, next_follow_up, pending

from helpers import contact

TODAY = dt.date(2026, 11, 22)


def make(text: str, config_text: str = "", path: str = "contacts/jane-doe.md"
         ) -> tuple[Contact, Config]:
    """Parse contact text with a config; the file must be free of errors."""
    config = parse_config(textwrap.dedent(config_text))
    parsed = parse_contact(path, text.encode("utf-8"), config)
    assert parsed.ok, [str(d) for d in parsed.diagnostics]
    assert parsed.contact is not None
    return parsed.contact, config


def due_list(text: str, config_text: str = "", today: dt.date = TODAY) -> list[tuple[str, str]]:
    person, config = make(text, config_text)
    return [(f.rule, f.due.isoformat()) for f in pending(person, config, today)]


KINDS_CONFIG = """
kinds:
  interview: 72h
  event: 1w
  demo: {class: meeting, window: 3d}
  text: {class: outbound}
  ping: {class: inbound}
"""
NUDGE_CONFIG = """
nudge:
  after: 3d
  limit: 1
"""
TAG_CONFIG = """
cadence:
  tags:
    mentor: 30d
    recruiter: 60d
    friend: none
"""
DEFAULT_CONFIG = """
cadence:
  default: 90d
  tags:
    recruiter: 60d
"""

# (id, front-matter fields, log, config, expected pending follow-ups, earliest first)
CASES: list[tuple[str, dict[str, str], str, str, list[tuple[str, str]]]] = [
    # -- thank-you: per-kind windows
    # (an interview also gives a check-in a week later: see "check-in after an interview")
    ("interview-24h", {}, "## 2026-11-20 interview: phone screen\n", "",
     [("thank-you", "2026-11-21"), ("check-in", "2026-11-27")]),
    ("coffee-24h", {}, "## 2026-11-20 coffee\n", "", [("thank-you", "2026-11-21")]),
    ("call-24h", {}, "## 2026-11-20 call\n", "", [("thank-you", "2026-11-21")]),
    ("meeting-24h", {}, "## 2026-11-20 meeting\n", "", [("thank-you", "2026-11-21")]),
    ("chat-24h", {}, "## 2026-11-20 chat\n", "", [("thank-you", "2026-11-21")]),
    ("event-48h", {}, "## 2026-11-20 event: career fair\n", "", [("thank-you", "2026-11-22")]),
    ("window-from-config", {}, "## 2026-11-20 interview\n", KINDS_CONFIG,
     [("thank-you", "2026-11-23"), ("check-in", "2026-11-27")]),
    ("event-window-in-weeks", {}, "## 2026-11-20 event\n", KINDS_CONFIG,
     [("thank-you", "2026-11-27")]),
    ("custom-meeting-kind", {}, "## 2026-11-20 demo: product demo\n", KINDS_CONFIG,
     [("thank-you", "2026-11-23")]),
    ("custom-kind-default-window", {}, "## 2026-11-20 lunch\n",
     "kinds:\n  lunch: {class: meeting}\n", [("thank-you", "2026-11-21")]),
    ("custom-kind-any-case", {}, "## 2026-11-20 Demo: product demo\n",
     "kinds:\n  DEMO: {class: meeting, window: 48h}\n", [("thank-you", "2026-11-22")]),
    ("custom-kind-with-dash-and-accents", {},
     "## 2026-11-20 réunion\n\n## 2026-11-21 phone-screen\n",
     "kinds:\n  Réunion: {class: meeting}\n  phone-screen: {class: meeting, window: 2d}\n",
     [("thank-you", "2026-11-23")]),
    # -- thank-you: answered by an outbound after the meeting (it starts no nudge clock)
    ("thank-you-answered", {}, "## 2026-11-20 coffee\n\n## 2026-11-20 email: thanks\n", "", []),
    ("thank-you-answered-interview-leaves-check-in", {},
     "## 2026-11-20 interview\n\n## 2026-11-20 email: thanks\n", "",
     [("check-in", "2026-11-27")]),
    ("thank-you-answered-by-custom-outbound", {},
     "## 2026-11-20 coffee\n\n## 2026-11-21 text: thanks\n", KINDS_CONFIG, []),
    ("inbound-does-not-answer-thank-you", {},
     "## 2026-11-20 interview\n\n## 2026-11-21 reply: nice meeting you\n", "",
     [("thank-you", "2026-11-21")]),
    ("note-does-not-answer-thank-you", {},
     "## 2026-11-20 coffee\n\n## 2026-11-21 note: remember the dog's name\n", "",
     [("thank-you", "2026-11-21")]),
    ("outbound-before-meeting-does-not-answer", {},
     "## 2026-11-19 email: agenda\n\n## 2026-11-20 coffee\n", "",
     [("thank-you", "2026-11-21")]),
    ("only-the-latest-meeting", {},
     "## 2026-11-01 coffee\n\n## 2026-11-02 email: thanks\n\n## 2026-11-03 reply: ok\n\n"
     "## 2026-11-20 event\n", "", [("thank-you", "2026-11-22")]),
    # -- same-day ordering: time, then position in the file (an answered coffee: nothing)
    ("later-time-answers-even-above-in-file", {},
     "## 2026-11-20 18:00 email: thank-you\n\n## 2026-11-20 14:00 coffee\n", "",
     []),
    ("earlier-time-does-not-answer-even-below-in-file", {},
     "## 2026-11-20 14:00 coffee\n\n## 2026-11-20 09:00 email: confirming\n", "",
     [("thank-you", "2026-11-21")]),
    ("earlier-time-above-in-file-does-not-answer", {},
     "## 2026-11-20 09:00 email: confirming\n\n## 2026-11-20 14:00 coffee\n", "",
     [("thank-you", "2026-11-21")]),
    ("untimed-same-day-by-file-order-answers", {},
     "## 2026-11-20 coffee\n\n## 2026-11-20 email: thanks\n", "", []),
    ("untimed-same-day-by-file-order-does-not-answer", {},
     "## 2026-11-20 email: agenda\n\n## 2026-11-20 coffee\n", "",
     [("thank-you", "2026-11-21")]),
    ("untimed-below-a-timed-meeting-answers", {},
     "## 2026-11-20 15:00 coffee\n\n## 2026-11-20 email: thanks\n", "",
     []),
    ("untimed-above-a-timed-meeting-does-not-answer", {},
     "## 2026-11-20 email: agenda\n\n## 2026-11-20 15:00 coffee\n", "",
     [("thank-you", "2026-11-21")]),
    ("dates-beat-file-order", {},
     "## 2026-11-21 email: thanks\n\n## 2026-11-20 coffee\n", "", []),
    # -- nudge: 7 days after the last outbound; a run is 1 message + nudges
    ("nudge-after-7-days", {}, "## 2026-11-10 email: question\n", "", [("nudge", "2026-11-17")]),
    ("nudge-second", {}, "## 2026-11-10 linkedin: hi\n\n## 2026-11-17 email: nudge\n", "",
     [("nudge", "2026-11-24")]),
    ("quiet-after-two-nudges", {},
     "## 2026-10-20 linkedin: hi\n\n## 2026-10-28 email: nudge\n\n## 2026-11-05 email: nudge 2\n",
     "", []),
    ("reply-ends-the-run", {},
     "## 2026-10-01 email: a\n\n## 2026-10-08 email: b\n\n## 2026-10-15 email: c\n\n"
     "## 2026-10-16 reply: sorry!\n\n## 2026-11-01 email: new topic\n\n"
     "## 2026-11-08 email: nudge\n",
     "", [("nudge", "2026-11-16")]),  # 11-15 is a Sunday
    ("meeting-ends-the-run", {},
     "## 2026-10-01 email: a\n\n## 2026-10-08 email: b\n\n## 2026-10-15 email: c\n\n"
     "## 2026-11-12 coffee\n\n## 2026-11-12 email: thanks\n\n## 2026-11-13 email: intro?\n",
     "", [("nudge", "2026-11-20")]),
    ("notes-do-not-count-in-a-run", {},
     "## 2026-11-01 email: a\n\n## 2026-11-02 note: waiting\n\n## 2026-11-08 email: nudge\n",
     "", [("nudge", "2026-11-16")]),
    ("reply-answers", {}, "## 2026-11-10 email: question\n\n## 2026-11-11 reply: answer\n", "", []),
    ("same-day-reply-above-in-file-but-later", {},
     "## 2026-11-10 17:00 reply: answer\n\n## 2026-11-10 09:00 email: question\n", "", []),
    ("nudge-after-from-config", {}, "## 2026-11-10 email: question\n", NUDGE_CONFIG,
     [("nudge", "2026-11-13")]),
    ("nudge-limit-from-config", {}, "## 2026-11-10 email: a\n\n## 2026-11-13 email: nudge\n",
     NUDGE_CONFIG, []),
    ("nudge-after-in-weeks", {}, "## 2026-11-10 email: a\n", "nudge:\n  after: 2w\n",
     [("nudge", "2026-11-24")]),
    ("nudge-limit-3", {},
     "## 2026-10-01 email: a\n\n## 2026-10-08 email: b\n\n## 2026-10-15 email: c\n",
     "nudge:\n  limit: 3\n", [("nudge", "2026-10-22")]),
    ("custom-inbound-answers", {}, "## 2026-11-10 email: a\n\n## 2026-11-12 ping: ok\n",
     KINDS_CONFIG, []),
    # -- check-in from (expect DATE)
    ("check-in-day-after", {},
     "## 2026-11-12 interview: onsite (expect 2026-11-19)\n\n## 2026-11-12 email: thanks\n", "",
     [("check-in", "2026-11-20")]),
    ("check-in-suppresses-nudge", {}, "## 2026-11-10 email: applied (expect 2026-11-30)\n", "",
     [("check-in", "2026-12-01")]),
    ("check-in-cleared-by-inbound", {},
     "## 2026-11-12 interview (expect 2026-11-19)\n\n## 2026-11-12 email: thanks\n\n"
     "## 2026-11-18 reply: offer!\n", "", []),
    ("check-in-cleared-by-meeting", {},
     "## 2026-11-12 interview (expect 2026-11-19)\n\n## 2026-11-12 email: thanks\n\n"
     "## 2026-11-21 call: debrief\n", "", [("thank-you", "2026-11-22")]),
    ("outbound-on-date-does-not-clear", {},
     "## 2026-11-12 interview (expect 2026-11-19)\n\n## 2026-11-12 email: thanks\n\n"
     "## 2026-11-19 email: any news?\n", "", [("check-in", "2026-11-20")]),
    ("outbound-after-date-clears", {},
     "## 2026-11-12 interview (expect 2026-11-19)\n\n## 2026-11-12 email: thanks\n\n"
     "## 2026-11-20 email: any news?\n", "", [("nudge", "2026-11-27")]),
    ("check-in-and-thank-you", {}, "## 2026-11-20 interview (expect 2026-12-09)\n", "",
     [("thank-you", "2026-11-21"), ("check-in", "2026-12-10")]),
    # -- scheduled (follow_up:)
    ("scheduled", {"follow_up": "2026-11-25"}, "## 2026-11-01 reply: later\n", "",
     [("scheduled", "2026-11-25")]),
    ("scheduled-cleared-by-outbound-on-date", {"follow_up": "2026-11-20"},
     "## 2026-11-20 email: following up\n", "", [("nudge", "2026-11-27")]),
    ("scheduled-cleared-by-meeting-after-date", {"follow_up": "2026-11-20"},
     "## 2026-11-21 coffee\n", "", [("thank-you", "2026-11-22")]),
    ("scheduled-cleared-by-outbound-3-days-before", {"follow_up": "2026-11-20"},
     "## 2026-11-17 email: a little early\n", "", [("nudge", "2026-11-24")]),
    ("scheduled-not-cleared-by-outbound-4-days-before", {"follow_up": "2026-11-20"},
     "## 2026-11-16 email: early\n", "", [("scheduled", "2026-11-20"), ("nudge", "2026-11-23")]),
    ("scheduled-on-a-weekend-stays", {"follow_up": "2026-11-21"}, "", "",
     [("scheduled", "2026-11-21")]),
    ("scheduled-not-cleared-by-inbound", {"follow_up": "2026-11-20"},
     "## 2026-11-21 reply: hi\n", "", [("scheduled", "2026-11-20")]),
    ("scheduled-with-no-log", {"follow_up": "2026-12-01"}, "", "", [("scheduled", "2026-12-01")]),
    # -- keep-in-touch
    ("cadence-days", {"cadence": "30d"}, "## 2026-10-02 reply: hi\n", "",
     [("keep-in-touch", "2026-11-02")]),
    ("cadence-on-a-saturday-moves-to-monday", {"cadence": "30d"}, "## 2026-10-01 reply: hi\n",
     "", [("keep-in-touch", "2026-11-02")]),
    ("cadence-weeks", {"cadence": "2w"}, "## 2026-11-02 reply: hi\n", "",
     [("keep-in-touch", "2026-11-16")]),
    ("cadence-months-clamps-to-month-end", {"cadence": "1m"}, "## 2026-10-31 reply: hi\n", "",
     [("keep-in-touch", "2026-11-30")]),
    ("cadence-3-months-clamps", {"cadence": "3m"}, "## 2026-08-31 reply: hi\n", "",
     [("keep-in-touch", "2026-11-30")]),
    ("cadence-year", {"cadence": "1y"}, "## 2025-12-01 reply: hi\n", "",
     [("keep-in-touch", "2026-12-01")]),
    ("cadence-nothing-logged-due-today", {"cadence": "30d"}, "", "",
     [("keep-in-touch", "2026-11-22")]),
    ("cadence-only-notes-due-today", {"cadence": "30d"}, "## 2026-11-01 note: read her blog\n",
     "", [("keep-in-touch", "2026-11-22")]),
    ("notes-ignored-for-last-interaction", {"cadence": "30d"},
     "## 2026-10-02 reply: hi\n\n## 2026-11-15 note: saw her talk online\n", "",
     [("keep-in-touch", "2026-11-02")]),
    ("any-class-but-note-counts", {"cadence": "30d"},
     "## 2026-10-01 reply: hi\n\n## 2026-10-20 coffee\n\n## 2026-10-20 email: thanks\n\n"
     "## 2026-10-21 reply: likewise\n", "", [("keep-in-touch", "2026-11-20")]),
    ("tag-cadence", {"tags": "[mentor]"}, "## 2026-11-01 reply: hi\n", TAG_CONFIG,
     [("keep-in-touch", "2026-12-01")]),
    ("shortest-tag-cadence-wins", {"tags": "[recruiter, mentor]"}, "## 2026-11-01 reply: hi\n",
     TAG_CONFIG, [("keep-in-touch", "2026-12-01")]),
    ("tag-cadence-none-with-another-tag", {"tags": "[friend, recruiter]"},
     "## 2026-11-01 reply: hi\n", TAG_CONFIG, [("keep-in-touch", "2026-12-31")]),
    ("tag-cadence-none", {"tags": "[friend]"}, "## 2026-11-01 reply: hi\n", TAG_CONFIG, []),
    ("contact-cadence-beats-tags", {"cadence": "10d", "tags": "[mentor]"},
     "## 2026-11-01 reply: hi\n", TAG_CONFIG, [("keep-in-touch", "2026-11-11")]),
    ("contact-cadence-none-opts-out-despite-tags", {"cadence": "none", "tags": "[mentor]"},
     "## 2026-11-01 reply: hi\n", TAG_CONFIG, []),
    ("contact-cadence-none-opts-out-of-default", {"cadence": "none"}, "", DEFAULT_CONFIG, []),
    ("vault-default-cadence", {}, "## 2026-09-01 reply: hi\n", DEFAULT_CONFIG,
     [("keep-in-touch", "2026-11-30")]),
    ("tag-beats-vault-default", {"tags": "[recruiter]"}, "## 2026-09-01 reply: hi\n",
     DEFAULT_CONFIG, [("keep-in-touch", "2026-11-02")]),
    ("untagged-contact-in-tag-config-opts-out", {}, "## 2026-11-01 reply: hi\n", TAG_CONFIG, []),
    ("keep-in-touch-is-opt-in", {}, "## 2026-01-01 reply: hi\n", "", []),
    ("nothing-logged-nothing-owed", {}, "", "", []),
    # -- status
    ("paused-gives-nothing", {"status": "paused", "cadence": "30d", "follow_up": "2026-11-01"},
     "## 2026-11-20 interview\n", "", []),
    ("archived-gives-nothing", {"status": "archived", "cadence": "30d"},
     "## 2026-11-10 email: hi\n", "", []),
    ("active-explicit", {"status": "active"}, "## 2026-11-20 coffee\n", "",
     [("thank-you", "2026-11-21")]),
    # -- snooze
    ("snooze-moves-due-dates", {"snooze": "2026-11-28"}, "## 2026-11-10 email: hi\n", "",
     [("nudge", "2026-11-28")]),
    # the snooze date stays the due date once past: late counting from it (spec 3)
    ("snooze-in-the-past-keeps-its-date", {"snooze": "2026-11-20"},
     "## 2026-11-10 email: hi\n", "", [("nudge", "2026-11-20")]),
    ("snooze-before-the-due-date-has-no-effect", {"snooze": "2026-11-12"},
     "## 2026-11-10 email: hi\n", "", [("nudge", "2026-11-17")]),
    ("snooze-until-today-is-due-today", {"snooze": "2026-11-22"}, "## 2026-11-10 email: hi\n",
     "", [("nudge", "2026-11-22")]),
    ("snooze-keeps-later-dates", {"snooze": "2026-11-25", "cadence": "1m"},
     "## 2026-11-10 email: hi\n", "",
     [("nudge", "2026-11-25"), ("keep-in-touch", "2026-12-10")]),
    # -- ties: the order of the table
    ("ties-thank-you-check-in-keep-in-touch",
     {"cadence": "1d"}, "## 2026-11-22 coffee (expect 2026-11-22)\n",
     "", [("thank-you", "2026-11-23"), ("check-in", "2026-11-23"),
          ("keep-in-touch", "2026-11-23")]),
    ("ties-nudge-scheduled-keep-in-touch-congratulate",
     {"follow_up": "2026-11-24", "cadence": "7d"},
     "## 2026-11-17 email: hi\n\n## 2026-11-21 news: gave a talk at KubeCon\n", "",
     [("nudge", "2026-11-24"), ("scheduled", "2026-11-24"), ("keep-in-touch", "2026-11-24"),
      ("congratulate", "2026-11-24")]),
    # -- channels: which outbound is the thank-you (answered_by)
    ("connection-request-after-interview-is-not-the-thank-you", {},
     "## 2026-11-20 interview\n\n## 2026-11-20 linkedin: connected\n", "",
     [("thank-you", "2026-11-21"), ("check-in", "2026-11-27")]),
    ("connection-request-after-coffee-is-not-the-thank-you", {},
     "## 2026-11-20 coffee\n\n## 2026-11-20 connect: hi\n", "",
     [("thank-you", "2026-11-21"), ("nudge", "2026-11-27")]),
    ("connection-request-after-event-is-the-thank-you", {},
     "## 2026-11-20 event: career fair\n\n## 2026-11-20 linkedin: note about the talk\n", "",
     []),
    ("email-after-event-is-the-thank-you", {},
     "## 2026-11-20 event: career fair\n\n## 2026-11-21 email: thanks\n", "", []),
    ("answered-by-from-config", {},
     "## 2026-11-20 coffee\n\n## 2026-11-20 linkedin: hi\n",
     "kinds:\n  coffee: {answered_by: [message, connect]}\n", []),
    ("custom-connect-kind", {},
     "## 2026-11-20 interview\n\n## 2026-11-20 follow: on GitHub\n",
     "kinds:\n  follow: {class: outbound, channel: connect}\n",
     [("thank-you", "2026-11-21"), ("check-in", "2026-11-27")]),
    # -- a thank-you is not a request: only asking outbound is nudged
    ("thank-you-starts-no-nudge", {},
     "## 2026-11-10 10:00 coffee\n\n## 2026-11-10 18:00 email: thank you\n", "", []),
    ("late-thank-you-starts-no-nudge", {},
     "## 2026-11-02 coffee\n\n## 2026-11-09 email: sorry for the delay, thank you\n", "", []),
    ("asking-after-the-thank-you-is-nudged", {},
     "## 2026-11-10 coffee\n\n## 2026-11-10 email: thanks\n\n"
     "## 2026-11-12 email: could you introduce me to Peter?\n", "", [("nudge", "2026-11-19")]),
    ("nudges-count-asking-messages-only", {},
     "## 2026-11-02 coffee\n\n## 2026-11-02 email: thanks\n\n## 2026-11-03 email: ask\n\n"
     "## 2026-11-10 email: nudge 1\n", "", [("nudge", "2026-11-17")]),
    # -- check-in after an interview (check_in), and from (expect DATE) on a working day
    ("interview-check-in-a-week-later", {},
     "## 2026-11-12 interview: onsite\n\n## 2026-11-12 email: thanks\n", "",
     [("check-in", "2026-11-19")]),
    ("interview-check-in-on-their-date", {},
     "## 2026-11-12 interview: onsite (expect 2026-11-17)\n\n## 2026-11-12 email: thanks\n",
     "", [("check-in", "2026-11-18")]),
    ("expect-friday-checks-in-monday", {},
     "## 2026-11-12 interview: onsite (expect 2026-11-20)\n\n## 2026-11-12 email: thanks\n",
     "", [("check-in", "2026-11-23")]),
    ("interview-check-in-cleared-by-reply", {},
     "## 2026-11-12 interview\n\n## 2026-11-12 email: thanks\n\n## 2026-11-16 reply: soon\n",
     "", []),
    ("interview-check-in-done-then-nudged", {},
     "## 2026-11-05 interview\n\n## 2026-11-05 email: thanks\n\n"
     "## 2026-11-12 email: checking in\n", "", [("nudge", "2026-11-19")]),
    ("thank-you-email-does-not-do-the-check-in", {},
     "## 2026-11-05 interview\n\n## 2026-11-11 email: thanks (late)\n", "",
     [("check-in", "2026-11-12")]),
    ("check-in-from-config", {},
     "## 2026-11-02 coffee\n\n## 2026-11-02 email: thanks\n",
     "kinds:\n  coffee: {check_in: 2w}\n", [("check-in", "2026-11-16")]),
    ("check-in-off-in-config", {},
     "## 2026-11-12 interview\n\n## 2026-11-12 email: thanks\n",
     "kinds:\n  interview: {check_in: none}\n", []),
    # -- working days and holidays
    ("weekend-nudge-moves-to-monday", {}, "## 2026-11-07 email: question\n", "",
     [("nudge", "2026-11-16")]),
    ("holiday-nudge-moves-to-the-next-working-day", {}, "## 2026-11-19 email: question\n",
     "holidays: [2026-11-26]\n", [("nudge", "2026-11-27")]),
    ("holidays-in-a-row-and-a-weekend", {}, "## 2026-11-19 email: question\n",
     "holidays: [2026-11-26, 2026-11-27, 2026-11-30]\n", [("nudge", "2026-12-01")]),
    ("workdays-from-config", {}, "## 2026-11-07 email: question\n",
     "workdays: [sun, mon, tue, wed, thu]\n", [("nudge", "2026-11-15")]),
    ("thank-you-window-is-exact-on-a-weekend", {}, "## 2026-11-20 coffee\n",
     "kinds:\n  coffee: 24h\n", [("thank-you", "2026-11-21")]),
    # -- news: congratulate
    ("job-change-congratulate", {}, "## 2026-11-16 job-change: Staff Engineer at Hooli\n", "",
     [("congratulate", "2026-11-19")]),
    ("news-congratulate-on-a-weekend-moves", {}, "## 2026-11-18 news: promoted\n", "",
     [("congratulate", "2026-11-23")]),
    ("congratulation-answered-by-any-outbound", {},
     "## 2026-11-16 news: promoted\n\n## 2026-11-17 linkedin: congrats!\n", "", []),
    ("congratulation-starts-no-nudge", {},
     "## 2026-11-16 news: promoted\n\n## 2026-11-17 email: congratulations\n", "", []),
    ("news-is-not-the-last-interaction", {"cadence": "30d"},
     "## 2026-10-02 reply: hi\n\n## 2026-11-16 news: promoted\n", "",
     [("keep-in-touch", "2026-11-02"), ("congratulate", "2026-11-19")]),
    # -- upcoming meetings: no thank-you before they happen
    ("upcoming-meeting-is-not-a-follow-up", {}, "## 2026-11-25 interview: onsite\n", "", []),
    ("upcoming-meeting-leaves-the-past-thank-you", {},
     "## 2026-11-20 coffee\n\n## 2026-11-25 interview: onsite\n", "",
     [("thank-you", "2026-11-21")]),
    ("upcoming-meeting-ends-a-nudge-run", {},
     "## 2026-11-10 email: coffee?\n\n## 2026-11-30 coffee\n", "", []),
    ("meeting-today-has-happened", {}, "## 2026-11-22 09:00 call\n", "",
     [("thank-you", "2026-11-23")]),
    # -- quiet: no more nudges after the limit
    ("quiet-after-the-limit-even-with-a-thank-you-between", {},
     "## 2026-10-01 coffee\n\n## 2026-10-01 email: thanks\n\n## 2026-10-05 email: ask\n\n"
     "## 2026-10-12 email: nudge 1\n\n## 2026-10-19 email: nudge 2\n", "", []),
]


@pytest.mark.parametrize("fields, log, config_text, expected",
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_rule(fields: dict[str, str], log: str, config_text: str,
              expected: list[tuple[str, str]]) -> None:
    assert due_list(contact(log=log, **fields), config_text) == expected


def test_case_ids_are_unique() -> None:
    assert len({case[0] for case in CASES}) == len(CASES)


def test_every_rule_is_covered_by_the_table() -> None:
    seen = {rule for case in CASES for rule, _due in case[4]}
    assert seen == set(RULES)


# -- details that a (rule, due) pair does not show ---------------------------------------

def test_timed_interview_due_at_in_config_timezone() -> None:
    person, config = make(contact(log="## 2026-11-21 15:00 interview: onsite\n"),
                          "timezone: America/New_York\n")
    item, check_in = pending(person, config, TODAY)
    assert (check_in.rule, check_in.due, check_in.due_at) == \
        ("check-in", dt.date(2026, 11, 30), None)  # 11-28 is a Saturday
    assert item.rule == "thank-you"
    assert item.due == dt.date(2026, 11, 22)
    assert item.due_at == dt.datetime(2026, 11, 22, 15, 0, tzinfo=ZoneInfo("America/New_York"))
    assert item.due_at.utcoffset() == dt.timedelta(hours=-5)
    assert item.reason == "thank-you after interview on 2026-11-21 15:00"


def test_timed_event_window_48h() -> None:
    person, config = make(contact(log="## 2026-11-20 23:30 event: hackathon\n"),
                          "timezone: Europe/Paris\n")
    [item] = pending(person, config, TODAY)
    assert item.due_at == dt.datetime(2026, 11, 22, 23, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert item.due == dt.date(2026, 11, 22)


def test_hour_windows_are_elapsed_time_across_a_clock_change() -> None:
    # Clocks go back at 02:00 on 2026-11-01 in New York: 24 h after 00:30 EDT
    # is 23:30 EST on the same date.
    person, config = make(contact(log="## 2026-11-01 00:30 call: late call\n"),
                          "timezone: America/New_York\n")
    [item] = pending(person, config, TODAY)
    assert item.due_at is not None
    assert item.due_at.astimezone(dt.timezone.utc) == \
        dt.datetime(2026, 11, 2, 4, 30, tzinfo=dt.timezone.utc)
    assert item.due == dt.date(2026, 11, 1)


def test_untimed_meeting_has_no_due_at() -> None:
    person, config = make(contact(log="## 2026-11-21 coffee\n"))
    [item] = pending(person, config, TODAY)
    assert item.due_at is None and item.due == dt.date(2026, 11, 22)


def test_nudge_reason_counts_the_nudges() -> None:
    person, config = make(contact(log="## 2026-11-10 linkedin: hi\n\n## 2026-11-17 email: n1\n"))
    [item] = pending(person, config, TODAY)
    assert item.reason == "no reply to email on 2026-11-17 (nudge 2 of 2)"
    assert item.source is not None and item.source.title == "n1"


def test_check_in_follows_the_latest_expect() -> None:
    person, config = make(contact(log="""
        ## 2026-11-01 interview: screen (expect 2026-11-05)
        ## 2026-11-01 email: thanks
        ## 2026-11-06 reply: moving you forward
        ## 2026-11-12 interview: onsite (expect 2026-11-19)
        ## 2026-11-12 email: thanks
        """))
    [item] = pending(person, config, TODAY)
    assert (item.rule, item.due) == ("check-in", dt.date(2026, 11, 20))
    assert "no news by 2026-11-19" in item.reason


def test_snooze_keeps_the_original_date_and_says_so() -> None:
    person, config = make(contact(log="## 2026-11-10 email: hi\n", snooze="2026-11-28"))
    [item] = pending(person, config, TODAY)
    assert item.due == dt.date(2026, 11, 28)
    assert item.snoozed_from == dt.date(2026, 11, 17)
    assert "snoozed until 2026-11-28" in item.reason
    # On the snooze date it is due that day; once the date is past, it stays
    # due on the snooze date: late counting from it, not from 11-17 (spec 3).
    days = [dt.date(2026, 11, 27) + dt.timedelta(days=n) for n in range(4)]
    late = [pending(person, config, day)[0].overdue_days(day) for day in days]
    assert late == [0, 0, 1, 2]
    assert {pending(person, config, day)[0].due for day in days} == {dt.date(2026, 11, 28)}


def test_thank_you_starts_once_the_meeting_has_happened() -> None:
    person, config = make(contact(log="""
        ## 2026-11-20 coffee: with Jane
        ## 2026-11-25 14:00 interview: onsite
        """))
    before = [(f.rule, f.due.isoformat(), f.source.kind) for f in pending(person, config, TODAY)]
    assert before == [("thank-you", "2026-11-21", "coffee")]
    on_the_day = pending(person, config, dt.date(2026, 11, 25))
    assert [(f.rule, f.due.isoformat(), f.source.kind) for f in on_the_day] == [
        ("thank-you", "2026-11-26", "interview"), ("check-in", "2026-12-02", "interview")]


def test_upcoming_meetings() -> None:
    from pcrm.core.upcoming import upcoming, upcoming_of

    person, _config = make(contact(log="""
        ## 2026-11-20 coffee
        ## 2026-11-26 15:00 interview: onsite
        ## 2026-11-24 call: prep call with the recruiter
        ## 2026-11-22 chat: today, not upcoming
        ## 2026-12-20 meeting: far away
        ## 2026-11-30 email: not a meeting
        """, company="Acme"))
    found = upcoming_of(person, TODAY, TODAY + dt.timedelta(days=7))
    assert [u.as_json() for u in found] == [
        {"contact": "jane-doe", "name": "Jane Doe", "company": "Acme", "kind": "call",
         "title": "prep call with the recruiter", "date": "2026-11-24", "time": None,
         "path": "contacts/jane-doe.md"},
        {"contact": "jane-doe", "name": "Jane Doe", "company": "Acme", "kind": "interview",
         "title": "onsite", "date": "2026-11-26", "time": "15:00",
         "path": "contacts/jane-doe.md"}]
    assert [u.kind for u in upcoming([person], TODAY)] == ["call", "interview", "meeting"]
    assert upcoming([person], TODAY, days=1) == []
    assert upcoming([person], TODAY, tag="nobody") == []
    paused, _config = make(contact(status="paused", log="## 2026-11-24 call\n"))
    assert upcoming([paused], TODAY) == []


def test_quiet_after_the_nudges_went_unanswered() -> None:
    from pcrm.core.rules import quiet_since

    log = "## 2026-10-20 linkedin: hi\n\n## 2026-10-28 email: nudge\n\n"
    person, config = make(contact(log=log + "## 2026-11-05 email: nudge 2\n"))
    assert quiet_since(person, config) == dt.date(2026, 11, 12)  # the last nudge's week is up
    assert pending(person, config, TODAY) == []
    one_nudge, config = make(contact(log=log))
    assert quiet_since(one_nudge, config) is None
    replied, config = make(contact(log=log + "## 2026-11-05 email: n2\n\n## 2026-11-20 reply: hi\n"))
    assert quiet_since(replied, config) is None
    thanked, config = make(contact(log="## 2026-11-02 coffee\n\n## 2026-11-02 email: thanks\n"
                                       "\n## 2026-11-03 email: thanks again\n"), "nudge:\n  limit: 1\n")
    assert quiet_since(thanked, config) is None  # one asking message, no nudge yet
    # The same answer from an index summary's log (what `companies` reads).
    from pcrm.core.model import Logged
    from pcrm.core.rules import ordered, quiet_since_log

    for who in (person, one_nudge, replied, thanked):
        log = [Logged(i.date, i.time, i.kind, i.klass) for i in ordered(who.interactions)]
        assert quiet_since_log(log, config) == quiet_since(who, config)


def test_keep_in_touch_with_nothing_logged_follows_today() -> None:
    person, config = make(contact(cadence="30d"))
    for today in (dt.date(2026, 1, 1), TODAY):
        [item] = pending(person, config, today)
        assert item.due == today and item.overdue_days(today) == 0


def test_next_follow_up_is_the_earliest_then_table_order() -> None:
    person, config = make(contact(log="## 2026-11-20 interview (expect 2026-11-20)\n",
                                  follow_up="2026-11-21", cadence="1d"))
    first = next_follow_up(person, config, TODAY)
    assert first is not None and first.rule == "thank-you"
    person, config = make(contact(log="## 2026-11-13 email: hi\n", follow_up="2026-11-30"))
    first = next_follow_up(person, config, TODAY)
    assert first is not None and (first.rule, first.due) == ("nudge", dt.date(2026, 11, 20))
    person, config = make(contact(log="## 2026-11-14 email: hi\n", follow_up="2026-11-19"))
    first = next_follow_up(person, config, TODAY)
    assert first is not None and first.rule == "scheduled"
    person, config = make(contact(status="paused", follow_up="2026-11-15"))
    assert next_follow_up(person, config, TODAY) is None


def _clock_reads(work: Any) -> list[str]:
    """The clock functions (date.today, datetime.now, time.time...) *work* calls."""
    import sys
    import time

    names = {"today", "now", "utcnow", "time", "time_ns", "localtime", "gmtime",
             "monotonic", "perf_counter"}
    seen: list[str] = []

    def spy(_frame: Any, event: str, arg: Any) -> None:
        if event == "c_call" and getattr(arg, "__name__", "") in names and \
                getattr(arg, "__self__", None) in (time, dt.date, dt.datetime):
            seen.append(arg.__qualname__ if hasattr(arg, "__qualname__") else arg.__name__)

    sys.setprofile(spy)
    try:
        work()
    finally:
        sys.setprofile(None)
    return seen


def test_rules_do_not_read_the_clock() -> None:
    text = contact(log="## 2026-11-10 14:00 interview: onsite\n## 2026-11-11 email: hi\n",
                   cadence="30d", follow_up="2026-11-30")
    person, config = make(text)
    found: list[Any] = []
    assert _clock_reads(lambda: found.extend(pending(person, config, TODAY))) == []
    assert found  # the rules did run
    assert _clock_reads(lambda: agenda([person], config, TODAY, days=30)) == []
    # The probe can fail: reading the clock is seen.
    assert _clock_reads(lambda: dt.date.today())
    assert _clock_reads(lambda: dt.datetime.now(dt.timezone.utc))


# -- agenda(): one item per contact, sorted, windowed, filtered --------------------------

AGENDA_FILES = {
    "contacts/ann.md": contact("Ann Able", log="## 2026-11-10 email: hi\n", tags="[recruiter]",
                               follow_up="2026-11-30"),  # nudge 11-17, scheduled 11-30
    "contacts/ben.md": contact("Ben Best", log="## 2026-11-22 coffee\n"),  # thank-you 11-23
    "contacts/cy.md": contact("Cy Cole", cadence="30d"),  # keep-in-touch today
    "contacts/dee.md": contact("Dee Dunn", follow_up="2026-12-20", tags="[recruiter]"),
    "contacts/eve.md": contact("Eve Eng", log="## 2026-11-20 event\n", status="paused"),
    "contacts/fay.md": contact("Fay Fox", log="## 2026-11-21 reply: thanks\n"),  # nothing
    "contacts/gus.md": contact("Gus Gray", follow_up="2026-11-29"),  # exactly today + 7
}


def agenda_contacts() -> tuple[list[Contact], Config]:
    config = parse_config("")
    people = []
    for path, text in AGENDA_FILES.items():
        parsed = parse_contact(path, text.encode(), config)
        assert parsed.contact is not None and parsed.ok
        people.append(parsed.contact)
    return people, config


def test_agenda_one_item_per_contact_sorted_by_due() -> None:
    people, config = agenda_contacts()
    items = agenda(people, config, TODAY)
    assert [(i.contact, i.rule, i.due.isoformat()) for i in items] == [
        ("ann", "nudge", "2026-11-17"),
        ("cy", "keep-in-touch", "2026-11-22"),
        ("ben", "thank-you", "2026-11-23"),
        ("gus", "scheduled", "2026-11-29"),
        ("dee", "scheduled", "2026-12-20"),
    ]
    assert [i.overdue_days(TODAY) for i in items] == [5, 0, 0, 0, 0]


def test_agenda_days_window() -> None:
    people, config = agenda_contacts()
    assert [i.contact for i in agenda(people, config, TODAY, days=7)] == ["ann", "cy", "ben", "gus"]
    assert [i.contact for i in agenda(people, config, TODAY, days=6)] == ["ann", "cy", "ben"]
    assert [i.contact for i in agenda(people, config, TODAY, days=0)] == ["ann", "cy"]
    assert len(agenda(people, config, TODAY, days=28)) == 5


def test_agenda_tag_filter() -> None:
    people, config = agenda_contacts()
    assert [i.contact for i in agenda(people, config, TODAY, tag="recruiter")] == ["ann", "dee"]
    assert [i.contact for i in agenda(people, config, TODAY, days=7, tag="recruiter")] == ["ann"]
    assert agenda(people, config, TODAY, tag="nobody") == []


def test_agenda_ties_by_table_order_then_name() -> None:
    config = parse_config("")
    texts = {
        "contacts/zed.md": contact("Zed Zane", log="## 2026-11-21 interview\n"),
        "contacts/amy.md": contact("Amy Ames", follow_up="2026-11-22"),
        "contacts/bo.md": contact("Bo Bell", log="## 2026-11-21 interview\n"),
    }
    people = [parse_contact(p, t.encode(), config).contact for p, t in texts.items()]
    items = agenda([p for p in people if p is not None], config, TODAY)
    assert [(i.contact, i.rule) for i in items] == [
        ("bo", "thank-you"), ("zed", "thank-you"), ("amy", "scheduled")]


# -- the example vault shows every rule ----------------------------------------------------

def test_example_vault_shows_every_rule(example, run) -> None:
    result = run(example, "status", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["today"] == "2026-11-22"
    items = data["items"]
    assert {i["rule"] for i in items} == set(RULES)
    assert any(i["overdue_days"] > 0 for i in items)
    assert any(i["due"] == "2026-11-22" for i in items)
    assert any(i["due"] > "2026-11-22" for i in items)
    by_contact = {i["contact"]: (i["rule"], i["due"]) for i in items}
    upcoming = data["upcoming"]
    assert any(u["kind"] == "interview" and u["time"] for u in upcoming)
    assert by_contact["jane-doe"] == ("thank-you", "2026-11-21")
    assert by_contact["alex-kim"] == ("thank-you", "2026-11-22")
    assert by_contact["initech/david-levy"] == ("thank-you", "2026-11-23")
    assert by_contact["peter-chen"] == ("nudge", "2026-11-17")
    assert by_contact["globex/maria-garcia"] == ("check-in", "2026-11-20")
    assert by_contact["initech/li-wei"] == ("scheduled", "2026-11-20")
    assert by_contact["sam-okafor"] == ("keep-in-touch", "2026-11-16")
    assert by_contact["yuki-tanaka"] == ("nudge", "2026-11-28")  # snoozed
    assert by_contact["carlos-mendez"] == ("congratulate", "2026-11-23")  # 11-22 is a Sunday
    assert "globex/sofia-alvarez" not in by_contact  # her interview is upcoming
    assert [(u["contact"], u["date"], u["time"]) for u in upcoming] == [
        ("globex/sofia-alvarez", "2026-11-24", "13:00")]
    for quiet in ("omar-haddad", "karen-lee", "bob-smith", "fatima-zahra"):
        assert quiet not in by_contact
