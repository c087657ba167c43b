"""Shared fixtures: real vaults in temporary folders, and the CLI runner."""
from __future__ import annotations

import os
import shutil
import signal
import textwrap
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner, Result

from pcrm.cli.group import cli

# A shell without job control starts background jobs with Ctrl-C ignored, and an ignored
# signal stays ignored across exec: the tests that press Ctrl-C on a real `pcrm` process
# would then wait forever. Python's own handler here makes children start with the default.
signal.signal(signal.SIGINT, signal.default_int_handler)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example-vault"
TODAY = "2026-11-22"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user or git environment leaks into a test."""
    for name in list(os.environ):
        if name.startswith(("GIT_", "PCRM_")) or name == "NO_COLOR":
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PCRM_CACHE_DIR", str(tmp_path / ".pcrm-cache"))
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def vault(tmp_path: Path) -> Callable[..., Path]:
    """``vault({"contacts/a.md": "..."}, config="...")`` writes a vault and returns its root."""

    def make(files: dict[str, str | bytes] | None = None, config: str = "") -> Path:
        root = tmp_path / "vault"
        (root / "contacts").mkdir(parents=True, exist_ok=True)
        (root / ".pcrm.yaml").write_text(config, encoding="utf-8")
        for rel, content in (files or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return root

    return make


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A private copy of the bundled example vault."""
    target = tmp_path / "example"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.fixture
def run() -> Callable[..., Result]:
    """``run(root, "status", "--json")``: the CLI on a vault, today pinned."""

    def invoke(root: Path, *args: str, today: str = TODAY) -> Result:
        runner = CliRunner()
        return runner.invoke(cli, ["--vault", str(root), "--today", today, "--no-color", *args],
                             catch_exceptions=False)

    return invoke
