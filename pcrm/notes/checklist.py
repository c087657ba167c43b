"""The guides' checklist for a follow-up note (spec 11): pure checks over its text.

Required items (a missing one fails the check): ``thanks``, ``company``,
``specific``, ``interest``, ``phone``. Advised ones: ``next-steps``,
``spelling``, ``paragraphs``, ``mass-email``.

A note may start with mail headers (``To:``, ``Cc:``, ``Subject:``, as
``pcrm draft`` prints them); the checks read the body below them, and
``mass-email`` reads the headers too. What the checks know of the person and
the vault comes in a :class:`NoteContext` (see :mod:`pcrm.notes.context`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from pcrm.notes.spelling import misspelt
from pcrm.notes.words import GENERIC_COMPANY, Token, content_words, sentences, tokens

REQUIRED, ADVISED = "required", "advised"
ITEMS = ("thanks", "company", "specific", "interest", "phone",
         "next-steps", "spelling", "paragraphs", "mass-email")
MAX_WORDS, MAX_SENTENCES = 80, 4

THANKS = re.compile(r"\b(?:thank|thanks|thankful|grateful|gratitude|appreciated?|"
                    r"appreciat(?:e|es|ed|ion)|much obliged)\b", re.I)
INTEREST = re.compile(
    r"\b(?:interested|interest in|excited|exciting|excitement|enthusias\w*|eager|keen|"
    r"thrilled|passionate|delighted|(?:would|'d) love|love to|look(?:ing)? forward|"
    r"can't wait|cannot wait|glad to|happy to|inspired|inspiring)\b", re.I)
PHONE = re.compile(r"(?<![\w-])\+?\(?\d[\d ().-]{5,}\d(?![\w-])")
DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HEADER = re.compile(r"^(to|cc|bcc|from|subject|reply-to)\s*:\s*(.*)$", re.I)
NEXT_TOPIC = re.compile(
    r"\b(?:next steps?|timeline|time ?frame|timing|hear(?:ing)? back|decisions?|decide|"
    r"the process|proceed|move forward|moving forward|what else|anything else|"
    r"status of|where (?:things|i) stand|when (?:will|can|should|might|could|do|would) "
    r"(?:i|you|we)\b)", re.I)
REQUEST = re.compile(r"\b(?:let me know|tell me|could you|can you|would you|wondering|"
                     r"like to know|curious|please advise|please share|update me)\b", re.I)
GROUP_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|greetings)\b[ ,]*(?:all|everyone|everybody|team|folks|"
    r"both|guys|you all|y'all|hiring (?:team|committee)|panel)\b", re.I)
NAMES_GREETING = re.compile(
    r"^\s*(?i:hi|hello|hey|dear)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)?"
    r"(?:\s*(?:,|&|\band\b)\s*[A-Z][\w'’.-]*)+\s*[,!:]?\s*$")
NOT_COMPANY = frozenset("""i i'm i've i'd i'll monday tuesday wednesday thursday friday
saturday sunday january february march april june july august september october november
december english""".split())
COMPANY_CUE = re.compile(r"\b(?:at|in|join|joining|with|for|from|to|of|about)\s+$", re.I)


@dataclass(frozen=True)
class Finding:
    """One checklist item the note misses, where it shows."""

    item: str
    severity: str  # REQUIRED or ADVISED
    message: str
    line: int = 1
    col: int = 1

    def as_json(self) -> dict:
        return {"item": self.item, "severity": self.severity, "message": self.message}

    def render(self, path: str) -> str:
        """``note.md:3:1: error: ... [company]``, like ``pcrm check``."""
        kind = "error" if self.severity == REQUIRED else "warning"
        return f"{path}:{self.line}:{self.col}: {kind}: {self.message} [{self.item}]"


@dataclass(frozen=True)
class NoteContext:
    """What the checks know beyond the note: the person, their company, the vault."""

    company: str | None = None  # with --contact: their company
    notes: str | None = None  # with --contact: the interaction's title and notes
    about: str = ""  # with --contact: "interview on 2026-11-20", for messages
    companies: tuple[str, ...] = ()  # every company the vault knows
    own: frozenset[str] = frozenset()  # words of your, their and their company's names
    people: frozenset[str] = frozenset()  # words of every person's name in the vault
    known: Callable[[set[str]], set[str]] | None = None  # which words the vault uses


@dataclass
class Note:
    """A note split into its headers and its body (with the body's first line number)."""

    headers: list[tuple[int, str, str]]  # (line, name, value)
    body: str
    first_line: int

    @classmethod
    def parse(cls, text: str) -> Note:
        lines = text.replace("\r\n", "\n").split("\n")
        headers, index = [], 0
        while index < len(lines) and (m := HEADER.match(lines[index])):
            headers.append((index + 1, m.group(1).casefold(), m.group(2)))
            index += 1
        return cls(headers, "\n".join(lines[index:]), index + 1)

    def paragraphs(self) -> list[tuple[int, str]]:
        """(first line, text) of each block between blank lines."""
        found, start, block = [], 0, []
        for number, line in enumerate(self.body.split("\n"), start=self.first_line):
            if line.strip():
                start = start or number
                block.append(line)
            elif block:
                found.append((start, "\n".join(block)))
                start, block = 0, []
        if block:
            found.append((start, "\n".join(block)))
        return found

    def where(self, match: re.Match[str]) -> tuple[int, int]:
        before = self.body[:match.start()]
        return self.first_line + before.count("\n"), match.start() - (before.rfind("\n") + 1) + 1

    @property
    def start(self) -> int:
        """The first non-empty line of the body (where missing items are reported)."""
        paragraphs = self.paragraphs()
        return paragraphs[0][0] if paragraphs else self.first_line


def check_note(text: str, context: NoteContext | None = None) -> list[Finding]:
    """Every checklist item *text* misses, required ones first, then by line."""
    context = context or NoteContext()
    note = Note.parse(text)
    found: list[Finding] = []
    for check in (_thanks, _company, _specific, _interest, _phone,
                  _next_steps, _spelling, _paragraphs, _mass_email):
        found.extend(check(note, context))
    return sorted(found, key=lambda f: (f.severity != REQUIRED, f.line, ITEMS.index(f.item)))


def _said(note: Note, pattern: re.Pattern[str], item: str, message: str) -> list[Finding]:
    """Nothing if *pattern* occurs in the body, else a required finding at the greeting."""
    return [] if pattern.search(note.body) else [Finding(item, REQUIRED, message, note.start)]


def _thanks(note: Note, context: NoteContext) -> list[Finding]:
    return _said(note, THANKS, "thanks", "does not thank the person: say thank you for their "
                 "time and what they shared")


def _company(note: Note, context: NoteContext) -> list[Finding]:
    wanted = [context.company] if context.company else list(context.companies)
    if any(_names(note.body, name) for name in wanted):
        return []
    if not context.company and _proper_company(note, context):
        return []
    generic = GENERIC_COMPANY.search(note.body)
    line, col = note.where(generic) if generic else (note.start, 1)
    name = f'"{context.company}"' if context.company else "the company"
    said = f' instead of "{generic.group()}"' if generic else ""
    return [Finding("company", REQUIRED, f"does not name {name}: write its name{said}",
                    line, col)]


def _names(text: str, company: str) -> bool:
    """True if *text* names *company* (its first word will do for "Acme Corp")."""
    words = company.split()
    options = {company} | ({words[0]} if len(words) > 1 and len(words[0]) > 2 else set())
    return any(re.search(rf"(?<!\w){re.escape(o)}(?!\w)", text, re.I) for o in options)


def _proper_company(note: Note, context: NoteContext) -> bool:
    """A capitalised name after "at", "join", "with"... that is not a person's name."""
    greeting = note.start
    for token in tokens(note.body, note.first_line):
        word = token.word.casefold()
        if (token.starts_sentence or token.line == greeting or not token.word[0].isupper()
                or word in NOT_COMPANY or word in context.own or word in context.people):
            continue
        line = note.body.split("\n")[token.line - note.first_line]
        before, after = line[:token.col - 1], line[token.col - 1 + len(token.word):]
        if COMPANY_CUE.search(before) or re.match(r"(?:['’]s\b|\s+team\b)", after):
            return True
    return False


def _specific(note: Note, context: NoteContext) -> list[Finding]:
    ignore = context.own | {w.casefold() for w in (context.company or "").split()}
    mine = content_words(_prose(note), ignore)
    if context.notes:
        theirs = content_words(context.notes, ignore)
        if theirs:
            shared = mine.keys() & theirs.keys()
            if len(shared) >= min(2, len(theirs)):
                return []
            examples = ", ".join(list(dict.fromkeys(theirs.values()))[:5])
            return [Finding("specific", REQUIRED, f"mentions nothing from your notes of the "
                            f"{context.about or 'conversation'} (e.g. {examples})", note.start)]
    if len(mine) >= 3:
        return []
    return [Finding("specific", REQUIRED, "mentions nothing specific from the conversation "
                    "(only stock phrases): name a topic, a person or a problem you discussed",
                    note.start)]


def _prose(note: Note) -> str:
    """The body without the signature block (the last paragraph, when it has no sentence)."""
    paragraphs = note.paragraphs()
    if len(paragraphs) > 1 and not re.search(r"[.!?]", paragraphs[-1][1]):
        paragraphs = paragraphs[:-1]
    return "\n\n".join(text for _line, text in paragraphs)


def _interest(note: Note, context: NoteContext) -> list[Finding]:
    return _said(note, INTEREST, "interest", "states no interest or enthusiasm: say you are "
                 "excited about the role or the company")


def _phone(note: Note, context: NoteContext) -> list[Finding]:
    lines = note.body.rstrip().split("\n")
    phones = [(n, m) for n, line in enumerate(lines) for m in PHONE.finditer(line)
              if sum(ch.isdigit() for ch in m.group()) >= 7
              and not DATE_LIKE.match(m.group().strip())]
    last = len(lines) - 1
    tail = [n for n in range(last, -1, -1) if lines[n].strip()][:4]
    if any(n in tail for n, _m in phones):
        return []
    end = note.first_line + last
    if phones:
        n, _m = phones[-1]
        return [Finding("phone", REQUIRED, f"your phone number is on line "
                        f"{note.first_line + n}, not at the end: put it under your name",
                        end)]
    return [Finding("phone", REQUIRED, "does not end with your phone number: add it under "
                    "your name (pcrm draft does it from signature.phone in .pcrm.yaml)", end)]


def _next_steps(note: Note, context: NoteContext) -> list[Finding]:
    found = []
    for line, paragraph in note.paragraphs():
        for sentence in sentences(paragraph):
            topic = NEXT_TOPIC.search(sentence)
            if topic and (sentence.rstrip("\"')”’").endswith("?") or REQUEST.search(sentence)):
                offset = paragraph.find(sentence.split()[0])
                row = line + paragraph.count("\n", 0, max(offset, 0))
                found.append(Finding("next-steps", ADVISED, f'asks about "{topic.group()}": '
                                     "leave the next steps and timing to them (the guides "
                                     "advise against asking)", row))
                break
    return found[:3]


def _spelling(note: Note, context: NoteContext) -> list[Finding]:
    words: dict[str, Token] = {}
    for token in tokens(note.body, note.first_line):
        word = token.word
        if any(ch.isupper() for ch in word[1:]) or (word[0].isupper() and not token.starts_sentence):
            continue  # names, acronyms, camelCase: not the dictionary's business
        lowered = re.sub(r"'s$", "", word.casefold().replace("’", "'"))
        words.setdefault(lowered, token)
    allowed = (context.own | context.people
               | {w.casefold() for c in context.companies for w in c.split()})
    wrong = misspelt(set(words) - allowed, context.known)
    found = []
    for word, suggestion in sorted(wrong.items(), key=lambda item: words[item[0]][1:3]):
        token = words[word]
        hint = f' (did you mean "{suggestion}"?)' if suggestion else ""
        found.append(Finding("spelling", ADVISED, f'misspelt? "{token.word}"{hint}',
                             token.line, token.col))
    return found


def _paragraphs(note: Note, context: NoteContext) -> list[Finding]:
    found = []
    for line, text in note.paragraphs():
        if re.match(r"\s*(?:[-*+]|\d+[.)])\s", text):
            continue  # a list is short lines by nature
        count = len(text.split())
        said = len(sentences(text))
        if count > MAX_WORDS or said > MAX_SENTENCES:
            found.append(Finding("paragraphs", ADVISED, f"a paragraph of {count} words and "
                                 f"{said} sentences: split it (about {MAX_WORDS} words or "
                                 f"{MAX_SENTENCES} sentences at most)", line))
    return found


def _mass_email(note: Note, context: NoteContext) -> list[Finding]:
    for line, name, value in note.headers:
        if name in ("to", "cc", "bcc"):
            addresses = [a for a in re.split(r"[,;]", value) if "@" in a]
            if len(addresses) > 1 or (name != "to" and addresses):
                return [Finding("mass-email", ADVISED, f"addressed to {len(addresses)} people "
                                f"({name.title()}:): send each person a note of their own",
                                line)]
    first = note.paragraphs()[0] if note.paragraphs() else None
    if first is not None:
        greeting = first[1].split("\n")[0]
        if GROUP_GREETING.match(greeting) or NAMES_GREETING.match(greeting):
            return [Finding("mass-email", ADVISED, f'"{greeting.strip()}" greets several '
                            "people: send each person a note of their own", first[0])]
    return []

