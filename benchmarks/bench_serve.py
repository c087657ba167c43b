"""Benchmark ``pcrm serve``: requests per second on synthetic vaults (spec 6 and 8).

Builds vaults of 2,000 and 10,000 contacts (see bench.py), starts a real
``python -m pcrm serve`` on a loopback port for each, and measures, with a few
client threads on keep-alive connections for a few seconds each:

- conditional GETs (``If-None-Match`` with the current ETag: what a calendar
  app sends when it polls), answered 304;
- full GETs with ``Accept-Encoding: gzip``, answered 200 with the gzip body;
- full GETs without compression;
- the first build (start-up) and a rebuild after one file changed.

    python benchmarks/bench_serve.py                  # 2,000 and 10,000 contacts
    python benchmarks/bench_serve.py -n 2000 -s 3     # one size, 3 s per measure

Not a test: numbers depend on the machine and on what else runs on it.
"""
from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import build  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(connection: http.client.HTTPConnection, headers: dict[str, str]
        ) -> tuple[int, dict[str, str], bytes]:
    connection.request("GET", "/calendar.ics", headers=headers)
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def rate(port: int, headers: dict[str, str], expect: int, seconds: float,
         threads: int) -> float:
    """Requests per second over *threads* keep-alive connections for *seconds*."""
    counts = [0] * threads
    stop = time.monotonic() + seconds

    def worker(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            status, _headers, _body = get(connection, headers)
            assert status == expect, status
            counts[slot] += 1
        connection.close()

    started = time.monotonic()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def measure(root: Path, count: int, seconds: float, threads: int) -> None:
    port = free_port()
    env = {**os.environ, "PCRM_TODAY": "2026-11-22"}
    started = time.monotonic()
    server = subprocess.Popen([sys.executable, "-m", "pcrm", "--vault", str(root), "serve",
                               "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, env=env)
    try:
        assert server.stdout is not None
        server.stdout.readline()  # "Serving ..." once the first build is done
        first = time.monotonic() - started
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        _, plain_headers, plain = get(connection, {})
        _, gzip_headers, zipped = get(connection, {"Accept-Encoding": "gzip"})
        time.sleep(2.5)  # past the racy window: the files' stats are trusted
        get(connection, {})
        print(f"{count} contacts: feed {len(plain) / 1024:.0f} KB, gzip "
              f"{len(zipped) / 1024:.0f} KB; start-up with the first build {first:.2f} s")
        conditional = rate(port, {"If-None-Match": plain_headers["ETag"]}, 304, seconds,
                           threads)
        print(f"  conditional GET (304):        {conditional:8.0f} requests/s")
        gzipped = rate(port, {"Accept-Encoding": "gzip"}, 200, seconds, threads)
        print(f"  full GET, gzip:               {gzipped:8.0f} requests/s")
        full = rate(port, {}, 200, seconds, threads)
        print(f"  full GET, uncompressed:       {full:8.0f} requests/s")
        target = sorted((root / "contacts").rglob("*.md"))[0]
        with open(target, "a", encoding="utf-8") as handle:
            handle.write("\n## 2026-11-21 note: benchmark edit\n")
        time.sleep(1.1)  # the server checks the vault at most once a second
        began = time.monotonic()
        status, _headers, _body = get(connection, {"If-None-Match": plain_headers["ETag"]})
        print(f"  after editing one file: {status} in {time.monotonic() - began:.2f} s "
              "(walk + rebuild)")
        connection.close()
        del gzip_headers
    finally:
        server.terminate()
        server.wait(10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--contacts", type=int, action="append",
                        help="vault size (repeatable; default 2000 and 10000)")
    parser.add_argument("-s", "--seconds", type=float, default=5.0,
                        help="seconds per measure (default 5)")
    parser.add_argument("-t", "--threads", type=int, default=4,
                        help="client threads (default 4)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        for count in args.contacts or [2000, 10000]:
            root = Path(temp) / f"vault-{count}"
            build(root, count)
            cache = Path(temp) / f"cache-{count}"
            os.environ["PCRM_CACHE_DIR"] = str(cache)
            measure(root, count, args.seconds, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
