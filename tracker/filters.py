"""Finding items: the tracker table's search and filters, and its CSV/JSON exports.

Pure functions over the annotated items frame (``progress.annotate``); the dashboard keeps the
filter values in the URL and calls ``filter_items``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

import pandas as pd

from . import status as status_rules
from .progress import split_list
from .exchange import neutralise_cell


@dataclass(frozen=True)
class ItemFilter:
    """What a reader asked for. Empty selections do not filter.

    ``actors`` matches an item any of whose makers or owners is selected; ``owners`` only its
    owners/addressees. ``made_from``/``made_to`` bound the date made (inclusive).
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

    def is_empty(self) -> bool:
        return self == ItemFilter()


def _any_of(column: pd.Series, wanted: tuple[str, ...]) -> pd.Series:
    """Rows whose "; "-joined list holds any of ``wanted``."""
    pattern = r"(?:^|; )(?:" + "|".join(re.escape(w) for w in wanted) + r")(?:;|$)"
    return column.fillna("").str.contains(pattern, regex=True)


SEARCHED_COLUMNS = ("id", "title", "quote", "makers", "owners", "themes", "document_id")


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

    present = set(annotated["status_label"]) | set(annotated["response_label"].dropna())
    statuses = [s for s in status_rules.STATUS_ORDER if s in present]
    statuses += [r for r in status_rules.RESPONSE_COLOURS if r in present and r not in statuses]
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


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The export columns of ``frame`` (those present), with ``status_label`` named ``status_shown``."""
    columns = [c for c in EXPORT_COLUMNS if c in frame.columns]
    return frame[columns].rename(columns={"status_label": "status_shown"})


def _defuse(value):
    """Text cells go through the same formula guard as `tracker export`; numbers stay numbers."""
    return neutralise_cell(value) if isinstance(value, str) else value


def to_csv(frame: pd.DataFrame) -> str:
    """CSV of the export columns; text cells that a spreadsheet would run as a formula are
    prefixed with ``'`` so opening the file runs nothing."""
    out = export_frame(frame).astype(object)
    for column in out.columns:
        out[column] = [_defuse(v) for v in out[column]]
    return out.to_csv(index=False)


def to_json(frame: pd.DataFrame) -> str:
    """JSON (a list of objects, missing values as null) of the export columns."""
    out = export_frame(frame).astype(object)
    out = out.where(out.notna(), None)
    records = out.to_dict("records")
    return json.dumps(records, ensure_ascii=False, indent=1, default=str)
