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
