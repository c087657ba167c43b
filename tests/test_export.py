"""pcrm export vcard: vCard 3.0 that vobject parses back, one card per active contact."""
from __future__ import annotations

from pathlib import Path

import vobject

from helpers import contact


def test_export_parsed_back_with_vobject(vault, run, tmp_path: Path) -> None:
    root = vault({
        "contacts/jane-doe.md": contact(
            company="Acme, Inc.", role="Engineering Manager", phone='"+1 555 0100"',
            email="[jane@acme.example, jane@home.example]", birthday="1990-04-01",
            linkedin="https://www.linkedin.com/in/janedoe", tags="[manager, swift]"),
        "contacts/zoe.md": contact("Zoë Ørsted; the Great", company="Globex"),
        "contacts/old.md": contact("Old Friend", status="archived"),
    })
    target = tmp_path / "out.vcf"
    result = run(root, "export", "vcard", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "Wrote 2 contact(s)" in result.stderr
    raw = target.read_bytes()
    assert raw.startswith(b"BEGIN:VCARD\r\nVERSION:3.0\r\n")
    cards = list(vobject.readComponents(raw.decode("utf-8")))
    assert [c.fn.value for c in cards] == ["Jane Doe", "Zoë Ørsted; the Great"]
    jane = cards[0]
    assert jane.version.value == "3.0"
    assert (jane.n.value.given, jane.n.value.family) == ("Jane", "Doe")
    assert jane.org.value == ["Acme, Inc."] and jane.title.value == "Engineering Manager"
    assert [e.value for e in jane.contents["email"]] == ["jane@acme.example",
                                                         "jane@home.example"]
    assert jane.tel.value == "+1 555 0100" and jane.bday.value == "1990-04-01"
    assert jane.url.value == "https://www.linkedin.com/in/janedoe"
    assert jane.categories.value == ["manager", "swift"]
    assert cards[1].org.value == ["Globex"]
    # The UID is stable: a second export gives the same cards.
    again = run(root, "export", "vcard").stdout
    assert again.replace("\r\n", "\n") == raw.decode("utf-8").replace("\r\n", "\n")


def test_export_then_import_finds_everyone(vault, run, tmp_path: Path) -> None:
    root = vault({"contacts/jane-doe.md": contact(company="Acme", email="jane@acme.example"),
                  "contacts/sam.md": contact("Sam Poe", phone='"0123 456"')})
    target = tmp_path / "out.vcf"
    assert run(root, "export", "vcard", "-o", str(target)).exit_code == 0
    result = run(root, "import", "vcard", str(target))
    assert "0 new, 0 update, 1 same, 1 review, 0 skipped" in result.stdout  # Sam: name only
