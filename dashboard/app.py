"""Entry script and router: `streamlit run dashboard/app.py` (or `tracker serve`).

Public pages (no sign-in) live in dashboard/views/, staff pages in dashboard/staff/; this file
only assembles the navigation and the sidebar controls shared by every page.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the project root.
_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from dashboard.navigation import build_navigation  # noqa: E402

from dashboard import data  # noqa: E402
from tracker.errors import DatabaseBusyError, DatabaseUnavailableError  # noqa: E402

SITE_NAME = data.settings().name
st.set_page_config(page_title=SITE_NAME, page_icon="📋", layout="wide")
try:
    page = build_navigation()
    # Each page has its own browser-tab title (the item page sets a more precise one itself).
    st.set_page_config(page_title=f"{page.title} · {SITE_NAME}")
    page.run()
except (DatabaseUnavailableError, DatabaseBusyError) as exc:
    # A missing, unreadable, full or read-only database: a plain word, not Streamlit's error page.
    # What a staff member typed stays in this tab's forms for when the database is back.
    st.error(f"The tracker cannot reach its database just now ({exc}). Nothing you typed is lost: "
             "try again in a minute, and if this stays, tell whoever runs the tracker.",
             icon=":material/database:")
