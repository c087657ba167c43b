"""The feed through libical's parser and RFC 5545/5546 restriction check (when libical is there).

libical is a C library (Debian: ``libical3``), loaded with ctypes; without it
these tests are skipped. It is what Evolution and many servers use to read
calendars, and its restriction check is what failed every event of a
``METHOD:PUBLISH`` feed without ``ORGANIZER``.
"""
from __future__ import annotations

import ctypes
import ctypes.util
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result

from helpers import contact

Run = Callable[..., Result]
Vault = Callable[..., Path]


def _libical() -> ctypes.CDLL | None:
    for name in (ctypes.util.find_library("ical"), "libical.so.3"):
        if name:
            try:
                lib = ctypes.CDLL(name)
            except OSError:
                continue
            lib.icalparser_parse_string.restype = ctypes.c_void_p
            lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
            lib.icalrestriction_check.restype = ctypes.c_int
            lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
            lib.icalcomponent_as_ical_string_r.restype = ctypes.c_void_p
            lib.icalcomponent_as_ical_string_r.argtypes = [ctypes.c_void_p]
            lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
            lib.icalmemory_free_buffer.argtypes = [ctypes.c_void_p]
            return lib
    return None


LIBICAL = _libical()
pytestmark = pytest.mark.skipif(LIBICAL is None, reason="libical is not installed")


def check(data: bytes) -> tuple[bool, str]:
    """(libical's restriction check passed, the calendar as libical writes it back)."""
    assert LIBICAL is not None
    component = LIBICAL.icalparser_parse_string(data)
    assert component, "libical could not parse the feed"
    try:
        valid = bool(LIBICAL.icalrestriction_check(component))
        pointer = LIBICAL.icalcomponent_as_ical_string_r(component)
        text = ctypes.string_at(pointer).decode("utf-8")
        LIBICAL.icalmemory_free_buffer(pointer)
    finally:
        LIBICAL.icalcomponent_free(component)
    return valid, text


FILES = {
    "contacts/jane.md": contact("Jane Doe", """
        ## 2026-11-20 15:00 interview: informational
        """, company="Acme", birthday="1990-02-28"),
    "contacts/sofia.md": contact("Sofia Alvarez", """
        ## 2026-12-02 15:00 interview: onsite
        ## 2026-12-04 coffee
        """, company="Globex", birthday="--02-29"),
    "contacts/bob.md": contact("Bob Smith", follow_up="2026-12-01"),
}


@pytest.mark.parametrize("config", [
    "timezone: Europe/Berlin\n", "timezone: UTC\n",
    "timezone: America/New_York\ncalendar:\n  minimal: true\n  alarm: 1d\n",
])
def test_libical_accepts_every_event(vault: Vault, run: Run, config: str) -> None:
    result = run(vault(FILES, config=config), "calendar")
    assert result.exit_code == 0, result.output
    valid, text = check(result.stdout_bytes)
    assert "X-LIC-ERROR" not in text
    assert valid
    assert text.count("BEGIN:VEVENT") == 6  # 2 follow-ups, 2 meetings, 2 birthdays


def test_libical_accepts_an_empty_feed(vault: Vault, run: Run) -> None:
    valid, text = check(run(vault(), "calendar").stdout_bytes)
    assert valid and "X-LIC-ERROR" not in text and "BEGIN:VTIMEZONE" in text


def test_the_check_would_catch_method_publish(vault: Vault, run: Run) -> None:
    # What the feed used to be: every event fails for want of an ORGANIZER.
    data = run(vault(FILES), "calendar").stdout_bytes
    valid, text = check(data.replace(b"VERSION:2.0\r\n", b"VERSION:2.0\r\nMETHOD:PUBLISH\r\n"))
    assert not valid and "ORGANIZER" in text
