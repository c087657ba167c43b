"""Edit locks: two pcrm runs editing the same file never lose either's change.

Each vault file has a lock file of its own in the vault's state folder (never
a tracked file), held with :mod:`filelock` while a run reads, edits and writes
it. Several files are locked in sorted order, so two runs locking overlapping
sets wait for each other instead of deadlocking. A run that cannot create the
state folder (a read-only repository) edits without the lock: the
compare-before-rename of every write still refuses to overwrite a change.
"""
from __future__ import annotations

import hashlib
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from pcrm.core.errors import ConflictError
from pcrm.store.paths import private_folder, state_dir

WAIT_SECONDS = 10.0


@contextmanager
def locked(root: Path, paths: Iterable[str], *, timeout: float = WAIT_SECONDS
           ) -> Iterator[None]:
    """Hold the edit lock of every vault-relative path in *paths* until the block ends.

    Raises :class:`~pcrm.core.errors.ConflictError` if another run holds one of
    them for longer than *timeout* seconds.
    """
    from filelock import FileLock, Timeout

    folder = state_dir(root) / "locks"
    try:
        private_folder(folder.parent)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        yield
        return
    with ExitStack() as stack:
        for path in sorted(set(paths)):
            name = hashlib.sha256(path.encode("utf-8")).hexdigest()[:32] + ".lock"
            lock = FileLock(str(folder / name), timeout=timeout, mode=0o600)
            try:
                stack.enter_context(lock)
            except Timeout:
                raise ConflictError("another pcrm command is editing this file; "
                                    "nothing was written, try again", path=path) from None
            except OSError:
                continue  # the lock file cannot be made: the write still compares first
        yield
