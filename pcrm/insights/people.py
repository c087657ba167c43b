"""The contacts ``pcrm list`` shows, read from the index's briefs.

A brief holds everything the text listing prints (name, role, company, tags,
status), so listing 10,000 contacts decodes no record; ``--json`` also needs
emails, phone and the last interaction, and decodes the records.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from pcrm.core.model import contact_id
from pcrm.core.records import Brief, brief_of
from pcrm.core.snapshot import Snapshot


def briefs_of(snapshot: Snapshot) -> Mapping[str, Brief]:
    """Every file's brief: the index's, or made from the parsed files without one."""
    if snapshot.briefs is not None:
        return snapshot.briefs
    return {path: brief_of(parsed) for path, parsed in snapshot.files.items()}


def listed(briefs: Mapping[str, Brief], *, tag: str | None = None,
           company: str | None = None, active_only: bool = False
           ) -> list[tuple[str, Brief]]:
    """The contacts as ``pcrm list`` orders them (name ignoring case, then id):
    (id, brief) pairs, filtered by *tag*, *company* (ignoring case) and status."""
    found = []
    wanted = company.casefold() if company else None
    for path, brief in briefs.items():
        status = brief.status
        if status is None or (active_only and status != "active"):
            continue
        if (tag and tag not in brief.tags) or \
                (wanted is not None and (brief.company or "").casefold() != wanted):
            continue
        name: str = brief.name  # type: ignore[assignment]  # a contact's brief has one
        found.append((fold(name), contact_id(path), brief))
    found.sort()  # by name, then id: ids are unique, so briefs are never compared
    return [(cid, brief) for _key, cid, brief in found]


def lines(people: Iterable[tuple[str, Brief]], width: int) -> list[str]:
    """One line per contact: name, role · company, [status], #tags, (id)."""
    # Thousands of people share a few roles, companies, statuses and tags: what
    # follows the name is made once for each of them.
    rests: dict[tuple, str] = {}
    found = []
    for cid, b in people:
        key = (b.role, b.company, b.status, b.tags)
        rest = rests.get(key)
        if rest is None:
            where = " · ".join(x for x in (b.role, b.company) if x)
            state = "" if b.status == "active" else f" [{b.status}]"
            tags = " ".join(f"#{t}" for t in b.tags)
            # The line is stripped at its end: the rest's end, unless it is all blank
            # (then "" here, and the name's end is stripped).
            rest = rests[key] = f"  {where}{state}  {tags}".rstrip()
        if rest:
            found.append(f"{b.name:<{width}}{rest}  ({cid})")
        else:
            found.append(f"{b.name:<{width}}".rstrip() + f"  ({cid})")
    return found


def fold(text: str) -> str:
    """``text.casefold()``; for ASCII text, the faster ``lower()`` gives the same."""
    return text.lower() if text.isascii() else text.casefold()
