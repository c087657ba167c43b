"""``new_contact``: create a contact file from a name and fields, never overwriting one.

The file's text comes from :func:`pcrm.core.newfile.render_new_file`, or from
the vault's template ``templates/contact.md`` when there is one; either way it
must read back as this person before it is written.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from pcrm.actions import commit as committing
from pcrm.core.config import Config
from pcrm.core.edit import set_front_matter_key
from pcrm.core.errors import RefusedEdit, UsageError
from pcrm.core.newfile import (ALWAYS_QUOTED, ordered_fields, render_new_file, slugify,
                               yaml_value)
from pcrm.core.parse import parse_contact
from pcrm.core.timeutil import parse_cadence
from pcrm.store.files import write_new_file

TEMPLATE = "templates/contact.md"


@dataclass(frozen=True)
class Created:
    """A file an action created: its vault-relative path, and the commit if one was made."""

    path: str
    commit: str | None = None


def contact_fields(name: str, *, company: str | None = None, role: str | None = None,
                   emails: Sequence[str] = (), phone: str | None = None,
                   linkedin: str | None = None, tags: Sequence[str] = (),
                   cadence: str | None = None) -> dict[str, Any]:
    """The front-matter of a new contact, checked: UsageError for a bad name or cadence."""
    if not name.strip() or "\n" in name:
        raise UsageError("NAME must be a non-empty single line")
    if cadence is not None:
        try:
            parse_cadence(cadence)
        except ValueError as exc:
            raise UsageError(f"--cadence: {exc}") from None
    fields: dict[str, Any] = {"name": name.strip()}
    for key, value in (("company", company), ("role", role), ("phone", phone),
                       ("linkedin", linkedin), ("cadence", cadence)):
        if value:
            fields[key] = value
    if emails:
        fields["email"] = emails[0] if len(emails) == 1 else list(emails)
    if tags:
        fields["tags"] = list(tags)
    return ordered_fields(fields)


def contact_text(root: Path, fields: dict[str, Any], today: dt.date) -> str:
    """The new file's text: the vault's template filled in, else the default layout."""
    name = fields["name"]
    template = root / TEMPLATE
    if not template.is_file():
        return render_new_file(fields, f"# {name}\n\n")
    try:
        text = template.read_bytes().decode("utf-8-sig")  # keeps CRLF, drops a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{TEMPLATE}: cannot read the template ({exc})") from None
    # One pass, before the values go in: a name with "{role}" in it stays as typed.
    values = {"name": name, "company": fields.get("company", ""),
              "role": fields.get("role", ""), "date": today.isoformat()}
    text = re.sub(r"\{(name|company|role|date)\}", lambda m: values[m.group(1)], text)
    if not text.startswith("---"):
        nl = "\r\n" if "\r\n" in text else "\n"
        return render_new_file(fields, "").replace("\n", nl) + text
    # The template's own front-matter: each given field replaces its key's
    # line (or is added), quoted for YAML; no option is silently dropped.
    raw = text.encode("utf-8")
    for key, value in fields.items():
        raw = set_front_matter_key(raw, key, yaml_value(value, quoted=key in ALWAYS_QUOTED),
                                   TEMPLATE)
    return raw.decode("utf-8")


def _refuse_unless_it_reads_back(text: str, name: str, config: Config, templated: bool) -> None:
    """Never write a contact that would not read back as this person."""
    parsed = parse_contact("contacts/new.md", text.encode("utf-8"), config)
    errors = [d for d in parsed.diagnostics if d.is_error]
    if parsed.contact is None or errors or parsed.contact.name != name:
        why = errors[0].message if errors else "the name would not read back"
        where = f"{TEMPLATE}: " if templated else ""
        raise RefusedEdit(f"{where}the new contact file would not be valid ({why}); "
                          "nothing was written")


def new_contact(root: Path, config: Config, today: dt.date, name: str, *,
                company: str | None = None, role: str | None = None,
                emails: Sequence[str] = (), phone: str | None = None,
                linkedin: str | None = None, tags: Sequence[str] = (),
                cadence: str | None = None, commit: bool = False) -> Created:
    """Create ``contacts/<name-as-ascii>.md`` (``-2``, ``-3``... for namesakes).

    Raises :class:`~pcrm.core.errors.UsageError` for a bad name or cadence,
    :class:`~pcrm.core.errors.RefusedEdit` when the file would not read back
    as this person, and, with *commit*, :class:`~pcrm.core.errors.GitError`
    before writing when Git cannot commit.
    """
    fields = contact_fields(name, company=company, role=role, emails=emails, phone=phone,
                            linkedin=linkedin, tags=tags, cadence=cadence)
    text = contact_text(root, fields, today)
    _refuse_unless_it_reads_back(text, fields["name"], config, (root / TEMPLATE).is_file())
    committing.prepare(root, commit)
    target = write_new_file(root / "contacts", slugify(name), text.encode("utf-8"))
    rel = target.relative_to(root).as_posix()
    made = None
    if commit:
        made = committing.commit_written(root, [rel], f"new: {fields['name']}")
    return Created(rel, made)
