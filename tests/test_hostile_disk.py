"""Hostile things on disk: devices, FIFOs, huge sparse files, links out of the vault,
Ctrl-C, killed writes, permissions, and two pcrm runs editing one file at once.

Anything that could hang or eat memory runs in a real process with a timeout
and an address-space limit, so a regression fails the test instead of the machine.
"""
from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from pcrm.store import files as store_files

from helpers import contact

GOOD = contact("Good Person", email="good@example.org")
MEMORY_LIMIT = 1024 * 1024 * 1024  # far above what pcrm needs, far below a 2 GB read


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _pcrm(root: Path, *args: str, timeout: float = 20, env: dict | None = None
          ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pcrm", "--vault", str(root),
                           "--today", "2026-11-22", *args],
                          capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_limited, env=env)


@pytest.mark.parametrize("kind", ["dev-zero", "dev-urandom", "fifo", "folder", "large"])
def test_config_must_be_a_small_regular_file(vault: Callable[..., Path], kind: str) -> None:
    root = vault({"contacts/good.md": GOOD})
    config = root / ".pcrm.yaml"
    config.unlink()
    if kind == "dev-zero":
        config.symlink_to("/dev/zero")
    elif kind == "dev-urandom":
        config.symlink_to("/dev/urandom")
    elif kind == "fifo":
        os.mkfifo(config)
    elif kind == "folder":
        config.mkdir()
    else:
        config.write_text("# padding\n" * 40000)
    started = time.monotonic()
    done = _pcrm(root, "status")
    assert time.monotonic() - started < 10
    assert done.returncode == 2, done.stderr[-300:]
    assert done.stderr.startswith("Error: .pcrm.yaml: ")
    assert len(done.stderr.splitlines()) == 1
    expected = "too large" if kind == "large" else "not a regular file"
    assert expected in done.stderr


def test_a_huge_sparse_file_is_refused_before_it_is_read(vault: Callable[..., Path]) -> None:
    root = vault({"contacts/good.md": GOOD})
    with open(root / "contacts" / "huge.md", "wb") as handle:
        handle.truncate(2 * 1024 * 1024 * 1024)  # 2 GB of nothing: no disk used
    started = time.monotonic()
    done = _pcrm(root, "check")
    assert time.monotonic() - started < 10
    assert "contacts/huge.md:1:1: error: file is too large (2048.0 MB; the limit is 1 MB)" \
        in done.stdout, done.stderr[-300:]
    listed = _pcrm(root, "list")
    assert listed.returncode == 0 and "Good Person" in listed.stdout


def test_read_bounded_refuses_devices_and_fifos(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero"), tmp_path):
        with pytest.raises(store_files.NotRegularFile):
            store_files.read_bounded(path, 100)
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(store_files.FileTooLarge):
        store_files.read_bounded(tmp_path / "big", 100)
    assert store_files.read_bounded(tmp_path / "big", 101) == b"x" * 101


def test_links_out_of_the_vault_are_not_followed(vault: Callable[..., Path],
                                                 tmp_path: Path, run: Callable) -> None:
    outside = tmp_path / "elsewhere"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "stranger.md").write_text(contact("Stranger"), encoding="utf-8")
    (outside / "loose.md").write_text(contact("Loose File"), encoding="utf-8")
    root = vault({"contacts/good.md": GOOD, "contacts/team/inner.md": contact("Inner One")})
    (root / "contacts" / "out").symlink_to(outside)
    (root / "contacts" / "root").symlink_to("/")
    (root / "contacts" / "loose.md").symlink_to(outside / "loose.md")
    (root / "contacts" / "team-link").symlink_to(root / "contacts" / "team")  # inside: fine
    started = time.monotonic()
    listed = run(root, "list")
    assert time.monotonic() - started < 3
    assert "Stranger" not in listed.output and "Loose File" not in listed.output
    assert "Good Person" in listed.output and "Inner One" in listed.output
    checked = run(root, "check")
    for name in ("out", "root", "loose.md"):
        assert (f"contacts/{name}:1:1: warning: symbolic link to a place outside the vault"
                in checked.output)


def _state(pid: int) -> str:
    """The one-letter state of process *pid* (``R``, ``S``, ``T`` stopped, ``Z``...), or ``-``."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "-"


def _helper_runs(pid: int) -> bool:
    """True while process *pid* has a child that has not exited (its forked helper)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return False
    return any(_state(int(child)) not in ("Z", "X", "-") for child in children)


def test_ctrl_c_during_a_cold_read_prints_no_traceback(tmp_path: Path) -> None:
    """A cold read of many files forks a helper; Ctrl-C must stop both quietly.

    The command is frozen (SIGSTOP) once its helper is seen, and the Ctrl-C is
    pressed only if the helper still runs then: on a loaded machine the test
    could otherwise fall behind and press it while the command was exiting.
    """
    root = tmp_path / "big"
    (root / "contacts").mkdir(parents=True)
    (root / ".pcrm.yaml").write_text("")
    body = "\n".join(f"## 2026-01-{day:02d} email: note {day}" for day in range(1, 6))
    for number in range(1600):
        (root / "contacts" / f"p{number}.md").write_text(
            contact(f"Person {number}", log=body), encoding="utf-8")
    env = {**os.environ, "PCRM_CACHE_DIR": str(tmp_path / "cache")}
    process = subprocess.Popen([sys.executable, "-m", "pcrm", "--vault", str(root), "status"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env, start_new_session=True)
    try:
        if not _freeze_while_the_helper_runs(process):
            pytest.skip("the read finished before a helper process was seen")
        os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does, held until...
        os.killpg(process.pid, signal.SIGCONT)  # ...the command runs again
        _out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:  # never leave a stopped or stuck command behind
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert "Traceback" not in err and "ForkPoolWorker" not in err, err[-1500:]
    assert process.returncode == 130 and err.strip().endswith("Interrupted."), \
        (process.returncode, err[-500:])


def _freeze_while_the_helper_runs(process: subprocess.Popen) -> bool:
    """Stop *process* (SIGSTOP to its group) at a moment its helper still runs;
    False if it finished first."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if _helper_runs(process.pid):
            os.killpg(process.pid, signal.SIGSTOP)
            stopping = time.monotonic() + 5
            while _state(process.pid) not in ("T", "t") and time.monotonic() < stopping:
                time.sleep(0.001)
            if _state(process.pid) in ("T", "t") and _helper_runs(process.pid):
                return True
            os.killpg(process.pid, signal.SIGCONT)
        time.sleep(0.002)
    return False


def test_temporary_files_are_ignored_by_git_and_stale_ones_removed(
        tmp_path: Path, run: Callable) -> None:
    from pcrm.cli.group import cli  # noqa: F401 - the init command below
    from click.testing import CliRunner

    root = tmp_path / "v"
    result = CliRunner().invoke(cli, ["init", str(root), "--no-git"])
    assert result.exit_code == 0, result.output
    (root / "contacts" / "jane.md").write_text(contact("Jane Doe"), encoding="utf-8")
    stale = root / "contacts" / ".jane.md.k3j4h5.pcrm-tmp"  # what a `kill -9` leaves
    stale.write_text("half a file")
    fresh = root / "contacts" / ".jane.md.abcdef.pcrm-tmp"
    fresh.write_text("a write in progress")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    ignored = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                              "--untracked-files=all"], capture_output=True, text=True).stdout
    assert "pcrm-tmp" not in ignored and "contacts/jane.md" in ignored
    logged = run(root, "log", "jane", "email", "hello")
    assert logged.exit_code == 0, logged.output
    assert not stale.exists() and fresh.exists()


def test_what_pcrm_keeps_outside_the_vault_is_private(tmp_path: Path, run: Callable,
                                                      vault: Callable[..., Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PCRM_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    old = os.umask(0o022)
    try:
        root = vault({"contacts/good.md": GOOD})
        assert run(root, "status").exit_code == 0
        assert run(root, "calendar").exit_code == 0
    finally:
        os.umask(old)
    base = tmp_path / "xdg" / "pcrm"
    folders = [base, *[p for p in base.rglob("*") if p.is_dir()]]
    files = [p for p in base.rglob("*") if p.is_file()]
    assert any(p.name == "index.sqlite" for p in files)
    for folder in folders:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_an_editor_save_just_before_the_rename_is_not_lost(
        vault: Callable[..., Path], run: Callable, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor saves (temp file + rename) right after pcrm compared the file."""
    root = vault({"contacts/jane.md": contact("Jane Doe")})
    target = root / "contacts" / "jane.md"
    compare = store_files._refuse_if_changed

    def compare_then_editor_saves(path: Path, expected: bytes | None) -> object:
        seen = compare(path, expected)
        temp = path.with_name(".jane.md.editor~")
        temp.write_bytes(expected + b"\nWords typed in the editor.\n")  # type: ignore[operator]
        os.replace(temp, path)
        return seen

    monkeypatch.setattr(store_files, "_refuse_if_changed", compare_then_editor_saves)
    result = run(root, "log", "jane", "email", "hello")
    assert result.exit_code != 0 and "changed on disk" in result.output
    assert b"Words typed in the editor." in target.read_bytes()


@pytest.mark.parametrize("second", [["log", "jane", "call", "second"],
                                    ["snooze", "jane", "2026-12-24"]])
def test_two_runs_at_once_lose_nothing(vault: Callable[..., Path], tmp_path: Path,
                                       second: list[str]) -> None:
    """Real processes racing on one file: every run that says it wrote, wrote."""
    root = vault({"contacts/jane.md": contact("Jane Doe")})
    env = {**os.environ, "PCRM_CACHE_DIR": str(tmp_path / "cache")}
    rounds = 6
    processes = []
    for number in range(rounds):
        for args in (["log", "jane", "email", f"first {number}"], second):
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "pcrm", "--vault", str(root), "--today", "2026-11-22",
                 *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
    results = [(p, *p.communicate(timeout=60)) for p in processes]
    assert all(p.returncode == 0 for p, _out, _err in results), \
        [err for p, _out, err in results if p.returncode]
    text = (root / "contacts" / "jane.md").read_text(encoding="utf-8")
    for number in range(rounds):
        assert f"email: first {number}" in text
    if second[0] == "log":
        assert text.count("call: second") == rounds
    else:
        assert text.count("snooze: 2026-12-24") == 1
