"""Files on disk: read and parsed, read for an edit, written atomically.

:func:`read_file` reads and parses one vault file; :func:`read_for_edit` gives the bytes an edit starts from; :func:`write_atomic`
writes the result only if the file still holds those bytes, through a
temporary file in the same folder, so that a crash or a concurrent editor never
leaves half a file or loses the user's words.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from pcrm.core.config import Config
from pcrm.core.errors import ConflictError, WriteError
from pcrm.core.model import MAX_FILE_BYTES, Diagnostic, ParsedFile, too_large
from pcrm.core.records import parse_one


def read_file(path: str, absolute: str | Path, config: Config, *, full: bool = False
              ) -> ParsedFile:
    """Read and parse one vault file; an unreadable file is a diagnostic, not a crash.

    Contacts are summarized (see :func:`pcrm.core.records.summarize`) unless *full*.
    """
    try:
        raw = read_bounded(absolute, MAX_FILE_BYTES)  # the size is checked before reading
    except FileTooLarge as exc:
        message = too_large(exc.size)
    except NotRegularFile:
        message = "not a regular file; skipped"
    except OSError as exc:
        message = f"cannot read file: {exc.strerror or exc}"
    else:
        return parse_one(path, raw, config, full=full)
    return ParsedFile(path, diagnostics=[Diagnostic(path, 1, 1, "error", message)])


class NotRegularFile(OSError):
    """A path names a device, a FIFO, a socket or a folder, not a regular file."""


class FileTooLarge(OSError):
    """A file is over the size pcrm reads; ``size`` is its size in bytes."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes, over the size pcrm reads")
        self.size = size


def read_bounded(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file at *path*, refused before reading if over *limit*.

    Opened without blocking (a FIFO would wait for a writer forever) and checked
    with ``fstat`` on the open file, so a link to ``/dev/zero`` or a huge sparse
    file costs nothing; at most *limit* + 1 bytes are ever read, in case the
    file grows meanwhile. Raises :class:`NotRegularFile`, :class:`FileTooLarge`
    or another :class:`OSError`.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"{path}: not a regular file")
        if info.st_size > limit:
            raise FileTooLarge(info.st_size)
        # One read of the size stat gave, and a byte more: fewer back is the
        # end of the file, without a second read to see it (the common case).
        first = os.read(fd, info.st_size + 1)
        if len(first) == info.st_size:
            return first
        chunks = [first]
        left = limit + 1 - len(first)
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise FileTooLarge(len(data))
        return data
    finally:
        os.close(fd)


def read_for_edit(target: Path) -> bytes:
    """The current bytes of *target*, the ``expected`` of a later :func:`write_atomic`."""
    try:
        return target.read_bytes()
    except FileNotFoundError:
        raise ConflictError("file is gone (moved or deleted since pcrm read the vault); "
                            "nothing was written", path=str(target)) from None
    except OSError as exc:
        raise WriteError(f"cannot read: {exc.strerror}; nothing was changed",
                         path=str(target)) from None


def write_new_file(folder: Path, stem: str, data: bytes, *, limit: int = 1000,
                   durable: bool = True) -> Path:
    """Write *data* to ``folder/stem.md``, else ``stem-2.md``, ``stem-3.md``...; the path.

    Never overwrites: a name taken meanwhile (by another run) is skipped. The
    folder is created if needed. *durable*: see :func:`write_atomic`.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"cannot create the folder: {exc.strerror}", path=str(folder)) from None
    for number in range(1, limit):
        target = folder / (f"{stem}.md" if number == 1 else f"{stem}-{number}.md")
        if target.exists():
            continue
        try:
            write_atomic(target, data, expected=None, durable=durable)
        except ConflictError:
            continue
        return target
    raise WriteError(f"too many files named {stem}", path=str(folder))


REPLACE = object()
"""``expected=REPLACE``: a derived file (feed, state), written whatever is there now."""


def write_atomic(target: Path, new: bytes, *, expected: bytes | None | object,
                 mode: int | None = None, durable: bool = True) -> None:
    """Replace *target* with *new* atomically, refusing if it is no longer *expected*.

    *expected* is what was read before the edit (None: the file must not exist;
    :data:`REPLACE`: no check, for files pcrm derives). The temporary file lives
    in the same folder, so the final rename is atomic; on any failure it is
    removed and the original stays as it was. A symbolic link is followed (the
    file it points to is replaced, the link stays), and a file without write
    permission is refused even for root: read-only is the user's way of saying
    "do not touch". *mode* defaults to the existing file's permissions, else to
    what a plain ``open()`` would give. With ``durable=False`` the data is not
    flushed to disk file by file: a caller writing thousands of files (an
    import) calls ``os.sync()`` once at the end instead.
    """
    target = Path(os.path.realpath(target))
    folder = target.parent
    remove_stale_temporaries(folder)
    try:
        import tempfile  # noqa: PLC0415 - only when writing

        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise WriteError(f"cannot write in {folder}: {exc.strerror}", path=str(target)) from None
    try:
        _fill_temporary(fd, new, durable)
        os.chmod(temp, default_mode(target) if mode is None else mode)
        if expected is None:
            _link_new(temp, target)
        else:
            _replace_checked(temp, target, expected)
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


def _fill_temporary(fd: int, new: bytes, durable: bool) -> None:
    """Write *new* through the temporary file's descriptor, then close it."""
    with os.fdopen(fd, "wb") as handle:
        handle.write(new)
        handle.flush()
        if durable:
            os.fsync(handle.fileno())


def default_mode(target: Path) -> int:
    """The permissions of the file being replaced, else what a plain ``open()`` gives."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        # The umask can only be read by setting it; put it straight back.
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


def _link_new(temp: str, target: Path) -> None:
    """Put the temporary file in place as a new file; FileExistsError if one appeared."""
    _refuse_if_changed(target, None)
    # Never overwrite a file that appeared meanwhile: link fails if it exists.
    os.link(temp, target)
    os.unlink(temp)


def _replace_checked(temp: str, target: Path, expected: bytes | object) -> None:
    """Rename the temporary file over *target*, unless it is read-only or changed."""
    if target.exists() and (not os.access(target, os.W_OK)
                            or not target.stat().st_mode & 0o222):
        raise WriteError("file is read-only; nothing was changed", path=str(target))
    seen = None
    if expected is not REPLACE:
        seen = _refuse_if_changed(target, expected)  # type: ignore[arg-type]
    # Once more, as close to the rename as the OS allows: an editor that
    # saved meanwhile (by rename, or in place) changed the inode, size,
    # mtime or ctime. What remains is the gap between this stat and the
    # rename, microseconds (see docs/hardening.md).
    if seen is not None and _identity(os.stat(target)) != seen:
        raise ConflictError(CHANGED, path=str(target))
    os.replace(temp, target)


CHANGED = ("file changed on disk since pcrm read it (saved in an editor?); "
           "nothing was written, run the command again")
TEMP_SUFFIX = ".pcrm-tmp"
"""Every temporary file pcrm writes ends so; ``pcrm init``'s .gitignore ignores them."""
STALE_SECONDS = 600


def _identity(info: os.stat_result) -> tuple[int, int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _refuse_if_changed(target: Path, expected: bytes | None
                       ) -> tuple[int, int, int, int, int] | None:
    """Refuse unless *target* holds *expected*; the identity of the file compared."""
    try:
        with open(target, "rb") as handle:
            seen = _identity(os.fstat(handle.fileno()))
            current: bytes | None = handle.read()
    except FileNotFoundError:
        current, seen = None, None
    if current != expected:
        if expected is None:
            raise ConflictError("file already exists; nothing was written", path=str(target))
        raise ConflictError(CHANGED, path=str(target))
    return seen


_SWEPT: set[str] = set()  # folders already rid of stale temporaries by this process


def remove_stale_temporaries(folder: Path, *, now: float | None = None) -> None:
    """Remove the temporary files a killed run left in *folder* (older than 10 min),
    once per folder and process.

    A live run holds its temporary file for milliseconds, so an old one is a
    leftover; they are git-ignored, but should not pile up. Listing the folder
    before every write made an import of thousands of contacts quadratic.
    """
    if str(folder) in _SWEPT:
        return
    _SWEPT.add(str(folder))
    import time  # noqa: PLC0415 - only when writing

    limit = (time.time() if now is None else now) - STALE_SECONDS
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX):
            try:
                if entry.stat(follow_symlinks=False).st_mtime < limit:
                    os.unlink(entry.path)
            except OSError:
                pass


def _cleanup(temp: str) -> None:
    try:
        os.unlink(temp)
    except OSError:
        pass
