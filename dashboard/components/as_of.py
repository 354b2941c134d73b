"""The sidebar "as of" date: read every page as the record stood on that day.

The value lives in the URL (``?as_of=2021-06-30``) as well as in session state, so a link to a
past view of any page shows that past view.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.safe_text import md
from tracker.dates import long_date

KEY = "as_of"
EARLIEST = dt.date(1990, 1, 1)


def _back_to_today(key: str) -> None:
    st.session_state[key] = None


def _readable(text: str, today: dt.date) -> bool:
    """Whether ``text`` is a date the record can be read as of (what the control accepts)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return False
    return EARLIEST <= day <= today


def show(key: str = KEY) -> dt.date | None:
    """Draw the control in the sidebar; return the chosen date, or None for "today"."""
    today = dt.date.today()
    asked = st.query_params.get(key)  # read before the widget, which drops a value it cannot take
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
        if asked and not _readable(asked, today):
            # A shared link with a date in the future or out of range must not pass silently for
            # the view it asked for.
            st.warning(f"The link asks for the record as of {md(asked)}, which is not a date from "
                       f"{long_date(EARLIEST)} to today: the record is shown as it stands today.",
                       icon=":material/event_busy:")
        if chosen is not None:
            st.caption(f"Reading the record as of {long_date(chosen)}.")
            st.button("Back to today", key=f"{key}_reset", on_click=_back_to_today, args=(key,))
    return chosen


def current(key: str = KEY) -> dt.date | None:
    """The date the sidebar control holds (None: today), for pages drawn after it."""
    value = st.session_state.get(key)
    return value if isinstance(value, dt.date) else None


def query(key: str = KEY) -> dict[str, str]:
    """The as-of part of a page's address: ``{"as_of": "2021-06-30"}`` while the reader reads
    the record as of a past date, else ``{}``. Links add it so the page they open shows the
    same past."""
    chosen = current(key)
    return {key: chosen.isoformat()} if chosen else {}
