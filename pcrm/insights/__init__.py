"""Insights over the whole vault: target companies (``pcrm companies``) and the
follow-up habit (``pcrm report``), computed from the index's records."""
from __future__ import annotations
