"""The shape of the code (STYLE.md): a core without click, lazy heavy imports, docstrings.

The import checks run in fresh subprocesses, so that what this test process has
already imported cannot hide a stray import.
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pcrm"
MODULES = sorted(PACKAGE.glob("*.py"))
CORE = ["model", "parse", "rules", "config", "vault", "check", "edit", "yamlload", "timeutil",
        "app", "errors", "cache"]


def python(code: str, tmp_path: Path) -> dict:
    """Run *code* in a fresh interpreter; it prints one JSON value on its last line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PCRM_"))}
    env["PYTHONPATH"] = str(ROOT)
    env["PCRM_CACHE_DIR"] = str(tmp_path / "cache")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_core_never_imports_click(tmp_path: Path) -> None:
    names = [f"pcrm.{name}" for name in CORE if (PACKAGE / f"{name}.py").exists()]
    found = python(
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = [m for m in sys.modules if m == 'click' or m.startswith('click.')]\n"
        "print(json.dumps(sorted(loaded)))",
        tmp_path)
    assert found == []


def test_the_probe_sees_click_when_it_is_imported(tmp_path: Path) -> None:
    # The check above can fail: importing the command line does load click.
    found = python("import json, sys, pcrm.cli\nprint(json.dumps('click' in sys.modules))",
                   tmp_path)
    assert found is True


HEAVY = ["git", "icalendar", "pcrm.git", "pcrm.feed", "pcrm.server", "pcrm.hooks",
         "pcrm.history", "frontmatter", "text_unidecode", "http.server"]


@pytest.mark.parametrize("command", [["status"], ["status", "--json"], ["list"],
                                     ["show", "jane"]])
def test_reading_commands_import_only_what_they_use(example, tmp_path: Path,
                                                    command: list[str]) -> None:
    argv = ["pcrm", "--vault", str(example), "--today", "2026-11-22", *command]
    found = python(
        "import io, json, sys, contextlib\n"
        f"sys.argv = {argv!r}\n"
        "import pcrm.cli\n"
        "out = io.StringIO()\n"
        "code = 0\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        "        pcrm.cli.main()\n"
        "    except SystemExit as exc:\n"
        "        code = exc.code or 0\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(json.dumps({'code': code, 'heavy': heavy, 'out': out.getvalue()}))",
        tmp_path)
    assert found["code"] == 0
    assert found["out"]  # the command really ran
    assert found["heavy"] == []


def test_the_calendar_does_import_icalendar(example, tmp_path: Path) -> None:
    # The probe above can fail: a command that needs icalendar does import it.
    argv = ["pcrm", "--vault", str(example), "--today", "2026-11-22", "calendar", "-o",
            str(tmp_path / "feed.ics")]
    found = python(
        "import json, sys\n"
        f"sys.argv = {argv!r}\n"
        "import pcrm.cli\n"
        "try:\n"
        "    pcrm.cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps('icalendar' in sys.modules))", tmp_path)
    assert found is True


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_every_module_has_a_docstring_and_future_annotations(path: Path) -> None:
    tree = _tree(path)
    docstring = ast.get_docstring(tree)
    assert docstring and docstring.strip(), f"{path.name} has no module docstring"
    future = [node for node in tree.body if isinstance(node, ast.ImportFrom)
              and node.module == "__future__" and any(a.name == "annotations" for a in node.names)]
    assert future, f"{path.name} lacks 'from __future__ import annotations'"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_only_the_cli_imports_click(path: Path) -> None:
    if path.name.startswith("cli"):
        return
    assert "click" not in _imports(_tree(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_only_the_calendar_imports_icalendar_and_only_git_runs_git(path: Path) -> None:
    imports = _imports(_tree(path))
    if path.name != "feed.py":
        assert "icalendar" not in imports
    if path.name != "git.py":
        assert "subprocess" not in imports
        assert "git" not in imports  # GitPython


def test_the_package_has_the_modules_of_the_style_guide() -> None:
    names = {p.stem for p in MODULES}
    assert {"model", "parse", "rules", "config", "vault", "check", "edit", "errors", "cli",
            "git", "feed"} <= names
