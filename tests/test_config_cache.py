"""The parsed config is cached beside the index: never stale, never trusted when damaged,
and a warm run imports no YAML parser at all."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from pcrm.core.config import parse_config
from pcrm.core.errors import ConfigError
from pcrm.store import configfile
from pcrm.store.configfile import load_config
from pcrm.store.paths import state_dir

from helpers import contact

CONFIG = """\
timezone: Europe/Paris
holidays: [2026-12-25, 2027-01-01]
nudge:
  after: 5d
cadence:
  tags:
    recruiter: 30d
"""


def _cache(root: Path) -> Path:
    return state_dir(root) / configfile.CACHE_NAME


def test_the_cached_config_equals_the_parsed_one(vault: Callable[..., Path]) -> None:
    root = vault(config=CONFIG)
    first = load_config(root)
    assert _cache(root).is_file()
    again = load_config(root)  # from the cache: dates come back as dates
    assert again == first == parse_config(CONFIG)
    assert dt.date(2026, 12, 25) in again.holidays


def test_an_edit_is_seen_even_with_the_same_size_and_time(vault: Callable[..., Path]) -> None:
    root = vault(config="nudge:\n  after: 5d\n")
    assert load_config(root).nudge_after.amount == 5
    file = root / ".pcrm.yaml"
    info = file.stat()
    file.write_text("nudge:\n  after: 9d\n")  # same size
    os.utime(file, ns=(info.st_atime_ns, info.st_mtime_ns))  # same mtime
    assert load_config(root).nudge_after.amount == 9


def test_a_broken_config_is_an_error_every_time(vault: Callable[..., Path]) -> None:
    root = vault(config="nudge:\n  after: 5d\n")
    load_config(root)
    (root / ".pcrm.yaml").write_text("nudge:\n  after: soon\n")
    for _ in range(2):  # never "fixed" by a cache
        with pytest.raises(ConfigError, match="nudge.after"):
            load_config(root)


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", None])
def test_a_damaged_cache_is_parsed_again(vault: Callable[..., Path], damage: bytes | None) -> None:
    root = vault(config=CONFIG)
    expected = load_config(root)
    cache = _cache(root)
    if damage is None:  # a flipped bit inside the cached data
        data = bytearray(cache.read_bytes())
        data[len(data) // 2] ^= 0x10
        damage = bytes(data)
    cache.write_bytes(damage)
    assert load_config(root) == expected
    assert load_config(root) == expected  # written again, and read


def test_an_unwritable_cache_folder_only_means_parsing(vault: Callable[..., Path],
                                                       tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("PCRM_CACHE_DIR", str(blocker))
    root = vault(config=CONFIG)
    assert load_config(root) == parse_config(CONFIG)


def test_a_warm_status_imports_no_yaml_parser(vault: Callable[..., Path]) -> None:
    root = vault({"contacts/jane.md": contact("Jane Doe", log="## 2026-11-01 email: hi\n")},
                 config=CONFIG)
    probe = ("import sys, runpy\n"
             "import pcrm.store.index\n"
             "pcrm.store.index.RACY_SECONDS = -1.0  # the file was written a moment ago\n"
             "sys.argv = ['pcrm', '--vault', sys.argv[1], '--today', '2026-11-22', 'status']\n"
             "try:\n    runpy.run_module('pcrm', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "print('YAML' if 'yaml' in sys.modules else 'NO-YAML', file=sys.stderr)\n")
    runs = [subprocess.run([sys.executable, "-c", probe, str(root)], capture_output=True,
                           text=True, env=os.environ.copy(), timeout=60) for _ in range(2)]
    assert runs[0].stderr.strip().endswith("YAML")  # the first run parses the files
    assert runs[1].stderr.strip().endswith("NO-YAML"), runs[1].stderr
    assert "Jane Doe" in runs[1].stdout
