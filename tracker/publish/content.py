"""What the published edition shows, read from the store with the functions the dashboard uses.

Every figure here comes from the same call the dashboard makes for the record as it stands
(``dashboard/data.py``): the headline, scorecards, longest-open list and counts per document from
``tracker.figures`` (SQL on the store, ``as_of`` None), the gaps from ``tracker.gaps`` on the
annotated record. So the edition and the dashboard give
the same numbers for the same data version and day (tests/test_publish.py compares them).
Nothing here imports streamlit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from .. import figures, frames, gaps
from ..store import Store

#: Each gaps table lists at most this many rows (the dashboard's ``GAP_ROWS_SHOWN``); its
#: count is of them all, and the Tracker page and the open data hold every item.
GAP_ROWS_SHOWN = 1000
#: Chains drawn on the gaps page, oldest first (the dashboard's ``MAX_CHAINS_DRAWN``).
MAX_CHAINS_DRAWN = 8
#: Claimed-vs-found pairs shown (the dashboard's ``MAX_PAIRS_SHOWN``).
MAX_PAIRS_SHOWN = 12
LONGEST_OPEN_SHOWN = 10
SCORECARD_KINDS = ("commitment", "recommendation")
THEME_KINDS = ("commitment", "recommendation", "call")


def recorder(roles: dict[str, str], username: str | None) -> str:
    """Who recorded something, as the edition publishes it: "seed" for the first dataset, else
    the account's role ("editor", "admin"), or "staff"; never the username, which is half of
    what signs in (the rule the dashboard's item page keeps, and ``Store.publishable_copy``)."""
    if username == "seed":
        return "seed"
    return roles.get(username or "", "staff")


@dataclass
class Overview:
    headline: figures.Headline
    by_owner: pd.DataFrame
    by_maker: pd.DataFrame
    by_theme: pd.DataFrame
    longest: pd.DataFrame


@dataclass
class GapTables:
    counts: dict[str, int]
    delivery: pd.DataFrame
    response: pd.DataFrame
    evidence: pd.DataFrame
    claimed: pd.DataFrame
    chain_list: pd.DataFrame
    chains: list[gaps.Chain] = field(default_factory=list)


@dataclass
class Record:
    """The record as the edition shows it, on ``today``."""

    data_version: int
    today: dt.date
    names: dict[str, str]
    documents: pd.DataFrame
    overview: Overview
    gaps: GapTables
    sources: pd.DataFrame
    document_counts: pd.DataFrame
    items: pd.DataFrame  # every item, annotated (frames.annotate), oldest first
    links: pd.DataFrame
    roles: dict[str, str]  # staff roles by username, to name recorders by role
    #: ``gaps.past_deadline_table``: the overdue items (``rows``, ``count``, ``awaiting``), issue 13
    past_deadline: dict = field(default_factory=dict)


def documents_frame(store: Store) -> pd.DataFrame:
    return pd.DataFrame(
        store.documents(),
        columns=["id", "title", "publisher", "kind", "published_start", "published_precision", "url",
                 "reported_in", "text_file", "version"],
    )


def overview(store: Store, *, today: dt.date, names: dict[str, str]) -> Overview:
    """The overview's figures exactly as ``dashboard.data`` reads them for the current record."""
    return Overview(
        headline=figures.headline(store, today=today),
        by_owner=figures.scorecard(store, by="owner", kinds=SCORECARD_KINDS, names=names),
        by_maker=figures.scorecard(store, by="maker", kinds=SCORECARD_KINDS, names=names),
        by_theme=figures.scorecard(store, by="theme", kinds=THEME_KINDS),
        longest=figures.longest_open(store, today=today, limit=LONGEST_OPEN_SHOWN),
    )


def gap_tables(store: Store, links: pd.DataFrame, *, today: dt.date,
               annotated: pd.DataFrame | None = None) -> GapTables:
    """The gaps page's tables as ``dashboard.data.gap_tables`` reads them (``gaps.gap_tables``:
    the first ``GAP_ROWS_SHOWN`` rows of each, ``counts`` of them all) and the chains it draws;
    ``annotated``: every item, when already read (the chains are made from it)."""
    chain_list = gaps.record_chains(store, today=today, links=links, annotated=annotated)
    found = gaps.gap_tables(store, today=today, limit=GAP_ROWS_SHOWN, links=links, chain_list=chain_list)
    names = ("delivery", "response", "evidence", "claimed", "chains")
    return GapTables(
        counts={name: found[f"{name}_count"] for name in names},
        delivery=found["delivery"],
        response=found["response"],
        evidence=found["evidence"],
        claimed=found["claimed"].head(MAX_PAIRS_SHOWN),
        chain_list=found["chains"],
        chains=[c.detached() for c in chain_list[:MAX_CHAINS_DRAWN]],
    )


def read_record(store: Store, *, today: dt.date) -> Record:
    """Everything the edition's pages show, for the record as it stands, on ``today``."""
    names = {row["id"]: row["name"] for row in store.actors()}
    documents = documents_frame(store)
    doc_titles = dict(zip(documents["id"], documents["title"]))
    annotated = frames.annotate(store.items_frame(include_quote=True), today=today)
    links = store.links()
    return Record(
        data_version=store.data_version(),
        today=today,
        names=names,
        documents=documents,
        overview=overview(store, today=today, names=names),
        gaps=gap_tables(store, links, today=today, annotated=annotated),
        sources=figures.source_scorecard(store, names=doc_titles),
        document_counts=figures.document_counts(store),
        items=annotated,
        links=links,
        roles=store.staff_roles(),
        past_deadline=gaps.past_deadline_table(store, today=today, limit=GAP_ROWS_SHOWN),
    )
