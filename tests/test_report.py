"""pcrm report: numbers on a vault computed by hand, the JSON shape, the text."""
from __future__ import annotations

import json

import pytest

from helpers import contact

# Today is Sunday 2026-11-22 (ISO week 47); the 8 weeks are 2026-W40 .. 2026-W47.
FILES = {
    # interview 15:00, thank-you next day 10:00: 19 h, on time; the email got a reply
    "contacts/ann.md": contact("Ann A", log="""\
        ## 2026-11-16 15:00 interview: screen
        ## 2026-11-17 10:00 email: thank-you
        ## 2026-11-18 reply: thanks
        """),
    # coffee (untimed: midnight), thank-you 3 days later: 72 h, late; no reply
    "contacts/bob.md": contact("Bob B", log="""\
        ## 2026-11-10 coffee: chat
        ## 2026-11-13 email: late thank-you
        """),
    # event: a connection request answers its thank-you (24 h, on time); it got a reply
    "contacts/cat.md": contact("Cat C", log="""\
        ## 2026-11-02 event: meetup
        ## 2026-11-03 linkedin: connect with a note
        ## 2026-11-04 reply: accepted
        """),
    # interview: a connection request is no thank-you: missed; no reply to it
    "contacts/dan.md": contact("Dan D", log="""\
        ## 2026-11-05 interview: onsite
        ## 2026-11-06 linkedin: connect
        """),
    # a message and two nudges, unanswered: quiet
    "contacts/eve.md": contact("Eve E", log="""\
        ## 2026-10-01 email: hi
        ## 2026-10-08 email: nudge
        ## 2026-10-15 linkedin: nudge again
        """),
    # yesterday's coffee: its window is still open, so it is not counted yet
    "contacts/fay.md": contact("Fay F", log="## 2026-11-21 coffee: chat\n"),
    # a note and a booked interview: not reached yet
    "contacts/gus.md": contact("Gus G", log="""\
        ## 2026-11-01 note: read his blog
        ## 2026-11-30 interview: booked
        """),
    "companies/acme.md": """\
        ---
        name: Acme
        target: true
        ---
        ## 2026-10-20 applied: iOS Engineer
        ## 2026-11-20 offer: iOS Engineer (verbal)
        ## 2026-11-21 accepted: ios engineer
        """,
    "companies/hooli.md": """\
        ---
        name: Hooli
        ---
        ## 2026-10-20 applied: iOS Engineer
        ## 2026-11-02 rejected: iOS Engineer
        """,
}

WEEKS = [{"week": f"2026-W{n}", "outreach": count}
         for n, count in zip(range(40, 48), [1, 1, 1, 0, 0, 2, 1, 1])]


def test_report_numbers_all_time(vault, run) -> None:
    result = run(vault(FILES), "report", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "since": None,
        "thank_you": {"total": 4, "on_time": 2, "median_hours": 24.0},
        "channels": {"message": {"sent": 4, "replied": 1},
                     "connect": {"sent": 3, "replied": 1}},
        "funnel": {"reached": 6, "replied": 5, "met": 5, "interviewed": 2, "offer": 1},
        "quiet": 1,
        "weeks": WEEKS,
    }


def test_report_since(vault, run) -> None:
    data = json.loads(run(vault(FILES), "report", "--since", "2026-11-01", "--json").output)
    assert data["since"] == "2026-11-01"
    assert data["thank_you"] == {"total": 4, "on_time": 2, "median_hours": 24.0}
    assert data["channels"] == {"message": {"sent": 2, "replied": 1},
                                "connect": {"sent": 2, "replied": 1}}
    assert data["funnel"] == {"reached": 5, "replied": 5, "met": 5, "interviewed": 2,
                              "offer": 1}
    assert data["quiet"] == 0  # Eve went quiet before the period
    assert data["weeks"] == WEEKS  # the bars always show the last 8 weeks


def test_report_channels_from_config(vault, run) -> None:
    # a kind of the vault's own: an outbound text counts as a message
    files = {"contacts/a.md": contact("A", log="## 2026-11-20 text: hi\n## 2026-11-21 reply\n")}
    root = vault(files, config="kinds:\n  text: {class: outbound}\n")
    data = json.loads(run(root, "report", "--json").output)
    assert data["channels"]["message"] == {"sent": 1, "replied": 1}
    assert data["thank_you"] == {"total": 0, "on_time": 0, "median_hours": None}


def test_report_text(vault, run) -> None:
    result = run(vault(FILES), "report")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert max(map(len, lines)) <= 80
    assert lines[0] == "Follow-up report, all time (today 2026-11-22)"
    assert "Thank-yous  2 of 4 on time (50%) · median 24 h from meeting to thank-you" in lines
    assert any("email/message:" in line and "4 sent" in line and "(25%)" in line
               for line in lines)
    assert "Funnel      reached 6 -> replied 5 -> met 5 -> interviewed 2 -> offer 1" in lines
    assert "Gone quiet  1: Eve E" in lines
    assert "  2026-W43  0" in lines  # a week with no outreach: no bar
    assert "  2026-W45  " + "█" * 50 + " 2" in lines
    assert "  2026-W47  " + "█" * 25 + " 1" in lines


def test_report_from_the_index_is_the_report_from_the_files(vault, monkeypatch) -> None:
    """Warm, the report reads the logs of the index's records undecoded."""
    import datetime as dt

    from pcrm.store.configfile import load_config
    from pcrm.insights.report import build, people_of
    from pcrm.store import index
    from pcrm.store.vault import read_vault

    monkeypatch.setattr(index, "RACY_SECONDS", -10.0)  # keep the seconds-old files
    root = vault(FILES)
    config = load_config(root)
    today, since = dt.date(2026, 11, 22), dt.date(2026, 10, 1)
    results = []
    from pcrm.insights import report as report_module

    decode = report_module._person
    # cold, warm (the records' logs), warm (the logs table), the same again, no index
    for run, (use_cache, given) in enumerate(((True, None), (True, None), (True, root),
                                               (True, root), (False, root))):
        snapshot = read_vault(root, config, use_cache=use_cache)
        # Warm, no contact is decoded: every log is read from the records as stored.
        monkeypatch.setattr(report_module, "_person", decode if run in (0, 4) else None)
        if run == 3:  # the logs table alone: no record is fetched
            monkeypatch.setattr(snapshot.files, "plain_records", lambda paths: {
                path: pytest.fail(f"{path}: record fetched") for path in paths})
        people = people_of(snapshot, given)
        assert len(people) == 7
        report = build(people, snapshot.companies, config, today, since)
        results.append((report.as_json(), report.hours, [p[:4] for p in report.quiet]))
    assert results[0] == results[1] == results[2] == results[3] == results[4]
    assert results[0][2] == [("eve", "Eve E", "active", dt.date(2026, 10, 22).toordinal())]


def test_report_logs_kept_in_the_index_follow_the_files(vault, run, monkeypatch) -> None:
    """The logs the index keeps for the report: an edit, a damaged row, a removed file."""
    import marshal
    import sqlite3

    from pcrm.store import index
    from pcrm.store.database import DB_NAME
    from pcrm.store.paths import state_dir

    monkeypatch.setattr(index, "RACY_SECONDS", -10.0)  # keep the seconds-old files
    root = vault(FILES)

    def report() -> dict:
        result = run(root, "report", "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def rows() -> dict:
        with sqlite3.connect(state_dir(root) / DB_NAME) as db:
            (body,), = db.execute("SELECT body FROM report_log_set")
        return marshal.loads(body)

    first = report()
    assert report() == first and len(rows()) == 7  # filled by the first run, read by the next
    # Damaged logs are read again from their records, never shown (and written back).
    with sqlite3.connect(state_dir(root) / DB_NAME) as db:
        db.execute("UPDATE report_log_set SET body = CAST(substr(body, 1, 20) || X'e9ff' || "
                   "substr(body, 23) AS BLOB)")
    assert report() == first
    assert len(rows()) == 7
    # An edit: Bob's thank-you gets a reply.
    bob = root / "contacts/bob.md"
    bob.write_text(bob.read_text() + "\n## 2026-11-14 reply: thanks\n", encoding="utf-8")
    edited = report()
    assert edited["channels"]["message"]["replied"] == first["channels"]["message"]["replied"] + 1
    assert report() == edited
    # A file removed: its row goes with the next logs written.
    (root / "contacts/dan.md").unlink()
    ann = root / "contacts/ann.md"
    ann.write_text(ann.read_text() + "\n## 2026-11-19 note: a new entry\n", encoding="utf-8")
    report()  # (a file this run parsed is read as parsed: its log is kept by the next)
    assert report() == report() and "contacts/dan.md" not in rows()


@pytest.mark.parametrize("since", ["2026-13-01", "tomorrowish"])
def test_report_bad_since_is_one_line(vault, run, since: str) -> None:
    result = run(vault(FILES), "report", "--since", since)
    assert result.exit_code == 2
    assert result.output.startswith("Error: --since")
