"""``check_paths`` and ``check_staged``: validate the vault, some of its files, or a commit.

Both return the problems found (sorted :class:`~pcrm.core.model.Diagnostic`)
and what was checked; deciding the exit status is the caller's job.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from pcrm.core.config import CONFIG_NAME, Config
from pcrm.store.configfile import load_config
from pcrm.core.errors import ConfigError, UsageError
from pcrm.core.model import Diagnostic
from pcrm.core.validate import check_snapshot
from pcrm.core.snapshot import Snapshot
from pcrm.store.vault import read_vault


@dataclass(frozen=True)
class CheckReport:
    """The problems found, and what was checked (``12 files``, ``the vault config``)."""

    problems: list[Diagnostic]
    checked: str

    @property
    def errors(self) -> int:
        return sum(1 for d in self.problems if d.is_error)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def _selected(root: Path, snapshot: Snapshot, paths: Sequence[Path], cwd: Path) -> set[str]:
    """The vault files *paths* name (files or folders, relative to *cwd*)."""
    only: set[str] = set()
    for given in paths:
        absolute = given.resolve() if given.is_absolute() else (cwd / given).resolve()
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{given} is not inside the vault {root}") from None
        if absolute.is_dir():
            only.update(p for p in snapshot.files if p.startswith(rel.rstrip("/") + "/")
                        or rel == ".")
        elif rel == CONFIG_NAME:
            continue  # the config was loaded (and validated) already
        elif rel not in snapshot.files:
            raise UsageError(f"{given} is not a contact or company file of the vault")
        else:
            only.add(rel)
    return only


def check_paths(root: Path, today: dt.date, paths: Sequence[Path] = (), *,
                cwd: Path | None = None) -> CheckReport:
    """Validate the vault at *root*, reporting problems in *paths* only when given.

    The vault-wide rules (the same email in two contacts) still look at every
    file. A broken ``.pcrm.yaml`` is the one problem reported (as
    ``.pcrm.yaml:line:col``): nothing else can be read right without it.
    """
    try:
        config = load_config(root)
    except ConfigError as exc:
        found = [Diagnostic(CONFIG_NAME, exc.line or 1, exc.col or 1, "error", exc.message)]
        return CheckReport(found, "the vault config")
    snapshot = read_vault(root, config, with_facts=True)
    only = _selected(root, snapshot, paths, cwd or Path.cwd()) if paths else None
    count = len(only) if only is not None else len(snapshot.files)
    found = check_snapshot(snapshot, today, only)
    if only is None:
        found = _calendar_name_warning(root, config) + found
    return CheckReport(found, f"{count} file{'s' * (count != 1)}")


def _calendar_name_warning(root: Path, config: Config) -> list[Diagnostic]:
    """``calendar.name`` with ``, ; \\``: written escaped, as RFC 5545 wants, but
    ical.js and icalendar then show the backslashes; a warning, on its line."""
    bad = [char for char in ",;\\" if char in config.calendar_name]
    if not bad:
        return []
    line, in_calendar = 1, False
    try:  # the config was just read and validated: a small regular file
        text = (root / CONFIG_NAME).read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.startswith("calendar:"):
            in_calendar = True
        elif raw[:1] not in (" ", "\t", "#", ""):
            in_calendar = False
        elif in_calendar and raw.strip().startswith("name:"):
            line = number
            break
    return [Diagnostic(CONFIG_NAME, line, 1, "warning",
                       f"calendar.name contains {' '.join(bad)}: some calendar apps show "
                       "it with backslashes; a name without , ; or \\ shows the same "
                       "everywhere")]


def check_staged(root: Path, today: dt.date) -> CheckReport:
    """Validate what is staged for commit (the pre-commit hook's check).

    Reads the index git points at (``GIT_INDEX_FILE`` under ``git commit -a``);
    a broken working-tree config does not stop it (the staged one is used).
    """
    from pcrm.git.staged import staged_diagnostics

    try:
        config = load_config(root)
    except ConfigError:
        config = Config()  # the working tree's config is broken; the staged one is used
    return CheckReport(staged_diagnostics(root, config, today), "staged files")
