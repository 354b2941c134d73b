"""Staff sign-in (local password or the organisation's identity provider) and your account."""

from __future__ import annotations

import streamlit as st

from dashboard.safe_text import md
from dashboard.pages import page
from dashboard.staff import forms, second_factor, session, sign_in
from tracker import auth

PASSWORD_FIELDS = ("current", "password", "repeat")


def _change_password(username: str) -> None:
    form = forms.Form("own_password", username)

    def build(values: dict) -> tuple[str, str]:
        if not values["current"]:
            raise ValueError("enter your current password")
        if values["password"] != values["repeat"]:
            raise ValueError("the two passwords differ")
        return values["current"], values["password"] or ""

    forms.submit(form, PASSWORD_FIELDS, build,
                 lambda ws, token, change: ws.set_password(token, username, change[1], current=change[0]),
                 success=lambda _: "Password changed. Your other sessions have ended.",
                 aliases={"current": ["current password"], "password": ["the password"],
                          "repeat": ["two passwords"]})


who = session.current()
if who is None:
    st.title("Staff sign-in")
    st.caption("For policy staff who keep the record. Reading the tracker needs no account.")
    sign_in.show()
    st.stop()

st.title("Your account")
st.markdown(f"Signed in as **{md(who.display_name)}** (`{md(who.username)}`), {who.role.value}.")
if who.needs_second_factor:
    second_factor.show(who)
    st.button("Sign out", on_click=session.sign_out, icon=":material/logout:", key="account_page_sign_out")
    st.stop()
st.write("What you can do:")
for name in ("assess", "review", "bulk", "items", "edit-sources", "import", "audit") + (("users",) if who.is_admin else ()):
    st.page_link(page(name))
st.button("Sign out", on_click=session.sign_out, icon=":material/logout:", key="account_page_sign_out")

if session.auth_mode() == session.LOCAL:
    st.subheader("Change your password")
    st.caption(f"At least {auth.min_password_length()} characters, and not a common or easily guessed "
               "password: a few uncommon words work well. Changing it signs you out everywhere else.")
    form = forms.Form("own_password", who.username)
    form.show_outcome()
    with st.form(form.key("form")):
        st.text_input("Current password", type="password", key=form.seed("current", ""),
                      autocomplete="current-password")
        form.field_error("current")
        st.text_input("New password", type="password", key=form.seed("password", ""),
                      autocomplete="new-password")
        form.field_error("password")
        st.text_input("Repeat it", type="password", key=form.seed("repeat", ""), autocomplete="new-password")
        form.field_error("repeat")
        st.form_submit_button("Change password", on_click=_change_password, args=(who.username,))

if session.auth_mode() == session.LOCAL:
    second_factor.show(who)
