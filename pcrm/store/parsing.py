"""Parsing vault files for the index: in this process, or shared with a forked helper.

Also the marshal boundary: named records (:mod:`pcrm.core.records`) in, the plain
bytes the index stores out (:class:`Encoded`), and back.

With many files, a forked helper process parses beside this one. Both claim
chunks of files from one queue (a pipe holding the chunks' numbers, read four
bytes at a time: each read takes one whole number), so whichever is faster
parses more: this process also writes the index meanwhile. The helper sends
each chunk back as soon as it is parsed (one ``marshal`` blob, its length
first), and this process hands the files to its caller in batches, so that
the index is written while parsing goes on and no process holds the whole
vault's records at once.
"""
from __future__ import annotations

import marshal
import os
import sys
import threading
from typing import Callable, NamedTuple

from pcrm.core.config import Config
from pcrm.core.model import Contact, ParsedFile
from pcrm.core.facts import plain_facts
from pcrm.core.records import brief_of, parsed_from_record, plain, record_of, summarize
from pcrm.store.checks import digest
from pcrm.store.files import read_file


def encode_record(parsed: ParsedFile) -> bytes:
    """A parsed file (contact summarized) as compact bytes: its :class:`FileRecord`."""
    return marshal.dumps(record_of(parsed))


def decode_record(path: str, blob: bytes) -> ParsedFile:
    """The inverse of :func:`encode_record` (same argument order as :func:`parse_one`)."""
    return parsed_from_record(path, marshal.loads(blob))


def checksums(path: str, brief: bytes, record: bytes, facts: bytes | None) -> bytes:
    """Checksums of a row's records: 8 bytes of BLAKE2b each (brief with its path,
    record, facts). A bit flipped on disk must never reach the user's screen."""
    return brief_sum(path, brief) + digest(record) + digest(facts or b"")


def brief_sum(path: str, brief: bytes) -> bytes:
    """The checksum of a row's brief, with its path."""
    return digest(path.encode("utf-8", "surrogateescape") + b"\0" + brief)


def fts_row(parsed: ParsedFile) -> tuple | None:
    contact = parsed.contact
    if not isinstance(contact, Contact):
        return None
    return (parsed.path, contact.name, contact.company or "", contact.role or "",
            " ".join(contact.tags), contact.body)


PARALLEL_FROM = 1500  # files to parse before a second process pays for itself
CHUNK = 64  # files claimed at a time (at most 4,000 chunks: their numbers fill the queue)
BATCH = 512  # files handed to the caller at a time


class Encoded(NamedTuple):
    """What the index stores of a parsed file, as bytes (its search row, its checksums)."""

    brief: bytes
    record: bytes
    facts: bytes
    fts: tuple | None
    sums: bytes


Batch = list[tuple[int, Encoded]]  # (position in the files to parse, encoded)


def _encoded(path: str, absolute: str, config: Config) -> Encoded:
    """Parse one file for the index and encode it: the marshal boundary, named
    records in, plain bytes out."""
    parsed = read_file(path, absolute, config, full=True)
    fts = fts_row(parsed)
    if isinstance(parsed.contact, Contact):
        parsed.contact = summarize(parsed.contact, config)
    brief = marshal.dumps(plain(brief_of(parsed)))
    record = encode_record(parsed)
    facts = marshal.dumps(plain_facts(parsed))
    return Encoded(brief, record, facts, fts, checksums(path, brief, record, facts))


def parse_many(todo: list[tuple[str, str]], config: Config,
               take: Callable[[Batch], None]) -> None:
    """Parse *todo* ((path, absolute) pairs) into what the index stores, handing
    them to *take* in batches of (position in *todo*, encoded), in no set order.

    Only encoded records are made, and each batch is the caller's to write and
    let go: a large vault is never held whole in memory. With many files, a
    forked helper process parses beside this one (only on Linux and from a
    single-threaded process: the feed server has threads); a helper that dies
    leaves its files to this process.
    """
    size = max(CHUNK, -(-len(todo) // 4000))
    count = -(-len(todo) // size)
    helper = _Helper.start(todo, size, count, config) if _shared(len(todo)) else None
    pending: Batch = []
    try:
        mine: set[int] = set()
        claim = helper.claim if helper is not None else iter(range(count)).__next__
        while (number := _next(claim)) is not None:
            mine.add(number)
            pending += [(position, _encoded(*todo[position], config))
                        for position in range(number * size, min(len(todo), (number + 1) * size))]
            if helper is not None:
                pending += helper.receive(wait=False)
            if len(pending) >= BATCH:
                take(pending)
                pending = []
        if helper is not None:
            while not helper.ended:  # what is here is written while the helper ends
                if pending:
                    take(pending)
                    pending = []
                pending += helper.receive(wait=True)
            for number in sorted(set(range(count)) - mine - helper.chunks):
                pending += [(position, _encoded(*todo[position], config)) for position
                            in range(number * size, min(len(todo), (number + 1) * size))]
        take(pending)
    finally:  # also on Ctrl-C: no helper outlives the command
        if helper is not None:
            helper.stop()


def _shared(count: int) -> bool:
    """Whether *count* files are parsed with a helper process."""
    return (count >= PARALLEL_FROM and sys.platform.startswith("linux")
            and (os.cpu_count() or 1) > 1 and threading.active_count() == 1)


def first_numbered(count: int) -> int:
    """Of *count* files to parse, the position of the one whose search row is
    numbered first: with a helper, the second half of the files comes first,
    as the index has always numbered them (a search's ties in rank come in
    rowid order, so the order is kept from run to run)."""
    return count // 2 if _shared(count) else 0


def _next(claim: Callable[[], int | None]) -> int | None:
    try:
        return claim()
    except StopIteration:
        return None


class _Helper:
    """A forked process parsing the chunks it claims, and this side of its pipes."""

    def __init__(self, pid: int, queue: int, results: int) -> None:
        self.pid = pid
        self.queue = queue  # the chunks' numbers, shared with the helper
        self.results = results  # what the helper parsed, as framed marshal blobs
        self.buffer = bytearray()
        self.chunks: set[int] = set()  # the chunks received
        self.ended = False

    @classmethod
    def start(cls, todo: list[tuple[str, str]], size: int, count: int,
              config: Config) -> _Helper | None:
        """Fork the helper; None if impossible (this process then parses alone).

        Ctrl-C is held back while forking: the helper starts with it blocked
        (then ignores it), and the caller knows the helper before the interrupt
        arrives, so that it can always stop it.
        """
        import signal  # noqa: PLC0415 - only when a helper is forked

        try:
            queue, filler = os.pipe()
        except OSError:
            return None
        try:
            try:  # at most 16,000 bytes: the pipe takes them all at once
                numbers = memoryview(b"".join(n.to_bytes(4, "little") for n in range(count)))
                while numbers:
                    numbers = numbers[os.write(filler, numbers):]
            finally:
                os.close(filler)
            results, sender = os.pipe()
        except OSError:
            os.close(queue)
            return None
        _widen(sender)
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            try:
                pid = os.fork()
            except OSError:
                for fd in (queue, results, sender):
                    os.close(fd)
                return None
            if pid == 0:
                _helper_main(todo, size, config, queue, sender, results)  # never returns
            os.close(sender)
            os.set_blocking(results, False)
            return cls(pid, queue, results)
        finally:  # a Ctrl-C held back arrives here, with the helper known
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def claim(self) -> int | None:
        """The next chunk to parse (taken from the queue the helper reads too)."""
        raw = os.read(self.queue, 4)
        return int.from_bytes(raw, "little") if len(raw) == 4 else None

    def receive(self, wait: bool) -> Batch:
        """The files the helper sent so far; with *wait*, at least one chunk's
        unless it has ended (exited, or died)."""
        received: Batch = []
        while True:
            try:
                data = os.read(self.results, 1 << 20)
            except BlockingIOError:
                data = None
            if data == b"":
                self.ended = True
            elif data:
                self.buffer += data
            received += self._frames()
            if data is None:
                if not wait or received:
                    return received
                _wait_readable(self.results)
            elif self.ended:
                return received

    def _frames(self) -> Batch:
        received: Batch = []
        buffer, start = self.buffer, 0
        while len(buffer) - start >= 4:
            length = int.from_bytes(buffer[start:start + 4], "little")
            if len(buffer) - start - 4 < length:
                break
            number, items = marshal.loads(buffer[start + 4:start + 4 + length])
            self.chunks.add(number)
            received += [(position, Encoded(*item)) for position, item in items]
            start += 4 + length
        del buffer[:start]
        return received

    def stop(self) -> None:
        """End the helper (if still running) and reap it; close the pipes."""
        import signal  # noqa: PLC0415 - only when a helper was forked

        if not self.ended:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        for fd in (self.queue, self.results):
            os.close(fd)


def _widen(fd: int) -> None:
    """A larger pipe buffer (Linux: up to 1 MB unprivileged), so the helper
    seldom waits for this process to read."""
    try:
        import fcntl  # noqa: PLC0415 - only when a helper is forked

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def _wait_readable(fd: int) -> None:
    import select  # noqa: PLC0415 - only when waiting for the helper

    select.select([fd], [], [])


def _helper_main(todo: list[tuple[str, str]], size: int, config: Config,
                 queue: int, sender: int, results: int) -> None:
    """In the forked helper: parse the chunks claimed from *queue*, each sent back
    as soon as it is parsed; then exit (never back into the caller's code)."""
    code = 1
    try:
        import signal  # noqa: PLC0415 - only in the forked helper

        os.close(results)  # if the parent dies, writing fails: the helper ends too

        # Ctrl-C is the parent's to handle (it stops the helper).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        while True:
            raw = os.read(queue, 4)
            if len(raw) < 4:
                break
            number = int.from_bytes(raw, "little")
            blob = marshal.dumps((number, [
                (position, tuple(_encoded(*todo[position], config)))
                for position in range(number * size, min(len(todo), (number + 1) * size))]))
            data = memoryview(len(blob).to_bytes(4, "little") + blob)
            while data:
                data = data[os.write(sender, data):]
        code = 0
    finally:
        os._exit(code)
