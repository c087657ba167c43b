"""Validation of a whole snapshot: per-file problems plus the vault-wide rules.

Per-file problems come from :mod:`pcrm.core.parse`. Here are the rules that need
more than one file (the same email or LinkedIn URL in two contacts, a company
with no company file) and the ones that need today's date (interactions dated
in the future).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Iterable, Mapping

from pcrm.core.attendance import Directory, resolve_mentions
from pcrm.core.model import Diagnostic, EventNote, Mention, contact_id
from pcrm.core.facts import Facts, PersonFacts, facts_of
from pcrm.core.snapshot import Snapshot


def normalize_linkedin(url: str) -> str:
    """``https://www.LinkedIn.com/in/JaneDoe/?x=1`` -> ``linkedin.com/in/janedoe``."""
    url = url.strip().lower()
    url = re.sub(r"^[a-z]+://", "", url)
    url = re.sub(r"^(www\.|[a-z]{2}\.)(?=linkedin\.)", "", url)
    url = re.split(r"[?#]", url, maxsplit=1)[0]
    return url.rstrip("/")


def check_facts(facts: Mapping[str, Facts], problems: list[Diagnostic], today: dt.date,
                only: Iterable[str] | None = None) -> list[Diagnostic]:
    """Every problem, from the facts of each file (see :func:`pcrm.core.facts.facts_of`).

    *problems* are the ones found while listing the files. With *only*, report
    just the problems in those paths; the vault-wide rules still look at every
    file, so a new file that duplicates an old one is caught. Sorted.
    """
    wanted = set(only) if only is not None else None
    found = [d for d in problems if wanted is None or d.path in wanted]
    owners: dict[tuple[str, str], list[str]] = defaultdict(list)
    companies = {f.company.casefold() for f in facts.values() if f.company}
    now = today.toordinal()
    found.extend(_event_problems(facts, wanted))
    for path, fact in facts.items():
        person = fact.person
        if person is not None:
            for email in {e.casefold() for e in person.emails}:
                owners[("email", email)].append(path)
            if person.linkedin:
                owners[("linkedin", normalize_linkedin(person.linkedin))].append(path)
        if wanted is not None and path not in wanted:
            continue
        found.extend(Diagnostic(path, *problem) for problem in fact.problems)
        if person is not None:
            found.extend(_person_problems(path, person, companies, now))
    for (key, value), group in owners.items():
        for path in group if len(group) > 1 else ():
            if wanted is not None and path not in wanted:
                continue
            others = ", ".join(p for p in group if p != path)
            person = facts[path].person
            line = dict(person.key_lines).get(key, 1) if person is not None else 1
            found.append(Diagnostic(path, line, 1, "error", f"{key}: {value} is also in {others}"))
    return sorted(set(found))


THANKS_WARNED_DAYS = 7


def _person_problems(path: str, person: PersonFacts, companies: set[str],
                     now: int) -> list[Diagnostic]:
    """A contact's problems that need other files (its company's) or today."""
    found = []
    lines = dict(person.key_lines)
    company = person.company
    if companies and company and company.casefold() not in companies:
        found.append(Diagnostic(path, lines.get("company", 1), 1, "warning",
                                f"company: no company file names '{company}'"))
    for day, line in person.dated:
        if day > now:
            found.append(Diagnostic(path, line, 1, "warning", "interaction dated in the "
                                    f"future ({dt.date.fromordinal(day).isoformat()}); "
                                    "only meetings can be booked ahead"))
    for starts, ends, due, line, label in person.thanks:
        # From the meeting until a week after the thank-you was due: the hook
        # does not repeat it on every commit for a meeting long past.
        if starts <= now <= due + THANKS_WARNED_DAYS and (ends is None or now < ends):
            found.append(Diagnostic(path, line, 1, "warning", f"a thank-you is due after "
                                    f"{label} but there is no email on file: add 'email:' to "
                                    "the front-matter"))
    return found


def _event_problems(facts: Mapping[str, Facts], wanted: set[str] | None) -> list[Diagnostic]:
    """Names in event notes that match no contact (warnings with a "did you mean")."""
    notes = {path: fact.mentions for path, fact in facts.items()
             if fact.mentions and (wanted is None or path in wanted)}
    if not notes:
        return []
    people = [(contact_id(path), fact.person.name) for path, fact in facts.items()
              if fact.person is not None and path.startswith("contacts/")]
    companies = [fact.company for fact in facts.values() if fact.company]
    companies += [path[len("companies/"):-3] for path in facts if path.startswith("companies/")]
    directory = Directory(people, companies)
    found: list[Diagnostic] = []
    for path, mentions in notes.items():
        note = EventNote(path, "", None, mentions=[Mention(*m) for m in mentions])
        found.extend(resolve_mentions(note, directory)[1])
    return found


def check_snapshot(snapshot: Snapshot, today: dt.date,
                   only: Iterable[str] | None = None) -> list[Diagnostic]:
    """Every problem of *snapshot*, sorted by path and line (see :func:`check_facts`)."""
    facts = snapshot.facts
    if facts is None:
        facts = {path: facts_of(parsed) for path, parsed in snapshot.files.items()}
    return check_facts(facts, snapshot.diagnostics, today, only)
