"""The last feed ``pcrm calendar`` wrote, kept so that an unchanged vault costs one walk.

Generating the feed decodes every contact from the index, derives the agenda
and renders thousands of events (about 0.7 s on 10,000 contacts); checking
that nothing it depends on changed costs one walk of the vault's folders with
a stat per file, the same check the index makes before it trusts a record.

``feed-cache`` in the vault's state folder (never tracked, 0600: it holds
names) keeps the feed's bytes with two digests:

- *inputs*: everything the feed is built from: every vault file's path, size,
  times and inode (and the problems of the walk), the parsed config (so a
  change of the system's time zone counts too), the day, the state folder's
  secret, Python's and pcrm's versions and pcrm's code (its modules' sizes and
  times, as the index does), the installed icalendar's files and the time
  zone's files (its VTIMEZONE);
- *state*: the bytes of ``feed-state.json`` that generation left, which decide
  every SEQUENCE and stamp. A feed is kept only when that file holds exactly
  what this generation published, so generating again from the same inputs
  and that state gives the same bytes.

The cache is used only when both digests match what is on disk now, and a
file modified within the last two seconds (its mtime or ctime: the file
system's time resolution) makes the vault too fresh to trust: the feed is then
generated and not kept.
A cache file that is damaged or foreign is ignored and replaced.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from pcrm import __version__
from pcrm.calendar.state import SECRET_FILE, STATE_FILE
from pcrm.core.config import CONFIG_NAME, Config
from pcrm.core.errors import WriteError
from pcrm.store.files import REPLACE, write_atomic
from pcrm.store.checks import blake2b
from pcrm.store.paths import private_folder
from pcrm.store.vault import Found, walk
from pcrm.store.walk import RACY_SECONDS

if TYPE_CHECKING:
    from pcrm.core.snapshot import Snapshot

CACHE_FILE = "feed-cache"
FORMAT = 1
_CODE_FOLDERS = ("core", "store", "calendar")  # what decides a feed's bytes


@dataclass(frozen=True)
class FeedOutput:
    """A vault's feed, generated now or kept from a previous run, with what
    the command reports about it."""

    data: bytes
    follow_ups: int
    birthdays: int
    meetings: int
    errors: list[str]  # the files with errors, skipped or read in part


def hash_files(digest: Any, found: Iterable[Found]) -> int:
    """Feed every file's path and stats into *digest*; the newest change (mtime
    or ctime) in ns (0: no file)."""
    newest = 0
    for path, _absolute, info in found:
        digest.update(path.encode("utf-8", "surrogateescape"))
        if info is not None:
            digest.update(b"%d %d %d %d\0" % (info.st_mtime_ns, info.st_size, info.st_ino,
                                              info.st_ctime_ns))
            newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
        else:
            digest.update(b"-\0")
    return newest


def hash_vault(digest: Any, root: Path) -> int:
    """Feed the vault's files (what :func:`pcrm.store.vault.walk` finds: paths and
    stats, and its problems) into *digest*; the newest change (mtime or ctime) in ns."""
    found, problems = walk(root)
    newest = hash_files(digest, found)
    digest.update(repr(problems).encode("utf-8", "surrogateescape"))
    return newest


def config_fingerprint(config: Config) -> str:
    """Every setting of *config*, in an order that does not depend on hashing."""
    parts = []
    for item in fields(config):
        value = getattr(config, item.name)
        if isinstance(value, (set, frozenset)):
            value = sorted(value)
        parts.append(f"{item.name}={value!r}")
    return "\n".join(parts)


def _stamp_of(path: str | os.PathLike[str]) -> bytes:
    try:
        info = os.stat(path)
    except OSError:
        return b"-"
    return b"%d:%d:%d" % (info.st_mtime_ns, info.st_size, info.st_ino)


def code_stamp() -> bytes:
    """Python's and pcrm's versions, the stats of the modules that make a feed, and
    icalendar's files."""
    package = Path(__file__).resolve().parent.parent
    parts = [sys.version.encode(), __version__.encode()]
    for folder in _CODE_FOLDERS:
        with suppress(OSError):
            for entry in sorted(os.scandir(package / folder), key=lambda e: e.name):
                if entry.name.endswith(".py"):
                    parts.append(entry.name.encode() + b"=" + _stamp_of(entry.path))
    from importlib.util import find_spec  # noqa: PLC0415 - finds icalendar without importing it

    spec = find_spec("icalendar")
    origin = spec.origin if spec is not None and spec.origin else ""
    parts.append(origin.encode() + b"=" + _stamp_of(origin) if origin else b"no icalendar")
    if origin:
        parts.append(_stamp_of(Path(origin).parent / "version.py"))
    return b"|".join(parts)


def zone_stamp(name: str) -> bytes:
    """The stats of the time zone files that may define *name* (a VTIMEZONE's rules)."""
    import zoneinfo  # noqa: PLC0415 - already loaded by the config
    from importlib.util import find_spec  # noqa: PLC0415

    places = [os.path.join(folder, name) for folder in zoneinfo.TZPATH]
    spec = find_spec("tzdata")
    if spec is not None and spec.origin:
        places.append(os.path.join(os.path.dirname(spec.origin), "zoneinfo", name))
    return b"|".join(_stamp_of(place) for place in places)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def state_digest(raw: bytes | None) -> str:
    """The digest of ``feed-state.json``'s bytes (None: no such file)."""
    return "none" if raw is None else blake2b(raw, digest_size=16).hexdigest()


def inputs_digest(root: Path, config: Config, today: dt.date, folder: Path) -> str | None:
    """The digest of what the feed is built from, or None when a vault file is too fresh
    to be told apart from its next edit (see the module doc)."""
    digest = blake2b(digest_size=16)
    digest.update(b"%d|%s|" % (FORMAT, today.isoformat().encode()))
    digest.update(config_fingerprint(config).encode("utf-8", "surrogateescape"))
    digest.update(_stamp_of(root / CONFIG_NAME))
    digest.update(code_stamp())
    digest.update(zone_stamp(config.timezone_name))
    secret = _read(folder / SECRET_FILE)
    digest.update(b"secret:" + (blake2b(secret).digest() if secret is not None else b"-"))
    newest = hash_vault(digest, root)
    if newest > time.time_ns() - RACY_SECONDS * 1e9:
        return None
    return digest.hexdigest()


def kept(folder: Path, inputs: str | None) -> FeedOutput | None:
    """The kept feed, if it was made from *inputs* and the state file now on disk."""
    if inputs is None:
        return None
    raw = _read(folder / CACHE_FILE)
    if raw is None:
        return None
    head, newline, data = raw.partition(b"\n")
    try:
        meta = json.loads(head)
        if (not newline or meta["format"] != FORMAT or meta["inputs"] != inputs
                or meta["size"] != len(data)
                or meta["data"] != blake2b(data, digest_size=16).hexdigest()
                or meta["state"] != state_digest(_read(folder / STATE_FILE))):
            return None
        return FeedOutput(data, int(meta["follow_ups"]), int(meta["birthdays"]),
                          int(meta["meetings"]), [str(path) for path in meta["errors"]])
    except (ValueError, KeyError, TypeError):
        return None


def keep(folder: Path, inputs: str | None, state: str | None, feed: FeedOutput) -> None:
    """Keep *feed*, made from *inputs* leaving the state file with digest *state*
    (None: the state file does not hold what was published: nothing is kept)."""
    if inputs is None or state is None:
        return
    meta = {"format": FORMAT, "inputs": inputs, "state": state, "size": len(feed.data),
            "data": blake2b(feed.data, digest_size=16).hexdigest(),
            "follow_ups": feed.follow_ups, "birthdays": feed.birthdays,
            "meetings": feed.meetings, "errors": feed.errors}
    head = json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with suppress(OSError, WriteError):  # a read-only state folder costs speed only
        private_folder(folder)
        write_atomic(folder / CACHE_FILE, head + b"\n" + feed.data, expected=REPLACE,
                     mode=0o600, durable=False)


def vault_feed(root: Path, config: Config, today: dt.date, folder: Path,
               read: Callable[[], Snapshot]) -> FeedOutput:
    """The feed of the vault at *root* for *today*: the kept one when nothing it
    depends on changed, else generated from ``read()`` (and kept for next time).

    *folder* is the vault's state folder (see :func:`pcrm.store.paths.state_dir`).
    """
    inputs = inputs_digest(root, config, today, folder)
    found = kept(folder, inputs)
    if found is not None:
        return found
    from pcrm.calendar.feed import generate  # noqa: PLC0415 - icalendar only when generating

    snapshot = read()  # the command holds the cycle collector (pcrm.cli.group.main)
    feed = generate(snapshot, config, today, folder)
    output = FeedOutput(feed.data, feed.follow_ups, feed.birthdays, feed.meetings,
                        snapshot.error_paths())
    keep(folder, inputs, None if feed.state is None else state_digest(feed.state), output)
    return output
