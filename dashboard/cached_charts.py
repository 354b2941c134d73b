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


@st.cache_resource(**FIGURES)
def response_waiting(*args, credit: str | None = None, **kwargs) -> go.Figure:
    """``charts.response_waiting``, with ``credit`` under its title, cached."""
    return charts.credited(charts.response_waiting(*args, **kwargs), credit)


@st.cache_resource(**FIGURES)
def chain_timeline(record: tuple, chain_id: str, _chain, *, credit: str | None = None, **kwargs) -> go.Figure:
    """``charts.chain_timeline`` of ``_chain``, with ``credit`` under its title, cached: the gaps
    page draws eight chains, 0.1-0.5 s each to build. Keyed on ``record`` (``Snapshot.key``:
    which record, as of which date) and the chain's id, which decide the chain; the chain
    itself is not hashed (hashing its frames cost a third of a warm gaps page)."""
    return charts.credited(charts.chain_timeline(_chain, **kwargs), credit)


@st.cache_resource(**FIGURES)
def events_strip(*args, credit: str | None = None, **kwargs) -> go.Figure:
    """``charts.events_strip``, with ``credit`` under its title, cached: thousands of marks, each
    with its hover text, took seconds to build on every run of the timeline."""
    return charts.credited(charts.events_strip(*args, **kwargs), credit)


@st.cache_resource(**FIGURES)
def events_per_year(*args, credit: str | None = None, **kwargs) -> go.Figure:
    """``charts.events_per_year``, with ``credit`` under its title, cached."""
    return charts.credited(charts.events_per_year(*args, **kwargs), credit)
