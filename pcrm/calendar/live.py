"""The feed of a vault that may change while ``pcrm serve`` runs, rebuilt only when it did.

Building the feed reads every contact (about a second on 10,000); knowing
whether anything changed costs one walk of the vault's folders with a stat per
file, the same check the index makes before it trusts a record. So
:class:`LiveFeed` keeps the feed it built with a signature of what it was built
from (every file's path, size, times and inode, the config's, the day), and:

- within ``interval`` seconds of the last check, returns the feed as it is
  (a calendar app that polls, or a burst of requests, costs nothing);
- after that, walks the vault once and rebuilds only if the signature
  changed (its files, their stats, the config, the day).

Requests that arrive during a check or a rebuild wait for it and share its
result; the bytes object stays the same while nothing changes, so the server
reuses its ETag and gzip body as well.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Callable

from pcrm.calendar.feedcache import hash_vault
from pcrm.calendar.server import Representation
from pcrm.core.config import CONFIG_NAME
from pcrm.store.configfile import load_config
from pcrm.store.checks import blake2b
from pcrm.store.paths import state_dir
from pcrm.store.vault import no_cycle_collection, read_vault
from pcrm.store.walk import RACY_SECONDS

Clock = Callable[[], dt.datetime]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class LiveFeed:
    """A callable for :func:`pcrm.calendar.server.make_server` (see the module doc)."""

    def __init__(self, root: Path, today: dt.date | None = None, *, interval: float = 1.0,
                 clock: Clock = _utc_now) -> None:
        self.root = root
        self.pinned_today = today
        self.interval = interval
        self.clock = clock
        self.builds = 0  # how many times the feed was generated (for tests and benchmarks)
        self.checks = 0  # how many times the vault was walked
        self._lock = threading.Lock()
        self._current: Representation | None = None
        self._signature = ""
        self._checked = float("-inf")

    def __call__(self) -> Representation:
        current = self._current
        if current is not None and time.monotonic() - self._checked < self.interval:
            return current
        with self._lock:
            current = self._current
            if current is not None and time.monotonic() - self._checked < self.interval:
                return current  # another request checked while this one waited
            self._refresh()
            assert self._current is not None
            return self._current

    def _refresh(self) -> None:
        """Walk the vault; rebuild when it changed or the day did."""
        from pcrm.calendar.feed import generate

        self.checks += 1
        config = load_config(self.root)
        now = self.clock()
        today = self.pinned_today or now.astimezone(config.timezone).date()
        signature = self._sign(today)
        if self._current is None or signature != self._signature:
            # Reading and generating make hundreds of thousands of objects and no
            # reference cycles: the collector, on in the server, would walk them
            # again and again (a third of the time on 30,000 contacts).
            with no_cycle_collection():
                snapshot = read_vault(self.root, config)
                feed = generate(snapshot, config, today, state_dir(self.root), now)
            self.builds += 1
            current = self._current
            data = feed.data
            if current is not None and current.data == data:
                data = current.data  # the same object: the server reuses its work
            self._current = Representation(data, feed.modified)
            self._signature = signature
        self._checked = time.monotonic()

    def _sign(self, today: dt.date) -> str:
        """A digest of what the feed is built from: files, their stats, the config, the day."""
        digest = blake2b(digest_size=16)
        digest.update(today.isoformat().encode())
        try:
            info = (self.root / CONFIG_NAME).stat()
            digest.update(repr((info.st_mtime_ns, info.st_size, info.st_ino,
                                info.st_ctime_ns)).encode())
        except OSError:
            digest.update(b"no config")
        newest = hash_vault(digest, self.root)
        # A file written within the file system's time resolution of this
        # walk could change again with the same stats: not trusted until it
        # is older (as the index does), so the next check rebuilds.
        if newest > time.time_ns() - RACY_SECONDS * 1e9:
            digest.update(repr(time.monotonic()).encode())
        return digest.hexdigest()
