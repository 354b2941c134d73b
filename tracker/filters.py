"""Finding items: the tracker table's search and filters, and its CSV/JSON exports.

Pure functions over the annotated items frame (``frames.annotate``); the dashboard keeps the
filter values in the URL and calls ``filter_items``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

import pandas as pd

from . import counts, frames
from .models import split_list
from .exchange import neutralise_cell


#: What ``ItemFilter.state`` can ask for ("": any item), with how a reader reads it.
OPEN, OVERDUE = "open", "overdue"
STATES = {"": "any item", OPEN: "open items only", OVERDUE: "overdue only (open, past the deadline)"}


@dataclass(frozen=True)
class ItemFilter:
    """What a reader asked for. Empty selections do not filter.

    ``actors`` matches an item any of whose makers or owners is selected; ``owners`` only its
    owners/addressees. ``made_from``/``made_to`` bound the date made (inclusive). ``state``:
    ``open`` keeps open items (``status.is_open``), ``overdue`` open items past their deadline on
    the reference date (``status.is_overdue``, whatever the response); empty keeps all.
    """

    query: str = ""
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    made_from: dt.date | None = None
    made_to: dt.date | None = None
    state: str = ""

    def __post_init__(self):
        if self.state not in STATES:
            raise ValueError(f"unknown state {self.state!r}: choose one of {', '.join(s for s in STATES if s)}")

    def is_empty(self) -> bool:
        return self == ItemFilter()


def _any_of(column: pd.Series, wanted: tuple[str, ...]) -> pd.Series:
    """Rows whose "; "-joined list holds any of ``wanted``."""
    pattern = r"(?:^|; )(?:" + "|".join(re.escape(w) for w in wanted) + r")(?:;|$)"
    return column.fillna("").str.contains(pattern, regex=True)


SEARCHED_COLUMNS = ("id", "title", "quote", "makers", "owners", "themes", "document_id", "reference")


def filter_items(annotated: pd.DataFrame, chosen: ItemFilter) -> pd.DataFrame:
    """The rows of ``annotated`` that match every part of ``chosen``.

    The search is case-insensitive plain text (never a pattern) over id, title, quote, makers,
    owners, themes and document.
    """
    if annotated.empty or chosen.is_empty():
        return annotated
    mask = pd.Series(True, index=annotated.index)
    query = chosen.query.strip().lower()
    if query:
        found = pd.Series(False, index=annotated.index)
        for column in SEARCHED_COLUMNS:
            if column in annotated:
                found |= annotated[column].fillna("").str.lower().str.contains(query, regex=False)
        mask &= found
    if chosen.kinds:
        mask &= annotated["kind"].isin(chosen.kinds)
    if chosen.statuses:
        mask &= annotated["status_label"].isin(chosen.statuses) | annotated["response_label"].isin(
            chosen.statuses
        )
    if chosen.actors:
        mask &= _any_of(annotated["makers"], chosen.actors) | _any_of(annotated["owners"], chosen.actors)
    if chosen.owners:
        mask &= _any_of(annotated["owners"], chosen.owners)
    if chosen.themes:
        mask &= _any_of(annotated["themes"], chosen.themes)
    if chosen.documents:
        mask &= annotated["document_id"].isin(chosen.documents)
    if chosen.made_from is not None:
        mask &= annotated["made"] >= chosen.made_from
    if chosen.made_to is not None:
        mask &= annotated["made"] <= chosen.made_to
    if chosen.state == OPEN:
        mask &= annotated["state"] == frames.OPEN
    if chosen.state == OVERDUE:  # ``annotate`` counted days overdue to its reference date
        mask &= annotated["days_overdue"].notna()
    return annotated[mask]


@dataclass(frozen=True)
class FilterOptions:
    """The values a reader can choose from, drawn from the data."""

    kinds: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    first_made: dt.date | None = None
    last_made: dt.date | None = None


def filter_options(annotated: pd.DataFrame) -> FilterOptions:
    """Every kind, status, actor, owner, theme and document present, in a stable order
    (statuses in STATUS_ORDER, then recommendation responses)."""
    if annotated.empty:
        return FilterOptions()

    def listed(column: str) -> list[str]:
        values: set[str] = set()
        for text in annotated[column].fillna("").unique():
            values.update(split_list(text))
        return sorted(values)

    statuses = counts.statuses_present(frames.status_counts(annotated))
    kinds_present = set(annotated["kind"])
    kinds = [k for k in ("commitment", "recommendation", "finding", "call") if k in kinds_present]
    return FilterOptions(
        kinds=kinds,
        statuses=statuses,
        actors=sorted(set(listed("makers")) | set(listed("owners"))),
        owners=listed("owners"),
        themes=listed("themes"),
        documents=sorted(annotated["document_id"].unique().tolist()),
        first_made=min(annotated["made"]),
        last_made=max(annotated["made"]),
    )


#: What an export holds, in this order: what a reader needs to check and cite an item.
EXPORT_COLUMNS = [
    "id", "kind", "title", "quote", "document_id", "made_start", "made_precision", "makers",
    "owners", "themes", "status_label", "status", "response", "implementation", "state",
    "last_assessed_on", "last_evidence", "last_evidence_url", "deadline_start",
    "deadline_precision", "days_overdue", "done_when",
]


def addressee_statuses_text(states: object, names: Mapping[str, str] | None = None) -> str:
    """An item's addressees with their own statuses, as a download cell: "Home Office: accepted,
    implemented; Police forces: accepted, in progress" (``names``: actor names by id; ids
    without). ``states``: (actor id, words) pairs, as ``figures.with_addressee_statuses`` gives."""
    if not isinstance(states, (list, tuple)):
        return ""
    return "; ".join(f"{(names or {}).get(actor, actor)}: {words}" for actor, words in states)


def export_frame(frame: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The export columns of ``frame`` (those present), with ``status_label`` named ``status_shown``
    and, when ``frame`` has each addressee's status (issue 13), ``addressee_statuses`` after the
    item's status (``addressee_statuses_text``, named with ``names``)."""
    columns = [c for c in EXPORT_COLUMNS if c in frame.columns]
    out = frame[columns].rename(columns={"status_label": "status_shown"})
    if "addressee_states" in frame.columns:
        at = out.columns.get_loc("state") + 1 if "state" in out.columns else len(out.columns)
        out.insert(at, "addressee_statuses", [addressee_statuses_text(v, names) for v in frame["addressee_states"]])
    return out


def _defuse(value):
    """Text cells go through the same formula guard as `tracker export`; numbers stay numbers."""
    return neutralise_cell(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Provenance:
    """What a download says about where it was taken: the page's address, the date the record
    was read as of, the filter in words, and the names behind the ids it holds.

    ``documents`` maps a document id to its (title, url); ``item_url`` builds an item's
    permalink from its id (``SiteSettings.page_url``)."""

    page_url: str
    record_as_of: dt.date
    filter_text: str
    actor_names: Mapping[str, str]
    documents: Mapping[str, tuple[str, str | None]]
    item_url: Callable[[str], str]
    source: str = ""
    licence: str = ""


def describe_filter(chosen: ItemFilter, *, actor_names: Mapping[str, str],
                    document_titles: Mapping[str, str]) -> str:
    """The filter in words, with names rather than ids: 'status: stalled; made on or after
    2020-01-01' ('no filter: every item' when empty)."""
    parts = []
    if chosen.query.strip():
        parts.append(f"search: {chosen.query.strip()}")
    for label, values, names in (("kind", chosen.kinds, None), ("status", chosen.statuses, None),
                                 ("actor", chosen.actors, actor_names), ("owner", chosen.owners, actor_names),
                                 ("theme", chosen.themes, None), ("document", chosen.documents, document_titles)):
        if values:
            parts.append(f"{label}: " + ", ".join(names.get(v, v) if names else v for v in values))
    if chosen.made_from:
        parts.append(f"made on or after {chosen.made_from.isoformat()}")
    if chosen.made_to:
        parts.append(f"made on or before {chosen.made_to.isoformat()}")
    if chosen.state:
        parts.append(STATES[chosen.state])
    return "; ".join(parts) if parts else "no filter: every item"


def _named(text, names: Mapping[str, str]) -> str:
    return "; ".join(names.get(part, part) for part in split_list(text))


def provenance_frame(frame: pd.DataFrame, provenance: Provenance) -> pd.DataFrame:
    """The export columns of ``frame`` with what a reader needs to check and cite each row
    without the tracker: the item's permalink, makers and owners by name (their ids kept
    beside), the source document's title and address, and the date and filter it was taken with."""
    out = export_frame(frame, provenance.actor_names).copy()
    ids = out["id"].tolist()
    out.insert(1, "link", [provenance.item_url(i) for i in ids])
    for column in ("makers", "owners"):
        if column in out:
            out[f"{column[:-1]}_ids"] = out[column]
            out[column] = [_named(v, provenance.actor_names) for v in out[column]]
    if "document_id" in out:
        documents = [provenance.documents.get(d, (d, None)) for d in out["document_id"]]
        at = out.columns.get_loc("document_id") + 1
        out.insert(at, "source_title", [title for title, _ in documents])
        out.insert(at + 1, "source_url", [url for _, url in documents])
    out["record_as_of"] = provenance.record_as_of.isoformat()
    out["filter"] = provenance.filter_text
    out["taken_from"] = provenance.page_url
    return out


def to_csv(frame: pd.DataFrame, provenance: Provenance | None = None) -> str:
    """CSV of the export columns (with ``provenance``: ``provenance_frame``'s); text cells that
    a spreadsheet would run as a formula are prefixed with ``'`` so opening the file runs nothing."""
    out = (provenance_frame(frame, provenance) if provenance else export_frame(frame)).astype(object)
    for column in out.columns:
        out[column] = [_defuse(v) for v in out[column]]
    return out.to_csv(index=False)


def _records(out: pd.DataFrame) -> list[dict]:
    out = out.astype(object)
    return out.where(out.notna(), None).to_dict("records")


def to_json(frame: pd.DataFrame, provenance: Provenance | None = None,
            history: Mapping[str, list[dict]] | None = None) -> str:
    """JSON of the export columns: a list of objects, missing values as null. With
    ``provenance``, an object: ``taken`` (the page, the as-of date, the filter, the source and
    licence) and ``items`` (``provenance_frame``'s rows, each with its dated ``history`` from
    ``history`` by item id, oldest first)."""
    if provenance is None:
        return json.dumps(_records(export_frame(frame)), ensure_ascii=False, indent=1, default=str)
    items = _records(provenance_frame(frame, provenance))
    for item in items:
        for column in ("record_as_of", "filter", "taken_from"):
            item.pop(column, None)
        item["history"] = list((history or {}).get(item["id"], []))
    taken = {"from": provenance.page_url, "record_as_of": provenance.record_as_of.isoformat(),
             "filter": provenance.filter_text, "items": len(items), "source": provenance.source,
             "licence": provenance.licence}
    return json.dumps({"taken": taken, "items": items}, ensure_ascii=False, indent=1, default=str)
