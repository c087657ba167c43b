"""Event notes (spec 2.5): one note about a meeting with several people.

An event note lives under ``events/``; its front-matter gives the date (or the
file name starts with it), an optional time, a meeting kind (default
``event``), ``with:`` and ``skip:`` lists of contacts and an ``expect:`` date.
People are also named in the body by ``[[id]]``, ``[[Name]]`` or
``[[id|alias]]`` links; links inside fenced code, inline code or an embed
``![[...]]`` are not people.

Parsing (:func:`parse_event`) needs no other file and no "today", so it can be
cached like a contact file. Resolving the names against the vault's contacts
and deriving each person's interaction live in :mod:`pcrm.core.attendance`.

Decisions where the spec is silent (also in docs/events.md):
- ``date:`` wins over a dated file name; when both are given and differ, a warning.
- Someone in both ``with:`` and ``skip:`` gets a warning (and is skipped).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pcrm.core.config import Config, unknown_kind
from pcrm.core.model import (EVENTS_FOLDER, MEETING, Block, Diagnostic, EventNote, Mention,
                             ParsedFile, contact_id)
from pcrm.core.safetext import brief
from pcrm.core import yamlload
from pcrm.core.lint import closes_fence
from pcrm.core.parse import decode_text, split_front_matter
from pcrm.core.timeutil import parse_clock, parse_iso_date

EVENTS = EVENTS_FOLDER
DEFAULT_KIND = "event"

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)")
_LINK = re.compile(r"(!?)\[\[([^\[\]\n|]+?)(?:\|([^\[\]\n]*))?\]\]")
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[-_ .]|$)")


def is_event_path(path: str) -> bool:
    """True for ``events/**.md`` (hidden parts excluded)."""
    parts = path.split("/")
    return (len(parts) >= 2 and parts[0] == EVENTS and path.endswith(".md")
            and not any(part.startswith(".") for part in parts))


def link_target(raw: str) -> str:
    """``contacts/jane-doe.md#Notes`` -> ``jane-doe``: what a link points at."""
    return contact_id(raw.split("#", 1)[0].split("^", 1)[0].strip())


def _blank_code_spans(line: str) -> str:
    """The line with inline code replaced by spaces (columns kept)."""
    return _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def scan_body(lines: list[str], start: int) -> tuple[list[Block], list[Mention], str | None, int]:
    """The body's blocks and links, and its first ``# title`` with its line.

    Lines inside fenced code are neither blocks nor links; headings end a block.
    """
    blocks: list[Block] = []
    mentions: list[Mention] = []
    title, title_line = None, 1
    fence: str | None = None
    current: list[tuple[int, str]] = []
    refs: list[str] = []

    def close() -> None:
        if current:
            text = "\n".join(line for _n, line in current).strip()
            blocks.append(Block(current[0][0], text, tuple(refs)))
        current.clear()
        refs.clear()

    for index in range(start, len(lines)):
        line = lines[index]
        fenced = _FENCE.match(line)
        if fence is not None:
            if fenced and closes_fence(fence, fenced.group(1), line):
                fence = None
            continue
        if fenced:
            close()
            fence = fenced.group(1)
            continue
        heading = _HEADING.match(line)
        if heading:
            close()
            if title is None and len(heading.group(1)) == 1 and heading.group(2):
                title, title_line = heading.group(2).strip(), index + 1
            continue
        if not line.strip():
            close()
            continue
        if _ITEM.match(line):
            close()
        current.append((index + 1, line))
        for match in _LINK.finditer(_blank_code_spans(line)):
            if match.group(1):  # an embed shows a note; it does not name a person
                continue
            target = link_target(match.group(2))
            if target:
                refs.append(target)
                mentions.append(Mention(target, index + 1, match.start() + 1, "link"))
    close()
    return blocks, mentions, title, title_line


def _title_from_name(path: str) -> str:
    stem = path.rsplit("/", 1)[-1][:-3]
    stem = _DATED_NAME.sub("", stem) if _DATED_NAME.match(stem) else stem
    return re.sub(r"[-_]+", " ", stem).strip() or stem


def _people(key: str, value: Any, line: int, lines: list[str],
            problem: Any) -> list[Mention]:
    """``with:`` / ``skip:`` as mentions: a list of names, or one comma-separated string."""
    if value is None:
        return []
    if isinstance(value, str):
        items: list[Any] = [part for part in value.split(",")]
    elif isinstance(value, list):
        items = value
    else:
        problem(key, f"must be a list of contacts, not {brief(value)}")
        return []
    found = []
    for item in items:
        if isinstance(item, str) and not item.strip():
            continue  # an empty placeholder, or "a, , b"
        if not isinstance(item, str):
            problem(key, f"must be a list of contacts (ids or names), not {brief(item)}")
            continue
        ref = link_target(item.strip().removeprefix("[[").removesuffix("]]").split("|")[0])
        where_line, col = line, 1
        for number in range(line - 1, min(len(lines), line + len(items) + 1)):
            position = lines[number].find(item.strip())
            if position >= 0:
                where_line, col = number + 1, position + 1
                break
        found.append(Mention(ref, where_line, col, key))
    return found


def parse_event(path: str, raw: bytes, config: Config) -> ParsedFile:
    """Parse an event note's bytes; *path* is vault-relative (``events/x.md``)."""
    result = ParsedFile(path)
    loaded = _front_matter(path, raw, result.diagnostics)
    if loaded is None:
        return result
    data, key_lines, lines, body_start = loaded
    diags = result.diagnostics

    def problem(key: str, message: str, severity: str = "error") -> None:
        diags.append(Diagnostic(path, key_lines.get(key, 2), 1, severity, f"{key}: {message}"))

    day = _event_date(path, data, problem)
    clock = None
    if data.get("time") is not None:
        try:
            clock = parse_clock(str(data["time"]))
        except ValueError as exc:
            problem("time", str(exc))
    kind = DEFAULT_KIND
    if data.get("kind") is not None:
        written = str(data["kind"]).strip()
        if written.lower() not in config.kinds:
            problem("kind", unknown_kind(written, config))
        elif config.kinds[written.lower()].klass != MEETING:
            meetings = ", ".join(sorted(k for k, v in config.kinds.items() if v.klass == MEETING))
            problem("kind", f"'{written}' is not a meeting kind (one of: {meetings})")
        else:
            kind = written.lower()
    expect = None
    if data.get("expect") is not None:
        value = data["expect"]
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            expect = value
        else:
            problem("expect", f"must be a date YYYY-MM-DD, not {brief(value)}")
    blocks, links, title, title_line = scan_body(lines, body_start)
    mentions = (_people("with", data.get("with"), key_lines.get("with", 2), lines, problem)
                + _people("skip", data.get("skip"), key_lines.get("skip", 2), lines, problem)
                + links)
    _both_warning(path, mentions, diags)
    result.event = EventNote(path, title or _title_from_name(path), day, clock, kind, expect,
                             title_line if title else 1, mentions, blocks)
    return result


def _front_matter(path: str, raw: bytes, diags: list[Diagnostic]
                  ) -> tuple[dict, dict[str, int], list[str], int] | None:
    """(front-matter, key lines, lines, body start); a note may have no front-matter."""
    text, problem = decode_text(path, raw)
    if problem:
        diags.append(problem)
        return None
    assert text is not None
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    if not lines or lines[0].rstrip() != "---":
        return {}, {}, lines, 0
    yaml_text, body_start, problem = split_front_matter(lines, path)
    if problem:
        diags.append(problem)
        return None
    try:
        data, key_lines = yamlload.load_with_lines(yaml_text or "", line_offset=1)
    except yamlload.YamlError as exc:
        diags.append(Diagnostic(path, exc.line, exc.col, "error", f"front-matter: {exc.message}"))
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        diags.append(Diagnostic(path, 2, 1, "error",
                                "front-matter must be a mapping of 'key: value' lines"))
        return None
    flat = {str(key[0]): line for key, line in key_lines.items() if len(key) == 1}
    return data, flat, lines, body_start


def _event_date(path: str, data: dict, problem: Any) -> dt.date | None:
    named = _DATED_NAME.match(path.rsplit("/", 1)[-1])
    from_name = None
    if named:
        try:
            from_name = parse_iso_date(named.group(1))
        except ValueError as exc:
            if "date" not in data:
                problem("date", f"the file name's date: {exc}")
    if "date" not in data:
        if from_name is None and not named:
            problem("date", "an event note needs 'date: YYYY-MM-DD' or a file name "
                            "that starts with the date (2026-11-18-career-fair.md)")
        return from_name
    value = data["date"]
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        problem("date", f"must be a date YYYY-MM-DD, not {brief(value)}")
        return None
    if from_name is not None and from_name != value:
        problem("date", f"{value.isoformat()} differs from the file name's "
                        f"{from_name.isoformat()}; date: is used", "warning")
    return value


def _both_warning(path: str, mentions: list[Mention], diags: list[Diagnostic]) -> None:
    skipped = {m.ref.casefold() for m in mentions if m.how == "skip"}
    for mention in mentions:
        if mention.how == "with" and mention.ref.casefold() in skipped:
            diags.append(Diagnostic(path, mention.line, mention.col, "warning",
                                    f"'{mention.ref}' is in both with: and skip:; "
                                    "skipped (recorded as met, no follow-up)"))
