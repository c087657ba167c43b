"""The per-invocation context of the command line: vault, config, today, colour.

Kept apart from :mod:`pcrm.cli.group` so that command modules can share
it without importing each other. No click here.
"""
from __future__ import annotations

import datetime as dt
import os
from functools import cached_property
from pathlib import Path

from pcrm.core.config import Config
from pcrm.store.configfile import load_config
from pcrm.core.errors import ConfigError, UsageError
from pcrm.core.model import Contact
from pcrm.core.timeutil import parse_iso_date
from pcrm.store.paths import state_dir
from pcrm.core.snapshot import Snapshot
from pcrm.store.vault import find_vault, read_vault, resolve_contact, with_events


class App:
    """What every command needs, computed on first use."""

    def __init__(self, vault: str | None = None, today: str | None = None,
                 color: bool | None = None) -> None:
        self._vault_option = vault
        self._today_option = today
        self.color = color

    @cached_property
    def root(self) -> Path:
        return find_vault(self._vault_option)

    @cached_property
    def config(self) -> Config:
        return load_config(self.root)

    @cached_property
    def today(self) -> dt.date:
        text, source = self._today_option, "--today"
        if not text:
            text, source = os.environ.get("PCRM_TODAY"), "PCRM_TODAY"
        if text:
            try:
                return parse_iso_date(text)
            except ValueError as exc:
                raise UsageError(f"{source}: {exc}") from None
        try:
            zone = self.config.timezone
        except ConfigError:  # check --staged still runs with a broken working-tree config
            zone = None
        return dt.datetime.now(zone).date()

    @cached_property
    def snapshot(self) -> Snapshot:
        return read_vault(self.root, self.config)

    def plain_snapshot(self) -> Snapshot:
        """The snapshot, without the event notes applied to the people they name
        (see :func:`read_vault`): for commands that show nothing the notes change."""
        if "snapshot" in self.__dict__:
            return self.snapshot
        return read_vault(self.root, self.config, events=False)

    @cached_property
    def state_dir(self) -> Path:
        return state_dir(self.root)

    def contact(self, query: str, *, must_parse: bool = False) -> Contact:
        """Find a contact; with *must_parse*, refuse one whose file has errors."""
        person = resolve_contact(self.root, self.snapshot, query, must_parse=must_parse)
        return with_events(person, self.snapshot)  # as the agenda sees them (spec 2.5)
