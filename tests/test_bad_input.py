"""The bad-input corpus: every malformed file gets one clear line, never a traceback.

Each case is written into a real vault beside a good contact; `pcrm check`
must report the expected message at the expected line and exit 1 (or 0 for
warnings), and the good contact must still be listed by `pcrm list`.
"""
from __future__ import annotations

import os
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcrm.core.config import Config
from pcrm.core.parse import parse_contact

from helpers import contact

GOOD = contact("Good Person", email="good@example.org")

# (file name, content, expected line, expected message fragment, severity)
CASES = [
    ("latin1.md", "---\nname: Zoë\n---\n".encode("latin-1"), 2, "not UTF-8 text (byte 0xeb)", "error"),
    ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00", 1, "binary file", "error"),
    ("empty.md", b"", 1, "empty file", "error"),
    ("blank.md", "\n\n  \n", 1, "empty file", "error"),
    ("nofm.md", "# Jane\n\nJust notes.\n", 1, "no front-matter", "error"),
    ("unterminated.md", "---\nname: Jane\n\n## 2026-11-01 email: hi\n", 1,
     "unterminated front-matter", "error"),
    ("list.md", "---\n- a\n- b\n---\n", 2, "must be a mapping", "error"),
    ("scalar.md", "---\njust a sentence\n---\n", 2, "must be a mapping", "error"),
    ("syntax.md", "---\nname: Jane\ntags: [a, b\n---\n", 4, "front-matter:", "error"),
    ("dupkey.md", "---\nname: Jane\nrole: x\nname: Janet\n---\n", 4,
     "duplicate key 'name' (first on line 2, again on line 4)", "error"),
    ("tag.md", "---\nname: !!python/object/apply:os.system ['echo pwned']\n---\n", 2,
     "not allowed", "error"),
    ("noname.md", "---\nrole: Recruiter\n---\n", 1, "'name:' is required", "error"),
    ("emptyname.md", "---\nname: ''\n---\n", 2, "'name:' is required", "error"),
    ("baddate.md", "---\nname: Jane\nsnooze: 2026-02-30\n---\n", 3,
     "2026-02-30 is not a valid date", "error"),
    ("badlogdate.md", contact(log="## 2026-02-30 email: hi\n"), 6,
     "2026-02-30 is not a valid date", "error"),
    ("phone.md", "---\nname: Jane\nphone: 5550100\n---\n", 3,
     "phone: YAML read 5550100 as a number; quote it", "error"),
    ("kind.md", contact(log="## 2026-11-01 emial: hi\n"), 6,
     "unknown interaction kind 'emial'; did you mean 'email'?", "error"),
    ("nokind.md", contact(log="## 2026-11-01\n"), 6, "interaction has no kind", "error"),
    ("badtime.md", contact(log="## 2026-11-01 25:00 call\n"), 6, "25:00 is not a valid time",
     "error"),
    ("cadence.md", "---\nname: Jane\ncadence: monthly\n---\n", 3, "cadence:", "error"),
    ("status.md", "---\nname: Jane\nstatus: gone\n---\n", 3, "status: must be active", "error"),
    ("typo.md", contact(log="## 11/18/2026 email: hi\n"), 6, "looks like an interaction",
     "warning"),
    ("future.md", contact(log="## 2027-01-05 email: scheduled send\n"), 6,
     "interaction dated in the future", "warning"),
    ("huge.md", b"---\nname: Big\n---\n" + b"x" * (10 * 1024 * 1024), 1, "file is too large",
     "error"),
    ("explicit-int.md", "---\nname: T\nphone: !!int 0x10\n---\n", 3, "'0x10' is not a whole number",
     "error"),
    ("explicit-bool.md", "---\nname: T\nok: !!bool yes\n---\n", 3, "'yes' is not true or false",
     "error"),
    ("explicit-float.md", "---\nname: T\nx: !!float abc\n---\n", 3, "'abc' is not a number",
     "error"),
    ("explicit-null.md", "---\nname: T\nx: !!null x\n---\n", 3, "'x' is not null", "error"),
    ("bigint.md", "---\nname: T\nx: " + "9" * 5000 + "\n---\n", 3, "has too many digits",
     "error"),
    ("year9999.md", contact(log="## 9999-12-30 email: typo\n"), 6,
     "the year must be from 1000 to 8999", "error"),
    ("expect9999.md", contact(log="## 2026-11-01 email: hi (expect 9999-12-31)\n"), 6,
     "(expect ...): 9999-12-31: the year must be", "error"),
    ("snooze9999.md", "---\nname: T\nsnooze: 9999-12-31\n---\n", 3, "the year must be",
     "error"),
    ("cadence-huge.md", "---\nname: T\ncadence: 99999y\n---\n", 3, "too long (at most 100 years)",
     "error"),
    ("with space é.md", "---\nname: [unclosed\n---\n", 3, "front-matter:", "error"),
    # near misses (spec 5): warnings that say what was meant
    ("nospace.md", contact(log="##2026-03-06 email: hi\n"), 6,
     "'##2026-03-06 email: hi' is not a heading: put a space after '##'", "warning"),
    ("compnay.md", "---\nname: Jane\ncompnay: Acme\n---\n", 3,
     "unknown key 'compnay': did you mean 'company'?", "warning"),
    ("emails.md", "---\nname: Jane\nemails: [a@b.example]\n---\n", 3,
     "unknown key 'emails': did you mean 'email'?", "warning"),
    ("twice.md", contact(log="## 2026-11-01 email: hi\n\n##  2026-11-01 email: hi\n"), 8,
     "the same heading as line 6: logged twice?", "warning"),
    ("cut.md", contact(log="## 11/18/2026 email: a long subject line that goes on and on\n"), 6,
     "heading '11/18/2026 email: a long subject line...' looks like", "warning"),
    ("noemail.md", contact(log="## 2026-11-21 coffee: hi\n"), 6,
     "a thank-you is due after coffee on 2026-11-21 but there is no email on file", "warning"),
    ("tab.md", "---\nname: Jane\n\trole: x\n---\n", 3,
     "YAML does not allow tabs for indentation; indent with spaces", "error"),
    ("colon.md", "---\nname: Jane\nrole: Lead: Platform\n---\n", 3,
     "a value containing ': ' must be quoted: role: \"Lead: Platform\"", "error"),
]


@pytest.mark.parametrize("name, content, line, message, severity", CASES,
                         ids=[case[0] for case in CASES])
def test_each_bad_file_gets_one_clear_line(vault, run, name, content, line, message,
                                           severity) -> None:
    root = vault({"contacts/good.md": GOOD, f"contacts/{name}": content})
    result = run(root, "check")
    assert "Traceback" not in result.output
    lines = [l for l in result.stdout.splitlines() if l.startswith(f"contacts/{name}:")]
    assert lines, result.output
    assert lines[0].startswith(f"contacts/{name}:{line}:"), lines
    assert f": {severity}: " in lines[0]
    assert message in lines[0], lines[0]
    assert result.exit_code == (1 if severity == "error" else 0)
    # Every other file still works.
    listed = run(root, "list", "--json")
    assert listed.exit_code == 0
    assert "Good Person" in listed.stdout


def test_every_field_problem_in_one_run(vault, run) -> None:
    root = vault({"contacts/jane.md": "---\nname: Jane\nfollow_up: 2026-13-01\nstatus: activ\n"
                                      "cadence: 2 weeks\nname: Janet\ncompnay: Acme\n---\n"})
    lines = run(root, "check").stdout.splitlines()
    assert [line.split(": ", 2)[0:2] for line in lines] == [
        ["contacts/jane.md:3:12", "error"], ["contacts/jane.md:4:1", "error"],
        ["contacts/jane.md:5:1", "error"], ["contacts/jane.md:6:1", "error"],
        ["contacts/jane.md:7:1", "warning"]]
    assert "follow_up: 2026-13-01 is not a valid date" in lines[0]
    assert "status: must be active, paused or archived" in lines[1]
    assert "cadence:" in lines[2] and "duplicate key 'name'" in lines[3]


def test_no_warnings_for_what_is_right(vault, run) -> None:
    root = vault({"contacts/jane.md": contact(email="jane@acme.example", company="Acme",
                                              log="## 2026-11-21 coffee: hi\n\n"
                                                  "## 2026-11-30 14:00 interview: booked\n\n"
                                                  "## 2026-11-21 email: hi\n"),
                  "contacts/peter.md": contact("Peter", linkedin="https://linkedin.com/in/p",
                                               log="## 2026-11-21 event: fair\n"),
                  "contacts/old.md": contact("Old", log="## 2026-10-01 coffee\n\n"
                                                        "## 2026-10-05 call\n"),
                  "contacts/mine.md": "---\nname: Mine\nmy_notes: kept as they are\n---\n"})
    result = run(root, "check")
    assert result.stdout == "" and result.exit_code == 0
    # The future interview is booked, not a typo. A thank-you no email could answer is
    # warned about from its meeting until a week after it was due, and only while its
    # meeting is the latest one (old.md: the coffee's, then the call's).
    for day, line in (("2026-10-03", ":6:1:"), ("2026-10-05", ":8:1:"),
                      ("2026-10-13", ":8:1:"), ("2026-10-14", None)):
        old = run(root, "check", str(root / "contacts/old.md"), today=day).stdout
        assert (line in old and old.count("no email on file") == 1) if line else old == ""


@pytest.mark.parametrize("opener", ["```", "~~~~"])
def test_a_fence_with_text_after_it_is_code_for_the_check_as_for_the_log(opener: str) -> None:
    """Inside a code block, ```` ```python ```` is code: the log skips the heading-like
    line after it, and the near-miss check must not warn about it either."""
    inner = opener[0] * 3 + "python"
    body = f"{opener}\ncode\n{inner}\n##2026-01-01 email: x\n## 2026-01-02 email: y\n{opener}\n"
    parsed = parse_contact("contacts/a.md", contact("A").encode() + body.encode(), Config())
    assert parsed.contact is not None and parsed.contact.interactions == []
    assert [d.message for d in parsed.diagnostics] == []


def test_symlink_loop_is_reported_and_skipped(vault, run) -> None:
    root = vault({"contacts/good.md": GOOD})
    os.symlink(root / "contacts", root / "contacts" / "loop")
    os.symlink("self.md", root / "contacts" / "self.md")
    result = run(root, "check")
    assert "Traceback" not in result.output
    assert "contacts/loop:1:1: warning: symbolic link loop" in result.stdout
    assert "contacts/self.md:1:1: error: cannot read file" in result.stdout
    assert run(root, "list").stdout.count("Good Person") == 1


def test_crlf_and_bom_parse_like_lf() -> None:
    text = contact(company="Acme", log="## 2026-11-01 email: hi\n\n## 2026-11-02 reply\n")
    lf = parse_contact("contacts/a.md", text.encode(), Config())
    crlf = parse_contact("contacts/a.md", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(),
                         Config())
    assert lf.diagnostics == crlf.diagnostics == []
    assert lf.contact is not None and crlf.contact is not None
    assert lf.contact.interactions == crlf.contact.interactions
    assert lf.contact.meta == crlf.contact.meta


def test_duplicate_email_and_linkedin_across_files(vault, run) -> None:
    root = vault({
        "contacts/a.md": contact("A", email="Jane@Acme.example",
                                 linkedin="https://www.linkedin.com/in/jane/"),
        "contacts/b.md": contact("B", email="jane@acme.example"),
        "contacts/sub/c.md": contact("C", linkedin="linkedin.com/in/Jane?trk=x"),
    })
    result = run(root, "check")
    assert result.exit_code == 1
    out = result.stdout
    assert "contacts/b.md:3:1: error: email: jane@acme.example is also in contacts/a.md" in out
    assert "contacts/sub/c.md:3:1: error: linkedin: linkedin.com/in/jane is also in contacts/a.md" in out


def test_company_without_company_file_is_a_warning_only_when_company_files_exist(vault, run):
    root = vault({"contacts/a.md": contact("A", company="Nowhere")})
    assert run(root, "check").stdout == ""
    (root / "companies").mkdir()
    (root / "companies" / "acme.md").write_text("---\nname: Acme\ntarget: true\n---\n")
    result = run(root, "check")
    assert result.exit_code == 0
    assert "contacts/a.md:3:1: warning: company: no company file names 'Nowhere'" in result.stdout


def test_json_output_of_check(vault, run) -> None:
    import json

    root = vault({"contacts/a.md": "---\nname: A\nphone: 5550100\n---\n"})
    result = run(root, "check", "--json")
    data = json.loads(result.stdout)
    assert data["errors"] == 1
    assert data["problems"][0]["path"] == "contacts/a.md"
    assert data["problems"][0]["line"] == 3


_ALPHABET = st.sampled_from(list(string.printable) + ["---", "\n---\n", "## ", "2026-11-0",
                                                     "é", "\ufeff", "\r\n", ": ", "!!", "&a", "*a"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=60).map("".join), st.binary(max_size=20))
def test_arbitrary_text_never_raises(text: str, junk: bytes) -> None:
    for raw in (text.encode("utf-8"), ("---\n" + text).encode("utf-8"),
                ("---\nname: X\n---\n" + text).encode("utf-8"), junk):
        result = parse_contact("contacts/x.md", raw, Config())
        for diagnostic in result.diagnostics:
            assert diagnostic.line >= 1 and diagnostic.col >= 1
            assert "\n" not in diagnostic.message


def test_far_dates_on_the_command_line_are_clear_errors(vault, run) -> None:
    root = vault({"contacts/good.md": GOOD})
    result = run(root, "status", today="9999-12-31")
    assert result.exit_code == 2
    assert result.output.strip() == ("Error: --today: 9999-12-31: the year must be from 1000 "
                                     "to 8999")
    result = run(root, "log", "good", "email", "--date", "0999-01-01")
    assert result.exit_code == 2 and "the year must be" in result.output


def test_empty_placeholders_are_not_duplicates(vault, run) -> None:
    root = vault({"contacts/a.md": contact("A", email='""', linkedin='""'),
                  "contacts/b.md": contact("B", email="' '", linkedin="''")})
    result = run(root, "check")
    assert result.exit_code == 0 and result.stdout == "", result.output


def test_non_utf8_names_and_fifos_are_reported_and_skipped(vault, run) -> None:
    root = vault({"contacts/good.md": GOOD})
    bad_name = os.fsencode(root / "contacts") + b"/bad\xffname.md"
    with open(bad_name, "wb") as handle:
        handle.write(b"---\nname: B\n---\n")
    os.mkfifo(root / "contacts" / "pipe.md")
    for _ in range(2):  # the second run reads the index
        result = run(root, "check")
        assert "contacts/bad\\xffname.md:1:1: error: the name is not UTF-8" in result.stdout
        assert "contacts/pipe.md:1:1: warning: not a regular file; skipped" in result.stdout
        assert result.exit_code == 1
        assert "Good Person" in run(root, "list").stdout


def test_check_reports_a_broken_config_like_a_file(vault, run) -> None:
    import json

    root = vault({"contacts/good.md": GOOD}, config="nudge:\n  after: 3x\n")
    result = run(root, "check")
    assert result.exit_code == 1
    assert result.stdout.startswith(".pcrm.yaml:2:1: error: nudge.after: ")
    data = json.loads(run(root, "check", "--json").stdout)
    assert data["errors"] == 1 and data["problems"][0]["path"] == ".pcrm.yaml"
