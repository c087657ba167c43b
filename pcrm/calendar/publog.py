"""The outcome of the last ``pcrm publish``, kept for ``pcrm status`` to mention.

A publish started by the post-commit hook runs in the background, where nobody
sees its output: it records here whether it worked (``publish-status.json`` in
the vault's state folder, 0600), and ``pcrm status`` warns when it did not.
Light on purpose: ``status`` imports this module, never the publisher.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pcrm.store.files import REPLACE, write_atomic

STATUS_FILE = "publish-status.json"
LOG_FILE = "publish.log"


def record(folder: Path, url: str, ok: bool, message: str, now: dt.datetime) -> None:
    """Remember the last publish (and append it to ``publish.log``); never raises."""
    entry = {"url": url, "ok": ok, "message": message,
             "when": now.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat()}
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_atomic(folder / STATUS_FILE, (json.dumps(entry) + "\n").encode("utf-8"),
                     expected=REPLACE, mode=0o600)
        log = folder / LOG_FILE
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{entry['when']} {'ok' if ok else 'FAILED'} {url}: {message}\n")
        log.chmod(0o600)
    except Exception:  # noqa: BLE001 - a log must not fail the run
        pass


def last_failure(folder: Path) -> str | None:
    """One line about the last publish when it failed, else None."""
    try:
        entry = json.loads((folder / STATUS_FILE).read_text(encoding="utf-8"))
        if entry.get("ok", True):
            return None
        return (f"the last publish to {entry['url']} failed at {entry['when']}: "
                f"{entry['message']} (log: {folder / LOG_FILE}; run 'pcrm publish "
                f"--caldav URL' to retry)")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
