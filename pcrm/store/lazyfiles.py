"""Parsed files by path, decoded on first access: what a snapshot holds when the index
gave it (a warm run decodes only the records a command opens)."""
from __future__ import annotations

import marshal
from bisect import bisect_left
from collections.abc import MutableMapping
from typing import Callable, Iterator

from pcrm.core.model import ParsedFile
from pcrm.store.parsing import decode_record


class LazyFiles(MutableMapping):
    """Parsed files by path, each decoded on first access.

    A file's record is taken from *records* when this run holds it (parsed
    now, or given by the event-note cache), else fetched from the index by
    *fetch* (``{path: record or None}`` for the paths asked; None: not usable,
    then *reparse* reads the file again).
    """

    def __init__(self, order: list[str], records: dict[str, bytes],
                 parsed: dict[str, ParsedFile],
                 fetch: Callable[[list[str]], dict[str, bytes | None]],
                 reparse: Callable[[str], ParsedFile]) -> None:
        self._order = order
        self._known = set(order)
        self._sorted: bool | None = None  # whether the order is by path: found when asked
        self._records = records
        self._parsed = parsed
        self._fetch = fetch
        self._reparse = reparse

    def _decode(self, path: str, record: bytes | None) -> ParsedFile:
        if record is not None:
            try:
                return decode_record(path, record)
            except Exception:  # noqa: BLE001 - a record that does not decode: parse again
                pass
        return self._reparse(path)

    def __getitem__(self, path: str) -> ParsedFile:
        found = self._parsed.get(path)
        if found is None:
            if path not in self._known:
                raise KeyError(path)
            record = self._records.pop(path, None)
            if record is None:
                record = self._fetch([path]).get(path)
            found = self._parsed[path] = self._decode(path, record)
        return found

    def load_all(self) -> None:
        """Decode every file not decoded yet, fetching their records in one query."""
        self.preload(self._order)

    def preload(self, paths: list[str]) -> None:
        """Decode *paths* (known ones, not decoded yet), fetching their records at once."""
        todo = [p for p in paths if p not in self._parsed and p in self._known]
        missing = [p for p in todo if p not in self._records]
        fetched = self._fetch(missing) if missing else {}
        for path in todo:
            record = self._records.pop(path, None) or fetched.get(path)
            self._parsed[path] = self._decode(path, record)

    def plain_records(self, paths: list[str]) -> dict[str, tuple]:
        """The records of *paths* not decoded yet, as plain tuples (a
        :class:`~pcrm.core.records.FileRecord`), fetched in one query and left
        undecoded: for a command that reads one part of thousands of records
        (``pcrm report``: the logs). A path left out is to be read as ``self[path]``."""
        missing = [p for p in paths if p not in self._parsed and p not in self._records]
        fetched = self._fetch(missing) if missing else {}
        found: dict[str, tuple] = {}
        for path in paths:
            blob = None if path in self._parsed else self._records.get(path) or fetched.get(path)
            if blob is not None:
                try:
                    found[path] = marshal.loads(blob)
                except (ValueError, EOFError, TypeError):
                    pass
        return found

    def held(self, path: str) -> bool:
        """True when this run holds *path*'s file itself (decoded, parsed now, or given
        by the event notes): the index's row may not be what the snapshot shows."""
        return path in self._parsed or path in self._records

    def values(self):  # type: ignore[override]
        self.load_all()
        return [self._parsed[path] for path in self._order]

    def items(self):  # type: ignore[override]
        return list(zip(self._order, self.values()))

    def _know(self, path: str) -> None:
        if path not in self._known:
            if self._sorted and self._order and path < self._order[-1]:
                self._sorted = False
            self._order.append(path)
            self._known.add(path)

    def under(self, folder: str) -> list[str]:
        """The paths under *folder* (``events``), in order: found by bisection while
        the paths are sorted, as the walk gives them (a scan of 30,000 paths is a
        tenth of what a warm run costs beside it)."""
        order = self._order
        if self._sorted is None:
            self._sorted = order == sorted(order)
        if not self._sorted:
            return [path for path in order if path.startswith(folder + "/")]
        start = bisect_left(order, folder + "/")
        return order[start:bisect_left(order, folder + "0", start)]  # "0" follows "/"

    def __setitem__(self, path: str, value: ParsedFile) -> None:
        self._know(path)
        self._records.pop(path, None)
        self._parsed[path] = value

    def put_record(self, path: str, record: bytes) -> None:
        """Replace *path*'s entry by an encoded record, decoded on first access."""
        self._know(path)
        self._parsed.pop(path, None)
        self._records[path] = record

    def __delitem__(self, path: str) -> None:
        if path not in self._known:
            raise KeyError(path)
        self._order.remove(path)
        self._known.discard(path)
        self._parsed.pop(path, None)
        self._records.pop(path, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, path: object) -> bool:
        return path in self._known
