"""The sidebar account box: who is signed in, sign-out, and why a session ended.

Viewers see only a quiet link to the staff sign-in; no edit control is ever drawn for them.
"""

from __future__ import annotations

import streamlit as st

from dashboard.safe_text import md

KEY = "account"


def show(key: str = KEY) -> None:
    """Draw the box in the sidebar."""
    from dashboard.staff import page, session

    who = session.current()
    notice = session.take_notice()
    with st.sidebar:
        st.divider()
        if notice:
            st.warning(notice, icon=":material/logout:")
        if who is None:
            st.page_link(page("account", title="Staff sign-in"), label="Staff sign-in",
                         icon=":material/login:")
            return
        st.markdown(f"Signed in as **{md(who.display_name)}** ({who.role.value})")
        st.button("Sign out", key=f"{key}_sign_out", icon=":material/logout:", on_click=session.sign_out)
