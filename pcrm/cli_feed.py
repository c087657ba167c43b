"""Commands for the calendar feed: ``pcrm calendar`` and ``pcrm serve`` (to be written)."""
from __future__ import annotations
