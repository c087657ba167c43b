"""Files on disk: read and parsed, read for an edit, written atomically.

:func:`read_file` reads and parses one vault file; :func:`read_for_edit` gives the bytes an edit starts from; :func:`write_atomic`
writes the result only if the file still holds those bytes, through a
temporary file in the same folder, so that a crash or a concurrent editor never
leaves half a file or loses the user's words.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pcrm.core.config import Config
from pcrm.core.errors import ConflictError, WriteError
from pcrm.core.model import Diagnostic, ParsedFile
from pcrm.core.records import parse_one


def read_file(path: str, absolute: str | Path, config: Config, *, full: bool = False
              ) -> ParsedFile:
    """Read and parse one vault file; an unreadable file is a diagnostic, not a crash.

    Contacts are summarized (see :func:`pcrm.core.records.summarize`) unless *full*.
    """
    try:
        with open(absolute, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return ParsedFile(path, diagnostics=[Diagnostic(path, 1, 1, "error",
                                                        f"cannot read file: {reason}")])
    return parse_one(path, raw, config, full=full)


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
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".pcrm-tmp", dir=folder)
    except OSError as exc:
        raise WriteError(f"cannot write in {folder}: {exc.strerror}", path=str(target)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            if durable:
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
