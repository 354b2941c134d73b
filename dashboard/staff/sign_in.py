"""The sign-in form: a password form for local accounts, or the identity provider's button.

Drawn on the sign-in page and in place of any staff page opened while signed out, so signing
in there shows that same page (with its ?item=... still in the URL) straight away.
"""

from __future__ import annotations

import importlib.util

import streamlit as st

from dashboard.safe_text import md
from dashboard.staff import session
from tracker.auth import SecondFactorNeeded, SessionEndedError
from tracker.errors import AuthenticationError

KEY = "sign_in"


def _submit(key: str) -> None:
    username = st.session_state.get(f"{key}_username", "")
    password = st.session_state.get(f"{key}_password", "")
    st.session_state[f"{key}_password"] = ""  # the password does not stay in session state
    st.session_state.pop(f"{key}_error", None)
    if not username or not password:
        st.session_state[f"{key}_error"] = "Enter your username and password."
        return
    try:
        session.sign_in(username, password)
    except SecondFactorNeeded as needed:
        st.session_state[f"{key}_ticket"] = needed.ticket  # opens nothing without the code
    except AuthenticationError as exc:
        st.session_state[f"{key}_error"] = str(exc).capitalize() + "."


def _submit_code(key: str) -> None:
    code = st.session_state.get(f"{key}_code", "")
    st.session_state[f"{key}_code"] = ""
    st.session_state.pop(f"{key}_error", None)
    if not code.strip():
        st.session_state[f"{key}_error"] = "Enter the code."
        return
    try:
        session.complete_second_factor(st.session_state.get(f"{key}_ticket"), code)
    except SessionEndedError as exc:
        st.session_state.pop(f"{key}_ticket", None)
        st.session_state[f"{key}_error"] = str(exc).capitalize() + "."
        return
    except AuthenticationError as exc:
        st.session_state[f"{key}_error"] = str(exc).capitalize() + "."
        return
    st.session_state.pop(f"{key}_ticket", None)


def _start_again(key: str) -> None:
    st.session_state.pop(f"{key}_ticket", None)
    st.session_state.pop(f"{key}_error", None)


def _code_form(key: str) -> None:
    with st.form(f"{key}_second", border=True, enter_to_submit=True):
        st.write("Your account has a second factor. Enter the 6-digit code your authenticator app "
                 "shows now, or one of your recovery codes.")
        st.text_input("Code", key=f"{key}_code", autocomplete="one-time-code", max_chars=20)
        error = st.session_state.get(f"{key}_error")
        if error:
            st.error(md(error), icon=":material/error:")
        st.form_submit_button("Confirm", type="primary", on_click=_submit_code, args=(key,),
                              icon=":material/key:")
    st.button("Start again", on_click=_start_again, args=(key,), key=f"{key}_restart")


def show(key: str = KEY) -> None:
    """Draw the form; a successful sign-in reruns the page signed in."""
    if session.auth_mode() == session.OIDC:
        st.write("Sign in with your organisation's account. Your email address must belong to a "
                 "tracker user; an admin can add you.")
        if importlib.util.find_spec("authlib") is None:
            st.error("Sign-in through the identity provider needs the Authlib package on the server "
                     "(`pip install \"streamlit[auth]\"`). Ask whoever runs the tracker.",
                     icon=":material/error:")
            return
        st.button("Sign in with your organisation", type="primary", icon=":material/login:",
                  on_click=st.login, key=f"{key}_oidc")
        return
    if st.session_state.get(f"{key}_ticket"):
        _code_form(key)
        return
    with st.form(key, border=True, enter_to_submit=True):
        st.text_input("Username", key=f"{key}_username", autocomplete="username")
        st.text_input("Password", type="password", key=f"{key}_password", autocomplete="current-password")
        error = st.session_state.get(f"{key}_error")
        if error:
            st.error(md(error), icon=":material/error:")
        st.form_submit_button("Sign in", type="primary", on_click=_submit, args=(key,), icon=":material/login:")
    st.caption("After several failed attempts a username has to wait before trying again from this "
               "address, then is refused here for 15 minutes. Staff sessions end after a period "
               "without activity, a minute after the last staff page is closed, and 12 hours after "
               "signing in.")
