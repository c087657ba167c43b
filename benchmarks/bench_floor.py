"""Spec section 8 as ratios to floors measured in the same run.

Builds a synthetic vault (default 10,000 contacts; ``--large`` adds a 30,000
run) with the generator of ``bench.py`` plus event notes (``bench_events.py``)
and company files, then times whole commands as a user runs them (a fresh
``python -m pcrm`` process each, wall clock, median of ``--repeat`` runs) and
prints every target of the section: the measured figure, its ratio to the
floor (``python -c "import click, yaml"``, median of the same number of runs)
or to its limit, and met / not met. Memory is the child's maximum resident set
(``os.wait4``'s rusage), the largest over the runs. Beside each wall-clock
ratio is the ratio of CPU time (user + system), which other jobs on a shared
machine disturb less. Children keep compiled bytecode, as a pip install does.

    python benchmarks/bench_floor.py                 # 10,000 contacts
    python benchmarks/bench_floor.py --large         # and 30,000
    python benchmarks/bench_floor.py --skip-hook     # no Git repository (faster)

Not a test: the machine is shared, so read medians, and compare ratios rather
than seconds between runs.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import build  # noqa: E402 - the one synthetic-vault generator
from bench_events import add_events  # noqa: E402

FLOOR = [sys.executable, "-c", "import click, yaml"]


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """Wall-clock seconds, max RSS (bytes) and CPU seconds (user + system) of one run."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    err = child.stderr.read() if child.stderr else b""
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed: {err.decode()[-500:]}")
    return elapsed, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


CPU: dict[tuple[str, ...], float] = {}  # median CPU seconds per command, for the ratios


def measure(cmd: list[str], env: dict[str, str], repeat: int,
            before: Callable[[], None] | None = None) -> tuple[float, int]:
    """Median seconds and largest RSS of *repeat* runs (*before* runs untimed first)."""
    times, cpu, peak = [], [], 0
    for _ in range(repeat):
        if before:
            before()
        seconds, rss, used = run_once(cmd, env)
        times.append(seconds)
        cpu.append(used)
        peak = max(peak, rss)
    CPU[tuple(cmd)] = statistics.median(cpu)
    return statistics.median(times), peak


class Report:
    """Collects target lines and prints them as a table."""

    def __init__(self, floor: float, floor_cpu: float) -> None:
        self.floor = floor
        self.floor_cpu = floor_cpu
        self.lines: list[tuple[str, str, str, bool]] = []

    def ratio(self, target: str, seconds: float, limit: float, cpu: float) -> None:
        """A target 'at most *limit* x the floor' (wall clock; the CPU ratio beside it)."""
        ratio = seconds / self.floor
        self.lines.append((target, f"{seconds:.3f} s",
                           f"{ratio:.2f}x floor (cpu {cpu / self.floor_cpu:.2f}x)",
                           ratio <= limit))

    def absolute(self, target: str, value: float, limit: float, unit: str) -> None:
        """A target 'under *limit* *unit*'."""
        shown = f"{value:.3f} s" if unit == "s" else f"{value:.0f} MB"
        self.lines.append((target, shown, f"{value / limit:.2f}x limit", value < limit))

    def relative(self, target: str, seconds: float, base: float, limit: float) -> None:
        """A target 'within *limit* of *base*' (0.10 = 10 %)."""
        change = seconds / base - 1
        self.lines.append((target, f"{seconds:.3f} s", f"{change:+.0%} vs warm",
                           change <= limit))

    def print(self, title: str) -> None:
        print(f"\n{title}")
        print(f"{'target':<52} {'measured':>10} {'ratio':>30}  verdict")
        for target, shown, ratio, met in self.lines:
            print(f"{target:<52} {shown:>10} {ratio:>30}  {'met' if met else 'NOT MET'}")


def git(root: Path, *args: str) -> None:
    """Run git in *root* quietly, failing loudly."""
    done = subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=b@example.com",
                           "-c", "gc.auto=0", *args], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"git {' '.join(args)} failed: {done.stderr.strip()}")


def one_size(count: int, events: int, repeat: int, hook: bool) -> None:
    """Build a vault of *count* contacts and print every target for it."""
    temp = Path(tempfile.mkdtemp(prefix="pcrm-floor-"))
    root, cache = temp / "vault", temp / "cache"
    try:
        started = time.perf_counter()
        build(root, count)
        add_events(root, events)
        print(f"built {count} contacts, {events} event notes, "
              f"{len(list((root / 'companies').glob('*.md')))} company files "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PCRM_"))}
        env.update(PCRM_CACHE_DIR=str(cache), PCRM_TODAY="2026-11-22")
        # As installed by pip: compiled bytecode is kept. Without it every run
        # compiles pcrm's modules again (about 0.04 s), which the floor never pays.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(__file__).resolve()
                        .parent.parent / "pcrm")], env=env, check=False)
        pcrm = [sys.executable, "-m", "pcrm", "--vault", str(root)]
        floor, _ = measure(FLOOR, env, repeat)
        report = Report(floor, CPU[tuple(FLOOR)])
        large = count > 10_000

        def drop_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        cold, cold_rss = measure(pcrm + ["status"], env, repeat, drop_cache)
        warm, warm_rss = measure(pcrm + ["status"], env, repeat)
        warm_cpu = CPU[tuple(pcrm + ["status"])]
        edited = sorted((root / "contacts").rglob("*.md"))[count // 2]

        def touch_one() -> None:
            with open(edited, "a", encoding="utf-8") as handle:
                handle.write("\n## 2026-11-21 email: benchmark edit\n")

        after_edit, _ = measure(pcrm + ["status"], env, repeat, touch_one)
        report.ratio(f"status warm, {count:,} (<= {5 if large else 2.5}x floor)", warm,
                     5 if large else 2.5, warm_cpu)
        report.relative("status after editing one file (within 10% of warm)", after_edit,
                        warm, 0.10)
        report.absolute(f"status cold, {count:,} (< {3 if large else 1} s)", cold,
                        3 if large else 1.0, "s")
        commands = [["companies"], ["report"], ["list"], ["search", "swift"], ["calendar"]]
        cal_rss = 0
        for args in commands:
            run_once(pcrm + args, env)  # first run fills what the command caches
            seconds, rss = measure(pcrm + args, env, repeat)
            if args == ["calendar"]:
                cal_rss = rss
            report.ratio(f"{' '.join(args)} warm (< 3x floor)", seconds, 3, CPU[tuple(pcrm + args)])
        mb = 1024 * 1024
        report.absolute("max RSS, status warm (< 100 MB at 30,000)", warm_rss / mb, 100, "MB")
        report.absolute("max RSS, status cold (< 150 MB at 30,000)", cold_rss / mb, 150, "MB")
        report.absolute("max RSS, calendar warm (< 150 MB at 30,000)", cal_rss / mb, 150, "MB")
        if hook:
            report.absolute("pre-commit hook, one-file commit (< 0.3 s)",
                            hook_time(root, env, repeat), 0.3, "s")
        report.print(f"{count:,} contacts, median of {repeat}, {os.cpu_count()} cores, "
                     f"floor `python -c \"import click, yaml\"` = {floor:.3f} s, "
                     f"load average {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def hook_time(root: Path, env: dict[str, str], repeat: int) -> float:
    """Median seconds of ``pcrm check --staged`` for a fresh one-file edit each run."""
    git(root, "init", "--quiet")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--no-verify", "-m", "synthetic vault")
    git(root, "gc", "--quiet")
    path = next((root / "contacts").rglob("person-1.md"))
    cmd = [sys.executable, "-m", "pcrm", "--vault", str(root), "check", "--staged"]
    times = []
    for round_ in range(repeat + 1):
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"\n## 2026-11-{1 + round_ % 28:02d} email: follow-up {round_}\n")
        git(root, "add", "--", str(path.relative_to(root)))
        seconds, _, _ = run_once(cmd, env)
        if round_:  # the first run fills the parse cache of the committed blobs
            times.append(seconds)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--contacts", type=int, default=10_000)
    parser.add_argument("--large", action="store_true", help="also run 30,000 contacts")
    parser.add_argument("--events", type=int, default=50, help="event notes (8 people each)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-hook", action="store_true", help="no Git repository")
    args = parser.parse_args(argv)
    one_size(args.contacts, args.events, args.repeat, not args.skip_hook)
    if args.large:
        one_size(30_000, args.events * 3, args.repeat, False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
