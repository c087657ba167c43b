"""Reading the vault's ``.pcrm.yaml`` from disk, with its parsed YAML cached.

Every command reads the config first. Parsing it means importing PyYAML and
running its parser: about a tenth of a warm ``pcrm status`` on 10,000
contacts. The YAML's data (plain values, dates as ordinals) is kept in the
vault's state folder beside the index, keyed by a digest of the file's bytes
and pcrm's version; the file is still read and the data still validated on
every run, so an edit, a broken file or an upgrade is never missed. Any
problem with the cache (missing, damaged, unwritable) just means parsing.
"""
from __future__ import annotations

import datetime as dt
import marshal
from pathlib import Path
from typing import Any

from pcrm import __version__
from pcrm.core.config import CONFIG_NAME, Config, config_from_data, load_config_yaml
from pcrm.core.errors import ConfigError
from pcrm.store.files import REPLACE, FileTooLarge, NotRegularFile, read_bounded, write_atomic
from pcrm.store.checks import digest

MAX_CONFIG_BYTES = 256 * 1024  # a config is a screenful; a cloned repo may ship anything
CACHE_NAME = "config.cache"
_DATE = "\0date"  # a date in the cached data: (_DATE, ordinal); YAML gives lists, never tuples


def load_config(vault: Path) -> Config:
    """Read ``.pcrm.yaml`` under *vault* (a missing file means all defaults)."""
    raw = read_config_bytes(vault / CONFIG_NAME)
    if raw is None:
        return Config()
    key = digest(f"{__version__}\0".encode() + raw)
    cached = _cached(vault, key)
    if cached is not None:
        return config_from_data(*cached, CONFIG_NAME)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", path=CONFIG_NAME, line=1) from None
    data, lines = load_config_yaml(text, CONFIG_NAME)
    config = config_from_data(data, lines, CONFIG_NAME)  # only a valid config is kept
    _keep(vault, key, data, lines)
    return config


def read_config_bytes(file: Path) -> bytes | None:
    """The config's bytes (None if there is none): a regular file, at most 256 KB.

    A cloned repository can ship ``.pcrm.yaml`` as a link to ``/dev/zero``, to
    ``/dev/urandom`` or to a FIFO: read as every vault file is
    (:func:`pcrm.store.files.read_bounded`), none of them hangs or fills memory.
    """
    try:
        return read_bounded(file, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        return None
    except NotRegularFile:
        raise ConfigError("not a regular file (a device, a FIFO or a folder); "
                          "pcrm reads its config only from a regular file",
                          path=CONFIG_NAME) from None
    except FileTooLarge as exc:
        raise ConfigError(f"too large ({exc.size // 1024} KB; "
                          f"the limit is {MAX_CONFIG_BYTES // 1024} KB)",
                          path=CONFIG_NAME) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", path=CONFIG_NAME) from None


def _cache_file(vault: Path) -> Path:
    from pcrm.store.paths import state_dir  # noqa: PLC0415

    return state_dir(vault) / CACHE_NAME


def _cached(vault: Path, key: bytes) -> tuple[Any, dict[tuple, int]] | None:
    """The cached (data, lines) for *key*, or None."""
    try:
        blob = _cache_file(vault).read_bytes()
        stored_key, body, check = marshal.loads(blob)
        if stored_key != key or check != digest(body):
            return None
        data, lines = marshal.loads(body)
        return _thaw(data), lines
    except Exception:  # noqa: BLE001 - any damage: parse the file
        return None


def _keep(vault: Path, key: bytes, data: Any, lines: dict[tuple, int]) -> None:
    """Remember the parsed data for *key*; silently not when it cannot be written."""
    try:
        body = marshal.dumps((_freeze(data), lines))
        from pcrm.store.paths import private_folder  # noqa: PLC0415

        file = _cache_file(vault)
        private_folder(file.parent)
        write_atomic(file, marshal.dumps((key, body, digest(body))), expected=REPLACE,
                     mode=0o600, durable=False)
    except Exception:  # noqa: BLE001 - a cache: not written is only slower
        pass


def _freeze(value: Any) -> Any:
    """YAML data as values ``marshal`` keeps: dates become (_DATE, ordinal)."""
    if isinstance(value, dict):
        return {_freeze(k): _freeze(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_freeze(item) for item in value]
    if isinstance(value, dt.datetime):
        raise TypeError("a date-time in the config: not cached")
    if isinstance(value, dt.date):
        return (_DATE, value.toordinal())
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, dict):
        return {_thaw(k): _thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_thaw(item) for item in value]
    if isinstance(value, tuple) and len(value) == 2 and value[0] == _DATE:
        return dt.date.fromordinal(value[1])
    return value
