"""Who is who: matching imported people to contacts, and merging rows of one file.

An imported person is the same as a contact when (in this order) their
LinkedIn profile URLs are the same once normalised, or they share an email
address (case-insensitive), or their names are the same ignoring accents, case
and word order *and* they work at the same company. The same name alone is
only a candidate, shown for review and never applied.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable
from urllib.parse import unquote, urlsplit

from pcrm.core.model import Summary
from pcrm.exchange.record import Incoming

_LEGAL = re.compile(r"\b(inc|llc|ltd|limited|gmbh|ag|sa|sas|bv|plc|corp|corporation|co)\b\.?$")
_COUNTRY = re.compile(r"^[a-z]{2}$")


@lru_cache(maxsize=200_000)
def linkedin_key(url: str | None) -> str | None:
    """``https://uk.linkedin.com/in/Jane-Doe/?trk=x`` -> ``linkedin.com/in/jane-doe``."""
    if not url or not url.strip():
        return None
    text = url.strip()
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    labels = host.split(".")
    if labels[:1] == ["www"] or (len(labels) > 2 and _COUNTRY.match(labels[0])):
        labels = labels[1:]
    path = unquote(parts.path).rstrip("/").lower()
    if not path:
        return None
    return ".".join(labels) + path


@lru_cache(maxsize=200_000)
def _ascii_words(text: str) -> tuple[str, ...]:
    from text_unidecode import unidecode

    folded = unidecode(unicodedata.normalize("NFC", text)).casefold()
    return tuple(re.findall(r"[a-z0-9]+", folded))


def name_key(name: str) -> tuple[str, ...]:
    """``Zoë  O'Brien`` and ``obrien zoe`` -> the same key: accents, case, order ignored."""
    return tuple(sorted(_ascii_words(name)))


def company_key(company: str | None) -> str | None:
    """``Acme, Inc.`` and ``ACME`` -> ``acme``: accents, case, punctuation, legal form ignored."""
    if not company:
        return None
    words = " ".join(_ascii_words(company))
    words = _LEGAL.sub("", words).strip()
    return words or None


def email_keys(emails: Iterable[str]) -> list[str]:
    return [email.strip().casefold() for email in emails if email.strip()]


@dataclass
class Found:
    """The outcome of matching one person: the contact, or candidates for review."""

    contact: Summary | None = None
    how: str | None = None  # "LinkedIn URL", "email", "name and company"
    review: str | None = None  # why a human must decide
    candidates: list[Summary] = field(default_factory=list)


class VaultMatcher:
    """The vault's contacts indexed by URL, email, name and company."""

    def __init__(self, contacts: Iterable[Summary]) -> None:
        self.by_url: dict[str, list[Summary]] = {}
        self.by_email: dict[str, list[Summary]] = {}
        self.by_name: dict[tuple[str, ...], list[Summary]] = {}
        for contact in contacts:
            url = linkedin_key(contact.linkedin)
            if url:
                self.by_url.setdefault(url, []).append(contact)
            for email in dict.fromkeys(email_keys(contact.emails)):
                self.by_email.setdefault(email, []).append(contact)
            self.by_name.setdefault(name_key(contact.name), []).append(contact)

    def find(self, person: Incoming) -> Found:
        """The contact *person* is, by URL, else email, else name and company."""
        url = linkedin_key(person.linkedin)
        steps: list[tuple[str, list[Summary]]] = [
            ("LinkedIn URL", self.by_url.get(url, []) if url else []),
            ("email", _unique(c for e in email_keys(person.emails)
                              for c in self.by_email.get(e, []))),
        ]
        same_name = self.by_name.get(name_key(person.name), [])
        company = company_key(person.company)
        steps.append(("name and company", [c for c in same_name if company
                                           and company_key(c.company) == company]))
        hits = [(how, found) for how, found in steps if found]
        if hits:
            how, found = hits[0]
            others = _unique(c for _how, more in hits for c in more if c is not found[0])
            if len(found) > 1 or others:
                every = _unique([*found, *others])
                return Found(review=f"matches several contacts ({_ids(every)})",
                             candidates=every)
            return Found(contact=found[0], how=how)
        if same_name:
            companies = ", ".join(sorted({c.company or "no company" for c in same_name}))
            theirs = person.company or "no company"
            return Found(review=f"same name as {_ids(same_name)} ({companies}); the import "
                                f"says {theirs}: add a LinkedIn URL or an email to one of "
                                "them to match, or a company to tell them apart",
                         candidates=same_name)
        return Found()


def _unique(items: Iterable[Summary]) -> list[Summary]:
    seen: dict[str, Summary] = {}
    for item in items:
        seen.setdefault(item.id, item)
    return list(seen.values())


def _ids(contacts: list[Summary]) -> str:
    shown = ", ".join(c.id for c in contacts[:5])
    return shown + (f" and {len(contacts) - 5} more" if len(contacts) > 5 else "")


def merge_rows(people: list[Incoming]) -> list[Incoming]:
    """Rows of one file that are one person (same URL, email, or name and company), merged.

    The first row's values win; later rows fill what it lacks and add emails,
    phones and tags. The merged person keeps the line of its first row.
    """
    parent = list(range(len(people)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owner: dict[tuple[str, object], int] = {}
    for index, person in enumerate(people):
        keys: list[tuple[str, object]] = [("email", e) for e in email_keys(person.emails)]
        url = linkedin_key(person.linkedin)
        if url:
            keys.append(("url", url))
        company = company_key(person.company)
        if company:
            keys.append(("name", (name_key(person.name), company)))
        for key in keys:
            if key in owner:
                parent[root(index)] = root(owner[key])
            else:
                owner[key] = index
    groups: dict[int, list[Incoming]] = {}
    for index, person in enumerate(people):
        groups.setdefault(root(index), []).append(person)
    return [_merged(group) for _root, group in sorted(groups.items())]


def _merged(group: list[Incoming]) -> Incoming:
    if len(group) == 1:
        return group[0]
    group = sorted(group, key=lambda p: p.line)
    first = group[0]
    merged = Incoming(line=first.line, name=first.name, lines=[p.line for p in group])
    for attr in ("company", "role", "linkedin", "connected"):
        setattr(merged, attr, next((getattr(p, attr) for p in group if getattr(p, attr)), None))
    for attr in ("emails", "phones", "tags"):
        values: dict[str, str] = {}
        for person in group:
            for value in getattr(person, attr):
                values.setdefault(value.casefold(), value)
        setattr(merged, attr, list(values.values()))
    merged.notes = "\n\n".join(p.notes for p in group if p.notes)
    return merged
