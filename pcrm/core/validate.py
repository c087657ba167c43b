"""Validation of a whole snapshot: per-file problems plus the vault-wide rules.

Per-file problems come from :mod:`pcrm.parse`. Here are the rules that need
more than one file (the same email or LinkedIn URL in two contacts, a company
with no company file) and the ones that need today's date (interactions dated
in the future).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Iterable, Mapping

from pcrm.core.events import Directory, resolve_mentions
from pcrm.core.model import Diagnostic, EventNote, Mention, ParsedFile
from pcrm.store.vault import Snapshot


def normalize_linkedin(url: str) -> str:
    """``https://www.LinkedIn.com/in/JaneDoe/?x=1`` -> ``linkedin.com/in/janedoe``."""
    url = url.strip().lower()
    url = re.sub(r"^[a-z]+://", "", url)
    url = re.sub(r"^(www\.|[a-z]{2}\.)(?=linkedin\.)", "", url)
    url = re.split(r"[?#]", url, maxsplit=1)[0]
    return url.rstrip("/")


def facts_of(parsed: ParsedFile) -> tuple:
    """What checking needs of one file, as plain values (the index stores them).

    ``(problems, contact facts or None, company name or None, event mentions
    or None)``, where a problem is ``(line, col, severity, message)``, contact
    facts are ``(emails, linkedin, company, key lines, ((date ordinal, line),
    ...), name)`` and an event note's mentions ``((ref, line, col, how), ...)``.
    """
    problems = tuple((d.line, d.col, d.severity, d.message) for d in parsed.diagnostics)
    contact = parsed.contact
    person = None
    if contact is not None:
        # A booked meeting is not a typo: only other kinds are checked for future dates.
        booked = {meeting.line for meeting in contact.meetings}
        person = (tuple(contact.emails), contact.linkedin, contact.company,
                  tuple(contact.key_lines.items()),
                  tuple((day.toordinal(), line) for day, line in contact.dated
                        if line not in booked), contact.name)
    mentions = None
    if parsed.event is not None:
        mentions = tuple((m.ref, m.line, m.col, m.how) for m in parsed.event.mentions)
    return (problems, person, parsed.company.name if parsed.company else None, mentions)


def check_facts(facts: Mapping[str, tuple], problems: list[Diagnostic], today: dt.date,
                only: Iterable[str] | None = None) -> list[Diagnostic]:
    """Every problem, from the facts of each file (see :func:`facts_of`), sorted.

    *problems* are the ones found while listing the files. With *only*, report
    just the problems in those paths; the vault-wide rules still look at every
    file, so a new file that duplicates an old one is caught.
    """
    wanted = set(only) if only is not None else None
    found = [d for d in problems if wanted is None or d.path in wanted]
    owners: dict[tuple[str, str], list[str]] = defaultdict(list)
    companies = {name.casefold() for _p, _c, name, _m in facts.values() if name}
    now = today.toordinal()
    found.extend(_event_problems(facts, wanted))
    for path, (diags, person, _company, _mentions) in facts.items():
        if person is not None:
            emails, linkedin, _where, _lines, _dated, _name = person
            for email in {e.casefold() for e in emails}:
                owners[("email", email)].append(path)
            if linkedin:
                owners[("linkedin", normalize_linkedin(linkedin))].append(path)
        if wanted is not None and path not in wanted:
            continue
        found.extend(Diagnostic(path, *d) for d in diags)
        if person is None:
            continue
        _emails, _linkedin, company, key_lines, dated, _name = person
        lines = dict(key_lines)
        if companies and company and company.casefold() not in companies:
            found.append(Diagnostic(path, lines.get("company", 1), 1, "warning",
                                    f"company: no company file names '{company}'"))
        for day, line in dated:
            if day > now:
                found.append(Diagnostic(path, line, 1, "warning", "interaction dated in the "
                                        f"future ({dt.date.fromordinal(day).isoformat()}); "
                                        "only meetings can be booked ahead"))
    for (key, value), group in owners.items():
        if len(group) < 2:
            continue
        for path in group:
            if wanted is not None and path not in wanted:
                continue
            others = ", ".join(p for p in group if p != path)
            line = dict(facts[path][1][3]).get(key, 1)
            found.append(Diagnostic(path, line, 1, "error", f"{key}: {value} is also in {others}"))
    return sorted(set(found))


def _event_problems(facts: Mapping[str, tuple], wanted: set[str] | None) -> list[Diagnostic]:
    """Names in event notes that match no contact (warnings with a "did you mean")."""
    notes = {path: fact[3] for path, fact in facts.items()
             if fact[3] and (wanted is None or path in wanted)}
    if not notes:
        return []
    people = [(contact_id(path), fact[1][5]) for path, fact in facts.items()
              if fact[1] is not None and path.startswith("contacts/")]
    companies = [name for _p, _c, name, _m in facts.values() if name]
    companies += [path[len("companies/"):-3] for path in facts if path.startswith("companies/")]
    directory = Directory(people, companies)
    found: list[Diagnostic] = []
    for path, mentions in notes.items():
        note = EventNote(path, "", None, mentions=[Mention(*m) for m in mentions])
        found.extend(resolve_mentions(note, directory)[1])
    return found


def contact_id(path: str) -> str:
    """``contacts/team/jane-doe.md`` -> ``team/jane-doe``."""
    cid = path[len("contacts/"):] if path.startswith("contacts/") else path
    return cid[:-3] if cid.endswith(".md") else cid


def check_snapshot(snapshot: Snapshot, today: dt.date,
                   only: Iterable[str] | None = None) -> list[Diagnostic]:
    """Every problem of *snapshot*, sorted by path and line (see :func:`check_facts`)."""
    facts = snapshot.facts
    if facts is None:
        facts = {path: facts_of(parsed) for path, parsed in snapshot.files.items()}
    return check_facts(facts, snapshot.diagnostics, today, only)
