"""The one place that talks to Git: repositories, commits, hooks, the staged snapshot, history.
"""
from __future__ import annotations
