"""pcrm import: the dry run, --json, --apply, matching, job changes, idempotence, Git."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from exchange_files import GOOGLE_CURRENT, LINKEDIN_ROWS, VCARDS, linkedin
from helpers import contact
from pcrm.core.config import DEFAULT_KINDS

# The rules know job-change as news; a vault of an older config is taught it here.
JOB_KIND = "" if "job-change" in DEFAULT_KINDS else "kinds:\n  job-change: {class: note}\n"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"


def csv_file(tmp_path: Path, rows: list[str], name: str = "Connections.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def as_json(run: Callable, root: Path, *args: str) -> dict:
    result = run(root, "import", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


def git_vault(make: Callable[..., Path], files: dict | None = None) -> Path:
    root = make(files or {}, config=JOB_KIND)
    git(root, "init", "-q")
    git(root, "config", "user.email", "me@example.org")
    git(root, "config", "user.name", "Me")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start", "--allow-empty")
    return root


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "contacts").rglob("*.md"))}


def test_dry_run_writes_nothing_and_shows_the_review(vault, run, tmp_path: Path) -> None:
    root = vault({"contacts/jane-doe.md": contact(company="Acme", role="Engineer")},
                 config=JOB_KIND)
    source = tmp_path / "Connections.csv"
    source.write_bytes(linkedin(LINKEDIN_ROWS))
    before = files_of(root)
    result = run(root, "import", "linkedin", str(source))
    assert result.exit_code == 0, result.output
    assert files_of(root) == before
    out = result.stdout
    assert "new      Zoë Ørsted: Globex · CTO" in out
    assert "update   Jane Doe -> jane-doe: role: Engineer -> Engineer, iOS and macOS; " \
           "email: (none) -> jane@acme.example" in out
    assert "skipped  line 8: 8 fields where the header has 7" in out
    assert "LinkedIn: 2 new, 1 update, 0 same, 0 review, 3 skipped." in out
    assert "Dry run: nothing was written" in out


def test_json_is_exactly_the_spec(vault, run, tmp_path: Path) -> None:
    root = vault({"contacts/jane-doe.md": contact(company="Acme", role="Engineer")},
                 config=JOB_KIND)
    source = tmp_path / "Connections.csv"
    source.write_bytes(linkedin(LINKEDIN_ROWS))
    data = as_json(run, root, "linkedin", str(source))
    assert list(data) == ["new", "update", "same", "review", "skipped", "rows"]
    assert (data["new"], data["update"], data["same"], data["review"], data["skipped"]) == \
        (2, 1, 0, 0, 3)
    assert all(list(row) == ["action", "name", "contact", "changes", "reason"]
               for row in data["rows"])
    jane = data["rows"][0]
    assert jane == {"action": "update", "name": "Jane Doe", "contact": "jane-doe",
                    "changes": {"role": ["Engineer", "Engineer, iOS and macOS"],
                                "email": [None, ["jane@acme.example"]],
                                "linkedin": [None, "https://www.linkedin.com/in/janedoe"],
                                "connected": [None, "2024-03-15"]},
                    "reason": "job change: Engineer, iOS and macOS at Acme (was Engineer at "
                              "Acme); rows at lines 5, 12 are one person (merged)"}
    skipped = [row for row in data["rows"] if row["action"] == "skipped"]
    assert [row["reason"][:7] for row in skipped] == ["line 7:", "line 8:", "line 9:"]
    assert all(row["contact"] is None and row["changes"] == {} for row in skipped)


def test_apply_writes_commits_once_and_a_second_import_changes_nothing(
        vault, run, tmp_path: Path) -> None:
    root = git_vault(vault)
    source = tmp_path / "Connections.csv"
    source.write_bytes(linkedin(LINKEDIN_ROWS))
    result = run(root, "import", "linkedin", str(source), "--apply")
    assert result.exit_code == 0, result.output
    assert sorted(files_of(root)) == ["contacts/ann-lee.md", "contacts/jane-doe.md",
                                      "contacts/zoe-orsted.md"]
    assert git(root, "log", "--format=%s").splitlines() == [
        "import: LinkedIn, 3 new, 0 changed", "start"]
    assert git(root, "status", "--porcelain") == ""
    jane = (root / "contacts/jane-doe.md").read_text(encoding="utf-8")
    assert "company: Acme\n" in jane and "email: jane@acme.example\n" in jane
    assert "connected: 2024-03-15\n" in jane
    assert run(root, "check").exit_code == 0
    before = files_of(root)
    again = as_json(run, root, "linkedin", str(source), "--apply")
    assert (again["new"], again["update"], again["same"]) == (0, 0, 3)
    assert files_of(root) == before
    assert len(git(root, "log", "--format=%s").splitlines()) == 2


def test_a_job_change_on_reimport_updates_and_logs(vault, run, tmp_path: Path) -> None:
    original = ("---\r\nname: Jane Doe   # as she writes it\r\ncompany: Acme\r\n"
                "role: Engineer\r\nlinkedin: https://www.linkedin.com/in/janedoe\r\n"
                "email: jane@acme.example\r\n---\r\n# Jane Doe\r\n\r\nMet at the meetup.\r\n")
    root = git_vault(vault, {"contacts/jane-doe.md": original.encode()})
    source = csv_file(tmp_path, ["Jane,Doe,https://uk.linkedin.com/in/janedoe/,,Globex,"
                                 "Staff Engineer,15 Mar 2024"])
    result = run(root, "import", "linkedin", str(source), "--apply")
    assert result.exit_code == 0, result.output
    assert "[job change]" in result.stdout
    new = (root / "contacts/jane-doe.md").read_bytes().decode()
    expected = original.replace("company: Acme", "company: Globex") \
        .replace("role: Engineer", "role: Staff Engineer") \
        .replace("---\r\n# Jane", "connected: 2024-03-15\r\n---\r\n# Jane") + \
        "\r\n## 2026-11-22 job-change: Staff Engineer at Globex (was Engineer at Acme)\r\n"
    assert new == expected
    assert git(root, "log", "-1", "--format=%s").strip() == "import: LinkedIn, 0 new, 1 changed"
    if not JOB_KIND:  # the rules make a congratulate follow-up of it
        status = json.loads(run(root, "status", "--json", "--days", "30").stdout)
        assert [i["rule"] for i in status["items"]] == ["congratulate"]
    again = as_json(run, root, "linkedin", str(source), "--apply")
    assert again["same"] == 1 and (root / "contacts/jane-doe.md").read_bytes() == new.encode()


def test_matching_and_review_cases(vault, run, tmp_path: Path) -> None:
    root = vault({
        "contacts/jose.md": contact("José Núñez", company="Initech"),
        "contacts/li-wei.md": contact("Li Wei", company="Acme"),
        "contacts/sam.md": contact("Sam Poe"),
    }, config=JOB_KIND)
    source = csv_file(tmp_path, [
        "Jose,Nunez,https://www.linkedin.com/in/jnunez,,INITECH,,",  # accents, case
        "Wei,Li,https://www.linkedin.com/in/weili,,Globex,,",  # swapped, other company
        "Sam,Poe,,,,,",  # the same name, no company anywhere
        "Ava,Stone,,ava@x.example,,,",
        "ava,stone,,AVA@x.example,Hooli,,",  # the same person twice in the file
    ])
    data = as_json(run, root, "linkedin", str(source), "--apply")
    rows = {row["name"]: row for row in data["rows"]}
    assert rows["Jose Nunez"]["action"] == "update"
    assert rows["Jose Nunez"]["contact"] == "jose"
    assert rows["Wei Li"]["action"] == "review" and rows["Wei Li"]["contact"] == "li-wei"
    assert "same name as li-wei (Acme); the import says Globex" in rows["Wei Li"]["reason"]
    assert rows["Sam Poe"]["action"] == "review"
    assert rows["Ava Stone"]["action"] == "new"
    assert "lines 5, 6 are one person" in rows["Ava Stone"]["reason"]
    assert (data["new"], data["update"], data["review"]) == (1, 1, 2)
    # Review rows are never applied: no second Li Wei, no second Sam Poe.
    assert sorted(p.name for p in (root / "contacts").iterdir()) == [
        "ava-stone.md", "jose.md", "li-wei.md", "sam.md"]
    assert "linkedin: https://www.linkedin.com/in/jnunez" in \
        (root / "contacts/jose.md").read_text(encoding="utf-8")
    assert "company: Hooli" in (root / "contacts/ava-stone.md").read_text(encoding="utf-8")


def test_what_the_user_typed_is_kept_unless_overwrite(vault, run, tmp_path: Path) -> None:
    root = vault({"contacts/maria.md": contact(
        "Maria Garcia", company="Initech", phone='"+34 611 111 111"',
        email="maria@initech.example")}, config=JOB_KIND)
    source = tmp_path / "contacts.csv"
    source.write_bytes(GOOGLE_CURRENT)
    data = as_json(run, root, "google", str(source), "--apply")
    assert data["rows"][0]["changes"] == {
        "role": [None, "Data Engineer"],
        "email": [["maria@initech.example"], ["maria@initech.example", "maria.g@home.example"]],
        "linkedin": [None, "https://www.linkedin.com/in/mariagarcia"],
        "tags": [None, ["work-friends"]]}
    text = (root / "contacts/maria.md").read_text(encoding="utf-8")
    assert 'phone: "+34 611 111 111"' in text and "name: Maria Garcia" in text
    data = as_json(run, root, "google", str(source), "--apply", "--overwrite")
    assert data["rows"][0]["changes"] == {"name": ["Maria Garcia", "Maria García"],
                                          "phone": ["+34 611 111 111", "+34 600 000 000"]}
    text = (root / "contacts/maria.md").read_text(encoding="utf-8")
    assert "name: Maria García" in text and 'phone: "+34 600 000 000"' in text


def test_an_update_changes_only_its_front_matter_lines(vault, run, tmp_path: Path) -> None:
    original = ("---\nname: Linh Nguyen\n# where we met\ncompany: Hooli  # since 2020\n"
                "tags: [friends]\n---\n# Linh Nguyen\n\n## 2026-01-05 coffee: catch-up\n"
                "Talked about climbing.\n")
    root = vault({"contacts/linh.md": original.encode()}, config=JOB_KIND)
    source = tmp_path / "phone.vcf"
    source.write_bytes(VCARDS)
    result = run(root, "import", "vcard", str(source), "--apply")
    assert result.exit_code == 0, result.output
    assert "skipped  line 29: cannot read this card" in result.stdout
    new = (root / "contacts/linh.md").read_text(encoding="utf-8")
    assert new == original.replace("tags: [friends]", "tags: [friends, bay-area]").replace(
        "---\n# Linh", "role: Senior Engineering Manager, Platform and Developer Experience\n"
        "email: linh@hooli.example\nlinkedin: https://www.linkedin.com/in/linhnguyen\n"
        "---\n# Linh")


def test_new_files_read_back_and_pass_check(vault, run, tmp_path: Path) -> None:
    root = vault({}, config=JOB_KIND)
    source = tmp_path / "phone.vcf"
    source.write_bytes(VCARDS)
    data = as_json(run, root, "vcard", str(source), "--apply")
    assert (data["new"], data["skipped"]) == (3, 2)
    assert run(root, "check").exit_code == 0
    listed = json.loads(run(root, "list", "--json").stdout)
    assert {(c["name"], c["phone"]) for c in listed} == {
        ("Chidi Okafor", "+1-555-0142"), ("Jürgen Müller", "+49 30 1234567"),
        ("Linh Nguyen", None)}
    assert "Climbs on Tuesdays." in (root / "contacts/linh-nguyen.md").read_text(
        encoding="utf-8")


def test_a_bad_file_is_one_error_line(vault, run, tmp_path: Path) -> None:
    root = vault({}, config=JOB_KIND)
    bad = tmp_path / "x.csv"
    bad.write_bytes(b"\xff\x00garbage")
    result = run(root, "import", "linkedin", str(bad))
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    missing = run(root, "import", "google", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "cannot read" in missing.stderr


def test_a_real_process_piped_shows_no_progress(vault, tmp_path: Path) -> None:
    root = vault({}, config=JOB_KIND)
    rows = [f"P{i},Q{i},https://www.linkedin.com/in/p{i},,Co{i % 7},Role,01 Jan 2024"
            for i in range(800)]
    source = csv_file(tmp_path, rows)
    done = subprocess.run([sys.executable, "-m", "pcrm", "--vault", str(root), "import",
                           "linkedin", str(source), "--apply"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "LinkedIn: 800 new, 0 update, 0 same, 0 review, 0 skipped." in done.stdout
    assert len(list((root / "contacts").iterdir())) == 800


def test_connected_must_be_a_date(vault, run) -> None:
    root = vault({"contacts/a.md": contact("A B", connected="March 2024"),
                  "contacts/c.md": contact("C D", connected="2024-03-15")})
    result = run(root, "check")
    assert result.exit_code == 1
    assert "contacts/a.md:3:1: error: connected: must be a date YYYY-MM-DD" in result.stdout
    assert "contacts/c.md" not in result.stdout
