"""The fast front-matter reader gives exactly what the strict loader gives, or steps aside."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcrm.core import yamlload
from pcrm.core.yamlfast import load_simple


def _full(text: str, offset: int) -> object:
    try:
        return yamlload.load_with_lines(text, line_offset=offset, problems=[])
    except yamlload.YamlError as exc:
        return ("error", exc.message)


@pytest.mark.parametrize("text, data", [
    ("name: Ada Lovelace\ncompany: Acme\nrole: QA Manager, former colleague",
     {"name": "Ada Lovelace", "company": "Acme", "role": "QA Manager, former colleague"}),
    ('phone: "+1 555 0100"\ntags: []', {"phone": "+1 555 0100", "tags": []}),
    ("tags: [engineer, career-fair, 2024]", {"tags": ["engineer", "career-fair", 2024]}),
    ("birthday: 1990-12-05\nsnooze:\ncount: 42",
     {"birthday": dt.date(1990, 12, 5), "snooze": None, "count": 42}),
    ("name: O'Brien\nlinkedin: https://linkedin.com/in/x\ntime: 12:30",
     {"name": "O'Brien", "linkedin": "https://linkedin.com/in/x", "time": "12:30"}),
    ("name: 'it is quoted'  \nflag: TRUE\nnothing: ~",
     {"name": "it is quoted", "flag": True, "nothing": None}),
    ("name: Carlos Méndez", {"name": "Carlos Méndez"}),
])
def test_common_front_matter_is_read_fast_and_the_same(text: str, data: dict) -> None:
    fast = load_simple(text, 1)
    assert fast is not None and fast[0] == data
    assert fast == _full(text, 1)


@pytest.mark.parametrize("text", [
    "",  # empty: the full loader says so
    "name: a\nname: b",  # a key twice: the full loader names both lines
    "day: 2026-02-30",  # a date that does not exist: its error
    "name: x # a comment",
    "tags:\n  - a",
    "name: - x",
    "role: a: b",
    "role: ends with:",
    "name: *alias",
    "tags: [*alias]",
    "tags: [a: b]",
    "tags: [a, ]",
    "null: x",
    'name: "tab\\tescape"',
    "name: {a: 1}",
    "name: [a, [b]]",
    "name:\tx",
    "name: a\u2028b",
    "name:x",
    " name: x",
])
def test_anything_else_is_left_to_the_full_loader(text: str) -> None:
    assert load_simple(text, 1) is None


# Pieces the fast reader often accepts, and the YAML syntax around them, so that
# it often answers; characters that always send a text to the full loader
# ("#", "\\", tab, U+2028...) are tested above.
_PIECE = st.sampled_from(["ab", "Zé", " ", "  ", ":", ": ", ",", ", ", "'", '"', "-", "- ", "?",
                          "*", "&", "!", "|", ">", "%", "@", "`", "~", "[", "]", "2026-01-02",
                          "2026-02-30", "12", "0", "-3", "1.5", ".inf", "true", "no", "null",
                          "http://x.example/a", "\u00a0", "#", "\t"])
_VALUE = st.lists(_PIECE, max_size=5).map("".join)
_KEY = st.sampled_from(["name", "tags", "a", "b-c", "_x", "null", "true", "Yes", "1a"])
_LINE = st.one_of(
    st.tuples(_KEY, st.sampled_from([": ", ":  ", ":", ":x"]), _VALUE).map("".join),
    st.tuples(_KEY, st.just(": ["), _VALUE, st.sampled_from(["]", "] ", "", "]x"])).map("".join),
    st.tuples(_KEY, st.just(": "), st.sampled_from(["\"", "'"]), _VALUE,
              st.sampled_from(["\"", "'", ""])).map("".join),
)
_TEXT = st.lists(st.one_of(_LINE, st.sampled_from(["", " ", "  - x", "# note"])), max_size=3)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(_LINE, _TEXT.map("\n".join)), st.integers(0, 3))
def test_the_fast_reader_agrees_with_the_strict_loader(text: str, offset: int) -> None:
    fast = load_simple(text, offset)
    if fast is not None:
        assert fast == _full(text, offset)
