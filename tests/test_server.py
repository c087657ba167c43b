"""``pcrm serve``: the real HTTP server on a loopback port, hit with urllib and http.client."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import http.client
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable, Iterator

import pytest
from click.testing import Result
from icalendar import Calendar

from helpers import contact
from pcrm.cli.app import App
from pcrm.store.paths import state_dir
from pcrm.core.errors import ServeError
from pcrm.calendar.feed import generate
from pcrm.calendar.live import RACY_SECONDS, LiveFeed
from pcrm.calendar.server import (TOKEN_FILE, accepts_gzip, etag_matches, is_loopback,
                                  load_token, make_server)

Run = Callable[..., Result]
Vault = Callable[..., Path]

JANE = contact("Jane Doe", """
    ## 2026-11-20 interview: phone screen
    """, company="Acme")
SECRET = "Jane's private notes: salary 123456"
FILES = {"contacts/jane-doe.md": JANE + SECRET + "\n"}
# No proxy from the environment may stand between the tests and 127.0.0.1.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@contextmanager
def serving(feed: Callable[[], bytes], token: str | None = None
            ) -> Iterator[tuple[str, list[str]]]:
    """A real server on a free loopback port, in a thread: (base URL, its log lines)."""
    logs: list[str] = []
    server = make_server("127.0.0.1", 0, feed, token, log=logs.append)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", logs
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def vault_feed(root: Path) -> Callable[[], bytes]:
    """What ``pcrm serve`` passes: a fresh App (and snapshot) per request."""
    def build() -> bytes:
        app = App(vault=str(root), today="2026-11-22")
        return generate(app.snapshot.contacts, app.config, app.today, app.state_dir).data

    return build


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None
          ) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def raw(base: str, path: str, method: str = "GET") -> tuple[int, bytes]:
    """A request with the path exactly as given (no client-side normalising)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_get_serves_the_feed(vault: Vault) -> None:
    with serving(vault_feed(vault(FILES))) as (base, logs):
        status, headers, body = fetch(base + "/calendar.ics")
    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["ETag"] == '"' + hashlib.sha256(body).hexdigest() + '"'
    assert headers["Content-Length"] == str(len(body))
    assert parsedate_to_datetime(headers["Last-Modified"]).tzinfo is not None
    summaries = [str(e["summary"]) for e in Calendar.from_ical(body).walk("VEVENT")]
    assert summaries == ["Thank-you: Jane Doe (Acme)"]
    assert logs == ['127.0.0.1 "GET /calendar.ics HTTP/1.1" 200']


def test_head_has_the_headers_and_no_body(vault: Vault) -> None:
    with serving(vault_feed(vault(FILES))) as (base, _logs):
        _, got, body = fetch(base + "/calendar.ics")
        status, head, empty = fetch(base + "/calendar.ics", method="HEAD")
    assert (status, empty) == (200, b"")
    for name in ("ETag", "Content-Type", "Content-Length", "Last-Modified"):
        assert head[name] == got[name]


def test_if_none_match(vault: Vault) -> None:
    with serving(vault_feed(vault(FILES))) as (base, _logs):
        url = base + "/calendar.ics"
        etag = fetch(url)[1]["ETag"]
        for header in (etag, f'"other", {etag}', "*", f"W/{etag}"):
            status, headers, body = fetch(url, headers={"If-None-Match": header})
            assert (status, body) == (304, b""), header
            assert headers["ETag"] == etag
        status, _, body = fetch(url, headers={"If-None-Match": '"other"'})
        assert status == 200 and body
        # HEAD revalidates the same way.
        assert fetch(url, "HEAD", {"If-None-Match": etag})[0] == 304


def test_if_modified_since(vault: Vault) -> None:
    with serving(vault_feed(vault(FILES))) as (base, _logs):
        url = base + "/calendar.ics"
        modified = fetch(url)[1]["Last-Modified"]
        assert fetch(url, headers={"If-Modified-Since": modified})[0] == 304
        old = "Thu, 01 Jan 2015 00:00:00 GMT"
        assert fetch(url, headers={"If-Modified-Since": old})[0] == 200
        assert fetch(url, headers={"If-Modified-Since": "garbage"})[0] == 200


@pytest.mark.parametrize("path", [
    "/", "/calendar", "/calendar.ics/", "/calendar.ics/x", "/Calendar.ics", "/.pcrm.yaml",
    "/contacts/jane-doe.md", "/../.pcrm.yaml", "/%2e%2e/.pcrm.yaml", "/%2e%2e/",
    "/calendar.ics/../contacts/jane-doe.md", "//etc/passwd", "/./calendar.ics",
    "/calendar%2Eics", "/x/calendar.ics"])
def test_every_other_path_is_404(vault: Vault, path: str) -> None:
    with serving(vault_feed(vault(FILES))) as (base, _logs):
        status, body = raw(base, path)
        head_status, head_body = raw(base, path, "HEAD")
    assert (status, head_status, head_body) == (404, 404, b"")
    assert SECRET.encode() not in body and b"name:" not in body


def test_other_methods_are_405(vault: Vault) -> None:
    with serving(vault_feed(vault(FILES))) as (base, _logs):
        for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"):
            status, headers, _ = fetch(base + "/calendar.ics", method=method)
            assert status == 405, method
            assert headers["Allow"] == "GET, HEAD"
        assert fetch(base + "/elsewhere", method="POST")[0] == 404


def test_edits_show_up_without_a_restart(vault: Vault) -> None:
    root = vault(FILES)
    with serving(vault_feed(root)) as (base, _logs):
        url = base + "/calendar.ics"
        _, first, body = fetch(url)
        assert b"Thank-you: Jane Doe" in body
        with open(root / "contacts/jane-doe.md", "a", encoding="utf-8") as handle:
            handle.write("\n## 2026-11-21 email: thank-you note\n")
        (root / "contacts/bob.md").write_text(contact("Bob Smith", follow_up="2026-12-01"),
                                              encoding="utf-8")
        status, second, body = fetch(url, headers={"If-None-Match": first["ETag"]})
    assert status == 200
    assert second["ETag"] != first["ETag"]
    summaries = [str(e["summary"]) for e in Calendar.from_ical(body).walk("VEVENT")]
    # The thank-you starts no nudge clock; the interview's check-in follows it.
    assert summaries == ["Check-in: Jane Doe (Acme)", "Follow-up: Bob Smith"]


def test_a_token_guards_the_feed(vault: Vault) -> None:
    token = "s3cret-Token_0123456789abcdef"
    with serving(vault_feed(vault(FILES)), token=token) as (base, logs):
        assert raw(base, "/calendar.ics")[0] == 404
        assert raw(base, "/wrong-token-0123456789abcdef/calendar.ics")[0] == 404
        assert raw(base, f"/{token}/")[0] == 404
        assert raw(base, f"/{token}/calendar.ics", "POST")[0] == 405
        status, body = raw(base, f"/{token}/calendar.ics")
    assert status == 200 and body.startswith(b"BEGIN:VCALENDAR")
    assert logs and not any(token in line for line in logs)  # the log hides it


def test_no_token_beyond_loopback() -> None:
    with pytest.raises(ServeError, match="token"):
        make_server("0.0.0.0", 0, lambda: b"", None)


def test_a_generation_error_is_a_500_with_one_line(vault: Vault) -> None:
    root = vault(FILES)
    with serving(vault_feed(root)) as (base, logs):
        (root / ".pcrm.yaml").write_text("calendar:\n  name: [broken\n", encoding="utf-8")
        status, _, body = fetch(base + "/calendar.ics")
        assert status == 500
        assert body.startswith(b"Error: .pcrm.yaml") and body.count(b"\n") == 1
        (root / ".pcrm.yaml").write_text("", encoding="utf-8")
        assert fetch(base + "/calendar.ics")[0] == 200  # fixed: no restart needed
    (failure,) = [line for line in logs if "failed" in line]
    assert "\n" not in failure and "Traceback" not in failure


def test_a_bug_in_the_feed_is_a_500_without_traceback(capfd: pytest.CaptureFixture[str]
                                                       ) -> None:
    def broken() -> bytes:
        raise RuntimeError("boom\nsecond line")

    with serving(broken) as (base, logs):
        status, _, body = fetch(base + "/calendar.ics")
    assert (status, body) == (500, b"Error: internal error: RuntimeError: boom second line\n")
    assert "Traceback" not in capfd.readouterr().err
    assert len(logs) == 2  # the failure and the request


def test_etag_matching() -> None:
    assert etag_matches('"a"', '"a"')
    assert etag_matches(' "b" , "a"', '"a"')
    assert etag_matches("*", '"a"')
    assert etag_matches('W/"a"', '"a"')
    assert not etag_matches('"b"', '"a"')
    assert not etag_matches("", '"a"')


def test_loopback_detection() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.168.1.5", "example.org", ""]))


def test_the_token_file(tmp_path: Path) -> None:
    folder = tmp_path / "state"
    token = load_token(folder)
    assert len(token) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert stat.S_IMODE((folder / TOKEN_FILE).stat().st_mode) == 0o600
    assert load_token(folder) == token
    renewed = load_token(folder, renew=True)
    assert renewed != token and load_token(folder) == renewed
    (folder / TOKEN_FILE).write_text("short\n", encoding="ascii")  # damaged: replaced
    assert load_token(folder) not in (token, renewed, "short")


def test_a_port_in_use_is_a_clean_error(vault: Vault, run: Run) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(vault(FILES), "serve", "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot listen on 127.0.0.1 port")
    assert "Traceback" not in result.output


def test_a_broken_vault_refuses_to_start(vault: Vault, run: Run) -> None:
    result = run(vault(FILES, config="nonsense: 1\n"), "serve", "--port", "0")
    assert result.exit_code == 2 and result.stderr.startswith("Error: .pcrm.yaml:1")


@contextmanager
def pcrm_serve(root: Path, *args: str) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """``python -m pcrm serve`` in a real process: (process, http URL, start-up message)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pcrm", "--vault", str(root), "--today", "2026-11-22",
         "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        banner = ""
        while "Ctrl-C" not in banner and process.poll() is None:
            banner += process.stdout.readline()
        match = re.search(r"(http://\S+)", banner)
        assert match, banner + (process.stderr.read() if process.stderr else "")
        yield process, match.group(1), banner
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def test_serve_in_a_real_process_stops_cleanly_on_ctrl_c(vault: Vault) -> None:
    with pcrm_serve(vault(FILES)) as (process, url, banner):
        assert url.startswith("http://127.0.0.1:") and url.endswith("/calendar.ics")
        assert fetch(url)[0] == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert url.replace("http", "webcal") in banner and out == ""
    assert "Stopped." in err and "Traceback" not in err


def test_serve_beyond_loopback_requires_its_token(vault: Vault) -> None:
    root = vault(FILES)
    with pcrm_serve(root, "--host", "0.0.0.0") as (process, url, _banner):
        token = (state_dir(root) / TOKEN_FILE).read_text().strip()
        assert f"/{token}/calendar.ics" in url
        port = url.split(":")[2].split("/")[0]
        local = f"http://127.0.0.1:{port}"
        assert fetch(local + "/calendar.ics")[0] == 404
        assert fetch(f"{local}/{token}/calendar.ics")[0] == 200
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    # The next start reuses the same token: the subscription URL survives restarts.
    with pcrm_serve(root, "--host", "0.0.0.0") as (process, url, _banner):
        assert f"/{token}/calendar.ics" in url
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    assert process.returncode == 0


# -- gzip, and a feed that is rebuilt only when the vault changed ------------------------

@pytest.mark.parametrize(("header", "expected"), [
    (None, False), ("", False), ("identity", False), ("gzip", True), ("GZip", True),
    ("deflate, gzip;q=0.5", True), ("gzip;q=0", False), ("gzip; q=0.0, *", False),
    ("*", True), ("*;q=0", False), ("x-gzip", True), ("br, deflate", False),
    ("gzip;q=bad", False),
])
def test_accepts_gzip(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_gzip_when_the_client_accepts_it(vault: Vault) -> None:
    with serving(vault_feed(vault(FILES))) as (base, _logs):
        url = base + "/calendar.ics"
        _, plain_headers, plain = fetch(url)
        status, headers, body = fetch(url, headers={"Accept-Encoding": "gzip, deflate"})
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert headers["Vary"] == plain_headers["Vary"] == "Accept-Encoding"
        assert gzip.decompress(body) == plain
        assert headers["Content-Length"] == str(len(body)) and len(body) < len(plain)
        # Each encoding has its own strong tag; either one revalidates.
        assert headers["ETag"] != plain_headers["ETag"]
        for tag in (headers["ETag"], plain_headers["ETag"]):
            assert fetch(url, headers={"Accept-Encoding": "gzip",
                                       "If-None-Match": tag})[0] == 304
        assert fetch(url, "HEAD", {"Accept-Encoding": "gzip"})[1]["Content-Length"] == \
            str(len(body))
        assert "Content-Encoding" not in fetch(url, headers={"Accept-Encoding": "gzip;q=0"})[1]


def test_a_304_costs_no_rebuild_and_an_edit_shows_up(vault: Vault) -> None:
    root = vault(FILES)
    live = LiveFeed(root, dt.date(2026, 11, 22), interval=0)  # check the vault every time
    with serving(live) as (base, _logs):
        url = base + "/calendar.ics"
        _, headers, body = fetch(url)
        time.sleep(RACY_SECONDS + 0.1)  # the files are old enough to be trusted
        fetch(url)
        builds = live.builds
        for _ in range(20):
            assert fetch(url, headers={"If-None-Match": headers["ETag"]})[0] == 304
        assert live.builds == builds and live.checks >= 20
        with open(root / "contacts/jane-doe.md", "a", encoding="utf-8") as handle:
            handle.write("\n## 2026-11-21 email: thank-you note\n")
        status, after, changed = fetch(url, headers={"If-None-Match": headers["ETag"]})
        assert status == 200 and live.builds == builds + 1
        assert b"Thank-you: Jane" in body and b"Thank-you: Jane" not in changed
        assert parsedate_to_datetime(after["Last-Modified"]) > \
            parsedate_to_datetime(headers["Last-Modified"])


def test_within_the_interval_the_vault_is_not_even_walked(vault: Vault) -> None:
    root = vault(FILES)
    live = LiveFeed(root, dt.date(2026, 11, 22), interval=60)
    with serving(live) as (base, _logs):
        for _ in range(10):
            assert fetch(base + "/calendar.ics")[0] == 200
    assert (live.builds, live.checks) == (1, 1)


def test_last_modified_is_when_the_content_changed_and_survives_a_restart(vault: Vault
                                                                          ) -> None:
    root = vault(FILES)
    with serving(LiveFeed(root, dt.date(2026, 11, 22))) as (base, _logs):
        first = fetch(base + "/calendar.ics")[1]
    time.sleep(1.1)
    with serving(LiveFeed(root, dt.date(2026, 11, 22))) as (base, _logs):
        again = fetch(base + "/calendar.ics")[1]
        assert again["Last-Modified"] == first["Last-Modified"]
        assert again["ETag"] == first["ETag"]
        assert fetch(base + "/calendar.ics",
                     headers={"If-Modified-Since": first["Last-Modified"]})[0] == 304


def test_serve_in_a_real_process_answers_gzip_and_304(vault: Vault) -> None:
    root = vault(FILES)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "pcrm", "--vault", str(root), "--today",
                                "2026-11-22", "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        process.stdout.readline()  # "Serving ..." once it listens
        url = f"http://127.0.0.1:{port}/calendar.ics"
        status, headers, body = fetch(url, headers={"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert b"Thank-you: Jane Doe (Acme)" in gzip.decompress(body)
        assert fetch(url, headers={"Accept-Encoding": "gzip",
                                   "If-None-Match": headers["ETag"]})[0] == 304
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
