"""One item, at its permalink ``/item?id=<id>``: the quote and its source, who made it and who
owns it, its status, the dated history with evidence, the deadline and its revisions, the links
and the chain it belongs to."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cached_charts, data
from dashboard.components import as_of, chart, item_table
from dashboard.pages import page
from dashboard.safe_text import md, md_link
from tracker import timeline
from tracker.bootstrap import SEED_USER
from tracker.dates import date_label, long_date
from tracker.models import split_list
from tracker.source_text import QUOTE_CHECK_LABELS
from tracker.status import ROLLUP_NOTE, addressee_table, display_status, is_open, response_label

snap = data.snapshot(as_of.current())
item_id = st.query_params.get("id")

if not item_id:
    st.title("Item")
    choices = data.item_choices(snap)
    if not choices["matches"]:
        st.info("No item had been made by this date." if snap.as_of else
                "Nothing has been recorded yet, so there is no item to show.")
        st.stop()
    if choices["matches"] > data.ITEMS_PICKED_FROM:  # too many for one list: search them first
        text = st.text_input("Search the items", key="item_search",
                             placeholder="Words from the title or quote, a theme, or an item or actor id")
        if text.strip():
            choices = data.item_choices(snap, text.strip())
        if len(choices["titles"]) < choices["matches"]:
            st.caption(f"{choices['matches']:,} items match; the list holds the oldest "
                       f"{len(choices['titles']):,}. Search to find the others.")
        elif not choices["matches"]:
            st.write("No item matches that search.")
    titles = choices["titles"]
    choice = st.selectbox("Choose an item", list(titles), index=None, format_func=lambda i: titles[i],
                          placeholder="Type to search the item titles", key="item_pick")
    st.caption("Each item has its own address: /item?id=<item id>. The Tracker page lists them all.")
    if choice:
        st.query_params["id"] = choice
        st.rerun()
    st.stop()

detail = data.item_detail(snap, item_id)
if detail is None:
    st.title("Item not found")
    if data.item_exists(snap, item_id):
        st.info("This item was made after the date the sidebar reads the record as of. "
                "Clear the date to see it.")
    else:
        st.warning(f"There is no item with the id “{md(item_id)}”. It may have been mistyped in the link.")
    st.page_link(page("tracker"), label="Browse every item in the Tracker", icon=":material/table_rows:")
    st.stop()

item, history, revisions = detail["item"], detail["history"], detail["revisions"]
names = data.actor_names(snap)
docs = data.documents(snap).set_index("id", drop=False)
kind = item["kind"]


def shorten(text: str, limit: int) -> str:
    """Link labels stay on one line, so long titles are cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


# The browser tab (and a bookmark) names the item, not just "Item".
st.set_page_config(page_title=f"{shorten(item['title'], 70)} · {data.settings().name}")


def actors_text(ids: str | None) -> str:
    return md("; ".join(names.get(a, a) for a in split_list(ids))) or "none recorded"


def document_line(document_id: str | None) -> str:
    if not document_id:
        return ""
    if document_id not in docs.index:
        return md(document_id)
    doc = docs.loc[document_id]
    when = date_label(doc["published_start"], doc["published_precision"])
    return f"{md_link(doc['title'], doc['url'])}, {md(doc['publisher'])}, {md(when)}"


reference = f" · {md(item['reference'])} in its document" if item.get("reference") else ""
st.caption(f"{md(kind.capitalize())}{reference} · id {md(item['id'])}")
st.title(md(item["title"]), anchor=False)
with st.container(border=True):  # the verbatim quote, exactly as stored: plain text, no markdown
    st.caption("Quote")
    st.text(f"“{item['quote']}”")
    st.caption(QUOTE_CHECK_LABELS[detail["quote_check"]])
st.markdown(f"**Source:** {document_line(item['document_id'])}")
if item.get("origin_document_id"):
    st.markdown(f"**First made in:** {document_line(item['origin_document_id'])}")

status = display_status(kind, item["status"], item["response"], item["implementation"])
openness = is_open(kind, item["status"], item["response"], item["implementation"])
left, middle, right = st.columns(3)
with left:
    st.markdown(f"**Made:** {md(date_label(item['made_start'], item['made_precision']))}")
    st.markdown(f"**Made by:** {actors_text(item['makers'])}")
with middle:
    label = "Addressed to" if kind == "recommendation" else "Owner"
    if kind != "finding":
        st.markdown(f"**{label}:** {actors_text(item['owners'])}")
    st.markdown(f"**Themes:** {md(', '.join(split_list(item['themes']))) or 'none'}")
with right:
    # md() trims its text, so the space before the bracket stays outside it.
    when = f" {md(f'(as of {long_date(snap.as_of)})')}" if snap.as_of else ""
    if kind == "finding":
        st.markdown("**Status:** a finding carries no status; it is evidence for the items it is linked to.")
    elif kind == "recommendation":
        st.markdown(f"**Response{when}:** {md(response_label(item['response']))}")
        st.markdown(f"**Implementation:** {md(status)} · {'open' if openness else 'closed'}")
    else:
        st.markdown(f"**Status{when}:** {md(status)} · {'open' if openness else 'closed'}")
# -- a status per addressee (issue 13): one row per body, with its own status and evidence --
by_body = addressee_table(kind, detail["addressees"])
if by_body is not None:
    st.header("By addressee")
    st.markdown(f"**{md(by_body['summary'])}**{when}. {md(ROLLUP_NOTE)}")
    st.table(pd.DataFrame(by_body["rows"], columns=by_body["columns"]).set_index("Body"))
# -- end of a status per addressee --
if item.get("done_when"):
    st.markdown("**What would count as done:**")
    st.text(item["done_when"])

if kind != "finding":
    st.header("Deadline")
    deadlines = timeline.deadline_history(revisions)
    if deadlines.empty:
        st.write("No deadline was given.")
    else:
        current = deadlines.iloc[-1]
        end = current["deadline_end"]
        line = f"**Current deadline:** {md(current['deadline_label'] or 'none')}"
        if end is not None and openness and end < snap.reference_date:
            line += f" — passed {(snap.reference_date - end).days:,} days ago with the item still open"
        st.markdown(line)
        slip = timeline.slippage_days(deadlines)
        if len(deadlines) > 1:
            moved = f"moved {len(deadlines) - 1} time{'s' if len(deadlines) > 2 else ''}"
            if slip:
                moved += f", now {abs(slip):,} days {'later' if slip > 0 else 'earlier'} than first set"
            st.markdown(f"The deadline was {moved}.")
        st.dataframe(
            deadlines[["revised_on", "deadline_label", "change", "days_moved", "reason"]],
            hide_index=True,
            column_config={"revised_on": "Changed on", "deadline_label": "Deadline", "change": "Change",
                           "days_moved": st.column_config.NumberColumn("Days moved", format="%d"),
                           "reason": "Reason"},
            key="deadline_table",
        )

st.header("History")
if kind == "finding":
    st.write("Findings take no assessments; the links below show what this finding bears on.")
elif not history:
    st.write("No assessment has been recorded yet, so this item is **not yet assessed** "
             "(unresearched, which is not the same as no action).")
for entry in reversed(history):
    with st.container(border=True):
        said = display_status(kind, entry["status"], entry["response"], entry["implementation"])
        if kind == "recommendation":
            said = f"response: {response_label(entry['response'])} · implementation: {said}"
        headline = f"**{md(date_label(entry['assessed_on'], entry.get('assessed_on_precision') or 'day'))}** — {md(said)}"
        corrected = entry.get("correction_reason") is not None

        def about(entry=entry) -> None:
            if entry.get("addressees"):  # issue 13: an assessment of some addressees only
                st.caption("About " + md("; ".join(names.get(a, a) for a in entry["addressees"])) + " only")

        if corrected:  # kept on the record, struck through: it no longer counts (issue 13)
            st.markdown(f"~~{headline}~~ :red-badge[Corrected: does not count]")
            about()
            st.markdown(f"~~{md(entry['evidence'])}~~")
            st.caption(f"Corrected by {md(data.recorder_label(snap, entry['corrected_by']))} on "
                       f"{md(entry['corrected_at'][:10])}: {md(entry['correction_reason'])}")
        else:
            st.markdown(headline)
            about()
            st.text(entry["evidence"])
        sources = []
        if entry.get("evidence_url"):
            sources.append(md_link("evidence link", entry["evidence_url"]))
        if entry.get("evidence_document_id"):
            sources.append(document_line(entry["evidence_document_id"]))
        if sources:
            st.markdown("Source: " + " · ".join(sources))
        if entry["recorded_by"] == SEED_USER:
            st.caption(f"From the tracker's first dataset, read from its source (loaded on "
                       f"{md(entry['recorded_at'][:10])})")
        else:
            st.caption(f"Recorded by {md(data.recorder_label(snap, entry['recorded_by']))} "
                       f"on {md(entry['recorded_at'][:10])}")
if detail["later_entries"]:
    st.caption(f"{detail['later_entries']} later assessment(s) are hidden by the as-of date.")

st.header("Linked items")
linked = detail["links"]
if not linked:
    st.write("This item is not linked to any other item.")
for link in linked:
    year = str(link["other_made"])[:4]
    if link["direction"] == "outgoing":
        phrase = f"This item {link['kind']} a {link['other_kind']} of {year}"
    else:
        phrase = f"A {link['other_kind']} of {year} {link['kind']} this item"
    with st.container(border=True):
        st.markdown(f"**{md(phrase)}**")
        st.page_link(page("item"), query_params=item_table.item_query(link["other_id"]), icon=":material/link:",
                     label=md(shorten(link["other_title"], 110)))
        if link.get("note"):
            st.text(link["note"])

chain = data.chain_for_item(snap, item["id"])
if chain is not None:
    st.header("The chain this item belongs to")
    st.markdown(md(chain.span(today=snap.reference_date).sentence(names)))
    chart.show(
        cached_charts.chain_timeline(snap.key, chain.id, chain, names=names, as_of=snap.as_of, current=item["id"],
                                     credit=data.chart_credit(snap, "item", id=item["id"])),
        name=f"chain-{chain.id}", key="chain_chart",
        summary=f"This item and the {len(chain.item_ids) - 1} items linked to it, on one time line, oldest first.",
        table=chain.items[["made_label", "kind", "title", "status_label"]].rename(columns={
            "made_label": "Made", "kind": "Kind", "title": "What", "status_label": "Status"}),
        table_label="The chain's items as a table",
    )
