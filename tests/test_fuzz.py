"""Property tests: the parser, the strict YAML loader and the byte edits, fed what
hypothesis makes of YAML's and Markdown's sharp characters (bounded examples,
each with a deadline), plus a bounded soak of concurrent editing commands."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcrm.core import yamlload
from pcrm.core.config import Config
from pcrm.core.edit import append_heading, set_front_matter_key
from pcrm.core.errors import ParseError
from pcrm.core.parse import parse_contact
from pcrm.core.safetext import clean_output

from helpers import contact

# Pieces that make YAML and Markdown parsers work hard: nesting, anchors and
# aliases, tags, quotes, escapes, control characters, headings and fences.
_PIECES = st.sampled_from([
    "[", "]", "{", "}", ",", ": ", ":", "- ", "? ", "&a ", "*a", "&b ", "*b", "!!str ",
    "!!python/object ", "'", '"', "\\e", "\\x1b", "\x1b", "\x07", "\r", "\t", "\n", "  ",
    "#", "## ", "```", "~~~", "---\n", "...\n", "2026-02-30", "2026-11-22", "12:30",
    "0123", "1e400", "9" * 30, "name", "email", "a@b.c", "(expect ", ")", "é", "\u202e",
    "\x00", "\ufeff",
])
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=80).map("".join)
_SETTINGS = settings(max_examples=250, deadline=1000,
                     suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_TEXT)
def test_strict_yaml_loads_or_says_why(text: str) -> None:
    try:
        yamlload.load(text)
    except yamlload.YamlError as exc:
        assert exc.line >= 1 and exc.col >= 1
        assert "\n" not in exc.message and len(exc.message) < 400


@_SETTINGS
@given(_TEXT, _TEXT)
def test_any_contact_file_parses_to_a_result_or_diagnostics(front: str, body: str) -> None:
    raw = f"---\nname: Jane\n{front}\n---\n{body}".encode("utf-8", "surrogatepass")
    parsed = parse_contact("contacts/jane.md", raw, Config())
    assert parsed.contact is not None or any(d.is_error for d in parsed.diagnostics)
    for diagnostic in parsed.diagnostics:
        line = str(diagnostic)
        assert "\n" not in line and len(line) < 600
        assert clean_output(line) == line  # nothing that could drive a terminal


_HEADING = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                          blacklist_characters="\r\n"), max_size=40)


@_SETTINGS
@given(_TEXT, _HEADING, st.sampled_from([b"\n", b"\r\n"]))
def test_append_heading_keeps_every_byte(body: str, heading: str, newline: bytes) -> None:
    raw = (b"---\nname: Jane\n---\n" + body.encode("utf-8", "surrogatepass")).replace(
        b"\n", newline)
    new = append_heading(raw, "## 2026-11-22 email: " + heading)
    assert new.startswith(raw.rstrip(b"\r\n") if not raw.endswith(b"\n") else raw)
    assert new.endswith(newline)


_VALUE = st.sampled_from(["2026-12-01", "2027-01-31"])


@_SETTINGS
@given(st.lists(st.sampled_from([
    "role: x", "snooze: 2026-01-01  # until then", "tags: [a, b]", "'snooze': 2026-02-02",
    "email: a@b.c", "# comment", "", "company: 'A: B'", "snooze:", "notes: |", "  text",
]), max_size=8), _VALUE, st.sampled_from([b"\n", b"\r\n"]))
def test_set_key_changes_one_line_at_most(lines: list[str], value: str, newline: bytes) -> None:
    raw = ("---\nname: Jane\n" + "".join(f"{line}\n" for line in lines) + "---\n# Jane\n")
    raw_bytes = raw.encode().replace(b"\n", newline)
    try:
        new = set_front_matter_key(raw_bytes, "snooze", value)
    except ParseError:
        return  # refused, nothing changed: fine
    old_lines, new_lines = raw_bytes.split(b"\n"), new.split(b"\n")
    assert len(new_lines) - len(old_lines) in (0, 1)
    if len(new_lines) == len(old_lines):
        assert sum(a != b for a, b in zip(old_lines, new_lines)) <= 1
    else:
        kept = [line for line in new_lines if value.encode() not in line]
        assert kept == old_lines
    assert value.encode() in new


def test_concurrent_editing_soak(vault: Callable[..., Path], tmp_path: Path) -> None:
    """Bounded soak: log, snooze and schedule at once on three contacts, ten seconds
    at most; every log that said it wrote is in its file, and every file parses."""
    names = ("ann", "bob", "cyd")
    root = vault({f"contacts/{name}.md": contact(name.title()) for name in names})
    env = {**os.environ, "PCRM_CACHE_DIR": str(tmp_path / "cache")}
    chance = random.Random(7)
    deadline = time.monotonic() + 10
    logged: list[tuple[str, str]] = []
    number = 0
    while time.monotonic() < deadline and number < 36:
        batch = []
        for _ in range(6):
            who = chance.choice(names)
            action = chance.choice(["log", "log", "snooze", "schedule"])
            if action == "log":
                args = ["log", who, "email", f"soak {number}"]
                logged.append((who, f"soak {number}"))
            else:
                args = [action, who, f"2026-12-{chance.randrange(1, 28):02d}"]
            number += 1
            batch.append(subprocess.Popen(
                [sys.executable, "-m", "pcrm", "--vault", str(root), "--today", "2026-11-22",
                 *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
        for process in batch:
            _out, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
    for who, text in logged:
        assert f"email: {text}\n" in (root / "contacts" / f"{who}.md").read_text()
    for who in names:
        parsed = parse_contact(f"contacts/{who}.md",
                               (root / "contacts" / f"{who}.md").read_bytes(), Config())
        assert parsed.ok, [str(d) for d in parsed.diagnostics]
