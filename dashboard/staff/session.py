"""The staff session in Streamlit: where its token is, and the way to the workspace.

Served by ``tracker serve``, the token is the HttpOnly cookie the guard (dashboard/guard.py)
gives the browser that signed in, read from the websocket's handshake on every run; it is never
in session state, where anyone resuming this Streamlit session by its id would find it. A
password sign-in reloads the page through the guard's claim route to collect that cookie. In
AppTest (no browser) and with OIDC (Streamlit binds the session to the provider's cookie) it
is kept in session state. The database keeps the token's hash. Nothing here decides who may
write: ``tracker.workspace`` re-checks the session on every action. What this module decides is
presentation: which pages and controls to draw.

Sign-in mode (see dashboard/staff/README.md): ``$TRACKER_AUTH`` = ``local`` or ``oidc``; when it
is unset, ``oidc`` if ``.streamlit/secrets.toml`` has an ``[auth]`` section, else ``local``.
"""

from __future__ import annotations

import os
import weakref
from contextlib import AbstractContextManager
from urllib.parse import quote, urlencode

import streamlit as st

from dashboard import guard
from tracker.auth import Principal, SessionEndedError
from tracker.errors import AuthenticationError
from tracker.workspace import Workspace, open_workspace

TOKEN_KEY = "staff_token"
ENDED_KEY = "staff_ended_cookie"
NOTICE_KEY = "staff_notice"
AUTH_MODE_ENV = "TRACKER_AUTH"
LOCAL, OIDC = "local", "oidc"


def auth_mode() -> str:
    """``local`` (password accounts, the default) or ``oidc`` (Streamlit's ``st.login``)."""
    chosen = (os.environ.get(AUTH_MODE_ENV) or "").strip().lower()
    if chosen in (LOCAL, OIDC):
        return chosen
    try:
        configured = "auth" in st.secrets
    except Exception:  # no secrets.toml at all: Streamlit raises rather than answering False
        configured = False
    return OIDC if configured else LOCAL


def workspace() -> AbstractContextManager[Workspace]:
    """A workspace on its own connection to the dashboard's database, closed afterwards
    (connections are per thread); it never makes a database."""
    return open_workspace()


def served() -> bool:
    """Whether this page came through the guard of ``tracker serve`` (dashboard/guard.py)."""
    try:
        return st.context.headers.get(guard.GUARD_HEADER) == "1"
    except Exception:  # no browser connection at all (AppTest): nothing to read
        return False


def _connected() -> bool:
    """Whether a browser is on the other end (False only in AppTest, which has no websocket)."""
    try:
        return len(st.context.headers) > 0
    except Exception:
        return False


def token() -> str | None:
    """The staff session's token: served, the HttpOnly cookie the browser sent when this page
    opened (never in session state, where a resumed Streamlit session would find it); in AppTest,
    which has no browser, session state."""
    if served() and auth_mode() == LOCAL:
        value = st.context.cookies.get(guard.STAFF_COOKIE)
        if value and value == st.session_state.get(ENDED_KEY):
            return None  # ended and already reported: the browser still sends it until reload
        return value or None
    if _connected() and auth_mode() == LOCAL:
        return None  # a browser without the guard (`streamlit run dashboard/app.py`): no staff
    # OIDC: Streamlit resumes a session only for a connection with the same identity cookie.
    return st.session_state.get(TOKEN_KEY)


def _address() -> str | None:
    """The browser's network address, for the sign-in throttle (None when unknown)."""
    try:
        address = st.context.ip_address
    except Exception:
        return None
    return address if isinstance(address, str) and address else None  # AppTest gives a mock


def _redirect(url: str) -> None:
    """Send the browser to ``url`` (a full page load), as ``st.login`` does.

    Streamlit has no public call for this; ``st.login`` and ``st.logout`` use this message."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    message = ForwardMsg()
    message.auth_redirect.url = url
    ctx.enqueue(message)


def _here() -> str:
    """This page's path and query, for coming back to it after a redirect.

    Built from the server's base path and the current page's own address, not from
    ``st.context.url``: Streamlit 1.67 trims any page address that *ends with* another page's
    (``/edit-sources`` ends with the public ``sources``) and gave ``/edit-/edit-sources``, a page
    that never loads after signing in there."""
    from streamlit import config
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    page = ""
    ctx = get_script_run_ctx()
    if ctx is not None:
        manager = ctx.pages_manager
        info = manager.get_pages().get(manager.current_page_script_hash) or {}
        page = str(info.get("url_pathname") or "").strip("/")
    path = "/" + "/".join(part for part in (base, page) if part)
    query = urlencode(st.query_params.to_dict())
    return f"{path}?{query}" if query else path


def notify(message: str) -> None:
    """A one-line message for the account box to show on the next draw (why you were signed out)."""
    st.session_state[NOTICE_KEY] = message


def take_notice() -> str | None:
    return st.session_state.pop(NOTICE_KEY, None)


def _oidc_identity() -> dict | None:
    if auth_mode() != OIDC:
        return None
    identity = st.user.to_dict()
    return identity if identity.get("is_logged_in") else None


#: The answer of ``current`` in each script run, for the token it was asked about: the sidebar,
#: the account box and a staff page's gate all ask who is signed in, and each check is a
#: database read (three per staff page run). Keyed weakly by the object Streamlit makes afresh
#: at the start of every run (``ScriptRunContext.parallel_coordinator``, made by its
#: ``reset()``), so the next run, a rerun or a fragment's, checks the database again, and the
#: entries go with their runs.
_CHECKED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _this_run() -> object | None:
    """The object standing for this script run (see ``_CHECKED``), or None outside one."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return getattr(ctx, "parallel_coordinator", None) if ctx is not None else None


def current() -> Principal | None:
    """Who is signed in, checked against the database once per script run (again whenever the
    token changes within the run: a sign-in or sign-out); None for a viewer.

    In OIDC mode a provider sign-in without a tracker session opens one (matched by email).
    A session that has ended (idle, signed out elsewhere, account disabled) is dropped here,
    with a notice saying why; in OIDC mode the provider sign-in is ended too, so an idle
    browser cannot sign straight back in without the provider.
    """
    run, held = _this_run(), token()
    if run is not None:
        checked = _CHECKED.get(run)
        if checked is not None and checked[0] == held:
            return checked[1]
    who = _check()
    if run is not None:  # the token as the check left it (an OIDC sign-in opens one, an ended one goes)
        _CHECKED[run] = (token(), who)
    return who


def _check() -> Principal | None:
    """``current`` without the memo: the database's answer now."""
    if token() is None:
        identity = _oidc_identity()
        if identity is None:
            return None  # a viewer: no database work on their page loads
        with workspace() as ws:
            try:
                signed = ws.sign_in_oidc(identity)
            except AuthenticationError as exc:
                notify(str(exc))
                return None
        st.session_state[TOKEN_KEY] = signed.token
        return signed.principal
    held = token()
    with workspace() as ws:
        try:
            return ws.principal(held)
        except SessionEndedError as exc:
            st.session_state.pop(TOKEN_KEY, None)
            if served():
                st.session_state[ENDED_KEY] = held
            notify(str(exc))
    if _oidc_identity() is not None:
        st.logout()
    return None


def sign_in(username: str, password: str) -> None:
    """Open a local session; raises AuthenticationError (AccountLockedError) with the reason.

    Served, the session is then claimed by this browser (dashboard/guard.py): the page reloads
    through ``/api/staff/session``, which gives the browser its HttpOnly session cookie and
    comes back to this page signed in."""
    _browser_can_sign_in()
    with workspace() as ws:
        signed = ws.sign_in(username, password, address=_address())  # may raise SecondFactorNeeded
        _opened(ws, signed)


def complete_second_factor(ticket: str, code: str) -> None:
    """The second step of a sign-in (``auth.SecondFactorNeeded``): the code opens the session."""
    _browser_can_sign_in()
    with workspace() as ws:
        _opened(ws, ws.complete_second_factor(ticket, code, address=_address()))


def _browser_can_sign_in() -> None:
    if served():
        if not st.context.cookies.get(guard.BROWSER_COOKIE):
            raise AuthenticationError("your browser did not send this site's cookie: allow cookies for "
                                      "this site and reload the page")
    elif _connected():
        raise AuthenticationError("staff sign-in needs the tracker's own server: start it with `tracker serve`")


def _opened(ws: Workspace, signed) -> None:
    ws.sign_out(token())  # a second sign-in in the same tab replaces the first session
    if served():
        ws.await_browser(signed.token, st.context.cookies.get(guard.BROWSER_COOKIE))
        st.session_state.pop(ENDED_KEY, None)
        _redirect(f"{guard.CLAIM_PATH}?next={quote(_here(), safe='')}")
        return
    st.session_state[TOKEN_KEY] = signed.token


def sign_out() -> None:
    with workspace() as ws:
        ws.sign_out(token())
    st.session_state.pop(TOKEN_KEY, None)
    if _oidc_identity() is not None:
        st.logout()
    elif served():
        _redirect(f"{guard.SIGN_OUT_PATH}?next={quote(_here(), safe='')}")
