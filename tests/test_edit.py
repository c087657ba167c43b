"""Editing commands never lose a byte (spec 9): log, snooze, schedule, write_atomic.

Every test edits real files in a temporary vault and compares bytes.
"""
from __future__ import annotations

import os
import string
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pcrm.core.config import parse_config
from pcrm.core.edit import append_heading, set_front_matter_key
from pcrm.store.files import write_atomic
from pcrm.core.errors import ConflictError, ParseError, WriteError
from pcrm.core.parse import parse_contact

from helpers import contact

CONFIG = parse_config("")

JANE = (
    "---\n"
    "# who she is\n"
    "name: 'Jane Doe'            # single-quoted on purpose\n"
    "company: \"Acme\"\n"
    "zeta: last-key-first\n"
    "phone: \"+1 555 0100\"\n"
    "tags: [manager,   brooklyn-swift]\n"
    "custom_thing: {a: 1, b: [x, y]}\n"
    "follow_up: 2026-11-27   # she asked me to write after Thanksgiving\n"
    "---\n"
    "# Jane Doe\n"
    "\n"
    "Notes with  double  spaces, trailing spaces   \n"
    "and a tab\there.\n"
    "\n"
    "## 2026-11-20 interview: phone screen\n"
    "Asked about testing.\n"
)


def write(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".pcrm-tmp"))


# -- log appends, and changes no other byte -----------------------------------------------

def test_log_appends_one_heading_and_keeps_every_byte(vault, run) -> None:
    root = vault()
    path = write(root, "contacts/jane-doe.md", JANE.encode())
    result = run(root, "log", "jane", "email", "thank-you note")
    assert result.exit_code == 0, result.output
    assert "Logged in contacts/jane-doe.md" in result.output
    assert path.read_bytes() == JANE.encode() + b"\n## 2026-11-22 email: thank-you note\n"


def test_log_with_time_date_and_expect(vault, run) -> None:
    root = vault()
    path = write(root, "contacts/jane-doe.md", JANE.encode())
    result = run(root, "log", "Jane Doe", "interview", "onsite", "--date", "2026-11-21",
                 "--time", "9:05", "--expect", "1w")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == JANE.encode() + \
        b"\n## 2026-11-21 09:05 interview: onsite (expect 2026-11-29)\n"
    parsed = parse_contact("contacts/jane-doe.md", path.read_bytes(), CONFIG)
    last = parsed.contact.interactions[-1]
    assert (last.kind, last.title, last.expect.isoformat()) == ("interview", "onsite",
                                                                "2026-11-29")


def test_log_relative_dates(vault, run) -> None:
    root = vault()
    path = write(root, "contacts/jane-doe.md", JANE.encode())
    assert run(root, "log", "jane", "reply", "--date", "yesterday").exit_code == 0
    assert run(root, "log", "jane", "note", "--date", "3d").exit_code == 0
    assert path.read_bytes().endswith(b"\n## 2026-11-21 reply\n\n## 2026-11-19 note\n")


def test_log_crlf_file_gets_crlf(vault, run) -> None:
    root = vault()
    old = JANE.replace("\n", "\r\n").encode()
    path = write(root, "contacts/jane-doe.md", old)
    assert run(root, "log", "jane", "email", "thanks").exit_code == 0
    new = path.read_bytes()
    assert new == old + b"\r\n## 2026-11-22 email: thanks\r\n"
    assert b"\n" not in new.replace(b"\r\n", b"")


def test_log_adds_a_missing_final_newline_only_at_the_end(vault, run) -> None:
    root = vault()
    old = JANE.rstrip("\n").encode()
    path = write(root, "contacts/jane-doe.md", old)
    assert run(root, "log", "jane", "email", "thanks").exit_code == 0
    assert path.read_bytes() == old + b"\n\n## 2026-11-22 email: thanks\n"


def test_log_after_a_blank_line_adds_no_second_one(vault, run) -> None:
    root = vault()
    old = (JANE + "\n").encode()
    path = write(root, "contacts/jane-doe.md", old)
    assert run(root, "log", "jane", "email", "thanks").exit_code == 0
    assert path.read_bytes() == old + b"## 2026-11-22 email: thanks\n"


def test_log_keeps_non_ascii_and_a_bom(vault, run) -> None:
    root = vault()
    old = ("\ufeff---\nname: Zoë Łukasz\nrole: Ingénieure — 東京\n---\n# Zoë\n\n"
           "Café ☕ avec Zoë; naïve façade, 日本語のノート 🎉\n").encode("utf-8")
    path = write(root, "contacts/zoe.md", old)
    result = run(root, "log", "zoe", "coffee", "café ☕ à Montréal")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == old + "\n## 2026-11-22 coffee: café ☕ à Montréal\n".encode()


def test_log_into_a_subfolder_contact_by_name(vault, run) -> None:
    root = vault()
    text = contact("Li Wei", company="Initech").encode()
    path = write(root, "contacts/initech/li-wei.md", text)
    assert run(root, "log", "li wei", "email").exit_code == 0
    assert path.read_bytes() == text + b"## 2026-11-22 email\n"


# -- the property: any valid file is an exact prefix of itself after `log` -----------------

WORD = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=12)
SAFE_VALUE = st.builds(lambda first, rest: first + rest, st.sampled_from("ABCXYZabcxyz"),
                       st.text(alphabet=string.ascii_letters + string.digits + " .,-_",
                               max_size=20)).map(str.rstrip)
COMMENT = st.text(alphabet=st.characters(categories=("L", "N", "P", "S", "Zs"),
                                         exclude_characters="\x85\u2028\u2029"), max_size=30)


def _quoted(value: str, style: str) -> str:
    return {"plain": value, "single": f"'{value}'", "double": f'"{value}"'}[style]


QUOTING = st.sampled_from(["plain", "single", "double"])


@st.composite
def front_matter_lines(draw: st.DrawFn) -> list[str]:
    lines = [f"name: {_quoted(draw(SAFE_VALUE), draw(QUOTING))}"]
    used = {"name"}
    for _ in range(draw(st.integers(0, 6))):
        choice = draw(st.sampled_from(["company", "role", "custom", "comment", "blank", "tags",
                                       "email", "trailing"]))
        if choice == "comment":
            lines.append("#" + draw(COMMENT))
        elif choice == "blank":
            lines.append("")
        elif choice == "tags":
            if "tags" not in used:
                used.add("tags")
                tags = draw(st.lists(WORD.map(lambda w: "t" + w.lower()), min_size=1,
                                     max_size=3))
                lines.append("tags: [" + ",  ".join(tags) + "]" if draw(st.booleans()) else
                             "tags:\n" + "\n".join(f"  - {t}" for t in tags))
        elif choice == "email":
            if "email" not in used:
                used.add("email")
                lines.append(f"email: {draw(WORD).lower()}@example.org")
        else:
            key = {"company": "company", "role": "role"}.get(choice) or \
                "x_" + draw(WORD).lower()
            if key in used:
                continue
            used.add(key)
            line = f"{key}:   {_quoted(draw(SAFE_VALUE), draw(QUOTING))}"
            if choice == "trailing":
                line += "   # " + draw(COMMENT)
            lines.append(line)
    draw(st.randoms()).shuffle(lines)
    return lines


BODY_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",),
                                           exclude_characters="\x00\r\n"), max_size=60)
BODY_LINE = st.one_of(
    BODY_TEXT.filter(lambda line: line.lstrip(" ")[:1] not in ("#", "`", "~")),
    st.sampled_from(["", "## 2026-11-01 email: hello", "### 2026-10-01 12:30 coffee",
                     "## Notes", "#### 2026-09-09 reply: \"thanks!\"", "- a list item",
                     "## 2026-11-02 note: (expect 2026-11-09)", "---"]),
)


@st.composite
def contact_files(draw: st.DrawFn) -> bytes:
    body = draw(st.lists(BODY_LINE, max_size=12))
    lines = ["---", *"\n".join(draw(front_matter_lines())).split("\n"), "---", *body]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    if draw(st.booleans()):
        text += newline
    return text.encode("utf-8")


LOG_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " .,:;!?'\"/-éü☕",
                   max_size=30)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(raw=contact_files(), kind=st.sampled_from(["email", "interview", "event", "reply",
                                                  "note", "coffee"]), text=LOG_TEXT)
@example(raw=b"---\nname: A\n---\ntrailing spaces  ", kind="email", text="x")
@example(raw=b"---\r\nname: A # c\r\n---\r\n## 2026-11-01 email: hi\r\n\r\n", kind="reply",
         text="")
@example(raw=b"---\r\nname: 'A'\r\n---\r\nno final newline \t", kind="event", text="-h")
@example(raw="---\nname: \"Zoë\"\n---\n日本語\n\n\n".encode(), kind="note", text="ü")
def test_log_property_original_bytes_are_a_prefix(vault, run, raw: bytes, kind: str,
                                                  text: str) -> None:
    root = vault()
    before = parse_contact("contacts/p.md", raw, CONFIG)
    assert before.ok, [str(d) for d in before.diagnostics]  # the generator makes valid files
    path = write(root, "contacts/p.md", raw)
    result = run(root, "log", "p", kind, "--", text)  # "--": TEXT may start with "-"
    assert result.exit_code == 0, result.output
    new = path.read_bytes()
    assert new.startswith(raw)
    tail = new[len(raw):]
    crlf = raw.split(b"\n", 1)[0].endswith(b"\r")
    if crlf:
        assert b"\n" not in tail.replace(b"\r\n", b"")
    else:
        assert b"\r" not in tail
    assert tail.count(b"\n") <= 3
    after = parse_contact("contacts/p.md", new, CONFIG)
    assert after.ok
    assert len(after.contact.interactions) == len(before.contact.interactions) + 1
    last = max(after.contact.interactions, key=lambda i: i.index)
    assert (last.date.isoformat(), last.kind, last.title) == ("2026-11-22", kind, text.strip())
    assert after.contact.meta == before.contact.meta


# -- write_atomic: refuses stale writes, leaves no temporary file -------------------------

def test_write_atomic_refuses_if_the_file_changed_on_disk(tmp_path: Path) -> None:
    target = tmp_path / "jane.md"
    target.write_bytes(b"old\n")
    old = target.read_bytes()
    target.write_bytes(b"saved by the editor\n")  # an editor saved meanwhile
    with pytest.raises(ConflictError, match="changed on disk"):
        write_atomic(target, old + b"## appended\n", expected=old)
    assert target.read_bytes() == b"saved by the editor\n"
    assert temp_files(tmp_path) == []


def test_write_atomic_refuses_a_deleted_file(tmp_path: Path) -> None:
    target = tmp_path / "jane.md"
    with pytest.raises(ConflictError):
        write_atomic(target, b"new\n", expected=b"old\n")
    assert not target.exists() and temp_files(tmp_path) == []


def test_write_atomic_new_file_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "jane.md"
    target.write_bytes(b"someone else's\n")
    with pytest.raises(ConflictError, match="already exists"):
        write_atomic(target, b"mine\n", expected=None)
    assert target.read_bytes() == b"someone else's\n"
    assert temp_files(tmp_path) == []
    fresh = tmp_path / "new.md"
    write_atomic(fresh, b"mine\n", expected=None)
    assert fresh.read_bytes() == b"mine\n" and temp_files(tmp_path) == []


def test_write_atomic_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "jane.md"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    write_atomic(target, b"old\nnew\n", expected=b"old\n")
    assert target.read_bytes() == b"old\nnew\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert temp_files(tmp_path) == []


def test_write_atomic_follows_a_symbolic_link(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere" / "jane.md"
    real.parent.mkdir()
    real.write_bytes(b"old\n")
    link = tmp_path / "jane.md"
    link.symlink_to(real)
    write_atomic(link, b"old\nnew\n", expected=b"old\n")
    assert link.is_symlink()
    assert real.read_bytes() == b"old\nnew\n"
    assert temp_files(tmp_path) == [] and temp_files(real.parent) == []


def test_write_atomic_read_only_file(tmp_path: Path) -> None:
    target = tmp_path / "jane.md"
    target.write_bytes(b"old\n")
    target.chmod(0o444)
    with pytest.raises(WriteError, match="read-only"):
        write_atomic(target, b"old\nnew\n", expected=b"old\n")
    assert target.read_bytes() == b"old\n" and temp_files(tmp_path) == []


def test_log_read_only_file_is_refused(vault, run) -> None:
    # Refused even as root: a read-only file is the user saying "do not touch".
    root = vault()
    path = write(root, "contacts/jane-doe.md", JANE.encode())
    path.chmod(0o444)
    try:
        result = run(root, "log", "jane", "email", "thanks")
        assert result.exit_code != 0
        assert result.output.startswith("Error: ")
        assert "read-only" in result.output and "jane-doe.md" in result.output
        assert "Traceback" not in result.output
        assert path.read_bytes() == JANE.encode()
        assert temp_files(path.parent) == []
    finally:
        path.chmod(0o644)


def _folder_is_really_read_only(folder: Path) -> bool:
    probe = folder / ".probe"
    try:
        probe.write_bytes(b"")
    except OSError:
        return True
    probe.unlink()
    return False


def test_log_read_only_folder_is_refused(vault, run) -> None:
    root = vault()
    path = write(root, "contacts/jane-doe.md", JANE.encode())
    folder = path.parent
    folder.chmod(0o555)
    try:
        if not _folder_is_really_read_only(folder):
            pytest.skip("permissions are not enforced for this user (root)")
        result = run(root, "log", "jane", "email", "thanks")
        assert result.exit_code != 0
        assert result.output.startswith("Error: ") and "cannot write" in result.output
        assert "Traceback" not in result.output
        assert path.read_bytes() == JANE.encode()
        assert temp_files(folder) == []
    finally:
        folder.chmod(0o755)


# -- snooze and schedule: one front-matter line ---------------------------------------------

def test_schedule_changes_only_that_line_and_keeps_its_comment(vault, run) -> None:
    root = vault()
    path = write(root, "contacts/jane-doe.md", JANE.encode())
    result = run(root, "schedule", "jane", "2026-12-15")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == JANE.replace(
        "follow_up: 2026-11-27   # she asked", "follow_up: 2026-12-15   # she asked").encode()


def test_snooze_adds_one_line_before_the_closing_dashes(vault, run) -> None:
    root = vault()
    path = write(root, "contacts/jane-doe.md", JANE.encode())
    result = run(root, "snooze", "jane", "2w")
    assert result.exit_code == 0, result.output
    assert "snooze: 2026-12-06" in result.output
    assert path.read_bytes() == JANE.replace(
        "2026-11-27   # she asked me to write after Thanksgiving\n---\n",
        "2026-11-27   # she asked me to write after Thanksgiving\nsnooze: 2026-12-06\n---\n",
    ).encode()


def test_snooze_again_changes_the_same_line(vault, run) -> None:
    root = vault()
    path = write(root, "contacts/jane-doe.md", contact(snooze="2026-11-28").encode())
    assert run(root, "snooze", "jane", "2027-01-05").exit_code == 0
    assert path.read_bytes() == contact(snooze="2027-01-05").encode()


def test_snooze_and_schedule_keep_crlf(vault, run) -> None:
    root = vault()
    old = JANE.replace("\n", "\r\n")
    path = write(root, "contacts/jane-doe.md", old.encode())
    assert run(root, "snooze", "jane", "2026-12-01").exit_code == 0
    assert run(root, "schedule", "jane", "2026-12-24").exit_code == 0
    expected = old.replace("follow_up: 2026-11-27", "follow_up: 2026-12-24").replace(
        "Thanksgiving\r\n---\r\n", "Thanksgiving\r\nsnooze: 2026-12-01\r\n---\r\n")
    assert path.read_bytes() == expected.encode()


def test_set_key_keeps_a_bom_and_a_quoted_key() -> None:
    raw = b"\xef\xbb\xbf---\nname: Jane\n\"snooze\": 2026-01-01  # old\n---\nbody\n"
    assert set_front_matter_key(raw, "snooze", "2026-12-01") == \
        b"\xef\xbb\xbf---\nname: Jane\n\"snooze\": 2026-12-01  # old\n---\nbody\n"


def test_set_key_ignores_nested_keys_and_the_body() -> None:
    raw = b"---\nname: Jane\nmeta:\n  snooze: nested\n---\nsnooze: in the body\n"
    assert set_front_matter_key(raw, "snooze", "2026-12-01") == \
        b"---\nname: Jane\nmeta:\n  snooze: nested\nsnooze: 2026-12-01\n---\nsnooze: in the body\n"


@pytest.mark.parametrize("value_lines", [
    "follow_up:\n  2026-11-27\n",
    "follow_up: >\n  2026-11-27\n",
    "follow_up:\n- 2026-11-27\n",
])
def test_multi_line_value_is_refused(vault, run, value_lines: str) -> None:
    raw = f"---\nname: Jane Doe\n{value_lines}---\n".encode()
    with pytest.raises(ParseError, match="several lines"):
        set_front_matter_key(raw, "follow_up", "2026-12-01")
    root = vault()
    path = write(root, "contacts/jane-doe.md", raw)
    result = run(root, "schedule", "jane", "2026-12-01")
    assert result.exit_code != 0 and result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    assert path.read_bytes() == raw


def test_flow_style_front_matter_is_refused_not_broken(vault, run) -> None:
    raw = b"---\n{name: Jane Doe, company: Acme}\n---\n"
    root = vault()
    path = write(root, "contacts/jane-doe.md", raw)
    result = run(root, "snooze", "jane", "2026-12-01")
    assert result.exit_code != 0 and result.output.startswith("Error: ")
    assert "edit it by hand" in result.output
    assert path.read_bytes() == raw
    assert temp_files(path.parent) == []


def test_append_heading_is_pure() -> None:
    assert append_heading(b"", "## h") == b"## h\n"
    assert append_heading(b"a", "## h") == b"a\n\n## h\n"
    assert append_heading(b"a\r\nb", "## h") == b"a\r\nb\r\n\r\n## h\r\n"
    assert append_heading(b"a\r\n\r\n", "## h") == b"a\r\n\r\n## h\r\n"


# -- bad input: an error line, nothing written ---------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["log", "nobody", "email"], "no contact matches 'nobody'"),
    (["log", "jane", "emial"], "unknown interaction kind 'emial'; did you mean 'email'?"),
    (["log", "jane", "telepathy"], "unknown interaction kind 'telepathy' (known: "),
    (["log", "jane", "email", "--date", "2026-02-30"], "2026-02-30 is not a valid date"),
    (["log", "jane", "email", "--date", "last tuesday"], "is not a date (use YYYY-MM-DD"),
    (["log", "jane", "email", "--time", "25:00"], "'25:00' is not a time"),
    (["log", "jane", "email", "--time", "noon"], "'noon' is not a time"),
    (["log", "jane", "email", "--expect", "2026-13-01"], "2026-13-01 is not a valid date"),
    (["log", "jane", "email", "two\nlines"], "TEXT must be one line"),
    (["log", "jane", "email", "see (expect 2026-99-99)"], "would not read back"),
    (["snooze", "jane", "someday"], "is not a date"),
    (["schedule", "jane", "2026-02-29"], "2026-02-29 is not a valid date"),
    (["snooze", "nobody", "2w"], "no contact matches"),
])
def test_bad_input_is_one_error_line_and_nothing_changes(vault, run, args: list[str],
                                                         message: str) -> None:
    root = vault()
    path = write(root, "contacts/jane-doe.md", JANE.encode())
    result = run(root, *args)
    assert result.exit_code != 0
    assert result.output.startswith("Error: ")
    assert message in result.output
    assert "Traceback" not in result.output
    assert path.read_bytes() == JANE.encode()
    assert temp_files(path.parent) == []


def test_ambiguous_contact_lists_the_candidates(vault, run) -> None:
    root = vault({"contacts/jane-doe.md": contact("Jane Doe"),
                  "contacts/jane-roe.md": contact("Jane Roe")})
    before = {p: p.read_bytes() for p in (root / "contacts").iterdir()}
    result = run(root, "log", "jane", "email")
    assert result.exit_code != 0
    assert result.output.startswith("Error: 'jane' matches several contacts")
    assert "jane-doe (Jane Doe)" in result.output and "jane-roe (Jane Roe)" in result.output
    assert {p: p.read_bytes() for p in (root / "contacts").iterdir()} == before


@pytest.mark.parametrize("raw, why", [
    (b"---\nname: Jane Doe\nname: Jane\n---\n", "duplicate key 'name'"),
    (b"---\nname: Jane Doe\nphone: 5550100\n---\n", "quote it"),
    (b"---\nname: Jane Doe\n---\n## 2026-11-01 emial: hi\n", "did you mean 'email'"),
    (b"---\nname: Jane Doe\ntags: [a, b\n---\n", "front-matter"),
])
def test_log_refuses_a_file_that_does_not_parse(vault, run, raw: bytes, why: str) -> None:
    root = vault()
    path = write(root, "contacts/jane-doe.md", raw)
    result = run(root, "log", "jane-doe", "email", "thanks")
    assert result.exit_code != 0
    assert result.output.startswith("Error: ")
    assert why in result.output and "jane-doe.md" in result.output
    assert path.read_bytes() == raw
    assert temp_files(path.parent) == []


def test_log_refuses_when_the_heading_would_land_in_an_open_code_block(vault, run) -> None:
    raw = contact(log="Some code:\n\n```python\nprint('unfinished')\n").encode()
    root = vault()
    path = write(root, "contacts/jane-doe.md", raw)
    result = run(root, "log", "jane", "email")
    assert result.exit_code != 0 and "code block" in result.output
    assert path.read_bytes() == raw


# -- log --commit in a real Git repository --------------------------------------------------

def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    (tmp_path / "gitconfig").write_text(
        "[user]\n\tname = Test User\n\temail = test@example.org\n"
        "[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n")


def test_log_commit_commits_exactly_that_file(vault, run, git_identity) -> None:
    pytest.importorskip("pcrm.git.repo")
    root = vault({"contacts/jane-doe.md": contact("Jane Doe", company="Acme"),
                  "contacts/bob.md": contact("Bob Roe")})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "start")
    (root / "contacts" / "bob.md").write_text(contact("Bob Roe", role="Recruiter"))
    git(root, "add", "contacts/bob.md")
    result = run(root, "log", "jane", "interview", "phone screen", "--commit")
    assert result.exit_code == 0, result.output
    assert "Committed: log: interview with Jane Doe" in result.output
    assert git(root, "log", "-1", "--format=%s").strip() == "log: interview with Jane Doe"
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == \
        ["contacts/jane-doe.md"]
    assert git(root, "diff", "--cached", "--name-only").split() == ["contacts/bob.md"]
    assert git(root, "status", "--porcelain", "--", "contacts/jane-doe.md") == ""
    assert git(root, "rev-list", "--count", "HEAD").strip() == "2"
    committed = git(root, "show", "HEAD:contacts/jane-doe.md")
    assert committed.endswith("## 2026-11-22 interview: phone screen\n")


def test_snooze_commit_message(vault, run, git_identity) -> None:
    pytest.importorskip("pcrm.git.repo")
    root = vault({"contacts/jane-doe.md": contact("Jane Doe")})
    git(root, "init", "-q")
    result = run(root, "snooze", "jane", "2026-12-01", "--commit")
    assert result.exit_code == 0, result.output
    assert git(root, "log", "-1", "--format=%s").strip() == "snooze: Jane Doe until 2026-12-01"
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == \
        ["contacts/jane-doe.md"]


def test_log_commit_outside_git_refuses_before_writing(vault, run, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = vault({"contacts/jane-doe.md": contact("Jane Doe")})
    before = (root / "contacts/jane-doe.md").read_bytes()
    result = run(root, "log", "jane", "email", "--commit")
    assert result.exit_code != 0
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
    assert "Logged" not in result.output
    assert (root / "contacts/jane-doe.md").read_bytes() == before


def test_no_temp_files_after_many_edits(vault, run) -> None:
    root = vault()
    path = write(root, "contacts/jane-doe.md", JANE.encode())
    for args in (["log", "jane", "email"], ["snooze", "jane", "1w"],
                 ["schedule", "jane", "2026-12-01"], ["log", "jane", "emial"]):
        run(root, *args)
    assert temp_files(path.parent) == []
    assert sorted(os.listdir(path.parent)) == ["jane-doe.md"]
