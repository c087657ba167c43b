"""Warnings about near misses in a contact file (spec 5): what the user almost wrote.

A key one edit away from a known one (``compnay:``, ``emails:``), a heading that
is almost an interaction (``##2026-03-06 email``: no space after the hashes),
the same interaction heading written twice. None of these stops the file from
being used; each is a warning naming its line.
"""
from __future__ import annotations

import re

from pcrm.core.model import Diagnostic, Interaction

KNOWN_KEYS = ("name", "company", "role", "email", "phone", "linkedin", "website", "github",
              "tags", "cadence", "follow_up", "snooze", "status", "birthday", "connected")
_NO_SPACE = re.compile(r"^ {0,3}(#{1,6})(\d{4}-\d{1,2}-\d{1,2}\b.*)$", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HASH_DIGIT = re.compile(r"#\d")  # what any near-miss heading holds: found by skipping to "#"


def closes_fence(fence: str, marker: str, line: str) -> bool:
    """True when *line*, which starts with the fence *marker*, closes the code block
    *fence* opened: the same character, at least as long, and nothing after it
    (```` ```python ```` inside a block is code, not its end)."""
    return marker[0] == fence[0] and len(marker) >= len(fence) \
        and not line.strip()[len(marker):].strip()


def clip_words(text: str, width: int) -> str:
    """*text*, cut at the last word boundary before *width* with "..." if longer."""
    if len(text) <= width:
        return text
    cut = text[:width].rsplit(" ", 1)[0]
    return (cut if cut else text[:width]) + "..."


def one_edit_apart(a: str, b: str) -> bool:
    """True if *a* becomes *b* by one insertion, deletion, change or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [n for n in range(len(a)) if a[n] != b[n]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:n] + long[n + 1:] == short for n in range(len(long)))


def near_miss_keys(path: str, data: dict, key_lines: dict[str, int]) -> list[Diagnostic]:
    """An unknown front-matter key one edit away from a known one (the user's own keys
    are kept and ignored; only near misses are worth a word)."""
    found = []
    for key in data:
        name = str(key)
        if name in KNOWN_KEYS:
            continue
        close = [known for known in KNOWN_KEYS if one_edit_apart(name.lower(), known)]
        if close:
            found.append(Diagnostic(path, key_lines.get(name, 2), 1, "warning",
                                    f"unknown key '{name}': did you mean '{close[0]}'? "
                                    "(as written, pcrm ignores it)"))
    return found


def body_problems(path: str, lines: list[str], start: int,
                  interactions: list[Interaction]) -> list[Diagnostic]:
    """Near-miss headings and headings written twice in a contact's body."""
    found = []
    body = "\n".join(lines[start:])
    if _HASH_DIGIT.search(body) and _NO_SPACE.search(body):
        fence: str | None = None
        for index in range(start, len(lines)):
            line = lines[index]
            marker = _FENCE.match(line)
            if marker:
                if fence is None:
                    fence = marker.group(1)
                elif closes_fence(fence, marker.group(1), line):
                    fence = None
                continue
            miss = _NO_SPACE.match(line) if fence is None else None
            if miss:
                hashes = miss.group(1)
                found.append(Diagnostic(
                    path, index + 1, 1, "warning",
                    f"'{clip_words(line.strip(), 40)}' is not a heading: put a space after "
                    f"'{hashes}' ('{hashes} {clip_words(miss.group(2), 30)}'); it is ignored"))
    seen: dict[str, int] = {}
    for item in interactions:
        text = lines[item.line - 1].strip().lstrip("#").strip()
        key = " ".join(text.split()).casefold()
        if key in seen:
            found.append(Diagnostic(path, item.line, 1, "warning",
                                    f"the same heading as line {seen[key]}: logged twice?"))
        else:
            seen[key] = item.line
    return found
