"""The calendar: the iCalendar feed and the HTTP server that serves it.
"""
from __future__ import annotations
