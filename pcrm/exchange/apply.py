"""Writing an import: new contact files, front-matter edits, and one Git commit.

New files are written through python-frontmatter; existing files get the
line edits the plan computed, and only if they still hold the bytes the plan
read (an editor saving meanwhile wins; that row is reported, not lost). In a
Git vault everything goes into one commit (``import: LinkedIn, 45 new, 3
changed``), so ``git revert`` undoes the whole import.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pcrm.core.config import Config
from pcrm.core.errors import ConflictError, RefusedEdit
from pcrm.core.newfile import ordered_fields, slugify
from pcrm.core.parse import parse_contact
from pcrm.exchange.plan import Plan, Row
from pcrm.exchange.record import Incoming
from pcrm.store.files import write_atomic, write_new_file
from pcrm.store.locks import locked


@dataclass
class Applied:
    """What an applied import wrote."""

    source: str
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    commit: str | None = None

    def message(self) -> str:
        """The commit message: ``import: LinkedIn, 45 new, 3 changed``."""
        return f"import: {self.source}, {len(self.created)} new, {len(self.changed)} changed"

    def summary(self) -> str:
        """One line for the terminal."""
        text = f"Wrote {len(self.created)} new and {len(self.changed)} changed contact files."
        if self.commit:
            text += f" Committed {self.commit[:10]} ({self.message()}); undo: git revert " \
                    f"{self.commit[:10]}"
        return text


def contact_file(root: Path, person: Incoming, today: dt.date) -> str:
    """The text of a new contact file for *person*: the vault's template when it has
    one (as ``pcrm new`` writes it), the imported notes below."""
    from pcrm.actions.new import contact_text

    fields = ordered_fields({
        "name": person.name, "company": person.company, "role": person.role,
        "email": (person.emails[0] if len(person.emails) == 1 else person.emails) or None,
        "phone": person.phones[0] if person.phones else None, "linkedin": person.linkedin,
        "tags": person.tags or None, "connected": person.connected})
    text = contact_text(root, {k: v for k, v in fields.items() if v}, today)
    if person.notes:
        nl = "\r\n" if "\r\n" in text else "\n"
        text = text.rstrip("\r\n") + nl + nl + person.notes.replace("\n", nl) + nl
    return text


def apply_plan(plan: Plan, root: Path, config: Config, today: dt.date, *,
               progress: Callable[[int], None] | None = None) -> Applied:
    """Write *plan*'s new and update rows; commit them in a Git vault."""
    from pcrm.git.bulk import commit_many, in_repository
    from pcrm.git.repo import check_can_commit

    done = Applied(plan.source)
    git = in_repository(root)
    if git:
        check_can_commit(root)
    # Every new file is made and checked before the first one is written.
    texts = {id(row): _new_text(row, root, config, today) for row in plan.rows
             if row.action == "new"}
    updates = [row.path for row in plan.rows if row.action == "update" and row.path]
    # The edit lock (as pcrm log holds it) covers the writes; a file changed
    # since the plan read it is refused by the write itself.
    with locked(root, updates):
        _write(plan, root, texts, done, progress)
    if git and (done.created or done.changed):
        done.commit = commit_many(root, done.created + done.changed, done.message())
    return done


def _write(plan: Plan, root: Path, texts: dict[int, bytes], done: Applied,
           progress: Callable[[int], None] | None) -> None:
    try:
        for row in plan.rows:
            if row.action == "new":
                assert row.person is not None
                target = write_new_file(root / "contacts", slugify(row.person.name),
                                        texts[id(row)], limit=10000, durable=False)
                row.contact = target.stem
                done.created.append(f"contacts/{target.name}")
            elif row.action == "update":
                if _update(row, root):
                    done.changed.append(row.path or "")
            else:
                continue
            if progress:
                progress(1)
    finally:
        if done.created or done.changed:
            os.sync()  # files are written without one fsync each (30,000 of them)


def _new_text(row: Row, root: Path, config: Config, today: dt.date) -> bytes:
    assert row.person is not None
    text = contact_file(root, row.person, today).encode("utf-8")
    parsed = parse_contact("contacts/new.md", text, config)
    if parsed.contact is None or not parsed.ok:
        why = next((d.message for d in parsed.diagnostics if d.is_error), "it would not parse")
        raise RefusedEdit(f"line {row.line}: the new contact for {row.name!r} would not be "
                          f"valid ({why}); nothing was written")
    return text


def _update(row: Row, root: Path) -> bool:
    """Write an update row's edit; a file changed meanwhile turns the row into a skip."""
    assert row.path is not None and row.new is not None
    try:
        write_atomic(root / row.path, row.new, expected=row.old, durable=False)
    except ConflictError as exc:
        row.action, row.reason = "skipped", f"{exc}"
        return False
    return True
