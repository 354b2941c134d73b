"""Chart figures built once per distinct input and shared between script runs.

Building a Plotly figure validates every property of every trace: 0.1-0.3 s a chart, most of a
warm overview run at any size. A figure depends only on its (cached, small) input frame and its
options, so it is kept in ``st.cache_resource`` keyed on them, and a rerun with the same data
reuses it. ``st.plotly_chart`` copies a figure (``Figure.to_dict``) and never changes it, and
nothing else may: callers only pass these to ``st.plotly_chart``. Same signatures as
``dashboard.charts``, whose builders stay free of streamlit.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dashboard import charts

#: Figures are small (tens of kilobytes); a few per page and data version.
FIGURES = dict(max_entries=64, ttl=3600, show_spinner=False)


@st.cache_resource(**FIGURES)
def status_bars(*args, credit: str | None = None, **kwargs) -> go.Figure:
    """``charts.status_bars``, with ``credit`` under its title (``charts.credited``), cached."""
    return charts.credited(charts.status_bars(*args, **kwargs), credit)


@st.cache_resource(**FIGURES)
def open_items(*args, credit: str | None = None, **kwargs) -> go.Figure:
    """``charts.open_items``, with ``credit`` under its title, cached."""
    return charts.credited(charts.open_items(*args, **kwargs), credit)
