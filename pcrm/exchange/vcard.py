"""Reading vCard files (.vcf) with vobject: 2.1 (quoted-printable), 3.0, 4.0.

Phones and Apple export many cards per file, fold long lines, and Apple groups
properties (``item1.EMAIL`` with ``item1.X-ABLabel``); vobject reads all of
that. The file is cut into cards at their ``BEGIN:VCARD`` / ``END:VCARD``
lines only to know where each starts and to skip a card vobject cannot read
while the others still import; the cards themselves are parsed by vobject.
"""
from __future__ import annotations

import re
from typing import Any

from pcrm.exchange.record import Batch, Incoming, Skipped, clean, clean_notes, emails_of

SOURCE = "vCard"
_BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE)


def cards(text: str) -> list[tuple[int, str]]:
    """(line of BEGIN:VCARD, the card's text) for each top-level card of the file."""
    found: list[tuple[int, str]] = []
    depth, start, chunk = 0, 0, []  # type: tuple[int, int, list[str]]
    for number, line in enumerate(text.splitlines(), 1):
        if _BEGIN.match(line):
            if depth == 0:
                start, chunk = number, []
            depth += 1
        if depth:
            chunk.append(line)
        if _END.match(line) and depth:
            depth -= 1
            if depth == 0:
                found.append((start, "\r\n".join(chunk) + "\r\n"))
    if depth:
        found.append((start, ""))  # an unterminated card: reported by the reader
    return found


def read_vcard(text: str) -> Batch:
    """The people of a .vcf file; a card that cannot be read is skipped with its line."""
    import logging

    import vobject

    logging.getLogger("vobject").setLevel(logging.CRITICAL)  # errors are ours to report
    batch = Batch(SOURCE)
    for line, card_text in cards(text):
        if not card_text:
            batch.skipped.append(Skipped(line, "BEGIN:VCARD without END:VCARD"))
            continue
        try:
            card = vobject.readOne(card_text)
            person = _person(line, card)
        except Exception as exc:  # vobject raises many kinds for malformed cards  # noqa: BLE001
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            batch.skipped.append(Skipped(line, f"cannot read this card: {reason}"))
            continue
        if isinstance(person, Skipped):
            batch.skipped.append(person)
        else:
            batch.people.append(person)
    return batch


def _values(card: Any, key: str) -> list[Any]:
    return [item.value for item in card.contents.get(key, [])]


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return clean(" ".join(map(str, value)))
    return clean(value)


def _person(line: int, card: Any) -> Incoming | Skipped:
    name = next((_text(v) for v in _values(card, "fn") if _text(v)), "")
    if not name:
        for value in _values(card, "n"):
            name = clean(" ".join(str(part) for part in (value.prefix, value.given,
                                                         value.additional, value.family)
                                  if part))
            if name:
                break
    if not name:
        return Skipped(line, "a card without a name (no FN or N)")
    organisations = _values(card, "org")
    company = ""
    if organisations:
        first = organisations[0]
        company = clean(first[0] if isinstance(first, (list, tuple)) and first else first)
    urls = [_text(v) for key in ("url", "x-socialprofile") for v in _values(card, key)]
    tags = [clean(t).lower().replace(" ", "-") for v in _values(card, "categories")
            for t in (v if isinstance(v, (list, tuple)) else [v]) if clean(t)]
    phones = [_text(v).removeprefix("tel:") for v in _values(card, "tel") if _text(v)]
    return Incoming(
        line=line, name=name, company=company or None,
        role=next((_text(v) for v in _values(card, "title") if _text(v)), None),
        emails=emails_of([_text(v) for v in _values(card, "email")]), phones=phones,
        linkedin=next((u for u in urls if "linkedin.com/" in u.lower()), None),
        tags=list(dict.fromkeys(tags)),
        notes="\n\n".join(clean_notes(v) for v in _values(card, "note") if clean_notes(v)))
