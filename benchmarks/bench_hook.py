"""Benchmark the pre-commit hook on a synthetic Git vault (spec section 8: < 0.5 s).

Builds (or reuses) a vault of N contacts (default 10,000; the same generator as
``bench.py``), commits it, stages one modified contact, then times
``python -m pcrm --vault V check --staged`` as a fresh process, exactly what
the installed hook runs:

- cold: no cache at all (first commit after a clone, or a cache wiped);
- warm: the cache knows every staged blob (the same commit attempted again);
- warm, new edit: the cache knows every blob but the one just edited and
  staged; this is the everyday case of "a commit touching one file".

The check's cost grows with the changed files (it parses them, the company
files, and the contacts ``git grep --cached`` finds sharing their emails), so
cold and warm are close. For scale it also times a commit that changes
``.pcrm.yaml``, which re-checks every staged file through the parse cache
(cold: nothing cached; warm: every blob cached).

    python benchmarks/bench_hook.py                  # 10,000 contacts, temp folder
    python benchmarks/bench_hook.py --vault /tmp/hv  # build once, reuse later

Not a test: numbers depend on the machine.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import build  # noqa: E402 - the one synthetic-vault generator

TARGET = 0.5


def git(root: Path, *args: str) -> str:
    """Run git in *root*, failing loudly."""
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def prepare(root: Path, count: int) -> None:
    """A committed vault of *count* contacts at *root* (kept if it is already there)."""
    if (root / ".git").exists() and \
            subprocess.run(["git", "rev-parse", "-q", "--verify", "HEAD"], cwd=root,
                           capture_output=True, check=False).returncode == 0:
        print(f"Reusing {root}")
        git(root, "reset", "--quiet", "--hard", "HEAD")  # drop a previous run's edit
        return
    print(f"Building {count} contacts in {root} ...", flush=True)
    start = time.perf_counter()
    build(root, count)
    git(root, "init", "--quiet")
    git(root, "add", "--all")
    git(root, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "gc.auto=0",
        "commit", "--quiet", "--no-verify", "-m", "synthetic vault")
    # Pack now, as a lived-in repository is: left alone, the commit would start
    # `git gc --auto` in the background, competing with the first measurement.
    git(root, "gc", "--quiet")
    print(f"  built and committed in {time.perf_counter() - start:.1f} s")


def edit_one(root: Path, round_: int) -> None:
    """Append an interaction to one contact and stage it (a new blob every round)."""
    path = next((root / "contacts").rglob("person-1.md"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"\n## 2026-11-{1 + round_ % 28:02d} email: follow-up {round_}\n",
                    encoding="utf-8")
    git(root, "add", "--", str(path.relative_to(root)))


def check_staged(root: Path, env: dict[str, str]) -> float:
    """Wall-clock seconds of one ``pcrm check --staged`` process (what the hook runs)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pcrm", "--vault", str(root), "check",
                           "--staged"], env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"pcrm check --staged failed ({done.returncode}): {done.stderr.strip()[-500:]}"
                 f"{done.stdout.strip()[-500:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the vault, then print cold and warm timings."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vault", type=Path, help="build here, or reuse the vault found here")
    parser.add_argument("-n", "--count", type=int, default=10_000, help="contacts to build")
    parser.add_argument("--repeat", type=int, default=5, help="runs per warm measurement")
    args = parser.parse_args(argv)

    temporary = None if args.vault else tempfile.mkdtemp(prefix="pcrm-bench-hook-")
    root = (args.vault or Path(temporary or ".") / "vault").resolve()
    root.mkdir(parents=True, exist_ok=True)
    cache_dir = Path(tempfile.mkdtemp(prefix="pcrm-bench-hook-cache-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PCRM_"))}
    env.update(PCRM_CACHE_DIR=str(cache_dir), PCRM_TODAY="2026-11-22")
    try:
        prepare(root, args.count)
        files = len(git(root, "ls-files", "--", "contacts").splitlines())
        baseline = min(_time([sys.executable, "-c", "pass"]) for _ in range(args.repeat))
        edit_one(root, 0)

        shutil.rmtree(cache_dir, ignore_errors=True)
        cold = check_staged(root, env)
        warm = min(check_staged(root, env) for _ in range(args.repeat))
        new_edit = []
        for round_ in range(1, args.repeat + 1):
            edit_one(root, round_)
            new_edit.append(check_staged(root, env))
        best_new = min(new_edit)

        git(root, "reset", "--quiet", "--hard", "HEAD")
        config = root / ".pcrm.yaml"
        config.write_text(config.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        git(root, "add", ".pcrm.yaml")
        shutil.rmtree(cache_dir, ignore_errors=True)
        config_cold = check_staged(root, env)
        config_warm = min(check_staged(root, env) for _ in range(args.repeat))

        print(f"pcrm check --staged, {files} contact files, one staged edit "
              f"(python startup alone: {baseline:.3f} s)")
        for label, seconds in (("cold (no cache)", cold), ("warm (same staged blob)", warm),
                               ("warm, new edit (1 miss)", best_new)):
            verdict = "ok" if seconds < TARGET else f"OVER the {TARGET} s target"
            print(f"  {label:<26} {seconds:6.3f} s  {verdict}")
        print("a staged .pcrm.yaml change (every file re-checked; no target):")
        print(f"  {'cold (no cache)':<26} {config_cold:6.3f} s")
        print(f"  {'warm (all blobs cached)':<26} {config_warm:6.3f} s")
        return 0 if max(cold, warm, best_new) < TARGET else 1
    finally:
        git(root, "reset", "--quiet", "--hard", "HEAD")
        shutil.rmtree(cache_dir, ignore_errors=True)
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=False)
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
