"""The served dashboard: Streamlit's app (app.py) with the tracker's guard in front of it.

`tracker serve` runs ``streamlit run dashboard/server.py``; Streamlit finds ``app`` below and
serves it as an ASGI app (``st.App``), which is how a Streamlit app adds its own routes and
middleware. See dashboard/guard.py for what they do. ``streamlit run dashboard/app.py`` still
works for the public pages, but staff sign-in then refuses: it needs the guard's cookies.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402

from dashboard.guard import ROUTES, Guard, redact_streamlit_logs  # noqa: E402

redact_streamlit_logs()
app = st.App(Path(__file__).resolve().parent / "app.py", routes=ROUTES, middleware=[Middleware(Guard)])
