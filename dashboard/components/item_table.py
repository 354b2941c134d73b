"""A table of items, each row linking to its item page, actors shown by name.

Stored text goes into the grid as plain cell text (the grid never renders it as HTML), and the
only links are the item permalinks this module builds and evidence addresses that are http(s).
"""

from __future__ import annotations

from typing import Mapping, Sequence
from urllib.parse import quote, urlencode

import pandas as pd
import streamlit as st

from dashboard.components import as_of
from dashboard.pages import page
from dashboard.safe_text import md, web_url
from tracker.models import LIST_SEPARATOR, PartialDate, split_list

#: Column sets for the tables pages show. The first column is always the permalink, the status
#: next: on a phone only the first columns are in view.
TRACKER = ["link", "status_label", "title", "reference", "kind", "response_label", "makers", "owners", "made_label",
           "deadline_label", "days_overdue", "themes", "document_id"]
LONGEST_OPEN = ["link", "status_label", "title", "kind", "owners", "made_label", "years_open",
                "deadline_label", "days_overdue"]

LABELS = {
    "link": st.column_config.LinkColumn("Item", display_text="Open", width="small", pinned=True,
                                        help="Open the item's page (its permalink)"),
    "kind": st.column_config.TextColumn("Kind"),
    "title": st.column_config.TextColumn("What", width="large"),
    "reference": st.column_config.TextColumn("Ref.", help="Where the item is in its document (\"Recommendation 4\"). "
                                             "To list items in that order (R2, R4, R10), choose \"Order by: "
                                             "reference\"; a click on this heading sorts the rows shown as "
                                             "plain text (R10 before R4)"),
    "status_label": st.column_config.TextColumn("Status", help="Implementation status for recommendations"),
    "response_label": st.column_config.TextColumn("Response", help="A recommendation's response from its addressee"),
    "makers": st.column_config.TextColumn("Made by"),
    "owners": st.column_config.TextColumn("Owner / addressee"),
    "held_by": st.column_config.TextColumn("Held to account", help="Its owners or addressees; a commitment "
                                           "or call with none recorded is held against its makers"),
    "made_label": st.column_config.TextColumn("Made"),
    "deadline_label": st.column_config.TextColumn("Deadline"),
    "days_overdue": st.column_config.NumberColumn("Days overdue", format="%d"),
    "days_open": st.column_config.NumberColumn("Days open", format="%d"),
    "years_open": st.column_config.NumberColumn("Years open", format="%.1f"),
    "themes": st.column_config.TextColumn("Themes"),
    "document_id": st.column_config.TextColumn("Source"),
    "last_assessed_on": st.column_config.TextColumn("Last assessed"),
    "last_evidence_url": st.column_config.LinkColumn("Evidence link"),
    # issue 13: the addressees behind on an item with several
    "bodies_behind": st.column_config.TextColumn("Bodies behind"),
    "bodies_behind_label": st.column_config.TextColumn("Behind"),  # "4 of 6 bodies" (gaps.with_bodies_behind)
}


def item_query(item_id: str, dated: Mapping[str, str] | None = None) -> dict[str, str]:
    """The query of an item page's address: the item's id and, when the reader is reading the
    record as of a past date, that date (``as_of.query()``, or ``dated`` when given: taken
    once, for a link built after the script has run), so opening an item keeps them in the
    same past rather than landing on today's record. Every link to an item page is built here.
    (A click on an ``st.page_link`` inside the app also gets ``as_of`` from the bound date
    control, so the address bar shows it twice, same value; the link itself must carry it for a
    new tab or a copied address.)"""
    return {"id": str(item_id), **(as_of.query() if dated is None else dated)}


def permalink(item_id: str) -> str:
    """The item page's address relative to any public page: ``item?id=<id>`` (and
    ``&as_of=<date>`` when one is set: ``item_query``)."""
    return "item?" + urlencode(item_query(item_id), quote_via=quote)


def _partial_iso(start: object, precision: object) -> str:
    if not isinstance(start, str) or not start:
        return ""
    return PartialDate(start=start, precision=precision if isinstance(precision, str) else "day").iso()


def _names(text: object, names: Mapping[str, str]) -> str:
    if not isinstance(text, str) or not text:
        return ""
    return LIST_SEPARATOR.join(names.get(part, part) for part in split_list(text))


def display_frame(
    frame: pd.DataFrame, *, names: Mapping[str, str], columns: Sequence[str],
    document_titles: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The columns of ``frame`` a table shows, with permalinks, actor names, document titles."""
    out = pd.DataFrame(index=frame.index)
    for column in columns:
        if column == "link":
            out["link"] = [permalink(i) for i in frame["id"]]
        elif column in ("makers", "owners", "held_by", "bodies_behind"):
            out[column] = [_names(v, names) for v in frame[column]]
        elif column == "document_id" and document_titles:
            out[column] = [document_titles.get(d, d) for d in frame[column]]
        elif column == "last_evidence_url":
            out[column] = [web_url(u) for u in frame[column]]
        elif column == "reference":  # issue 13; frames read before it have no such column
            out[column] = [v if isinstance(v, str) else "" for v in frame[column]] if column in frame else ""
        elif column == "last_assessed_on" and "last_assessed_precision" in frame:
            # evidence known to the month or year reads "2025-07" or "2025", as the CSV writes it
            out[column] = [_partial_iso(v, p) for v, p in zip(frame[column], frame["last_assessed_precision"])]
        elif column in ("response_label", "deadline_label", "status_label", "last_assessed_on"):
            out[column] = [v if isinstance(v, str) else "" for v in frame[column]]
        elif column in frame:
            out[column] = frame[column]
    return out.reset_index(drop=True)


def show(
    frame: pd.DataFrame,
    *,
    names: Mapping[str, str],
    columns: Sequence[str] = TRACKER,
    key: str,
    document_titles: Mapping[str, str] | None = None,
    height: int | str | None = None,
) -> None:
    """Draw ``frame`` (annotated item rows) as a read-only table, then ``open_item_link``.
    By default the table is as tall as its rows (up to ``FULL_HEIGHT_ROWS``), so a printed
    page holds every row rather than the ten a scrolling grid shows."""
    shown = display_frame(frame, names=names, columns=columns, document_titles=document_titles)
    if height is None:
        height = full_height(len(shown))
    st.dataframe(
        shown,
        hide_index=True,
        column_config={c: LABELS[c] for c in shown.columns if c in LABELS},
        key=key,
        height=height,
    )
    open_item_link(frame, key=f"{key}_open")


#: Tables up to this many rows are drawn whole; longer ones scroll.
FULL_HEIGHT_ROWS = 60


def full_height(rows: int) -> int | str:
    """The height of a grid that shows ``rows`` rows without scrolling (or "auto" for more than
    ``FULL_HEIGHT_ROWS``)."""
    return 38 + 35 * rows + 2 if rows <= FULL_HEIGHT_ROWS else "auto"


def open_item_link(frame: pd.DataFrame, *, key: str) -> None:
    """A chooser of the table's items by title and a link to the one chosen: the table's own
    "Open" cells need a mouse and are read out as their address, so this is how a keyboard or
    screen-reader user opens an item from a table."""

    if frame.empty:
        return
    titles = dict(zip(frame["id"], frame["title"]))
    chosen = st.selectbox(f"Open an item from this table ({len(titles):,})", list(titles), index=None,
                          format_func=lambda i: titles.get(i, i), key=key,
                          placeholder="Type to search the titles in this table")
    if chosen is not None:
        st.page_link(page("item"), query_params=item_query(chosen), icon=":material/link:",
                     label=f"Open “{md(titles[chosen])}”")
