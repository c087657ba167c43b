"""Commands that bring a network in and out: import (LinkedIn, Google, vCard), export."""
from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from pcrm.cli.app import App
from pcrm.cli.group import cli, emit_json, pass_app, report_skipped

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
PROGRESS_FROM = 500  # rows: smaller imports are done before a bar would be read


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal for long jobs; nothing when stderr is piped."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _shown(value: Any) -> str:
    if value is None or value == []:
        return "(none)"
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return _CONTROL.sub("?", str(value))


def _table(rows: list[Any]) -> str:
    lines = []
    for row in rows:
        if row.action == "same":
            continue
        if row.action == "skipped":
            lines.append(f"skipped  {_shown(row.reason)}")
            continue
        who = _shown(row.name) + (f" -> {row.contact}" if row.contact else "")
        if row.action == "new":
            detail = " · ".join(_shown(v) for k, (_o, v) in row.changes.items()
                                if k in ("role", "company"))
        elif row.action == "update":
            detail = "; ".join(f"{key}: {_shown(old)} -> {_shown(new)}"
                               for key, (old, new) in row.changes.items())
        else:
            detail = _shown(row.reason)
        if row.action == "update" and row.job_change:
            detail += " [job change]"
        lines.append(f"{row.action:<8} {who}" + (f": {detail}" if detail else ""))
    return "\n".join(lines)


@cli.command("import")
@click.argument("fmt", metavar="linkedin|google|vcard",
                type=click.Choice(["linkedin", "google", "vcard"], case_sensitive=False))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--apply", "apply_", is_flag=True, help="Write the changes (and commit them "
              "when the vault is a Git repository). Without it, nothing is written.")
@click.option("--overwrite", is_flag=True, help="Let the file's name, email, phone and "
              "LinkedIn URL replace the ones in your contacts.")
@click.option("--json", "as_json", is_flag=True, help="The review as JSON.")
@pass_app
def import_(app: App, fmt: str, file: Path, apply_: bool, overwrite: bool,
            as_json: bool) -> None:
    """Bring contacts in from LinkedIn, Google Contacts or a vCard file.

    A dry run unless --apply: prints what would be new, updated, the same, for
    review (a name alone matches; never applied) or skipped. People are matched
    by LinkedIn URL, else email, else name and company; nobody gets a second file.
    A new company or role on LinkedIn is a job change: the contact is updated and
    a job-change is logged, which makes a congratulate follow-up.

    \b
    Example:
      pcrm import linkedin ~/Downloads/Connections.csv
      pcrm import linkedin ~/Downloads/Connections.csv --apply
      pcrm import google contacts.csv --json
      pcrm import vcard phone.vcf --apply
    """
    from pcrm.exchange.plan import make_plan
    from pcrm.exchange.source import read_import

    batch = read_import(fmt, file)
    snapshot = app.snapshot
    report_skipped(snapshot.error_paths())
    with progress("Matching", len(batch.people)) as step:
        plan = make_plan(batch, app.root, app.config, snapshot.contacts, app.today,
                         overwrite=overwrite, progress=step)
    done = None
    if apply_:
        from pcrm.exchange.apply import apply_plan

        counts = plan.counts()
        with progress("Writing", counts["new"] + counts["update"]) as step:
            done = apply_plan(plan, app.root, app.config, app.today, progress=step)
    if as_json:
        emit_json(plan.as_json())
        return
    table = _table(plan.rows)
    if table:
        click.echo(table)
    counts = plan.counts()
    click.echo(f"{plan.source}: " + ", ".join(f"{n} {action}" for action, n in counts.items())
               + ".")
    if done is None:
        click.echo("Dry run: nothing was written. To write it: "
                   f"pcrm import {fmt.lower()} {file} --apply")
    else:
        click.echo(done.summary())


@cli.command()
@click.argument("fmt", metavar="vcard", type=click.Choice(["vcard"], case_sensitive=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@pass_app
def export(app: App, fmt: str, output: Path | None) -> None:
    """Write your active contacts as vCard 3.0, for phones, Apple Contacts, khard, CardDAV.

    \b
    Example:
      pcrm export vcard -o network.vcf
      pcrm export vcard > network.vcf
    """
    from pcrm.exchange.export import export_vcard
    from pcrm.store.files import REPLACE, write_atomic

    snapshot = app.snapshot
    report_skipped(snapshot.error_paths())
    text = export_vcard(snapshot.contacts)
    count = text.count("BEGIN:VCARD")
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(output, text.encode("utf-8"), expected=REPLACE)
    click.echo(f"Wrote {count} contact(s) to {output}", err=True)
