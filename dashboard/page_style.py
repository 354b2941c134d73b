"""The style every page adds to Streamlit's: captions dark enough to read (Streamlit draws them
in its text colour at 60% opacity, #828180, 3.9:1 on white; WCAG asks 4.5:1), and a print layout with no sidebar, header or
toolbar that prints the whole page, not the one screen Streamlit's scrolling container holds.

The style sheet is a constant of this module (no stored text goes into it), added with
``st.html``, which puts a style-only block on the page without taking space.
"""

from __future__ import annotations

import streamlit as st

#: Caption text: #5c5b5a is 6.6:1 on white (and 6.2:1 on the light grey of bordered boxes).
CAPTION_COLOUR = "#5c5b5a"

PAGE_CSS = f"""
<style>
[data-testid="stCaptionContainer"] {{ color: {CAPTION_COLOUR}; opacity: 1; }}
@media (max-width: 640px) {{
  /* On a phone Streamlit's 2.75rem titles took a whole screen for an item's title. */
  h1 {{ font-size: 1.8rem !important; }}
  h2 {{ font-size: 1.4rem !important; }}
  h3 {{ font-size: 1.2rem !important; }}
}}
@media print {{
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stExpandSidebarButton"], [data-testid="stBottom"], .stDownloadButton,
  [data-testid="stElementToolbar"], .modebar-container {{ display: none !important; }}
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"], .stMain,
  [data-testid="stMainBlockContainer"] {{
    overflow: visible !important; height: auto !important; min-height: 0 !important;
    position: static !important; max-width: 100% !important;
  }}
  [data-testid="stMainBlockContainer"] {{ padding: 0 1rem !important; }}
  [data-testid="stVerticalBlockBorderWrapper"], [data-testid="stPlotlyChart"], .stCaption,
  [data-testid="stMetric"] {{ break-inside: avoid; }}
  h1, h2, h3 {{ break-after: avoid; }}
  [data-testid="stMarkdownContainer"] a[href^="http"]::after {{
    content: " (" attr(href) ")"; font-size: 0.85em; word-break: break-all;
  }}
}}
</style>
"""


def apply() -> None:
    """Add the style sheet to the page being drawn."""
    st.html(PAGE_CSS)
