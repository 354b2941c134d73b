"""How pickers name the records they offer: never by title alone.

Titles repeat (a government response's title often contains the report's), so a picker that
shows only titles let three recommendations be filed under the wrong document. Every item
choice reads "title (kind, date made, id; in document)" and every document choice
"title (kind, published, id; publisher)": what tells two records apart comes before what a
narrow list cuts off. The id is part of the label, so typing or pasting an
id into a picker's search box finds the record. The dashboard's staff pages show them
(``dashboard.data`` caches them per data version).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .dates import date_label

#: Long titles are cut in labels so the kind, date and id stay visible in the list.
TITLE_SHOWN = 60


def _short(text: object, limit: int = TITLE_SHOWN) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def document_labels(documents: pd.DataFrame) -> dict[str, str]:
    """Every document by id: "title (kind, published, id; publisher)"."""
    if documents is None or documents.empty:
        return {}
    return {
        row.id: f"{_short(row.title)} ({row.kind}, {date_label(row.published_start, row.published_precision)}, "
                f"{row.id}; {_short(row.publisher, 40)})"
        for row in documents.itertuples(index=False)
    }


def item_labels(items: pd.DataFrame, document_titles: Mapping[str, str]) -> dict[str, str]:
    """Every item in ``items`` by id: "title (kind, date made, id; in document)"."""
    if items is None or items.empty:
        return {}
    return {
        row.id: f"{_short(row.title)} ({row.kind}, {date_label(row.made_start, row.made_precision)}, "
                f"{row.id}; in {_short(document_titles.get(row.document_id, row.document_id), 50)})"
        for row in items[["id", "title", "kind", "made_start", "made_precision", "document_id"]].itertuples(index=False)
    }


def actor_labels(names: Mapping[str, str]) -> dict[str, str]:
    """Every actor by id: "name (id)"."""
    return {ident: f"{name} ({ident})" for ident, name in names.items()}
