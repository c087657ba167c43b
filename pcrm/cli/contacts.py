"""Commands about the vault and its contacts: init, new, list, show, check."""
from __future__ import annotations

import re
from pathlib import Path

import click

from pcrm.cli.app import App
from pcrm.cli.group import cli, emit_json, pass_app, report_skipped
from pcrm.core.config import CONFIG_NAME, DEFAULT_CONFIG_TEXT
from pcrm.core.errors import ConflictError, GitError, PcrmError, UsageError


def slugify(name: str) -> str:
    """``Zoë O'Brien-Łukasz`` -> ``zoe-obrien-lukasz`` (ASCII, for file names)."""
    from text_unidecode import unidecode

    text = unidecode(name).lower()
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:60].strip("-") or "contact"


def _yaml_value(value: object) -> str:
    """One YAML value on one line: ``'Dr: Who'``, ``plain``, ``[a, b]``."""
    import yaml

    # Unicode line breaks (NEL, U+2028/9) would be written raw and fold the
    # line: such a value is written with escapes instead.
    flat = " ".join(map(str, value)) if isinstance(value, list) else str(value)
    breaks = any(ch in flat for ch in "\x85\u2028\u2029")
    text = yaml.safe_dump(value, allow_unicode=not breaks, width=100000,
                          default_flow_style=True)
    return text.removesuffix("\n...\n").strip()


GITIGNORE = "# pcrm keeps its caches in .git/pcrm; this is for local files.\n.pcrm/\n"


@cli.command()
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-git", is_flag=True, help="Do not run git init or install hooks.")
def init(path: Path | None, no_git: bool) -> None:
    """Create a vault: config, contacts/, .gitignore, Git repository and hooks.

    Safe to run in an existing folder or vault: it never overwrites a file.

    \b
    Example:
      pcrm init ~/network
      cd ~/network && pcrm new "Jane Doe" --company Acme
    """
    root = (path or Path.cwd()).expanduser()
    try:
        root.mkdir(parents=True, exist_ok=True)
        (root / "contacts").mkdir(exist_ok=True)
        (root / "companies").mkdir(exist_ok=True)
    except OSError as exc:
        raise PcrmError(f"cannot create the vault in {root}: {exc.strerror}") from None
    created = []
    for name, text in ((CONFIG_NAME, DEFAULT_CONFIG_TEXT), (".gitignore", GITIGNORE)):
        file = root / name
        if not file.exists():
            file.write_text(text, encoding="utf-8")
            created.append(name)
    click.echo(f"Vault ready in {root}" + (f" (created {', '.join(created)})" if created else ""))
    if no_git:
        return
    from pcrm.git import hooks
    from pcrm.git import repo as git

    try:
        if git.init_if_needed(root):
            click.echo("Initialised a Git repository.")
        git.ensure_gitattributes(root)
        hook = hooks.install(root)
        click.echo(f"Installed the pre-commit hook: {hook}")
    except GitError as exc:
        click.echo(f"Warning: {exc} (the vault works without Git)", err=True)


@cli.command()
@click.argument("name")
@click.option("--company", help="Where they work.")
@click.option("--role", help="What they do.")
@click.option("--email", multiple=True, help="An email address (repeatable).")
@click.option("--phone", help="Phone number (kept as text).")
@click.option("--linkedin", help="LinkedIn profile URL.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--cadence", help="Keep-in-touch interval: 30d, 2w, 3m, 1y or none.")
@click.option("--commit", is_flag=True, help="Commit the new file to Git.")
@pass_app
def new(app: App, name: str, company: str | None, role: str | None, email: tuple[str, ...],
        phone: str | None, linkedin: str | None, tags: tuple[str, ...], cadence: str | None,
        commit: bool) -> None:
    """Create a contact file; never overwrites one.

    The file is contacts/<name-as-ascii>.md; a second "Jane Doe" gets
    jane-doe-2.md. A vault template at templates/contact.md is used when present
    ({name}, {company}, {role}, {date} are filled in).

    \b
    Example:
      pcrm new "Jane Doe" --company Acme --role "Engineering Manager" \\
          --email jane@acme.example --tag recruiter --cadence 30d
    """
    from pcrm.core.edit import set_front_matter_key, write_atomic
    from pcrm.core.parse import parse_contact
    from pcrm.core.timeutil import parse_cadence

    if not name.strip() or "\n" in name:
        raise UsageError("NAME must be a non-empty single line")
    if cadence is not None:
        try:
            parse_cadence(cadence)
        except ValueError as exc:
            raise UsageError(f"--cadence: {exc}") from None
    fields: dict[str, object] = {"name": name.strip()}
    for key, value in (("company", company), ("role", role), ("phone", phone),
                       ("linkedin", linkedin), ("cadence", cadence)):
        if value:
            fields[key] = value
    if email:
        fields["email"] = email[0] if len(email) == 1 else list(email)
    if tags:
        fields["tags"] = list(tags)
    # One "key: value" line per field, as people write them (a flow mapping such
    # as "{name: Jane}" would be valid YAML, but no one could edit it by line).
    front = "".join(f"{key}: {_yaml_value(value)}\n" for key, value in fields.items())
    template = app.root / "templates" / "contact.md"
    if template.is_file():
        try:
            text = template.read_bytes().decode("utf-8-sig")  # keeps CRLF, drops a BOM
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"templates/contact.md: cannot read the template ({exc})") from None
        # One pass, before the values go in: a name with "{role}" in it stays as typed.
        values = {"name": name.strip(), "company": company or "", "role": role or "",
                  "date": app.today.isoformat()}
        text = re.sub(r"\{(name|company|role|date)\}", lambda m: values[m.group(1)], text)
        if text.startswith("---"):
            # The template's own front-matter: each given field replaces its key's
            # line (or is added), quoted for YAML; no option is silently dropped.
            raw = text.encode("utf-8")
            for key, value in fields.items():
                raw = set_front_matter_key(raw, key, _yaml_value(value), "templates/contact.md")
            text = raw.decode("utf-8")
        else:
            nl = "\r\n" if "\r\n" in text else "\n"
            text = f"---{nl}{front.replace(chr(10), nl)}---{nl}{text}"
    else:
        text = f"---\n{front}---\n# {name.strip()}\n\n"
    # Never write a contact that would not read back as this person.
    parsed = parse_contact("contacts/new.md", text.encode("utf-8"), app.config)
    errors = [d for d in parsed.diagnostics if d.is_error]
    if parsed.contact is None or errors or parsed.contact.name != name.strip():
        why = errors[0].message if errors else "the name would not read back"
        where = "templates/contact.md: " if template.is_file() else ""
        raise UsageError(f"{where}the new contact file would not be valid ({why}); "
                         "nothing was written")
    if commit:
        from pcrm.git.repo import check_can_commit

        check_can_commit(app.root)
    folder = app.root / "contacts"
    folder.mkdir(exist_ok=True)
    slug = slugify(name)
    for number in range(1, 1000):
        target = folder / (f"{slug}.md" if number == 1 else f"{slug}-{number}.md")
        if target.exists():
            continue
        try:
            write_atomic(target, text.encode("utf-8"), expected=None)
        except ConflictError:
            continue
        break
    else:
        raise PcrmError(f"too many contacts named {slug}")
    rel = target.relative_to(app.root).as_posix()
    click.echo(f"Created {rel}")
    if commit:
        from pcrm.git.repo import commit_written

        commit_written(app.root, [rel], f"new: {name.strip()}")
        click.echo("Committed.")


@cli.command("list")
@click.option("--tag", help="Only contacts with this tag.")
@click.option("--company", help="Only contacts at this company (case-insensitive).")
@click.option("--all", "show_all", is_flag=True, help="Include paused and archived contacts.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_app
def list_(app: App, tag: str | None, company: str | None, show_all: bool, as_json: bool) -> None:
    """List the contacts (active ones unless --all).

    \b
    Example:
      pcrm list --company Acme
      pcrm list --tag recruiter --json
    """
    snapshot = app.snapshot
    contacts = sorted(snapshot.contacts, key=lambda c: (c.name.casefold(), c.id))
    if tag:
        contacts = [c for c in contacts if tag in c.tags]
    if company:
        contacts = [c for c in contacts if (c.company or "").casefold() == company.casefold()]
    if not show_all and not as_json:
        contacts = [c for c in contacts if c.status == "active"]
    report_skipped(snapshot.error_paths())
    if as_json:
        emit_json([{"id": c.id, "name": c.name, "company": c.company, "role": c.role,
                    "email": c.emails, "phone": c.phone, "tags": c.tags, "status": c.status,
                    "last": c.last.isoformat() if c.last else None, "path": c.path} for c in contacts])
        return
    if not contacts:
        click.echo("No contacts." + ("" if tag or company else " Add one: pcrm new \"Name\""))
        return
    width = min(32, max(len(c.name) for c in contacts))
    lines = []  # one write: 10,000 contacts print in one go
    for c in contacts:
        where = " · ".join(x for x in (c.role, c.company) if x)
        tags = " ".join(f"#{t}" for t in c.tags)
        state = "" if c.status == "active" else f" [{c.status}]"
        lines.append(f"{c.name:<{width}}  {where}{state}  {tags}".rstrip() + f"  ({c.id})")
    click.echo("\n".join(lines))


@cli.command()
@click.argument("contact")
@pass_app
def show(app: App, contact: str) -> None:
    """A contact's card, log and pending follow-ups (with the rule behind each).

    CONTACT is an id (jane-doe), a unique prefix of one, or a unique name.

    \b
    Example:
      pcrm show jane
    """
    from pcrm.core.rules import RULE_TITLES, ordered, pending

    person = app.contact(contact)
    click.echo(click.style(person.name, bold=True), color=app.color)
    for label, value in (("company", person.company), ("role", person.role),
                         ("email", ", ".join(person.emails)), ("phone", person.phone),
                         ("linkedin", person.linkedin), ("tags", ", ".join(person.tags)),
                         ("cadence", str(person.cadence) if person.cadence else None),
                         ("follow-up", person.follow_up and person.follow_up.isoformat()),
                         ("snoozed until", person.snooze and person.snooze.isoformat()),
                         ("status", person.status if person.status != "active" else None),
                         ("file", person.path)):
        if value:
            click.echo(f"  {label + ':':<14} {value}")
    click.echo("")
    click.echo(click.style("Log", bold=True), color=app.color)
    if not person.interactions:
        click.echo("  nothing logged yet")
    for item in ordered(person.interactions):
        when = item.date.isoformat() + (f" {item.time.strftime('%H:%M')}" if item.time else "")
        extra = f" (expect {item.expect.isoformat()})" if item.expect else ""
        click.echo(f"  {when:<16} {item.kind:<10} {item.title}{extra}".rstrip())
    click.echo("")
    click.echo(click.style("Follow-ups", bold=True), color=app.color)
    items = pending(person, app.config, app.today)
    if not items:
        why = f" (status: {person.status})" if person.status != "active" else ""
        click.echo(f"  nothing pending{why}")
    for item in items:
        late = item.overdue_days(app.today)
        when = f"{item.due.isoformat()}" + (f", {late} day{'s' * (late != 1)} late"
                                             if late else "")
        click.echo(f"  {RULE_TITLES[item.rule]:<14} due {when}: {item.reason} "
                   f"[rule {item.rule}]")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--staged", is_flag=True, help="Check the content staged for commit (the hook).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_app
def check(app: App, paths: tuple[Path, ...], staged: bool, as_json: bool) -> None:
    """Validate the vault, or the given files, or the staged versions.

    Prints path:line:col: error|warning: message per problem; exits 1 on any
    error, 0 with warnings only.

    \b
    Example:
      pcrm check
      pcrm check contacts/jane-doe.md
      pcrm check --staged        # what the pre-commit hook runs
    """
    from pcrm.core.validate import check_snapshot

    if staged:
        if paths:
            raise UsageError("--staged checks the whole staged snapshot; give no PATH")
        from pcrm.core.config import Config
        from pcrm.core.errors import ConfigError
        from pcrm.git.staged import staged_diagnostics

        try:
            config = app.config
        except ConfigError:
            config = Config()  # the working tree's config is broken; the staged one is used
        found = staged_diagnostics(app.root, config, app.today)
    else:
        from pcrm.core.errors import ConfigError
        from pcrm.core.model import Diagnostic
        from pcrm.store.vault import read_vault

        try:
            config = app.config
        except ConfigError as exc:  # reported like any other file's problem
            found = [Diagnostic(CONFIG_NAME, exc.line or 1, exc.col or 1, "error", exc.message)]
            _report(found, as_json, "the vault config")
            return
        snapshot = read_vault(app.root, config, with_facts=True)
        only = None
        if paths:
            only = set()
            for given in paths:
                absolute = given.resolve() if given.is_absolute() else (Path.cwd() / given).resolve()
                try:
                    rel = absolute.relative_to(app.root).as_posix()
                except ValueError:
                    raise UsageError(f"{given} is not inside the vault {app.root}") from None
                if absolute.is_dir():
                    only.update(p for p in snapshot.files if p.startswith(rel.rstrip("/") + "/")
                                or rel == ".")
                elif rel == CONFIG_NAME:
                    continue  # the config was loaded (and validated) already
                elif rel not in snapshot.files:
                    raise UsageError(f"{given} is not a contact or company file of the vault")
                else:
                    only.add(rel)
        found = check_snapshot(snapshot, app.today, only)
    _report(found, as_json, "staged files" if staged else f"{len(snapshot.files)} files",
            summary=not staged or bool(found))


def _report(found: list, as_json: bool, checked: str, *, summary: bool = True) -> None:
    """Print check's problems (or JSON) and exit 1 if any is an error."""
    errors = sum(1 for d in found if d.is_error)
    if as_json:
        emit_json({"errors": errors, "warnings": len(found) - errors,
                   "problems": [d.as_dict() for d in found]})
    else:
        if found:
            click.echo("\n".join(map(str, found)))
        if summary:
            click.echo(f"{errors} error(s), {len(found) - errors} warning(s) in {checked}.",
                       err=True)
    if errors:
        raise SystemExit(1)


@cli.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="At most this many results.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_app
def search(app: App, query: tuple[str, ...], limit: int, as_json: bool) -> None:
    """Full-text search over names, companies, roles, tags and notes, best first.

    Every word must match (as a prefix, accents ignored); each result shows the
    interaction that matches best.

    \b
    Example:
      pcrm search swift concurrency
      pcrm search acme recruiter --json
    """
    from pcrm.store.search import search as run_search

    hits = run_search(app.root, app.config, app.snapshot, " ".join(query), limit)
    if as_json:
        emit_json({"query": " ".join(query), "hits": [hit.as_json() for hit in hits]})
        return
    if not hits:
        click.echo(f"No contact matches '{' '.join(query)}'.")
        return
    for hit in hits:
        person = hit.contact
        click.echo(click.style(person.display, bold=True) + f"  ({person.id})", color=app.color)
        if hit.interaction is not None:
            item = hit.interaction
            click.echo(f"  {item.date.isoformat()} {item.kind}: {item.title}".rstrip(": "))
        click.echo(f"  {hit.snippet}")
