"""The library API: what pcrm's commands do, callable without the command line.

Each action takes the vault's root, its config and today's date (time is an
input), does its work through the store (files on disk) and, when asked, the
Git layer (a commit of exactly the files it wrote), and returns what it did as
plain data; it never prints. The commands in :mod:`pcrm.cli` parse options,
call one of these, and render the result.

- :func:`pcrm.actions.new.new_contact` -- create a contact file;
- :func:`pcrm.actions.log.log_interaction` -- append an interaction heading to
  one or several contacts' files;
- :func:`pcrm.actions.keys.set_key` -- set one front-matter date (snooze,
  follow_up), changing that line only;
- :func:`pcrm.actions.check.check_paths` and :func:`~pcrm.actions.check.check_staged`
  -- validate the vault, some of its files, or the snapshot being committed.

The names are also importable from this package (``from pcrm.actions import
log_interaction``); each module is imported on first use.
"""
from __future__ import annotations

import importlib
from typing import Any

_WHERE = {"new_contact": "new", "log_interaction": "log", "set_key": "keys",
          "check_paths": "check", "check_staged": "check"}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
