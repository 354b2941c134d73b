"""The sidebar account box: who is signed in, sign-out, and why a session ended.

Viewers see nothing here (the navigation has a "Staff sign-in" page); no edit control is ever
drawn for them.
"""

from __future__ import annotations

import streamlit as st

from dashboard.safe_text import md
from dashboard.staff import session

KEY = "account"


def show(key: str = KEY) -> None:
    """Draw the box in the sidebar."""
    who = session.current()
    notice = session.take_notice()
    if who is None and not notice:
        return
    with st.sidebar:
        st.divider()
        if notice:
            st.warning(md(notice), icon=":material/logout:")
        if who is None:
            return
        st.markdown(f"Signed in as **{md(who.display_name)}** ({who.role.value})")
        st.button("Sign out", key=f"{key}_sign_out", icon=":material/logout:", on_click=session.sign_out)
