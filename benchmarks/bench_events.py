"""Time ``pcrm status`` on a large vault with event notes (spec 2.5, 8).

Builds the synthetic vault of ``bench.py`` (default 10,000 contacts), times
``status`` warm without event notes, then adds N event notes (default 50) that
each name 8 people (4 in ``with:``, 4 by ``[[Name]]`` links), and times
``status`` warm, after editing one event note, and after editing one contact.

    python benchmarks/bench_events.py
    python benchmarks/bench_events.py -n 30000 --events 200
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import build, timed  # noqa: E402


def add_events(root: Path, count: int, seed: int = 11) -> Path:
    """Write *count* event notes naming 8 contacts each; the first note's path."""
    rng = random.Random(seed)
    people = sorted((root / "contacts").rglob("*.md"))
    folder = root / "events"
    folder.mkdir(exist_ok=True)
    first = None
    for index in range(count):
        chosen = rng.sample(people, 8)
        ids = [p.relative_to(root / "contacts").as_posix()[:-3] for p in chosen]
        names = [p.read_text(encoding="utf-8").split("name: ", 1)[1].split("\n", 1)[0]
                 for p in chosen[4:]]
        day = f"2026-{rng.randint(9, 11):02d}-{rng.randint(1, 20):02d}"
        body = "\n\n".join(f"Talked to [[{name}]] about the platform team." for name in names)
        note = folder / f"{day}-event-{index}.md"
        note.write_text(f"---\ntime: \"18:30\"\nwith: [{', '.join(ids[:4])}]\n---\n"
                        f"# Meetup {index}\n\n{body}\n", encoding="utf-8")
        first = first or note
    assert first is not None
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--contacts", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    temp = tempfile.mkdtemp(prefix="pcrm-bench-events-")
    root = Path(temp) / "vault"
    build(root, args.contacts)
    cache = Path(temp) / "cache"
    env = dict(os.environ, PCRM_CACHE_DIR=str(cache), PCRM_TODAY="2026-11-22")
    status = [sys.executable, "-m", "pcrm", "--vault", str(root), "status"]
    baseline = timed([sys.executable, "-c", "import click, yaml"], args.repeat, env)
    rows = [("python -c 'import click, yaml' (baseline)", baseline)]
    timed(status, 1, env)
    rows.append(("status, warm, no event notes", timed(status, args.repeat, env)))
    note = add_events(root, args.events)
    timed(status, 1, env)
    rows.append((f"status, warm, {args.events} event notes", timed(status, args.repeat, env)))

    def edit_note() -> None:
        with open(note, "a", encoding="utf-8") as handle:
            handle.write("\nOne more line.\n")

    rows.append(("status, after editing one event note", timed(status, args.repeat, env,
                                                              edit_note)))
    contact = sorted((root / "contacts").rglob("*.md"))[args.contacts // 2]

    def edit_contact() -> None:
        with open(contact, "a", encoding="utf-8") as handle:
            handle.write("\n## 2026-11-21 email: benchmark edit\n")

    rows.append(("status, after editing one contact", timed(status, args.repeat, env,
                                                           edit_contact)))
    print(f"\n{args.contacts} contacts, {args.events} event notes x 8 people, "
          f"best of {args.repeat}, {os.cpu_count()} cores")
    for label, seconds in rows:
        print(f"{label:<45} {seconds:>8.3f} {seconds / baseline:>10.1f}x")
    shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
