"""The calendar: the iCalendar feed, the HTTP server that serves it, and CalDAV publishing.
"""
from __future__ import annotations
