"""A print layout for every page: no sidebar, header or toolbar, and the whole page printed,
not the one screen Streamlit's scrolling container holds.

The style sheet is a constant of this module (no stored text goes into it), added with
``st.html``, which puts a style-only block on the page without taking space.
"""

from __future__ import annotations

import streamlit as st

PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stExpandSidebarButton"], [data-testid="stBottom"], .stDownloadButton,
  [data-testid="stElementToolbar"], .modebar-container { display: none !important; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"], .stMain,
  [data-testid="stMainBlockContainer"] {
    overflow: visible !important; height: auto !important; min-height: 0 !important;
    position: static !important; max-width: 100% !important;
  }
  [data-testid="stMainBlockContainer"] { padding: 0 1rem !important; }
  [data-testid="stVerticalBlockBorderWrapper"], [data-testid="stPlotlyChart"], .stCaption,
  [data-testid="stMetric"] { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  [data-testid="stMarkdownContainer"] a[href^="http"]::after {
    content: " (" attr(href) ")"; font-size: 0.85em; word-break: break-all;
  }
}
</style>
"""


def apply() -> None:
    """Add the print style sheet to the page being drawn."""
    st.html(PRINT_CSS)
