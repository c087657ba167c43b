"""Hostile files: every one is reported on one line and every command stays quick.

Each case reproduces an attack that crashed, hung or flooded an earlier release
(a 60 KB file of nested brackets that segfaulted libyaml's composer, an alias
bomb, a regular expression that went quadratic, terminal escape sequences in a
name). Sizes are the smallest that still showed the defect clearly.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from pcrm.core import yamlload
from pcrm.core.config import Config
from pcrm.core.edit import set_front_matter_key
from pcrm.core.parse import parse_contact

from helpers import contact

GOOD = contact("Good Person", email="good@example.org")


def _alias_bomb(levels: int = 6, width: int = 9) -> str:
    lines = ["a0: &a0 [lol]"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "---\nname: Bomb\n" + "\n".join(lines) + f"\ncompany: *a{levels}\n---\n"


# (file name, content, message fragment expected from check)
HOSTILE = [
    ("deep.md", "---\nname: Deep\nd: " + "[" * 30000 + "]" * 30000 + "\n---\n",
     "front-matter nested too deeply"),
    ("deepmap.md", "---\nname: Deep\nd: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n---\n",
     "front-matter nested too deeply"),
    ("bomb.md", _alias_bomb(), "aliases (*a0) are not allowed"),
    ("dots.md", "---\nname: Dots\nemail: 'a@" + "." * 30000 + "@'\n---\n",
     "does not look like an email address"),
    ("huge-value.md", "---\nname: Huge\ncompany: [" + "x, " * 100000 + "x]\n---\n",
     "company: must be text, not ['x', 'x', 'x', 'x', ...]"),
]


def _write(root: Path, name: str, content: str | bytes) -> None:
    path = root / "contacts" / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


@pytest.mark.parametrize("name,content,expected", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_check_reports_hostile_file_on_one_line(vault: Callable[..., Path], run: Callable,
                                                name: str, content: str,
                                                expected: str) -> None:
    root = vault({"contacts/good.md": GOOD})
    _write(root, name, content)
    started = time.monotonic()
    result = run(root, "check")
    assert time.monotonic() - started < 3
    lines = [line for line in result.output.splitlines() if f"contacts/{name}" in line]
    assert lines and expected in lines[0], result.output[:500]
    assert len(result.output) < 2000  # no value of unbounded size in any message


@pytest.mark.parametrize("command", [["check"], ["status"], ["list"], ["show", "good"],
                                     ["calendar"], ["search", "good"]])
def test_every_command_survives_every_hostile_file(vault: Callable[..., Path], run: Callable,
                                                   command: list[str]) -> None:
    root = vault({"contacts/good.md": GOOD})
    for name, content, _expected in HOSTILE:
        _write(root, name, content)
    started = time.monotonic()
    result = run(root, *command)
    assert time.monotonic() - started < 3 * len(HOSTILE)
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert len(result.output) < 5000
    if command[0] != "check":
        assert result.exit_code == 0, result.output[:500]
        assert any(sign in result.output for sign in ("Good Person", "BEGIN:VCALENDAR",
                                                       "Nothing due"))
        if command[0] != "search":
            assert "contacts/" in result.output  # the warning names a skipped file


def test_nesting_does_not_crash_a_real_process(vault: Callable[..., Path]) -> None:
    """libyaml's composer recursed in C: the process died of SIGSEGV, not an error."""
    root = vault({"contacts/good.md": GOOD,
                  "contacts/deep.md": "---\nname: D\nd: " + "[" * 30000 + "]" * 30000 + "\n---\n"})
    done = subprocess.run([sys.executable, "-m", "pcrm", "--vault", str(root), "check"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 1, done.stderr[-500:]
    assert "contacts/deep.md:3:" in done.stdout
    assert "front-matter nested too deeply" in done.stdout


def test_nesting_in_the_config_is_an_error_not_a_crash(vault: Callable[..., Path]) -> None:
    root = vault({"contacts/good.md": GOOD}, config="kinds: " + "[" * 30000 + "]" * 30000 + "\n")
    done = subprocess.run([sys.executable, "-m", "pcrm", "--vault", str(root), "status"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.startswith("Error: .pcrm.yaml:1:")
    assert "nested too deeply" in done.stderr and len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",
    "a: &x [1, 2]\nb: *x\n",
    "a: &x {k: v}\nb: [*x]\n",
])
def test_aliases_are_refused(text: str) -> None:
    with pytest.raises(yamlload.YamlError, match="aliases"):
        yamlload.load(text)


def test_an_asterisk_in_a_value_is_not_an_alias() -> None:
    assert yamlload.load("role: '*star*'\nname: \"a * b\"\n") == {"role": "*star*",
                                                                    "name": "a * b"}


def test_depth_limit_counts_levels_exactly() -> None:
    deep_ok = "a: " + "[" * (yamlload.MAX_DEPTH - 1) + "]" * (yamlload.MAX_DEPTH - 1)
    assert yamlload.load(deep_ok) is not None
    too_deep = "a: " + "[" * yamlload.MAX_DEPTH + "]" * yamlload.MAX_DEPTH
    with pytest.raises(yamlload.YamlError, match="nested too deeply"):
        yamlload.load(too_deep)
    block = "".join(" " * level + f"k{level}:\n" for level in range(yamlload.MAX_DEPTH + 1))
    with pytest.raises(yamlload.YamlError, match="nested too deeply"):
        yamlload.load(block + " " * (yamlload.MAX_DEPTH + 1) + "x\n")


def _seconds(action: Callable[[], object], repeat: int = 2) -> float:
    """The least CPU time this thread spent on *action* over *repeat* runs: unlike
    the wall clock, it does not grow while other processes hold the cores."""
    best = float("inf")
    for _ in range(repeat):
        started = time.thread_time()
        action()
        best = min(best, time.thread_time() - started)
    return best


def _parse(body: str, front: str = "name: A\n") -> Callable[[], object]:
    raw = f"---\n{front}---\n{body}".encode()
    return lambda: parse_contact("contacts/a.md", raw, Config())


# Inputs on which an earlier pattern backtracked quadratically: each took
# seconds at this size and now takes milliseconds.
@pytest.mark.parametrize("action", [
    _parse("", "name: A\nemail: 'a@" + "." * 30000 + "@'\n"),
    _parse("## a" + " " * 30000 + "x\n"),
    _parse("## 2026-01-01 email: x (expect " + " " * 60000 + "x\n"),
    lambda: set_front_matter_key(b"---\nname: A\nsnooze: x" + b" " * 80000 + b"y\n---\n",
                                 "snooze", "2026-01-01"),
], ids=["email", "heading", "expect", "comment"])
def test_patterns_are_linear(action: Callable[[], object]) -> None:
    assert _seconds(action) < 0.5


def test_parsing_is_linear_in_headings() -> None:
    """Each heading's section end was found by copying the rest of the list.

    Four times the headings cost about four times the CPU time (quadratic: sixteen);
    a measurement disturbed by the machine is taken again, up to three times."""
    small_file = _parse("## 2026-01-01 email: x\n" * 5000)
    large_file = _parse("## 2026-01-01 email: x\n" * 20000)
    measured = []
    for _attempt in range(3):
        small, large = _seconds(small_file, 3), _seconds(large_file, 3)
        measured.append((small, large))
        if large < 8 * small + 0.02:
            break
    else:
        pytest.fail(f"4x the headings cost more than 8x the time: {measured}")


def test_search_snippet_is_linear_in_blank_lines(vault: Callable[..., Path],
                                                 run: Callable) -> None:
    root = vault({"contacts/a.md": contact("Blank Lines", log="needle" + "\n" * 30000)})
    started = time.monotonic()
    result = run(root, "search", "needle")
    assert time.monotonic() - started < 3
    assert "Blank Lines" in result.output


# -- control characters -------------------------------------------------------------

EVIL = ('---\nname: "\\e]0;pwned\\a\\e[2J Evil"\ncompany: "Hooli\\e[8m"\n---\n'
        "# Evil\n\n## 2026-11-20 email: hi \x1b]52;c;cHduZWQ=\x07 there\n")


@pytest.mark.parametrize("command", [["list"], ["status"], ["show", "evil"], ["search", "evil"],
                                     ["check"], ["list", "--json"], ["status", "--json"]])
def test_no_control_character_reaches_the_terminal(vault: Callable[..., Path], run: Callable,
                                                   command: list[str]) -> None:
    root = vault({"contacts/evil.md": EVIL})
    result = run(root, *command)
    assert "Evil" in result.output or "evil" in result.output
    assert not any(ord(char) < 32 and char not in "\n\t" or 0x7F <= ord(char) <= 0x9F
                   for char in result.output), repr(result.output[:300])


def test_check_warns_about_control_characters(vault: Callable[..., Path],
                                              run: Callable) -> None:
    root = vault({"contacts/evil.md": EVIL})
    result = run(root, "check")
    assert result.exit_code == 0
    assert "contacts/evil.md:2:1: warning: name: control characters" in result.output
    assert "contacts/evil.md:3:1: warning: company: control characters" in result.output
    assert "contacts/evil.md:7:" in result.output and "U+001B in the notes" in result.output


def test_the_feed_carries_no_control_characters(vault: Callable[..., Path],
                                                run: Callable) -> None:
    root = vault({"contacts/evil.md": EVIL.replace("---\n#", "birthday: 1990-11-25\n---\n#")})
    result = run(root, "calendar")
    assert "BEGIN:VEVENT" in result.output and "Evil" in result.output
    text = result.output.replace("\r\n", "\n")
    assert not any(ord(char) < 32 and char not in "\n" or 0x7F <= ord(char) <= 0x9F
                   for char in text)


def test_a_newline_in_a_file_name_keeps_check_one_line_per_problem(
        vault: Callable[..., Path], run: Callable) -> None:
    root = vault({"contacts/good.md": GOOD})
    (root / "contacts" / "two\nlines.md").write_text("no front-matter\n", encoding="utf-8")
    result = run(root, "check")
    problems = [line for line in result.output.splitlines() if "error" in line
                and "error(s)" not in line]
    assert problems == ["contacts/two\u2424lines.md:1:1: error: no front-matter: the file "
                        "must start with a line '---', then 'name: ...', then '---'"]


def test_own_colours_still_pass_when_wanted() -> None:
    from pcrm.core.safetext import clean_output

    assert clean_output("\x1b[1mJane\x1b[0m") == "\x1b[1mJane\x1b[0m"
    assert clean_output("\x1b[8mhidden\x1b]0;t\x07") == "\u241b[8mhidden\u241b]0;t\u2407"


@pytest.mark.parametrize("control", ["\x9b", "\r", "\x1b", "\x07"])
def test_a_long_output_is_cleaned_like_a_short_one(control: str) -> None:
    """Past 512 characters the control characters are looked for one by one: the
    same ones are found (a one-byte CSI, a carriage return that rewrites a line)."""
    from pcrm.core.safetext import clean_output

    for filler in ("x" * 600, "é" * 600, "\r\n" * 300):
        short, long = f"a{control}b", f"{filler}a{control}b"
        assert clean_output(long) == clean_output(filler) + clean_output(short)
        assert control not in clean_output(long).replace("\r\n", "")
