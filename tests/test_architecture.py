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
MODULES = sorted(PACKAGE.rglob("*.py"))
# Layers, lowest first: a module may import its own layer or a lower one, never a higher one.
# Services (git, calendar, and the packages that compose them) sit between the store and the CLI.
LAYERS = {"core": 0, "store": 1, "git": 2, "calendar": 3, "cli": 9}
SERVICE_RANK = 4  # any other sub-package: a service over core, store, git and calendar


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def rank(module: str) -> int:
    if module == "pcrm":
        return -1  # the package itself holds only the version
    parts = module.split(".")
    if module == "pcrm.__main__":
        return 10
    return LAYERS.get(parts[1], SERVICE_RANK)


CORE = [module_name(p) for p in MODULES if module_name(p).startswith("pcrm.core")]


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
    names = CORE + [module_name(p) for p in MODULES if module_name(p).startswith("pcrm.store")]
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


HEAVY = ["git", "icalendar", "pcrm.git.repo", "pcrm.calendar.feed", "pcrm.calendar.server",
         "pcrm.git.hooks", "pcrm.git.history", "frontmatter", "text_unidecode", "http.server",
         "spellchecker", "caldav", "keyring", "niquests", "requests"]


@pytest.mark.parametrize("command", [["status"], ["status", "--json"], ["list"],
                                     ["show", "jane"]])
def test_reading_commands_import_only_what_they_use(example, tmp_path: Path,
                                                    command: list[str]) -> None:
    argv = ["pcrm", "--vault", str(example), "--today", "2026-11-22", *command]
    found = python(
        "import io, json, sys, contextlib\n"
        f"sys.argv = {argv!r}\n"
        "import pcrm.cli.group\n"
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
        "import pcrm.cli.group\n"
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


def _pcrm_imports(path: Path) -> set[str]:
    """Every pcrm module *path* imports, at the top or inside a function."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("pcrm"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if not base.startswith("pcrm"):
                continue
            for alias in node.names:  # `from pcrm.git import repo` imports pcrm.git.repo
                candidate = f"{base}.{alias.name}"
                found.add(candidate if (ROOT / candidate.replace(".", "/")).with_suffix(".py")
                          .exists() else base)
    found.discard(me)
    return found


GRAPH = {module_name(p): _pcrm_imports(p) for p in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_imports_point_down_the_layers(path: Path) -> None:
    me = module_name(path)
    upward = sorted(m for m in GRAPH[me] if rank(m) > rank(me) and not m.startswith(me + "."))
    assert not upward, f"{me} (layer {rank(me)}) imports a higher layer: {upward}"


def test_no_import_cycle() -> None:
    """Depth-first search over the import graph, imports inside functions included."""
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH.get(node, ())):
            if nxt not in GRAPH or nxt.startswith(node + "."):
                continue  # a package importing its own modules (re-exports) is no cycle
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if state.get(nxt) is None:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for start in sorted(GRAPH):
        if start not in state:
            visit(start, [start])


def test_the_cycle_check_can_fail() -> None:
    assert rank("pcrm.core.parse") < rank("pcrm.store.vault") < rank("pcrm.git.repo")
    assert rank("pcrm.git.repo") < rank("pcrm.calendar.feed") < rank("pcrm.cli.group")
    assert "pcrm.core.model" in GRAPH["pcrm.core.parse"]


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_every_module_has_a_docstring_and_future_annotations(path: Path) -> None:
    tree = _tree(path)
    docstring = ast.get_docstring(tree)
    assert docstring and docstring.strip(), f"{path.name} has no module docstring"
    future = [node for node in tree.body if isinstance(node, ast.ImportFrom)
              and node.module == "__future__" and any(a.name == "annotations" for a in node.names)]
    assert future, f"{path.name} lacks 'from __future__ import annotations'"


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_only_the_cli_imports_click(path: Path) -> None:
    if module_name(path).startswith("pcrm.cli"):
        return
    assert "click" not in _imports(_tree(path))


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_only_the_calendar_imports_icalendar_and_only_git_runs_git(path: Path) -> None:
    imports = _imports(_tree(path))
    if not module_name(path).startswith("pcrm.calendar"):
        assert "icalendar" not in imports
    if not module_name(path).startswith("pcrm.git"):
        assert "subprocess" not in imports
        assert "git" not in imports  # GitPython


def test_the_package_has_the_modules_of_the_style_guide() -> None:
    names = {module_name(p) for p in MODULES}
    assert {"pcrm.core.model", "pcrm.core.parse", "pcrm.core.rules", "pcrm.core.config",
            "pcrm.core.validate", "pcrm.core.edit", "pcrm.core.errors", "pcrm.store.vault",
            "pcrm.git.repo", "pcrm.calendar.feed", "pcrm.cli"} <= names
