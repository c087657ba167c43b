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
- only the safe constructors exist: ``!!python/...`` tags never build anything.

Errors are :class:`YamlError` with a 1-based line and column relative to the
text given; callers add the offset of the front-matter in the file.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, ScalarNode
from yaml.resolver import BaseResolver

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


StrictResolver.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in [
    ("tag:yaml.org,2002:bool",
     re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    ("tag:yaml.org,2002:int",
     re.compile(r"^-?(?:0|[1-9][0-9]*)$"), list("-0123456789")),
    ("tag:yaml.org,2002:float",
     re.compile(r"^(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
                r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
     list("-+0123456789.")),
    ("tag:yaml.org,2002:null",
     re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:timestamp",
     re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), list("0123456789")),
]:
    StrictResolver.add_implicit_resolver(_tag, _regexp, _first)


class StrictConstructor(SafeConstructor):
    """SafeConstructor that refuses duplicate keys and impossible dates."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, "expected a mapping", node.start_mark)
        seen: dict[Any, int] = {}
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise ConstructorError(None, None, "merge keys (<<) are not supported",
                                       key_node.start_mark)
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise ConstructorError(None, None, "a key must be a plain value",
                                       key_node.start_mark) from None
            line = key_node.start_mark.line + 1 + getattr(self, "line_offset", 0)
            if key in seen:
                raise ConstructorError(
                    None, None,
                    f"duplicate key {key!r} (first on line {seen[key]}, again on line {line})",
                    key_node.start_mark)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:  # type: ignore[override]
        value = self.construct_scalar(node)
        if isinstance(value, str) and len(value) == 10:
            try:
                return _dt.date.fromisoformat(value)
            except ValueError:
                raise ConstructorError(None, None, f"{value} is not a valid date",
                                       node.start_mark) from None
        return super().construct_yaml_timestamp(node)


StrictConstructor.add_constructor("tag:yaml.org,2002:timestamp",
                                  StrictConstructor.construct_yaml_timestamp)
StrictConstructor.add_constructor("tag:yaml.org,2002:map",
                                  StrictConstructor.construct_yaml_map)


class StrictLoader(_Parser, StrictConstructor, StrictResolver):  # type: ignore[misc, valid-type]
    """The loader: C parser + strict constructor + strict resolver."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        StrictConstructor.__init__(self)
        StrictResolver.__init__(self)


def load(text: str) -> Any:
    """Load one YAML document from *text* strictly; raise :class:`YamlError`."""
    return load_with_lines(text)[0]


def _key_lines(node: Any, prefix: tuple, out: dict[tuple, int], offset: int) -> None:
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode):
                path = prefix + (key_node.value,)
                out[path] = key_node.start_mark.line + 1 + offset
                if isinstance(value_node, MappingNode):
                    _key_lines(value_node, path, out, offset)


def load_with_lines(text: str, line_offset: int = 0) -> tuple[Any, dict[tuple, int]]:
    """Like :func:`load`, plus the 1-based line of every mapping key.

    The lines are keyed by the key's path, e.g. ``("nudge", "after")``, so that
    validation errors can point at the line of the value they reject.
    """
    loader = StrictLoader(text)
    loader.line_offset = line_offset  # for messages built while constructing
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        lines: dict[tuple, int] = {}
        _key_lines(node, (), lines, line_offset)
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        col = mark.column + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in problem:
            tag = problem.split("tag ")[-1].strip().strip("'")
            tag = tag.replace("tag:yaml.org,2002:", "!!")
            problem = f"YAML tag {tag} is not allowed (pcrm loads plain data only)"
        if "expected a single document" in (exc.context or ""):
            problem = "more than one YAML document"
        raise YamlError(problem, line, col) from None
    except yaml.YAMLError as exc:  # reader errors without a mark
        raise YamlError(str(exc).splitlines()[0], 1 + line_offset) from None
    except RecursionError:
        raise YamlError("YAML nested too deeply", 1 + line_offset) from None
    finally:
        loader.dispose()
