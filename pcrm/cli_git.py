"""Git commands: ``pcrm hooks``, ``pcrm history``, ``pcrm sync`` (to be written)."""
from __future__ import annotations
