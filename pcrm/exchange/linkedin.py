"""Reading LinkedIn's Connections.csv (Settings > Data privacy > Get a copy of your data).

The file may start with a "Notes:" preamble of a few lines (or not), then the
header ``First Name,Last Name,URL,Email Address,Company,Position,Connected On``.
Columns are found by name, so older exports that lack some still read; dates
look like ``15 Mar 2024``; most emails are empty.
"""
from __future__ import annotations

import datetime as dt
import re

from pcrm.exchange.record import Batch, Incoming, Skipped, clean, csv_rows, emails_of, find_header

SOURCE = "LinkedIn"
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_connected(text: str) -> dt.date | None:
    """``15 Mar 2024`` (also ``15 March 2024``, ``2024-03-15``) -> a date; ValueError if bad."""
    text = text.strip()
    if not text:
        return None
    try:
        match = _DAY_MONTH_YEAR.match(text)
        if match:
            month = _MONTHS.get(match.group(2)[:3].lower())
            if month is not None:
                return dt.date(int(match.group(3)), month, int(match.group(1)))
        match = _ISO.match(text)
        if match:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        pass  # 31 Feb: said below like any other bad date
    raise ValueError(f"'Connected On' {text!r} is not a date like 15 Mar 2024")


def read_linkedin(text: str) -> Batch:
    """The connections of a LinkedIn export; rows that cannot be read are skipped."""
    batch = Batch(SOURCE)
    rows = csv_rows(text)
    _header_line, columns = find_header(rows, ("First Name", "Last Name"))
    width = max(columns.values()) + 1

    def cell(row: list[str], name: str) -> str:
        index = columns.get(name.casefold())
        return clean(row[index]) if index is not None and index < len(row) else ""

    for line, row in rows:
        if isinstance(row, str):
            batch.skipped.append(Skipped(line, row))
            continue
        if not any(value.strip() for value in row):
            continue  # blank lines
        if len(row) != width:
            batch.skipped.append(Skipped(line, f"{len(row)} fields where the header has "
                                               f"{width} (a comma outside quotes?)"))
            continue
        name = " ".join(part for part in (cell(row, "First Name"), cell(row, "Last Name"))
                        if part)
        if not name:
            batch.skipped.append(Skipped(line, "no name (a deleted or hidden profile?)"))
            continue
        try:
            connected = parse_connected(cell(row, "Connected On"))
        except ValueError as exc:
            batch.skipped.append(Skipped(line, str(exc), name))
            continue
        batch.people.append(Incoming(
            line=line, name=name, company=cell(row, "Company") or None,
            role=cell(row, "Position") or None,
            emails=emails_of([cell(row, "Email Address")]),
            linkedin=cell(row, "URL") or None, connected=connected))
    return batch
