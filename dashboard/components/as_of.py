"""The sidebar "as of" date: read every page as the record stood on that day.

The value lives in the URL (``?as_of=2021-06-30``) as well as in session state, so a link to a
past view of any page shows that past view.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st
from tracker.progress import long_date

KEY = "as_of"
EARLIEST = dt.date(1990, 1, 1)


def _back_to_today(key: str) -> None:
    st.session_state[key] = None


def show(key: str = KEY) -> dt.date | None:
    """Draw the control in the sidebar; return the chosen date, or None for "today"."""
    today = dt.date.today()
    with st.sidebar:
        chosen = st.date_input(
            "Show the record as of",
            value=None,
            min_value=EARLIEST,
            max_value=today,
            key=key,
            bind="query-params",
            format="YYYY-MM-DD",
            help="Statuses, deadlines and gaps are recomputed from the dated history as it stood "
                 "on this day. Leave empty for the record as it stands today.",
        )
        if chosen is not None:
            st.caption(f"Reading the record as of {long_date(chosen)}.")
            st.button("Back to today", key=f"{key}_reset", on_click=_back_to_today, args=(key,))
    return chosen


def current(key: str = KEY) -> dt.date | None:
    """The date the sidebar control holds (None: today), for pages drawn after it."""
    value = st.session_state.get(key)
    return value if isinstance(value, dt.date) else None
