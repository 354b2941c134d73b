"""The top of every staff page: the signed-in person, or the sign-in form and a stop.

Only presentation: a viewer sees no form. ``tracker.workspace`` refuses writes on its own. Apart
from dashboard/staff/session.py (the session) and dashboard/staff/sign_in.py (the form, which
uses the session), so neither of those two imports the other.
"""

from __future__ import annotations

import streamlit as st

from dashboard.pages import page
from dashboard.staff import session, sign_in
from tracker.auth import Principal
from tracker.models import Role


def require(role: Role = Role.EDITOR) -> Principal:
    """The signed-in principal, or (for anyone else) a prompt with the sign-in form, and stop."""
    principal = session.current()
    if principal is None:
        st.info("This page is for policy staff. Sign in to use it.", icon=":material/lock:")
        sign_in.show()
        st.stop()
    if principal.needs_second_factor:
        st.warning("Admins need a second factor (a code from an authenticator app) before they can "
                   "change anything. Set it up on your account page.", icon=":material/key:")
        st.page_link(page("account"), label="Set up a second factor")
        st.stop()
    if role == Role.ADMIN and not principal.is_admin:
        st.warning("Only an admin can manage users.", icon=":material/block:")
        st.stop()
    return principal
