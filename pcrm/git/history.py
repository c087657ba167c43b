"""A contact's story from Git: created when, which interactions each commit logged,
and how the front-matter changed (``company: Globex -> Acme``: a new job is a
reason to congratulate).

One git process per command: ``git log --follow -p`` with whole-file context
(see :func:`log_follow_patch`), so each commit's hunk holds both the
old and the new version of the file; both are parsed with pcrm's own parser,
and the two are compared. No click here.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pcrm.git import repo as git
from pcrm.core.config import Config
from pcrm.core.model import Contact, Interaction
from pcrm.core.errors import GitError
from pcrm.core.parse import parse_contact


LOG_MARK = "\x1e"  # starts a commit header line; a patch line never starts with it


def log_follow_patch(root: Path, path: str) -> str:
    """One ``git log --follow -p`` of *path* with whole-file context, as text.

    Each commit starts with a line ``\\x1e<id>\\x1f<author date>\\x1f<author>\\x1f<subject>``;
    the huge ``-U`` makes every hunk hold the whole file, so both versions of
    the file can be rebuilt from the patch without one git process per commit.
    """
    fmt = f"{LOG_MARK}%H%x1f%aI%x1f%an%x1f%s"
    # The -c settings undo user config that would change the patch's shape.
    done = git.run(root, ["-c", "core.quotepath=off", "-c", "diff.suppressBlankEmpty=false",
                      "-c", "diff.noprefix=false", "log", "--follow", "-p", "--text",
                      "-U100000000", "--no-color", "--no-ext-diff", "--no-textconv",
                      "--no-show-signature", "--relative", "--src-prefix=a/",
                      "--dst-prefix=b/", "-M", f"--format={fmt}", "--", path], check=False)
    if done.returncode != 0:
        # Only now find out why, so that the usual case stays one process.
        git.repo_prefix(root)  # not a repository: a clear error
        if not git.has_commits(root):
            return ""
        raise GitError(f"git log failed: {git.first_line(done)}")
    return done.stdout.decode("utf-8", "replace")



@dataclass
class Change:
    """One front-matter key that changed in a commit (``None``: absent)."""

    key: str
    old: Any
    new: Any


@dataclass
class Step:
    """One commit that touched the contact's file."""

    commit: str
    when: dt.datetime  # author date, in the author's time zone
    author: str
    subject: str
    path: str  # the file's path (from the repository top) after this commit
    created: bool = False
    deleted: bool = False
    renamed_from: str | None = None
    added: list[Interaction] = field(default_factory=list)
    removed: list[Interaction] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def date(self) -> dt.date:
        return self.when.date()


@dataclass
class History:
    """The contact's commits, oldest first."""

    contact: Contact
    steps: list[Step]

    @property
    def created(self) -> Step | None:
        return next((s for s in self.steps if s.created), None)


def contact_history(root: Path, contact: Contact, config: Config) -> History:
    """The history of *contact*'s file in the vault's repository (oldest first).

    Raises :class:`~pcrm.errors.GitError` when the vault is not in a Git repository.
    """
    patch = log_follow_patch(root, contact.path)
    # A commit header is a line starting with LOG_MARK; a patch line never
    # does (it starts with ' ', '+', '-', '@', a word or a backslash).
    chunks = ("\n" + patch).split("\n" + LOG_MARK)[1:]
    # In a straight history a commit's old version is the previous commit's
    # new one: parse each distinct text once.
    memo: dict[str, Contact | None] = {}
    parsed = [_step(chunk, contact.path, config, memo) for chunk in chunks]
    parsed.reverse()
    steps = []
    last: Contact | None = None  # the latest version that parsed
    for step, old, new in parsed:
        steps.append(step)
        # A version that did not parse says nothing about interactions or keys:
        # compare with the last version that did, rather than report everything
        # as removed, then added again.
        before = _EMPTY if step.created else (old or last)
        after = _EMPTY if step.deleted else new
        if before is not None and after is not None:
            step.added = _extra(after.interactions, before.interactions)
            step.removed = _extra(before.interactions, after.interactions)
            if not (step.created or step.deleted):
                step.changes = _compare(before.meta, after.meta)
        if new is not None:
            last = new
    return History(contact, steps)


# The version before a file's creation: no interactions, no keys.
_EMPTY = Contact(id="", path="", name="", meta={})


def _step(chunk: str, path: str, config: Config, memo: dict[str, Contact | None]
          ) -> tuple[Step, Contact | None, Contact | None]:
    """One commit's header and patch: the step, and the versions before and after.

    A version is ``None`` when the patch has no hunk (a pure rename) or when
    it does not parse as a contact.
    """
    header, _newline, body = chunk.partition("\n")
    commit, when, author, subject = header.split("\x1f", 3)
    step = Step(commit=commit, when=dt.datetime.fromisoformat(when), author=author,
                subject=subject, path=path)
    old_lines: list[str] = []
    new_lines: list[str] = []
    in_hunk = False
    for line in body.split("\n"):
        if line.startswith("diff --git "):
            in_hunk = False
        elif not in_hunk:
            if line.startswith("new file mode"):
                step.created = True
            elif line.startswith("deleted file mode"):
                step.deleted = True
            elif line.startswith("rename from "):
                step.renamed_from = line[len("rename from "):]
            elif line.startswith("+++ b/"):
                step.path = line[len("+++ b/"):]
            elif line.startswith("@@"):
                in_hunk = True
        elif line[:1] == " ":
            old_lines.append(line[1:])
            new_lines.append(line[1:])
        elif line[:1] == "-":
            old_lines.append(line[1:])
        elif line[:1] == "+":
            new_lines.append(line[1:])
        # "@@" of a later hunk (there is none with whole-file context), "\ No
        # newline at end of file" and the blank line git ends with: nothing to keep
    if not (old_lines or new_lines):
        return step, None, None
    old = None if step.created else _version(path, old_lines, config, memo)
    new = None if step.deleted else _version(path, new_lines, config, memo)
    return step, old, new


def _version(path: str, lines: list[str], config: Config,
             memo: dict[str, Contact | None]) -> Contact | None:
    """One version of the file, parsed in full; None if it is not a usable contact."""
    text = "\n".join(lines)
    if text not in memo:
        contact = parse_contact(path, text.encode(), config).contact
        memo[text] = contact if isinstance(contact, Contact) else None
    return memo[text]


def _key(interaction: Interaction) -> tuple[Any, ...]:
    return (interaction.date, interaction.time, interaction.kind, interaction.title,
            interaction.expect)


def _extra(mine: list[Interaction], others: list[Interaction]) -> list[Interaction]:
    """The interactions of *mine* that *others* does not have (as a multiset: a second
    identical heading counts), in file order. Notes edits are not interaction changes."""
    left = Counter(_key(i) for i in mine) - Counter(_key(i) for i in others)
    found = []
    for interaction in mine:
        if left[_key(interaction)] > 0:
            left[_key(interaction)] -= 1
            found.append(interaction)
    return found


def _compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes = []
    for key in list(old) + [k for k in new if k not in old]:
        before, after = old.get(key), new.get(key)
        if before != after:
            changes.append(Change(str(key), before, after))
    return changes


def value_text(value: Any) -> str:
    """A front-matter value for display: ``Acme``, ``[a, b]``, ``(none)``."""
    if value is None:
        return "(none)"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def interaction_dict(interaction: Interaction) -> dict[str, Any]:
    """An interaction for ``--json``."""
    return {"date": interaction.date.isoformat(),
            "time": interaction.time.strftime("%H:%M") if interaction.time else None,
            "kind": interaction.kind, "title": interaction.title,
            "expect": interaction.expect.isoformat() if interaction.expect else None}


def as_dict(history: History) -> dict[str, Any]:
    """The ``pcrm history --json`` document (a stable contract; see docs/git.md)."""
    contact = history.contact
    created = history.created
    return {
        "contact": contact.id, "name": contact.name, "path": contact.path,
        "created": created.date.isoformat() if created else None,
        "commits": [{
            "commit": s.commit, "date": s.date.isoformat(), "time": s.when.isoformat(),
            "author": s.author, "subject": s.subject, "path": s.path,
            "created": s.created, "renamed_from": s.renamed_from,
            "interactions": [interaction_dict(i) for i in s.added],
            "removed_interactions": [interaction_dict(i) for i in s.removed],
            "changes": [{"key": c.key, "old": _json_value(c.old), "new": _json_value(c.new)}
                        for c in s.changes],
        } for s in history.steps],
    }
