"""Commands over the whole vault: companies (targets and gaps), report (the habit)."""
from __future__ import annotations

import datetime as dt
import re
import textwrap

import click

from pcrm.cli.app import App
from pcrm.cli.group import cli, emit_json, parse_user_date, pass_app, report_skipped

WIDTH = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def plain(text: str | None, width: int | None = None) -> str:
    """Text from a file, safe for the terminal (no control characters), cut to *width*."""
    text = text or ""
    if not text.isprintable():  # control characters are unprintable: most text has none
        text = _CONTROL.sub("", text)
    if width is not None and len(text) > width:
        text = text[:max(0, width - 1)] + "…"
    return text


def _next(person, today: dt.date) -> str:  # noqa: ANN001 - a companies.Person
    item = person.next
    if item is None:
        return ""
    late = (today - item.due).days
    when = "today" if late == 0 else (f"{late}d late" if late > 0 else f"in {-late}d")
    return f"{item.rule} {when}"


def _company_lines(view, today: dt.date) -> list[str]:  # noqa: ANN001 - a CompanyView
    from pcrm.insights.companies import GROUP_GOAL

    title = plain(view.name, 60) + ("  (target)" if view.target else "")
    lines = [click.style(title, bold=True)]
    if view.why:
        lines += textwrap.wrap(f"In: {plain(view.why)}", WIDTH - 2, initial_indent="  ",
                               subsequent_indent="      ")
    for app in view.applications:
        expect = f", expect {app.expect.isoformat()}" if app.expect else ""
        lines.append(plain(f"  Applied: {app.role}: {app.stage} since "
                           f"{app.date.isoformat()}{expect}", WIDTH))
    coverage = " · ".join(f"{group}s {count}" for group, count in view.coverage.items())
    low, high = GROUP_GOAL
    lines.append(f"  {coverage} (goal {low}-{high} each)" if view.target else f"  {coverage}")
    roles: dict[str | None, str] = {}  # thousands of people share a few roles
    nexts: dict[tuple, str] = {}  # and a few follow-ups (rule, day)
    for person in view.people:
        role = roles.get(person.role)
        if role is None:
            role = roles[person.role] = plain(person.role, 13)
        name = plain(person.name, 17)
        item = person.next
        after = ""
        if item is not None:
            after = nexts.get((item.rule, item.due))  # type: ignore[assignment]
            if after is None:
                after = nexts[item.rule, item.due] = _next(person, today)
        lines.append(f"  {person.group:<9} {name:<17} {role:<13} {person.state:<13} "
                     f"{after}".rstrip())
    if not view.people:
        lines.append("  nobody yet: pcrm new \"Name\" --company "
                     + plain(view.name, 30) if " " not in view.name else
                     f"  nobody yet: pcrm new \"Name\" --company \"{plain(view.name, 30)}\"")
    for gap in view.gaps:
        lines.append(click.style(plain(f"  ! {gap}", WIDTH), fg="yellow"))
    return lines


def show_company(app: App, query: str) -> bool:
    """``pcrm show ACME``: print the company card if *query* names a company file."""
    from pcrm.insights.companies import find_company

    snapshot = app.snapshot
    found = find_company(snapshot, app.today, query)
    if found is None:
        return False
    view, company = found
    lines = _company_lines(view, app.today)
    lines.insert(1, f"  file: {company.path}")
    if company.stages:
        lines += ["", click.style("Applications", bold=True)]
        for stage in sorted(company.stages, key=lambda s: (s.date, s.line)):
            expect = f" (expect {stage.expect.isoformat()})" if stage.expect else ""
            lines.append(plain(f"  {stage.date.isoformat()}  {stage.stage:<10} "
                               f"{stage.role}{expect}", WIDTH))
    click.echo("\n".join(lines), color=app.color)
    return True


@cli.command()
@click.option("--all", "show_all", is_flag=True,
              help="Every company with a file or contacts, not only the targets.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (spec 12).")
@pass_app
def companies(app: App, show_all: bool, as_json: bool) -> None:
    """Target companies: their "In", applications, people by role, gaps.

    A target is a company file with `target: true`. Its people are the
    contacts whose `company:` names it (case-insensitive), grouped as engineer,
    manager, recruiter or other (a tag naming the group, else words in
    `role:`), each with their state: not contacted, messaged, replied, met or
    quiet. A gap is a group with nobody in it, or a company where everyone
    went quiet. The goal: about 5 targets, 1-2 people per group at each.

    \b
    Example:
      pcrm companies
      pcrm companies --all --json
    """
    from pcrm.insights.companies import TARGET_GOAL, for_snapshot

    snapshot = app.snapshot
    today = app.today
    views = for_snapshot(snapshot, today, show_all=show_all)
    if as_json:
        emit_json({"today": today.isoformat(), "companies": [v.as_json() for v in views]})
        return
    report_skipped(snapshot.error_paths())
    targets = sum(1 for view in views if view.target)
    if not views:
        click.echo("No target companies yet: add companies/NAME.md with 'target: true' "
                   "(pcrm companies --all lists every company).")
        return
    lines: list[str] = []
    for view in views:
        lines += _company_lines(view, today) + [""]
    more = TARGET_GOAL - targets
    advice = f": pick {more} more" if more > 0 else ""
    lines.append(f"{targets} target compan{'y' if targets == 1 else 'ies'} "
                 f"(goal: about {TARGET_GOAL}){advice}.")
    click.echo("\n".join(lines), color=app.color)


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "-"


def _report_lines(report) -> list[str]:  # noqa: ANN001 - a report.Report
    period = f"since {report.since.isoformat()}" if report.since else "all time"
    lines = [click.style(f"Follow-up report, {period} (today {report.today.isoformat()})",
                         bold=True), ""]
    total, on_time = report.thank_you_total, report.thank_you_on_time
    median = report.median_hours
    thanks = f"{on_time} of {total} on time ({_share(on_time, total)})" if total else "none owed"
    if median is not None:
        thanks += f" · median {median:g} h from meeting to thank-you"
    lines.append(f"Thank-yous  {thanks}")
    for n, (channel, label) in enumerate((("message", "email/message"),
                                          ("connect", "connection request"))):
        sent, replied = report.sent[channel], report.replied[channel]
        lines.append(f"{'Replies' if n == 0 else '':<11} {label + ':':<20} {sent:>4} sent, "
                     f"{replied:>4} replied ({_share(replied, sent)})")
    line = "Funnel     "
    for n, (step, count) in enumerate(report.funnel.items()):
        part = f"{' -> ' if n else ' '}{step} {count}"
        if len(line) + len(part) > WIDTH:
            lines.append(line)
            line = " " * 11
        line += part
    lines.append(line)
    names = ", ".join(plain(c.name) for c in report.quiet[:5])
    more = f" and {len(report.quiet) - 5} more" if len(report.quiet) > 5 else ""
    quiet = f"{len(report.quiet)}" + (f": {names}{more}" if names else "")
    lines.append(plain(f"Gone quiet  {quiet}", WIDTH))
    lines += ["", "Outreach per week (messages and connection requests sent)"]
    top = max((count for _week, count in report.weeks), default=0)
    for week, count in report.weeks:
        bar = "█" * (round(50 * count / top) if top else 0)
        if count and not bar:
            bar = "▏"
        lines.append(f"  {week}  {bar}{' ' if bar else ''}{count}")
    return lines


@cli.command()
@click.option("--since", metavar="DATE", help="Only interactions from this date "
              "(YYYY-MM-DD, or 4w = four weeks ago); default: all of them.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (spec 12).")
@pass_app
def report(app: App, since: str | None, as_json: bool) -> None:
    """How you follow up, measured from your logs.

    Thank-yous sent within their window (and the median hours it took),
    messages and connection requests with their reply rates, the funnel
    (reached -> replied -> met -> interviewed -> offer), contacts gone quiet,
    and your outreach per week over the last 8 weeks.

    \b
    Example:
      pcrm report
      pcrm report --since 2026-10-01 --json
    """
    from pcrm.insights.report import build, people_of
    snapshot = app.snapshot
    today = app.today
    start = parse_user_date(since, today, future=False, option="--since") if since else None
    result = build(people_of(snapshot, app.root), snapshot.companies, app.config, today, start)
    if as_json:
        emit_json(result.as_json())
        return
    report_skipped(snapshot.error_paths())
    click.echo("\n".join(_report_lines(result)), color=app.color)
