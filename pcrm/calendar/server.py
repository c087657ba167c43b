"""The feed over HTTP, for calendar apps that subscribe to a URL (spec 6 and 9).

It serves exactly one resource, ``/calendar.ics`` (``/<token>/calendar.ics``
when a token is set), asked of a callable on every request, so edits to the
vault show up without a restart. Nothing else is ever served: there is no
file system access here at all, so no path can reach the vault's files.

The feed callable is the only link to the vault; this module knows nothing of
contacts, which keeps it testable with any bytes. It returns the feed's bytes,
or a :class:`Representation` that also says when they last changed. When it
returns the very same bytes object as before (see
:class:`pcrm.calendar.live.LiveFeed`, which rebuilds only when the vault
changed), the ETag and the gzip-compressed body are reused: a request then
costs no hashing and no compression.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import errno
import gzip
import hashlib
import hmac
import ipaddress
import re
import secrets
import socket
import socketserver
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Union

from pcrm.core.errors import PcrmError, ServeError, WriteError

FEED_NAME = "calendar.ics"
TOKEN_FILE = "serve-token"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}")


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may well be reachable from outside


def load_token(folder: Path, *, renew: bool = False) -> str:
    """The secret path segment for a server bound beyond loopback.

    Made once with :func:`secrets.token_urlsafe` and kept in *folder* (the
    vault's untracked state folder) with mode 0600, so the subscription URL
    survives restarts; *renew* replaces it, revoking the old URL.
    """
    from pcrm.store.files import REPLACE, write_atomic
    from pcrm.store.paths import private_folder

    path = folder / TOKEN_FILE
    if not renew:
        try:
            token = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            token = ""
        except (OSError, UnicodeDecodeError) as exc:
            raise ServeError(f"cannot read the token file {path}: {exc}") from None
        if _TOKEN.fullmatch(token):
            return token
    token = secrets.token_urlsafe(24)
    try:
        private_folder(folder)
        write_atomic(path, (token + "\n").encode("ascii"), expected=REPLACE, mode=0o600)
    except (OSError, WriteError) as exc:
        raise ServeError(f"cannot write the token file {path}: {exc.strerror or exc}") from None
    return token


@dataclass(frozen=True)
class Representation:
    """The feed's bytes and when they last changed (None: when the server first saw them)."""

    data: bytes
    modified: dt.datetime | None = None


FeedSource = Callable[[], Union[bytes, Representation]]


@dataclass(frozen=True)
class Prepared:
    """What a response needs, computed once per content: tags, dates, both encodings."""

    data: bytes
    etag: str
    gzip_etag: str
    modified: dt.datetime
    gzipped: bytes


def accepts_gzip(header: str | None) -> bool:
    """Does an ``Accept-Encoding`` value allow gzip (``gzip``, ``x-gzip`` or ``*``, q > 0)?"""
    if not header:
        return False
    allowed: dict[str, bool] = {}
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        allowed[name.strip().lower()] = quality > 0
    for name in ("gzip", "x-gzip", "*"):
        if name in allowed:
            return allowed[name]
    return False


def etag_matches(header: str, etag: str) -> bool:
    """Does an ``If-None-Match`` value (``*``, one tag or a list) match *etag*?

    If-None-Match uses the weak comparison (RFC 9110 13.1.2): ``W/"x"`` matches ``"x"``.
    """
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*":
            return True
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate == etag:
            return True
    return False


def _one_line(text: str) -> str:
    return " ".join(text.split())


class FeedServer(ThreadingHTTPServer):
    """A threading HTTP server that holds the feed callable, token and log."""

    daemon_threads = True  # a hanging client must not keep Ctrl-C from exiting

    def __init__(self, address: tuple[str, int], feed: FeedSource,
                 token: str | None, log: Callable[[str], None], family: int) -> None:
        self.address_family = family
        self.feed = feed
        self.token = token
        self.log = log
        self.feed_path = f"/{token}/{FEED_NAME}" if token else f"/{FEED_NAME}"
        self._prepared_lock = threading.Lock()
        self._prepared: Prepared | None = None
        super().__init__(address, FeedHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can hang for
        # seconds without DNS; the name is never used here.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def prepare(self) -> Prepared:
        """The current feed with its ETags, Last-Modified and gzip body.

        Reused as long as the feed callable returns the same bytes (the same
        object, or equal bytes after a rebuild that changed nothing).
        """
        got = self.feed()
        rep = got if isinstance(got, Representation) else Representation(got)
        last = self._prepared
        if last is not None and last.data is rep.data:
            return last
        with self._prepared_lock:
            last = self._prepared
            digest = hashlib.sha256(rep.data).hexdigest()
            etag = f'"{digest}"'
            if last is not None and last.etag == etag and (
                    rep.modified is None or rep.modified == last.modified):
                prepared = Prepared(rep.data, etag, last.gzip_etag, last.modified, last.gzipped)
            else:
                modified = rep.modified or dt.datetime.now(dt.timezone.utc)
                # Whole seconds, as Last-Modified carries them; mtime=0: the
                # same bytes always compress to the same body.
                prepared = Prepared(rep.data, etag, f'"{digest}-gzip"',
                                    modified.replace(microsecond=0),
                                    gzip.compress(rep.data, compresslevel=6, mtime=0))
            self._prepared = prepared
            return prepared

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The default prints a traceback; a dropped connection is worth one line.
        error = sys.exc_info()[1]
        self.log(f"{client_address[0]} connection error: {type(error).__name__}: "
                 f"{_one_line(str(error))}")


class FeedHandler(BaseHTTPRequestHandler):
    """GET and HEAD of the feed; 404 for any other path, 405 for other methods."""

    server: FeedServer
    protocol_version = "HTTP/1.1"  # keep-alive: calendar apps poll
    timeout = 30  # an idle keep-alive connection must not hold a thread forever
    # A buffered wfile: headers and body of an answer leave together when
    # http.server flushes it after each request, not as two small writes.
    wbufsize = -1

    def version_string(self) -> str:
        """The Server header: no Python version to advertise."""
        return "pcrm"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        """Send the feed."""
        self._serve_feed(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        """The feed's headers without the body."""
        self._serve_feed(with_body=False)

    def __getattr__(self, name: str) -> Any:
        # http.server looks up do_<METHOD> and answers 501 when it is missing;
        # every method but GET and HEAD is a 405 (or a 404 off the feed's path).
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _is_feed_path(self) -> bool:
        # Compared as sent, not unquoted or normalised: only the one exact
        # path is the feed. compare_digest: the path may hold the token.
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        return hmac.compare_digest(path.encode("latin-1", "replace"),
                                   self.server.feed_path.encode("latin-1"))

    def _not_allowed(self) -> None:
        self.close_connection = True  # we do not read the request's body
        if not self._is_feed_path():
            self._send_text(404, "Not found")
            return
        self._send_text(405, "Method not allowed: use GET or HEAD",
                        {"Allow": "GET, HEAD"})

    def _serve_feed(self, *, with_body: bool) -> None:
        if not self._is_feed_path():
            self._send_text(404, "Not found", with_body=with_body)
            return
        try:
            feed = self.server.prepare()
        except PcrmError as exc:
            self._generation_failed(f"Error: {_one_line(str(exc))}", with_body)
            return
        except Exception as exc:  # a bug: one line, never a traceback
            self._generation_failed(
                f"Error: internal error: {type(exc).__name__}: {_one_line(str(exc))}", with_body)
            return
        zipped = accepts_gzip(self.headers.get("Accept-Encoding"))
        headers = {"ETag": feed.gzip_etag if zipped else feed.etag,
                   "Last-Modified": email.utils.format_datetime(feed.modified, usegmt=True),
                   "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
        if self._not_modified(feed):
            self._send(304, headers)
            return
        body = feed.gzipped if zipped else feed.data
        headers["Content-Type"] = "text/calendar; charset=utf-8"
        if zipped:
            headers["Content-Encoding"] = "gzip"
        headers["Content-Length"] = str(len(body))
        self._send(200, headers, body if with_body else b"")

    def _not_modified(self, feed: Prepared) -> bool:
        modified = feed.modified
        match = self.headers.get("If-None-Match")
        if match is not None:  # when present, If-Modified-Since is ignored (RFC 9110)
            # Either encoding's tag: the content is the same.
            return etag_matches(match, feed.etag) or etag_matches(match, feed.gzip_etag)
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                when = email.utils.parsedate_to_datetime(since)
            except (TypeError, ValueError, IndexError):
                return False
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.timezone.utc)
            return modified <= when
        return False

    def _generation_failed(self, message: str, with_body: bool) -> None:
        self.server.log(f"feed generation failed: {message}")
        self._send_text(500, message, with_body=with_body)

    def _send_text(self, code: int, text: str, headers: dict[str, str] | None = None,
                   *, with_body: bool = True) -> None:
        body = (text + "\n").encode("utf-8")
        all_headers = {"Content-Type": "text/plain; charset=utf-8",
                       "Content-Length": str(len(body)), **(headers or {})}
        self._send(code, all_headers, body if with_body else b"")

    def setup(self) -> None:
        super().setup()
        # A small answer leaves in one write (wbufsize), a large one's body
        # right after its headers; without Nagle's delay neither is held back
        # on a kept-alive connection waiting for the client's delayed ACK
        # (40 ms a request).
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _send(self, code: int, headers: dict[str, str], body: bytes = b"") -> None:
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One quiet line per request: client, request line (token hidden), status."""
        self.server.log(f'{self.client_address[0]} "{self._redacted(self.requestline)}" '
                        f"{getattr(code, 'value', code)}")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        """Bad requests and timeouts: one line too, through the same log."""
        self.server.log(f"{self.client_address[0]} {self._redacted(format % args)}")

    def _redacted(self, text: str) -> str:
        token = self.server.token
        return text.replace(token, "<token>") if token else text


def _family(host: str) -> int:
    try:
        return socket.AF_INET6 if ipaddress.ip_address(host.strip("[]")).version == 6 \
            else socket.AF_INET
    except ValueError:
        pass
    try:
        return socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][0]
    except (OSError, IndexError):
        return socket.AF_INET


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def make_server(host: str, port: int, feed: FeedSource, token: str | None = None,
                log: Callable[[str], None] | None = None) -> FeedServer:
    """Bind a feed server (not yet serving: call ``serve_forever``).

    *feed* is called on every GET or HEAD and returns the feed's bytes (or a
    :class:`Representation`); a
    :class:`~pcrm.errors.PcrmError` from it answers 500 with one line. With a
    *token* the feed lives at ``/<token>/calendar.ics`` only. Port 0 picks a
    free port (see ``server.server_address``). Raises ServeError when the
    address cannot be bound.
    """
    if token is None and not is_loopback(host):
        raise ServeError(f"listening on {host} needs a secret token in the URL")
    try:
        return FeedServer((host.strip("[]"), port), feed, token, log or _stderr, _family(host))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        hint = " (is another 'pcrm serve' running? try --port N)" \
            if exc.errno == errno.EADDRINUSE else ""
        raise ServeError(f"cannot listen on {host} port {port}: {reason}{hint}") from None


def feed_urls(host: str, port: int, token: str | None) -> tuple[str, str]:
    """The http:// and webcal:// URLs to subscribe to, for the start-up message."""
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = socket.gethostname()  # "every interface" is not an address to type in
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    path = f"/{token}/{FEED_NAME}" if token else f"/{FEED_NAME}"
    return f"http://{host}:{port}{path}", f"webcal://{host}:{port}{path}"
