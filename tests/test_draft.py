"""`pcrm draft` (spec 11): one note per person for their next follow-up.

Real vaults, today pinned at 2026-11-22 (a Sunday). Each rule and meeting kind
gets its built-in template; a panel gives each interviewer their own note.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from helpers import contact

CONFIG = 'signature:\n  name: Alex Rivera\n  phone: "+1 555 0199"\n'
FAIR = "kinds:\n  fair: {class: meeting, window: 48h, answered_by: [message, connect]}\n"


def person(name: str, log: str, **fields: str) -> str:
    fields = {"company": "Acme", "email": f"{name.split()[0].lower()}@acme.example", **fields}
    return contact(name, log, **fields)


# contact file, --rule (None: the next follow-up), expected rule, words the note must have
RULE_CASES = {
    "thank-you after an interview": (
        person("Jane Doe", "## 2026-11-21 10:00 interview: phone screen\n"
               "- the Swift 6 migration\n- their testing strategy\n"),
        None, "thank-you", ["Thank you for the interview, Jane", "Hi Jane,",
                            "- The Swift 6 migration", "- Their testing strategy", "at Acme"]),
    "thank-you after a coffee": (
        person("Omar Haddad", "## 2026-11-21 coffee: career advice\n"
               "He suggested I contribute to open source first. Also talked about Rust.\n"),
        None, "thank-you", ["Thank you for the coffee, Omar",
                            "- He suggested I contribute to open source first.",
                            "- Also talked about Rust."]),
    "thank-you after an event": (
        person("Alex Kim", "## 2026-11-21 event: Brooklyn Swift meetup\n"
               "Talked about server-side Swift and Vapor.\n"),
        None, "thank-you", ["Great to meet you at the Brooklyn Swift meetup",
                            "at the Brooklyn Swift meetup on November 21",
                            "- Talked about server-side Swift and Vapor."]),
    "nudge": (
        person("Peter Chen", "## 2026-11-10 email: asked for 15 minutes about offline sync\n"),
        None, "nudge", ["Following up: asked for 15 minutes about offline sync",
                        "my message of November 10", "- Asked for 15 minutes about offline sync"]),
    "check-in": (
        person("Maria Garcia", "## 2026-11-12 interview: onsite (expect 2026-11-19)\n"
               "- the data platform team\n\n## 2026-11-12 email: thank-you\n"),
        None, "check-in", ["Checking in after our interview", "the interview on November 12",
                           "- The data platform team"]),
    "keep-in-touch": (
        person("Sam Okafor", "## 2026-09-01 coffee: mentoring\n- portfolio review\n\n"
               "## 2026-10-01 email: sent the new portfolio\n## 2026-10-02 reply: looks good\n",
               cadence="30d"),
        None, "keep-in-touch", ["Catching up, Sam", "- Portfolio review"]),
    "scheduled": (
        person("Li Wei", "## 2026-11-01 call: intro\n- ping me again around the 20th\n\n"
               "## 2026-11-01 email: thanks\n## 2026-11-02 reply: sure\n",
               follow_up="2026-11-20"),
        None, "scheduled", ["Following up, Li", "- Ping me again around the 20th"]),
    "congratulate after a job change": (
        person("Karen Lee", "## 2026-10-01 coffee: advice\n- moving from QA to platform work\n\n"
               "## 2026-10-01 email: thanks\n## 2026-10-02 reply: anytime\n\n"
               "## 2026-11-18 job-change: Staff Engineer at Acme (was Senior Engineer at Initech)\n"),
        None, "congratulate", ["Congratulations, Karen!",
                               "Congratulations on the news: Staff Engineer at Acme! ",
                               "- Moving from QA to platform work"]),
    "congratulate (asked for)": (
        person("Karen Lee", "## 2026-11-01 call: intro\nWe compared notes on Rust tooling.\n\n"
               "## 2026-11-01 email: thanks\n## 2026-11-02 reply: anytime\n"
               "## 2026-11-18 note: promoted to Staff Engineer\n"),
        "congratulate", "congratulate", ["Congratulations on the news: promoted to Staff "
                                          "Engineer!", "- We compared notes on Rust tooling."]),
    "thank-you after a kind a connection request answers": (
        person("Alex Kim", "## 2026-11-21 fair: NYC Tech Career Fair\n- the new grad program\n"),
        None, "thank-you", ["Great to meet you at the NYC Tech Career Fair"]),
    "nothing pending: keep-in-touch": (
        person("Bob Smith", "## 2026-11-01 coffee: intro\n- the mobile guild\n\n"
               "## 2026-11-01 email: thanks\n## 2026-11-02 reply: you're welcome\n"),
        None, "keep-in-touch", ["Catching up, Bob", "- The mobile guild"]),
}


@pytest.mark.parametrize("case", RULE_CASES)
def test_a_draft_for_each_rule_and_kind(vault, run, case: str) -> None:
    text, rule, wanted_rule, fragments = RULE_CASES[case]
    root = vault({"contacts/x.md": text}, config=CONFIG + FAIR)
    args = ["draft", "x", "--json"] + (["--rule", rule] if rule else [])
    result = run(root, *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rule"] == wanted_rule
    note = f"{data['subject']}\n{data['body']}"
    for fragment in fragments:
        assert fragment in note, (fragment, note)
    assert data["body"].endswith("Best regards,\nAlex Rivera\n+1 555 0199\n")
    assert "{" not in note and "[" not in note


def test_text_output_is_subject_blank_line_body(vault, run) -> None:
    root = vault({"contacts/x.md": RULE_CASES["nudge"][0]}, config=CONFIG)
    result = run(root, "draft", "peter")
    lines = result.stdout.split("\n")
    assert lines[0] == "Subject: Following up: asked for 15 minutes about offline sync"
    assert lines[1] == "" and lines[2] == "Hi Peter,"


def test_congratulate_without_notes_to_recall_says_so(vault, run) -> None:
    root = vault({"contacts/x.md": person("Carlos Mendez", "## 2026-11-19 job-change: QA Manager "
                                          "at Acme (was QA Lead)\nSaw it on LinkedIn.\n")},
                 config=CONFIG)
    result = run(root, "draft", "carlos")
    assert "Congratulations on the news: QA Manager at Acme! " in result.stdout
    assert "- [what you talked about]" in result.stdout and "LinkedIn" not in result.stdout
    assert "Warning: no notes of a conversation with Carlos Mendez to recall" in result.stderr


def test_an_upcoming_meeting_gets_no_thank_you_yet(vault, run) -> None:
    root = vault({"contacts/x.md": person("Jane Doe", "## 2026-11-01 coffee: intro\n- Rust\n\n"
                                          "## 2026-11-01 email: thanks\n"
                                          "## 2026-11-02 reply: see you\n\n"
                                          "## 2026-11-25 interview: onsite\n")}, config=CONFIG)
    result = run(root, "draft", "jane", "--json")
    assert json.loads(result.stdout)["rule"] == "keep-in-touch"
    forced = json.loads(run(root, "draft", "jane", "--rule", "thank-you", "--json").stdout)
    assert "the coffee" in forced["subject"]  # the latest meeting that took place


def test_nothing_pending_says_so(vault, run) -> None:
    root = vault({"contacts/x.md": RULE_CASES["nothing pending: keep-in-touch"][0]},
                 config=CONFIG)
    result = run(root, "draft", "bob")
    assert "Warning: nothing is pending for Bob Smith: drafting a keep-in-touch note" \
        in result.stderr


PANEL = "## 2026-11-21 14:00 interview: onsite panel\n"


@pytest.fixture
def panel(vault) -> Path:
    return vault({
        "contacts/jane.md": person("Jane Doe", PANEL + "- the hiring plan for 2027\n"),
        "contacts/peter.md": person("Peter Chen", PANEL + "- offline sync conflicts\n"
                                    "- his CRDT prototype\n"),
        "contacts/rachel.md": person("Rachel Green", PANEL + "Asked about my accessibility "
                                     "work. Liked the VoiceOver audit.\n"),
    }, config=CONFIG)


def test_a_panel_gets_one_note_each_with_their_own_points(panel, run) -> None:
    result = run(panel, "draft", "jane", "peter", "rachel", "--json")
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)
    assert [n["contact"] for n in notes] == ["jane", "peter", "rachel"]
    assert [n["to"] for n in notes] == ["jane@acme.example", "peter@acme.example",
                                        "rachel@acme.example"]
    assert len({n["body"] for n in notes}) == 3
    own = {"jane": ["hiring plan"], "peter": ["offline sync conflicts", "CRDT prototype"],
           "rachel": ["accessibility work", "VoiceOver audit"]}
    for note in notes:
        first = note["contact"].capitalize()
        assert note["body"].startswith(f"Hi {first},\n")
        for name, points in own.items():
            for point in points:
                found = point.casefold() in note["body"].casefold()
                assert found is (name == note["contact"]), (name, point)


def test_a_panel_from_an_event_note(vault, run) -> None:
    root = vault({
        "contacts/jane.md": person("Jane Doe", ""),
        "contacts/peter.md": person("Peter Chen", ""),
        "contacts/rachel.md": person("Rachel Green", ""),
        "events/2026-11-21-onsite.md": """
            ---
            kind: interview
            time: "14:00"
            with: [jane, peter, rachel]
            ---
            # Onsite panel at Acme

            [[jane]] walked me through the hiring plan for 2027.

            [[peter]] showed his CRDT prototype for offline sync.

            [[rachel|Rachel]] liked my VoiceOver audit.
            """}, config=CONFIG)
    result = run(root, "draft", "jane", "peter", "rachel", "--json")
    assert result.exit_code == 0, result.output
    notes = json.loads(result.stdout)
    assert [n["rule"] for n in notes] == ["thank-you"] * 3
    bodies = {n["contact"]: n["body"] for n in notes}
    assert "- Jane walked me through the hiring plan for 2027." in bodies["jane"]
    assert "- Peter showed his CRDT prototype for offline sync." in bodies["peter"]
    assert "CRDT" not in bodies["jane"] and "CRDT" not in bodies["rachel"]
    assert "- Rachel liked my VoiceOver audit." in bodies["rachel"]


def test_contacts_separated_by_commas_as_in_log(panel, run) -> None:
    notes = json.loads(run(panel, "draft", "jane,peter", "rachel", "--json").stdout)
    assert [n["contact"] for n in notes] == ["jane", "peter", "rachel"]
    assert isinstance(json.loads(run(panel, "draft", "jane,", "--json").stdout), list)


def test_a_bullet_goes_on_over_its_continuation_lines(example, run) -> None:
    notes = json.loads(run(example, "draft", "grace", "ivan", "--json").stdout)
    assert "- Grace asked about the offline sync project; she leads the mobile platform team " \
           "and liked the conflict-resolution tests.\n" in notes[0]["body"]
    assert "- Ivan Petrov (hiring manager) walked through the team's on-call rotation; asked " \
           "me what I would change in my bootcamp capstone.\n" in notes[1]["body"]
    assert "on-call" not in notes[0]["body"] and "conflict" not in notes[1]["body"]


def test_several_contacts_in_text_are_headed(panel, run) -> None:
    result = run(panel, "draft", "jane", "peter")
    assert result.stdout.startswith("==> Jane Doe (thank-you) <==\nSubject: ")
    assert "\n==> Peter Chen (thank-you) <==\nSubject: " in result.stdout


def test_mailto_round_trips(panel, run) -> None:
    result = run(panel, "draft", "peter", "--mailto")
    url = result.stdout.strip()
    assert "\n" not in url and " " not in url
    parts = urlsplit(url)
    assert (parts.scheme, parts.path) == ("mailto", "peter@acme.example")
    query = parse_qs(parts.query)
    expected = json.loads(run(panel, "draft", "peter", "--json").stdout)
    assert query["subject"] == [expected["subject"]]
    assert query["body"] == [expected["body"].replace("\n", "\r\n")]


def test_json_for_one_contact_is_an_object(panel, run) -> None:
    data = json.loads(run(panel, "draft", "jane", "--json").stdout)
    assert set(data) == {"contact", "to", "subject", "body", "rule"}


def test_missing_email_and_signature_are_warnings_naming_the_fix(vault, run) -> None:
    root = vault({"contacts/x.md": contact("Jane Doe", "## 2026-11-21 call: intro\n- Rust\n")})
    result = run(root, "draft", "jane", "--json")
    assert result.exit_code == 0
    assert "Warning: Jane Doe (contacts/x.md) has no email: add 'email: ...'" in result.stderr
    assert "set signature.phone in .pcrm.yaml" in result.stderr
    assert "has no company: add 'company: ...'" in result.stderr
    data = json.loads(result.stdout)
    assert data["to"] is None
    assert data["body"].endswith("[your name]\n[your phone]\n")


def test_no_notes_is_a_warning_pointing_at_the_heading(vault, run) -> None:
    root = vault({"contacts/x.md": person("Jane Doe", "## 2026-11-21 call\n")}, config=CONFIG)
    result = run(root, "draft", "jane")
    assert "nothing to mention from call on 2026-11-21: write what you talked about under " \
           "its heading (contacts/x.md:8)" in result.stderr
    assert "- [what you talked about]" in result.stdout


def test_unknown_contact_is_one_error_line(panel, run) -> None:
    result = run(panel, "draft", "nobody")
    assert result.exit_code != 0
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1


def test_draft_on_the_example_vault(example, run) -> None:
    result = run(example, "draft", "jane")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Subject: Thank you for the interview, Jane\n\nHi Jane,\n")
    assert result.stdout.endswith("Alex Rivera\n+1 555 0199\n")


def test_the_readme_example_is_the_real_output(example, run) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    shown = readme.split("draft jane\n", 1)[1].split("```", 1)[0]
    assert run(example, "draft", "jane").stdout == shown
