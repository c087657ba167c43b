"""`pcrm draft --check` (spec 11): the guides' checklist on notes written in their spirit.

Each note below is the kind a job seeker writes: a generic "your company" note, one
that asks for the next steps, a wall of text, one full of typos, one without a phone
number. They run through the real command on a real vault, with and without
``--contact`` (which brings the person's company and the notes of the conversation).
"""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from pcrm.cli.group import cli
from pcrm.notes.checklist import ADVISED, ITEMS, REQUIRED, NoteContext, check_note

from helpers import contact

CONFIG = 'signature:\n  name: Alex Rivera\n  phone: "+1 555 0199"\n'
JANE_LOG = """
## 2026-11-20 14:00 interview: phone screen with Jane
- the Swift 6 migration and strict concurrency
- their testing strategy and the on-call rotation
- the offline sync rewrite Peter leads
"""

GOOD = """
Hi Jane,

Thank you for the phone screen on Friday. I enjoyed hearing how Acme is moving the app
to Swift 6, and your question about testing strategy made me rethink how I test async code.

I am excited about the iOS role at Acme: I migrated my own app to strict concurrency last
spring and would love to bring that to the offline sync work.

Best regards,
Alex Rivera
+1 555 0199
"""
GENERIC = """
Hi Jane,

Thank you for taking the time to meet with me yesterday. I really enjoyed learning about
your company and the role.

I am very interested in the position and I look forward to hearing from you.

Best regards,
Alex Rivera
+1 555 0199
"""
NEXT_STEPS = """
Hi Jane,

Thank you for the phone screen at Acme. I enjoyed our talk about the Swift 6 migration
and how the team tests the offline sync.

I am excited about the iOS role at Acme. Could you tell me what the next steps are?

Alex Rivera
+1 555 0199
"""
WALL = """
Hi Jane,

Thank you so much for meeting with me at Acme. We talked about the Swift 6 migration, which
I found fascinating because I migrated my own app last spring and ran into the same strict
concurrency warnings you described. I also liked hearing about the testing strategy,
especially the snapshot tests and the way on-call rotations are shared across the team. I
have written several blog posts about actor isolation and would be happy to share them. I
think my background in mobile development would be a good fit. I am really excited about
this opportunity and hope we can talk again soon.

Alex Rivera
+1 555 0199
"""
TYPOS = """
Hi Jane,

Thank you for the interveiw at Acme. I realy enjoyed our discusion of the Swift 6
migration and the testing strategy.

I am very excited about the iOS role and would love to help with the offline sync.

Alex Rivera
+1 555 0199
"""
NO_PHONE = """
Hi Jane,

Thank you for the interview at Acme. I enjoyed our talk about the Swift 6 migration and
your testing strategy.

I am very excited about the iOS role.

Best,
Alex Rivera
"""
# Specific, but about another conversation: only the contact's notes can tell.
OTHER_TOPIC = """
Hi Jane,

Thank you for the chat at Acme. I enjoyed hearing about GraphQL federation, the Berlin
office and the design system rebuild.

I am excited about the role at Acme and would love to help.

Alex Rivera
+1 555 0199
"""
# A company the vault does not know, named as a company is: fine without --contact.
OTHER_COMPANY = """
Hi Jane,

Thank you for the chat about Swift 6 and the testing strategy. I enjoyed meeting the
Initrode team and hearing about the offline sync.

I am excited about the role and would love to help.

Alex Rivera
+1 555 0199
"""
COLD = """
Hi Jane,

Thanks for the talk at Acme.

Alex
"""

# note, required items missing (no --contact, with --contact jane), advised items found
CASES = {
    "good": (GOOD, set(), set(), set()),
    "generic": (GENERIC, {"company", "specific"}, {"company", "specific"}, set()),
    "next-steps": (NEXT_STEPS, set(), set(), {"next-steps"}),
    "wall": (WALL, set(), set(), {"paragraphs"}),
    "typos": (TYPOS, set(), set(), {"spelling"}),
    "no-phone": (NO_PHONE, {"phone"}, {"phone"}, set()),
    "other-topic": (OTHER_TOPIC, set(), {"specific"}, set()),
    "other-company": (OTHER_COMPANY, set(), {"company"}, set()),
    "cold": (COLD, {"specific", "interest", "phone"}, {"specific", "interest", "phone"}, set()),
}


@pytest.fixture
def jane(vault) -> Path:
    return vault({
        "contacts/jane-doe.md": contact("Jane Doe", JANE_LOG, company="Acme",
                                        email="jane@acme.example"),
        "contacts/peter-chen.md": contact("Peter Chen", "", company="Acme"),
    }, config=CONFIG)


def check(run, root: Path, text: str, *extra: str):
    note = root.parent / "note.txt"
    note.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return run(root, "draft", "--check", str(note), *extra)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("with_contact", [False, True])
def test_the_checklist_on_notes(jane, run, name: str, with_contact: bool) -> None:
    text, required, required_with_contact, advised = CASES[name]
    wanted = required_with_contact if with_contact else required
    result = check(run, jane, text, "--json", *(["--contact", "jane"] if with_contact else []))
    data = json.loads(result.stdout)
    found = {(f["item"], f["severity"]) for f in data["findings"]}
    assert {item for item, severity in found if severity == REQUIRED} == wanted
    assert {item for item, severity in found if severity == ADVISED} == advised
    assert data["ok"] is (not wanted)
    assert result.exit_code == (1 if wanted else 0)


def test_json_shape(jane, run) -> None:
    data = json.loads(check(run, jane, GENERIC, "--json").stdout)
    assert set(data) == {"ok", "findings"}
    for finding in data["findings"]:
        assert set(finding) == {"item", "severity", "message"}
        assert finding["item"] in ITEMS
        assert finding["severity"] in (REQUIRED, ADVISED)


def test_text_output_points_at_the_line(jane, run) -> None:
    result = check(run, jane, GENERIC)
    assert result.exit_code == 1
    note = str(jane.parent / "note.txt")
    lines = result.stdout.splitlines()
    assert f"{note}:4:1: error: does not name the company: write its name instead of " \
           '"your company" [company]' in lines
    assert any(line.startswith(f"{note}:1:1: error: mentions nothing specific") for line in lines)
    assert "2 required, 0 advised" in result.stderr


def test_with_contact_names_their_company_and_their_notes(jane, run) -> None:
    result = check(run, jane, OTHER_TOPIC.replace("Acme", "Globex"), "--contact", "jane")
    assert result.exit_code == 1
    assert 'does not name "Acme"' in result.stdout
    assert "mentions nothing from your notes of the interview on 2026-11-20" in result.stdout
    assert "Swift" in result.stdout  # it suggests words from the notes


def test_typos_are_reported_with_suggestions_and_places(jane, run) -> None:
    result = check(run, jane, TYPOS)
    lines = [line for line in result.stdout.splitlines() if "[spelling]" in line]
    assert len(lines) == 3
    assert lines[0].endswith(':3:19: warning: misspelt? "interveiw" (did you mean '
                             '"interview"?) [spelling]')
    assert '"realy"' in lines[1] and '"discusion"' in lines[2]


def test_names_and_the_vaults_words_are_not_misspelt(vault, run) -> None:
    root = vault({
        "contacts/wojciech.md": contact("Wojciech Szymański", JANE_LOG, company="Zentrixa"),
        "contacts/ola.md": contact("Ola Nwosu", "## 2026-11-01 call: about Kotlinx tooling\n"),
    }, config="signature:\n  name: Xiadani Quispe\n  phone: \"+1 555 0199\"\n")
    text = """
    Hi Wojciech,

    Thank you for the call. Wojciech, your take on the Swift 6 migration and zentrixa's
    testing strategy was great; kotlinx came up too, and I am excited about Zentrixa.

    Xiadani Quispe
    +1 555 0199
    """
    for extra in ([], ["--contact", "wojciech"]):
        data = json.loads(check(run, root, text, "--json", *extra).stdout)
        assert [f for f in data["findings"] if f["item"] == "spelling"] == [], extra


@pytest.mark.parametrize("question", [
    "What are the next steps?",
    "Is there anything else you need from me to move forward?",
    "Could you let me know your timeline for a decision?",
    "When can I expect to hear back?",
    "Please let me know where things stand with my application.",
])
def test_next_steps_however_phrased(question: str) -> None:
    found = check_note(f"Hi Jane,\n\nThank you for the chat.\n\n{question}\n")
    assert [f.line for f in found if f.item == "next-steps"] == [5]


@pytest.mark.parametrize("sentence", [
    "I look forward to hearing from you.",
    "Could you send me the slides from your talk?",
    "I will share the blog post next week.",
])
def test_no_next_steps_finding_for_other_questions(sentence: str) -> None:
    found = check_note(f"Hi Jane,\n\nThank you for the chat.\n\n{sentence}\n")
    assert not [f for f in found if f.item == "next-steps"]


@pytest.mark.parametrize("header,greeting,flagged", [
    ("To: jane@acme.example, peter@acme.example\n", "Hi Jane,", True),
    ("To: jane@acme.example\nCc: peter@acme.example\n", "Hi Jane,", True),
    ("", "Hi all,", True),
    ("", "Dear Jane and Peter,", True),
    ("", "Hello everyone!", True),
    ("To: jane@acme.example\nSubject: Thank you\n", "Hi Jane,", False),
    ("", "Hi Jane Doe,", False),
])
def test_mass_email(header: str, greeting: str, flagged: bool) -> None:
    found = check_note(f"{header}\n{greeting}\n\nThank you for the chat.\n")
    assert bool([f for f in found if f.item == "mass-email"]) is flagged


def test_a_phone_number_not_at_the_end(jane, run) -> None:
    text = GOOD.replace("Hi Jane,", "Hi Jane, (call me at +1 555 0199)").replace(
        "+1 555 0199\n", "")
    result = check(run, jane, text)
    assert result.exit_code == 1
    assert "your phone number is on line 1, not at the end" in result.stdout


def test_a_date_is_not_a_phone_number() -> None:
    found = check_note("Hi Jane,\n\nThank you for the chat on 2026-11-20.\n\nAlex\n2026-11-20\n")
    assert [f.item for f in found if f.item == "phone"] == ["phone"]


def test_paragraph_limits_are_words_or_sentences() -> None:
    short = "One. Two. Three. Four."
    five = "One. Two. Three. Four. Five, e.g. this."
    long = " ".join(["word"] * 81) + "."
    for text, flagged in ((short, False), (five, True), (long, True)):
        found = check_note(f"Hi Jane,\n\n{text}\n")
        assert bool([f for f in found if f.item == "paragraphs"]) is flagged, text


def test_check_reads_standard_input(jane) -> None:
    result = CliRunner().invoke(cli, ["--vault", str(jane), "--today", "2026-11-22",
                                      "draft", "--check", "-", "--json"],
                                input=textwrap.dedent(NO_PHONE), catch_exceptions=False)
    assert result.exit_code == 1
    assert [f["item"] for f in json.loads(result.stdout)["findings"]] == ["phone"]


def test_check_works_outside_a_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "note.txt").write_text(textwrap.dedent(GENERIC), encoding="utf-8")
    result = CliRunner().invoke(cli, ["draft", "--check", "note.txt"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "[company]" in result.stdout and "[specific]" in result.stdout


def test_check_usage_errors(jane, run) -> None:
    for args in (["draft", "--check", "x.txt", "jane"], ["draft", "--contact", "jane"],
                 ["draft"], ["draft", "--check", str(jane / "missing.txt")]):
        result = run(jane, *args)
        assert result.exit_code == 2, args
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1


def test_context_without_notes_falls_back_to_the_heuristics() -> None:
    context = NoteContext(company="Acme", notes="", own=frozenset({"jane"}))
    text = "Hi Jane,\n\nThank you. I loved the Swift 6 migration talk at Acme and its tests.\n"
    assert not [f for f in check_note(text, context) if f.item == "specific"]
