"""Interaction kinds (spec 2.2): each kind's class, and what follows from it.

Meetings have a thank-you window, the channels that answer their thank-you
(``answered_by``) and a check-in delay; outbound kinds have a channel (a
personal message or a connection request).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pcrm.core.model import (CHANNELS, CLASSES, CONNECT, INBOUND, MEETING, MESSAGE, NEWS, NOTE,
                             OUTBOUND)
from pcrm.core.timeutil import Duration, parse_duration

KIND_KEYS = {"class", "window", "channel", "answered_by", "check_in"}


@dataclass(frozen=True)
class Kind:
    """An interaction kind: its class; for meetings, the thank-you window, the
    channels that answer it and the check-in delay; for outbound, its channel."""

    name: str
    klass: str
    window: Duration | None = None
    channel: str | None = None  # outbound: message or connect
    answered_by: tuple[str, ...] = ()  # meetings: the channels of a thank-you
    check_in: Duration | None = None  # meetings: check in this long after, if no news


def _meeting(name: str, window: Duration, answered_by: tuple[str, ...] = (MESSAGE,),
             check_in: Duration | None = None) -> Kind:
    return Kind(name, MEETING, window, answered_by=answered_by, check_in=check_in)


_DAY = Duration(24, "h")
DEFAULT_KINDS: dict[str, Kind] = {
    "interview": _meeting("interview", _DAY, check_in=Duration(7, "d")),
    "coffee": _meeting("coffee", _DAY),
    "call": _meeting("call", _DAY),
    "meeting": _meeting("meeting", _DAY),
    "chat": _meeting("chat", _DAY),
    "event": _meeting("event", Duration(48, "h"), (MESSAGE, CONNECT)),
    "email": Kind("email", OUTBOUND, channel=MESSAGE),
    "message": Kind("message", OUTBOUND, channel=MESSAGE),
    "sent": Kind("sent", OUTBOUND, channel=MESSAGE),
    "linkedin": Kind("linkedin", OUTBOUND, channel=CONNECT),
    "connect": Kind("connect", OUTBOUND, channel=CONNECT),
    "reply": Kind("reply", INBOUND),
    "received": Kind("received", INBOUND),
    "news": Kind("news", NEWS),
    "job-change": Kind("job-change", NEWS),
    "note": Kind("note", NOTE),
}


def unknown_kind(kind: str, config: Any) -> str:
    """The message for a kind the vault does not have, with a "did you mean"."""
    import difflib  # noqa: PLC0415 - only on this error path

    close = difflib.get_close_matches(kind.lower(), list(config.kinds), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else \
        f" (known: {', '.join(sorted(config.kinds))})"
    return f"unknown interaction kind '{kind}'{hint}"


class KindError(Exception):
    """A bad kind setting: *where* is the sub-key (``.window``) or empty."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(message)
        self.where, self.message = where, message


def kind_from_spec(name: str, spec: dict, old: Kind | None) -> Kind:
    """One kind from its config mapping, over the kind of the same name it replaces."""
    klass = spec.get("class", old.klass if old else None)
    if klass is None:
        raise KindError("", f"a new kind needs a class ({', '.join(CLASSES)}), "
                             f"e.g. {name}: {{class: meeting, window: 24h}}")
    if klass not in CLASSES:
        raise KindError(".class", f"must be one of {', '.join(CLASSES)}, not {klass!r}")
    base = old if old is not None and old.klass == klass else None
    for field_name, wanted in (("window", MEETING), ("answered_by", MEETING),
                               ("check_in", MEETING), ("channel", OUTBOUND)):
        if field_name in spec and klass != wanted:
            raise KindError(f".{field_name}", f"only {wanted} kinds have {field_name}")
    if klass == OUTBOUND:
        channel = spec.get("channel", base.channel if base else MESSAGE)
        if channel not in CHANNELS:
            raise KindError(".channel", f"must be {' or '.join(CHANNELS)}, not {channel!r}")
        return Kind(name, klass, channel=channel)
    if klass != MEETING:
        return Kind(name, klass)
    window = base.window if base else _DAY
    if "window" in spec:
        try:
            window = parse_duration(spec["window"], units="hdw")
        except ValueError as exc:
            raise KindError(".window", str(exc)) from None
    answered = base.answered_by if base else (MESSAGE,)
    if "answered_by" in spec:
        raw = spec["answered_by"]
        items = raw if isinstance(raw, list) else [raw]
        if not items or any(item not in CHANNELS for item in items):
            raise KindError(".answered_by", f"must be a list of channels ({', '.join(CHANNELS)})"
                                             f", not {raw!r}")
        answered = tuple(dict.fromkeys(items))
    check_in = base.check_in if base else None
    if "check_in" in spec:
        try:
            raw = spec["check_in"]
            check_in = None if raw in (None, False, "none") else parse_duration(raw, units="dw")
        except ValueError as exc:
            raise KindError(".check_in", str(exc)) from None
    return Kind(name, klass, window, answered_by=answered, check_in=check_in)
