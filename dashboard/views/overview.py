"""Overview: the headline figures, who stands where, status by theme, the longest-open items."""

from __future__ import annotations

import streamlit as st

from dashboard import cached_charts, data
from dashboard.components import as_of, chart, filters, item_table
from dashboard.pages import page
from tracker.counts import scorecard_table
from tracker.figures import HEADLINE_TILES
from tracker.dates import long_date

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

# Two rows of three: six in a row cut their labels and values short on a desktop.
cols = st.columns(3) + st.columns(3)
cols[0].metric("Trackable items", head.trackable, border=True,
               help=f"{head.commitments} commitments, {head.recommendations} recommendations and "
                    f"{head.calls} calls: the items that can be delivered. Findings are counted apart.")
cols[1].metric("Findings", head.findings, border=True,
               help="Independent observations of how things stand: evidence, not promises, so they "
                    "carry no status and are never counted as delivered or overdue.")
cols[2].metric("Delivered", head.delivered, border=True,
               help="Commitments and calls assessed as delivered, and recommendations implemented.")
cols[3].metric("Not delivered", head.not_delivered, border=True,
               help="Assessed as not delivered, or recommendations not implemented.")
if head.open_with_deadline:
    cols[4].metric("Overdue", head.overdue, border=True,
                   help=f"Still open after the whole period of their deadline has passed, of "
                        f"{head.open_with_deadline} open items with a deadline recorded.")
else:  # "0 overdue" would read as "on time" when no deadline is recorded at all
    cols[4].metric("Overdue", "no deadlines", border=True,
                   help="No open item has a deadline recorded, so none can be overdue: not the same as none overdue.")
cols[5].metric("Awaiting response", head.awaiting_response, border=True,
               help="Open recommendations whose addressee has not responded on the record.")
# Each tile leads to the Tracker filtered to exactly the items it counts, as of the same date.
tile_filters = data.headline_filters(snap)
for column, tile in zip(cols, HEADLINE_TILES):
    counted = getattr(head, tile)
    if counted and tile in tile_filters:
        dated = as_of.query()
        column.page_link(page("tracker"), label=f"List {'it' if counted == 1 else f'all {counted:,}'} in the Tracker",
                         query_params={**filters.query_params(tile_filters[tile]), **dated},
                         icon=":material/table_rows:")
deadlines = (f"{head.open_with_deadline} of them with a deadline recorded" if head.open_with_deadline
             else "no deadlines recorded for any of them")
st.caption(f"As of {long_date(head.as_of)}: {head.open} items are still open, {deadlines}.")

names = data.actor_names(snap)
credit = data.chart_credit(snap, "overview")
st.header("Scorecard: where each actor's commitments and recommendations stand")
role = st.segmented_control(
    "Count items against", ["owner", "maker"], default="owner", key="overview_role",
    format_func={"owner": "the actor held to account", "maker": "the actor who made them"}.get,
    required=True,
)
card = data.scorecard(snap, by=role or "owner", kinds=("commitment", "recommendation"))
chart.show(
    cached_charts.status_bars(
        card,
        title=f"Commitments and recommendations by {'owner or addressee' if role != 'maker' else 'maker'}, by status",
        group_title="Actor",
        subtitle="An item with several owners counts once for each",
        credit=credit,
    ),
    name="scorecard-by-actor", key="scorecard_chart", table=scorecard_table(card),
    table_label="The scorecard as a table",
    summary="Each bar is one actor; its segments count that actor's items in each status, and "
            "the table below holds the same counts.",
)

st.header("Status by theme")
themes = data.scorecard(snap, by="theme", kinds=("commitment", "recommendation", "call"))
chart.show(
    cached_charts.status_bars(themes, title="Commitments, recommendations and calls in each theme, by status",
                        group_title="Theme", credit=credit),
    name="status-by-theme", key="theme_chart", table=scorecard_table(themes),
    table_label="Status by theme as a table",
    summary="Each bar is one theme; its segments count the theme's items in each status.",
)

st.header("Open the longest")
st.caption("Items never assessed are not listed here: \"not yet assessed\" means unresearched, so the time "
           "since they were made is not counted as delay. The Gaps page's evidence gap lists them.")
longest = data.longest_open(snap, limit=10)
if longest.empty:
    st.info("No item is open: everything recorded has reached an end status.")
else:
    chart.show(
        cached_charts.open_items(longest, reference_date=head.as_of, names=names, credit=credit,
                           title=f"The {len(longest)} items open the longest: from the date made to now, deadline marked"),
        name="longest-open", key="longest_chart",
        summary="Each bar runs from the date an item was made to today; the table below lists the same "
                "items with their status, age and deadline.",
    )
    item_table.show(longest, names=names, columns=item_table.LONGEST_OPEN, key="longest_table")
