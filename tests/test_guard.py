"""The guard in front of the served dashboard (dashboard/guard.py), through Starlette's test client.

A stand-in app replaces Streamlit behind the middleware; the routes run on a real database.
The browser side (a leaked session id signs no one in) is tests/browser/test_session_takeover.py.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient

from dashboard import guard
from tracker import auth
from tracker.auth import SessionEndedError
from tracker.models import UserIn
from tracker.store import Store

PASSWORD = "correct horse battery staple"


async def _page(request):
    return PlainTextResponse("page")


async def _upload(request):
    body = await request.body()
    return PlainTextResponse(f"stored {len(body)}", status_code=204 if body else 400)


async def _stream(websocket):
    await websocket.accept()
    await websocket.send_json({k.decode(): v.decode() for k, v in websocket.scope["headers"]
                               if k.startswith(b"x-tracker")})
    await websocket.close()


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "tracker.db"
    with Store(path) as store:
        auth.create_user(store, UserIn(username="ada", display_name="Ada Admin"), PASSWORD, by="test")
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path


@pytest.fixture
def client(db):
    app = Starlette(routes=[Route("/", _page), Route("/_stcore/upload_file/{rest:path}", _upload, methods=["PUT"]),
                            WebSocketRoute("/_stcore/stream", _stream), *guard.ROUTES],
                    middleware=[Middleware(guard.Guard)])
    return TestClient(app, base_url="http://127.0.0.1")


def signed_in(db, client) -> str:
    """Sign in as the dashboard does, then claim the session with this client's browser cookie."""
    client.get("/")
    browser = client.cookies[guard.BROWSER_COOKIE]
    with Store(db) as store:
        signed = auth.sign_in(store, "ada", PASSWORD)
        auth.await_browser(store, signed.token, browser)
        with pytest.raises(SessionEndedError):  # the sign-in's own token opens nothing
            auth.check_session(store, signed.token)
    answer = client.get(guard.CLAIM_PATH, params={"next": "/users?x=1"}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/users?x=1"
    return client.cookies[guard.STAFF_COOKIE]


def test_every_response_forbids_framing_and_gives_an_httponly_browser_cookie(client):
    answer = client.get("/")
    assert answer.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{guard.BROWSER_COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "set-cookie" not in client.get("/").headers  # kept, not reissued


def test_a_claimed_session_cookie_is_httponly_and_opens_the_session(db, client):
    client.get("/")
    token = signed_in(db, client)
    with Store(db) as store:
        assert auth.check_session(store, token).username == "ada"


def test_only_the_browser_that_signed_in_can_claim_and_only_once(db, client):
    client.get("/")
    with Store(db) as store:
        signed = auth.sign_in(store, "ada", PASSWORD)
        auth.await_browser(store, signed.token, client.cookies[guard.BROWSER_COOKIE])
    other = TestClient(client.app, base_url="http://127.0.0.1")
    other.get("/")
    answer = other.get(guard.CLAIM_PATH, follow_redirects=False)
    assert answer.status_code == 303 and guard.STAFF_COOKIE not in other.cookies
    first = client.get(guard.CLAIM_PATH, follow_redirects=False)
    assert "HttpOnly" in first.headers["set-cookie"] and "SameSite=Strict" in first.headers["set-cookie"]
    client.cookies.delete(guard.STAFF_COOKIE)
    assert guard.STAFF_COOKIE not in client.get(guard.CLAIM_PATH, follow_redirects=False).cookies


def test_a_claim_after_the_minute_is_refused(db, client):
    client.get("/")
    with Store(db) as store:
        signed = auth.sign_in(store, "ada", PASSWORD)
        auth.await_browser(store, signed.token, client.cookies[guard.BROWSER_COOKIE],
                           clock=lambda: auth.utc_now() - dt.timedelta(seconds=61))
    assert guard.STAFF_COOKIE not in client.get(guard.CLAIM_PATH, follow_redirects=False).cookies


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "users", ""])
def test_claim_goes_back_only_to_a_path_on_this_site(client, target):
    assert client.get(guard.CLAIM_PATH, params={"next": target}, follow_redirects=False).headers["location"] == "/"


def test_sign_out_ends_the_session_and_clears_the_cookie(db, client):
    token = signed_in(db, client)
    answer = client.get(guard.SIGN_OUT_PATH, params={"next": "/staff"}, follow_redirects=False)
    assert "Max-Age=0" in answer.headers["set-cookie"]
    with Store(db) as store, pytest.raises(SessionEndedError):
        auth.check_session(store, token)


def test_uploads_need_a_staff_session(db, client):
    assert client.put("/_stcore/upload_file/some-session/file", content=b"x" * 1000).status_code == 403
    signed_in(db, client)
    assert client.put("/_stcore/upload_file/some-session/file", content=b"x" * 1000).status_code == 204


def test_an_upload_over_the_limit_is_refused_before_it_is_read(db, client):
    from streamlit import config

    signed_in(db, client)
    limit = config.get_option("server.maxUploadSize") * 1024 * 1024
    answer = client.put("/_stcore/upload_file/s/f", content=b"x",
                        headers={"content-length": str(limit + 1)})
    assert answer.status_code == 413


def test_the_websocket_gets_the_guards_headers_not_the_clients(db, client):
    client.get("/")
    browser = client.cookies[guard.BROWSER_COOKIE]
    # (the test client's websocket does not send its cookie jar: the header says what a browser sends)
    with client.websocket_connect("/_stcore/stream", headers={
            "X-Tracker-Browser": "forged", "cookie": f"{guard.BROWSER_COOKIE}={browser}"}) as socket:
        seen = socket.receive_json()
    assert seen == {guard.GUARD_HEADER: "1", guard.BROWSER_HEADER: guard.browser_hash(browser)}


def test_a_session_ends_once_no_page_has_been_open_for_the_closed_tab_time(db, client, monkeypatch):
    import time

    monkeypatch.setenv(guard.CLOSED_TAB_ENV, "1")
    client.__enter__()  # one event loop for the whole test, as a server has (timers need one)
    token = signed_in(db, client)
    with client.websocket_connect("/_stcore/stream", headers={"cookie": f"{guard.STAFF_COOKIE}={token}"}) as socket:
        socket.receive_json()
    with Store(db) as store:
        assert store.session_is_open(auth.token_hash(token))  # not at once: a reload reconnects
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with Store(db) as store:
            if not store.session_is_open(auth.token_hash(token)):
                break
        time.sleep(0.2)
    with Store(db) as store:
        assert not store.session_is_open(auth.token_hash(token))
        reasons = [a for a in store.audit_log(sign_ins=True)["after"] if "no page open" in str(a)]
    client.__exit__(None, None, None)
    assert reasons


def test_session_ids_are_redacted_from_streamlit_log_lines(caplog):
    log = logging.getLogger("streamlit.runtime.websocket_session_manager")
    log.addFilter(guard.RedactSessionIds())
    record = logging.LogRecord(log.name, logging.WARNING, __file__, 1,
                               "Ignoring reconnect to active session id %s", ("0f8fad5b-d9cb-469f-a165-70867728950e",),
                               None)
    for f in log.filters:
        f.filter(record)
    assert record.getMessage() == "Ignoring reconnect to active session id <session id>"


def test_a_cross_site_link_neither_signs_out_nor_replaces_the_browser_cookie(db, client):
    """A link on another site to the sign-out route (or any page) arrives without this site's
    SameSite=Strict cookies: it must not clear the staff cookie nor hand out a new browser cookie
    (which would overwrite the browser's own, ending its Streamlit identity and a pending claim)."""
    token = signed_in(db, client)
    browser = client.cookies[guard.BROWSER_COOKIE]
    stranger = TestClient(client.app, base_url="http://127.0.0.1")  # what a cross-site request carries: no cookies
    cross_site = {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"}
    out = stranger.get(guard.SIGN_OUT_PATH, headers=cross_site, follow_redirects=False)
    assert out.status_code == 303
    assert "set-cookie" not in out.headers, out.headers
    page = stranger.get("/", headers=cross_site)
    assert "set-cookie" not in page.headers, page.headers
    # The same browser, same-origin, still has both and is still signed in.
    with Store(db) as store:
        assert auth.check_session(store, token).username == "ada"
    assert client.cookies[guard.BROWSER_COOKIE] == browser
    # A first visit that is not cross-site still gets its browser cookie.
    assert guard.BROWSER_COOKIE in stranger.get("/", headers={"sec-fetch-site": "same-origin"}).headers["set-cookie"]
    older = TestClient(client.app, base_url="http://127.0.0.1")  # no Sec-Fetch-* at all (an older browser)
    assert guard.BROWSER_COOKIE in older.get("/").headers["set-cookie"]


def test_a_sign_out_from_another_site_does_not_end_the_session(db, client):
    """Even were the staff cookie sent (a same-site but cross-origin page, or a lax browser), a
    request another site started ends nothing."""
    token = signed_in(db, client)
    for fetch_site in ("cross-site", "same-site"):
        answer = client.get(guard.SIGN_OUT_PATH, headers={"sec-fetch-site": fetch_site}, follow_redirects=False)
        assert answer.status_code == 303 and "set-cookie" not in answer.headers
        with Store(db) as store:
            assert auth.check_session(store, token).username == "ada"
    client.get(guard.SIGN_OUT_PATH, headers={"sec-fetch-site": "same-origin"}, follow_redirects=False)
    with Store(db) as store, pytest.raises(SessionEndedError):
        auth.check_session(store, token)


def test_a_chunked_upload_over_the_limit_gets_a_413_not_a_server_error(db, client, monkeypatch):
    """No Content-Length (Transfer-Encoding: chunked): the body is cut off as it passes the limit
    with a plain 413, not a dropped connection and a traceback in the server's log."""
    monkeypatch.setattr(guard, "_max_body_bytes", lambda: 1024 * 1024)
    signed_in(db, client)

    def body():
        for _ in range(4):
            yield b"x" * (1024 * 1024)

    answer = client.put("/_stcore/upload_file/s/f", content=body())
    assert answer.status_code == 413
    assert client.put("/_stcore/upload_file/s/f", content=iter([b"x" * 1000])).status_code == 204
