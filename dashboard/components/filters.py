"""The tracker table's search and filters, kept in the URL so a filtered view is a shareable link.

Each widget is bound to a query parameter named after its key (``?status=stalled&kind=call``),
so the keys are short on purpose. ``key`` is a prefix for them (empty by default: the tracker
page is the only user, and short URLs read better).
"""

from __future__ import annotations

from typing import Mapping

import streamlit as st

from tracker.filters import STATES, FilterOptions, ItemFilter

FIELDS = ("q", "kind", "status", "actor", "owner", "theme", "document", "from", "to", "state")


def _clear(prefix: str) -> None:
    for name in FIELDS:
        full = f"{prefix}{name}"
        if full in st.session_state:
            st.session_state[full] = "" if name == "q" else (None if name in ("from", "to", "state") else [])


def query_params(chosen: ItemFilter, *, key: str = "") -> dict[str, str | list[str]]:
    """The query parameters under which ``show`` draws ``chosen``: a link to the Tracker
    filtered to it (``st.page_link(..., query_params=...)``)."""
    values = {
        "q": chosen.query, "kind": list(chosen.kinds), "status": list(chosen.statuses),
        "actor": list(chosen.actors), "owner": list(chosen.owners), "theme": list(chosen.themes),
        "document": list(chosen.documents),
        "from": chosen.made_from.isoformat() if chosen.made_from else "",
        "to": chosen.made_to.isoformat() if chosen.made_to else "",
        "state": chosen.state,
    }
    return {f"{key}{name}": value for name, value in values.items() if value}


def show(
    options: FilterOptions,
    *,
    actor_names: Mapping[str, str],
    document_titles: Mapping[str, str],
    key: str = "",
) -> ItemFilter:
    """Draw the search box and filters; return what the reader chose."""
    query = st.text_input(
        "Search titles, quotes and ids", key=f"{key}q", bind="query-params",
        placeholder="e.g. deport, ethnicity, data", max_chars=200,
    )
    # Folded on every screen size: on a phone the eight filters filled two screens before the
    # first result. Open while any is in use, so a shared filtered link shows what it filters by.
    in_use = any(st.session_state.get(f"{key}{name}") or st.query_params.get(f"{key}{name}")
                 for name in FIELDS if name != "q")
    folded = st.expander("Filters: kind, status, open or overdue, theme, actor, document, dates",
                         expanded=bool(in_use), icon=":material/filter_list:")
    state = folded.segmented_control(
        # No format_func: a bound control keeps its option's shown text in the URL (?state=overdue).
        "Only the items", [s for s in STATES if s], key=f"{key}state", bind="query-params",
        help="Open: something is still owed. Overdue: open after the whole period of its deadline has "
             "passed (a deadline \"June 2024\" is overdue from 1 July 2024), whatever the response. "
             "Counted to the \"as of\" date when one is chosen.",
    )
    first, second, third = folded.columns(3)
    kinds = first.multiselect("Kind", options.kinds, key=f"{key}kind", bind="query-params",
                              placeholder="Any kind")
    statuses = second.multiselect(
        "Status", options.statuses, key=f"{key}status", bind="query-params", placeholder="Any status",
        help="Commitments and calls by their status; recommendations by implementation or response.",
    )
    themes = third.multiselect("Theme", options.themes, key=f"{key}theme", bind="query-params",
                               placeholder="Any theme")
    first, second, third = folded.columns(3)

    def actor_name(actor_id: str) -> str:
        return actor_names.get(actor_id, actor_id)

    actors = first.multiselect(
        "Actor (made or owns)", options.actors, key=f"{key}actor", bind="query-params",
        format_func=actor_name, placeholder="Anyone",
    )
    owners = second.multiselect(
        "Owner or addressee", options.owners, key=f"{key}owner", bind="query-params",
        format_func=actor_name, placeholder="Anyone",
    )
    documents = third.multiselect(
        "Source document", options.documents, key=f"{key}document", bind="query-params",
        format_func=lambda d: document_titles.get(d, d), placeholder="Any document",
    )
    first, second, third = folded.columns([1, 1, 1], vertical_alignment="bottom")
    made_from = first.date_input(
        "Made on or after", value=None, key=f"{key}from", bind="query-params", format="YYYY-MM-DD",
        min_value=options.first_made, max_value=options.last_made,
    )
    made_to = second.date_input(
        "Made on or before", value=None, key=f"{key}to", bind="query-params", format="YYYY-MM-DD",
        min_value=options.first_made, max_value=options.last_made,
    )
    third.button("Clear filters", key=f"{key}clear", on_click=_clear, args=(key,))
    return ItemFilter(
        query=query or "",
        kinds=tuple(kinds),
        statuses=tuple(statuses),
        actors=tuple(actors),
        owners=tuple(owners),
        themes=tuple(themes),
        documents=tuple(documents),
        made_from=made_from,
        made_to=made_to,
        state=state if state in STATES else "",
    )
