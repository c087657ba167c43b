"""Note templates (spec 11): the vault's templates/RULE.md, placeholders that cannot run code,
and the built-in templates, each of which passes the guides' checklist once filled.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from pcrm.core.config import parse_config
from pcrm.core.parse import parse_contact
from pcrm.notes.builtin import BUILTIN
from pcrm.notes.checklist import REQUIRED, check_note
from pcrm.notes.context import note_context
from pcrm.notes.draft import draft_note, points_of, recalled, values_for
from pcrm.notes.templates import PLACEHOLDERS, Template, TemplateError, fill

from helpers import contact

CONFIG = 'signature:\n  name: Alex Rivera\n  phone: "+1 555 0199"\n'
JANE = contact("Jane Doe", "## 2026-11-21 10:00 interview: phone screen\n"
               "- the Swift 6 migration\n- their testing strategy\n",
               company="Acme", email="jane@acme.example", role="Engineering Manager")
ALL = ("{first_name} {name} {company} {role} {email} {kind} {title} {date} {weekday} "
       "{topic} {my_name} {my_phone}\n{points}\n")


def vault_with(vault, templates: dict[str, str]):
    files = {"contacts/jane.md": JANE}
    files.update({f"templates/{name}": text for name, text in templates.items()})
    return vault(files, config=CONFIG)


def test_every_placeholder_is_filled(vault, run) -> None:
    root = vault_with(vault, {"thank-you.md": "---\nsubject: 'For {first_name} at {company}'\n"
                                              "---\n" + ALL})
    result = run(root, "draft", "jane", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["subject"] == "For Jane at Acme"
    assert data["body"] == ("Jane Jane Doe Acme Engineering Manager jane@acme.example interview "
                            "phone screen November 21 Saturday The Swift 6 migration "
                            "Alex Rivera +1 555 0199\n"
                            "- The Swift 6 migration\n- Their testing strategy\n")
    assert set(re.findall(r"\{(\w+)\}", ALL)) == set(PLACEHOLDERS)


def test_a_kind_template_wins_over_the_rule_template(vault, run) -> None:
    root = vault_with(vault, {"thank-you.md": "---\nsubject: rule\n---\nrule body\n",
                              "thank-you-interview.md": "---\nsubject: kind\n---\nkind body\n"})
    data = json.loads(run(root, "draft", "jane", "--json").stdout)
    assert (data["subject"], data["body"]) == ("kind", "kind body\n")


def test_no_subject_takes_the_built_in_one_and_crlf_bom_are_read(vault, run) -> None:
    root = vault_with(vault, {})
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/thank-you.md").write_bytes(b"\xef\xbb\xbfHi {first_name},\r\n\r\nThanks\r\n")
    data = json.loads(run(root, "draft", "jane", "--json").stdout)
    assert data["subject"] == "Thank you for the interview, Jane"
    assert data["body"] == "Hi Jane,\n\nThanks\n"


def test_literal_braces_and_values_are_not_rescanned(vault, run) -> None:
    root = vault({"contacts/x.md": contact("Ann {company} Lee", "## 2026-11-21 call: {my_phone}\n",
                                           company="'{name}'")}, config=CONFIG)
    (root / "templates").mkdir()
    (root / "templates/thank-you.md").write_text("---\nsubject: x\n---\n"
                                                 "{{first_name}} {name} {company} {title}\n")
    data = json.loads(run(root, "draft", "ann", "--json").stdout)
    assert data["body"] == "{first_name} Ann {company} Lee {name} {my_phone}\n"


@pytest.mark.parametrize("placeholder", [
    "{nickname}", "{contact.__class__}", "{0.__globals__}", "{first_name.__class__.__mro__}",
    "{name!r}", "{name:>99999}", "{values[first_name]}", "{}", "{ first_name }",
    "{__import__('os').system('touch pwned')}",
])
def test_unknown_placeholders_and_code_are_errors_naming_the_line(vault, run, placeholder) -> None:
    root = vault_with(vault, {"thank-you.md": f"---\nsubject: Thanks\n---\nHi,\n\nline {placeholder}\n"})
    result = run(root, "draft", "jane")
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: templates/thank-you.md:6: unknown placeholder "
                                    f"{placeholder} (known: {{first_name}}, ")
    assert result.output.count("\n") == 1
    assert not (root / "pwned").exists() and not (root.parent / "pwned").exists()


def test_a_bad_placeholder_in_the_subject_names_its_line(vault, run) -> None:
    root = vault_with(vault, {"thank-you.md": "---\nfrom: me\nsubject: Hi {self}\n---\nBody\n"})
    result = run(root, "draft", "jane")
    assert result.output.startswith("Error: templates/thank-you.md:3: unknown placeholder {self}")


@pytest.mark.parametrize("text,message", [
    ("---\nsubject: [unclosed\n---\nBody\n", "templates/thank-you.md:3: bad front-matter"),
    ("---\nsubject: {first_name}\n---\nBody\n", "templates/thank-you.md:2: subject: must be text"),
    ("---\nsubject: Hi\n---\n\n", "templates/thank-you.md: the template has no body"),
])
def test_broken_templates_are_one_error_line(vault, run, text: str, message: str) -> None:
    root = vault_with(vault, {"thank-you.md": text})
    result = run(root, "draft", "jane")
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {message}"), result.output


def test_fill_is_one_pass_over_a_fixed_dictionary() -> None:
    values = {"a": "{b}", "b": "x"}
    assert fill("{a}{b}{{a}}", values, "t") == "{b}x{a}"
    with pytest.raises(TemplateError) as caught:
        fill("ok\n{a.__class__}", values, "templates/t.md", first_line=10)
    assert str(caught.value).startswith("templates/t.md:11: unknown placeholder {a.__class__}")


# The built-in templates, filled for a contact with notes and a signature, pass the checklist.
NOTES = ("- the Swift 6 migration and strict concurrency\n"
         "- their testing strategy for the offline sync\n")
ANSWERED = "## 2026-11-01 email: thanks\n## 2026-11-02 reply: sure\n"
SOURCES = {  # template -> (the contact's log, the rule to draft)
    "thank-you": (f"## 2026-11-21 10:00 interview: phone screen\n{NOTES}", "thank-you"),
    "thank-you-event": (f"## 2026-11-21 event: Brooklyn Swift meetup\n{NOTES}", "thank-you"),
    "nudge": (f"## 2026-11-10 email: asked about the offline sync work\n{NOTES}", "nudge"),
    "check-in": (f"## 2026-11-12 interview: onsite (expect 2026-11-19)\n{NOTES}\n"
                 "## 2026-11-12 email: thank-you\n", "check-in"),
    "keep-in-touch": (f"## 2026-10-01 coffee: mentoring\n{NOTES}\n{ANSWERED}", "keep-in-touch"),
    "congratulate": (f"## 2026-10-01 coffee: mentoring\n{NOTES}\n{ANSWERED}\n"
                     "## 2026-11-18 job-change: Staff Engineer at Acme (was Senior Engineer)\n",
                     "congratulate"),
    "scheduled": (f"## 2026-11-01 call: intro\n{NOTES}\n{ANSWERED}", "scheduled"),
}


@pytest.mark.parametrize("name", sorted(BUILTIN))
@pytest.mark.parametrize("with_contact", [False, True])
def test_every_built_in_template_passes_the_checklist(name: str, with_contact: bool) -> None:
    config = parse_config(CONFIG)
    log, rule = SOURCES[name]
    text = contact("Jane Doe", log, company="Acme", email="jane@acme.example")
    person = parse_contact("contacts/jane.md", text.encode(), config).contact
    assert person is not None
    today = dt.date(2026, 11, 22)
    note = draft_note(person, config, today, None, rule)
    assert note.rule == rule and note.warnings == []
    subject, body = Template(f"built-in {name}", *BUILTIN[name]).fill(
        values_for(person, note.source, config, points_of(recalled(person, rule, note.source,
                                                                   today))))
    assert (subject, body) == (note.subject, note.body)  # this very template was used
    assert "[" not in body and "{" not in body
    context = note_context(config, contact=person, today=today) if with_contact else None
    findings = check_note(note.text(), context)
    assert [f for f in findings if f.severity == REQUIRED] == []
    assert findings == []  # nor any advised item


def test_sources_cover_every_built_in() -> None:
    assert set(SOURCES) == set(BUILTIN)
