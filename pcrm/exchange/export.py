"""Writing the vault's active contacts as vCard 3.0 (phones, Apple, khard, CardDAV).

One card per active contact: FN and N, ORG, TITLE, EMAIL, TEL, URL (LinkedIn),
CATEGORIES (tags), BDAY when the year is known, and a UID derived from the
contact's id, so that a phone or server that syncs the file again updates the
same cards instead of adding new ones. vobject writes the cards (escaping,
CRLF, lines folded at 75 octets).
"""
from __future__ import annotations

import uuid
from typing import Any, Iterable

UID_NAMESPACE = uuid.UUID("5f0c8a54-3c4e-4f7e-9d1a-8d2f6b1e0c11")


def _name_parts(name: str) -> tuple[str, str]:
    """(family, given): the last word is the family name (``Jane van Doe`` -> ``Doe``)."""
    words = name.split()
    if len(words) < 2:
        return name, ""
    return words[-1], " ".join(words[:-1])


def card_of(contact: Any) -> Any:
    """One vobject vCard 3.0 for a contact (a Summary or Contact)."""
    import vobject

    card = vobject.vCard()
    card.add("version").value = "3.0"
    card.add("uid").value = f"urn:uuid:{uuid.uuid5(UID_NAMESPACE, contact.id)}"
    card.add("fn").value = contact.name
    family, given = _name_parts(contact.name)
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if contact.company:
        card.add("org").value = [contact.company]
    if contact.role:
        card.add("title").value = contact.role
    for email in contact.emails:
        line = card.add("email")
        line.value = email
        line.type_param = "INTERNET"
    if contact.phone:
        card.add("tel").value = contact.phone
    if contact.linkedin:
        card.add("url").value = contact.linkedin
    if contact.tags:
        card.add("categories").value = list(contact.tags)
    if contact.birthday and contact.birthday[0]:
        year, month, day = contact.birthday
        card.add("bday").value = f"{year:04d}-{month:02d}-{day:02d}"
    return card


def export_vcard(contacts: Iterable[Any]) -> str:
    """The active contacts as one .vcf text (CRLF), sorted by name then id."""
    chosen = sorted((c for c in contacts if c.status == "active"),
                    key=lambda c: (c.name.casefold(), c.id))
    return "".join(card_of(contact).serialize() for contact in chosen)
