"""Users (admins only): add staff accounts, change roles, disable and enable, set a password.

A disabled account cannot sign in, and its open sessions end at their next action.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.staff import forms, gate, session
from tracker.models import Role, UserIn

ADD_FIELDS = ("username", "display_name", "email", "role", "password")
ROLES = [r.value for r in Role]

gate.require(Role.ADMIN)
st.title("Users")
with session.workspace() as ws:
    accounts = ws.users(session.token())
names = {u.username: f"{u.display_name} ({u.username})" for u in accounts}

st.dataframe(
    pd.DataFrame([
        {"username": u.username, "name": u.display_name, "email": u.email, "role": u.role.value,
         "state": "disabled" if u.disabled else "active",
         "created": str(u.created_at)[:16] if u.created_at else ""}
        for u in accounts
    ]),
    hide_index=True, key="users_table",
)
if session.auth_mode() == session.OIDC:
    st.caption("Sign-in is through your identity provider: a user signs in when the provider's email "
               "matches the email here. Leave the password empty.")

add = forms.Form("user_add")


def _add() -> None:
    def build(values: dict) -> tuple[UserIn, str | None]:
        user = UserIn.model_validate({k: v for k, v in values.items() if k != "password"})
        return user, values.get("password") or None

    forms.submit(add, ADD_FIELDS, build,
                 lambda ws, token, model: ws.add_user(token, model[0], model[1]),
                 aliases={"email": ["the email"], "password": ["the password"], "username": ["user"]},
                 success=lambda _: "User added.")


st.subheader("Add a user")
add.show_outcome()
with st.form(add.key("form")):
    left, right = st.columns(2)
    with left:
        st.text_input("Username", key=add.seed("username", ""), help="lower-case letters, digits, . _ -")
        add.field_error("username")
        st.text_input("Email (for sign-in through the identity provider)", key=add.seed("email", ""))
        add.field_error("email")
        st.text_input("Initial password (empty for identity-provider accounts)", type="password",
                      key=add.seed("password", ""), autocomplete="new-password")
        add.field_error("password")
    with right:
        st.text_input("Name shown in the audit log", key=add.seed("display_name", ""))
        add.field_error("display_name")
        st.selectbox("Role", ROLES, key=add.seed("role", Role.EDITOR.value))
    st.form_submit_button("Add user", type="primary", on_click=_add, icon=":material/person_add:")

st.subheader("Change an account")
change = forms.Form("user_change")
ACTIONS = {"role": "Change role", "disable": "Disable", "enable": "Enable", "password": "Set a new password"}


def _change() -> None:
    def build(values: dict) -> dict:
        if not values["username"]:
            raise ValueError("choose an account")
        return values

    def write(ws, token, values: dict) -> None:
        username, action = values["username"], values["action"]
        if action == "role":
            ws.set_role(token, username, Role(values["role"]))
        elif action == "disable":
            ws.disable_user(token, username)
        elif action == "enable":
            ws.enable_user(token, username)
        else:
            ws.set_password(token, username, values["password"] or "")

    forms.submit(change, ("username", "action", "role", "password"), build, write,
                 aliases={"password": ["the password"], "username": ["account"]}, keep_on_success=("username", "action"),
                 success=lambda _: "Done.")


change.show_outcome()
with st.form(change.key("form")):
    left, right = st.columns(2)
    left.selectbox("Account", list(names), index=None, key=change.seed("username", None),
                   format_func=names.get, placeholder="Choose an account")
    with left:
        change.field_error("username")
    right.radio("Action", list(ACTIONS), format_func=ACTIONS.get, key=change.seed("action", "role"),
                horizontal=True)
    left.selectbox("New role (for Change role)", ROLES, key=change.seed("role", Role.EDITOR.value))
    right.text_input("New password (for Set a new password)", type="password",
                     key=change.seed("password", ""), autocomplete="new-password")
    with right:
        change.field_error("password")
    change.field_error("role")
    st.form_submit_button("Apply", type="primary", on_click=_change)
