"""A real Radicale CalDAV server on 127.0.0.1 for the publish tests, and small HTTP helpers."""
from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Radicale:
    """``python -m radicale`` in a subprocess, its storage in a temporary folder."""

    def __init__(self, folder: Path, htpasswd: Path | None = None) -> None:
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "radicale", "--config", "",
                "--server-hosts", f"127.0.0.1:{self.port}",
                "--storage-filesystem-folder", str(folder / "storage"),
                "--logging-level", "warning"]
        if htpasswd is None:
            args += ["--auth-type", "none"]
        else:
            args += ["--auth-type", "htpasswd", "--auth-htpasswd-filename", str(htpasswd),
                     "--auth-htpasswd-encryption", "plain"]
        self.log = open(folder / "radicale.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("radicale did not start: "
                                       + (folder / "radicale.log").read_text())
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()

    def storage_files(self) -> dict[str, int]:
        """Every stored file (events, caches) with its mtime_ns: a write changes this."""
        root = self.folder / "storage"
        return {str(p.relative_to(root)): p.stat().st_mtime_ns
                for p in root.rglob("*") if p.is_file()
                and not p.name.startswith(".Radicale.lock") and ".Radicale.cache" not in p.parts}


def request(url: str, method: str, body: bytes = b"", headers: dict[str, str] | None = None,
            auth: str | None = None) -> tuple[int, bytes]:
    """One plain HTTP request (for setting up calendars and reading them back)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    all_headers = dict(headers or {})
    if auth:
        import base64

        all_headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    try:
        connection.request(method, parts.path or "/", body=body, headers=all_headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def make_calendar(base: str, path: str, auth: str | None = None) -> str:
    """Create /user/ and /user/calendar/ (a calendar collection); return its URL."""
    user, _, _name = path.strip("/").partition("/")
    request(f"{base}/{user}/", "MKCOL", auth=auth)
    status, body = request(f"{base}/{path.strip('/')}/", "MKCALENDAR", auth=auth)
    assert status == 201, (status, body)
    return f"{base}/{path.strip('/')}/"


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """One Radicale server per test module (import this fixture into the module)."""
    server = Radicale(tmp_path_factory.mktemp("radicale"))
    yield server
    server.stop()
