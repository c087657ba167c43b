"""Listing a vault's files: what ``contacts/``, ``companies/`` and ``events/`` hold.

Every command starts here, and a warm run's cost is mostly this walk: one
``stat`` per file (by the folder's descriptor, no path lookup), sorted.
"""
from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Iterator

from pcrm.core.model import COMPANIES_FOLDER, CONTACTS_FOLDER, EVENTS_FOLDER, Diagnostic

CONTACTS, COMPANIES, EVENTS = CONTACTS_FOLDER, COMPANIES_FOLDER, EVENTS_FOLDER
RACY_SECONDS = 2.0
"""A file changed this recently (mtime or ctime) may change again with the same stat,
within the file system's time resolution: what is derived from it is not kept."""


def is_vault_file(path: str) -> bool:
    """True for the files pcrm owns: ``contacts/**.md``, ``companies/**.md``, ``events/**.md``."""
    parts = path.split("/")
    return (len(parts) >= 2 and parts[0] in (CONTACTS, COMPANIES, EVENTS)
            and path.endswith(".md")
            and not any(part.startswith(".") for part in parts))


Found = tuple[str, str, "os.stat_result | None"]  # (relative POSIX path, absolute path, stat)


def walk(root: Path) -> tuple[list[Found], list[Diagnostic]]:
    """The vault's files as (relative POSIX path, absolute path, stat), sorted, plus problems.

    Follows symbolic links that stay inside the vault, to folders once; a link
    out of the vault, or back into a folder already visited (a loop), is
    reported and skipped, and so are names that are
    not UTF-8 and things that are not regular files (a FIFO would block a read).
    The stat is None when it failed (reading the file then reports why).
    """
    found: list[Found] = []
    problems: list[Diagnostic] = []
    inside = os.path.realpath(root)
    for top in (CONTACTS, COMPANIES, EVENTS):
        base = root / top
        if not base.is_dir():
            continue
        if base.is_symlink() and _outside(base, inside):
            problems.append(Diagnostic(top, 1, 1, "warning", OUTSIDE))
            continue
        seen: set[tuple[int, int]] = set()
        stack = [(top, base)]
        while stack:
            rel, folder = stack.pop()
            entries = _entries(rel, folder, seen, problems)
            with _folder_fd(folder if entries else None) as fd:
                for entry in entries:
                    name = entry.name
                    child = f"{rel}/{name}"
                    if name[-3:] == ".md" and name[0] != "." and name.isascii() \
                            and not entry.is_symlink():  # the common case: one stat, no more
                        try:  # by the folder's descriptor: no path lookup per file
                            info = (os.stat(name, dir_fd=fd, follow_symlinks=False)
                                    if fd is not None else entry.stat())
                        except OSError:
                            info = None
                        if info is None or stat.S_ISREG(info.st_mode):
                            found.append((child, entry.path, info))
                            continue
                    kind = _classify(child, entry, problems, inside)
                    if kind is _FOLDER:
                        stack.append((child, Path(entry.path)))
                    elif kind is not _SKIP:
                        found.append((child, entry.path, kind))  # type: ignore[arg-type]
    found.sort(key=itemgetter(0))  # by path (each once): strings compared, not tuples
    return found, problems


@contextmanager
def _folder_fd(folder: Path | None) -> Iterator[int | None]:
    """A descriptor of *folder* to stat its files by (None where unsupported or unreadable)."""
    fd = None
    if folder is not None and os.stat in os.supports_dir_fd:
        try:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        except OSError:
            fd = None
    try:
        yield fd
    finally:
        if fd is not None:
            os.close(fd)


def _entries(rel: str, folder: Path, seen: set[tuple[int, int]],
             problems: list[Diagnostic]) -> list[os.DirEntry]:
    """A folder's entries, or none if it cannot be read or was visited already (a loop)."""
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in seen:
            problems.append(Diagnostic(rel, 1, 1, "warning", "symbolic link loop: folder skipped"))
            return []
        seen.add((info.st_dev, info.st_ino))
        return list(os.scandir(folder))
    except OSError as exc:
        problems.append(Diagnostic(rel, 1, 1, "error", f"cannot read folder: {exc.strerror}"))
        return []


_FOLDER, _SKIP = object(), object()


OUTSIDE = "symbolic link to a place outside the vault; skipped"


def _outside(path: str | Path, inside: str) -> bool:
    real = os.path.realpath(path)
    return real != inside and not real.startswith(inside.rstrip(os.sep) + os.sep)


def _classify(child: str, entry: os.DirEntry, problems: list[Diagnostic],
              inside: str) -> object:
    """:data:`_FOLDER`, :data:`_SKIP`, or a Markdown file's stat (None if stat failed).

    *inside* is the vault's real path: a symbolic link that leads out of it
    (``contacts/x -> /`` would walk the whole disk) is reported and skipped.
    """
    if entry.name.startswith("."):
        return _SKIP
    try:
        is_dir = entry.is_dir()
    except OSError:
        is_dir = False
    if not is_dir and not entry.name.endswith(".md"):
        return _SKIP
    if entry.is_symlink() and _outside(entry.path, inside):
        problems.append(Diagnostic(child, 1, 1, "warning", OUTSIDE))
        return _SKIP
    try:
        entry.name.encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(child).decode("utf-8", "backslashreplace")
        problems.append(Diagnostic(shown, 1, 1, "error",
                                   "the name is not UTF-8; rename it (skipped)"))
        return _SKIP
    if is_dir:
        return _FOLDER
    try:
        info = entry.stat()
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        problems.append(Diagnostic(child, 1, 1, "warning", "not a regular file; skipped"))
        return _SKIP
    return info
