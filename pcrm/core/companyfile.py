"""Parsing company files (spec 2.3): name, target, "In" (``why:``) and applications.

A company file's dated headings are its applications' stages::

    ## 2026-11-01 applied: iOS Engineer (req 4411)
    ## 2026-11-12 screen: iOS Engineer
    ## 2026-11-20 onsite: iOS Engineer (expect 2026-11-27)

The word after the date is a stage from the vault's table (``stages:``), the
title is the role. A trailing parenthesis (``(req 4411)``) is a detail, not
part of the role, so the three headings above are one application; roles
match case-insensitively. Like the rest of the parser, nothing here raises on
bad input or depends on today.
"""
from __future__ import annotations

import re

from pcrm.core.config import Config
from pcrm.core.model import Company, Diagnostic, ParsedFile, Stage
from pcrm.core.parse import find_headings, is_dated, load_front_matter, parse_heading
from pcrm.core.safetext import brief

_DETAIL = re.compile(r"\s*\([^()]*\)\s*$")


def role_key(title: str) -> str:
    """The application a stage heading belongs to: its title without a trailing ``(...)``."""
    return _DETAIL.sub("", title).strip()


def parse_company(path: str, raw: bytes, config: Config) -> ParsedFile:
    """Parse a company file (``companies/acme.md``)."""
    data, key_lines, lines, start, problems = load_front_matter(path, raw)
    result = ParsedFile(path, diagnostics=problems)
    if data is None:
        return result
    diags = result.diagnostics
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        diags.append(Diagnostic(path, key_lines.get("name", 1), 1, "error",
                                "'name:' is required and must be text"))
        return result
    target = data.get("target", False)
    if not isinstance(target, bool):
        diags.append(Diagnostic(path, key_lines.get("target", 1), 1, "error",
                                f"target: must be true or false, not {brief(target)}"))
        target = False
    why = data.get("why")
    if why is not None and (isinstance(why, (dict, list, bool))):
        diags.append(Diagnostic(path, key_lines.get("why", 1), 1, "error",
                                f"why: must be text, not {brief(why)}"))
        why = None
    company = Company(path=path, name=name.strip(), target=target, meta=data,
                      why=str(why).strip() or None if why is not None else None)
    for index, level, text, col in find_headings(lines, start):
        if not is_dated(path, index, level, text, col, diags):
            continue
        found = parse_heading(path, index + 1, col, text, config, diags, stages=True)
        if found is None:
            continue
        day, _clock, stage, title, expect = found
        role = role_key(title)
        if not role:
            diags.append(Diagnostic(path, index + 1, col, "error",
                                    f"'{stage}' names no role: write '## {day.isoformat()} "
                                    f"{stage}: iOS Engineer'"))
            continue
        company.stages.append(Stage(day, stage, role, index + 1, expect))
    result.company = company
    return result
