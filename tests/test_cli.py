"""The command line (spec 4): init, new, list, show, lookup, vault discovery, errors, help.

Commands run through Click's ``CliRunner`` on real vaults in temporary folders,
and at least once as a real ``python -m pcrm`` subprocess.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from hypothesis import example, HealthCheck, given, settings
from hypothesis import strategies as st

from pcrm.cli.group import cli
from pcrm.core.config import parse_config
from pcrm.core.parse import parse_contact

from helpers import contact

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def invoke(*args: str, env: dict[str, str] | None = None, color: bool = False) -> Result:
    """The CLI without the pinned --vault of the `run` fixture."""
    return CliRunner().invoke(cli, list(args), env=env, color=color, catch_exceptions=False)


def assert_one_error_line(result: Result, *fragments: str) -> str:
    assert result.exit_code != 0
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def snapshot_files(root: Path) -> dict[str, bytes]:
    """Every file of a folder, .git/objects and the index excepted."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith((".git/objects", ".git/logs")) \
                and rel != ".git/index":
            found[rel] = path.read_bytes()
    return found


# -- init ----------------------------------------------------------------------------------

def test_init_creates_a_vault_with_git(tmp_path: Path) -> None:
    root = tmp_path / "network"
    result = invoke("init", str(root))
    assert result.exit_code == 0, result.output
    assert (root / ".pcrm.yaml").is_file()
    assert (root / "contacts").is_dir()
    assert ".pcrm/" in (root / ".gitignore").read_text()
    assert (root / ".git").is_dir()
    assert "Initialised a Git repository." in result.output
    parse_config((root / ".pcrm.yaml").read_text())  # the default config is valid
    assert invoke("--vault", str(root), "check").exit_code == 0


def test_init_twice_overwrites_nothing(tmp_path: Path) -> None:
    root = tmp_path / "network"
    assert invoke("init", str(root)).exit_code == 0
    (root / ".pcrm.yaml").write_text("# mine\nnudge:\n  limit: 3\n")
    (root / ".gitignore").write_text("secret/\n")
    (root / "contacts" / "jane.md").write_text(contact("Jane Doe"))
    before = snapshot_files(root)
    result = invoke("init", str(root))
    assert result.exit_code == 0, result.output
    assert "Initialised" not in result.output and "created" not in result.output
    assert snapshot_files(root) == before


def test_init_inside_an_existing_repository_does_not_nest_one(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path / "notes")], check=True)
    root = tmp_path / "notes" / "crm"
    result = invoke("init", str(root))
    assert result.exit_code == 0, result.output
    assert not (root / ".git").exists()
    assert (root / ".pcrm.yaml").is_file()


def test_init_no_git(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    assert invoke("init", "--no-git", str(root)).exit_code == 0
    assert (root / ".pcrm.yaml").is_file() and not (root / ".git").exists()


def test_init_on_a_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = invoke("init", "--no-git", str(tmp_path / "file" / "sub"))
    assert_one_error_line(result, "cannot create the vault")


# -- new ---------------------------------------------------------------------------------------

def created_path(root: Path, result: Result) -> Path:
    assert result.exit_code == 0, result.output
    match = re.search(r"Created (\S+)", result.output)
    assert match, result.output
    return root / match.group(1)


def read_back(path: Path, root: Path):
    parsed = parse_contact(path.relative_to(root).as_posix(), path.read_bytes(), parse_config(""))
    assert parsed.ok, [str(d) for d in parsed.diagnostics]
    return parsed.contact


def test_new_transliterates_the_file_name(vault, run) -> None:
    root = vault()
    path = created_path(root, run(root, "new", "Zoë Łukasz-O'Brien"))
    assert path.name == "zoe-lukasz-obrien.md"
    assert path.name.isascii()
    assert read_back(path, root).name == "Zoë Łukasz-O'Brien"


def test_new_second_namesake_gets_a_number_and_nothing_is_overwritten(vault, run) -> None:
    root = vault({"contacts/jane-doe.md": contact("Jane Doe", log="## 2026-11-01 email: x\n")})
    before = (root / "contacts/jane-doe.md").read_bytes()
    second = created_path(root, run(root, "new", "Jane Doe"))
    third = created_path(root, run(root, "new", "jane doe!"))
    assert (second.name, third.name) == ("jane-doe-2.md", "jane-doe-3.md")
    assert (root / "contacts/jane-doe.md").read_bytes() == before


def test_new_with_fields(vault, run) -> None:
    root = vault()
    path = created_path(root, run(
        root, "new", "Jane Doe", "--company", "Acme", "--role", "Engineering Manager",
        "--email", "jane@acme.example", "--email", "jd@example.org", "--phone", "5550100",
        "--tag", "manager", "--tag", "no", "--cadence", "30d"))
    person = read_back(path, root)
    assert (person.company, person.role, person.phone) == ("Acme", "Engineering Manager",
                                                           "5550100")
    assert person.emails == ["jane@acme.example", "jd@example.org"]
    assert person.tags == ["manager", "no"]
    assert str(person.cadence) == "30d"


def test_new_writes_one_line_per_key_so_that_snooze_can_edit_it(vault, run) -> None:
    root = vault()
    path = created_path(root, run(root, "new", "Jane Doe"))
    assert path.read_bytes() == b"---\nname: Jane Doe\n---\n# Jane Doe\n\n"
    path = created_path(root, run(root, "new", "Bo: Bell", "--tag", "a", "--tag", "b c",
                                  "--email", "bo@example.org", "--phone", "+1 555 0100"))
    assert path.read_text() == ("---\nname: 'Bo: Bell'\nemail: bo@example.org\n"
                                "phone: \"+1 555 0100\"\ntags: [a, b c]\n---\n# Bo: Bell\n\n")
    assert run(root, "snooze", "jane-doe", "2026-12-01").exit_code == 0
    assert (root / "contacts/jane-doe.md").read_bytes() == \
        b"---\nname: Jane Doe\nsnooze: 2026-12-01\n---\n# Jane Doe\n\n"


def test_new_with_a_template_keeps_every_option(vault, run) -> None:
    root = vault({"templates/contact.md": "---\nname: {name}   # who\ncompany: \"{company}\"\n"
                                          "email:\nmet: {date}\n---\n# {name}\n\n"
                                          "Met on {date} ({role}).\n"})
    path = created_path(root, run(root, "new", "Dr: Who", "--company", "A: B", "--role",
                                  "QA", "--email", "who@example.org", "--tag", "x"))
    assert path.read_text() == (
        "---\nname: 'Dr: Who'   # who\ncompany: 'A: B'\nemail: who@example.org\n"
        "met: 2026-11-22\nrole: QA\ntags: [x]\n---\n# Dr: Who\n\nMet on 2026-11-22 (QA).\n")
    person = read_back(path, root)
    assert (person.name, person.company, person.tags) == ("Dr: Who", "A: B", ["x"])


def test_new_with_a_body_only_template(vault, run) -> None:
    root = vault({"templates/contact.md": "# {name}\n\n## Why I reached out\n"})
    path = created_path(root, run(root, "new", "Ann Lee", "--company", "Acme"))
    assert path.read_text() == ("---\nname: Ann Lee\ncompany: Acme\n---\n# Ann Lee\n\n"
                                "## Why I reached out\n")


def test_new_refuses_a_template_that_would_write_a_broken_file(vault, run) -> None:
    root = vault({"templates/contact.md": "---\nname: Fixed\naliases: [{name}]\n---\n"})
    result = run(root, "new", "a, b]: c")
    assert_one_error_line(result, "templates/contact.md", "nothing was written")
    assert list((root / "contacts").iterdir()) == []


@pytest.mark.parametrize("name", [
    "Dr: Jane \"JJ\" O'Doe", "NO", "yes", "true", "null", "~", "12:30", "0123456", "5550100",
    "2026-01-01", "1.5", "[not, a, list]", "{not: a map}", "a # not a comment", "#hashtag",
    "@handle", "*star", "&amp", "!bang", "%percent", "? question", "| pipe", "> fold",
    "'single'", '"double"', "back\\slash", "trailing colon:", "tab\there", "李伟",
    "Ünïcödé ☕",
])
def test_new_odd_names_read_back_exactly(vault, run, name: str) -> None:
    root = vault()
    path = created_path(root, run(root, "new", "--", name))
    assert re.fullmatch(r"[a-z0-9-]+\.md", path.name), path.name
    assert read_back(path, root).name == name


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.text(alphabet=st.characters(exclude_categories=("Cs",),
                                           exclude_characters="\n\x00"),
                    min_size=1, max_size=30).filter(lambda n: n.strip() == n and n))
@example(name="0\x850")  # NEL: a line break to YAML, found by hypothesis
def test_new_any_name_reads_back(vault, run, name: str) -> None:
    root = vault()
    path = created_path(root, run(root, "new", "--", name))
    assert path.name.isascii() and "/" not in path.relative_to(root / "contacts").as_posix()
    assert read_back(path, root).name == name


@pytest.mark.parametrize("args, message", [
    (["new", ""], "NAME must be a non-empty single line"),
    (["new", "a\nb"], "NAME must be a non-empty single line"),
    (["new", "Jane", "--cadence", "monthly"], "--cadence:"),
])
def test_new_bad_input(vault, run, args: list[str], message: str) -> None:
    root = vault()
    assert_one_error_line(run(root, *args), message)
    assert list((root / "contacts").iterdir()) == []


# -- list, show, lookup ------------------------------------------------------------------------

def test_list_filters(example, run) -> None:
    result = run(example, "list", "--tag", "recruiter")
    assert result.exit_code == 0
    names = [line.split("  ")[0] for line in result.output.splitlines()]
    assert names == ["Hannah Schmidt", "Maria Garcia", "Omar Haddad", "Rachel Green"]
    result = run(example, "list", "--company", "ACME")
    assert [line.split("  ")[0] for line in result.output.splitlines()] == [
        "Fatima Zahra", "Jane Doe", "Marcus Hill", "Peter Chen", "Rachel Green"]
    assert "Karen Lee" not in run(example, "list").output  # paused: only with --all
    assert "Karen Lee" in run(example, "list", "--all").output
    assert run(example, "list", "--tag", "nobody").output.strip() == "No contacts."


@pytest.mark.parametrize("name, role, company, status, tags, line", [
    ("Ann", "Engineer", "Acme", "active", ("x", "y"), "Ann     Engineer · Acme  #x #y  (ann)"),
    ("Ann", None, None, "active", (), "Ann  (ann)"),  # nothing after the name: no padding
    ("Ann\u00a0", None, None, "active", (), "Ann  (ann)"),  # the name's end is stripped then
    ("Ann", " ", None, "active", (), "Ann  (ann)"),  # a blank role is nothing either
    ("Ann", None, None, "paused", (), "Ann      [paused]  (ann)"),
    ("Ann", "Lead ", None, "active", (), "Ann     Lead  (ann)"),
    ("Ann", None, "Acme", "archived", ("z",), "Ann     Acme [archived]  #z  (ann)"),
])
def test_list_lines(name, role, company, status, tags, line) -> None:
    """What follows a name is made once per role, company, status and tags: every line
    still reads as name, role · company, [status], #tags, (id), its end stripped."""
    from pcrm.core.brief import Brief
    from pcrm.insights.people import lines

    brief = Brief(False, status, None, tags, name, company, role, None, None, b"", None, None,
                  None)
    assert lines([("ann", brief)] * 2, 6) == [line] * 2


def test_list_reads_the_vault_without_the_event_notes_applied(example, run) -> None:
    """The event notes change no name, role, company, tag, status or problem: ``list``
    reads the vault without applying them, and shows what it shows with them."""
    from pcrm.insights import people
    from pcrm.store.vault import read_vault

    assert list((example / "events").glob("*.md"))  # the example has event notes
    shown, briefs = {}, {}
    for events in (True, False):
        snapshot = read_vault(example, events=events)
        briefs[events] = people.briefs_of(snapshot)
        shown[events] = (people.lines(people.listed(briefs[events], active_only=True), 32),
                         snapshot.error_paths(), sorted(snapshot.files))
    assert shown[True] == shown[False] and shown[True][0]
    # ... although the notes do change people: their follow-ups and first meetings.
    assert briefs[True] != briefs[False]
    assert [line.rsplit("  ", 1)[1] for line in run(example, "list").output.splitlines()] == \
        [line.rsplit("  ", 1)[1] for line in shown[True][0]]  # the same people, in order


def test_list_json(example, run) -> None:
    result = run(example, "list", "--json", "--company", "acme")
    data = json.loads(result.output)
    assert [c["id"] for c in data] == ["fatima-zahra", "jane-doe", "marcus-hill", "peter-chen",
                                         "rachel-green"]
    jane = data[1]
    assert set(jane) == {"id", "name", "company", "role", "email", "phone", "tags", "status",
                         "last", "path", "quiet"}
    assert jane["quiet"] is False
    assert jane["email"] == ["jane@acme.example"] and jane["phone"] == "+1 555 0100"
    assert jane["last"] == "2026-11-20" and jane["path"] == "contacts/jane-doe.md"
    everyone = json.loads(run(example, "list", "--json").output)
    assert len(everyone) == 25 and {"paused", "archived"} <= {c["status"] for c in everyone}
    # Omar never answered two nudges: he has gone quiet (spec 3).
    assert [c["id"] for c in everyone if c["quiet"]] == ["omar-haddad"]
    before = json.loads(run(example, "list", "--json", today="2026-11-11").output)
    assert [c["id"] for c in before if c["quiet"]] == []  # his last nudge's week was not up


def test_show_card_log_and_follow_ups(example, run) -> None:
    result = run(example, "show", "rachel")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Rachel Green\n")
    assert "company:       Acme" in out and "tags:          recruiter" in out
    log = out.split("Log\n")[1].split("\n\n")[0].splitlines()
    assert [line.split()[0:3] for line in log] == [
        ["2026-11-12", "reply", "reached"], ["2026-11-20", "14:00", "interview"],
        ["2026-11-20", "18:30", "email"]]
    assert "(expect 2026-11-25)" in log[1]
    follow = out.split("Follow-ups\n")[1]
    # 11-26 and 11-27 are holidays in the example vault: the check-in moves to Monday.
    assert "Check-in       due 2026-11-30: no news by 2026-11-25" in follow
    assert "[rule check-in]" in follow


def test_show_overdue_and_nothing_pending(example, run, vault) -> None:
    out = run(example, "show", "jane-doe").output
    assert "due 2026-11-21, 1 day late" in out and "[rule thank-you]" in out
    assert "nothing pending (status: paused)" in run(example, "show", "karen").output
    # Omar never answered two nudges: only his recruiter tag's keep-in-touch is left.
    omar = run(example, "show", "omar").output.split("Follow-ups\n")[1]
    assert omar.splitlines() == ["  Keep in touch  due 2027-01-04: keep in touch every 60 days; "
                                 "last: email on 2026-11-05 [rule keep-in-touch]"]
    root = vault({"contacts/new.md": contact("New Person")})
    out = run(root, "show", "new").output
    assert "Log\n  nothing logged yet\n" in out and out.endswith("Follow-ups\n  nothing pending\n")


@pytest.mark.parametrize("query, name", [
    ("jane-doe", "Jane Doe"),  # id
    ("contacts/jane-doe.md", "Jane Doe"),  # path
    ("globex/priya-patel", "Priya Patel"),  # id in a sub-folder
    ("priya", "Priya Patel"),  # unique prefix of the file name
    ("globex/pr", "Priya Patel"),  # unique prefix of the id
    ("JANE DOE", "Jane Doe"),  # name, any case
    ("Carlos Méndez", "Carlos Méndez"),
    ("zahra", "Fatima Zahra"),  # part of the name
])
def test_lookup(example, run, query: str, name: str) -> None:
    result = run(example, "show", query)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == name


def test_lookup_ambiguous_lists_candidates(example, run) -> None:
    line = assert_one_error_line(run(example, "show", "globex/"), "matches several contacts")
    for candidate in ("globex/emma-wilson (Emma Wilson)", "globex/maria-garcia (Maria Garcia)",
                      "globex/olivia-brown (Olivia Brown)", "globex/priya-patel (Priya Patel)"):
        assert candidate in line


def test_lookup_exact_id_beats_a_longer_prefix(vault, run) -> None:
    root = vault({"contacts/jane.md": contact("Jane A"), "contacts/jane-doe.md": contact("Jane B")})
    assert run(root, "show", "jane").output.splitlines()[0] == "Jane A"


def test_lookup_not_found(example, run) -> None:
    assert_one_error_line(run(example, "show", "nobody-at-all"), "no contact matches")


# -- vault discovery ---------------------------------------------------------------------------

def test_vault_from_option_env_and_parent_folders(example, monkeypatch, tmp_path: Path) -> None:
    by_option = invoke("--vault", str(example), "--today", "2026-11-22", "list", "--json")
    assert len(json.loads(by_option.output)) == 25
    by_env = invoke("--today", "2026-11-22", "list", "--json",
                    env={"PCRM_VAULT": str(example)})
    assert by_env.output == by_option.output
    monkeypatch.chdir(example / "contacts" / "globex")
    walked = invoke("--today", "2026-11-22", "list", "--json")
    assert walked.output == by_option.output
    # --vault beats PCRM_VAULT, which beats the current folder.
    other = tmp_path / "other"
    (other / "contacts").mkdir(parents=True)
    (other / ".pcrm.yaml").write_text("")
    (other / "contacts" / "x.md").write_text(contact("Only Me"))
    assert json.loads(invoke("--vault", str(other), "list", "--json",
                             env={"PCRM_VAULT": str(example)}).output)[0]["name"] == "Only Me"
    assert json.loads(invoke("list", "--json", env={"PCRM_VAULT": str(other)}).output)[0][
        "name"] == "Only Me"


def test_no_vault_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    empty = tmp_path / "empty" / "deeper"
    empty.mkdir(parents=True)
    monkeypatch.chdir(empty)
    result = invoke("status")
    assert result.exit_code == 2
    assert_one_error_line(result, "no pcrm vault here", "pcrm init")
    assert_one_error_line(invoke("--vault", str(tmp_path / "missing"), "status"),
                          "--vault", "no such folder")
    assert_one_error_line(invoke("status", env={"PCRM_VAULT": str(tmp_path / "missing")}),
                          "PCRM_VAULT", "no such folder")


@pytest.mark.parametrize("value", ["2026-13-01", "22/11/2026", "tomorrow", "2026-02-29"])
def test_bad_today_is_a_clear_error(example, value: str) -> None:
    result = invoke("--vault", str(example), "--today", value, "status")
    assert_one_error_line(result, "--today")
    result = invoke("--vault", str(example), "status", env={"PCRM_TODAY": value})
    assert_one_error_line(result, "PCRM_TODAY")


def test_today_from_the_environment(example) -> None:
    result = invoke("--vault", str(example), "status", "--json", env={"PCRM_TODAY": "2026-11-22"})
    assert json.loads(result.output)["today"] == "2026-11-22"


# -- a bad .pcrm.yaml ------------------------------------------------------------------------

@pytest.mark.parametrize("config, line, key", [
    ("# my config\ncolour: red\n", 2, "colour: unknown key"),
    ("kinds:\n  event: 48h\n  interview: 24x\n", 3, "kinds.interview.window: '24x'"),
    ("kinds:\n  interview:\n    window: soon\n", 3, "kinds.interview.window"),
    ("nudge:\n  after: 7d\n  limit: lots\n", 3, "nudge.limit"),
    ("timezone: Mars/Olympus\n", 1, "timezone: unknown time zone 'Mars/Olympus'"),
    ("cadence:\n  tags:\n    mentor: monthly\n", 3, "cadence.tags.mentor"),
    ("nudge:\n  limit: 2\nnudge:\n  limit: 3\n", 3, "duplicate key 'nudge'"),
    ("kinds:\n  event: 48h\n  demo: 24h\n", 3, "kinds.demo: a new kind needs a class"),
    ("kinds:\n  two words: {class: note}\n", 2, "kinds.two words: a kind is one word"),
    ("kinds:\n  party: {class: fun}\n", 2, "kinds.party.class: must be one of"),
])
@pytest.mark.parametrize("command", [["status"], ["list"], ["show", "jane"],
                                     ["log", "jane", "email"]])
def test_bad_config_is_one_error_line(vault, run, config: str, line: int, key: str,
                                      command: list[str]) -> None:
    root = vault({"contacts/jane.md": contact("Jane Doe")}, config=config)
    before = (root / "contacts/jane.md").read_bytes()
    result = run(root, *command)
    assert_one_error_line(result, f".pcrm.yaml:{line}", key)
    assert (root / "contacts/jane.md").read_bytes() == before


# -- help, colour, errors ----------------------------------------------------------------------

def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        found.append(prefix + (name,))
        if isinstance(command, click.Group):
            found.extend(all_commands(command, prefix + (name,)))
    return found


COMMANDS = all_commands(cli)


def test_the_commands_of_the_spec_exist() -> None:
    for name in ("init", "new", "log", "status", "show", "list", "check", "calendar", "serve",
                 "snooze", "schedule", "hooks"):
        assert (name,) in COMMANDS
    assert ("hooks", "install") in COMMANDS and ("hooks", "uninstall") in COMMANDS


@pytest.mark.parametrize("path", [()] + COMMANDS, ids=lambda p: " ".join(p) or "pcrm")
def test_help_has_an_example(path: tuple[str, ...]) -> None:
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert "pcrm" in result.output.split("Example", 1)[1]


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and result.output.startswith("pcrm, version ")


@pytest.mark.parametrize("command", [["status"], ["show", "jane"]])
def test_colour_only_when_asked(example, command: list[str]) -> None:
    base = ["--vault", str(example), "--today", "2026-11-22"]
    coloured = invoke(*base, *command, color=True)  # as on a terminal
    assert ANSI.search(coloured.output)
    assert not ANSI.search(invoke(*base, "--no-color", *command, color=True).output)
    assert not ANSI.search(invoke(*base, *command, color=True, env={"NO_COLOR": "1"}).output)
    plain = invoke(*base, *command)  # not a terminal
    assert not ANSI.search(plain.output)
    assert plain.output == ANSI.sub("", coloured.output)


def test_status_skips_a_broken_file_and_says_so(example, run) -> None:
    (example / "contacts" / "broken.md").write_text("---\nname: [unclosed\n---\n")
    result = run(example, "status")
    assert result.exit_code == 0
    assert "Warning: 1 file(s) with errors were skipped or read in part (first: contacts/broken.md)" in result.output
    assert "Jane Doe (Acme)" in result.output
    assert json.loads(run(example, "status", "--json").output)["items"]


def test_status_text(example, run) -> None:
    out = run(example, "status").output
    sections = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert sections == ["Overdue (8)", "Today (2)", "Next 7 days (7)", "Upcoming (1)"]
    assert re.search(r"Jane Doe \(Acme\)\s+Thank-you\s+2026-11-21\s+1 day late\s+thank-you "
                     r"after interview on 2026-11-20", out)
    assert re.search(r"David Levy \(Initech\)\s+Thank-you\s+2026-11-23\s+tomorrow", out)
    assert re.search(r"Carlos Méndez \(Stark Labs\)\s+Congratulate\s+2026-11-23\s+tomorrow\s+"
                     r"congratulate: job-change on 2026-11-19", out)
    upcoming = out.split("Upcoming (1)\n")[1].splitlines()
    assert re.fullmatch(r"  Sofia Alvarez \(Globex\)\s+Interview\s+2026-11-24 13:00\s+in 2 days"
                        r"\s+onsite with the platform team; prepare questions about the role "
                        r"and Globex", upcoming[0])
    empty = run(example, "status", "--tag", "nobody").output
    assert empty.strip() == "Nothing due in the next 7 days. Nice work."


def test_status_columns_stay_apart_when_very_late(example, run) -> None:
    out = run(example, "status", today="2027-03-01").output
    lines = [line for line in out.splitlines() if line.startswith("  ") and "late" in line]
    late = [re.search(r"(\d+ days late)(\s+)\S", line) for line in lines]
    assert all(late) and {len(m.group(1)) for m in late} >= {12, 13}  # 10-99 and 100+ days
    assert all(len(m.group(2)) >= 2 for m in late)  # never "10 days late no reply"
    assert len({line.index(m.group(1)) + len(m.group(1)) + len(m.group(2))
                for line, m in zip(lines, late)}) == 1  # the reasons line up


def test_status_only_upcoming(vault, run) -> None:
    root = vault({"contacts/sofia.md": contact("Sofia", log="## 2026-11-24 interview\n")})
    out = run(root, "status").output
    assert out.splitlines()[0] == "Upcoming (1)" and "2026-11-24  " in out
    assert "Nothing due" in run(root, "status", "--days", "1").output


def test_show_quiet_and_upcoming(example, run) -> None:
    omar = run(example, "show", "omar").output
    assert "  quiet:         since 2026-11-12: no reply to 2 nudges; reach someone else at " \
           "Hooli\n" in omar
    assert "quiet:" not in run(example, "show", "omar", today="2026-11-11").output
    assert "quiet:" not in run(example, "show", "jane").output
    sofia = run(example, "show", "sofia").output
    assert sofia.endswith("Upcoming\n  2026-11-24 13:00 interview: onsite with the platform "
                          "team; prepare questions about the role and Globex\n")
    assert "Follow-ups\n  nothing pending\n" in sofia
    after = run(example, "show", "sofia", today="2026-11-24").output
    assert "Upcoming" not in after and "[rule thank-you]" in after


@pytest.mark.parametrize("args, warning", [
    (["log", "jane", "email", "hi", "--expect", "2026-11-01"],
     "Warning: --expect 2026-11-01 is in the past: the check-in is due at once."),
    (["snooze", "jane", "2026-11-01"],
     "Warning: snooze 2026-11-01 is in the past: it holds nothing back."),
    (["schedule", "jane", "2026-11-01"],
     "Warning: follow-up date 2026-11-01 is in the past: it is due at once, already late."),
])
def test_dates_in_the_past_are_said_out_loud(example, run, args: list[str], warning: str) -> None:
    result = run(example, *args)
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == warning
    future = [a.replace("2026-11-01", "2026-12-01") for a in args]
    assert run(example, *future).stderr == ""


def test_status_days_must_be_a_number(example, run) -> None:
    result = run(example, "status", "--days", "soon")
    assert result.exit_code == 2 and "Traceback" not in result.output


# -- the real thing: python -m pcrm in a subprocess ---------------------------------------

def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "PCRM_")) and k != "NO_COLOR"}
    env["PCRM_CACHE_DIR"] = str(tmp_path / "cache")
    env["PYTHONPATH"] = str(ROOT)
    return env


def test_python_m_pcrm_status(example, tmp_path: Path) -> None:
    import sqlite3
    import time

    # Freshly copied files are inside the index's racy window (their ctime is now):
    # put their mtimes an hour back and let the ctimes age, so the index keeps them.
    past = time.time() - 3600
    files = list((example / "contacts").rglob("*.md")) + list(example.glob("companies/*.md"))
    for path in files:
        os.utime(path, (past, past))
    time.sleep(2.2)
    done = subprocess.run([sys.executable, "-m", "pcrm", "--vault", str(example), "--today",
                           "2026-11-22", "status"], capture_output=True, text=True,
                          env=clean_env(tmp_path), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "\x1b[" not in done.stdout  # not a terminal: no colour
    assert done.stdout.startswith("Overdue (8)\n")
    assert "Jane Doe (Acme)" in done.stdout and "Today (2)" in done.stdout
    # Twice: the second run reads the index the first one wrote, and says the same.
    [db] = (tmp_path / "cache").glob("*/index.sqlite")
    with sqlite3.connect(db) as connection:
        rows = dict(connection.execute("SELECT path, mtime_ns FROM files"))
    assert {f"contacts/{p.relative_to(example / 'contacts').as_posix()}" for p in files
            if "contacts" in p.parts} <= set(rows)
    again = subprocess.run([sys.executable, "-m", "pcrm", "--vault", str(example), "--today",
                            "2026-11-22", "status"], capture_output=True, text=True,
                           env=clean_env(tmp_path), timeout=60)
    assert again.stdout == done.stdout
    with sqlite3.connect(db) as connection:  # read, not rewritten: every row as it was
        assert dict(connection.execute("SELECT path, mtime_ns FROM files")) == rows


def test_python_m_pcrm_error(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pcrm", "--vault", str(tmp_path / "nope"),
                           "status"], capture_output=True, text=True, env=clean_env(tmp_path),
                          timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("Error: --vault ") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_every_registered_command_is_in_the_lazy_table() -> None:
    import importlib

    from pcrm.cli import group as cli_module

    for module in set(cli_module.COMMAND_MODULES.values()):
        importlib.import_module(f"pcrm.cli.{module}")
    assert set(cli.commands) == set(cli_module.COMMAND_MODULES)


@pytest.mark.parametrize("args, message", [
    (["status", "--days", "-1"], "Error: Invalid value for '--days'"),
    (["nosuch"], "Error: No such command 'nosuch'."),
    (["log"], "Error: Missing argument 'CONTACT'."),
    (["status", "--bogus"], "Error: No such option '--bogus'."),
])
def test_usage_errors_are_one_line(example, run, args: list[str], message: str) -> None:
    result = run(example, *args)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1, result.output
    assert result.output.startswith(message)
