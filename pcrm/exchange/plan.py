"""The review of an import: what it would do to each person, before anything is written.

Each imported person becomes one :class:`Row`: ``new`` (no contact yet),
``update`` (a contact, with the fields that change, old -> new), ``same``
(nothing to change), ``review`` (a human must decide; never applied) or
``skipped`` (a row of the file that could not be read). Updates are computed
here down to the bytes of the edited file, so the dry run shows exactly what
``--apply`` writes, and an edit that would not read back is a ``review`` row
rather than a surprise.

What changes in an existing contact: empty fields are filled; emails and tags
are added to the ones there; a value the user typed (name, email, phone,
LinkedIn URL, connection date) is replaced only with *overwrite*. Company and
role from LinkedIn are the exception: LinkedIn is where people keep their
current job, so a different one there is a job change, written to the file and
logged as ``## DATE job-change: Role at Company (was Old at OldCo)``.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from pcrm.core.config import Config
from pcrm.core.edit import append_heading, set_front_matter_key
from pcrm.core.errors import ParseError, PcrmError
from pcrm.core.model import Contact, ParsedFile, Summary, heading_text
from pcrm.core.newfile import ALWAYS_QUOTED, yaml_value
from pcrm.core.parse import parse_contact
from pcrm.exchange.match import VaultMatcher, linkedin_key, merge_rows
from pcrm.exchange.record import Batch, Incoming
from pcrm.store.files import read_for_edit

ACTIONS = ("new", "update", "same", "review", "skipped")
JOB_CHANGE = "job-change"


@dataclass
class Row:
    """One person (or one unreadable row) of the import, and what happens to them."""

    action: str
    name: str | None
    line: int
    contact: str | None = None  # the id of the matched (or candidate) contact
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    reason: str | None = None
    person: Incoming | None = None
    path: str | None = None  # the contact's file, vault-relative
    old: bytes | None = None  # its bytes as read: the write refuses if they changed
    new: bytes | None = None  # its bytes after the edit
    job_change: str | None = None  # the logged heading's text

    def as_json(self) -> dict[str, Any]:
        """The row as spec 10's ``--json`` gives it."""
        return {"action": self.action, "name": self.name, "contact": self.contact,
                "changes": {key: [_jsonable(old), _jsonable(new)]
                            for key, (old, new) in self.changes.items()},
                "reason": self.reason}


@dataclass
class Plan:
    """Every row of one import, in the order of the file."""

    source: str
    rows: list[Row] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many rows of each action, in :data:`ACTIONS` order."""
        found = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            found[row.action] += 1
        return found

    def as_json(self) -> dict[str, Any]:
        """``{"new": N, ..., "skipped": N, "rows": [...]}`` (spec 10)."""
        return {**self.counts(), "rows": [row.as_json() for row in self.rows]}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def make_plan(batch: Batch, root: Path, config: Config, contacts: Iterable[Summary],
              today: dt.date, *, overwrite: bool = False,
              progress: Callable[[int], None] | None = None) -> Plan:
    """Decide what importing *batch* into the vault at *root* does, writing nothing."""
    plan = Plan(batch.source)
    matcher = VaultMatcher(contacts)
    claimed: dict[str, int] = {}  # contact id -> line of the row that updates it
    for person in merge_rows(batch.people):
        plan.rows.append(_row(person, matcher, claimed, root, config, today,
                              linkedin=batch.source == "LinkedIn", overwrite=overwrite))
        if progress:
            progress(len(person.lines))
    for skipped in batch.skipped:
        plan.rows.append(Row("skipped", skipped.name, skipped.line,
                             reason=f"line {skipped.line}: {skipped.reason}"))
    plan.rows.sort(key=lambda row: row.line)
    return plan


def _row(person: Incoming, matcher: VaultMatcher, claimed: dict[str, int], root: Path,
         config: Config, today: dt.date, *, linkedin: bool, overwrite: bool) -> Row:
    merged = (f"rows at lines {', '.join(map(str, person.lines))} are one person (merged)"
              if len(person.lines) > 1 else None)
    found = matcher.find(person)
    if found.review:
        return Row("review", person.name, person.line, found.candidates[0].id,
                   reason=found.review, person=person)
    if found.contact is None:
        return Row("new", person.name, person.line, changes=new_fields(person),
                   reason=merged, person=person)
    cid = found.contact.id
    if cid in claimed:
        return Row("review", person.name, person.line, cid, person=person,
                   reason=f"line {claimed[cid]} of this file matches {cid} too")
    claimed[cid] = person.line
    row = Row("same", person.name, person.line, cid, reason=merged, person=person,
              path=found.contact.path)
    try:
        row.old = read_for_edit(root / row.path)
    except PcrmError as exc:
        return _review(row, exc.message)
    # Most people of a re-import are unchanged: the index's summary and the
    # file's connected: line tell that without parsing the whole file.
    if not changes_for(found.contact, person, connected=_connected_line(row.old),
                       linkedin=linkedin, overwrite=overwrite):
        return row
    parsed = parse_contact(row.path, row.old, config)
    if not isinstance(parsed.contact, Contact):
        return _review(row, f"{row.path} does not parse; fix it first")
    row.changes = changes_for(parsed.contact, person, connected=parsed.contact.connected,
                              linkedin=linkedin, overwrite=overwrite)
    if not row.changes:
        return row
    row.action = "update"
    job = job_change(parsed.contact, person, row.changes) if linkedin else None
    try:
        row.new = _edited(row.old, row.path, row.changes, job, today)
    except ParseError as exc:
        return _review(row, f"{exc.message}")
    problem = _reads_back(parsed, row.path, row.new, row.changes, job, config)
    if problem:
        return _review(row, f"the change would not read back ({problem}); edit it by hand")
    if job:
        row.job_change = job
        row.reason = f"job change: {job}" + (f"; {merged}" if merged else "")
    return row


def _review(row: Row, reason: str) -> Row:
    row.action, row.reason, row.new = "review", reason, None
    return row


def new_fields(person: Incoming) -> dict[str, tuple[Any, Any]]:
    """The front-matter of a new contact from *person*, as (None, value) changes."""
    values: dict[str, Any] = {
        "name": person.name, "company": person.company, "role": person.role,
        "email": person.emails or None, "phone": person.phones[0] if person.phones else None,
        "linkedin": person.linkedin, "tags": person.tags or None, "connected": person.connected}
    return {key: (None, value) for key, value in values.items() if value}


def _same(old: str | None, new: str | None) -> bool:
    def fold(text: str | None) -> str:
        return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())
    return fold(old) == fold(new)


def _digits(text: str | None) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())


_CONNECTED = re.compile(rb"^connected[ \t]*:[ \t]*['\"]?(\d{4}-\d{2}-\d{2})\b", re.MULTILINE)


def _connected_line(raw: bytes) -> dt.date | None:
    """The date on a ``connected:`` line of *raw*, if any (a quick look, no parse)."""
    match = _CONNECTED.search(raw, 0, raw.find(b"\n---", 3) + 1 or len(raw))
    if not match:
        return None
    try:
        return dt.date.fromisoformat(match.group(1).decode())
    except ValueError:
        return None


def changes_for(contact: Summary | Contact, person: Incoming, *, connected: dt.date | None,
                linkedin: bool, overwrite: bool) -> dict[str, tuple[Any, Any]]:
    """What importing *person* changes in *contact* (whose file says *connected*):
    {field: (old, new)}."""
    changes: dict[str, tuple[Any, Any]] = {}
    if overwrite and person.name and not _same(contact.name, person.name):
        changes["name"] = (contact.name, person.name)
    for key in ("company", "role"):
        old, new = getattr(contact, key), getattr(person, key)
        if new and (not old or (not _same(old, new) and (linkedin or overwrite))):
            changes[key] = (old, new)
    if person.emails:
        have = [e.casefold() for e in contact.emails]
        wanted = person.emails if overwrite else \
            contact.emails + [e for e in person.emails if e.casefold() not in have]
        if [e.casefold() for e in wanted] != have:
            changes["email"] = (contact.emails or None, wanted)
    if person.phones and (not contact.phone or (overwrite and _digits(contact.phone)
                                                != _digits(person.phones[0]))):
        changes["phone"] = (contact.phone, person.phones[0])
    if person.linkedin and (not contact.linkedin or (
            overwrite and linkedin_key(contact.linkedin) != linkedin_key(person.linkedin))):
        changes["linkedin"] = (contact.linkedin, person.linkedin)
    missing = [tag for tag in person.tags if tag not in contact.tags]
    if missing:
        changes["tags"] = (contact.tags or None, contact.tags + missing)
    if person.connected and (not connected or (overwrite and connected != person.connected)):
        changes["connected"] = (connected, person.connected)
    return changes


def _job(role: str | None, company: str | None) -> str:
    if role and company:
        return f"{role} at {company}"
    return role or (f"at {company}" if company else "")


def job_change(contact: Contact, person: Incoming,
               changes: dict[str, tuple[Any, Any]]) -> str | None:
    """``Staff Engineer at Globex (was Engineer at Acme)`` when company or role changed
    from a value the file had (filling an empty one is no news)."""
    company, role = changes.get("company"), changes.get("role")
    if not ((company and company[0]) or (role and role[0])):
        return None
    return f"{_job(person.role, person.company)} (was {_job(contact.role, contact.company)})"


def _edited(raw: bytes, path: str, changes: dict[str, tuple[Any, Any]], job: str | None,
            today: dt.date) -> bytes:
    new = raw
    for key, (_old, value) in changes.items():
        if key == "email" and len(value) == 1:
            value = value[0]
        new = set_front_matter_key(new, key, yaml_value(value, quoted=key in ALWAYS_QUOTED),
                                   path)
    if job:
        new = append_heading(new, heading_text(today, JOB_CHANGE, job))
    return new


def _reads_back(before: ParsedFile, path: str, raw: bytes,
                changes: dict[str, tuple[Any, Any]], job: str | None,
                config: Config) -> str | None:
    """Why the edited bytes do not read back as meant, or None when they do."""
    parsed = parse_contact(path, raw, config)
    after = parsed.contact
    old_errors = {d.message for d in before.diagnostics if d.is_error}
    errors = [d for d in parsed.diagnostics if d.is_error and d.message not in old_errors]
    if not isinstance(after, Contact) or errors:
        return errors[0].message if errors else "the file would not parse"
    assert isinstance(before.contact, Contact)
    for key, (_old, value) in changes.items():
        got = after.emails if key == "email" else after.tags if key == "tags" else \
            after.meta.get(key)
        if got != value:
            return f"{key} would read as {got!r}"
    if job:
        added = len(after.interactions) - len(before.contact.interactions)
        if added != 1 or after.interactions[-1].kind != JOB_CHANGE:
            return "the job-change heading"
    return None
