"""``pcrm publish --caldav``: against a real Radicale server on 127.0.0.1 (spec 13)."""
from __future__ import annotations

import datetime as dt
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Callable, Iterator

import keyring
import pytest
from click.testing import Result
from icalendar import Calendar
from keyring.backend import KeyringBackend

from helpers import contact
from pcrm.calendar import publog
from pcrm.calendar.davconn import Connection, credentials
from pcrm.calendar.feed import generate
from pcrm.calendar.publish import MARKER, publish, split_feed
from pcrm.cli.app import App
from pcrm.core.errors import PublishError
from pcrm.store.paths import state_dir
from radicale_server import Radicale, free_port, make_calendar, radicale, request

Run = Callable[..., Result]
Vault = Callable[..., Path]

JANE = contact("Jane Doe", """
    ## 2026-11-20 15:00 interview: informational
    """, company="Acme")
BOB = contact("Bob Smith", """
    ## 2026-11-10 email: asked about the platform team
    """)
CAROL = contact("Carol King", follow_up="2026-12-01", birthday="--02-29")
FILES = {"contacts/jane-doe.md": JANE, "contacts/bob.md": BOB, "contacts/carol.md": CAROL}
FOREIGN = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//EN\r\nBEGIN:VEVENT\r\n"
           "UID:dentist-1@example.com\r\nDTSTAMP:20261101T000000Z\r\n"
           "DTSTART;VALUE=DATE:20261125\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


@pytest.fixture(autouse=True)
def _no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the machine's real keyring."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.set_keyring(keyring.backends.fail.Keyring())


@pytest.fixture
def calendar_url(radicale: Radicale, request: pytest.FixtureRequest) -> str:
    """A fresh, empty calendar collection for each test."""
    return make_calendar(radicale.base, f"jane/{request.node.name.replace('[', '-')[:60]}")


def feed_of(root: Path, today: str = "2026-11-22") -> bytes:
    app = App(vault=str(root), today=today)
    return generate(app.snapshot.contacts, app.config, app.today, app.state_dir).data


def server_events(url: str) -> dict[str, object]:
    """The calendar's events by UID, read back with a plain REPORT and icalendar."""
    query = (b'<?xml version="1.0"?><C:calendar-query xmlns:D="DAV:" '
             b'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop>'
             b'<C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>')
    status, body = request(url, "REPORT", query, {"Depth": "1"})
    assert status == 207, body
    from xml.etree import ElementTree

    found = {}
    for data in ElementTree.fromstring(body).iter("{urn:ietf:params:xml:ns:caldav}calendar-data"):
        for event in Calendar.from_ical(data.text).walk("VEVENT"):
            found[str(event["uid"])] = event
    return found


def feed_uids(data: bytes) -> set[str]:
    return set(split_feed(data)[0])


def test_create_then_nothing_to_do(vault: Vault, radicale: Radicale, calendar_url: str) -> None:
    root = vault(FILES)
    data = feed_of(root)
    done = publish(data, calendar_url, None)
    assert (done.created, done.updated, done.deleted) == (4, 0, 0)
    on_server = server_events(calendar_url)
    assert set(on_server) == feed_uids(data)
    summaries = {str(e["summary"]) for e in on_server.values()}
    assert "Thank-you: Jane Doe (Acme)" in summaries
    assert all(str(e[MARKER]) for e in on_server.values())
    # Idempotent: a second run sends no write (one REPORT), and nothing on disk changes.
    before = radicale.storage_files()
    connection = Connection(calendar_url, None)
    again = publish(feed_of(root), calendar_url, None, connection=connection)
    assert (again.writes, again.unchanged) == (0, 4)
    assert connection.requests == 1
    assert radicale.storage_files() == before


def test_update_raises_sequence_and_delete_removes(vault: Vault, calendar_url: str) -> None:
    root = vault(FILES)
    publish(feed_of(root), calendar_url, None)
    before = server_events(calendar_url)
    jane = next(u for u, e in before.items() if "Jane" in str(e["summary"]))
    bob = next(u for u, e in before.items() if "Bob" in str(e["summary"]))
    path = root / "contacts/jane-doe.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Acme", "Globex"), encoding="utf-8")
    with open(root / "contacts/bob.md", "a", encoding="utf-8") as handle:
        handle.write("\n## 2026-11-21 reply: happy to chat\n")
    done = publish(feed_of(root), calendar_url, None)
    assert (done.created, done.updated, done.deleted, done.unchanged) == (0, 1, 1, 2)
    after = server_events(calendar_url)
    assert bob not in after
    assert str(after[jane]["summary"]) == "Thank-you: Jane Doe (Globex)"
    assert after[jane]["sequence"] > before[jane]["sequence"]
    assert publish(feed_of(root), calendar_url, None).writes == 0


def test_foreign_events_are_left_alone(vault: Vault, calendar_url: str) -> None:
    assert request(calendar_url + "dentist.ics", "PUT", FOREIGN.encode(),
                   {"Content-Type": "text/calendar"})[0] == 201
    _, original = request(calendar_url + "dentist.ics", "GET")
    root = vault(FILES)
    done = publish(feed_of(root), calendar_url, None)
    assert (done.created, done.foreign) == (4, 1)
    # Even when every pcrm event goes away.
    for rel in FILES:
        (root / rel).unlink()
    done = publish(feed_of(root), calendar_url, None)
    assert (done.deleted, done.foreign) == (4, 1)
    assert set(server_events(calendar_url)) == {"dentist-1@example.com"}
    assert request(calendar_url + "dentist.ics", "GET") == (200, original)


def test_an_interrupted_publish_is_finished_by_the_next(vault: Vault, calendar_url: str
                                                        ) -> None:
    root = vault(FILES)
    publish(feed_of(root), calendar_url, None)
    with open(root / "contacts/bob.md", "a", encoding="utf-8") as handle:
        handle.write("\n## 2026-11-21 reply: happy to chat\n")
    extra = contact("Dan Lee", follow_up="2026-12-03")
    (root / "contacts/dan.md").write_text(extra, encoding="utf-8")
    (root / "contacts/erin.md").write_text(contact("Erin Wu", follow_up="2026-12-04"),
                                           encoding="utf-8")
    data = feed_of(root)
    writes: list[str] = []

    def stop_after_one(kind: str, what: str) -> None:
        writes.append(kind)
        raise KeyboardInterrupt  # Ctrl-C, or the machine going to sleep

    with pytest.raises(KeyboardInterrupt):
        publish(data, calendar_url, None, progress=stop_after_one)
    assert writes == ["created"]
    middle = server_events(calendar_url)
    assert set(middle) != feed_uids(data)  # half done: one new event, the old one still there
    done = publish(data, calendar_url, None)
    assert (done.created, done.deleted) == (1, 1)
    assert set(server_events(calendar_url)) == feed_uids(data)
    assert publish(data, calendar_url, None).writes == 0


def test_sequence_stays_above_the_servers_after_the_state_is_lost(vault: Vault,
                                                                   calendar_url: str) -> None:
    root = vault(FILES)
    publish(feed_of(root), calendar_url, None)
    uid = next(u for u, e in server_events(calendar_url).items() if "Jane" in str(e["summary"]))
    # Someone (another machine) wrote a much higher SEQUENCE; then the content changes.
    href = calendar_url + uid.replace("@", "%40") + ".ics"
    status, body = request(href, "GET")
    assert status == 200
    text = re.sub(r"SEQUENCE:\d+", "SEQUENCE:2000000000", body.decode())
    assert request(href, "PUT", text.encode(), {"Content-Type": "text/calendar"})[0] in (201, 204)
    path = root / "contacts/jane-doe.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Acme", "Globex"), encoding="utf-8")
    publish(feed_of(root), calendar_url, None)
    assert server_events(calendar_url)[uid]["sequence"] == 2000000001


def test_cli_publish_and_a_missing_calendar(vault: Vault, run: Run, radicale: Radicale,
                                            calendar_url: str) -> None:
    root = vault(FILES)
    result = run(root, "publish", "--caldav", calendar_url)
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"Published to {calendar_url}: 4 created, 0 updated, 0 deleted, "
                             "0 unchanged.\n")
    result = run(root, "publish", "--caldav", calendar_url)
    assert "0 created, 0 updated, 0 deleted, 4 unchanged" in result.stdout
    missing = f"{radicale.base}/jane/no-such-calendar/"
    result = run(root, "publish", "--caldav", missing)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {missing}: no calendar there (HTTP 404); check the URL\n"


# -- credentials and errors -------------------------------------------------------------

@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    folder = tmp_path_factory.mktemp("radicale-auth")
    htpasswd = folder / "users"
    htpasswd.write_text("jane:s3cret\nmallory:m4llory\n", encoding="utf-8")
    server = Radicale(folder, htpasswd)
    yield server
    server.stop()


def test_wrong_password_and_someone_elses_calendar(vault: Vault, run: Run, guarded: Radicale,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    url = make_calendar(guarded.base, "jane/work", auth="jane:s3cret")
    root = vault(FILES)
    monkeypatch.setenv("PCRM_CALDAV_USER", "jane")
    monkeypatch.setenv("PCRM_CALDAV_PASSWORD", "wrong")
    result = run(root, "publish", "--caldav", url)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f"Error: {url}: authentication failed (HTTP 401)")
    assert "wrong" not in result.output  # the password is never printed
    monkeypatch.setenv("PCRM_CALDAV_USER", "mallory")
    monkeypatch.setenv("PCRM_CALDAV_PASSWORD", "m4llory")
    result = run(root, "publish", "--caldav", url)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {url}: access denied (HTTP 403)")
    monkeypatch.setenv("PCRM_CALDAV_USER", "jane")
    monkeypatch.setenv("PCRM_CALDAV_PASSWORD", "s3cret")
    result = run(root, "publish", "--caldav", url)
    assert result.exit_code == 0, result.output
    assert "4 created" in result.stdout


class MemoryKeyring(KeyringBackend):
    """A keyring that holds what a test puts in it."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


def test_credentials_from_the_environment_or_the_keyring() -> None:
    url = "https://dav.example.com/jane/cal/"
    env = {"PCRM_CALDAV_USER": "jane", "PCRM_CALDAV_PASSWORD": "pw"}
    assert credentials(url, env) == ("jane", "pw")
    assert credentials(url, {}) is None  # no keyring on this machine: anonymous
    with pytest.raises(PublishError, match="no password for jane"):
        credentials(url, {"PCRM_CALDAV_USER": "jane"})
    store = MemoryKeyring()
    store.set_password("pcrm-caldav", "jane", "from-keyring")
    keyring.set_keyring(store)
    assert credentials(url, {"PCRM_CALDAV_USER": "jane"}) == ("jane", "from-keyring")
    for bad in ("https://jane:pw@dav.example.com/cal/", "https://jane@dav.example.com/"):
        with pytest.raises(PublishError, match="the URL holds credentials"):
            credentials(bad, {})
    with pytest.raises(PublishError, match="not a CalDAV URL"):
        credentials("ftp://dav.example.com/", {})


class Flaky(BaseHTTPRequestHandler):
    """Answers 503 to the first requests, then like an empty calendar."""

    failures = 2
    seen: list[str] = []

    def do_REPORT(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Flaky.seen.append("REPORT")
        if Flaky.failures > 0:
            Flaky.failures -= 1
            self._answer(503, b"busy")
            return
        self._answer(207, b'<?xml version="1.0"?><multistatus xmlns="DAV:"/>')

    def do_PUT(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Flaky.seen.append("PUT")
        self._answer(201, b"")

    def _answer(self, code: int, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[str]:
    Flaky.failures, Flaky.seen = 2, []
    server = HTTPServer(("127.0.0.1", 0), Flaky)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/cal/"
    server.shutdown()
    server.server_close()


def test_transient_failures_are_retried_with_backoff(vault: Vault, flaky: str) -> None:
    waits: list[float] = []
    connection = Connection(flaky, None, retries=3, backoff=0.5, sleep=waits.append)
    done = publish(feed_of(vault(FILES)), flaky, None, connection=connection)
    assert done.created == 4
    assert waits == [0.5, 1.0]  # doubling
    assert Flaky.seen == ["REPORT"] * 3 + ["PUT"] * 4


def test_too_many_failures_is_one_line(vault: Vault, flaky: str) -> None:
    Flaky.failures = 10
    connection = Connection(flaky, None, retries=2, backoff=0, sleep=lambda _s: None)
    with pytest.raises(PublishError) as caught:
        publish(feed_of(vault(FILES)), flaky, None, connection=connection)
    assert str(caught.value) == (f"{flaky}: reading the calendar failed with HTTP 503 "
                                 "(after 3 tries)")


@pytest.fixture
def silent() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


def test_a_timeout_is_one_line(vault: Vault, silent: int) -> None:
    url = f"http://127.0.0.1:{silent}/cal/"
    connection = Connection(url, None, timeout=0.3, retries=1, backoff=0, sleep=lambda _s: None)
    with pytest.raises(PublishError) as caught:
        publish(feed_of(vault(FILES)), url, None, connection=connection)
    assert str(caught.value) == ("127.0.0.1 did not answer within 0.3 s (reading the calendar) "
                                 "(after 2 tries)")


def test_tls_errors_and_refused_connections_are_one_line(vault: Vault, flaky: str) -> None:
    data = feed_of(vault(FILES))
    https = flaky.replace("http://", "https://")  # a plain HTTP server: the handshake fails
    connection = Connection(https, None, timeout=5, retries=2, sleep=lambda _s: None)
    with pytest.raises(PublishError, match=r"^TLS error with 127\.0\.0\.1: ") as caught:
        publish(data, https, None, connection=connection)
    assert "\n" not in str(caught.value) and "tries" not in str(caught.value)
    closed = f"http://127.0.0.1:{free_port()}/cal/"
    connection = Connection(closed, None, retries=1, sleep=lambda _s: None)
    with pytest.raises(PublishError, match=r"^cannot reach 127\.0\.0\.1: .*\(after 2 tries\)$"):
        publish(data, closed, None, connection=connection)


def test_a_failure_is_recorded_for_status(vault: Vault, run: Run, tmp_path: Path) -> None:
    root = vault(FILES)
    url = f"http://127.0.0.1:{free_port()}/cal/"
    result = run(root, "publish", "--caldav", url, "--record", "--timeout", "1")
    assert result.exit_code == 1
    line = publog.last_failure(state_dir(root))
    assert line is not None and line.startswith(f"the last publish to {url} failed at ")
    assert "cannot reach 127.0.0.1" in line
    log = state_dir(root) / publog.LOG_FILE
    assert log.stat().st_mode & 0o777 == 0o600 and "FAILED" in log.read_text()
    publog.record(state_dir(root), url, True, "4 created", dt.datetime.now(dt.timezone.utc))
    assert publog.last_failure(state_dir(root)) is None
