"""The writer of new files (python-frontmatter): pcrm's key order, values that read back."""
from __future__ import annotations

import datetime as dt

import frontmatter
import pytest

from pcrm.core import yamlload
from pcrm.core.config import parse_config
from pcrm.core.newfile import render_new_file, yaml_value
from pcrm.core.parse import parse_contact

TRICKY = ["+15550100", "0123456", "NO", "yes", "true", "null", "~", "12:30", "1e3", "1.5",
          "2026-01-01", "-1", ".inf", "[a]", "{a: b}", "a # b", "#x", "@x", "*x", "&x", "!x",
          "%x", "? x", "| x", "> x", "'q'", '"q"', "x:", "tab\there", "0\x850", "a\u2028b",
          " lead", "trail ", "", "李伟", "Ünïcödé ☕"]


def front(text: str) -> dict:
    return yamlload.load(text.split("---\n")[1])


@pytest.mark.parametrize("value", TRICKY)
def test_every_value_reads_back_unchanged_with_the_strict_loader(value: str) -> None:
    text = render_new_file({"name": "Jane", "note": value, "tags": [value, "b"]}, "")
    assert front(text) == {"name": "Jane", "note": value, "tags": [value, "b"]}


@pytest.mark.parametrize("value, written", [
    ("plain words", "plain words"), ("Dr: Who", "'Dr: Who'"), ([1, "b c"], "[1, b c]"),
    (dt.date(2026, 11, 22), "2026-11-22"), (True, "true"), (7, "7"), ("1e3", "1e3")])
def test_values_are_written_as_people_write_them(value, written: str) -> None:
    assert yaml_value(value) == written


@pytest.mark.parametrize("phone", ["+1 555 0101", "5550100", "+15550100", "0123456"])
def test_phone_numbers_are_always_quoted(phone: str) -> None:
    text = render_new_file({"name": "Jane", "phone": phone}, "# Jane\n")
    assert f'phone: "{phone}"\n' in text
    parsed = parse_contact("contacts/jane.md", text.encode(), parse_config(""))
    assert parsed.ok and parsed.contact.phone == phone


def test_keys_in_pcrm_order_one_line_each_and_the_body_as_given() -> None:
    text = render_new_file({"tags": ["a"], "met": "x", "email": "j@x.example", "name": "Jane",
                            "company": "Acme", "skipped": None}, "# Jane\n\nbody\n")
    assert text == ("---\nname: Jane\ncompany: Acme\nemail: j@x.example\ntags: [a]\n"
                    "met: x\n---\n# Jane\n\nbody\n")


def test_python_frontmatter_reads_it_back_too() -> None:
    text = render_new_file({"name": "Jane", "role": "a: b"}, "# Jane\n")
    post = frontmatter.loads(text)
    assert post["name"] == "Jane" and post["role"] == "a: b"
    assert post.content == "# Jane"


def test_a_value_it_cannot_write_is_refused() -> None:
    with pytest.raises(TypeError):
        render_new_file({"name": "Jane", "x": {"a": 1}}, "")
