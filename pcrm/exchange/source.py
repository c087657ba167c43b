"""The import formats, and the reader of each."""
from __future__ import annotations

from pathlib import Path

from pcrm.core.errors import UsageError
from pcrm.exchange.record import Batch, read_text

FORMATS = ("linkedin", "google", "vcard")


def read_import(fmt: str, path: Path) -> Batch:
    """Read *path* as a *fmt* export (one of :data:`FORMATS`)."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown import format '{fmt}' (use {', '.join(FORMATS)})")
    text = read_text(path)
    if fmt == "linkedin":
        from pcrm.exchange.linkedin import read_linkedin

        return read_linkedin(text)
    if fmt == "google":
        from pcrm.exchange.google import read_google

        return read_google(text)
    from pcrm.exchange.vcard import read_vcard

    return read_vcard(text)
