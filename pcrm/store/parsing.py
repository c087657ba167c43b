"""Parsing vault files for the index: in this process, or half of them in a forked helper.

Also the marshal boundary: named records (:mod:`pcrm.core.records`) in, the plain
bytes the index stores out (:class:`Encoded`), and back.
"""
from __future__ import annotations

import marshal
import os
import sys
import threading
from typing import Any, Callable, NamedTuple

from pcrm.core.config import Config
from pcrm.core.model import Contact, ParsedFile
from pcrm.core.facts import plain_facts
from pcrm.core.records import brief_of, parsed_from_record, plain, record_of, summarize
from pcrm.store.files import read_file


def encode_record(parsed: ParsedFile) -> bytes:
    """A parsed file (contact summarized) as compact bytes: its :class:`FileRecord`."""
    return marshal.dumps(record_of(parsed))


def decode_record(path: str, blob: bytes) -> ParsedFile:
    """The inverse of :func:`encode_record` (same argument order as :func:`parse_one`)."""
    return parsed_from_record(path, marshal.loads(blob))


def fts_row(parsed: ParsedFile) -> tuple | None:
    contact = parsed.contact
    if not isinstance(contact, Contact):
        return None
    return (parsed.path, contact.name, contact.company or "", contact.role or "",
            " ".join(contact.tags), contact.body)



PARALLEL_FROM = 1500  # files to parse before a second process pays for itself


def _parse_fresh(path: str, absolute: str, config: Config) -> tuple[ParsedFile, tuple | None]:
    """Parse one file for the index: the summarized result and its search row."""
    parsed = read_file(path, absolute, config, full=True)
    fts = fts_row(parsed)
    if isinstance(parsed.contact, Contact):
        parsed.contact = summarize(parsed.contact, config)
    return parsed, fts


_WORKER_CONFIG: Config | None = None


class Encoded(NamedTuple):
    """What the index stores of a parsed file, as bytes (and its search row)."""

    brief: bytes
    record: bytes
    facts: bytes
    fts: tuple | None


def _encoded(parsed: ParsedFile, fts: tuple | None) -> Encoded:
    """The marshal boundary: named records in, plain bytes out."""
    return Encoded(marshal.dumps(plain(brief_of(parsed))), encode_record(parsed),
                   marshal.dumps(plain_facts(parsed)), fts)


def _parse_encoded(todo: list[tuple[str, str]]) -> list[tuple[str, Encoded]]:
    """In a worker process: parse files and return them encoded (cheap to send back)."""
    assert _WORKER_CONFIG is not None
    return [(path, _encoded(*_parse_fresh(path, absolute, _WORKER_CONFIG)))
            for path, absolute in todo]


def _quiet_worker() -> None:
    """In the helper process: Ctrl-C is the parent's to handle (it stops the helper);
    left to the default, the helper printed a ``ForkPoolWorker`` traceback."""
    import signal  # noqa: PLC0415 - only in the forked helper

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _start_helper(todo: list[tuple[str, str]], config: Config) -> tuple[Any, Any] | None:
    """Fork a helper process parsing *todo*: (pool, pending result), or None if impossible.

    Ctrl-C is held back while forking: the helper starts with it blocked (then
    ignores it), and the caller gets the pool before the interrupt arrives, so
    it can always stop the helper (a helper left behind kept the command alive).
    """
    import multiprocessing

    global _WORKER_CONFIG
    _WORKER_CONFIG = config
    pool = None
    try:
        pool = multiprocessing.get_context("fork").Pool(1, initializer=_quiet_worker)
        return pool, pool.apply_async(_parse_encoded, (todo,))
    except OSError:
        if pool is not None:
            pool.terminate()
        return None


def parse_many(todo: list[tuple[str, str]], config: Config,
               early: Callable[[dict[str, Encoded]], None] | None = None
               ) -> dict[str, Encoded]:
    """Parse *todo* into what the index stores; with many files, a forked second
    process takes half of them.

    Only the encoded records are kept, not the parsed objects: a command
    decodes the few it opens, and a large vault is not held twice in memory.
    Returns them by path, this process's share first. With *early*, the
    files parsed here are handed to it while the helper still parses (the caller writes them to the index meanwhile);
    those are then not returned again. Forking is only done on Linux and
    from a single-threaded process (the feed server has threads).
    """
    here, there = todo, []
    helper = None
    encoded: dict[str, Encoded] = {}
    try:
        if (len(todo) >= PARALLEL_FROM and sys.platform.startswith("linux")
                and (os.cpu_count() or 1) > 1 and threading.active_count() == 1):
            half = len(todo) // 2
            import signal  # noqa: PLC0415 - only when a helper is forked

            mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                helper = _start_helper(todo[:half], config)
            finally:  # a Ctrl-C held back arrives here, with the helper known
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)
            if helper is not None:
                there, here = todo[:half], todo[half:]
        for path, absolute in here:
            encoded[path] = _encoded(*_parse_fresh(path, absolute, config))
        if helper is not None:
            if early is not None:
                early(encoded)
                encoded = {}
            try:
                encoded.update(helper[1].get())
            except Exception:  # noqa: BLE001 - the helper died: parse its share here
                for path, absolute in there:
                    encoded[path] = _encoded(*_parse_fresh(path, absolute, config))
    finally:  # also on Ctrl-C: no helper outlives the command
        if helper is not None:
            helper[0].terminate()
    return encoded
