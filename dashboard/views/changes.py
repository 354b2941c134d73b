"""What changed: every change to the record since a chosen date (new items, status changes,
deadlines set or moved, corrections), and the same as an Atom feed to download."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import data
from dashboard.components import as_of, item_table
from dashboard.pages import page
from dashboard.safe_text import md, md_link
from tracker import changes as record_changes
from tracker import feed
from tracker.dates import long_date

#: The page lists at most this many changes (the feed and the download hold up to theirs).
CHANGES_LISTED = 200

snap = data.snapshot(as_of.current())
settings = data.settings()
st.title("What changed")
st.caption("New items, status changes, deadlines set or moved, and corrections, newest first, by the "
           "day they were recorded.")

last = snap.reference_date
with st.expander("Choose the period and the kinds of change", icon=":material/filter_list:",
                 expanded=bool(st.session_state.get("changes_kind"))):
    left, right = st.columns([1, 2])
    since = left.date_input("Changes recorded since", value=last - dt.timedelta(days=30),
                            min_value=dt.date(1990, 1, 1), max_value=last, key="changes_since",
                            format="YYYY-MM-DD")
    kinds = right.multiselect("Kinds of change", record_changes.CHANGE_KINDS, key="changes_kind",
                              placeholder="Every kind of change")
if since is None:
    st.info("Choose a date to list the changes recorded since.")
    st.stop()

found = data.changes(snap, since, kinds=tuple(kinds))
until = f" to {long_date(snap.as_of)}" if snap.as_of else ""
summary = record_changes.counts_line(found)
st.markdown(f"**{len(found):,}** change{'' if len(found) == 1 else 's'} recorded from "
            f"{long_date(since)}{md(until)}" + (f": {md(summary)}." if summary else "."))

xml = feed.atom_feed(found, settings=settings, feed_url=settings.page_url("changes"))
st.download_button("Download as an Atom feed", data=xml, file_name=f"changes-since-{since.isoformat()}.atom",
                   mime="application/atom+xml", icon=":material/rss_feed:", key="changes_feed",
                   on_click="ignore", disabled=not found)
st.caption(f"The feed holds the newest {feed.MAX_ENTRIES} changes of this list; a feed reader can "
           "follow a published copy of it.")

if not found:
    st.info("Nothing was recorded in this period. Choose an earlier date.")
    st.stop()

day = None
for change in found[:CHANGES_LISTED]:
    if change.recorded_on != day:
        day = change.recorded_on
        st.header(long_date(day), anchor=False)
    with st.container(border=True):
        st.markdown(f"**{md(change.kind.capitalize())}** · {md(change.title)}")
        st.markdown(md(change.summary))
        if change.detail:
            st.text(change.detail)
        links = []
        if change.url:
            links.append(md_link("evidence", change.url))
        if links:
            st.markdown("Source: " + " · ".join(links))
        if change.item_id:
            st.page_link(page("item"), query_params=item_table.item_query(change.item_id), icon=":material/link:",
                         label=f"Open the {md(change.item_kind or 'item')}")
        elif change.document_id:
            st.page_link(page("sources"), query_params={"doc": change.document_id}, icon=":material/link:",
                         label="Open the document")
if len(found) > CHANGES_LISTED:
    st.caption(f"The newest {CHANGES_LISTED} of {len(found):,} changes are listed; choose a later date "
               "to see the others.")
