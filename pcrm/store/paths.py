"""Where pcrm keeps what it derives from a vault (index, feed state): never a tracked file."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def state_dir(root: Path) -> Path:
    """Where derived, per-machine files go (cache, feed token): never a tracked file.

    ``.git/pcrm`` when the vault is the top of a repository (its ``.git`` is a
    folder); else (no repository, a vault in a subfolder of one, a linked
    worktree or a submodule, whose ``.git`` is a file) the per-user cache folder
    that ``platformdirs`` names (on Linux ``$XDG_CACHE_HOME/pcrm``, on macOS
    ``~/Library/Caches/pcrm``) plus ``<hash of the vault's path>``. ``$PCRM_CACHE_DIR``
    replaces both with ``$PCRM_CACHE_DIR/<hash>``, one folder per vault. No
    git file is parsed here, and no git runs: ``pcrm status`` stays instant.
    """
    override = os.environ.get("PCRM_CACHE_DIR")
    if override:
        return Path(override) / _digest(root)
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git / "pcrm"
    import platformdirs  # noqa: PLC0415 - only vaults outside a repository's top need it

    return platformdirs.user_cache_path("pcrm", appauthor=False) / _digest(root)


def _digest(root: Path) -> str:
    return _sha256(str(root.resolve()).encode()).hexdigest()[:16]


def _sha256(data: bytes) -> Any:
    """SHA-256 from the interpreter's own module: importing hashlib loads OpenSSL,
    several milliseconds of every command run on a vault outside a repository."""
    global _SHA256
    if _SHA256 is None:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found]  # noqa: PLC0415 - 3.12+
        except ImportError:
            try:
                from _sha256 import sha256  # type: ignore[import-not-found]  # noqa: PLC0415
            except ImportError:  # pragma: no cover - a build without them
                from hashlib import sha256  # noqa: PLC0415
        _SHA256 = sha256
    return _SHA256(data)


_SHA256: Any = None  # the function above, found once


def private_folder(folder: Path) -> Path:
    """Create *folder* (and a missing ``pcrm`` parent) readable by the user alone: 0700.

    The index holds the notes of every contact: on a shared machine the cache
    must not be world-readable. A folder an earlier version created with the
    default 0755 is tightened; one that is not the user's is left alone.
    """
    if folder.parent.name == "pcrm" and not folder.parent.exists():
        folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        info = folder.stat()
        if info.st_mode & 0o077 and info.st_uid == os.getuid():
            folder.chmod(0o700)
    except OSError:
        pass
    return folder


def private_file(file: Path) -> None:
    """Create *file* empty if missing, and make it readable by the user alone: 0600."""
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
