"""Benchmark ``pcrm import linkedin``: 30,000 connections into a 10,000-contact vault.

Builds the vault of ``bench.py`` in a Git repository, and a Connections.csv
(with LinkedIn's preamble, BOM and CRLF) in which 6,000 rows are people already
in the vault (matched by email; 1,000 of them changed jobs) and 24,000 are new.
Times, as a user runs them (a fresh ``python -m pcrm`` each, wall clock, once):

1. the dry run (index warm, as after any earlier command);
2. ``--apply``: 24,000 new files, 6,000 edits, 1,000 job-change headings, one commit;
3. the same file again with ``--apply``: nothing to change.

    python benchmarks/bench_import.py
    python benchmarks/bench_import.py -n 10000 -r 30000 --keep
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import COMPANIES, FIRST, LAST, build  # noqa: E402

PREAMBLE = ('Notes:\r\n"When exporting your connection data, you may notice that some of '
            'the email addresses are missing."\r\n\r\n')
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def connections(root: Path, rows: int, known: int, moved: int, seed: int = 11) -> bytes:
    """A Connections.csv: *known* rows of vault contacts (*moved* with a new job), the
    rest new people."""
    rng = random.Random(seed)
    existing = []
    for path in sorted((root / "contacts").rglob("*.md"))[:known]:
        front = dict(line.split(": ", 1) for line in
                     path.read_text(encoding="utf-8").split("---")[1].strip().splitlines())
        existing.append(front)
    lines = []
    for index, front in enumerate(existing):
        first, last = front["name"].split(" ", 1)
        company = "Vandelay Industries" if index < moved else front["company"]
        role = "Staff Engineer" if index < moved else front["role"]
        lines.append(_row(rng, first, last, f"known{index}", front["email"], company, role))
    for index in range(rows - len(existing)):
        lines.append(_row(rng, rng.choice(FIRST), f"{rng.choice(LAST)} N{index}",
                          f"new{index}", "", rng.choice(COMPANIES), "Engineer, Platform"))
    return b"\xef\xbb\xbf" + (PREAMBLE + HEADER + "".join(lines)).encode("utf-8")


def _row(rng: random.Random, first: str, last: str, slug: str, email: str, company: str,
         role: str) -> str:
    day = f"{rng.randint(1, 28):02d} {rng.choice(MONTHS)} {rng.randint(2015, 2026)}"
    return (f'{first},{last},https://www.linkedin.com/in/{slug},{email},"{company}",'
            f'"{role}",{day}\r\n')


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd[3:])} failed: {done.stderr[-800:]}")
    return seconds, done.stdout.strip().splitlines()[-2 if "--apply" not in cmd else -2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--contacts", type=int, default=10_000)
    parser.add_argument("-r", "--rows", type=int, default=30_000)
    parser.add_argument("--keep", action="store_true", help="keep the vault and print it")
    args = parser.parse_args(argv)
    temp = Path(tempfile.mkdtemp(prefix="pcrm-bench-import-"))
    root = temp / "vault"
    build(root, args.contacts)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(PCRM_CACHE_DIR=str(temp / "cache"), PCRM_TODAY="2026-11-22",
               GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.org",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.org")
    for git in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "vault"]):
        subprocess.run(["git", *git], cwd=root, env=env, check=True)
    source = temp / "Connections.csv"
    source.write_bytes(connections(root, args.rows, known=min(6000, args.contacts),
                                   moved=min(1000, args.contacts)))
    pcrm = [sys.executable, "-m", "pcrm", "import", "linkedin", str(source)]
    subprocess.run([sys.executable, "-m", "pcrm", "status"], cwd=root, env=env,
                   stdout=subprocess.DEVNULL, check=True)  # the index, as any command leaves it
    print(f"{args.rows:,} LinkedIn rows into {args.contacts:,} contacts (Python "
          f"{sys.version.split()[0]}):")
    for label, extra in (("dry run", []), ("--apply", ["--apply"]),
                         ("again, --apply (nothing to do)", ["--apply"])):
        seconds, summary = run(pcrm + extra, env, root)
        print(f"  {label:<32} {seconds:6.2f} s   {summary}")
    commits = subprocess.run(["git", "log", "--format=%s"], cwd=root, env=env,
                             capture_output=True, text=True).stdout.splitlines()
    print(f"  commits: {commits[:2]}")
    if args.keep:
        print(f"  vault: {root}")
    else:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
