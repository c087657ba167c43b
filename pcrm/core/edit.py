"""Editing the user's files without losing a byte of their words.

Every edit here is a pure function from the old bytes to the new bytes that
changes only what it says (an appended heading, one front-matter line). Writing
the result is the store's job (:func:`pcrm.store.files.write_atomic`, which
refuses to write if the file changed since it was read).
"""
from __future__ import annotations

import re

from pcrm.core.errors import ParseError


def newline_of(raw: bytes) -> bytes:
    """The file's line ending: CRLF if its first line ends so, else LF."""
    first = raw.find(b"\n")
    if first > 0 and raw[first - 1:first] == b"\r":
        return b"\r\n"
    return b"\n"


def append_heading(raw: bytes, heading: str, notes: str = "") -> bytes:
    """*raw* with a heading (and optional notes) appended after one blank line.

    The original bytes stay an exact prefix; only a missing final newline and
    the separating blank line are added, in the file's own line ending.
    """
    nl = newline_of(raw)
    out = bytearray(raw)
    if out and not out.endswith(b"\n"):
        out += nl
    if out and not out.endswith(b"\n\n") and not out.endswith(b"\r\n\r\n"):
        out += nl
    out += heading.encode("utf-8") + nl
    if notes.strip():
        for line in notes.strip().splitlines():
            out += line.encode("utf-8") + nl
    return bytes(out)


_KEY_LINE = re.compile(rb"^([\"']?)([A-Za-z_][A-Za-z0-9_-]*)\1[ \t]*:")


def set_front_matter_key(raw: bytes, key: str, value: str, path: str = "") -> bytes:
    """*raw* with ``key: value`` in the front-matter: that line changed, or one line added.

    A trailing ``# comment`` on the key's line is kept. A value spread over
    several lines is refused rather than rewritten.
    """
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    lines = raw[len(bom):].split(b"\n")
    if not lines or lines[0].rstrip(b"\r").rstrip() != b"---":
        raise ParseError("no front-matter to edit", path=path, line=1)
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip(b"\r").rstrip()
                in (b"---", b"...")), None)
    if end is None:
        raise ParseError("unterminated front-matter", path=path, line=1)
    nl = newline_of(raw)
    encoded = value.encode("utf-8")
    for index in range(1, end):
        match = _KEY_LINE.match(lines[index])
        if not match or match.group(2).decode() != key:
            continue
        following = lines[index + 1] if index + 1 < end else b""
        if following[:1] in (b" ", b"\t", b"-") and following.strip():
            raise ParseError(f"{key}: the value spans several lines; edit it by hand",
                             path=path, line=index + 1)
        line = lines[index]
        cr = b"\r" if line.endswith(b"\r") else b""
        body = line[:len(line) - len(cr)]
        tail = _comment_of(body[match.end():])
        lines[index] = match.group(0) + b" " + encoded + tail + cr
        return bom + b"\n".join(lines)
    new_line = key.encode() + b": " + encoded + (b"\r" if nl == b"\r\n" else b"")
    lines.insert(end, new_line)
    return bom + b"\n".join(lines)


def _comment_of(value: bytes) -> bytes:
    """The trailing ``  # comment`` of a front-matter line's value, spaces included.

    A scan, not ``[ \t]+#.*$``: that pattern retries every space of a long run
    and is quadratic on a line of spaces.
    """
    hash_at = value.find(b" #")
    tab_at = value.find(b"\t#")
    found = min((at for at in (hash_at, tab_at) if at >= 0), default=-1)
    if found < 0:
        return b""
    start = found
    while start > 0 and value[start - 1:start] in (b" ", b"\t"):
        start -= 1
    return value[start:]
