"""pcrm: a plain-text, Git-backed personal CRM for people who network."""
from __future__ import annotations

__version__ = "0.1.0"
