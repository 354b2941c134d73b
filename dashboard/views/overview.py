"""Overview: the headline figures, who stands where, status by theme, the longest-open items."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data, figures
from dashboard.components import as_of, item_table
from tracker import progress
from tracker.progress import long_date

snap = data.snapshot(as_of.current())
st.title("What was promised, and what became of it")
st.caption(
    "Commitments, recommendations, findings and calls in public documents on group-based child "
    "sexual exploitation, each with a verbatim quote and the dated evidence of what happened since."
)

head = data.headline(snap)
if head.tracked == 0:
    if snap.as_of:
        st.info("No item had been made by this date. Choose a later date in the sidebar.")
    else:
        st.info("Nothing has been recorded yet. Once staff add documents and items, the figures "
                "and charts appear here.")
    st.stop()

cols = st.columns(5)
cols[0].metric("Items tracked", head.tracked, border=True,
               help=f"{head.commitments} commitments, {head.recommendations} recommendations, "
                    f"{head.calls} calls and {head.findings} findings")
cols[1].metric("Delivered", head.delivered, border=True,
               help="Commitments and calls assessed as delivered, and recommendations implemented.")
cols[2].metric("Not delivered", head.not_delivered, border=True,
               help="Assessed as not delivered, or recommendations not implemented.")
cols[3].metric("Overdue", head.overdue, border=True,
               help="Still open after the whole period of their deadline has passed.")
cols[4].metric("Awaiting response", head.awaiting_response, border=True,
               help="Open recommendations whose addressee has not responded on the record.")
st.caption(f"As of {long_date(head.as_of)}. {head.open} items are still open.")

names = data.actor_names(snap)
st.subheader("Scorecard: where each actor's commitments and recommendations stand")
role = st.segmented_control(
    "Count items against", ["owner", "maker"], default="owner", key="overview_role",
    format_func={"owner": "the actor held to account", "maker": "the actor who made them"}.get,
    required=True,
)
card = data.scorecard(snap, by=role or "owner", kinds=("commitment", "recommendation"))
st.plotly_chart(
    figures.status_bars(
        card,
        title=f"Commitments and recommendations by {'owner or addressee' if role != 'maker' else 'maker'}, by status",
        group_title="Actor",
        subtitle="An item with several owners counts once for each",
    ),
    config=charts.config("scorecard-by-actor"), key="scorecard_chart",
)
with st.expander("The scorecard as a table"):
    st.dataframe(progress.scorecard_table(card), hide_index=True)

st.subheader("Status by theme")
themes = data.scorecard(snap, by="theme", kinds=("commitment", "recommendation", "call"))
st.plotly_chart(
    figures.status_bars(themes, title="Commitments, recommendations and calls in each theme, by status",
                       group_title="Theme"),
    config=charts.config("status-by-theme"), key="theme_chart",
)
with st.expander("Status by theme as a table"):
    st.dataframe(progress.scorecard_table(themes), hide_index=True)

st.subheader("Open the longest")
longest = data.longest_open(snap, limit=10)
if longest.empty:
    st.info("No item is open: everything recorded has reached an end status.")
else:
    st.plotly_chart(
        figures.open_items(longest, reference_date=head.as_of, names=names,
                          title=f"The {len(longest)} items open the longest: from the date made to now, deadline marked"),
        config=charts.config("longest-open"), key="longest_chart",
    )
    item_table.show(longest, names=names, columns=item_table.LONGEST_OPEN, key="longest_table")
