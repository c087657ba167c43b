"""Editing the user's files without losing a byte of their words.

Every edit here is a pure function from the old bytes to the new bytes that
changes only what it says (an appended heading, one front-matter line), plus one
writer, :func:`write_atomic`, which refuses to write if the file changed since it
was read and replaces it through a temporary file in the same folder.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

from pcrm.core.errors import ConflictError, ParseError, WriteError


def newline_of(raw: bytes) -> bytes:
    """The file's line ending: CRLF if its first line ends so, else LF."""
    first = raw.find(b"\n")
    if first > 0 and raw[first - 1:first] == b"\r":
        return b"\r\n"
    return b"\n"


def heading_text(day: dt.date, kind: str, text: str = "", *, clock: dt.time | None = None,
                 expect: dt.date | None = None) -> str:
    """``## 2026-11-22 14:00 interview: phone screen (expect 2026-12-01)``."""
    heading = f"## {day.isoformat()}"
    if clock is not None:
        heading += f" {clock.strftime('%H:%M')}"
    heading += f" {kind}"
    if text:
        heading += f": {text}"
    if expect is not None:
        heading += f" (expect {expect.isoformat()})"
    return heading


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
        comment = re.search(rb"[ \t]+#.*$", body[match.end():])
        tail = comment.group(0) if comment else b""
        lines[index] = match.group(0) + b" " + encoded + tail + cr
        return bom + b"\n".join(lines)
    new_line = key.encode() + b": " + encoded + (b"\r" if nl == b"\r\n" else b"")
    lines.insert(end, new_line)
    return bom + b"\n".join(lines)


REPLACE = object()
"""``expected=REPLACE``: a derived file (feed, state), written whatever is there now."""


def write_atomic(target: Path, new: bytes, *, expected: bytes | None | object,
                 mode: int | None = None) -> None:
    """Replace *target* with *new* atomically, refusing if it is no longer *expected*.

    *expected* is what was read before the edit (None: the file must not exist;
    :data:`REPLACE`: no check, for files pcrm derives). The temporary file lives
    in the same folder, so the final rename is atomic; on any failure it is
    removed and the original stays as it was. A symbolic link is followed (the
    file it points to is replaced, the link stays), and a file without write
    permission is refused even for root: read-only is the user's way of saying
    "do not touch". *mode* defaults to the existing file's permissions, else to
    what a plain ``open()`` would give.
    """
    target = Path(os.path.realpath(target))
    folder = target.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".pcrm-tmp", dir=folder)
    except OSError as exc:
        raise WriteError(f"cannot write in {folder}: {exc.strerror}", path=str(target)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            try:
                mode = target.stat().st_mode & 0o7777
            except FileNotFoundError:
                mask = os.umask(0o022)
                os.umask(mask)
                mode = 0o666 & ~mask
        os.chmod(temp, mode)
        if expected is not REPLACE:
            _refuse_if_changed(target, expected)  # type: ignore[arg-type]
        if expected is None:
            # Never overwrite a file that appeared meanwhile: link fails if it exists.
            os.link(temp, target)
            os.unlink(temp)
        else:
            if target.exists() and (not os.access(target, os.W_OK)
                                    or not target.stat().st_mode & 0o222):
                raise WriteError("file is read-only; nothing was changed", path=str(target))
            os.replace(temp, target)
    except FileExistsError:
        _cleanup(temp)
        raise ConflictError("file already exists; nothing was written", path=str(target)) from None
    except OSError as exc:
        _cleanup(temp)
        raise WriteError(f"cannot write: {exc.strerror}; nothing was changed",
                         path=str(target)) from None
    except BaseException:
        _cleanup(temp)
        raise


def _refuse_if_changed(target: Path, expected: bytes | None) -> None:
    try:
        current = target.read_bytes()
    except FileNotFoundError:
        current = None
    if current != expected:
        if expected is None:
            raise ConflictError("file already exists; nothing was written", path=str(target))
        raise ConflictError("file changed on disk since pcrm read it (saved in an editor?); "
                            "nothing was written, run the command again", path=str(target))


def _cleanup(temp: str) -> None:
    try:
        os.unlink(temp)
    except OSError:
        pass
