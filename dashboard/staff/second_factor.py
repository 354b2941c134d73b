"""Your account's second factor: set up TOTP (any authenticator app), see recovery codes once,
turn it off (editors; admins must keep one unless the server says otherwise)."""

from __future__ import annotations

import streamlit as st

from dashboard.safe_text import md
from dashboard.staff import session
from tracker import auth
from tracker.auth import Principal
from tracker.errors import TrackerError

KEY = "second_factor"


def _enable(key: str) -> None:
    secret = st.session_state.get(f"{key}_secret")
    code = st.session_state.get(f"{key}_code", "")
    st.session_state[f"{key}_code"] = ""
    st.session_state.pop(f"{key}_error", None)
    try:
        with session.workspace() as ws:
            st.session_state[f"{key}_codes"] = ws.enable_second_factor(session.token(), secret, code)
        st.session_state.pop(f"{key}_secret", None)
    except TrackerError as exc:
        st.session_state[f"{key}_error"] = str(exc).capitalize() + "."


def _disable(key: str, username: str) -> None:
    st.session_state.pop(f"{key}_error", None)
    try:
        with session.workspace() as ws:
            ws.disable_second_factor(session.token(), username)
    except TrackerError as exc:
        st.session_state[f"{key}_error"] = str(exc).capitalize() + "."


def show(who: Principal, key: str = KEY) -> None:
    st.subheader("Second factor")
    codes = st.session_state.pop(f"{key}_codes", None)
    if codes:
        st.success("Second factor on. Keep these recovery codes somewhere safe, away from your phone: "
                   "each signs you in once if you lose it. They are not shown again.",
                   icon=":material/key:")
        st.code("\n".join(codes), language=None)
    error = st.session_state.get(f"{key}_error")
    if who.second_factor:
        with session.workspace() as ws:
            left = ws.recovery_codes_left(session.token())
        st.write(f"On: signing in asks for a code from your authenticator app. {left} recovery "
                 f"code{'s' if left != 1 else ''} left.")
        if error:
            st.error(md(error), icon=":material/error:")
        if not (who.is_admin and auth.admin_second_factor_required()):
            st.button("Turn the second factor off", on_click=_disable, args=(key, who.username),
                      key=f"{key}_off")
        return
    if who.needs_second_factor:
        st.warning("Admins need a second factor: set it up here before anything else.", icon=":material/key:")
    else:
        st.write("Optional for editors: a code from an authenticator app on your phone as well as "
                 "your password.")
    secret = st.session_state.setdefault(f"{key}_secret", auth.new_second_factor_secret())
    st.write("1. In your authenticator app, add an account with this key (or open the address below "
             "on your phone):")
    st.code(secret, language=None)
    st.code(auth.second_factor_uri(secret, who.username), language=None)
    st.write("2. Enter the 6-digit code it shows:")
    with st.form(f"{key}_form"):
        st.text_input("Code", key=f"{key}_code", autocomplete="one-time-code", max_chars=10)
        if error:
            st.error(md(error), icon=":material/error:")
        st.form_submit_button("Turn the second factor on", type="primary", on_click=_enable, args=(key,))
