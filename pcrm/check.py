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
from typing import Iterable

from .model import Diagnostic, Summary
from .vault import Snapshot


def normalize_linkedin(url: str) -> str:
    """``https://www.LinkedIn.com/in/JaneDoe/?x=1`` -> ``linkedin.com/in/janedoe``."""
    url = url.strip().lower()
    url = re.sub(r"^[a-z]+://", "", url)
    url = re.sub(r"^(www\.|[a-z]{2}\.)(?=linkedin\.)", "", url)
    url = re.split(r"[?#]", url, maxsplit=1)[0]
    return url.rstrip("/")


def _duplicates(contacts: list[Summary]) -> list[Diagnostic]:
    owners: dict[tuple[str, str], list[Summary]] = defaultdict(list)
    for contact in contacts:
        for email in {e.casefold() for e in contact.emails}:
            owners[("email", email)].append(contact)
        if contact.linkedin:
            owners[("linkedin", normalize_linkedin(contact.linkedin))].append(contact)
    found = []
    for (key, value), group in owners.items():
        if len(group) < 2:
            continue
        for contact in group:
            others = ", ".join(c.path for c in group if c is not contact)
            found.append(Diagnostic(contact.path, contact.key_lines.get(key, 1), 1, "error",
                                    f"{key}: {value} is also in {others}"))
    return found


def vault_rules(snapshot: Snapshot, today: dt.date) -> list[Diagnostic]:
    """The problems that need the whole snapshot or today's date."""
    contacts = snapshot.contacts
    found = _duplicates(contacts)
    companies = {c.name.casefold() for c in snapshot.companies}
    for contact in contacts:
        if companies and contact.company and contact.company.casefold() not in companies:
            found.append(Diagnostic(contact.path, contact.key_lines.get("company", 1), 1,
                                    "warning",
                                    f"company: no company file names '{contact.company}'"))
        for day, line in contact.dated:
            if day > today:
                found.append(Diagnostic(contact.path, line, 1, "warning",
                                        f"interaction dated in the future ({day})"))
    return found


def check_snapshot(snapshot: Snapshot, today: dt.date,
                   only: Iterable[str] | None = None) -> list[Diagnostic]:
    """Every problem of *snapshot*, sorted by path and line.

    With *only*, report just the problems in those paths (the vault-wide rules
    still look at every file, so a new file that duplicates an old one is caught).
    """
    found = snapshot.all_diagnostics() + vault_rules(snapshot, today)
    if only is not None:
        wanted = set(only)
        found = [d for d in found if d.path in wanted]
    return sorted(set(found))
