"""What the command line writes reaches the terminal without control characters.

A contact file can hold escape sequences (``name: "\\e]0;pwned\\a\\e[2J"`` is valid
YAML) that would retitle or clear the terminal of whoever runs ``pcrm list``.
Rather than trust every command to clean every value, :func:`guarded` wraps
standard output and standard error for the whole run: each write goes through
:func:`pcrm.core.safetext.clean_output`, which shows control characters as
symbols (ESC as ``␛``) and lets only pcrm's own colour codes through.

Bytes written to the binary buffer (the iCalendar feed on standard output) are
not touched here; the feed cleans its own text.
"""
from __future__ import annotations

import contextlib
import sys
from typing import Any, Iterator, TextIO

from pcrm.core.safetext import clean_output


class SafeStream:
    """A text stream that cleans what is written and passes everything else through."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click probes with b"" to tell binary streams
            raise TypeError("write() argument must be str")
        self._stream.write(clean_output(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Clean standard output and error for the duration of the ``with`` block."""
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, SafeStream):
        sys.stdout = SafeStream(sys.stdout)  # type: ignore[assignment]
    if not isinstance(sys.stderr, SafeStream):
        sys.stderr = SafeStream(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
