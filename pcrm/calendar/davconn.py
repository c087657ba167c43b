"""A CalDAV connection for ``pcrm publish``: credentials, retries, one-line errors.

Built on the ``caldav`` library's client (authentication negotiation, TLS,
sessions). Credentials come from ``PCRM_CALDAV_USER`` / ``PCRM_CALDAV_PASSWORD``
or the system keyring (service ``pcrm-caldav``), never from the vault or the
command line: a URL with a user name or password in it is refused.
"""
from __future__ import annotations

import re
import socket
import ssl
import time
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from pcrm.core.errors import PublishError

KEYRING_SERVICE = "pcrm-caldav"
USER_VARIABLE, PASSWORD_VARIABLE = "PCRM_CALDAV_USER", "PCRM_CALDAV_PASSWORD"


class HTTPStatus(Exception):
    """An HTTP answer that is not what the request needed."""

    def __init__(self, status: int, what: str) -> None:
        super().__init__(f"{what}: HTTP {status}")
        self.status = status


def check_url(url: str) -> None:
    """Refuse what cannot be a CalDAV URL, and URLs that carry credentials."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise PublishError(f"not a CalDAV URL: {url} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(
            char.isspace() or ord(char) < 32 for char in url):
        raise PublishError(f"not a CalDAV URL: {url} (expected http:// or https://)")
    if parts.username or parts.password:
        raise PublishError("the URL holds credentials; set them in "
                           f"{USER_VARIABLE}/{PASSWORD_VARIABLE} or the keyring instead")


def credentials(url: str, environ: Mapping[str, str]) -> tuple[str, str] | None:
    """(user, password) for *url*, or None to connect without authentication."""
    check_url(url)
    user, password = environ.get(USER_VARIABLE) or None, environ.get(PASSWORD_VARIABLE)
    if user and password:
        return user, password
    found = _from_keyring(user)
    if found is not None:
        return found
    if user:
        raise PublishError(f"no password for {user}: set {PASSWORD_VARIABLE}, or store it "
                           f"with 'keyring set {KEYRING_SERVICE} {user}'")
    return None


def _from_keyring(user: str | None) -> tuple[str, str] | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover - a dependency, but be kind
        return None
    try:
        if user:
            password = keyring.get_password(KEYRING_SERVICE, user)
            return (user, password) if password is not None else None
        found = keyring.get_credential(KEYRING_SERVICE, None)
        return (found.username, found.password) if found is not None else None
    except (KeyringError, RuntimeError, OSError):
        return None  # no usable keyring on this machine: as if it held nothing


class Connection:
    """PUT, DELETE and REPORT against one calendar, retried with backoff when transient."""

    def __init__(self, url: str, auth: tuple[str, str] | None, *, timeout: float = 30,
                 retries: int = 3, backoff: float = 1.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        from caldav import DAVClient

        self.url = url
        self.host = urlsplit(url).hostname or url
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.requests = 0  # sent, retries included
        user, password = auth if auth else (None, None)
        self.client = DAVClient(url=url, username=user, password=password, timeout=timeout)

    def close(self) -> None:
        close = getattr(self.client, "close", None)
        if close is not None:
            close()

    def report(self, url: str, body: str) -> str:
        """The multistatus text of a calendar-query REPORT on *url* (depth 1)."""
        response = self._call(lambda: self.client.request(
            url, "REPORT", body, {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"}),
            "reading the calendar", (207,))
        return response.raw

    def put(self, url: str, body: str) -> None:
        self._call(lambda: self.client.put(url, body, {
            "Content-Type": "text/calendar; charset=utf-8"}), "writing an event", (200, 201, 204))

    def delete(self, url: str) -> None:
        # 404: already gone (a retry of a DELETE that went through, say).
        self._call(lambda: self.client.delete(url), "deleting an event", (200, 204, 404))

    def _call(self, send: Callable[[], Any], what: str, ok: tuple[int, ...]) -> Any:
        attempt = 0
        while True:
            attempt += 1
            self.requests += 1
            try:
                response = send()
                if response.status not in ok:
                    raise HTTPStatus(response.status, what)
                return response
            except Exception as exc:  # noqa: BLE001 - classified right below
                transient, message = self.explain(exc, what)
                if not transient or attempt > self.retries:
                    tries = f" (after {attempt} tries)" if attempt > 1 else ""
                    raise PublishError(message + tries) from None
                self.sleep(self.backoff * 2 ** (attempt - 1))

    def explain(self, exc: BaseException, what: str) -> tuple[bool, str]:
        """(is it worth a retry, the one line for the user) for a failed request."""
        from caldav.lib import error as dav

        status = getattr(exc, "status", None)
        if isinstance(exc, dav.AuthorizationError) or status in (401, 403):
            if status == 403:
                return False, (f"{self.url}: access denied (HTTP 403); check that "
                               "this user may write to that calendar")
            return False, (f"{self.url}: authentication failed (HTTP 401); check "
                           f"{USER_VARIABLE}/{PASSWORD_VARIABLE} or the keyring entry "
                           f"'{KEYRING_SERVICE}'")
        if isinstance(exc, getattr(dav, "RateLimitError", ())):  # newer caldav only
            return True, f"{self.url}: the server asks to slow down (HTTP 429/503)"
        if isinstance(exc, HTTPStatus):
            if status == 404:
                return False, f"{self.url}: no calendar there (HTTP 404); check the URL"
            transient = status is not None and (status >= 500 or status == 429)
            return transient, f"{self.url}: {what} failed with HTTP {status}"
        if _caused_by(exc, ssl.SSLError) or "SSL" in type(exc).__name__:
            return False, f"TLS error with {self.host}: {_reason(exc)}"
        if _caused_by(exc, socket.timeout, TimeoutError) or "Timeout" in type(exc).__name__:
            return True, f"{self.host} did not answer within {self.timeout:g} s ({what})"
        if isinstance(exc, OSError) or _caused_by(exc, OSError):
            return True, f"cannot reach {self.host}: {_reason(exc)}"
        if isinstance(exc, dav.DAVError):
            return False, f"{self.url}: {what} failed: {_reason(exc)}"
        raise exc


def _caused_by(exc: BaseException, *types: type) -> bool:
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, types):
            return True
        stack.extend(x for x in (current.__cause__, current.__context__) if x is not None)
        stack.extend(x for x in current.args if isinstance(x, BaseException))
    return False


_REASONS = (re.compile(r"certificate verify failed: ([^'\"()]+)"),
            re.compile(r"\[SSL: [A-Z0-9_]+\] ([^'\"()]+)"),
            re.compile(r"\[Errno -?\d+\] ([^'\"()]+)"))


def _reason(exc: BaseException) -> str:
    """What went wrong, without the HTTP library's wrapping (pools, retries, reprs)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    for pattern in _REASONS:
        found = pattern.search(text)
        if found:
            return found.group(1).strip()
    return text if len(text) <= 200 else text[:197] + "..."
