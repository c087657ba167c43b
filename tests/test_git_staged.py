"""``pcrm.staged.staged_diagnostics`` called directly, and ``pcrm check --staged``."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from gitutil import BROKEN, contact, git, gitenv, make_repo, write

from pcrm.store import index as cache
from pcrm.git import repo as pgit
from pcrm.cli.group import cli
from pcrm.core.config import Config
from pcrm.core.model import ParsedFile
from pcrm.git.staged import staged_diagnostics

pytestmark = pytest.mark.usefixtures("gitenv")
__all__ = ["gitenv"]

TODAY = dt.date(2026, 11, 22)


def check(root: Path) -> list[str]:
    return [str(d) for d in staged_diagnostics(root, Config(), TODAY)]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "vault", {
        "contacts/jane.md": contact("Jane", email="jane@acme.example"),
        "contacts/old-broken.md": BROKEN,  # committed with --no-verify long ago
    })


def test_nothing_staged_is_clean(repo: Path) -> None:
    assert check(repo) == []


def test_only_changed_files_are_reported(repo: Path) -> None:
    write(repo, {"contacts/bob.md": "---\nname: Bob\nphone: 5550100\n---\n"})
    git(repo, "add", "contacts/bob.md")
    found = check(repo)
    assert len(found) == 1
    assert found[0].startswith("contacts/bob.md:3:1: error: phone: YAML read 5550100")


def test_duplicate_against_unchanged_file(repo: Path) -> None:
    write(repo, {"contacts/j2.md": contact("J2", email="jane@acme.example")})
    git(repo, "add", "contacts/j2.md")
    assert check(repo) == [
        "contacts/j2.md:3:1: error: email: jane@acme.example is also in contacts/jane.md"]


def test_unstaged_duplicate_is_ignored(repo: Path) -> None:
    write(repo, {"contacts/j2.md": contact("J2", email="jane@acme.example")})  # untracked
    write(repo, {"contacts/bob.md": contact("Bob")})
    git(repo, "add", "contacts/bob.md")
    assert check(repo) == []


def test_deleted_duplicate_is_gone_from_the_snapshot(repo: Path) -> None:
    write(repo, {"contacts/j2.md": contact("J2", email="jane@acme.example")})
    git(repo, "add", "contacts/j2.md")
    git(repo, "rm", "--quiet", "--cached", "contacts/jane.md")  # deleted in this commit
    assert check(repo) == []


def test_rename_of_a_good_file_passes(repo: Path) -> None:
    git(repo, "mv", "contacts/jane.md", "contacts/jane-doe.md")
    assert check(repo) == []


def test_non_utf8_and_companies(repo: Path) -> None:
    write(repo, {"contacts/latin1.md": b"---\nname: Ren\xe9\n---\n",
                 "companies/acme.md": "---\ntarget: true\n---\n"})
    git(repo, "add", "contacts/latin1.md", "companies/acme.md")
    found = check(repo)
    assert any(f.startswith("contacts/latin1.md:2:") and "not UTF-8" in f for f in found)
    assert any(f.startswith("companies/acme.md:") and "name" in f for f in found)


def test_symlinks_in_the_index_are_skipped(repo: Path) -> None:
    os.symlink("jane.md", repo / "contacts" / "link.md")
    git(repo, "add", "contacts/link.md")
    assert check(repo) == []


def test_index_file_from_the_environment_is_used(repo: Path, monkeypatch:
                                                 pytest.MonkeyPatch) -> None:
    # What git does under `commit -a`: a temporary index, named relatively.
    write(repo, {"contacts/jane.md": BROKEN})
    env = dict(os.environ, GIT_INDEX_FILE=str(repo / ".git" / "tmp-index"))
    subprocess.run(["git", "read-tree", "HEAD"], cwd=repo, env=env, check=True)
    subprocess.run(["git", "add", "contacts/jane.md"], cwd=repo, env=env, check=True)
    assert check(repo) == []  # the real index is untouched
    monkeypatch.chdir(repo)
    monkeypatch.setenv("GIT_INDEX_FILE", ".git/tmp-index")
    assert any(f.startswith("contacts/jane.md:") for f in check(repo))


def test_cache_hits_are_not_read_again(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pcrm.git import staged

    # Force the whole-snapshot path, with the cache, on a small vault.
    monkeypatch.setattr(staged, "FULL_CHECK_ABOVE", 0)
    monkeypatch.setattr(staged, "CACHE_FROM", 0)
    read: list[list[str]] = []
    real_read = pgit.BlobReader.read

    config_blob = git(repo, "rev-parse", ":.pcrm.yaml").stdout.strip()

    def read_blobs(self: pgit.BlobReader, blobs: list[str]) -> dict[str, bytes]:
        if blobs and blobs != [config_blob]:  # the staged config is always read: it is tiny
            read.append(blobs)
        return real_read(self, blobs)

    monkeypatch.setattr(pgit.BlobReader, "read", read_blobs)

    write(repo, {"contacts/j2.md": contact("J2", email="jane@acme.example")})
    git(repo, "add", "contacts/j2.md")
    cold = check(repo)
    # The real blob cache (the index's ``blobs`` table) now holds the three staged files.
    index = cache.open_index(repo, Config())
    assert index is not None
    stored = {path for (path,) in index.db.execute("SELECT path FROM blobs")}
    index.close()
    assert len(read[-1]) == 3 and stored == {"contacts/jane.md", "contacts/j2.md",
                                             "contacts/old-broken.md"}
    count = len(read)
    assert check(repo) == cold  # warm: the same answer...
    assert len(read) == count  # ...without reading a blob
    write(repo, {"contacts/j2.md": contact("J2", email="j2@acme.example")})
    git(repo, "add", "contacts/j2.md")
    assert check(repo) == []
    assert len(read[-1]) == 1  # only the changed file


def test_cli_check_staged(repo: Path) -> None:
    write(repo, {"contacts/bob.md": BROKEN})
    git(repo, "add", "contacts/bob.md")
    result = CliRunner().invoke(cli, ["--vault", str(repo), "--today", "2026-11-22",
                                      "check", "--staged"])
    assert result.exit_code == 1
    assert "contacts/bob.md:" in result.output


def test_check_staged_in_a_subprocess_outside_git(tmp_path: Path) -> None:
    (tmp_path / ".pcrm.yaml").write_text("")
    done = subprocess.run([sys.executable, "-m", "pcrm", "--vault", str(tmp_path), "check",
                           "--staged"], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: ")
    assert "not in a Git repository" in done.stderr
    assert "Traceback" not in done.stderr


def spy_git(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record every process started, through subprocess or GitPython."""
    import git.cmd

    calls: list[list[str]] = []
    real_popen = subprocess.Popen
    real_safer_popen = git.cmd.safer_popen

    class Spy(real_popen):  # type: ignore[misc, valid-type]
        def __init__(self, args: Any, *rest: Any, **kwargs: Any) -> None:
            calls.append(list(args))
            super().__init__(args, *rest, **kwargs)

    def safer_popen(args: Any, *rest: Any, **kwargs: Any) -> Any:
        calls.append(list(args))
        return real_safer_popen(args, *rest, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", Spy)
    monkeypatch.setattr(git.cmd, "safer_popen", safer_popen)
    return calls


@pytest.mark.parametrize("full", [False, True])
def test_one_cat_file_process(repo: Path, monkeypatch: pytest.MonkeyPatch, full: bool) -> None:
    from pcrm.git import staged

    if full:
        monkeypatch.setattr(staged, "FULL_CHECK_ABOVE", 0)
    for i in range(20):
        write(repo, {f"contacts/p{i}.md": contact(f"P{i}", email=f"p{i}@x.example")})
    git(repo, "add", "contacts")
    calls = spy_git(monkeypatch)
    assert check(repo) == []
    assert sum(1 for c in calls if "cat-file" in c) == 1
    assert len(calls) <= 6


def test_work_grows_with_changed_files_not_the_vault(repo: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from pcrm.git import staged

    for i in range(100):
        write(repo, {f"contacts/p{i}.md": contact(f"P{i}", email=f"p{i}@x.example")})
    git(repo, "add", "contacts")
    git(repo, "commit", "--quiet", "--no-verify", "-m", "100 more")
    parsed: list[str] = []
    real_parse = staged.parse_files

    def spy(items: Any, config: Config, **options: Any) -> Any:
        items = list(items)
        parsed.extend(path for path, _raw in items)
        return real_parse(items, config, **options)

    monkeypatch.setattr(staged, "parse_files", spy)
    write(repo, {"contacts/p7.md": contact("P7", email="p7@x.example", company="Acme"),
                 "contacts/new.md": contact("New", email="P42@X.example")})
    git(repo, "add", "contacts")
    assert check(repo) == [
        "contacts/new.md:3:1: error: email: p42@x.example is also in contacts/p42.md"]
    # The two changed files, and the one that shares an email: not the 102 others.
    assert sorted(parsed) == ["contacts/new.md", "contacts/p42.md", "contacts/p7.md"]


@pytest.mark.parametrize("full", [False, True])
def test_both_paths_agree(repo: Path, monkeypatch: pytest.MonkeyPatch, full: bool) -> None:
    from pcrm.git import staged

    if full:
        monkeypatch.setattr(staged, "FULL_CHECK_ABOVE", 0)
    write(repo, {
        "companies/acme.md": "---\nname: Acme\n---\n",
        "contacts/a.md": contact("A", company="Globex",
                                 extra="linkedin: https://uk.LinkedIn.com/in/Same/?trk=x"),
        "contacts/b.md": contact("B", company="Acme",
                                 extra="linkedin: http://www.linkedin.com/in/same"),
        "contacts/c.md": contact("C", email="Jane@ACME.example"),
    })
    git(repo, "add", "contacts/c.md", "contacts/b.md", "companies/acme.md")
    git(repo, "commit", "--quiet", "--no-verify", "-m", "b and c")
    git(repo, "add", "contacts/a.md")
    assert check(repo) == [
        "contacts/a.md:3:1: warning: company: no company file names 'Globex'",
        "contacts/a.md:4:1: error: linkedin: linkedin.com/in/same is also in contacts/b.md",
    ]


def test_changed_config_checks_every_file(repo: Path) -> None:
    # Removing a kind that an unchanged contact uses breaks that contact.
    write(repo, {"contacts/bob.md": contact("Bob", log=("2026-11-01 demo: the demo",))})
    write(repo, {".pcrm.yaml": "kinds:\n  demo: {class: meeting}\n"})
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "--no-verify", "-m", "demo kind")
    write(repo, {".pcrm.yaml": "timezone: UTC\n"})
    git(repo, "add", ".pcrm.yaml")
    found = check(repo)
    assert any(f.startswith("contacts/bob.md:") and "unknown interaction kind 'demo'" in f
               for f in found)


def test_the_hook_computes_no_deadline(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Checking needs no follow-up: the rules must not run at all (their work was thrown away).
    from pcrm.core import records

    def no_rules(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("the deadline rules ran during a check")

    monkeypatch.setattr(records, "candidates", no_rules)
    monkeypatch.setattr(records, "quiet_since_log", no_rules)
    write(repo, {"contacts/j2.md": contact("J2", email="jane@acme.example",
                                           log=("2026-11-20 interview: onsite",))})
    git(repo, "add", "contacts/j2.md")
    assert check(repo) == [
        "contacts/j2.md:3:1: error: email: jane@acme.example is also in contacts/jane.md"]
    with pytest.raises(AssertionError, match="deadline rules ran"):  # the probe can fail
        records.summarize(records.parse_one("contacts/j2.md", contact("J2").encode(),
                                            Config(), full=True).contact, Config())
