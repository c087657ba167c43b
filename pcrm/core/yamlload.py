"""A strict, safe and fast YAML loader for front-matter and the vault config.

Built on PyYAML's C parser (``CParser``) when libyaml is present, else the pure
Python one, with a resolver of our own, close to YAML 1.2's core schema, so that
what the user typed is what they get:

- booleans are only ``true`` / ``false`` (any case of those words): ``NO``,
  ``yes``, ``on`` stay strings;
- integers are plain decimals without a sign-plus or leading zero: ``0123456``
  and ``+15550100`` stay strings (phone numbers), ``12:30`` stays a string (no
  sexagesimal), no octal or binary;
- ``YYYY-MM-DD`` is a date; a date that does not exist is a :class:`YamlError`;
- a key given twice is an error naming both lines;
- no explicit tags: ``!!python/...`` (or any ``!!tag``) never builds anything;
- no aliases (``*name``): a personal CRM has no use for them, and they are how
  a few hundred bytes expand to gigabytes;
- at most :data:`MAX_DEPTH` levels of nesting, checked on the parser's events
  before anything is composed (libyaml's composer recurses in C and would
  crash the process on 30,000 ``[``).

Errors are :class:`YamlError` with a 1-based line and column relative to the
text given; callers add the offset of the front-matter in the file.
"""
from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from pcrm.core.safetext import brief
from pcrm.core.yamlscalars import (MAX_DEPTH, NESTED_TOO_DEEPLY, STR, _scalar_value,
                                   implicit_tag)

try:  # libyaml makes loading several times faster; fall back without it.
    from yaml._yaml import CParser as _Parser  # type: ignore[import-not-found]
    WITH_LIBYAML = True
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    WITH_LIBYAML = False


class YamlError(Exception):
    """A YAML problem at a 1-based line and column of the loaded text."""

    def __init__(self, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


class StrictResolver(BaseResolver):
    """Implicit tags of the strict schema (see the module docstring)."""

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        """BaseResolver's answer, without its path resolvers (this schema has none):
        the composer calls it once per node, so it must be cheap."""
        if kind is ScalarNode:
            return implicit_tag(value) if implicit[0] else STR
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG


class StrictLoader(_Parser, StrictResolver):  # type: ignore[misc, valid-type]
    """The composer: C parser + strict resolver; :class:`_Builder` makes the values."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        StrictResolver.__init__(self)


class _Builder:
    """Build Python values from the composed node tree.

    A direct walk, several times faster than SafeConstructor's generic
    machinery (which dominated the cold start on large vaults), and stricter:
    only the core schema's plain types exist; any explicit tag such as
    ``!!python/object`` or ``!!binary`` is refused. There are no aliases to
    follow: :func:`_check_shape` refuses them before anything is composed.
    """

    def __init__(self, offset: int, lines: dict[tuple, int],
                 problems: list[tuple[tuple, YamlError]] | None = None) -> None:
        self.offset = offset
        self.lines = lines
        # With a list, a bad value (a date that does not exist, a key given
        # twice, a tag) is noted there with the path of the key it is under,
        # and left out, so that every such problem of a document is reported.
        self.problems = problems
        self.path: tuple = ()

    def note(self, error: YamlError) -> None:
        if self.problems is None:
            raise error
        self.problems.append((self.path, error))

    def fail(self, node: Any, message: str) -> YamlError:
        return YamlError(message, node.start_mark.line + 1 + self.offset,
                         node.start_mark.column + 1)

    def scalar(self, node: Any, tag: str) -> Any:
        try:
            return _scalar_value(tag, node.value)
        except ValueError as exc:
            raise self.fail(node, str(exc)) from None
        except LookupError:
            raise self.fail(node, f"YAML tag {_short(tag)} is not allowed "
                                  "(pcrm loads plain data only)") from None

    def build(self, node: Any, path: tuple | None) -> Any:
        tag = node.tag
        if isinstance(node, ScalarNode):
            if tag == STR:
                return node.value
            try:
                return self.scalar(node, tag)
            except YamlError as exc:
                self.note(exc)
                return _LEFT_OUT
        if tag == "tag:yaml.org,2002:seq" and isinstance(node, SequenceNode):
            result: Any = [value for value in (self.build(item, None) for item in node.value)
                           if value is not _LEFT_OUT]
        elif tag == "tag:yaml.org,2002:map" and isinstance(node, MappingNode):
            result = {}
            seen: dict[Any, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise self.fail(key_node, "a key must be a plain value")
                name = self.build(key_node, None)
                line = key_node.start_mark.line + 1 + self.offset
                if name in seen:
                    self.path = (path or ()) + (name,)
                    self.note(self.fail(key_node, f"duplicate key {brief(name)} (first on line "
                                                  f"{seen[name]}, again on line {line})"))
                    continue
                seen[name] = line
                child = None
                if path is not None:
                    child = path + (name,)
                    self.lines[child] = line
                self.path = (path or ()) + (name,)
                value = self.build(value_node, child)
                if value is not _LEFT_OUT:
                    result[name] = value
        else:
            raise self.fail(node, f"YAML tag {_short(tag)} is not allowed "
                                  "(pcrm loads plain data only)")
        return result


def _explain(problem: str, text: str, index: int | None) -> str:
    """libyaml's message, or what it means for the line the user wrote."""
    lines = text.split("\n")
    line = lines[index] if index is not None and 0 <= index < len(lines) else ""
    if "\t" in line[:len(line) - len(line.lstrip())] or \
            ("cannot start any token" in problem and "\t" in line):
        return "YAML does not allow tabs for indentation; indent with spaces"
    if "mapping values are not allowed" in problem:
        key, _colon, value = line.partition(":")
        value = value.split(" #", 1)[0].strip()
        if key.strip() and ": " in value + " " and not value.startswith(("'", '"', "[", "{")):
            quoted = value.replace('"', '\\"')
            return (f"a value containing ': ' must be quoted: {key.strip()}: \"{quoted}\"")
    return problem


_NESTER = re.compile(r"[\[{]|[-?:](?=[ \t\r\n]|$)", re.MULTILINE)


def _depth_bound(text: str) -> int:
    """An upper bound of the nesting depth, from characters alone (no parsing).

    Each level of nesting needs one of these characters: ``[`` or ``{`` for a
    flow collection, ``-`` or ``?`` or ``:`` before a space or a line end for a
    block one (so the dashes of dates and the colons of URLs do not count).
    """
    return 1 + len(_NESTER.findall(text))


def _check_shape(text: str, line_offset: int) -> None:
    """Refuse aliases and nesting deeper than :data:`MAX_DEPTH` before composing.

    The parser's events come from a state machine, not recursion, so this walk
    is safe on any input; it only runs when the text could hold either problem.
    """
    if "*" not in text and _depth_bound(text) <= MAX_DEPTH:
        return
    parser = StrictLoader(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            if isinstance(event, yaml.AliasEvent):
                raise YamlError(f"YAML aliases ({brief('*' + str(event.anchor))[1:-1]}) "
                                "are not allowed; write the value out",
                                event.start_mark.line + 1 + line_offset,
                                event.start_mark.column + 1)
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(f"{NESTED_TOO_DEEPLY} (more than {MAX_DEPTH} levels)",
                                    event.start_mark.line + 1 + line_offset,
                                    event.start_mark.column + 1)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    finally:
        parser.dispose()


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def load(text: str) -> Any:
    """Load one YAML document from *text* strictly; raise :class:`YamlError`."""
    return load_with_lines(text)[0]


_LEFT_OUT = object()  # a value whose problem was noted (see _Builder.note)


def load_with_lines(text: str, line_offset: int = 0,
                    problems: list[tuple[tuple, YamlError]] | None = None
                    ) -> tuple[Any, dict[tuple, int]]:
    """Like :func:`load`, plus the 1-based line of every mapping key.

    The lines are keyed by the key's path, e.g. ``("nudge", "after")``, so that
    validation errors can point at the line of the value they reject.
    *line_offset* is added to every line number (the text's place in its file).
    With *problems*, bad values do not stop the load: each is noted there as
    (path of the key, error) and the key is left out of the result.
    """
    loader = None
    try:
        _check_shape(text, line_offset)
        loader = StrictLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[tuple, int] = {}
        data = _Builder(line_offset, lines, problems).build(node, ())
        return (None if data is _LEFT_OUT else data), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = mark.column + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        if "expected a single document" in (exc.context or ""):
            problem = "more than one YAML document"
        problem = _explain(problem, text, mark.line if mark else None)
        raise YamlError(problem, line, col) from None
    except yaml.YAMLError as exc:  # reader errors without a mark
        raise YamlError(str(exc).splitlines()[0], 1 + line_offset) from None
    except YamlError:
        raise
    except RecursionError:
        raise YamlError("YAML nested too deeply", 1 + line_offset) from None
    finally:
        if loader is not None:
            loader.dispose()
