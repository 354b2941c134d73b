"""Gaps: where promise and delivery part — delivery, response and evidence gaps, the chains that
run across the years, and claims of progress beside findings that say otherwise."""

from __future__ import annotations

import streamlit as st

from dashboard import cached_charts, data
from dashboard.components import as_of, chart, item_table, past_deadline
from dashboard.pages import page
from dashboard.safe_text import md
from tracker.gaps import STALE_EVIDENCE_DAYS
from tracker.models import split_list

MAX_CHAINS_DRAWN = 8
MAX_PAIRS_SHOWN = 12
MAX_CHAIN_ITEMS_LISTED = 40

snap = data.snapshot(as_of.current())
st.title("Where promise and delivery part")
if data.headline(snap).tracked == 0:
    st.info("No item had been made by this date." if snap.as_of else
            "Nothing has been recorded yet, so there are no gaps to show.")
    st.stop()

found = data.gap_tables(snap)
names = data.actor_names(snap)
credit = data.chart_credit(snap, "gaps")
delivery, response, evidence = found["delivery"], found["response"], found["evidence"]
chain_list, claimed = found["chains"], found["claimed"]


def more_than_shown(name: str, shown) -> None:
    """Say when a table holds only the first rows of a longer list."""
    if found[f"{name}_count"] > len(shown):
        st.caption(f"The first {len(shown):,} of {found[f'{name}_count']:,} are listed; the Tracker page "
                   "filters and downloads them all.")


def actor_list(ids: str) -> str:
    return "; ".join(names.get(a, a) for a in split_list(ids))


cols = st.columns(5)
cols[0].metric("Delivery gap", found["delivery_count"], border=True,
               help="Commitments not delivered, and accepted recommendations not implemented.")
cols[1].metric("No response", found["response_count"], border=True,
               help="Recommendations with no response from their addressee.")
cols[2].metric("Evidence gap", found["evidence_count"], border=True,
               help="Never assessed, or open with evidence older than a year.")
cols[3].metric("Chains", found["chains_count"], border=True,
               help="Groups of linked items: the same problem promised, found and asked again.")
cols[4].metric("Claimed vs found", found["claimed_count"], border=True,
               help="A finding that contradicts an item, beside the item's claim of progress.")

past_deadline.show(snap, names=names)  # issue 13: overdue, whatever the response

st.header("Delivery gap")
st.caption("Commitments assessed as anything but delivered, and recommendations the addressee "
           "accepted but has not implemented. Items never assessed are in the evidence gap instead.")
if delivery.empty:
    st.info("No commitment or accepted recommendation stands undelivered.")
else:
    still_open = delivery[delivery["state"] == "open"].head(15)
    if not still_open.empty:
        chart.show(
            cached_charts.open_items(
                still_open, reference_date=snap.reference_date, names=names, credit=credit,
                title="Undelivered and still open: from the date made to now, deadline marked",
                subtitle="Most overdue first; up to 15 shown, all are in the table below"),
            name="delivery-gap", key="delivery_chart",
            summary="Each bar runs from the date an undelivered item was made to now; the table below "
                    "lists every item of the delivery gap with its status, age and deadline.",
        )
    item_table.show(delivery.assign(days_open=delivery["days_since_made"]), names=names, key="delivery_table",
                    columns=["link", "status_label", "title", "bodies_behind_label", "bodies_behind", "kind",
                             "owners", "response_label", "made_label", "days_open", "deadline_label",
                             "days_overdue"])
    more_than_shown("delivery", delivery)

st.header("Response gap")
st.caption("Recommendations whose addressee has not responded on the record.")
if response.empty:
    st.info("Every recommendation has a recorded response.")
else:
    chart.show(cached_charts.response_waiting(
                   response, names=names, title="Recommendations awaiting a response, by addressee", credit=credit),
               name="response-gap", key="response_chart",
               summary="Each bar counts one addressee's recommendations still awaiting a response; the "
                       "table below lists them.")
    item_table.show(response.assign(days_open=response["days_waiting"]), names=names, key="response_table",
                    columns=["link", "title", "bodies_behind_label", "bodies_behind", "makers", "owners",
                             "made_label", "days_open"])
    more_than_shown("response", response)

st.header("Evidence gap")
st.caption(f"Items never assessed, and open items whose latest evidence is more than "
           f"{STALE_EVIDENCE_DAYS} days old.")
if evidence.empty:
    st.info("Every item rests on recent evidence.")
else:
    shown = item_table.display_frame(evidence, names=names,
                                     columns=["link", "status_label", "title", "kind", "owners",
                                              "last_assessed_on"])
    shown["reason"] = evidence["reason"].tolist()
    st.dataframe(shown, hide_index=True, key="evidence_table", height=item_table.full_height(len(shown)),
                 column_config={**{c: item_table.LABELS[c] for c in shown.columns if c in item_table.LABELS},
                                "reason": "Why it is here"})
    item_table.open_item_link(evidence, key="evidence_open")
    more_than_shown("evidence", evidence)

st.header("Chains across the years")
st.caption("Items joined by links — a promise, what was found, the same ask made again — drawn "
           "on one time line, oldest first.")
if chain_list.empty:
    st.info("No items are linked yet, so there are no chains to draw.")
else:
    drawn_ids = chain_list["id"].head(MAX_CHAINS_DRAWN).tolist()
    if found["chains_count"] > MAX_CHAINS_DRAWN:
        summary = chain_list.assign(link=[item_table.permalink(i) for i in chain_list["id"]])
        st.dataframe(summary[["title", "items", "open", "link"]], hide_index=True, key="chain_summary",
                     column_config={"link": item_table.LABELS["link"], "title": "Chain", "items": "Items",
                                    "open": "Still open"})
        titles = dict(zip(chain_list["id"], chain_list["title"]))
        picked = st.selectbox("Draw another chain", list(titles), index=None, format_func=titles.get,
                              key="chain_pick", placeholder="Choose a chain")
        if picked is not None and picked not in drawn_ids:
            drawn_ids = [picked] + drawn_ids
        more_than_shown("chains", chain_list)
        st.caption(f"The {MAX_CHAINS_DRAWN} oldest of {found['chains_count']:,} chains are drawn below.")
    for chain in data.chains(snap, drawn_ids):
        st.markdown(f"**{md(chain.title)}**  \n{md(chain.span(today=snap.reference_date).sentence(names))}")
        chart.show(cached_charts.chain_timeline(snap.key, chain.id, chain, names=names, as_of=snap.as_of,
                                                credit=credit),
                   name=f"chain-{chain.id}", key=f"chain_{chain.id}",
                   summary=f"{len(chain.item_ids)} linked items on one time line, oldest first; they are "
                           "listed, with links, just below.")
        with st.expander(f"The {len(chain.item_ids)} items of this chain"):
            if len(chain.item_ids) > MAX_CHAIN_ITEMS_LISTED:
                st.caption(f"The {MAX_CHAIN_ITEMS_LISTED} oldest are listed; the Tracker finds the rest.")
            for row in chain.items.head(MAX_CHAIN_ITEMS_LISTED).itertuples(index=False):
                st.page_link(page("item"), query_params=item_table.item_query(row.id), icon=":material/link:",
                             label=f"{md(row.made_label)} · {md(row.kind)} · {md(row.title)} — {md(row.status_label)}")

st.header("Claimed vs found")
st.caption("Where an independent finding contradicts an item: the item's latest claim of progress "
           "(or, when none is recorded, what it said) beside what was found.")
if claimed.empty:
    st.info("No finding is linked as contradicting an item.")
else:
    for pair in claimed.head(MAX_PAIRS_SHOWN).itertuples(index=False):
        with st.container(border=True):
            st.markdown(f"**{md(pair.item_title)}** — now {md(pair.current_status)}")
            left, right = st.columns(2)
            with left:
                if isinstance(pair.claimed_status, str) and pair.claimed_status:
                    st.markdown(f"**Claimed** {md(pair.claimed_status)} on {md(pair.claimed_on)}")
                    st.text(pair.claim_evidence)
                else:
                    st.markdown(f"**Said** ({md(pair.item_made_label)}, {md(actor_list(pair.item_makers))})")
                    st.text(f"“{pair.item_quote}”")
                    st.caption("No claim of progress is recorded for this item since.")
                st.page_link(page("item"), query_params=item_table.item_query(pair.item_id), label="Open the item",
                             icon=":material/link:")
            with right:
                st.markdown(f"**Found** ({md(pair.finding_made_label)}, {md(actor_list(pair.finding_makers))})")
                st.markdown(f"{md(pair.finding_title)}:")
                st.text(f"“{pair.finding_quote}”")
                st.page_link(page("item"), query_params=item_table.item_query(pair.finding_id),
                             label="Open the finding", icon=":material/link:")
    if found["claimed_count"] > MAX_PAIRS_SHOWN:
        st.caption(f"{MAX_PAIRS_SHOWN} of {found['claimed_count']:,} pairs shown.")
