"""Parsing contact and company files: front-matter, fields, the interaction log.

Every problem becomes a :class:`~pcrm.model.Diagnostic` naming the file's real
line (after the front-matter offset, with a UTF-8 BOM or CRLF line endings
parsed the same as plain LF). Nothing here raises for bad input: a file that
cannot be used gives a :class:`~pcrm.model.ParsedFile` without a contact and
with at least one error. Nothing here depends on "today" either, so parse
results can be cached; date-relative warnings live in :mod:`pcrm.check`.

The front-matter splitter is our own, rather than python-frontmatter's, because
that library strips text, drops non-mapping front-matter and unterminated
blocks silently, and loses line numbers: every one of those must be reported.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from pcrm.core import fields, lint, yamlfast
from pcrm.core.config import Config, unknown_kind, unknown_stage
from pcrm.core.model import (MAX_FILE_BYTES, Contact, Diagnostic, Interaction, ParsedFile,
                             contact_id, too_large)
from pcrm.core.safetext import brief, has_control
from pcrm.core.timeutil import parse_iso_date
from pcrm.core.yamlscalars import NESTED_TOO_DEEPLY

if TYPE_CHECKING:
    from pcrm.core.yamlload import YamlError


# A line that may open a heading or a fence, from the newline before it: a
# pattern starting with a character is searched for by skipping to that
# character, instead of trying to match at every position of the body.
_CANDIDATE = re.compile(r"\n {0,3}(?:(#{1,6})(?:[ \t]+|(?=\n)|\Z)|(`{3,}|~{3,}))")
_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})(?=\s|$)")
_TIME = re.compile(r"^\s+(\d{1,2}:\d{2})(?=\s|$)")
_KIND = re.compile(r"^\s+([^\s:()]+)(?:\s*:\s*|\s+|$)")
# Unambiguous (no two runs of \s side by side), so linear on long runs of spaces.
_EXPECT = re.compile(r"\(expect\s+(?:([^)\s]+)\s*)?\)\s*$", re.IGNORECASE)
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}(?:[-/.]\d{1,4})?(?=\b|\D)")


def _heading_text(rest: str) -> str:
    """A heading's text from what follows its opening ``#``s and spaces: without the
    closing ``#``s (when a space comes before them) and the spaces around."""
    text = rest.rstrip(" \t")
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        text = bare.rstrip(" \t")
    return text


def decode_text(path: str, raw: bytes) -> tuple[str | None, Diagnostic | None]:
    """Bytes to text, or the reason the bytes are not a readable text file."""
    if len(raw) > MAX_FILE_BYTES:
        return None, Diagnostic(path, 1, 1, "error", too_large(len(raw)))
    if b"\x00" in raw:
        return None, Diagnostic(path, 1, 1, "error", "binary file, not Markdown text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Diagnostic(path, line, col, "error",
                                f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                                "save the file as UTF-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None


def split_front_matter(lines: list[str], path: str
                       ) -> tuple[str | None, int, Diagnostic | None]:
    """Find the ``---`` block: (yaml text, index of the body's first line, problem)."""
    if not lines or lines[0].rstrip() != "---":
        return None, 0, Diagnostic(
            path, 1, 1, "error",
            "no front-matter: the file must start with a line '---', then 'name: ...', then '---'")
    try:  # the usual file: the first line that is "---" exactly, nothing like it before
        index = lines.index("---", 1)
        text = "\n".join(lines[1:index])
        if "---" not in text and "..." not in text:
            return text, index + 1, None
    except ValueError:
        pass
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), index + 1, None
    return None, 0, Diagnostic(path, 1, 1, "error",
                               "unterminated front-matter: no closing '---' line")


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" not in text:
        return lines
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def load_front_matter(path: str, raw: bytes, *, every: bool = False
                       ) -> tuple[dict | None, dict[str, int], list[str], int, list[Diagnostic]]:
    """Decode *raw*, split and load its front-matter; any problem is a diagnostic.

    Returns (front-matter or None, top-level key lines, lines, body start, problems).
    With *every*, a bad value (a date that does not exist, a key given twice)
    is reported and its key left out, and loading goes on: every such problem
    of the file is reported at once.
    """
    text, problem = decode_text(path, raw)
    if problem:
        return None, {}, [], 0, [problem]
    assert text is not None
    lines = _lines(text)
    if not text.strip():
        return None, {}, lines, 0, [Diagnostic(
            path, 1, 1, "error", "empty file: a contact needs front-matter with a name")]
    yaml_text, body_start, problem = split_front_matter(lines, path)
    if problem:
        return None, {}, lines, 0, [problem]
    noted: list[tuple[tuple, YamlError]] | None = [] if every else None
    simple = yamlfast.load_simple(yaml_text or "", 1)
    if simple is not None:  # the common shape, read without composing a YAML tree
        data, key_lines = simple
    else:
        from pcrm.core import yamlload  # noqa: PLC0415 - PyYAML only for the other shapes

        try:
            data, key_lines = yamlload.load_with_lines(yaml_text or "", line_offset=1,
                                                       problems=noted)
        except yamlload.YamlError as exc:
            return None, {}, lines, body_start, [
                Diagnostic(path, exc.line, exc.col, "error", _yaml_problem(exc.message))]
    if data is None:
        return None, {}, lines, body_start, [
            Diagnostic(path, 2, 1, "error", "empty front-matter: 'name:' is required")]
    if not isinstance(data, dict):
        what = "a list" if isinstance(data, list) else f"a single value ({brief(data)})"
        return None, {}, lines, body_start, [Diagnostic(
            path, 2, 1, "error",
            f"front-matter must be a mapping of 'key: value' lines, not {what}")]
    flat = {str(key[0]): line for key, line in key_lines.items() if len(key) == 1}
    found = [Diagnostic(path, exc.line, exc.col, "error",
                        f"{where[0]}: {exc.message}" if where else f"front-matter: {exc.message}")
             for where, exc in noted or ()]
    return data, flat, lines, body_start, found


def _yaml_problem(message: str) -> str:
    if message.startswith(NESTED_TOO_DEEPLY):
        return f"front-matter {message}"
    return f"front-matter: {message}"


def parse_contact(path: str, raw: bytes, config: Config) -> ParsedFile:
    """Parse a contact file's bytes; *path* is vault-relative (``contacts/x.md``)."""
    data, key_lines, lines, body_start, problems = load_front_matter(path, raw, every=True)
    result = ParsedFile(path, diagnostics=problems)
    if data is None:
        return result
    diags = result.diagnostics
    diags.extend(lint.near_miss_keys(path, data, key_lines))

    def problem_at(key: str, message: str, severity: str = "error") -> None:
        diags.append(Diagnostic(path, key_lines.get(key, 2), 1, severity, f"{key}: {message}"))

    name = fields.read_name(path, data, key_lines, problem_at, diags)
    contact = Contact(id=contact_id(path), path=path, name=(name or "").strip(), meta=data,
                      key_lines=key_lines)
    fields.read_identity(data, contact, problem_at)
    fields.read_reach(data, contact, problem_at)
    fields.read_schedule(data, contact, problem_at)

    contact.interactions = parse_log(path, lines, body_start, config, diags)
    diags.extend(lint.body_problems(path, lines, body_start, contact.interactions))
    contact.body = "\n".join(lines[body_start:])
    # A value can only hold a control character typed as one or as an escape.
    front = "\n".join(lines[1:body_start - 1])
    values = "\\" in front or has_control(front)
    fields.warn_control(path, data, key_lines, contact.body, body_start, diags, values=values)
    if name is not None:
        result.contact = contact
    return result


def find_headings(lines: list[str], start: int) -> list[tuple[int, int, str, int]]:
    """The Markdown headings of ``lines[start:]`` outside code blocks.

    Each is (line index, level, text, column of the text).
    """
    headings: list[tuple[int, int, str, int]] = []
    fence: str | None = None
    # Only lines that open a heading or a fence matter; find them with one
    # regex over the body (each line after a newline) instead of looking at
    # every line in Python.
    body = "\n" + "\n".join(lines[start:])
    index, position = start - 1, 0
    for candidate in _CANDIDATE.finditer(body):
        at = candidate.start() + 1  # where the line starts
        index += body.count("\n", position, at)
        position = at
        line = lines[index]
        hashes, marker = candidate.groups()
        if marker is not None:  # a fence
            if fence is None:
                fence = marker
            elif lint.closes_fence(fence, marker, line):
                fence = None
        elif fence is None:
            text = _heading_text(line[candidate.end() - at:])
            headings.append((index, len(hashes), text, line.find(text) + 1 if text else 1))
    return headings


def is_dated(path: str, index: int, level: int, text: str, col: int,
             diags: list[Diagnostic]) -> bool:
    """True if a heading is a dated entry; a near miss or a level-1 one is a warning."""
    if not _DATED.match(text):
        if _DATE_LIKE.match(text) or re.match(r"^\d{4}-\d{2}-\d{2}\S", text):
            diags.append(Diagnostic(
                path, index + 1, col, "warning",
                f"heading '{lint.clip_words(text, 40)}' looks like an interaction but its date is "
                "not YYYY-MM-DD followed by a space; it is ignored"))
        return False
    if level == 1:
        diags.append(Diagnostic(path, index + 1, col, "warning",
                                "a level-1 heading is not an interaction; use '## DATE KIND'"))
        return False
    return True


def parse_log(path: str, lines: list[str], start: int, config: Config,
              diags: list[Diagnostic]) -> list[Interaction]:
    """The interactions of a contact body (``lines[start:]``), in file order."""
    headings = find_headings(lines, start)
    interactions: list[Interaction] = []
    ends = _section_ends(headings, len(lines))
    for position, (index, level, text, col) in enumerate(headings):
        if not is_dated(path, index, level, text, col, diags):
            continue
        end = ends[position]
        found = parse_heading(path, index + 1, col, text, config, diags)
        if found is None:
            continue
        day, clock, kind, title, expect = found
        notes = "\n".join(lines[index + 1:end]).strip()
        interactions.append(Interaction(
            date=day, time=clock, kind=kind, klass=config.kinds[kind].klass, title=title,
            expect=expect, line=index + 1, index=len(interactions), notes=notes))
    return interactions


def _section_ends(headings: list[tuple[int, int, str, int]], total: int) -> list[int]:
    """Where each heading's section ends: the line of the next heading of its level
    or higher, else *total*. One pass from the end with a stack, linear in headings."""
    ends = [total] * len(headings)
    stack: list[tuple[int, int]] = []  # (level, line index) of later headings
    for position in range(len(headings) - 1, -1, -1):
        index, level = headings[position][0], headings[position][1]
        while stack and stack[-1][0] > level:
            stack.pop()
        if stack:
            ends[position] = stack[-1][1]
        stack.append((level, index))
    return ends


@lru_cache(maxsize=4096)  # a vault's log has a few years of days, each in many files
def _day(text: str) -> dt.date:
    """:func:`parse_iso_date`, remembered (an error is raised again each time)."""
    return parse_iso_date(text)


def parse_heading(path: str, line: int, col: int, text: str, config: Config,
                   diags: list[Diagnostic], *, stages: bool = False
                   ) -> tuple[dt.date, dt.time | None, str, str, dt.date | None] | None:
    """A dated heading's parts; *stages*: the word is an application stage, not a kind."""
    def error(offset: int, message: str) -> None:
        diags.append(Diagnostic(path, line, col + offset, "error", message))

    try:
        day = _day(text[:10])
    except ValueError as exc:
        error(0, str(exc))
        return None
    rest = text[10:]
    offset = 10
    clock = None
    match = _TIME.match(rest)
    if match:
        hours, minutes = (int(part) for part in match.group(1).split(":"))
        if hours > 23 or minutes > 59:
            error(offset + match.start(1), f"{match.group(1)} is not a valid time (HH:MM)")
            return None
        clock = dt.time(hours, minutes)
        offset += match.end()
        rest = rest[match.end():]
    match = _KIND.match(rest)
    if not match:
        error(offset, "an application needs a stage: write '## DATE STAGE: role', e.g. "
                  "'## 2026-11-01 applied: iOS Engineer'" if stages else
          "interaction has no kind: write '## DATE KIND: title', "
          "e.g. '## 2026-11-18 email: thank-you'")
        return None
    kind = match.group(1).lower()
    if kind not in (config.stages if stages else config.kinds):
        message = unknown_stage if stages else unknown_kind
        error(offset + match.start(1), message(match.group(1), config))
        return None
    title = rest[match.end():].strip()
    expect = None
    found = _EXPECT.search(title) if "(" in title else None
    if found:
        try:
            expect = parse_iso_date(found.group(1) or "")
        except ValueError as exc:
            error(offset + match.end() + found.start(1), f"(expect ...): {exc}")
            return None
        title = title[:found.start()].rstrip()
    return day, clock, kind, title, expect
