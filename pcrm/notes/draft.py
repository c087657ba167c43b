"""One follow-up note per person (spec 11): which follow-up, which interaction, which words.

The follow-up is the contact's next pending one (:func:`pcrm.core.rules.pending`)
or the rule the user asks for; the interaction is the one it follows. Its
points are the bullet lines of that interaction's notes, else their first
sentences. A value that is missing (no company, no signature phone) is filled
with a bracketed reminder such as ``[your phone]`` and reported as a warning
that names the fix, so the draft is still whole and the checklist still sees
what is missing.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from pcrm.core.config import Config
from pcrm.core.model import MEETING, NOTE, OUTBOUND, Contact, Interaction
from pcrm.core.rules import ordered, pending
from pcrm.notes.templates import find_template
from pcrm.notes.words import sentences

RULE_CHOICES = ("thank-you", "nudge", "check-in", "scheduled", "keep-in-touch", "congratulate")
NEWS = "news"  # the class of news interactions (job changes)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_POINTS = 5


@dataclass
class Draft:
    """A note for one person, and what the user should fix before sending it."""

    contact: str  # the contact's id
    name: str
    to: str | None
    subject: str
    body: str
    rule: str
    source: Interaction | None = None
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """The shape of one ``draft --json`` item (spec 11)."""
        return {"contact": self.contact, "to": self.to, "subject": self.subject,
                "body": self.body, "rule": self.rule}

    def mailto(self) -> str:
        """A ``mailto:`` URL (RFC 6068): address, subject and body percent-encoded."""
        body = self.body.replace("\r\n", "\n").replace("\n", "\r\n")
        address = quote(self.to or "", safe="@")
        return f"mailto:{address}?subject={quote(self.subject, safe='')}&body={quote(body, safe='')}"

    def text(self) -> str:
        """The subject, a blank line, the body."""
        return f"Subject: {self.subject}\n\n{self.body}"


def points_of(interaction: Interaction | None) -> list[str]:
    """The bullet lines of the interaction's notes, else their first sentences."""
    if interaction is None:
        return []
    lines, fenced = [], False
    for line in interaction.notes.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if not fenced and not line.lstrip().startswith("#"):
            lines.append(_plain(line))
    bullets: list[str] = []
    in_item = False
    for line in lines:  # an item goes on over its continuation lines, up to a blank one
        if m := re.match(r"\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.+)", line):
            bullets.append(m.group(1).strip())
            in_item = True
        elif in_item and line.strip():
            bullets[-1] += " " + line.strip()
        else:
            in_item = False
    if not bullets:
        prose = " ".join(" ".join(lines).split())
        bullets = sentences(prose)[:2] if prose else []
    return [point[0].upper() + point[1:] for point in bullets[:MAX_POINTS]]


def _plain(line: str) -> str:
    """Markdown links and wiki links as their text (``[[jane-doe]]`` as ``Jane Doe``)."""
    line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)
    return re.sub(r"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]", _link_text, line)


def _link_text(match: re.Match[str]) -> str:
    if match.group(2):
        return match.group(2)
    target = match.group(1).split("#")[0].split("/")[-1].removesuffix(".md")
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", target):  # an id: jane-doe
        return " ".join(part.capitalize() for part in re.sub(r"-\d+$", "", target).split("-"))
    return target


def pick(contact: Contact, config: Config, today: dt.date, rule: str | None
         ) -> tuple[str, Interaction | None, str | None]:
    """The rule, the interaction it follows, and a notice when nothing was pending."""
    items = pending(contact, config, today)
    notice = None
    if rule is None:
        if items:
            rule = items[0].rule
        else:
            rule = "keep-in-touch"
            notice = (f"nothing is pending for {contact.name}: drafting a keep-in-touch "
                      "note (choose another with --rule)")
    chosen = next((item for item in items if item.rule == rule), None)
    source = chosen.source if chosen is not None else None
    if rule in ("keep-in-touch", "scheduled") or source is None:
        source = _fallback_source(contact, rule, today) or source
    return rule, source, notice


def _fallback_source(contact: Contact, rule: str, today: dt.date) -> Interaction | None:
    """The interaction a note under *rule* is about when no pending item names one."""
    log = [i for i in ordered(contact.interactions) if i.date <= today]
    meetings = [i for i in log if i.klass == MEETING]
    if rule == "thank-you":
        wanted = meetings
    elif rule == "nudge":
        wanted = [i for i in log if i.klass == OUTBOUND]
    elif rule == "check-in":
        wanted = [i for i in log if i.expect is not None] or meetings
    elif rule == "congratulate":  # the news, else whatever was logged last (a note of it)
        wanted = [i for i in log if i.klass == NEWS] or log
    else:  # keep-in-touch, scheduled: the latest conversation worth recalling
        real = [i for i in log if i.klass not in (NOTE, NEWS)]
        wanted = ([i for i in meetings if i.notes] or [i for i in real if i.notes] or real)
    return wanted[-1] if wanted else None


def recalled(contact: Contact, rule: str, source: Interaction | None, today: dt.date
             ) -> Interaction | None:
    """The interaction whose notes give the points: a congratulation recalls your latest
    conversation with notes (the news itself is in the title); the rest, their source."""
    if rule == "congratulate":
        log = [i for i in ordered(contact.interactions) if i.date <= today and i.notes]
        talks = ([i for i in log if i.klass == MEETING]
                 or [i for i in log if i.klass not in (NOTE, NEWS)])
        return talks[-1] if talks else None
    return source


def values_for(contact: Contact, source: Interaction | None, config: Config,
               points: list[str]) -> dict[str, str]:
    """The one dictionary placeholders are looked up in: strings only."""
    day = source.date if source is not None else None
    kind = source.kind if source is not None else "conversation"
    return {
        "first_name": contact.name.split()[0] if contact.name.split() else contact.name,
        "name": contact.name,
        "company": contact.company or "[company]",
        "role": contact.role or "",
        "email": contact.emails[0] if contact.emails else "",
        "kind": kind,
        "title": _title(source) or kind,
        "date": f"{MONTHS[day.month - 1]} {day.day}" if day else "[date]",
        "weekday": WEEKDAYS[day.weekday()] if day else "[day]",
        "points": "\n".join(f"- {p}" for p in points) or "- [what you talked about]",
        "topic": points[0] if points else "[what you talked about]",
        "my_name": config.signature_name or "[your name]",
        "my_phone": config.signature_phone or "[your phone]",
    }


def _title(source: Interaction | None) -> str:
    """The interaction's title without an import's "(was Old at OldCo)" tail."""
    if source is None:
        return ""
    return re.sub(r"\s*\(was [^()]*\)\s*$", "", source.title)


def draft_note(contact: Contact, config: Config, today: dt.date, root: Path | None,
               rule: str | None = None) -> Draft:
    """The note for *contact*'s next follow-up (or *rule*), with warnings naming fixes."""
    rule, source, notice = pick(contact, config, today, rule)
    recall = recalled(contact, rule, source, today)
    points = points_of(recall)
    if not points and recall is source and source is not None and source.title:
        points = [source.title[0].upper() + source.title[1:]]
    kind = source.kind if source is not None else None
    group = kind is not None and _is_group(kind, config)
    template = find_template(root, rule, kind, group=group)
    subject, body = template.fill(values_for(contact, source, config, points))
    draft = Draft(contact.id, contact.name, contact.emails[0] if contact.emails else None,
                  subject, body, rule, source)
    draft.warnings = _warnings(contact, recall if rule != "congratulate" else recall or source,
                               config, points, notice)
    return draft


def _is_group(kind: str, config: Config) -> bool:
    """A group event: the ``event`` kind, or a meeting kind a connection request answers."""
    known = config.kinds.get(kind)
    return kind == "event" or "connect" in (getattr(known, "answered_by", None) or ())


def _warnings(contact: Contact, source: Interaction | None, config: Config,
              points: list[str], notice: str | None) -> list[str]:
    found = [notice] if notice else []
    who = f"{contact.name} ({contact.path})"
    if not contact.emails:
        found.append(f"{who} has no email: add 'email: ...' to the front-matter")
    if not contact.company:
        found.append(f"{who} has no company: add 'company: ...' so the note names it")
    if not config.signature_phone:
        found.append("no phone number to end the note with: set signature.phone in "
                     f"{config.path} (signature: {{name: ..., phone: \"+1 555 0100\"}})")
    if not config.signature_name:
        found.append(f"no name to sign with: set signature.name in {config.path}")
    if source is None:
        found.append(f"nothing logged to mention for {who}: log the conversation first")
    elif source.klass == NEWS:
        found.append(f"no notes of a conversation with {contact.name} to recall: replace "
                     "'[what you talked about]' in the note, or add notes under a meeting")
    elif not points:
        found.append(f"nothing to mention from {source.label()}: write what you talked about "
                     f"under its heading ({contact.path}:{source.line}) and draft again")
    return found
