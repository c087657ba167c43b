"""What the readers give: people to import, rows skipped, and the text of the file.

The readers differ in format only; everything after them (matching, the plan,
writing) works on :class:`Incoming` records.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from pcrm.core.errors import ImportFormatError

MAX_IMPORT_BYTES = 256 * 1024 * 1024  # 30,000 LinkedIn rows are about 3 MB
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Incoming:
    """One person as an import file describes them (several rows once merged)."""

    line: int  # where the person starts in the file (1-based)
    name: str
    company: str | None = None
    role: str | None = None
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    linkedin: str | None = None
    tags: list[str] = field(default_factory=list)
    connected: dt.date | None = None
    notes: str = ""
    lines: list[int] = field(default_factory=list)  # every row merged into this one

    def __post_init__(self) -> None:
        if not self.lines:
            self.lines = [self.line]


@dataclass(frozen=True)
class Skipped:
    """A row that was not imported, with its line and the reason."""

    line: int
    reason: str
    name: str | None = None


@dataclass
class Batch:
    """Everything read from one import file."""

    source: str  # "LinkedIn", "Google", "vCard": named in the commit message
    people: list[Incoming] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def clean(value: object) -> str:
    """One line of text: control characters and runs of white space become one space."""
    if value is None:
        return ""
    return " ".join(_CONTROL.sub(" ", str(value)).split())


def clean_notes(value: object) -> str:
    """Free text (notes): line breaks kept, other control characters dropped."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = [_CONTROL.sub(" ", line).rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def emails_of(values: list[str]) -> list[str]:
    """The values that look like email addresses, without repeats (case-insensitive)."""
    found: dict[str, str] = {}
    for value in values:
        value = clean(value).removeprefix("mailto:")
        if _EMAIL.match(value):
            found.setdefault(value.casefold(), value)
    return list(found.values())


def read_text(path: Path) -> str:
    """The import file as text: UTF-8 (a BOM dropped) or UTF-16 with its BOM."""
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise ImportFormatError(f"the file is too large ({size // (1024 * 1024)} MB; "
                                    f"the limit is {MAX_IMPORT_BYTES // (1024 * 1024)} MB)",
                                    path=str(path))
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"cannot read: {exc.strerror}", path=str(path)) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ImportFormatError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
                                "export the file again as UTF-8", path=str(path),
                                line=line) from None


def csv_rows(text: str) -> Iterator[tuple[int, list[str] | str]]:
    """(line where the row starts, cells) for each CSV row; a row the csv module
    cannot read comes as (line, reason) and reading goes on after it."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, f"not a valid CSV row ({exc})"
            start = reader.line_num + 1
            continue
        yield start, row
        start = reader.line_num + 1


def find_header(rows: Iterator[tuple[int, list[str] | str]], needed: tuple[str, ...],
                limit: int = 50) -> tuple[int, dict[str, int]]:
    """Skip a preamble: the first row holding every column in *needed*, as a name->index map."""
    for count, (line, row) in enumerate(rows):
        if count >= limit:
            break
        if isinstance(row, str):
            continue
        names = {cell.strip().lstrip("\ufeff").casefold(): index for index, cell in enumerate(row)}
        if all(name.casefold() in names for name in needed):
            # First occurrence wins if a column appears twice.
            columns: dict[str, int] = {}
            for index, cell in enumerate(row):
                columns.setdefault(cell.strip().lstrip("\ufeff").casefold(), index)
            return line, columns
    raise ImportFormatError(f"no header row with the columns {', '.join(needed)} "
                            f"in the first {limit} rows")
