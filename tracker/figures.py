"""The figures every page shows, for the record as it stands or as it stood on any date.

One path, today included: each function reads what it needs from the store in SQL (counts by
status, a bounded list of ids, then only those items) with ``as_of`` None for the record now and
a date for the past, and makes the figure with ``tracker.counts``. No function here loads every
item. ``today`` is the reference date "overdue" and "open for" are counted to: pass the as-of date
when reading the past (``annotate`` takes the same). The dashboard (``dashboard/data.py``) caches
these calls, and the published edition makes its pages from them. Nothing here imports streamlit.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping

import pandas as pd

from . import counts, filters, ordering
from . import status as status_rules
from .counts import Headline
from .frames import annotate
from .models import ItemKind, split_list
from .store import Store

__all__ = [
    "HEADLINE_TILES", "Headline", "all_matching_items", "document_counts", "filter_options", "headline",
    "headline_filters", "item_titles",
    "items_of_document", "longest_open", "matching_items", "oldest_open", "scorecard", "source_scorecard",
    "status_totals", "with_addressee_statuses",
]


def headline(store: Store, *, today: dt.date, as_of: dt.date | None = None) -> Headline:
    """``counts.headline`` of the record as of ``as_of`` (None: now), overdue counted to ``today``."""
    return counts.headline(store.status_counts(as_of=as_of), store.deadline_counts(today, as_of=as_of),
                           today=today)


#: The headline's tiles, each the Tracker filter of exactly the items it counts (``headline_filters``).
HEADLINE_TILES = ("trackable", "findings", "delivered", "not_delivered", "overdue", "awaiting_response")


def headline_filters(options: filters.FilterOptions) -> dict[str, filters.ItemFilter]:
    """For each of ``HEADLINE_TILES``, the Tracker filter that lists exactly the items the
    ``Headline`` figure of that name counts, as of the same date ("overdue" on the same reference
    date), choosing only among the kinds and statuses ``options`` offers; a tile whose filter
    would choose nothing (so its figure is 0) is left out rather than given an empty filter,
    which would list every item. tests/test_overdue.py holds each count to its figure."""
    def present(wanted, offered) -> tuple[str, ...]:
        return tuple(v for v in offered if v in set(wanted))

    trackable = present((ItemKind.COMMITMENT.value, ItemKind.RECOMMENDATION.value, ItemKind.CALL.value),
                        options.kinds)
    awaiting = present((counts.AWAITING,), options.statuses)
    chosen = {
        "trackable": filters.ItemFilter(kinds=trackable) if trackable else None,
        "findings": filters.ItemFilter(kinds=present((ItemKind.FINDING.value,), options.kinds)),
        "delivered": filters.ItemFilter(statuses=present(counts.DELIVERED_LABELS, options.statuses)),
        "not_delivered": filters.ItemFilter(statuses=present(counts.NOT_DELIVERED_LABELS, options.statuses)),
        "overdue": filters.ItemFilter(state=filters.OVERDUE),
        "awaiting_response": filters.ItemFilter(kinds=(ItemKind.RECOMMENDATION.value,), statuses=awaiting,
                                                state=filters.OPEN) if awaiting else None,
    }
    return {tile: f for tile, f in chosen.items() if f is not None and not f.is_empty()}


def scorecard(
    store: Store,
    *,
    by: str = "owner",
    kinds: Iterable[str] = (ItemKind.COMMITMENT.value, ItemKind.RECOMMENDATION.value),
    names: Mapping[str, str] | None = None,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Items of ``kinds`` per group and status word (``counts.scorecard``), as of ``as_of``.
    ``by``: ``owner`` (who each item is held against: ``status.accountable``), ``maker``,
    ``theme`` or ``document``. Raises ValueError for another ``by``."""
    counts.check_group(by)
    found = store.status_counts(by=counts.COUNT_GROUP[by], ungrouped=True, as_of=as_of)
    return counts.scorecard(found, kinds=kinds, names=names)


def source_scorecard(store: Store, *, names: Mapping[str, str] | None = None,
                     as_of: dt.date | None = None) -> pd.DataFrame:
    """Every kind of item per document and status word, each item counted for the document
    quoting it and, when different, the report it was first made in; as of ``as_of``."""
    return counts.scorecard(store.source_status_counts(as_of=as_of), names=names)


def document_counts(store: Store, *, as_of: dt.date | None = None) -> pd.DataFrame:
    """Items and open items per document id (the index, sorted), counted as ``source_scorecard``."""
    return counts.document_counts(store.source_status_counts(as_of=as_of))


def status_totals(store: Store, *, kinds: Iterable[str] | None = None,
                  as_of: dt.date | None = None) -> pd.DataFrame:
    """Items per status word (``status_label``, ``n``) in STATUS_ORDER, as of ``as_of``."""
    return counts.status_totals(store.status_counts(as_of=as_of), kinds=kinds)


def oldest_open(store: Store, *, today: dt.date, limit: int = 10, as_of: dt.date | None = None) -> pd.DataFrame:
    """The ``limit`` open items made longest ago as of ``as_of``, as annotated rows, oldest first:
    ``counts.longest_open`` of this frame is that of the whole record."""
    ids = store.oldest_open_item_ids(limit, as_of=as_of)
    return annotate(store.items_frame(ids=ids, include_quote=True, as_of=as_of), today=today)


def longest_open(store: Store, *, today: dt.date, limit: int = 10, as_of: dt.date | None = None) -> pd.DataFrame:
    """``counts.longest_open`` of the record as of ``as_of``, with ``made`` and ``deadline_end``
    (dates, for charting)."""
    oldest = oldest_open(store, today=today, limit=limit, as_of=as_of)
    longest = counts.longest_open(oldest, limit=limit)
    return longest.join(oldest.set_index("id")[["made", "deadline_end"]], on="id")


def filter_options(store: Store, *, as_of: dt.date | None = None) -> filters.FilterOptions:
    """``filters.filter_options`` of the record as of ``as_of``, from counts in SQL."""
    made = store.made_range(as_of=as_of)
    if made is None:
        return filters.FilterOptions()
    found = store.status_counts(as_of=as_of)
    kinds_present = set(found["kind"].tolist())
    makers, owners = store.group_names("maker", as_of=as_of), store.group_names("owner", as_of=as_of)
    return filters.FilterOptions(
        kinds=[k.value for k in ItemKind if k.value in kinds_present],
        statuses=counts.statuses_present(found),
        actors=sorted(set(makers) | set(owners)),
        owners=owners,
        themes=store.group_names("theme", as_of=as_of),
        documents=store.group_names("document", as_of=as_of),
        first_made=made[0],
        last_made=made[1],
    )


def _found(store: Store, chosen: filters.ItemFilter, *, today: dt.date, limit: int | None,
           as_of: dt.date | None, order: str = ordering.MADE) -> tuple[int, int, pd.DataFrame]:
    """(items in all, items matching, the first ``limit`` matching in ``order``) as of
    ``as_of``, "overdue" counted to ``today``."""
    found = store.status_counts(as_of=as_of)
    statuses = counts.combinations_shown_as(found, chosen.statuses) if chosen.statuses else None
    matches, frame = store.find_items(
        text=chosen.query, kinds=chosen.kinds, statuses=statuses, actors=chosen.actors,
        owners=chosen.owners, themes=chosen.themes, documents=chosen.documents,
        made_from=chosen.made_from, made_to=chosen.made_to, limit=limit, as_of=as_of,
        open_only=chosen.state == filters.OPEN, overdue_on=today if chosen.state == filters.OVERDUE else None,
        order=order,
    )
    return int(found["n"].sum()), matches, frame


def matching_items(store: Store, chosen: filters.ItemFilter, *, today: dt.date, limit: int,
                   as_of: dt.date | None = None, order: str = ordering.MADE) -> dict:
    """``filters.filter_items`` of the record as of ``as_of``, without loading every item:
    ``rows``, the first ``limit`` matching items annotated for ``today`` (oldest first, or by
    reference with ``order=ordering.REFERENCE``); ``matches``, how many match; ``total``, how
    many items there are."""
    total, matches, frame = _found(store, chosen, today=today, limit=limit, as_of=as_of, order=order)
    return {"total": total, "matches": matches, "rows": annotate(frame, today=today)}


def all_matching_items(store: Store, chosen: filters.ItemFilter, *, today: dt.date,
                       as_of: dt.date | None = None, order: str = ordering.MADE) -> pd.DataFrame:
    """Every item matching ``chosen`` as of ``as_of``, in ``order``, annotated, with each
    addressee's own status (``with_addressee_statuses``; for a download)."""
    frame = annotate(_found(store, chosen, today=today, limit=None, as_of=as_of, order=order)[2], today=today)
    return with_addressee_statuses(frame, store, as_of=as_of)


# -- a status per addressee (issue 13) in downloads -----------------------------------------------

#: Items whose addressees' statuses are read in one query: bounds what one read holds.
ADDRESSEES_READ_AT_ONCE = 1000


def with_addressee_statuses(frame: pd.DataFrame, store: Store, *, as_of: dt.date | None) -> pd.DataFrame:
    """``frame`` (item rows with ``id``, ``kind`` and ``owners``) with ``addressee_states``: for
    an item with several addressees, each one's own status as of ``as_of`` (None: now), in
    owner order, as (actor id, words) pairs (``status.addressee_words``); empty for the others,
    whose one addressee's status is the item's. Only items with several are read, a thousand at
    a time."""
    frame = frame.copy()
    several = [ident for ident, owners in zip(frame["id"], frame.get("owners", pd.Series(dtype=object)))
               if len(split_list(owners if isinstance(owners, str) else "")) > 1] if not frame.empty else []
    states: dict[str, list[tuple[str, str]]] = {}
    for start in range(0, len(several), ADDRESSEES_READ_AT_ONCE):
        for row in store.addressee_states(several[start:start + ADDRESSEES_READ_AT_ONCE], as_of=as_of):
            words = status_rules.addressee_words(row["kind"], row["status"], row["response"], row["implementation"])
            states.setdefault(row["item_id"], []).append((row["actor_id"], words))
    frame["addressee_states"] = pd.Series([states.get(ident, []) for ident in frame["id"]], index=frame.index,
                                          dtype=object)
    return frame


def items_of_document(store: Store, document_id: str, *, today: dt.date,
                      as_of: dt.date | None = None) -> pd.DataFrame:
    """The items quoted from ``document_id`` or first made in it (a report known only through
    an article has no quotes of its own), as of ``as_of``, annotated, in the document's order:
    by reference (R2 before R10, ``ordering.sort_by_reference``), those without one after,
    oldest first."""
    ids = store.item_ids_of_document(document_id, as_of=as_of)
    frame = store.items_frame(ids=ids, include_quote=True, as_of=as_of)
    return annotate(ordering.sort_by_reference(frame).reset_index(drop=True), today=today)


def item_titles(store: Store, *, text: str = "", made_by: dt.date | None = None,
                limit: int) -> tuple[int, dict[str, str]]:
    """Items to choose from without loading every item: how many (made on or before
    ``made_by``, when given) hold ``text`` in their id, title, quote, people, themes or document
    (any, when empty), and the titles by id of the first ``limit`` of them, oldest first (the
    order of ``items_frame``). Titles do not change with a date, so this serves "as of" too."""
    matches, frame = store.find_items(text=text, made_to=made_by, limit=limit, include_quote=False)
    return matches, dict(zip(frame["id"], frame["title"]))
