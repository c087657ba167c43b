"""The vault on disk: finding it, walking its files, reading them through the SQLite index, search.

Imports only :mod:`pcrm.core`.
"""
from __future__ import annotations
