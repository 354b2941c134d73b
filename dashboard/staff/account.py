"""Staff sign-in (local password or the organisation's identity provider) and your account."""

from __future__ import annotations

import streamlit as st

from dashboard.safe_text import md
from dashboard.staff import forms, page, session
from tracker.errors import AuthenticationError

SIGN_IN = "sign_in"


def _sign_in() -> None:
    username = st.session_state.get(f"{SIGN_IN}_username", "")
    password = st.session_state.get(f"{SIGN_IN}_password", "")
    st.session_state[f"{SIGN_IN}_password"] = ""  # the password does not stay in session state
    st.session_state.pop(f"{SIGN_IN}_error", None)
    if not username or not password:
        st.session_state[f"{SIGN_IN}_error"] = "Enter your username and password."
        return
    try:
        session.sign_in(username, password)
    except AuthenticationError as exc:
        st.session_state[f"{SIGN_IN}_error"] = str(exc).capitalize() + "."


def _sign_in_form() -> None:
    st.title("Staff sign-in")
    st.caption("For policy staff who keep the record. Reading the tracker needs no account.")
    if session.auth_mode() == session.OIDC:
        st.write("Sign in with your organisation's account. Your email address must belong to a "
                 "tracker user; an admin can add you.")
        st.button("Sign in with your organisation", type="primary", icon=":material/login:",
                  on_click=st.login)
        return
    with st.form(SIGN_IN, border=True, enter_to_submit=True):
        st.text_input("Username", key=f"{SIGN_IN}_username", autocomplete="username")
        st.text_input("Password", type="password", key=f"{SIGN_IN}_password",
                      autocomplete="current-password")
        error = st.session_state.get(f"{SIGN_IN}_error")
        if error:
            st.error(md(error), icon=":material/error:")
        st.form_submit_button("Sign in", type="primary", on_click=_sign_in, icon=":material/login:")
    st.caption("After several failed attempts an account has to wait before trying again, then "
               "is refused for 15 minutes.")


PASSWORD_FIELDS = ("password", "repeat")


def _change_password(username: str) -> None:
    form = forms.Form("own_password", username)

    def build(values: dict) -> str:
        if values["password"] != values["repeat"]:
            raise ValueError("the two passwords differ")
        return values["password"] or ""

    forms.submit(form, PASSWORD_FIELDS, build,
                 lambda ws, token, password: ws.set_password(token, username, password),
                 success=lambda _: "Password changed.",
                 aliases={"password": ["the password"], "repeat": ["two passwords"]})


who = session.current()
if who is None:
    _sign_in_form()
    st.stop()

st.title("Your account")
st.markdown(f"Signed in as **{md(who.display_name)}** (`{md(who.username)}`), {who.role.value}.")
st.write("What you can do:")
for name in ("assess", "items", "sources", "import", "audit") + (("users",) if who.is_admin else ()):
    st.page_link(page(name), icon=None)
st.button("Sign out", on_click=session.sign_out, icon=":material/logout:", key="account_page_sign_out")

if session.auth_mode() == session.LOCAL:
    st.subheader("Change your password")
    form = forms.Form("own_password", who.username)
    form.show_outcome()
    with st.form(form.key("form"), clear_on_submit=False):
        st.text_input("New password", type="password", key=form.seed("password", ""),
                      autocomplete="new-password")
        form.field_error("password")
        st.text_input("Repeat it", type="password", key=form.seed("repeat", ""), autocomplete="new-password")
        form.field_error("repeat")
        st.form_submit_button("Change password", on_click=_change_password, args=(who.username,))
