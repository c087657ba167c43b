"""Words and sentences of a note: the small text tools the checklist and drafts share.

Pure functions over strings. "Content words" are what a note is about: not
the grammar words (``the``, ``with``), and not the stock words every follow-up
note uses (``thank``, ``time``, ``opportunity``), so that a note made only of
stock phrases has none.
"""
from __future__ import annotations

import re
from typing import Iterator, NamedTuple

# Letters, with inner apostrophes and hyphens (don't, on-call).
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+(?:['’][^\W\d_]+)*)*")
URLISH = re.compile(r"\S+@\S+|\b(?:https?://|www\.)\S+|\[\[[^\]]*\]\]")
# A sentence ends at . ! ? (repeated, maybe closed by quotes or brackets) before a space or the end.
SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)")
ABBREVIATIONS = {"e.g", "i.e", "mr", "mrs", "ms", "dr", "prof", "vs", "etc", "inc", "st", "jr",
                 "sr", "no", "approx", "dept", "co", "corp", "ltd"}

STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can can't cannot could couldn't did didn't do does
doesn't doing don't down during each either even ever every few for from further get got had
hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
himself his how how's however i i'd i'll i'm i've if in into is isn't it it's its itself just
let's like made make me might more most much must mustn't my myself near neither no nor not
now of off on once one only or other ought our ours ourselves out over own per quite rather
really same shall shan't she she'd she'll she's should shouldn't so some such than that that's
the their theirs them themselves then there there's these they they'd they'll they're they've
this those though through to too under until up upon us very was wasn't we we'd we'll we're
we've were weren't what what's when when's where where's whether which while who who's whom
why why's will with within without won't would wouldn't yet you you'd you'll you're you've
your yours yourself yourselves hi hello hey dear via also again well still already soon
""".split())

# What every follow-up note says, whoever it is to: none of it is specific.
STOCK = frozenset("""
thank thanks thanking thankful grateful gratitude appreciate appreciated appreciation
time taking take took taken meet meeting met meetup speak speaking spoke spoken talk talking
talked chat chatting chatted call conversation conversations discussion discuss discussed
discussing interview interviewing interviewed interviewer opportunity opportunities position
role job company organization organisation firm team teams work working worked today
yesterday week weekend day days morning afternoon evening recent recently great good nice
wonderful pleasure enjoyed enjoy enjoying learn learned learning learnt hear hearing heard
know knowing forward look looking hope hoping reach reaching reached touch contact
interested interest interesting excited exciting enthusiastic enthusiasm eager keen love
glad happy delighted thrilled best regards sincerely cheers warm warmly kind kindly many
much lot lots truly sure definitely especially particularly also want wanted wanting
thought thoughts think thinking share sharing shared help helpful helped insight insights
insightful advice information informative experience skills skill background contribute
contributing contribution value valuable fit apply applied application process next step
steps follow following followed up again further consider considering consideration
available availability question questions answer answers offer offered reply message email
note letter connect connecting connected connection network networking linkedin
everything something anything things thing way ways new more even able feel felt believe
make made find found first last little bit quick quickly whole part ask asked asking
mention mentioned promise promised owe said told tell let send sent point points
""".split())

GENERIC_COMPANY = re.compile(
    r"\b(?:your|the|this) (?:company|organi[sz]ation|firm|business|employer|team)\b", re.I)


class Token(NamedTuple):
    """One word of a text, where it is (1-based line and column)."""

    word: str
    line: int
    col: int
    starts_sentence: bool


def tokens(text: str, first_line: int = 1) -> Iterator[Token]:
    """The words of *text* with their places; URLs, emails and [[links]] are skipped."""
    sentence_start = True
    for number, line in enumerate(text.split("\n"), start=first_line):
        masked = URLISH.sub(lambda m: " " * len(m.group()), line)
        stripped = masked.lstrip(" \t>")
        if re.match(r"([-*+]|\d+[.)])\s", stripped):  # a list item starts a sentence
            sentence_start = True
        ends = [m.end() for m in SENTENCE_END.finditer(masked)]
        position = 0
        for match in WORD.finditer(masked):
            while position < len(ends) and ends[position] <= match.start():
                sentence_start = True
                position += 1
            yield Token(match.group(), number, match.start() + 1, sentence_start)
            sentence_start = False
        if not masked.strip() or ends and ends[-1] >= len(masked.rstrip()):
            sentence_start = True


def stem(word: str) -> str:
    """A rough stem, enough to match ``migrating`` with ``migration``'s neighbours."""
    word = word.casefold().replace("’", "'")
    word = re.sub(r"'s$", "", word)
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: str, ignore: set[str] | frozenset[str] = frozenset()
                  ) -> dict[str, str]:
    """The words a note is about (no grammar, no stock, none of *ignore*): stem -> word."""
    found: dict[str, str] = {}
    for token in tokens(text):
        lowered = token.word.casefold().replace("’", "'")
        parts = [lowered, *lowered.split("-")] if "-" in lowered else [lowered]
        if any(p in STOPWORDS or p in STOCK or p in ignore for p in parts) or len(lowered) < 3:
            continue
        if stem(lowered) in STOCK:
            continue
        found.setdefault(stem(lowered), token.word)
    return found


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (abbreviations such as ``e.g.`` do not end one)."""
    flat = " ".join(text.split())
    found, start = [], 0
    for match in SENTENCE_END.finditer(flat):
        before = flat[start:match.start()].rsplit(" ", 1)[-1].casefold()
        if match.group().startswith(".") and before.rstrip(".") in ABBREVIATIONS:
            continue
        found.append(flat[start:match.end()].strip())
        start = match.end()
    if flat[start:].strip():
        found.append(flat[start:].strip())
    return found


def name_words(*names: str | None) -> set[str]:
    """The lower-cased words of names (people, companies), for allow-lists."""
    found: set[str] = set()
    for name in names:
        if name:
            for word in WORD.findall(name):
                lowered = word.casefold()
                found.add(lowered)
                found.update(lowered.split("-"))
    return found
