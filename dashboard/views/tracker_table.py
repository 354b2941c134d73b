"""Tracker: every item in one table, searchable and filterable; the filters live in the URL."""

from __future__ import annotations

import re

import streamlit as st

from dashboard import data
from dashboard.components import as_of, filters, item_table
from dashboard.safe_text import md, web_url
from tracker import filters as item_filters
from tracker import ordering
from tracker.dates import long_date

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
# Ordered in tracker (R2 before R10): the grid's own heading sort compares cell text (tracker.ordering).
count_line, order_box = st.columns([3, 2], vertical_alignment="center")
order = order_box.segmented_control(
    "Order by", list(ordering.ORDERS), key="order", bind="query-params", default=ordering.MADE,
    help="made: oldest first. reference: by the item's reference within its document, numbers read as "
         "numbers (R2, R4, R10), items without one after. A click on a column heading sorts only the rows "
         "shown, as plain text.") or ordering.MADE
view = data.matching_items(snap, chosen, order)
shown = view["rows"]

count_line.markdown(f"**{view['matches']:,}** of {view['total']:,} items"
                    + (" match" if not chosen.is_empty() else ""))
if shown.empty:
    st.info("No item matches these filters. Remove a filter or clear them all.")
else:
    item_table.show(shown, names=names, document_titles=titles, key="tracker_table",
                    height=min(38 + 35 * len(shown), 640))
    if view["matches"] > len(shown):
        st.caption(f"Showing the first {len(shown):,}, {ordering.ORDERS[order]}: narrow the filters to see "
                   "the others, or download them all.")

settings = data.settings()
docs = data.documents(snap)
provenance = item_filters.Provenance(
    page_url=settings.page_url("tracker", **st.query_params.to_dict()),
    record_as_of=snap.reference_date,
    filter_text=item_filters.describe_filter(chosen, actor_names=names, document_titles=titles),
    actor_names=names,
    documents={d: (t, web_url(u)) for d, t, u in zip(docs["id"], docs["title"], docs["url"])},
    # Called when the file is downloaded, after this run: the as-of date is taken now.
    item_url=lambda item_id, dated=as_of.query(): settings.page_url("item", **item_table.item_query(item_id, dated)),
    source=settings.name, licence=settings.licence,
)
# The file's name says the date and the filter it was taken with, as its rows do.
label = "all-items" if chosen.is_empty() else re.sub(r"[^a-z0-9]+", "-", provenance.filter_text.lower()).strip("-")[:60]
stem = f"tracker-{label}-as-of-{snap.reference_date.isoformat()}"


def _json() -> str:
    matching = data.all_matching_items(snap, chosen, order)
    return item_filters.to_json(matching, provenance, data.history_of(snap, matching["id"].tolist()))


left, right, _ = st.columns([1, 1, 3])
left.download_button(
    "Download CSV", data=lambda: item_filters.to_csv(data.all_matching_items(snap, chosen, order), provenance),
    file_name=f"{stem}.csv", mime="text/csv", icon=":material/download:", key="download_csv",
    disabled=shown.empty, on_click="ignore",
)
right.download_button(
    "Download JSON", data=_json, file_name=f"{stem}.json", mime="application/json",
    icon=":material/download:", key="download_json", disabled=shown.empty, on_click="ignore",
)
st.caption(f"Downloads hold every matching item ({md(provenance.filter_text)}; record as of "
           f"{long_date(snap.reference_date)}) with its quote, status, names, its link and its source's, "
           "and for an item addressed to several bodies each one's own status (addressee_statuses); "
           "the JSON adds each item's dated history.")
