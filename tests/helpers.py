"""Small helpers shared by the tests (importable, unlike conftest)."""
from __future__ import annotations

import textwrap


def contact(name: str = "Jane Doe", log: str = "", **fields: str) -> str:
    """A contact file's text with the given front-matter lines and log."""
    lines = [f"name: {name}"] + [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n# " + name + "\n\n" + textwrap.dedent(log).lstrip("\n")
