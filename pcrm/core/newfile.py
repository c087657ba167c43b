"""Writing the text of a NEW vault file: front-matter and body, through python-frontmatter.

:func:`render_new_file` is the one writer of files pcrm creates (``pcrm new``,
imports, event notes). It is for new files only: an existing file is never
re-serialized (that would lose the user's comments, order and quoting); edits
go through the byte-level functions of :mod:`pcrm.core.edit`.

What it guarantees, checked value by value with pcrm's own strict loader
(:mod:`pcrm.core.yamlload`), so that the file reads back exactly as given:

- one ``key: value`` line per key, in pcrm's order (:data:`KEY_ORDER`, then the
  other keys as given), so that ``pcrm snooze`` and friends can edit one line;
- lists in flow style on their line (``tags: [a, b c]``);
- a value PyYAML would write plain but the strict loader would read as
  something else (``1e3``, a Unicode line break...) is double-quoted; a value
  PyYAML quotes out of YAML 1.1 habit (``NO``, ``0123456``) stays quoted, which
  reads back the same;
- phone numbers are always quoted (``phone: "+1 555 0101"``), as the README
  asks people to write them.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from frontmatter import Post, dumps
from frontmatter.default_handlers import YAMLHandler

from pcrm.core import yamlload

KEY_ORDER = ("name", "company", "role", "email", "phone", "linkedin", "website", "github",
             "connected", "tags", "cadence", "follow_up", "snooze", "status", "birthday")
ALWAYS_QUOTED = frozenset({"phone"})
# Unicode line breaks (NEL, U+2028/9) written raw would fold the line: escape them.
_BREAKS = "\x85\u2028\u2029"


def slugify(name: str) -> str:
    """``Zoë O'Brien-Łukasz`` -> ``zoe-obrien-lukasz`` (ASCII, for file names)."""
    from text_unidecode import unidecode

    text = unidecode(name).lower()
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:60].strip("-") or "contact"


def yaml_value(value: Any, *, quoted: bool = False) -> str:
    """One YAML value on one line that the strict loader reads back as *value*.

    ``'Dr: Who'``, ``plain``, ``[a, b]``, ``2026-11-22``; with *quoted*, a text
    value is double-quoted whatever it looks like.
    """
    if isinstance(value, tuple):
        value = list(value)
    fast = _plain(value, quoted)
    if fast is not None:
        return fast
    if quoted and isinstance(value, str):
        return _dump(value, style='"')
    text = _dump(value)
    if not _reads_back(text, value):
        text = _dump(value, style='"')
    return text


# Text that YAML reads as that same text when written bare: starts with a letter,
# no ": " or " #", ends with a word character, and is no YAML 1.1 keyword. Such
# values (most names, companies, emails, URLs) skip PyYAML's emitter, which an
# import of 30,000 people would otherwise call 200,000 times.
_PLAIN = re.compile(r"[^\W\d_](?:[\w ,.'&()/+@:?=%~-]*[\w./)])?\Z")
_FLOW_ITEM = re.compile(r"[^\W\d_](?:[\w .'&/+@=%~-]*[\w./])?\Z")  # no ':' in flow
_QUOTABLE = re.compile(r"[ -!#-\[\]-~]*\Z")  # printable ASCII but " and \\
_KEYWORDS = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off", "null"})


def _plain(value: Any, quoted: bool) -> str | None:
    """*value* written without PyYAML when that is safe; None otherwise."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        if quoted:
            return f'"{value}"' if _QUOTABLE.match(value) else None
        if _PLAIN.match(value) and ": " not in value and " #" not in value \
                and value.lower() not in _KEYWORDS:
            return value
        return None
    if isinstance(value, list) and value and not quoted and all(
            isinstance(item, str) and _FLOW_ITEM.match(item) and ": " not in item
            and " #" not in item and item.lower() not in _KEYWORDS for item in value):
        return "[" + ", ".join(value) + "]"
    return None


def _dump(value: Any, style: str | None = None) -> str:
    flat = " ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = yaml.safe_dump(value, allow_unicode=not any(ch in flat for ch in _BREAKS),
                          width=100000, default_flow_style=True, default_style=style)
    return text.removesuffix("\n...\n").strip()


def _reads_back(text: str, value: Any) -> bool:
    try:
        loaded = yamlload.load(f"k: {text}\n")
    except yamlload.YamlError:
        return False
    got = loaded.get("k") if isinstance(loaded, dict) else None
    return type(got) is type(value) and got == value


def ordered_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """*fields* in pcrm's key order (:data:`KEY_ORDER`), unknown keys after, as given."""
    known = [key for key in KEY_ORDER if key in fields]
    return {key: fields[key] for key in known + [k for k in fields if k not in KEY_ORDER]}


def front_matter_line(key: str, value: Any) -> str:
    """``key: value`` (no newline), the value as :func:`yaml_value` writes it."""
    return f"{key}: {yaml_value(value, quoted=key in ALWAYS_QUOTED)}"


class PcrmYamlHandler(YAMLHandler):
    """python-frontmatter's YAML handler, writing pcrm's line-per-key front-matter.

    The layout is pcrm's: ``---``, the keys, ``---``, then the body as given
    (python-frontmatter's default adds a blank line and strips the body).
    """

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        return "\n".join(front_matter_line(key, value)
                         for key, value in ordered_fields(dict(metadata)).items())

    def format(self, post: Post, **kwargs: object) -> str:
        return f"---\n{self.export(post.metadata)}\n---\n{post.content}"


def render_new_file(fields: dict[str, Any], body: str) -> str:
    """The full text of a new contact/company/note file: front-matter *fields*, then *body*.

    Values may be text, numbers, booleans, dates or lists of those; None values
    are left out. *body* is written as given (end it with a newline). Every
    value reads back unchanged with :func:`pcrm.core.yamlload.load`.

        >>> render_new_file({"phone": "+1 555 0101", "name": "Jane Doe"}, "# Jane Doe\\n")
        '---\\nname: Jane Doe\\nphone: "+1 555 0101"\\n---\\n# Jane Doe\\n'
    """
    metadata = {key: value for key, value in fields.items() if value is not None}
    for key, value in metadata.items():
        if not isinstance(value, (str, int, float, bool, dt.date, list, tuple)):
            raise TypeError(f"{key}: cannot write a {type(value).__name__} value")
    post = Post(body, handler=PcrmYamlHandler())
    post.metadata.update(metadata)  # not as **kwargs: a key may be named "content"
    return dumps(post)
