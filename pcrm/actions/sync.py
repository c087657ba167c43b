"""``sync_checked``: pull (rebase), check the result, and push only a vault that passes.

A union merge of contact files can produce a file git accepts and pcrm does not
(the same ``snooze:`` key twice, from two devices): such a vault is never pushed.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from pcrm.actions.check import check_paths
from pcrm.core.errors import CheckFailed
from pcrm.git.sync import SyncResult, sync


def sync_checked(root: Path, today: dt.date,
                 progress: Callable[[str], None] | None = None) -> SyncResult:
    """``git pull --rebase``, then ``pcrm check`` on the result, then ``git push``.

    Raises :class:`~pcrm.core.errors.CheckFailed` (nothing pushed; the rebased
    commits stay local) when the pulled vault has errors.
    """

    def verify() -> None:
        report = check_paths(root, today)
        if report.errors:
            first = next(d for d in report.problems if d.is_error)
            raise CheckFailed(f"after pulling, the vault does not pass 'pcrm check' "
                              f"({report.errors} error(s); first: {first}); nothing was "
                              "pushed: fix it, commit, then run 'pcrm sync' again")

    return sync(root, progress=progress, before_push=verify)
