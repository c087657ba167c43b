"""Instructions, not seconds: warm commands as a count of user-space instructions.

On a machine shared with other jobs the wall clock of a 0.2 s command moves by
a factor of two between runs; the number of instructions the process executes
does not (it varies by well under 1 %). This script builds the vault of
``bench_floor.py`` (or takes ``--vault``), warms each command once, then runs
it under ``valgrind --tool=callgrind`` and prints its instruction count beside
the floor's (``python -c "import click, yaml"``) and the ratio. System calls
(the ``stat`` of every file) are not counted: read the ratio as the CPU work
pcrm itself does, and ``bench_floor.py`` for the wall clock.

    python benchmarks/bench_instructions.py                  # 10,000 contacts
    python benchmarks/bench_instructions.py --vault /tmp/v   # an existing vault

Needs valgrind (``apt install valgrind``); about 20 s per command.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import build  # noqa: E402 - the one synthetic-vault generator
from bench_events import add_events  # noqa: E402

COMMANDS = [["status"], ["status", "--json"], ["list"], ["companies"], ["report"],
            ["search", "swift"], ["calendar"]]


def instructions(cmd: list[str], env: dict[str, str]) -> int:
    """User-space instructions *cmd* executes (callgrind's "Collected")."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        sys.exit(f"valgrind gave no count for {' '.join(cmd)}: {done.stderr[-300:]}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--contacts", type=int, default=10_000)
    parser.add_argument("--vault", type=Path, help="an existing vault (not built, not removed)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed")
    temp = Path(tempfile.mkdtemp(prefix="pcrm-instr-"))
    try:
        root = args.vault
        if root is None:
            root = temp / "vault"
            build(root, args.contacts)
            add_events(root, 50)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PCRM_"))}
        env.update(PCRM_CACHE_DIR=str(temp / "cache"), PCRM_TODAY="2026-11-22")
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed by pip: bytecode kept
        subprocess.run([sys.executable, "-m", "compileall", "-q",
                        str(Path(__file__).resolve().parent.parent / "pcrm")], env=env, check=False)
        floor = instructions([sys.executable, "-c", "import click, yaml"], env)
        print(f"{'command':<24} {'instructions':>15} {'x floor':>8}")
        print(f"{'import click, yaml':<24} {floor:>15,} {1:>8.2f}")
        pcrm = [sys.executable, "-m", "pcrm", "--vault", str(root)]
        for command in COMMANDS:
            subprocess.run(pcrm + command, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)  # warm the caches
            count = instructions(pcrm + command, env)
            print(f"{' '.join(command):<24} {count:>15,} {count / floor:>8.2f}", flush=True)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
