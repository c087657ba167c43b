"""New files' values read back as written, whether PyYAML writes them or the fast path does."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from pcrm.core import yamlload
from pcrm.core.newfile import _plain, yaml_value

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
               min_size=1, max_size=30)  # one-line values, as the importers clean them
WORDISH = st.from_regex(r"[A-Za-zé][A-Za-z0-9 ,.'&()/+@:?=%~#\[\]{}*!|>-]{0,20}",
                        fullmatch=True)


@settings(max_examples=400, deadline=None)
@given(value=st.one_of(TEXT, WORDISH, st.lists(WORDISH, min_size=1, max_size=4)),
       quoted=st.booleans())
def test_every_value_reads_back(value: object, quoted: bool) -> None:
    text = yaml_value(value, quoted=quoted)
    assert "\n" not in text
    loaded = yamlload.load(f"k: {text}\n")["k"]
    assert loaded == value and type(loaded) is type(value)


def test_the_fast_path_is_taken_for_ordinary_values() -> None:
    assert _plain("Engineer, iOS and macOS", False) == "Engineer, iOS and macOS"
    assert _plain("https://www.linkedin.com/in/jane-doe", False) is not None
    assert _plain("+1 555 0100", True) == '"+1 555 0100"'
    assert _plain(["friends", "bay-area"], False) == "[friends, bay-area]"
    assert _plain(dt.date(2024, 3, 15), False) == "2024-03-15"
    for risky in ("No", "a: b", "x #y", "1e3", "-x", "[a]", "x,"):
        assert _plain(risky, False) is None
