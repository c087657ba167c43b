"""pcrm companies: role groups, states, applications, gaps, name matching, the JSON shape."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from helpers import contact
from pcrm.core.companyfile import parse_company
from pcrm.core.config import Config, parse_config
from pcrm.core.errors import ConfigError
from pcrm.insights.roles import group_of, role_words
from pcrm.core.states import state_of

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize("tags, role, extra, group", [
    (["recruiter"], "Software Engineer", "", "recruiter"),  # a tag wins over the role
    (["Managers"], None, "", "manager"),  # plural, any case
    ([], "Engineering Manager", "", "manager"),
    ([], "Head of Talent", "", "recruiter"),  # recruiter words come first
    ([], "Senior SWE", "", "engineer"),
    ([], "Co-Founder & CTO", "", "manager"),
    ([], "HR Business Partner", "", "recruiter"),
    ([], "Data Scientist", "", "engineer"),
    ([], "Product Designer", "", "other"),  # no word of any group
    ([], None, "", "other"),
    (["bootcamp"], "iOS person", "", "other"),  # a tag naming no group is ignored
    ([], "iOS person", "roles:\n  engineer: [iOS]\n", "engineer"),  # config adds words
    ([], "Staff Engineer", "roles:\n  recruiter: [staff]\n", "recruiter"),
])
def test_role_groups(tags: list[str], role: str | None, extra: str, group: str) -> None:
    config = parse_config(extra)
    assert group_of(tags, role, role_words(config)) == group


@pytest.mark.parametrize("text", ["roles: [engineer]\n", "roles:\n  designer: [ux]\n",
                                  "roles:\n  engineer: [two words]\n", "stages: []\n",
                                  "stages: [applied, applied]\n"])
def test_bad_role_and_stage_config_names_the_key(text: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert str(info.value).split(":")[0] in (".pcrm.yaml",)
    assert ("roles" in str(info.value)) or ("stages" in str(info.value))


def _summary(entries: list[tuple[str, str]], config: Config):
    from pcrm.core.parse import parse_contact
    from pcrm.store.vault import summarize

    log = "".join(f"## {day} {kind}: x\n" for day, kind in entries)
    parsed = parse_contact("contacts/a.md", contact("A", log=log).encode(), config)
    assert parsed.ok, parsed.diagnostics
    return summarize(parsed.contact, config)


@pytest.mark.parametrize("log, state", [
    ([], "not contacted"),
    ([("2026-11-01", "note")], "not contacted"),
    ([("2026-11-01", "email")], "messaged"),
    ([("2026-11-01", "email"), ("2026-11-08", "email")], "messaged"),  # one nudge
    ([("2026-11-01", "email"), ("2026-11-02", "reply")], "replied"),
    ([("2026-11-01", "email"), ("2026-11-02", "reply"), ("2026-11-05", "coffee")], "met"),
    ([("2026-11-01", "email"), ("2026-12-05", "coffee")], "messaged"),  # booked, not met yet
    # a message and the 2 nudges of the default limit, unanswered: quiet
    ([("2026-10-01", "email"), ("2026-10-08", "email"), ("2026-10-15", "linkedin")], "quiet"),
    # the last nudge's week has not run out yet: still messaged
    ([("2026-11-01", "email"), ("2026-11-08", "email"), ("2026-11-20", "email")], "messaged"),
    # quiet even after having met once: this conversation died
    ([("2026-09-01", "coffee"), ("2026-09-01", "email"), ("2026-10-01", "email"),
      ("2026-10-08", "email"), ("2026-10-15", "email")], "quiet"),
    ([("2026-10-01", "email"), ("2026-10-08", "email"), ("2026-10-15", "email"),
      ("2026-10-20", "reply")], "replied"),  # a late answer: no longer quiet
])
def test_states(log: list[tuple[str, str]], state: str) -> None:
    from pcrm.core.model import ParsedFile
    from pcrm.core.records import brief_of
    from pcrm.insights.companies import _BriefPeople

    summary = _summary(log, Config())
    assert state_of(summary, TODAY) == state
    # the same state from the index's brief (what `pcrm companies` reads)
    brief = brief_of(ParsedFile(summary.path, contact=summary))
    assert _BriefPeople(role_words(Config()), TODAY)((summary.path, brief)).state == state


def test_quiet_follows_the_nudge_limit() -> None:
    log = [("2026-10-01", "email"), ("2026-10-08", "email"), ("2026-10-15", "email")]
    config = parse_config("nudge:\n  limit: 3\n")
    assert state_of(_summary(log, config), TODAY) == "messaged"
    config = parse_config("nudge:\n  limit: 1\n")
    assert state_of(_summary(log, config), TODAY) == "quiet"


ACME = """\
---
name: Acme
target: true
why: uses Swift
---
# Acme

## 2026-11-01 applied: iOS Engineer (req 4411)
## 2026-11-12 screen: ios engineer
## 2026-11-20 onsite: iOS Engineer (expect 2026-11-27)
## 2026-11-15 applied: Platform Engineer
"""


def test_applications_latest_stage_per_role() -> None:
    from pcrm.insights.companies import applications

    parsed = parse_company("companies/acme.md", ACME.encode(), Config())
    assert parsed.ok and parsed.company is not None
    assert parsed.company.why == "uses Swift"
    apps = applications(parsed.company.stages)
    assert [(a.role, a.stage, a.date.isoformat(), a.expect) for a in apps] == [
        ("iOS Engineer", "onsite", "2026-11-20", dt.date(2026, 11, 27)),
        ("Platform Engineer", "applied", "2026-11-15", None)]


def test_stages_come_from_the_config() -> None:
    text = "---\nname: Acme\n---\n## 2026-11-01 referred: iOS Engineer\n"
    assert not parse_company("companies/a.md", text.encode(), Config()).ok
    config = parse_config("stages: [referred, applied, offer]\n")
    parsed = parse_company("companies/a.md", text.encode(), config)
    assert parsed.ok and parsed.company.stages[0].stage == "referred"


def test_check_reports_an_unknown_stage_with_a_hint(vault, run) -> None:
    root = vault({"companies/acme.md": ACME.replace("screen:", "screan:") +
                  "## 2026-11-16 ofer\n"})
    result = run(root, "check")
    assert result.exit_code == 1
    assert ("companies/acme.md:9:15: error: unknown application stage 'screan'; "
            "did you mean 'screen'?") in result.output
    assert "companies/acme.md:12:15: error: an application needs a stage" not in result.output
    assert "unknown application stage 'ofer'; did you mean 'offer'?" in result.output
    # the rest of the file still counts
    data = json.loads(run(root, "companies", "--json").output)
    assert data["companies"][0]["applications"][0]["stage"] == "onsite"


def test_a_stage_without_a_role_is_an_error(vault, run) -> None:
    root = vault({"companies/acme.md": "---\nname: Acme\n---\n## 2026-11-01 applied\n"})
    result = run(root, "check")
    assert result.exit_code == 1
    assert "'applied' names no role" in result.output


def _people_vault(vault):
    return vault({
        "companies/acme.md": ACME,
        "companies/hooli.md": "---\nname: Hooli\ntarget: true\n---\n",
        "companies/initech.md": "---\nname: Initech\n---\n",
        "contacts/jane.md": contact("Jane Doe", company="ACME", role="Engineering Manager",
                                    log="## 2026-11-10 coffee: chat\n"),
        "contacts/peter.md": contact("Peter Chen", company="acme", tags="[engineer]",
                                     log="## 2026-11-18 email: hello\n"),
        "contacts/old.md": contact("Old Timer", company="Acme", role="Recruiter",
                                   status="archived"),
        "contacts/gavin.md": contact("Gavin Belson", company="Hooli", role="CEO", log="""\
            ## 2026-10-01 email: hi
            ## 2026-10-08 email: nudge
            ## 2026-10-15 email: nudge again
            """),
        "contacts/big.md": contact("Big Head", company=" hooli ", role="Engineer", log="""\
            ## 2026-10-01 linkedin: hi
            ## 2026-10-08 email: nudge
            ## 2026-10-15 email: nudge again
            """),
        "contacts/sam.md": contact("Sam Lee", company="Umbrella", role="Talent Partner"),
        "contacts/kim.md": contact("Kim Ray", company="umbrella"),
        "contacts/ann.md": contact("Ann Bo", company="UMBRELLA"),
    })


def test_companies_json_shape_gaps_and_matching(vault, run) -> None:
    root = _people_vault(vault)
    result = run(root, "companies", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"today", "companies"} and data["today"] == "2026-11-22"
    assert [c["name"] for c in data["companies"]] == ["Acme", "Hooli"]  # targets only
    acme, hooli = data["companies"]
    assert set(acme) == {"name", "target", "why", "applications", "people", "coverage", "gaps"}
    assert acme["target"] is True and acme["why"] == "uses Swift"
    assert acme["applications"] == [
        {"role": "iOS Engineer", "stage": "onsite", "date": "2026-11-20"},
        {"role": "Platform Engineer", "stage": "applied", "date": "2026-11-15"}]
    # "ACME" and "acme" are Acme; the archived recruiter does not count
    assert acme["people"] == [
        {"contact": "peter", "name": "Peter Chen", "role": None, "group": "engineer",
         "state": "messaged"},
        {"contact": "jane", "name": "Jane Doe", "role": "Engineering Manager",
         "group": "manager", "state": "met"}]
    assert acme["coverage"] == {"engineer": 1, "manager": 1, "recruiter": 0}
    assert acme["gaps"] == ["Acme: no recruiter yet"]
    assert [p["state"] for p in hooli["people"]] == ["quiet", "quiet"]
    assert hooli["gaps"] == ["Hooli: no recruiter yet",
                             "Hooli: everyone went quiet: reach someone new"]


def test_companies_all_lists_companies_without_files(vault, run) -> None:
    root = _people_vault(vault)
    data = json.loads(run(root, "companies", "--all", "--json").output)
    names = [c["name"] for c in data["companies"]]
    assert names == ["Acme", "Hooli", "Initech", "UMBRELLA"] or \
        names == ["Acme", "Hooli", "Initech", "Umbrella"]
    umbrella = data["companies"][3]
    assert umbrella["target"] is False and umbrella["why"] is None
    assert umbrella["gaps"] == []  # only targets have gaps
    assert [(p["name"], p["group"], p["state"]) for p in umbrella["people"]] == [
        ("Sam Lee", "recruiter", "not contacted"), ("Ann Bo", "other", "not contacted"),
        ("Kim Ray", "other", "not contacted")]
    assert data["companies"][2]["people"] == []


def test_companies_text_fits_80_columns(vault, run) -> None:
    root = _people_vault(vault)
    result = run(root, "companies")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert max(map(len, lines)) <= 80
    assert "  ! Acme: no recruiter yet" in lines
    assert "  ! Hooli: everyone went quiet: reach someone new" in lines
    assert lines[-1] == "2 target companies (goal: about 5): pick 3 more."
    assert any(line.startswith("  engineer  Peter Chen") and "messaged" in line
               and "nudge in 3d" in line for line in lines)


def test_no_targets_says_how_to_add_one(vault, run) -> None:
    root = vault({"contacts/a.md": contact("A B", company="Acme")})
    result = run(root, "companies")
    assert result.exit_code == 0
    assert "No target companies yet" in result.output


def test_show_a_company_by_name(vault, run) -> None:
    root = _people_vault(vault)
    result = run(root, "show", "ACME")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:3] == ["Acme  (target)", "  file: companies/acme.md", "  In: uses Swift"]
    assert any(line.startswith("  manager   Jane Doe") for line in lines)
    assert "  ! Acme: no recruiter yet" in lines
    assert lines[-4:] == ["  2026-11-01  applied    iOS Engineer",
                          "  2026-11-12  screen     ios engineer",
                          "  2026-11-15  applied    Platform Engineer",
                          "  2026-11-20  onsite     iOS Engineer (expect 2026-11-27)"]
    # by file name too, and a company without people says so
    assert "nobody yet" in run(root, "show", "initech").output


def test_a_contact_with_the_exact_id_keeps_it(vault, run) -> None:
    root = vault({"companies/acme.md": ACME, "contacts/acme.md": contact("Acme Person")})
    assert run(root, "show", "acme").output.startswith("Acme Person")
    assert run(root, "show", "Acme Person").output.startswith("Acme Person")


QUIET_LOG = "## 2026-10-01 email: a\n## 2026-10-08 email: b\n## 2026-10-15 email: c\n"


@pytest.mark.parametrize("files, footer", [
    ({}, "2 targets have gaps: pcrm companies"),  # no recruiter; everyone quiet
    ({"contacts/gavin.md": contact("Gavin Belson", company="Hooli", role="CEO"),
      "contacts/big.md": contact("Big Head", company="hooli", role="Engineer")},
     "2 targets lack a recruiter: pcrm companies"),
    ({"contacts/r1.md": contact("R One", company="Acme", role="Recruiter"),
      "contacts/r2.md": contact("R Two", company="Hooli", role="Recruiter", log=QUIET_LOG)},
     "everyone went quiet at 1 target: pcrm companies"),
    ({"contacts/r1.md": contact("R One", company="Acme", role="Recruiter"),
      "contacts/r2.md": contact("R Two", company="Hooli", role="Recruiter",
                                log="## 2026-11-20 reply\n")},
     None),
])
def test_status_footer_names_the_gaps(vault, run, files: dict, footer: str | None) -> None:
    root = _people_vault(vault)
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")
    lines = run(root, "status").output.splitlines()
    if footer is None:
        assert not any("pcrm companies" in line for line in lines)
    else:
        assert lines[-1] == footer
    assert json.loads(run(root, "status", "--json").output)  # the JSON has no footer


def test_status_footer_reads_briefs_like_the_records(vault) -> None:
    from pcrm.insights.companies import status_gaps
    from pcrm.store.vault import read_vault

    root = _people_vault(vault)
    for use_cache in (False, True, True):  # no index, a fresh index, a warm one
        snapshot = read_vault(root, use_cache=use_cache)
        assert (snapshot.briefs is not None) == use_cache
        assert status_gaps(snapshot, TODAY) == "2 targets have gaps"
