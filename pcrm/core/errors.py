"""The one exception hierarchy of pcrm.

Every error a user can cause is a :class:`PcrmError`. Each carries its data
(path, line, reason) and an exit code, and builds its message in ``__str__``.
The command line turns them into ``Error: ...`` in exactly one place
(:func:`pcrm.cli.main`); the core never prints and never exits.
"""
from __future__ import annotations

from pcrm.core.safetext import clean_line


class PcrmError(Exception):
    """Base class: a problem the user can fix, reported as one line."""

    exit_code = 1

    def __init__(self, message: str = "", *, path: str | None = None,
                 line: int | None = None, col: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.col = col

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = clean_line(self.path)  # one line, whatever the file is called
            if self.line:
                where += f":{self.line}"
                if self.col:
                    where += f":{self.col}"
            where += ": "
        return where + self.message


class VaultNotFound(PcrmError):
    """No vault: neither --vault, PCRM_VAULT nor a .pcrm.yaml above the cwd."""

    exit_code = 2


class ConfigError(PcrmError):
    """The vault config .pcrm.yaml has an unknown key or a bad value."""

    exit_code = 2


class ParseError(PcrmError):
    """A file cannot be parsed (bad YAML, bad encoding, bad front-matter)."""


class UsageError(PcrmError):
    """A bad command-line value (date, duration, kind...)."""

    exit_code = 2


class ContactNotFound(PcrmError):
    """No contact matches what the user typed."""


class AmbiguousContact(PcrmError):
    """Several contacts match what the user typed."""


class ConflictError(PcrmError):
    """A file changed on disk between reading and writing it."""


class RefusedEdit(PcrmError):
    """An edit or a new file that would not read back as meant; nothing was written."""


class ProblemsFound(PcrmError):
    """``pcrm check`` found errors; they were printed already, so the message is empty."""


class WriteError(PcrmError):
    """A file could not be written (permissions, disk full...)."""


class GitError(PcrmError):
    """A git command failed, or the vault is not a Git repository."""


class ImportFormatError(PcrmError):
    """A file given to ``pcrm import`` is not in the format it was said to be."""


class ServeError(PcrmError):
    """The feed server cannot start as asked."""


class PublishError(PcrmError):
    """Publishing to a CalDAV calendar failed (authentication, TLS, HTTP, time-out)."""


class CheckFailed(PcrmError):
    """The vault does not pass ``pcrm check`` where it must (before ``sync`` pushes)."""
