"""Target companies (spec 12): people by role, their states, applications and gaps.

Works on the index's records (contact summaries and company records), never on
the files themselves, so that it stays fast on a large vault. Decisions where
the spec is silent (also in the README):
- A contact belongs to a company by its ``company:`` value, matched to the
  company file's ``name:`` ignoring case, accents' composition and extra
  spaces; a company named by contacts but with no file is listed too (not a
  target), under the spelling most of its contacts use.
- Archived contacts are left out; paused ones count.
- Only targets have gaps. A gap is a group with no one in it ("Acme: no
  recruiter yet"), or people who all went quiet.
- An application is the stages of one role; its stage and date are those of
  its latest heading (by date, then position in the file).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from pcrm.core.config import ROLE_GROUPS, Config
from pcrm.core.model import Company, Stage, Summary, company_key, contact_id
from pcrm.core.records import Brief
from pcrm.core.rules import FollowUp, apply_today
from pcrm.insights.people import fold
from pcrm.insights.roles import GROUPS, group_of, role_words
from pcrm.core.states import QUIET, state_at, state_of
from pcrm.core.snapshot import Snapshot

TARGET_GOAL = 5  # "about 5 target companies"
GROUP_GOAL = (1, 2)  # "1-2 engineers, 1-2 managers, 1-2 recruiters"
_RANK = {group: rank for rank, group in enumerate(GROUPS)}  # the order people are shown in


class Due(NamedTuple):
    """A person's next follow-up, as ``pcrm companies`` shows it."""

    rule: str
    due: dt.date


class Person(NamedTuple):
    """A contact as seen from their company."""

    contact: str
    name: str
    role: str | None
    group: str
    state: str
    path: str
    next: FollowUp | Due | None = None

    def as_json(self) -> dict[str, Any]:
        return {"contact": self.contact, "name": self.name, "role": self.role,
                "group": self.group, "state": self.state}


@dataclass
class Application:
    """One role applied for: its latest stage."""

    role: str
    stage: str
    date: dt.date
    expect: dt.date | None = None

    def as_json(self) -> dict[str, Any]:
        return {"role": self.role, "stage": self.stage, "date": self.date.isoformat()}


@dataclass
class CompanyView:
    """One company of ``pcrm companies``."""

    name: str
    target: bool
    why: str | None
    path: str | None  # the company file, if there is one
    applications: list[Application] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> dict[str, int]:
        counts = Counter(person.group for person in self.people)
        return {group: counts[group] for group in ROLE_GROUPS}

    def as_json(self) -> dict[str, Any]:
        """The shape of one ``companies --json`` entry (spec 12; locked by a test)."""
        return {"name": self.name, "target": self.target, "why": self.why,
                "applications": [a.as_json() for a in self.applications],
                "people": [p.as_json() for p in self.people],
                "coverage": self.coverage, "gaps": list(self.gaps)}


def applications(stages: Iterable[Stage]) -> list[Application]:
    """Each role's latest stage, in the order the roles first appear in the file."""
    latest: dict[str, Stage] = {}
    for stage in stages:
        key = company_key(stage.role)
        best = latest.get(key)
        if best is None or (stage.date, stage.line) >= (best.date, best.line):
            latest[key] = stage
    return [Application(s.role, s.stage, s.date, s.expect) for s in latest.values()]


def gaps(name: str, groups: list[str], quiet: list[bool]) -> list[str]:
    """A target's gaps, from its people's groups and whether each went quiet."""
    found = [f"{name}: no {group} yet" for group in ROLE_GROUPS if group not in groups]
    if quiet and all(quiet):
        found.append(f"{name}: everyone went quiet: reach someone new")
    return found


def _person(contact: Summary, words: dict, today: dt.date) -> Person:
    upcoming = None
    if contact.status == "active":
        items = apply_today(contact.candidates, contact.snooze, today)
        upcoming = items[0] if items else None
    return Person(contact.id, contact.name, contact.role,
                  group_of(contact.tags, contact.role, words),
                  state_of(contact, today), contact.path, upcoming)


class _BriefPeople:
    """People made from the index's briefs (see :class:`pcrm.core.records.Brief`):
    the same :class:`Person` as :func:`_person` makes from a decoded record."""

    def __init__(self, words: dict, today: dt.date, *, upcoming: bool = True) -> None:
        self.words, self.today, self.now = words, today, today.toordinal()
        self.upcoming = upcoming  # False: no next follow-up (the gaps need none)
        self.groups: dict[tuple, str] = {}  # people share roles: each is looked at once

    def __call__(self, item: tuple[str, Brief]) -> Person:
        path, brief = item
        tags, role = brief.tags, brief.role
        group = self.groups.get((tags, role))
        if group is None:
            group = self.groups[tags, role] = group_of(tags, role, self.words)
        now, since = self.now, brief.quiet_since
        state = state_at(since is not None and now >= since, brief.firsts or (), now)
        upcoming = None
        if self.upcoming and brief.follow_ups and brief.status == "active" \
                and (found := brief.next_due(self.today)) is not None:
            upcoming = Due(found[0][0], dt.date.fromordinal(found[1]))
        # tuple.__new__: a Person without the Python-level __new__ of a named tuple
        return _new(Person, (contact_id(path), brief.name or "", role, group, state, path,
                             upcoming))


_new = tuple.__new__


def _keyed(members: Iterable[tuple[str | None, str | None, Any]]
           ) -> Iterator[tuple[str, str, Any]]:
    """(company key, company as written, member) of the *members* (company as written,
    status, member) that name a company and are not archived. Thousands of contacts
    share a few spellings: each one's key is computed once."""
    keys: dict[str, str] = {}
    for written, status, member in members:
        if not written or status == "archived":
            continue
        key = keys.get(written)
        if key is None:
            key = keys[written] = company_key(written)
        yield key, written, member


def build(contacts: Iterable[Summary], companies: Iterable[Company], config: Config,
          today: dt.date, *, show_all: bool = False) -> list[CompanyView]:
    """The companies to show: targets (every company with *show_all*), targets first."""
    words = role_words(config)
    return _build(companies, ((c.company, c.status, c) for c in contacts),
                  lambda contact: _person(contact, words, today), show_all=show_all)


def _members(briefs: dict[str, Brief]) -> Iterator[tuple[str | None, str | None, Any]]:
    """The contacts of the index's *briefs* as :func:`_build` takes them."""
    return ((brief.company, brief.status, (path, brief))
            for path, brief in briefs.items() if brief.status is not None)


def _build(companies: Iterable[Company], members: Iterable[tuple[str | None, str, Any]],
           person: Callable[[Any], Person], *, show_all: bool,
           ordered: bool = True) -> list[CompanyView]:
    """:func:`build` over *members*: (company as written, status, what *person* takes);
    without *ordered*, each company's people are left in the members' order (enough
    for its gaps)."""
    views: dict[str, CompanyView] = {}
    for company in sorted(companies, key=lambda c: c.path):
        key = company_key(company.name)
        if key not in views:  # two files for one name: the first one (by path) counts
            views[key] = CompanyView(company.name, company.target, company.why, company.path,
                                     applications(company.stages))
    spellings: dict[str, Counter] = {}
    for key, written, member in _keyed(members):
        view = views.get(key)
        if view is None or view.path is None:
            if not show_all:
                continue
            spellings.setdefault(key, Counter())[written.strip()] += 1
            if view is None:
                view = views[key] = CompanyView(written.strip(), False, None, None)
        if view.target or show_all:
            view.people.append(person(member))
    for key, names in spellings.items():
        views[key].name = names.most_common(1)[0][0]
    chosen = [view for view in views.values() if view.target or show_all]
    for view in chosen:
        if ordered:  # by group, name (ignoring case), id: ids are unique, people never compared
            view.people = [p for _r, _n, _c, p in sorted(
                [(_RANK[p.group], fold(p.name), p.contact, p) for p in view.people])]
        if view.target:
            view.gaps = gaps(view.name, [p.group for p in view.people],
                             [p.state == QUIET for p in view.people])
    chosen.sort(key=lambda v: (not v.target, v.name.casefold(), v.path or ""))
    return chosen


def gap_summary(views: Iterable[CompanyView]) -> str | None:
    """One line for ``status`` when a target has a gap, e.g. "2 targets lack a recruiter"."""
    targets = [view for view in views if view.target and view.gaps]
    if not targets:
        return None
    kinds: set[str] = set()
    for view in targets:
        for gap in view.gaps:
            kinds.add(gap.split(": ", 1)[1])
    count = len(targets)
    plural = "s" if count != 1 else ""
    if len(kinds) == 1:
        (only,) = kinds
        if only.startswith("no ") and only.endswith(" yet"):
            return f"{count} target{plural} lack{'' if plural else 's'} a {only[3:-4]}"
        return f"everyone went quiet at {count} target{plural}"
    return f"{count} target{plural} {'have' if plural else 'has'} gaps"


def find_company(snapshot: Snapshot, today: dt.date, query: str
                 ) -> tuple[CompanyView, Company] | None:
    """The company file *query* names (its name or file name, any case), as a card.

    None when no company file matches, or when *query* is exactly a contact's id
    (a contact keeps its own name). Only the company's own people are decoded.
    """
    cid = query.strip()
    if any(contact_id(path) == cid and parsed_contact
           for path, parsed_contact in _contact_paths(snapshot)):
        return None
    key = company_key(query)
    for company in sorted(snapshot.companies, key=lambda c: c.path):
        stem = company.path.rsplit("/", 1)[-1].removesuffix(".md")
        if key in (company_key(company.name), company_key(stem)):
            own = company_key(company.name)
            if snapshot.briefs is not None:
                members = [snapshot.files[path].contact for path, brief in snapshot.briefs.items()
                           if brief.company_key == own]
            else:
                members = [c for c in snapshot.contacts
                           if c.company and company_key(c.company) == own]
            views = build([m for m in members if isinstance(m, Summary)], [company],
                          snapshot.config, today, show_all=True)
            view = next(v for v in views if v.path == company.path)
            return view, company
    return None


def _contact_paths(snapshot: Snapshot) -> Iterable[tuple[str, bool]]:
    """(path, whether it is a contact that reads) of every contact file, no record decoded
    when the index gave briefs."""
    if snapshot.briefs is not None:
        return ((path, brief.status is not None) for path, brief in snapshot.briefs.items())
    return ((c.path, True) for c in snapshot.contacts)


def status_gaps(snapshot: Snapshot, today: dt.date) -> str | None:
    """The line ``status`` prints when a target has a gap (see :func:`gap_summary`).

    Read from the index's briefs (company, role, quiet since), decoding no record.
    """
    companies = snapshot.companies
    if not any(company.target for company in companies):
        return None
    if snapshot.briefs is None:
        return gap_summary(build(snapshot.contacts, companies, snapshot.config, today))
    people = _BriefPeople(role_words(snapshot.config), today, upcoming=False)
    return gap_summary(_build(companies, _members(snapshot.briefs), people, show_all=False,
                              ordered=False))


def for_snapshot(snapshot: Snapshot, today: dt.date, *, show_all: bool = False
                 ) -> list[CompanyView]:
    """:func:`build` over a snapshot; for targets only, from the index's briefs
    (no contact's record is decoded)."""
    if not show_all and snapshot.briefs is not None:
        people = _BriefPeople(role_words(snapshot.config), today)
        return _build(snapshot.companies, _members(snapshot.briefs), people, show_all=False)
    return build(snapshot.contacts, snapshot.companies, snapshot.config, today,
                 show_all=show_all)
