"""The core: the model, strict YAML, the config, parsing, the rules, validation and pure byte edits.

No I/O beyond what a caller hands in, no click, no Git: everything here is a pure function of
its inputs (time included).
"""
from __future__ import annotations
