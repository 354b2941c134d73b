"""Sources: each document with its items and where they stand."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cached_charts, data
from dashboard.components import as_of, chart, item_table
from dashboard.safe_text import md, md_link, web_url
from tracker.counts import scorecard_table
from tracker.dates import date_label

snap = data.snapshot(as_of.current())
st.title("Sources")
st.caption("The documents items are found in: government papers, inspection and inquiry reports, reviews, "
           "responses, progress reports, news articles, answers. Choose one to see its items, the responses "
           "to it and its follow-ups.")

docs = data.documents(snap)
if docs.empty:
    st.info("No document had been published by this date." if snap.as_of else
            "No document has been recorded yet.")
    st.stop()

names = data.actor_names(snap)
counts = data.document_counts(snap)
summary = pd.DataFrame({
    "id": docs["id"],
    "title": docs["title"],
    "published": [date_label(s, p) for s, p in zip(docs["published_start"], docs["published_precision"])],
}).join(counts, on="id")
summary[["items", "open"]] = summary[["items", "open"]].fillna(0).astype(int)
summary["kind"] = docs["kind"].tolist()
summary["publisher"] = docs["publisher"].tolist()
summary["link"] = [web_url(u) for u in docs["url"]]
st.dataframe(
    summary.drop(columns="id"), hide_index=True, key="documents_table",
    column_config={"title": st.column_config.TextColumn("Document", width="large"), "publisher": "Publisher",
                   "kind": "Kind", "published": "Published", "link": st.column_config.LinkColumn("Online"),
                   "items": st.column_config.NumberColumn("Items", format="%d"),
                   "open": st.column_config.NumberColumn("Still open", format="%d")},
)

card = data.source_scorecard(snap)
chart.show(
    cached_charts.status_bars(
        card, title="Items found in each document, by status", group_title="Document",
        subtitle="Findings carry no status and are counted as findings; an item counts for "
                 "the article quoting it and the report it was first made in", credit=data.chart_credit(snap, "sources")),
    name="items-by-document", key="documents_chart", table=scorecard_table(card),
    table_label="Items by document and status as a table",
    summary="Each bar is one document; its segments count the items found in it by status.",
)

titles = dict(zip(docs["id"], docs["title"]))
# The choice is kept in the URL by id (?doc=<document id>), not by title as a bound widget would.
wanted = st.query_params.get("doc")
chosen = st.selectbox("Show a document's items", list(titles), key="doc_pick",
                      index=list(titles).index(wanted) if wanted in titles else None,
                      format_func=lambda d: titles.get(d, d), placeholder="Choose a document")
if chosen != wanted:
    if chosen is None:
        st.query_params.pop("doc", None)
    else:
        st.query_params["doc"] = chosen
if chosen is None:
    st.caption("Choose a document to list its items; the address bar keeps the choice.")
    st.stop()

doc = docs.set_index("id").loc[chosen]
st.header(md(doc["title"]), anchor=False)
st.markdown(f"{md(doc['publisher'])} · {md(doc['kind'])} · published "
            f"{md(date_label(doc['published_start'], doc['published_precision']))}")
if web_url(doc["url"]):
    st.markdown(md_link("Read the document", doc["url"]))
if isinstance(doc.get("reported_in"), str) and doc["reported_in"] in titles:
    st.markdown(f"Known to us through: {md(titles[doc['reported_in']])}")

# issue 13: the report with its response and its follow-ups (documents that answer documents)
answers = data.document_answers(snap, chosen)


def _document_line(row) -> str:
    when = date_label(row["published_start"], row["published_precision"])
    return f"{md_link(row['title'], row['url'])} ({md(row['kind'])}, {md(row['publisher'])}, {md(when)})"


for _, row in answers["answered"].iterrows():
    st.markdown(f"This document {md(row['relation'])}: {_document_line(row)}")
if not answers["responses"].empty or not answers["follow_ups"].empty:
    st.subheader("Answered by", anchor=False)
    for title, frame in (("Response", answers["responses"]), ("Follow-up", answers["follow_ups"])):
        for _, row in frame.iterrows():
            st.markdown(f"- **{title}:** {_document_line(row)}")
elif doc["kind"] not in ("news article", "press release"):
    st.caption("No response to this document or follow-up of it is recorded" + (" by this date." if snap.as_of else "."))
its_items = data.items_of_document(snap, chosen)
if its_items.empty:
    st.info("No item from this document has been recorded" + (" by this date." if snap.as_of else " yet."))
else:
    item_table.show(its_items, names=names, key="document_items",
                    # in the document's order (R2 before R10; tracker.ordering), so its reference shows
                    columns=["link", "kind", "title", "reference", "status_label", "response_label", "makers", "owners",
                             "made_label", "deadline_label"])
