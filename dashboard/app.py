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

SITE_NAME = data.settings().name
st.set_page_config(page_title=SITE_NAME, page_icon="📋", layout="wide")
page = build_navigation()
# Each page has its own browser-tab title (the item page sets a more precise one itself).
st.set_page_config(page_title=f"{page.title} · {SITE_NAME}")
page.run()
