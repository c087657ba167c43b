"""Reading a contact's front-matter fields, one field group at a time.

Each reader takes the loaded front-matter and the :class:`~pcrm.core.model.Contact`
being built, sets what is usable on the contact and reports every problem
through a :data:`Report` callback that names the key's line. Like
:mod:`pcrm.core.parse`, nothing here raises for bad input or reads the clock.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable

from pcrm.core.yamlscalars import MAX_DEPTH
from pcrm.core.model import STATUSES, Contact, Diagnostic
from pcrm.core.safetext import CONTROL, brief, has_control
from pcrm.core.timeutil import parse_cadence

# (key, message, severity): one problem with the value of a front-matter key.
Report = Callable[..., None]

_BIRTHDAY = re.compile(r"^--(\d{2})-(\d{2})$")
_SPACE = re.compile(r"\s")  # what str.isspace() calls white space, as re's \s does


def looks_like_email(value: str) -> bool:
    """``local@domain.tld`` with no space and one ``@``: string methods, linear time.

    (The pattern this replaces, ``[^@\\s]+@[^@\\s]+\\.[^@\\s]+``, took seconds
    on an address of many dots.)
    """
    local, at, domain = value.partition("@")
    if not at or not local or "@" in domain or _SPACE.search(value):
        return False
    return "." in domain[1:-1]


def read_name(path: str, data: dict, key_lines: dict[str, int], report: Report,
              diags: list[Diagnostic]) -> str | None:
    """The contact's name, or None (with an error) if it is missing, empty or not text."""
    name = data.get("name")
    if isinstance(name, str) and name.strip():
        return name
    if name is None or (isinstance(name, str) and not name.strip()):
        msg = "'name:' is required and must not be empty" if "name" in data else \
            "'name:' is required"
        diags.append(Diagnostic(path, key_lines.get("name", 1), 1, "error", msg))
    else:
        report("name", f"must be text, not {brief(name)}; quote it")
    return None


def read_identity(data: dict, contact: Contact, report: Report) -> None:
    """``company`` and ``role``: plain text."""
    for key in ("company", "role"):
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, (dict, list)) or isinstance(value, bool):
            report(key, f"must be text, not {brief(value)}")
        else:
            setattr(contact, key, str(value).strip() or None)


def read_reach(data: dict, contact: Contact, report: Report) -> None:
    """How to reach the contact: email, phone, links, and the tags."""
    _read_emails(data.get("email"), contact, report)
    _read_phone(data.get("phone"), contact, report)
    _read_links(data, contact, report)
    _read_tags(data.get("tags"), contact, report)


def _read_emails(emails: Any, contact: Contact, report: Report) -> None:
    if emails is None:
        return
    values = emails if isinstance(emails, list) else [emails]
    for value in values:
        if not isinstance(value, str):
            report("email", f"must be an address or a list of addresses, not {brief(value)}")
        elif not value.strip():
            continue  # an empty placeholder (a template's `email: ""`)
        elif not looks_like_email(value.strip()):
            report("email", f"{brief(value)} does not look like an email address", "warning")
            contact.emails.append(value.strip())
        else:
            contact.emails.append(value.strip())


def _read_phone(phone: Any, contact: Contact, report: Report) -> None:
    if phone is None:
        return
    if isinstance(phone, (int, float)) and not isinstance(phone, bool):
        report("phone", f"YAML read {brief(phone)} as a number; quote it: "
                        f"phone: \"{phone}\"")
    elif not isinstance(phone, str):
        report("phone", f"must be text in quotes, not {brief(phone)}")
    else:
        contact.phone = phone


def _read_links(data: dict, contact: Contact, report: Report) -> None:
    for key in ("linkedin", "website", "github"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            report(key, f"must be a URL, not {brief(value)}")
        elif key == "linkedin":
            contact.linkedin = value.strip() or None


def _read_tags(tags: Any, contact: Contact, report: Report) -> None:
    if tags is None:
        return
    values = tags if isinstance(tags, list) else [tags]
    for value in values:
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            contact.tags.append(str(value).strip())
        else:
            report("tags", f"must be a list of words, not {brief(value)}")


def read_schedule(data: dict, contact: Contact, report: Report) -> None:
    """When to get in touch: cadence, the dates, status and birthday."""
    if "cadence" in data:
        contact.cadence_set = True
        try:
            contact.cadence = parse_cadence(data["cadence"])
        except ValueError as exc:
            report("cadence", str(exc))
            contact.cadence_set = False

    for key in ("follow_up", "snooze", "connected"):
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            setattr(contact, key, value)
        else:
            report(key, f"must be a date YYYY-MM-DD, not {brief(value)}")

    status = data.get("status", "active")
    if status not in STATUSES:
        report("status", f"must be active, paused or archived, not {brief(status)}")
    else:
        contact.status = status

    if data.get("birthday") is not None:
        contact.birthday = _birthday(data["birthday"])
        if contact.birthday is None:
            report("birthday", f"must be YYYY-MM-DD or --MM-DD, not {brief(data['birthday'])}")


def _birthday(value: Any) -> tuple[int | None, int, int] | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return (value.year, value.month, value.day)
    if isinstance(value, str):
        match = _BIRTHDAY.match(value.strip())
        if match:
            month, day = int(match.group(1)), int(match.group(2))
            try:
                dt.date(2000, month, day)  # a leap year: --02-29 is allowed
            except ValueError:
                return None
            return (None, month, day)
    return None


def _has_control(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return has_control(value)
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return any(_has_control(k, depth + 1) or _has_control(v, depth + 1)
                   for k, v in value.items())
    if isinstance(value, list):
        return any(_has_control(item, depth + 1) for item in value)
    return False


def warn_control(path: str, data: dict, key_lines: dict[str, int], body: str,
                 body_start: int, diags: list[Diagnostic], *, values: bool = True) -> None:
    """Warn about control characters (terminal escape sequences) in values and notes.

    *values*: False when the front-matter's text holds no control character
    and no backslash (an escape), so no key or value can hold one."""
    why = "pcrm shows them as symbols (ESC as \u241b); remove them"
    for key, value in data.items() if values else ():
        if _has_control(key) or _has_control(value):
            diags.append(Diagnostic(path, key_lines.get(str(key), 2), 1, "warning",
                                    f"{brief(key)[1:-1]}: control characters in the value; "
                                    f"{why}"))
    found = CONTROL.search(body)
    if found:
        line = body_start + body.count("\n", 0, found.start()) + 1
        col = found.start() - (body.rfind("\n", 0, found.start()) + 1) + 1
        diags.append(Diagnostic(path, line, col, "warning",
                                f"control character U+{ord(found.group(0)):04X} in the notes; "
                                f"{why}"))
