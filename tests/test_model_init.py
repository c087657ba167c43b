"""The frozen records that write their own __init__ (for speed) take exactly their fields."""
from __future__ import annotations

import dataclasses
import datetime as dt
import inspect

import pytest

from pcrm.core.model import Interaction
from pcrm.core.rules import FollowUp


@pytest.mark.parametrize("cls", [Interaction, FollowUp])
def test_init_takes_the_fields_in_order_with_their_defaults(cls: type) -> None:
    fields = [(f.name, f.default) for f in dataclasses.fields(cls)]
    params = [(p.name, p.default if p.default is not inspect.Parameter.empty
               else dataclasses.MISSING)
              for p in list(inspect.signature(cls.__init__).parameters.values())[1:]]
    assert params == fields


def test_the_records_stay_frozen_equal_and_hashable() -> None:
    day = dt.date(2026, 11, 20)
    one = Interaction(day, None, "email", "outbound", "hello", None, 5, 0)
    same = Interaction(date=day, time=None, kind="email", klass="outbound", title="hello",
                       expect=None, line=5, index=0, notes="", origin="")
    assert one == same and hash(one) == hash(same) and one.notes == "" and one.origin == ""
    assert vars(one) == {f.name: getattr(same, f.name) for f in dataclasses.fields(same)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.title = "changed"  # type: ignore[misc]
    item = FollowUp("jane", "Jane", None, "contacts/jane.md", "nudge", day, "why", one)
    moved = dataclasses.replace(item, due=day + dt.timedelta(days=1))
    assert moved.source is one and moved.due > item.due and moved.rule == "nudge"
    assert moved != item and hash(item) == hash(dataclasses.replace(item))
