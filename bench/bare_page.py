"""A bare Streamlit page with five metrics: the browser benchmark's floor.

However fast the tracker's own work, a reader waits at least as long as Streamlit's frontend
takes to load, connect and draw this page on the same machine.
"""

import streamlit as st

for number, column in enumerate(st.columns(5)):
    column.metric(f"Figure {number + 1}", 1000 * (number + 1), border=True)
