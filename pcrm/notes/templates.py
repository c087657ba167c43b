"""Note templates: the vault's ``templates/RULE.md`` or a built-in one, and their placeholders.

A template is Markdown with a front-matter ``subject:`` (read with
python-frontmatter's safe YAML loader) and a body. Placeholders are
``{name}``-style words looked up in one fixed dictionary of strings: there is
no expression, attribute, index or format spec, so a template from a cloned
vault can never run code or reach into pcrm's objects. ``{{`` and ``}}`` are
literal braces. Anything else between braces is an error naming the file and
line.

Lookup order for rule R after a meeting of kind K: ``templates/R-K.md``,
``templates/R.md``, the built-in ``R-K``, the built-in ``R``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pcrm.core.errors import PcrmError
from pcrm.notes.builtin import BUILTIN

PLACEHOLDERS = {
    "first_name": "the person's first name",
    "name": "the person's full name",
    "company": "their company, by name",
    "role": "their role",
    "email": "their (first) email address",
    "kind": "the interaction's kind (interview, event, email...)",
    "title": "the interaction's title (its kind when it has none)",
    "date": "the interaction's date, as 'November 20'",
    "weekday": "the interaction's day of the week, as 'Friday'",
    "points": "the points from the interaction's notes, one '- point' line each",
    "topic": "the first of those points",
    "my_name": "your name (signature.name in .pcrm.yaml)",
    "my_phone": "your phone number (signature.phone in .pcrm.yaml)",
}

_BRACES = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")


class TemplateError(PcrmError):
    """A note template cannot be used (bad front-matter, unknown placeholder)."""

    exit_code = 2


@dataclass(frozen=True)
class Template:
    """A template's parts, and where they come from (for error messages)."""

    source: str  # "templates/thank-you.md" or "built-in thank-you-event"
    subject: str
    body: str
    subject_line: int = 1  # the file line of the subject
    body_line: int = 1  # the file line of the body's first line

    def fill(self, values: dict[str, str]) -> tuple[str, str]:
        """The subject and body with every placeholder replaced by its value."""
        subject = fill(self.subject, values, self.source, self.subject_line)
        body = fill(self.body, values, self.source, self.body_line)
        return " ".join(subject.split()), body


def fill(text: str, values: dict[str, str], source: str, first_line: int = 1) -> str:
    """Replace each ``{name}`` of *text* by ``values[name]`` in one pass (values are not rescanned)."""
    def one(match: re.Match[str]) -> str:
        token = match.group()
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1)
        if name in values:
            return values[name]
        line = first_line + text.count("\n", 0, match.start())
        known = ", ".join("{" + key + "}" for key in PLACEHOLDERS)
        raise TemplateError(f"unknown placeholder {token} (known: {known}; "
                            "write {{ and }} for literal braces)", path=source, line=line)

    return _BRACES.sub(one, text)


def find_template(root: Path | None, rule: str, kind: str | None, *,
                  group: bool = False) -> Template:
    """The template for *rule* after an interaction of *kind*: the vault's, else built-in.

    *group*: the meeting was a group event (its thank-you may be a connection
    request), which has a built-in template of its own whatever the kind's name.
    """
    names = [f"{rule}-{kind}", rule] if kind else [rule]
    builtin = names[:-1] + ([f"{rule}-event"] if group else []) + names[-1:]
    if root is not None:
        for name in names:
            file = root / "templates" / f"{name}.md"
            if file.is_file():
                return load_template(file, f"templates/{name}.md", fallback=_builtin(builtin))
    return _builtin(builtin)


def _builtin(names: list[str]) -> Template:
    for name in names:
        if name in BUILTIN:
            subject, body = BUILTIN[name]
            return Template(f"built-in {name}", subject, body)
    raise TemplateError(f"no template for {names[-1]}")


def load_template(file: Path, source: str, fallback: Template | None = None) -> Template:
    """Read a template file; without a ``subject:`` the *fallback*'s subject is used."""
    import frontmatter
    import yaml

    try:
        text = file.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"cannot read the template ({exc})", path=source) from None
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1  # its text starts on the --- line
        raise TemplateError(f"bad front-matter: {getattr(exc, 'problem', exc)}",
                            path=source, line=line) from None
    subject = post.metadata.get("subject")
    subject_line = next((n for n, line in enumerate(text.split("\n"), start=1)
                         if line.startswith("subject:")), 1)
    if subject is None:
        if fallback is None:
            raise TemplateError("no subject: in the front-matter", path=source)
        subject, subject_line = fallback.subject, 1
    elif not isinstance(subject, str):
        raise TemplateError("subject: must be text (quote it if it starts with '{')",
                            path=source, line=subject_line)
    body = post.content
    # The body is the file's tail: its first line is where that tail starts.
    body_line = text.count("\n", 0, text.rfind(body)) + 1 if body else 1
    if not body.strip():
        raise TemplateError("the template has no body", path=source)
    return Template(source, subject, body + "\n", subject_line, body_line)
