"""A snapshot: every parsed file of a vault at one moment, and the agenda over it.

Built by the store (:func:`pcrm.store.vault.read_vault` from the working tree,
:func:`pcrm.store.vault.parse_files` from any paths and bytes, such as the
staged content of a commit); read by validation and the commands. Pure: it
holds what was read, and "today" is a parameter.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, MutableMapping

from pcrm.core.config import Config
from pcrm.core.model import (COMPANIES_FOLDER, EVENTS_FOLDER, Company, Diagnostic, EventNote,
                             ParsedFile, Summary)
from pcrm.core.facts import Facts
from pcrm.core.records import Brief
from pcrm.core.rules import FollowUp, agenda, agenda_order

if TYPE_CHECKING:
    from pcrm.core.upcoming import Upcoming


@dataclass
class Snapshot:
    """Everything read from a vault at one moment.

    ``files`` may be a lazy mapping (see :class:`pcrm.store.index.LazyFiles`)
    that decodes a file's record on first access; ``briefs``, when the index
    gave them, let :meth:`agenda` pick the contacts due without decoding the
    rest, and ``facts`` let validation run without decoding any.
    """

    config: Config
    files: MutableMapping[str, ParsedFile] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # problems listing the files
    briefs: dict[str, Brief] | None = None
    facts: dict[str, Facts] | None = None

    @property
    def contacts(self) -> list[Summary]:
        return [f.contact for f in self.files.values() if isinstance(f.contact, Summary)]

    def _files_in(self, folder: str) -> list[ParsedFile]:
        """The files under *folder*, in the snapshot's order; no other file's
        record is decoded for them."""
        paths = self.paths_in(folder)
        preload = getattr(self.files, "preload", None)  # a lazy mapping: one query for all
        if preload is not None:
            preload(paths)
        return [self.files[path] for path in paths]

    def paths_in(self, folder: str) -> list[str]:
        """The paths of the files under *folder* (``events``), in the snapshot's order."""
        under = getattr(self.files, "under", None)  # a lazy mapping finds them faster
        if under is not None:
            return under(folder)
        return [path for path in self.files if path.startswith(folder + "/")]

    @property
    def companies(self) -> list[Company]:
        """The company files that parse; no contact's record is decoded for them."""
        return [f.company for f in self._files_in(COMPANIES_FOLDER) if f.company is not None]

    @property
    def events(self) -> list[EventNote]:
        """The event notes that parse (``events/``), in the snapshot's order (the walk's,
        by path, for a vault read from disk)."""
        return [f.event for f in self._files_in(EVENTS_FOLDER) if f.event is not None]

    def error_paths(self) -> list[str]:
        """The files with errors (skipped or partly read), sorted."""
        if self.briefs is not None:
            bad = {path for path, brief in self.briefs.items() if brief.has_errors}
        else:
            bad = {path for path, parsed in self.files.items() if not parsed.ok}
        bad.update(d.path for d in self.diagnostics if d.is_error)
        return sorted(bad)

    def agenda(self, today: dt.date, *, days: int | None = None,
               tag: str | None = None) -> list[FollowUp]:
        """Each contact's next follow-up due within *days* (see :func:`pcrm.core.rules.agenda`)."""
        if self.briefs is None:
            return agenda(self.contacts, self.config, today, days=days, tag=tag)
        horizon = (today + dt.timedelta(days=days)).toordinal() if days is not None else None
        items = []
        last = horizon if horizon is not None else dt.date.max.toordinal()
        for path, brief in self.briefs.items():  # 30,000 of them: no call but for the due
            soonest = brief.soonest
            if soonest is None or soonest > last or brief.status != "active" \
                    or (tag is not None and tag not in brief.tags):
                continue
            item = brief.next_follow_up(path, today)
            if item is not None and (horizon is None or item.due.toordinal() <= horizon):
                items.append(item)
        items.sort(key=agenda_order)
        return items

    def upcoming(self, today: dt.date, *, days: int | None = None,
                 tag: str | None = None) -> list[Upcoming]:
        """Meetings after *today* within *days* (see :func:`pcrm.core.upcoming.upcoming`)."""
        from pcrm.core.upcoming import upcoming

        if self.briefs is None:
            return upcoming(self.contacts, today, days=days, tag=tag)
        now = today.toordinal()  # only the contacts with a meeting after today are decoded
        contacts = [self.files[path].contact for path, brief in self.briefs.items()
                    if brief.booked is not None and brief.booked > now]
        return upcoming(contacts, today, days=days, tag=tag)  # type: ignore[arg-type]
