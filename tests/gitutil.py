"""Helpers for the Git tests: a clean git environment and real repositories.

Import the ``gitenv`` fixture into a test module (``from gitutil import gitenv``)
and mark the module ``pytestmark = pytest.mark.usefixtures("gitenv")``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

GIT = shutil.which("git")


@pytest.fixture
def gitenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No GIT_* variable, no global or system git config; a fixed identity. Returns HOME."""
    if GIT is None:
        pytest.skip("git is not installed")
    for name in list(os.environ):
        if name.startswith("GIT_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test User")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.com")
    return home


def git(cwd: Path, *args: str, check: bool = True,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run real git in *cwd*; with *check*, fail the test (showing git's output) on error."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed ({done.returncode}):\n"
                             f"{done.stdout}{done.stderr}")
    return done


def contact(name: str, *, email: str | None = None, company: str | None = None,
            extra: str = "", log: tuple[str, ...] = ()) -> str:
    """A contact file's text (SPEC 2.1), with interaction headings from *log*."""
    lines = ["---", f"name: {name}"]
    if company:
        lines.append(f"company: {company}")
    if email:
        lines.append(f"email: {email}")
    if extra:
        lines.extend(textwrap.dedent(extra).strip("\n").splitlines())
    lines += ["---", f"# {name}", ""]
    for heading in log:
        lines += [f"## {heading}", ""]
    return "\n".join(lines) + "\n"


BROKEN = "---\nname: Broken\nemail: [unclosed\n---\n"  # YAML error: never committable


def write(root: Path, files: dict[str, str | bytes]) -> None:
    """Write files under *root*, making folders."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def make_repo(root: Path, files: dict[str, str | bytes] | None = None, *,
              config: str = "", commit: bool = True) -> Path:
    """A Git repository at *root* holding a vault (``.pcrm.yaml`` + *files*)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "--quiet", "-b", "main")
    write(root, {".pcrm.yaml": config, **(files or {})})
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "--quiet", "--no-verify", "-m", "initial vault")
    return root


def commit(cwd: Path, *args: str, env: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
    """``git commit --quiet ARGS`` without failing the test: the hook may refuse it."""
    return git(cwd, "commit", "--quiet", *args, check=False, env=env)


def staged(cwd: Path) -> list[str]:
    """The paths staged relative to HEAD."""
    return git(cwd, "diff", "--cached", "--name-only").stdout.split()
