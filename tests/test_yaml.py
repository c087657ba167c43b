"""The strict loader: what the user typed is what they get (spec 5)."""
from __future__ import annotations

import datetime as dt

import pytest

from pcrm.core import yamlload
from pcrm.core.yamlload import YamlError, load


@pytest.mark.parametrize("text, expected", [
    ("country: NO", {"country": "NO"}),
    ("answer: yes", {"answer": "yes"}),
    ("switch: on", {"switch": "on"}),
    ("time: 12:30", {"time": "12:30"}),
    ("phone: 0123456", {"phone": "0123456"}),
    ("phone: +15550100", {"phone": "+15550100"}),
    ("phone: +1 555 0100", {"phone": "+1 555 0100"}),
    ("octal: 0o17", {"octal": "0o17"}),
    ("hex: 0x1F", {"hex": "0x1F"}),
    ("flag: true", {"flag": True}),
    ("flag: false", {"flag": False}),
    ("count: 42", {"count": 42}),
    ("ratio: 1.5", {"ratio": 1.5}),
    ("nothing: ~", {"nothing": None}),
    ("nothing:", {"nothing": None}),
    ("day: 2026-11-18", {"day": dt.date(2026, 11, 18)}),
    ("stamp: 2026-11-18 10:00", {"stamp": "2026-11-18 10:00"}),
    ("quoted: '2026-02-30'", {"quoted": "2026-02-30"}),
    ("tags: [a, b]", {"tags": ["a", "b"]}),
])
def test_values_are_what_was_typed(text: str, expected: dict) -> None:
    assert load(text) == expected


def test_phone_as_plain_number_is_a_number_for_the_validator_to_reject() -> None:
    assert load("phone: 5550100") == {"phone": 5550100}


def test_duplicate_key_names_both_lines() -> None:
    with pytest.raises(YamlError) as info:
        load("name: A\nrole: x\nname: B\n")
    assert info.value.line == 3
    assert "first on line 1, again on line 3" in info.value.message


def test_impossible_date_is_an_error_with_its_line() -> None:
    with pytest.raises(YamlError) as info:
        load("name: A\nsnooze: 2026-02-30\n")
    assert (info.value.line, info.value.message) == (2, "2026-02-30 is not a valid date")


@pytest.mark.parametrize("text", [
    "x: !!python/object/apply:os.system ['touch /tmp/pcrm-pwned']",
    "!!python/object/apply:os.system ['touch /tmp/pcrm-pwned']",
    "x: !!python/name:os.system",
    "x: !!python/object:pcrm.model.Company {}",
])
def test_python_tags_never_construct_anything(text: str) -> None:
    with pytest.raises(YamlError) as info:
        load(text)
    assert "not allowed" in info.value.message


def test_syntax_error_has_a_position() -> None:
    with pytest.raises(YamlError) as info:
        load("name: Jane\ntags: [a, b\n")
    assert info.value.line >= 2


def test_two_documents_are_refused() -> None:
    with pytest.raises(YamlError, match="more than one"):
        load("a: 1\n---\nb: 2\n")


def test_key_lines() -> None:
    data, lines = yamlload.load_with_lines("a: 1\nb:\n  c: 2\n")
    assert data == {"a": 1, "b": {"c": 2}}
    assert lines == {("a",): 1, ("b",): 2, ("b", "c"): 3}


def test_uses_libyaml_when_available() -> None:
    import yaml

    assert yamlload.WITH_LIBYAML == yaml.__with_libyaml__


def test_pure_python_fallback_reads_the_same(tmp_path) -> None:
    """Without libyaml the loader falls back to PyYAML's pure parser, same results."""
    import subprocess
    import sys

    script = (
        "import sys; sys.modules['yaml._yaml'] = None\n"
        "from pcrm.core import yamlload\n"
        "assert not yamlload.WITH_LIBYAML\n"
        "print(repr(yamlload.load('country: NO\\ntime: 12:30\\nphone: 0123456\\n"
        "day: 2026-11-18\\nflag: true\\n')))\n"
        "try:\n"
        "    yamlload.load('a: 1\\na: 2\\n')\n"
        "except yamlload.YamlError as exc:\n"
        "    print(exc.line, exc.message)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines() == [
        "{'country': 'NO', 'time': '12:30', 'phone': '0123456', "
        "'day': datetime.date(2026, 11, 18), 'flag': True}",
        "2 duplicate key 'a' (first on line 1, again on line 2)",
    ]


@pytest.mark.parametrize("text, line, message", [
    ("name: Jane\n\trole: x\n", 2, "YAML does not allow tabs for indentation; indent with spaces"),
    ("nudge:\n\tafter: 7d\n", 2, "YAML does not allow tabs for indentation; indent with spaces"),
    ("name: Jane\nrole: Lead: Platform   # a comment\n", 2,
     "a value containing ': ' must be quoted: role: \"Lead: Platform\""),
])
def test_errors_say_what_the_user_wrote(text: str, line: int, message: str) -> None:
    with pytest.raises(yamlload.YamlError) as info:
        yamlload.load(text)
    assert (info.value.line, info.value.message) == (line, message)


def test_bad_values_can_all_be_noted() -> None:
    text = "a: 2026-13-01\nb: ok\nc: [1, 2026-02-30, 3]\nb: again\nd: !!int x\n"
    with pytest.raises(yamlload.YamlError):
        yamlload.load(text)  # by default, the first one stops the load
    noted: list = []
    data, _lines = yamlload.load_with_lines(text, problems=noted)
    assert data == {"b": "ok", "c": [1, 3]}
    assert [(path, error.line, error.message) for path, error in noted] == [
        (("a",), 1, "2026-13-01 is not a valid date"),
        (("c",), 3, "2026-02-30 is not a valid date"),
        (("b",), 4, "duplicate key 'b' (first on line 2, again on line 4)"),
        (("d",), 5, "'x' is not a whole number")]
