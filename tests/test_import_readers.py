"""The import readers: each quirk of LinkedIn, Google and vCard exports, and matching keys."""
from __future__ import annotations

import datetime as dt

import pytest

from exchange_files import (GOOGLE_CURRENT, GOOGLE_LEGACY, LINKEDIN_OLD, LINKEDIN_ROWS, VCARDS,
                            linkedin)
from pcrm.core.errors import ImportFormatError
from pcrm.exchange.google import read_google
from pcrm.exchange.linkedin import parse_connected, read_linkedin
from pcrm.exchange.match import company_key, linkedin_key, merge_rows, name_key
from pcrm.exchange.vcard import read_vcard


def text(raw: bytes) -> str:
    return raw.decode("utf-8-sig")


def test_linkedin_export_with_preamble_bom_crlf_quotes_and_bad_rows() -> None:
    batch = read_linkedin(text(linkedin(LINKEDIN_ROWS)))
    people = {(p.name, p.line): p for p in batch.people}
    assert sorted(people) == [("Ann Lee", 10), ("Jane Doe", 5), ("Jane Doe", 12),
                              ("Zoë Ørsted", 6)]
    jane = people[("Jane Doe", 5)]
    assert (jane.company, jane.role, jane.emails) == ("Acme", "Engineer, iOS and macOS", [])
    assert jane.connected == dt.date(2024, 3, 15)
    assert people[("Zoë Ørsted", 6)].emails == ["zoe@globex.example"]
    assert people[("Ann Lee", 10)].company == "Hooli"  # the line break inside quotes is gone
    skipped = {s.line: s.reason for s in batch.skipped}
    assert sorted(skipped) == [7, 8, 9]
    assert "no name" in skipped[7]
    assert "8 fields where the header has 7" in skipped[8]
    assert "'31 Foo 2024' is not a date" in skipped[9]


@pytest.mark.parametrize("preamble,bom,crlf", [(False, False, False), (True, False, True),
                                                (False, True, True)])
def test_linkedin_preamble_bom_and_line_endings_are_optional(preamble: bool, bom: bool,
                                                             crlf: bool) -> None:
    raw = linkedin([LINKEDIN_ROWS[0]], preamble=preamble, bom=bom, crlf=crlf)
    batch = read_linkedin(text(raw))
    assert [(p.name, p.line) for p in batch.people] == [("Jane Doe", 5 if preamble else 2)]


def test_an_older_linkedin_export_without_email_and_date_columns() -> None:
    batch = read_linkedin(text(LINKEDIN_OLD))
    [pat] = batch.people
    assert (pat.name, pat.company, pat.role, pat.emails, pat.connected) == \
        ("Pat Kim", "Umbrella", "Designer", [], None)


def test_a_file_that_is_not_a_linkedin_export_is_one_error() -> None:
    with pytest.raises(ImportFormatError, match="First Name, Last Name"):
        read_linkedin("Name,Phone\nJane,555\n")


@pytest.mark.parametrize("given,expected", [
    ("15 Mar 2024", dt.date(2024, 3, 15)), ("1 September 2021", dt.date(2021, 9, 1)),
    ("2024-03-15", dt.date(2024, 3, 15)), ("", None)])
def test_connected_on_dates(given: str, expected: dt.date | None) -> None:
    assert parse_connected(given) == expected


@pytest.mark.parametrize("bad", ["31 Feb 2024", "15/03/2024", "Mar 15 2024"])
def test_bad_connected_on_dates(bad: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_connected(bad)


def test_google_current_layout_multi_values_and_labels() -> None:
    batch = read_google(text(GOOGLE_CURRENT))
    [maria] = batch.people
    assert maria.name == "Maria García"
    assert maria.emails == ["maria@initech.example", "maria.g@home.example"]
    assert (maria.company, maria.role, maria.phones) == ("Initech", "Data Engineer",
                                                        ["+34 600 000 000"])
    assert maria.tags == ["work-friends"]  # "* myContacts" is Google's own label
    assert maria.linkedin == "https://www.linkedin.com/in/mariagarcia"
    assert maria.notes == "Met at PyCon, likes climbing"
    assert [(s.line, s.reason) for s in batch.skipped] == [(3, "no name")]


def test_google_legacy_layout() -> None:
    [sam] = read_google(text(GOOGLE_LEGACY)).people
    assert (sam.name, sam.company, sam.role, sam.emails, sam.phones, sam.tags) == \
        ("Sam Poe", "Umbrella", "Recruiter", ["sam@umbrella.example"], ["0123 456"],
         ["recruiters"])


def test_vcard_21_30_and_40_with_a_broken_card() -> None:
    batch = read_vcard(text(VCARDS))
    people = {p.name: p for p in batch.people}
    assert sorted(people) == ["Chidi Okafor", "Jürgen Müller", "Linh Nguyen"]
    assert people["Jürgen Müller"].phones == ["+49 30 1234567"]
    linh = people["Linh Nguyen"]
    assert linh.emails == ["linh@hooli.example"]  # an Apple itemN. group
    assert linh.role == "Senior Engineering Manager, Platform and Developer Experience"
    assert (linh.company, linh.linkedin) == ("Hooli", "https://www.linkedin.com/in/linhnguyen")
    assert linh.tags == ["friends", "bay-area"] and linh.notes == "Climbs on Tuesdays."
    chidi = people["Chidi Okafor"]
    assert (chidi.phones, chidi.emails, chidi.company) == (["+1-555-0142"],
                                                           ["chidi@vought.example"], "Vought")
    assert [(p.line) for p in batch.people] == [1, 8, 22]
    skipped = {s.line: s.reason for s in batch.skipped}
    assert sorted(skipped) == [29, 34]
    assert "cannot read this card" in skipped[29] and "without a name" in skipped[34]


@pytest.mark.parametrize("url", [
    "https://www.linkedin.com/in/janedoe", "http://linkedin.com/in/janedoe/",
    "linkedin.com/in/JaneDoe?trk=public_profile", "https://uk.linkedin.com/in/janedoe#about",
    "www.linkedin.com/in/janedoe/"])
def test_linkedin_urls_are_normalised(url: str) -> None:
    assert linkedin_key(url) == "linkedin.com/in/janedoe"


def test_linkedin_keys_tell_people_apart() -> None:
    assert linkedin_key("https://www.linkedin.com/in/jane") != \
        linkedin_key("https://www.linkedin.com/in/janedoe")
    assert linkedin_key("") is None and linkedin_key("https://www.linkedin.com/") is None


def test_name_and_company_keys() -> None:
    assert name_key("Zoë Ørsted") == name_key("orsted  ZOE") == name_key("Ørsted, Zoë")
    assert name_key("Jane Doe") != name_key("Jane Doering")
    assert company_key("Acme, Inc.") == company_key("ACME") == "acme"
    assert company_key("Acme") != company_key("Acme Labs")


def test_rows_of_one_person_in_one_file_merge() -> None:
    batch = read_linkedin(text(linkedin(LINKEDIN_ROWS)))
    merged = merge_rows(batch.people)
    jane = [p for p in merged if p.name == "Jane Doe"]
    assert len(jane) == 1 and jane[0].lines == [5, 12]
    # The first row's values win; the second fills the email it lacked.
    assert jane[0].emails == ["jane@acme.example"]
    assert jane[0].role == "Engineer, iOS and macOS"
