"""The Gaps page's "Past deadline" section: every open item past its deadline, whatever its
response, the worst case (no response at all) first; the same items the Overview's "Overdue"
counts and the Tracker's "overdue" filter lists (``gaps.past_deadline_table``)."""

from __future__ import annotations

from typing import Mapping

import streamlit as st

from dashboard import data
from dashboard.components import as_of, filters, item_table
from dashboard.pages import page
from tracker.dates import long_date
from tracker.filters import OVERDUE, ItemFilter

COLUMNS = ["link", "days_overdue", "deadline_label", "title", "bodies_behind_label", "bodies_behind", "kind",
           "held_by", "response_label", "status_label"]


def show(snap: data.Snapshot, *, names: Mapping[str, str]) -> None:
    found = data.past_deadline(snap)
    rows, count, awaiting = found["rows"], found["count"], found["awaiting"]
    st.header("Past deadline")
    st.caption(f"Every open item whose deadline had wholly passed on {long_date(snap.reference_date)}, whatever "
               "its response (a deadline “June 2024” is overdue from 1 July 2024). Recommendations still "
               "awaiting a response come first, then the longest overdue. For an item addressed to several "
               "bodies, “Behind” counts those whose own status is still open (“4 of 6 bodies”).")
    if count == 0:
        st.info("No open item is past its deadline." if data.headline(snap).open_with_deadline else
                "No open item has a deadline recorded, so none can be overdue: not the same as none overdue.")
        return
    st.markdown(f"**{count:,}** open item{'s are' if count != 1 else ' is'} past {'their' if count != 1 else 'its'} "
                f"deadline; **{awaiting:,}** of them still await{'s' if awaiting == 1 else ''} a response.")
    dated = {as_of.KEY: snap.as_of.isoformat()} if snap.as_of else {}
    st.page_link(page("tracker"), label="List them in the Tracker (filter: overdue)", icon=":material/table_rows:",
                 query_params={**filters.query_params(ItemFilter(state=OVERDUE)), **dated})
    item_table.show(rows, names=names, columns=COLUMNS, key="past_deadline_table")
    if count > len(rows):
        st.caption(f"The first {len(rows):,} of {count:,} are listed; the Tracker's overdue filter lists and "
                   "downloads them all.")
