"""Reading a Google Contacts CSV export (contacts.google.com > Export > Google CSV).

Two layouts exist: the current one (``First Name``, ``Last Name``,
``Organization Name``, ``Labels``, ``E-mail 1 - Value``...) and the legacy one
(``Name``, ``Given Name``, ``Family Name``, ``Organization 1 - Name``,
``Group Membership``...). Columns are found by name. A cell may hold several
values joined by `` ::: ``. Labels become tags (``Work Friends`` ->
``work-friends``); Google's own labels (``* myContacts``, ``* starred``) are left out.
"""
from __future__ import annotations

import re

from pcrm.core.errors import ImportFormatError
from pcrm.exchange.record import (Batch, Incoming, Skipped, clean, clean_notes, csv_rows,
                                  emails_of)

SOURCE = "Google"
SEPARATOR = " ::: "
_NAME_COLUMNS = ("name", "first name", "given name", "last name", "family name")
_EMAIL = re.compile(r"^e-mail \d+ - value$")
_PHONE = re.compile(r"^phone \d+ - value$")
_WEBSITE = re.compile(r"^website \d+ - value$")


def split_values(cell: str) -> list[str]:
    """``a ::: b`` -> ``[a, b]`` (empty parts dropped)."""
    return [clean(part) for part in cell.split(":::") if clean(part)]


def tag_of(label: str) -> str | None:
    """A Google label as a pcrm tag; None for Google's own labels (``* starred``)."""
    label = clean(label)
    if not label or label.startswith("*") or label.lower().startswith("system group:"):
        return None
    return re.sub(r"\s+", "-", label.lower())


def _header(rows: object) -> tuple[int, list[str]]:
    for line, row in rows:  # type: ignore[attr-defined]
        if isinstance(row, str) or not any(cell.strip() for cell in row):
            continue
        names = [cell.strip().lstrip("\ufeff").casefold() for cell in row]
        if not any(name in _NAME_COLUMNS for name in names):
            raise ImportFormatError("the first row is not a Google Contacts header (no "
                                    "'First Name', 'Name' or 'Given Name' column)", line=line)
        return line, names
    raise ImportFormatError("the file is empty")


def read_google(text: str) -> Batch:
    """The contacts of a Google CSV export; rows that cannot be read are skipped."""
    batch = Batch(SOURCE)
    rows = csv_rows(text)
    _line, names = _header(rows)
    for line, row in rows:
        if isinstance(row, str):
            batch.skipped.append(Skipped(line, row))
            continue
        if not any(value.strip() for value in row):
            continue
        if len(row) > len(names):
            batch.skipped.append(Skipped(line, f"{len(row)} fields where the header has "
                                               f"{len(names)} (a comma outside quotes?)"))
            continue
        person = _person(line, dict(zip(names, row)))
        if isinstance(person, Skipped):
            batch.skipped.append(person)
        else:
            batch.people.append(person)
    return batch


def _values(cells: dict[str, str], pattern: re.Pattern[str]) -> list[str]:
    """Every value of the numbered columns matching *pattern* (``E-mail 1 - Value``...)."""
    return [value for column, cell in cells.items() if pattern.match(column)
            for value in split_values(cell)]


def _person(line: int, cells: dict[str, str]) -> Incoming | Skipped:
    def first(*columns: str) -> str:
        for column in columns:
            value = clean(cells.get(column, ""))
            if value:
                return split_values(value)[0] if SEPARATOR.strip() in value else value
        return ""

    given = " ".join(part for part in (first("first name", "given name"),
                                       first("middle name", "additional name"),
                                       first("last name", "family name")) if part)
    name = first("name") or given or first("nickname") or first("file as")
    if not name:
        return Skipped(line, "no name")
    websites = _values(cells, _WEBSITE)
    labels = split_values(cells.get("labels", "") or cells.get("group membership", ""))
    return Incoming(
        line=line, name=name,
        company=first("organization name", "organization 1 - name") or None,
        role=first("organization title", "organization 1 - title") or None,
        emails=emails_of(_values(cells, _EMAIL)), phones=_values(cells, _PHONE),
        linkedin=next((w for w in websites if "linkedin.com/" in w.lower()), None),
        tags=[tag for tag in map(tag_of, labels) if tag],
        notes=clean_notes(cells.get("notes", "")))
