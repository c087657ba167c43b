"""``pcrm hooks install --publish URL``: a real commit publishes to a real Radicale."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitutil import commit, contact, git, gitenv, make_repo, write

from pcrm.calendar import publog
from pcrm.cli.group import cli
from pcrm.git import publish_hook
from pcrm.store.paths import state_dir
from radicale_server import Radicale, free_port, make_calendar, radicale
from test_publish import server_events

pytestmark = pytest.mark.usefixtures("gitenv")
__all__ = ["gitenv", "radicale"]

USER_HOOK = b"#!/bin/sh\necho user-post-commit-ran > user-hook-ran.txt\n"


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "vault", {"contacts/jane.md": contact("Jane", email="j@x.io")})


def pcrm(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--vault", str(root), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def wait_for(check, seconds: float = 30.0) -> None:  # noqa: ANN001 - a predicate
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_commit_publishes_in_the_background(repo: Path, radicale: Radicale) -> None:
    url = make_calendar(radicale.base, "jane/hooked")
    hook = repo / ".git" / "hooks" / "post-commit"
    hook.write_bytes(USER_HOOK)
    hook.chmod(0o755)
    code, out, _ = pcrm(repo, "hooks", "install", "--publish", url)
    assert code == 0 and f"publishes to {url}" in out
    assert publish_hook.MARKER in hook.read_text()
    write(repo, {"contacts/bob.md": contact("Bob", company="Acme", extra="follow_up: 2026-12-01")})
    git(repo, "add", "-A")
    started = time.monotonic()
    assert commit(repo, "-m", "bob").returncode == 0
    took = time.monotonic() - started
    wait_for(lambda: any("Bob" in str(e["summary"]) for e in server_events(url).values()))
    assert (repo / "user-hook-ran.txt").exists()  # the user's own hook still ran
    assert took < 10
    wait_for(lambda: (state_dir(repo) / publog.STATUS_FILE).exists())
    assert publog.last_failure(state_dir(repo)) is None
    # Uninstall puts the user's hook back.
    code, out, _ = pcrm(repo, "hooks", "uninstall")
    assert code == 0 and "published the feed" in out
    assert hook.read_bytes() == USER_HOOK


def test_a_failed_publish_is_reported_by_status(repo: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/nobody/listens/"
    assert pcrm(repo, "hooks", "install", "--publish", url)[0] == 0
    write(repo, {"contacts/bob.md": contact("Bob", extra="follow_up: 2026-12-01")})
    git(repo, "add", "-A")
    assert commit(repo, "-m", "bob").returncode == 0
    wait_for(lambda: publog.last_failure(state_dir(repo)) is not None)
    code, _out, err = pcrm(repo, "status")
    assert code == 0
    assert f"Warning: the last publish to {url} failed at " in err
    assert "cannot reach 127.0.0.1" in err


@pytest.mark.parametrize("url", ["https://jane:pw@dav.example.com/cal/", "ftp://x/",
                                 "not a url"])
def test_install_refuses_bad_urls(repo: Path, url: str) -> None:
    code, _out, err = pcrm(repo, "hooks", "install", "--publish", url)
    assert code == 1 and err.startswith("Error: ") and err.count("\n") == 1
    assert not (repo / ".git" / "hooks" / "post-commit").exists()
