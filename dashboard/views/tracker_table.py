"""Tracker: every item in one table, searchable and filterable; the filters live in the URL."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import data
from dashboard.components import as_of, filters, item_table
from tracker import filters as item_filters

snap = data.snapshot(as_of.current())
st.title("Tracker: every item")
st.caption("Search and filter; the address bar keeps your filters, so you can share this view as a link.")

options = data.filter_options(snap)
if not options.kinds:  # no item at all
    st.info("No item had been made by this date." if snap.as_of else "Nothing has been recorded yet.")
    st.stop()

names = data.actor_names(snap)
titles = data.document_titles(snap)
chosen = filters.show(options, actor_names=names, document_titles=titles)
view = data.matching_items(snap, chosen)
shown = view["rows"]

st.markdown(f"**{view['matches']:,}** of {view['total']:,} items" + (" match" if not chosen.is_empty() else ""))
if shown.empty:
    st.info("No item matches these filters. Remove a filter or clear them all.")
else:
    item_table.show(shown, names=names, document_titles=titles, key="tracker_table",
                    height=min(38 + 35 * len(shown), 640))
    if view["matches"] > len(shown):
        st.caption(f"Showing the first {len(shown):,}, oldest first: narrow the filters to see the "
                   "others, or download them all.")

stamp = (snap.as_of or dt.date.today()).isoformat()
left, right, _ = st.columns([1, 1, 3])
left.download_button(
    "Download CSV", data=lambda: item_filters.to_csv(data.all_matching_items(snap, chosen)),
    file_name=f"tracker-items-{stamp}.csv",
    mime="text/csv", icon=":material/download:", key="download_csv", disabled=shown.empty,
    on_click="ignore",
)
right.download_button(
    "Download JSON", data=lambda: item_filters.to_json(data.all_matching_items(snap, chosen)),
    file_name=f"tracker-items-{stamp}.json",
    mime="application/json", icon=":material/download:", key="download_json", disabled=shown.empty,
    on_click="ignore",
)
st.caption("Downloads hold every matching item, with its quote, status and latest evidence.")
