"""A chart as every page draws it: its camera button saves a named picture, and a reader who
cannot see it gets the same facts as text (a sentence, and its data as a table)."""

from __future__ import annotations

from typing import Mapping

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts


def show(
    fig: go.Figure, *, name: str, key: str, summary: str | None = None, table: pd.DataFrame | None = None,
    column_config: Mapping | None = None, table_label: str = "The chart's data as a table",
) -> None:
    """Draw ``fig`` (saved as ``name``.png), then ``summary`` (one sentence saying what it
    shows) and ``table`` in a folded expander. ``fig`` is never changed (it may be cached)."""
    st.plotly_chart(fig, config=charts.config(name), key=key)
    if summary:
        st.caption(summary)
    if table is not None and not table.empty:
        with st.expander(table_label):
            st.dataframe(table, hide_index=True, column_config=column_config, key=f"{key}_table")
