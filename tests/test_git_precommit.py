"""The pre-commit framework: ``.pre-commit-hooks.yaml`` tried for real with ``try-repo``.

``pre-commit try-repo`` clones pcrm, pip-installs it into its own environment
(which needs the package index, or a local mirror, for pcrm's dependencies)
and runs the ``pcrm-check`` hook on a vault's staged files.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from gitutil import BROKEN, contact, git, gitenv, make_repo, write

pytestmark = pytest.mark.usefixtures("gitenv")
__all__ = ["gitenv"]

ROOT = Path(__file__).resolve().parent.parent


def test_hook_definition() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["pcrm-check"]
    hook = hooks[0]
    assert hook["entry"] == "pcrm check --staged"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["require_serial"] is True
    assert hook["name"]
    import re

    files = re.compile(hook["files"])
    assert files.search("contacts/jane.md") and files.search(".pcrm.yaml")
    assert not files.search("notes.txt")


def test_hand_install_script(tmp_path: Path) -> None:
    script = ROOT / "hooks" / "pre-commit"
    assert script.read_text().startswith("#!/bin/sh\n")
    root = make_repo(tmp_path / "vault", {"contacts/jane.md": contact("Jane")})
    hook = root / ".git" / "hooks" / "pre-commit"
    shutil.copy(script, hook)
    hook.chmod(0o755)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    write(root, {"contacts/bad.md": BROKEN})
    git(root, "add", "contacts/bad.md")
    done = git(root, "commit", "-m", "bad", check=False, env=env)
    assert done.returncode != 0
    assert "contacts/bad.md:" in done.stderr


@pytest.mark.slow
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit") or shutil.which(
        "pre-commit", path=str(Path(sys.executable).parent))
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    if not (ROOT / ".git").exists():
        pytest.skip("not a Git checkout of pcrm: nothing to clone")
    source = tmp_path / "pcrm-src"
    git(tmp_path, "clone", "--quiet", str(ROOT), str(source))
    root = make_repo(tmp_path / "vault", {"contacts/jane.md": contact("Jane")})
    write(root, {"contacts/bad.md": BROKEN})
    git(root, "add", "contacts/bad.md")
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"))

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run([pre_commit, "try-repo", str(source), "pcrm-check"], cwd=root,
                              env=env, capture_output=True, text=True, check=False,
                              timeout=600)

    done = try_repo()
    out = done.stdout + done.stderr
    if "An unexpected error has occurred" in out or "pcrm check" not in out:
        log = tmp_path / "pre-commit-home" / "pre-commit.log"
        detail = log.read_text()[-300:] if log.exists() else out[-300:]
        pytest.skip("pre-commit could not build pcrm's environment (it pip-installs pcrm's "
                    f"dependencies, which needs PyPI or a local mirror): {detail}")
    assert done.returncode == 1, out
    assert "pcrm check (staged contact files)" in out and "Failed" in out
    assert "contacts/bad.md:4:1: error: front-matter" in out

    write(root, {"contacts/bad.md": contact("Now Good")})
    git(root, "add", "contacts/bad.md")
    done = try_repo()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout
