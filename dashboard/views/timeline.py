"""Timeline: every dated event — items made, assessments, deadlines set, moved and falling due."""

from __future__ import annotations

import streamlit as st

from dashboard import cached_charts, data
from dashboard.components import as_of, chart, item_table
from tracker import timeline
from tracker.dates import long_date

snap = data.snapshot(as_of.current())
st.title("Timeline of dated events")
st.caption("Every item made, every assessment with its evidence, every deadline set, moved or falling due.")

if data.headline(snap).tracked == 0:
    st.info("No item had been made by this date." if snap.as_of else
            "Nothing has been recorded yet, so there are no dated events.")
    st.stop()

bounds = data.timeline_view(snap)
chosen = any(st.session_state.get(k) or st.query_params.get(k) for k in ("tl_event", "tl_kind", "tl_from", "tl_to"))
folded = st.expander("Filters: events, kinds of item, dates", expanded=bool(chosen), icon=":material/filter_list:")
first, second = folded.columns(2)
types = first.multiselect("Events", timeline.EVENT_TYPES, key="tl_event", bind="query-params",
                          placeholder="Every kind of event")
kinds = second.multiselect("Item kinds", ["commitment", "recommendation", "finding", "call"], key="tl_kind",
                           bind="query-params", placeholder="Every kind of item")
first, second = folded.columns(2)
start = first.date_input("From", value=None, min_value=bounds["first"], max_value=bounds["last"], key="tl_from",
                         bind="query-params", format="YYYY-MM-DD")
end = second.date_input("To", value=None, min_value=bounds["first"], max_value=bounds["last"], key="tl_to",
                        bind="query-params", format="YYYY-MM-DD")
view = data.timeline_view(snap, types=types, kinds=kinds, start=start, end=end)

st.markdown(f"**{view['shown']:,}** of {view['total']:,} events")
if view["shown"] == 0:
    st.info("No event matches these filters.")
    st.stop()

per = "day" if view["period"] == "day" else "month"
credit = data.chart_credit(snap, "timeline")
chart.show(
    cached_charts.events_strip(
        view["marks"], title="Each event on the time line, coloured by status",
        subtitle=f"Assessments show the status they gave, other events the item's status; "
                 f"a number counts the events in that {per}; the axis runs to "
                 f"{long_date(snap.reference_date)}", until=snap.reference_date, credit=credit),
    name="events-timeline", key="events_strip",
    summary="One lane per kind of event, each mark a day with events; the table at the foot of the page "
            "lists the events themselves.",
)
per_year = view["per_year"]
chart.show(
    cached_charts.events_per_year(per_year, title="Events per year, by type", until=snap.reference_date,
                                  credit=credit),
    name="events-per-year", key="events_per_year",
    table=per_year.pivot_table(index="year", columns="event", values="n", aggfunc="sum", fill_value=0)
    .reset_index() if not per_year.empty else None,
    table_label="Events per year as a table",
    summary="Bars count each kind of event in each year.",
)

rows = view["rows"]
table = rows.assign(link=[item_table.permalink(i) for i in rows["item_id"]])
st.dataframe(
    table[["date", "event", "link", "kind", "title", "status_label", "detail"]],
    hide_index=True, key="events_table",
    column_config={"date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
                   "event": "Event", "link": item_table.LABELS["link"], "kind": "Kind", "title": "What",
                   "status_label": "Status", "detail": st.column_config.TextColumn("Detail", width="large")},
)
note = "Newest first."
if view["shown"] > len(rows):
    note = f"The newest {len(rows):,} of {view['shown']:,} events; narrow the filters to see others."
st.caption(note + " Dates known only to a month or a year are placed on its first day "
           "(a deadline on its last).")
