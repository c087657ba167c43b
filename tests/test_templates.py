"""`pcrm new` with a vault template (templates/contact.md)."""
from __future__ import annotations

from pcrm.core.config import Config
from pcrm.core.parse import parse_contact


def test_template_with_bom_and_crlf(vault, run) -> None:
    root = vault({})
    (root / "templates").mkdir()
    (root / "templates/contact.md").write_bytes(
        b"\xef\xbb\xbf---\r\nname: x\r\nsource: met {date}\r\n---\r\n# {name}\r\n\r\nNotes.\r\n")
    result = run(root, "new", "Ann Lee", "--company", "Acme")
    assert result.exit_code == 0, result.output
    raw = (root / "contacts/ann-lee.md").read_bytes()
    assert raw == (b"---\r\nname: Ann Lee\r\nsource: met 2026-11-22\r\ncompany: Acme\r\n---\r\n"
                   b"# Ann Lee\r\n\r\nNotes.\r\n")


def test_placeholders_are_filled_once(vault, run) -> None:
    root = vault({})
    (root / "templates").mkdir()
    (root / "templates/contact.md").write_text("# {name} at {company}\n")
    result = run(root, "new", "Ann {role} Lee", "--role", "CTO", "--company", "{date}")
    assert result.exit_code == 0, result.output
    text = (root / "contacts/ann-role-lee.md").read_text()
    assert text.endswith("# Ann {role} Lee at {date}\n")
    parsed = parse_contact("contacts/x.md", text.encode(), Config())
    assert parsed.contact is not None
    assert (parsed.contact.name, parsed.contact.company) == ("Ann {role} Lee", "{date}")
