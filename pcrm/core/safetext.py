"""Text from files, made safe to show: bounded in size, free of control characters.

Two jobs, both about what a file can make pcrm print:

- :func:`brief` is a ``repr`` that never grows past a few dozen characters,
  whatever the value (a one-megabyte list, a deeply nested mapping), so that no
  message carries an unbounded value;
- :func:`clean` replaces control characters (escape sequences that could retitle
  the terminal, clear it or move the cursor) with visible stand-ins; the command
  line passes all its output through it, and the feed its text.
"""
from __future__ import annotations

import re
import reprlib
from typing import Any

_REPR = reprlib.Repr()
_REPR.maxlevel = 2
_REPR.maxstring = 40
_REPR.maxother = 40
_REPR.maxlong = 40
for _name in ("maxlist", "maxtuple", "maxdict", "maxset", "maxfrozenset", "maxdeque",
              "maxarray"):
    setattr(_REPR, _name, 4)

# C0 controls except tab and newline, DEL, and C1 controls (0x9b is a one-byte CSI).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The colour and weight codes that click.style writes, and nothing else.
# For whole outputs: a carriage return that ends a line (CRLF formats such as
# vCard) is kept; one that would rewrite the line is not.
_OUTPUT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
# One code per sequence, as click.style writes them; never 8 (concealed text).
_OWN_STYLE = re.compile(r"\x1b\[(?:[0-579]|2[1-79]|3[0-79]|4[0-79]|9[0-7]|10[0-7]"
                        r"|[34]8;5;[0-9]{1,3}|[34]8;2;[0-9]{1,3};[0-9]{1,3};[0-9]{1,3})m")


def brief(value: Any) -> str:
    """``repr(value)``, cut to at most about 80 characters (nested values elided)."""
    text = _REPR.repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control picture": ESC shows as ␛
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def clean(text: str) -> str:
    """*text* with every control character but tab and newline shown as a symbol."""
    if not CONTROL.search(text):
        return text
    return CONTROL.sub(_stand_in, text)


def clean_line(text: str) -> str:
    """Like :func:`clean`, and tabs and newlines too: for one-line output (a file name)."""
    return clean(text.replace("\n", "\u2424").replace("\t", " "))


# The characters _OUTPUT_CONTROL looks for (a carriage return: any), one by one:
# ``char in text`` runs at memory speed, where the pattern costs a match attempt
# per character (a tenth of ``pcrm list``'s time on 10,000 contacts).
_C0 = tuple(map(chr, (*range(0x09), *range(0x0b, 0x20), 0x7f)))
_C1 = tuple(map(chr, range(0x80, 0xa0)))


def _may_hold_control(text: str) -> bool:
    """False when *text* surely holds nothing :data:`_OUTPUT_CONTROL` matches."""
    return any(char in text for char in _C0) or (
        not text.isascii() and any(char in text for char in _C1))


def clean_output(text: str) -> str:
    """Like :func:`clean`, but pcrm's own colour codes and CRLF line ends pass."""
    # A short line: one search costs less than many.
    if (len(text) >= 512 and not _may_hold_control(text)) or not _OUTPUT_CONTROL.search(text):
        return text
    parts = []
    last = 0
    for match in _OWN_STYLE.finditer(text):
        parts.append(_OUTPUT_CONTROL.sub(_stand_in, text[last:match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(_OUTPUT_CONTROL.sub(_stand_in, text[last:]))
    return "".join(parts)


def has_control(text: str) -> bool:
    """True when *text* holds a control character other than tab and newline."""
    return CONTROL.search(text) is not None
