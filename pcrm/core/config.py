"""The vault config, ``.pcrm.yaml``: every key optional, every value validated.

An unknown key or a bad value raises :class:`~pcrm.errors.ConfigError` naming
the file, the line and the key (``.pcrm.yaml:4:3: nudge.after: ...``).
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pcrm.core.errors import ConfigError
from pcrm.core.kinds import DEFAULT_KINDS, KIND_KEYS, Kind, KindError, kind_from_spec, unknown_kind
from pcrm.core.safetext import brief
from pcrm.core.timeutil import Duration, parse_cadence, parse_duration

CONFIG_NAME = ".pcrm.yaml"


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


# Application stages in a company file (spec 2.3), in the order they happen.
DEFAULT_STAGES = ("applied", "screen", "onsite", "offer", "accepted", "rejected", "withdrawn")
# The groups a person at a target company falls into (spec 12), besides "other".
ROLE_GROUPS = ("engineer", "manager", "recruiter")


def _local_timezone() -> tuple[dt.tzinfo, str]:
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:  # /etc/localtime -> .../zoneinfo/Europe/Paris
        target = os.path.realpath("/etc/localtime")
        if "zoneinfo/" in target:
            name = target.split("zoneinfo/", 1)[1]
            return ZoneInfo(name), name
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    return dt.timezone.utc, "UTC"


@dataclass
class Config:
    """Validated vault settings with their defaults."""

    timezone: dt.tzinfo = field(default_factory=lambda: _local_timezone()[0])
    timezone_name: str = field(default_factory=lambda: _local_timezone()[1])
    kinds: dict[str, Kind] = field(default_factory=lambda: dict(DEFAULT_KINDS))
    nudge_after: Duration = Duration(7, "d")
    nudge_limit: int = 2
    cadence_default: Duration | None = None
    cadence_tags: dict[str, Duration | None] = field(default_factory=dict)
    calendar_name: str = "pcrm follow-ups"
    calendar_refresh: Duration = Duration(6, "h")
    calendar_minimal: bool = False
    calendar_alarm: Duration | None = None
    signature_name: str | None = None
    signature_phone: str | None = None
    stages: tuple[str, ...] = DEFAULT_STAGES
    role_words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # extra words per group
    workdays: frozenset[int] = frozenset(range(5))  # date.weekday(): Monday is 0
    holidays: frozenset[dt.date] = frozenset()
    path: str = CONFIG_NAME

    def working_day(self, day: dt.date) -> dt.date:
        """*day* if it is a working day, else the next one (spec 3: nobody is
        chased over a weekend or a holiday)."""
        for _ in range(7 + len(self.holidays)):
            if day.weekday() in self.workdays and day not in self.holidays:
                return day
            day += dt.timedelta(days=1)
        return day  # not reached: a week always has a working day


def unknown_stage(stage: str, config: Config) -> str:
    """The message for an application stage the vault does not have, with a "did you mean"."""
    import difflib  # noqa: PLC0415 - only on this error path

    close = difflib.get_close_matches(stage.lower(), list(config.stages), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else \
        f" (known: {', '.join(config.stages)})"
    return f"unknown application stage '{stage}'{hint}"


# -- validators: each takes the raw value and returns the parsed one or raises ValueError

def _string(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty string, not {brief(value)}")
    return value.strip()


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {brief(value)}")
    return value


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value > 100:
        raise ValueError(f"must be a whole number from 1 to 100, not {brief(value)}")
    return value


def _window(value: Any) -> Duration:
    return parse_duration(value, units="hdw")


def _timezone(value: Any) -> tuple[dt.tzinfo, str]:
    name = _string(value)
    try:
        return ZoneInfo(name), name
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {brief(name)} (use an IANA name like Europe/Paris)") from None


def _workdays(value: Any) -> frozenset[int]:
    items = value if isinstance(value, list) else [value]
    days = set()
    for item in items:
        word = str(item).strip().lower() if isinstance(item, str) else ""
        found = [n for n, name in enumerate(WEEKDAYS) if len(word) >= 3 and name.startswith(word)]
        if len(found) != 1:
            raise ValueError(f"{brief(item)} is not a day of the week (use e.g. [mon, tue, wed, "
                             "thu, fri])")
        days.add(found[0])
    if not days:
        raise ValueError("at least one working day is needed")
    return frozenset(days)


def _holidays(value: Any) -> frozenset[dt.date]:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if not isinstance(item, dt.date) or isinstance(item, dt.datetime):
            raise ValueError(f"must be a list of dates YYYY-MM-DD, not {brief(item)}")
    return frozenset(items)


def _optional_duration(value: Any) -> Duration | None:
    if value is None or value is False or (isinstance(value, str) and value.lower() == "none"):
        return None
    return parse_duration(value, units="hdw")


# Flat table of leaf settings: dotted key -> (attribute, validator, help).
SETTINGS: dict[str, tuple[str, Callable[[Any], Any], str]] = {
    "timezone": ("timezone", _timezone, "IANA time zone for timed deadlines (default: the system's)"),
    "nudge.after": ("nudge_after", lambda v: parse_duration(v, units="dw"),
                    "wait this long after an unanswered message before a nudge (default 7d)"),
    "nudge.limit": ("nudge_limit", _positive_int,
                    "stop nudging after this many unanswered nudges (default 2)"),
    "cadence.default": ("cadence_default", parse_cadence,
                        "keep-in-touch cadence for everyone (default none)"),
    "calendar.name": ("calendar_name", _string, "the calendar's name in calendar apps"),
    "calendar.refresh": ("calendar_refresh", _window,
                         "how often calendar apps should refresh the feed (default 6h)"),
    "calendar.minimal": ("calendar_minimal", _boolean,
                         "privacy mode: initials only, no notes in the feed (default false)"),
    "calendar.alarm": ("calendar_alarm", _optional_duration,
                       "add a reminder this long before each follow-up (default none)"),
    "signature.name": ("signature_name", _string, "your name, for follow-up drafts"),
    "signature.phone": ("signature_phone", _string, "your phone number, for follow-up drafts"),
    "workdays": ("workdays", _workdays,
                 "the days follow-ups may fall on (default [mon, tue, wed, thu, fri])"),
    "holidays": ("holidays", _holidays,
                 "dates that are not working days, e.g. [2026-12-25, 2027-01-01]"),
}
SECTIONS = {"nudge", "cadence", "calendar", "signature"}


def _fail(key: str, message: str, lines: dict[tuple, int], path: str) -> ConfigError:
    # The deepest key that exists: "kinds.interview.window" for "interview: 24x"
    # is on the line of "interview", not of "kinds".
    parts = tuple(key.split("."))
    line = next((lines[parts[:n]] for n in range(len(parts), 0, -1) if parts[:n] in lines), 1)
    return ConfigError(f"{key}: {message}", path=path, line=line)


def parse_config(text: str, path: str = CONFIG_NAME) -> Config:
    """Parse and validate the text of a ``.pcrm.yaml``."""
    data, lines = load_config_yaml(text, path)
    return config_from_data(data, lines, path)


def load_config_yaml(text: str, path: str = CONFIG_NAME) -> tuple[Any, dict[tuple, int]]:
    """The YAML of a config as data, with the line of each key (not validated yet)."""
    from pcrm.core import yamlload  # noqa: PLC0415 - a cached config needs no YAML

    try:
        return yamlload.load_with_lines(text)
    except yamlload.YamlError as exc:
        raise ConfigError(exc.message, path=path, line=exc.line, col=exc.col) from None


def config_from_data(data: Any, lines: dict[tuple, int], path: str = CONFIG_NAME) -> Config:
    """Validate a config's data (see :func:`load_config_yaml`) into a :class:`Config`."""
    config = Config(path=path)
    if data is None:
        return config
    if not isinstance(data, dict):
        raise ConfigError("the config must be a mapping of keys to values", path=path, line=1)
    for top, value in data.items():
        key = str(top)
        if key in SECTIONS:
            if value is None:
                continue
            if not isinstance(value, dict):
                raise _fail(key, "must be a mapping", lines, path)
            if key == "cadence":
                _apply_cadence(config, value, lines, path)
                continue
            for sub, subvalue in value.items():
                _apply(config, f"{key}.{sub}", subvalue, lines, path)
        elif key == "kinds":
            _apply_kinds(config, value, lines, path)
        elif key == "stages":
            config.stages = _words(value, "stages", lines, path, min_count=1)
        elif key == "roles":
            _apply_roles(config, value, lines, path)
        elif key in SETTINGS:
            _apply(config, key, value, lines, path)
        else:
            known = ", ".join(sorted(SECTIONS | {"kinds", "stages", "roles"}
                                     | {k for k in SETTINGS if "." not in k}))
            raise _fail(key, f"unknown key (known keys: {known})", lines, path)
    return config


def _apply(config: Config, key: str, value: Any, lines: dict[tuple, int], path: str) -> None:
    if key not in SETTINGS:
        section = key.split(".")[0]
        known = ", ".join(k.split(".")[1] for k in SETTINGS if k.startswith(section + "."))
        raise _fail(key, f"unknown key (known in {section}: {known})", lines, path)
    attribute, validator, _help = SETTINGS[key]
    try:
        parsed = validator(value)
    except ValueError as exc:
        raise _fail(key, str(exc), lines, path) from None
    if key == "timezone":
        config.timezone, config.timezone_name = parsed
    else:
        setattr(config, attribute, parsed)


def _apply_cadence(config: Config, value: dict, lines: dict[tuple, int], path: str) -> None:
    for sub, subvalue in value.items():
        if sub == "default":
            _apply(config, "cadence.default", subvalue, lines, path)
        elif sub == "tags":
            if not isinstance(subvalue, dict):
                raise _fail("cadence.tags", "must map tags to cadences, e.g. recruiter: 60d",
                            lines, path)
            for tag, cadence in subvalue.items():
                try:
                    config.cadence_tags[str(tag)] = parse_cadence(cadence)
                except ValueError as exc:
                    raise _fail(f"cadence.tags.{tag}", str(exc), lines, path) from None
        else:
            raise _fail(f"cadence.{sub}", "unknown key (known in cadence: default, tags)",
                        lines, path)


def _apply_kinds(config: Config, value: Any, lines: dict[tuple, int], path: str) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        raise _fail("kinds", "must map kind names to a window or {class, window}", lines, path)
    for name, spec in value.items():
        key = f"kinds.{name}"
        # Headings are matched case-insensitively (parse lower-cases the kind).
        name = str(name).lower()
        if not re.fullmatch(r"[^\W\d_][\w-]*", name):
            raise _fail(key, "a kind is one word (letters, digits, - or _)", lines, path)
        if isinstance(spec, (str, int)) and not isinstance(spec, bool):
            spec = {"window": spec}
        if not isinstance(spec, dict):
            raise _fail(key, "must be a window like 24h or a mapping {class, window}", lines, path)
        unknown = set(map(str, spec)) - KIND_KEYS
        if unknown:
            raise _fail(f"{key}.{sorted(unknown)[0]}",
                        f"unknown key (use {', '.join(sorted(KIND_KEYS))})", lines, path)
        try:
            config.kinds[name] = kind_from_spec(name, spec, config.kinds.get(name))
        except KindError as exc:
            raise _fail(f"{key}{exc.where}", exc.message, lines, path) from None


def _words(value: Any, key: str, lines: dict[tuple, int], path: str, *,
           min_count: int = 0) -> tuple[str, ...]:
    """A list of distinct one-word entries, lower-cased (stages, role words)."""
    if not isinstance(value, list) or len(value) < min_count:
        raise _fail(key, "must be a list of words, e.g. [applied, screen, onsite]", lines, path)
    words: list[str] = []
    for item in value:
        word = str(item).strip().lower() if isinstance(item, (str, int)) \
            and not isinstance(item, bool) else ""
        if not re.fullmatch(r"[^\W_][\w-]*", word):
            raise _fail(key, f"{brief(item)} is not one word (letters, digits, - or _)", lines, path)
        if word in words:
            raise _fail(key, f"'{word}' is listed twice", lines, path)
        words.append(word)
    return tuple(words)


def _apply_roles(config: Config, value: Any, lines: dict[tuple, int], path: str) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        raise _fail("roles", "must map a group (engineer, manager, recruiter) to a list of "
                             "words, e.g. engineer: [ios, android]", lines, path)
    for group, words in value.items():
        key = f"roles.{group}"
        if group not in ROLE_GROUPS:
            raise _fail(key, f"unknown group (known: {', '.join(ROLE_GROUPS)})", lines, path)
        config.role_words[group] = _words(words, key, lines, path)


DEFAULT_CONFIG_TEXT = """\
# pcrm vault config. Every key is optional; see the README for all of them.
# timezone: Europe/Paris          # default: the system's time zone
# kinds:                          # thank-you windows, and your own kinds
#   interview: {window: 24h, check_in: 7d}
#   event: {window: 48h, answered_by: [message, connect]}
#   demo: {class: meeting, window: 24h}
#   text: {class: outbound, channel: message}
# workdays: [mon, tue, wed, thu, fri]   # follow-ups due on a day off move to the next
# holidays: [2026-12-25, 2027-01-01]
# nudge:
#   after: 7d                     # nudge an unanswered message after 7 days
#   limit: 2                      # ...at most twice, then let it go
# cadence:
#   default: none                 # keep-in-touch for everyone (e.g. 90d)
#   tags:
#     mentor: 30d
# calendar:
#   name: pcrm follow-ups
#   refresh: 6h
#   minimal: false                # true: initials only, no notes in the feed
# signature:
#   name: Your Name
#   phone: "+1 555 0100"
# stages: [applied, screen, onsite, offer, accepted, rejected, withdrawn]
# roles:                          # extra words in `role:` for pcrm companies
#   engineer: [ios, android]
#   recruiter: [recruiting]
"""
