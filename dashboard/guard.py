"""What the served dashboard adds to Streamlit's HTTP server (mounted by dashboard/server.py).

Streamlit keeps a browser tab's state in a server-side session whose id the browser sends in
the websocket handshake and in upload URLs; anyone who learns that id could resume the session
(issue 11). So a staff session is not kept in Streamlit's session state but bound to the
browser by cookies no page script or URL can read:

- ``tracker_browser``: a random secret every page response gives a browser that has none
  (HttpOnly, SameSite=Strict). A sign-in opens a database session that only the browser
  holding it may claim, within a minute (``tracker.auth.await_browser``).
- ``tracker_staff``: the session's own token, issued by ``GET /api/staff/session`` when that
  browser claims the session right after signing in (a new one at every sign-in; the token the
  sign-in opened is dead from then on). Every script run reads it from the websocket's
  handshake (``st.context.cookies``) and checks it against the database.

The middleware also strips client-sent ``X-Tracker-*`` headers from the websocket handshake and
sets its own: ``X-Tracker-Guard`` (the page can tell it is served this way) and
``X-Tracker-Browser`` (a hash of the browser cookie, which ``tracker serve`` maps into
Streamlit's user identity so that a reconnect from another browser never resumes a session).
It counts each staff session's open websockets and ends the session when none has been open
for ``$TRACKER_CLOSED_TAB_SECONDS`` (a closed tab). Uploads need an open staff session, every
response forbids framing (``frame-ancestors 'none'``, ``X-Frame-Options: DENY``), and a request
body over ``server.maxUploadSize`` is refused before it is read.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import secrets
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

logger = logging.getLogger(__name__)

BROWSER_COOKIE = "tracker_browser"
STAFF_COOKIE = "tracker_staff"
GUARD_HEADER = "x-tracker-guard"
BROWSER_HEADER = "x-tracker-browser"
CLAIM_PATH = "/api/staff/session"
SIGN_OUT_PATH = "/api/staff/sign-out"
CLOSED_TAB_ENV = "TRACKER_CLOSED_TAB_SECONDS"
DEFAULT_CLOSED_TAB_SECONDS = 60
#: Only what ``secrets.token_urlsafe(32)`` makes: anything else is no cookie of ours.
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _valid(token: str | None) -> bool:
    return bool(token) and 40 <= len(token) <= 64 and set(token) <= _TOKEN_CHARS


def browser_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def closed_tab_seconds() -> int:
    raw = (os.environ.get(CLOSED_TAB_ENV) or "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_CLOSED_TAB_SECONDS


def _cookies(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    jar: dict[str, str] = {}
    for name, value in headers:
        if name.lower() == b"cookie":
            parsed = SimpleCookie()
            try:
                parsed.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no cookie
                continue
            jar.update({key: morsel.value for key, morsel in parsed.items()})
    return jar


def _header_map(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookie_header(name: str, value: str, *, secure: bool, clear: bool = False) -> str:
    # No Max-Age: the cookie ends with the browser. SameSite=Strict: no other site's page or
    # link ever sends it.
    parts = [f"{name}={'' if clear else value}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if clear:
        parts.append("Max-Age=0")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def _is_secure(scope) -> bool:
    return scope.get("scheme") in ("https", "wss") or os.environ.get("TRACKER_COOKIE_SECURE") == "1"


def _safe_next(target: str | None) -> str:
    """A path on this site to go back to; anything else (another host, a scheme) is "/"."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def _from_another_site(headers) -> bool:
    """Whether the browser says another site started this request (``Sec-Fetch-Site``). Such a
    request arrives without our SameSite=Strict cookies; it may neither sign anyone out nor be
    given a new browser cookie, which would overwrite the one the browser already has (a link
    from another site would then sign its reader out). A browser that sends no ``Sec-Fetch-Site``
    is taken at its word: its requests carry the cookies it has."""
    return headers.get("sec-fetch-site") in ("cross-site", "same-site")


def _max_body_bytes() -> int:
    from streamlit import config

    return int(config.get_option("server.maxUploadSize")) * 1024 * 1024


# -- the routes ------------------------------------------------------------------------------


def _workspace():
    from tracker.workspace import open_workspace

    return open_workspace()


def _claim(browser_secret: str | None) -> str | None:
    from tracker import auth

    # Before any session exists (the browser is collecting one): not a Workspace action,
    # which would first ask for a live session.
    with _workspace() as ws:
        return auth.claim_session(ws.store, browser_secret, clock=ws.clock)


def claim_session(request: Request) -> Response:
    """``GET /api/staff/session?next=/path``: the browser that just signed in collects its
    session cookie, then goes back to ``next``. Without a session waiting for this browser it
    just goes back (the page then shows the sign-in form)."""
    target = _safe_next(request.query_params.get("next"))
    response = RedirectResponse(target, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    browser = request.cookies.get(BROWSER_COOKIE)
    token = _claim(browser if _valid(browser) else None)
    if token is not None:
        response.headers.append("Set-Cookie", _cookie_header(STAFF_COOKIE, token, secure=_is_secure(request.scope)))
    return response


def _end(token: str | None, reason: str | None = None) -> None:
    if not _valid(token):
        return
    with _workspace() as ws:
        ws.sign_out(token, reason=reason)


def sign_out(request: Request) -> Response:
    """``GET /api/staff/sign-out?next=/path``: end the session and forget its cookie; nothing,
    for a request another site started (a link or form elsewhere signs no one out)."""
    response = RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    token = request.cookies.get(STAFF_COOKIE)
    if token is None or _from_another_site(request.headers):
        return response
    _end(token)
    response.headers.append("Set-Cookie", _cookie_header(STAFF_COOKIE, "", secure=_is_secure(request.scope),
                                                         clear=True))
    return response


ROUTES = [Route(CLAIM_PATH, claim_session, methods=["GET"]), Route(SIGN_OUT_PATH, sign_out, methods=["GET"])]


# -- the middleware --------------------------------------------------------------------------


def _staff_session_open(token: str | None) -> bool:
    if not _valid(token):
        return False
    from tracker import auth

    try:
        with _workspace() as ws:
            return auth.session_is_open(ws.store, token)
    except Exception:  # noqa: BLE001 - no database: no session either
        logger.exception("could not check a staff session for an upload")
        return False


class Guard:
    """The ASGI middleware described in the module docstring."""

    def __init__(self, app) -> None:
        self.app = app
        self._open: dict[str, int] = {}  # staff token -> websockets open with it
        self._closing: dict[str, asyncio.TimerHandle] = {}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope, receive, send) -> None:
        cookies = _cookies(scope.get("headers", []))
        path = scope.get("path", "")
        if "/_stcore/upload_file" in path and scope.get("method") in ("PUT", "POST"):
            refusal = await self._refuse_upload(scope, cookies)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
            receive = self._bounded(receive, _max_body_bytes())
        new_browser = None
        if not _valid(cookies.get(BROWSER_COOKIE)) and not _from_another_site(_header_map(scope)):
            new_browser = secrets.token_urlsafe(32)
        secure = _is_secure(scope)

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Frame-Options"] = "DENY"
                policy = headers.get("Content-Security-Policy")
                headers["Content-Security-Policy"] = (
                    f"{policy}; frame-ancestors 'none'" if policy else "frame-ancestors 'none'")
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                if new_browser is not None:
                    headers.append("Set-Cookie", _cookie_header(BROWSER_COOKIE, new_browser, secure=secure))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _refuse_upload(self, scope, cookies):
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > _max_body_bytes()):
            return PlainTextResponse("File too large", status_code=413)
        if not await run_in_threadpool(_staff_session_open, cookies.get(STAFF_COOKIE)):
            return PlainTextResponse("Uploads are for signed-in staff", status_code=403)
        return None

    @staticmethod
    def _bounded(receive, limit: int):
        """``receive`` that stops a body (e.g. chunked, without a length) once it passes ``limit``,
        with a 413 (an HTTPException, which the route's exception handling answers, as Streamlit's
        own streaming check does; a faked disconnect left a traceback in the server's log)."""
        seen = 0

        async def bounded():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit + 1024 * 1024:  # a multipart body's framing is allowed for, as Streamlit does
                    raise HTTPException(status_code=413, detail="File too large")
            return message

        return bounded

    async def _websocket(self, scope, receive, send) -> None:
        raw = scope.get("headers", [])
        cookies = _cookies(raw)
        browser = cookies.get(BROWSER_COOKIE)
        headers = [(k, v) for k, v in raw if not k.lower().startswith(b"x-tracker-")]
        headers.append((GUARD_HEADER.encode(), b"1"))
        headers.append((BROWSER_HEADER.encode(), browser_hash(browser).encode() if _valid(browser) else b"none"))
        scope = {**scope, "headers": headers}
        token = cookies.get(STAFF_COOKIE)
        if not _valid(token):
            await self.app(scope, receive, send)
            return
        self._opened(token)
        try:
            await self.app(scope, receive, send)
        finally:
            self._closed(token)

    def _opened(self, token: str) -> None:
        self._open[token] = self._open.get(token, 0) + 1
        pending = self._closing.pop(token, None)
        if pending is not None:
            pending.cancel()

    def _closed(self, token: str) -> None:
        self._open[token] -= 1
        if self._open[token] > 0:
            return
        del self._open[token]
        loop = asyncio.get_running_loop()
        self._closing[token] = loop.call_later(closed_tab_seconds(), self._end_if_still_closed, token)

    def _end_if_still_closed(self, token: str) -> None:
        self._closing.pop(token, None)
        if token in self._open:
            return
        task = asyncio.get_running_loop().run_in_executor(
            None, _end, token, f"no page open for {closed_tab_seconds()} seconds")
        task.add_done_callback(lambda done: done.exception() and logger.error("ending a closed session failed"))


# -- log lines ---------------------------------------------------------------------------------

_SESSION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


class RedactSessionIds(logging.Filter):
    """Replaces Streamlit session ids (UUIDs) in a log line with ``<session id>``: Streamlit logs
    them when a reconnect is refused, and a log line is no place for one."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _SESSION_ID.search(message):
            record.msg, record.args = _SESSION_ID.sub("<session id>", message), ()
        return True


def redact_streamlit_logs() -> None:
    """Add ``RedactSessionIds`` to every Streamlit logger (each has its own console handler)."""
    from streamlit import logger as streamlit_logger

    redact = RedactSessionIds()
    for log in [logging.getLogger("streamlit"), *streamlit_logger._loggers.values()]:
        if not any(isinstance(f, RedactSessionIds) for f in log.filters):
            log.addFilter(redact)
