"""The overview's figures from the counts the store keeps, without loading every item.

``tracker.progress`` computes the headline, the scorecards and the longest-open list from the
full items frame, which is right for any "as of" date but costs seconds at 100,000 items. For
the record as it stands now the store keeps exact counts per group and status
(``Store.status_counts``, maintained by triggers on every write) and indexes for overdue items
and the oldest open ones; the functions here turn those into the very same results, so a page
can use either. Nothing here imports streamlit.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping

import pandas as pd

from . import filters, progress
from . import status as status_rules
from .models import ItemKind
from .store import Store

#: progress.scorecard's ``by`` -> the store's grouping (an owner scorecard holds each item
#: against its owners, else the makers of a commitment or call).
_STORE_GROUP = {"owner": "accountable", "maker": "maker", "theme": "theme", "document": "document"}


def _rows(frame: pd.DataFrame):
    """(kind, status, response, implementation, n) per row, missing values as None."""
    columns = [[progress.none_if_missing(v) for v in frame[c].tolist()]
               for c in ("kind", "status", "response", "implementation")]
    return zip(*columns, (int(n) for n in frame["n"].tolist()))


def _labels(rows) -> list[str]:
    """``display_status`` of every row, computed once per distinct status combination."""
    known: dict[tuple, str] = {}
    labels = []
    for kind, status, response, implementation, _ in rows:
        key = (kind, status, response, implementation)
        if key not in known:
            known[key] = status_rules.display_status(*key)
        labels.append(known[key])
    return labels


def headline(store: Store, *, today: dt.date) -> progress.Headline:
    """``progress.headline`` for the current record, from the kept counts."""
    kinds = dict.fromkeys((k.value for k in ItemKind), 0)
    tracked = open_ = delivered = not_delivered = awaiting = overdue = 0
    for kind, status, response, implementation, n in _rows(store.status_counts()):
        tracked += n
        kinds[kind] = kinds.get(kind, 0) + n
        is_open = bool(status_rules.is_open(kind, status, response, implementation))
        label = status_rules.display_status(kind, status, response, implementation)
        open_ += n if is_open else 0
        delivered += n if label in progress.DELIVERED_LABELS else 0
        not_delivered += n if label in progress.NOT_DELIVERED_LABELS else 0
        no_response = status_rules.response_label(response) == progress.AWAITING
        if kind == ItemKind.RECOMMENDATION and is_open and no_response:
            awaiting += n
    for kind, status, response, implementation, n in _rows(store.overdue_counts(today)):
        if status_rules.is_open(kind, status, response, implementation):
            overdue += n
    with_deadline = sum(n for kind, status, response, implementation, n in _rows(store.deadline_status_counts())
                        if status_rules.is_open(kind, status, response, implementation))
    return progress.Headline(
        as_of=today,
        tracked=tracked,
        commitments=kinds[ItemKind.COMMITMENT.value],
        recommendations=kinds[ItemKind.RECOMMENDATION.value],
        findings=kinds[ItemKind.FINDING.value],
        calls=kinds[ItemKind.CALL.value],
        open=open_,
        delivered=delivered,
        not_delivered=not_delivered,
        overdue=overdue,
        awaiting_response=awaiting,
        open_with_deadline=with_deadline,
    )


def scorecard(
    store: Store,
    *,
    by: str = "owner",
    kinds: Iterable[str] = (ItemKind.COMMITMENT.value, ItemKind.RECOMMENDATION.value),
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """``progress.scorecard`` for the current record (same columns, rows and order), from the
    kept counts. Raises ValueError for an unknown ``by``."""
    if by not in progress.SCORECARD_GROUPS:
        raise ValueError(
            f"cannot make a scorecard by {by!r}: choose one of {', '.join(progress.SCORECARD_GROUPS)}"
        )
    counts = store.status_counts(by=_STORE_GROUP[by], ungrouped=True)
    return _card(counts[counts["kind"].isin(list(kinds))], names)


def source_scorecard(store: Store, *, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``progress.source_scorecard`` for the current record, in one pass of SQL."""
    return _card(store.source_status_counts(), names)


def document_counts(store: Store) -> pd.DataFrame:
    """``progress.document_counts`` for the current record, in one pass of SQL."""
    counts = store.source_status_counts()
    totals: dict[str, list[int]] = {}
    for grp, (kind, status, response, implementation, n) in zip(counts["grp"].tolist(), _rows(counts)):
        entry = totals.setdefault(grp, [0, 0])
        entry[0] += n
        entry[1] += n if status_rules.is_open(kind, status, response, implementation) else 0
    frame = pd.DataFrame.from_dict(totals, orient="index", columns=["items", "open"]).astype("int64")
    return frame.sort_index()


def _card(counts: pd.DataFrame, names: Mapping[str, str] | None) -> pd.DataFrame:
    """A scorecard (``progress.scorecard``'s columns and order) from status counts per group."""
    columns = ["group", "group_id", "status_label", "n", "total"]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    long = pd.DataFrame({
        "group_id": [progress.none_if_missing(g) or progress.NO_GROUP for g in counts["grp"].tolist()],
        "status_label": _labels(_rows(counts)),
        "n": counts["n"].astype("int64").tolist(),
    })
    card = long.groupby(["group_id", "status_label"], sort=False)["n"].sum().reset_index()
    card["total"] = card.groupby("group_id")["n"].transform("sum")
    names = names or {}
    card["group"] = [names.get(g, g) for g in card["group_id"]]
    order = {label: n for n, label in enumerate(status_rules.STATUS_ORDER)}
    card["_order"] = card["status_label"].map(order).fillna(len(order))
    card = card.sort_values(["total", "group", "_order"], ascending=[False, True, True])
    return card[columns].reset_index(drop=True)


def oldest_open(store: Store, *, today: dt.date, limit: int = 10) -> pd.DataFrame:
    """The ``limit`` open items made longest ago, as annotated rows (``progress.annotate``),
    oldest first: ``progress.longest_open`` of this frame is that of the full frame."""
    ids = store.oldest_open_item_ids(limit)
    return progress.annotate(store.items_frame(ids=ids, include_quote=True), today=today)


def filter_options(store: Store) -> filters.FilterOptions:
    """``filters.filter_options`` for the current record, from the kept counts."""
    made = store.made_range()
    if made is None:
        return filters.FilterOptions()
    counts = store.status_counts()
    rows = list(_rows(counts))
    present = set(_labels(rows)) | {
        status_rules.response_label(response)
        for kind, _, response, _, _ in rows
        if kind == ItemKind.RECOMMENDATION
    }
    statuses = [s for s in status_rules.STATUS_ORDER if s in present]
    statuses += [r for r in status_rules.RESPONSE_COLOURS if r in present and r not in statuses]
    kinds_present = {kind for kind, *_ in rows}

    makers, owners = store.group_names("maker"), store.group_names("owner")
    return filters.FilterOptions(
        kinds=[k.value for k in ItemKind if k.value in kinds_present],
        statuses=statuses,
        actors=sorted(set(makers) | set(owners)),
        owners=owners,
        themes=store.group_names("theme"),
        documents=store.group_names("document"),
        first_made=made[0],
        last_made=made[1],
    )


def matching_items(store: Store, chosen: filters.ItemFilter, *, today: dt.date, limit: int) -> dict:
    """``filters.filter_items`` for the current record, without loading every item: ``rows``,
    the first ``limit`` matching items annotated for ``today`` (oldest first); ``matches``, how
    many match; ``total``, how many items there are."""
    rows = list(_rows(store.status_counts()))
    statuses = None
    if chosen.statuses:  # the combinations whose status word or response was chosen
        wanted = set(chosen.statuses)
        statuses = [
            (kind, status, response, implementation)
            for (kind, status, response, implementation, _), label in zip(rows, _labels(rows))
            if label in wanted
            or (kind == ItemKind.RECOMMENDATION and status_rules.response_label(response) in wanted)
        ]
    matches, frame = store.find_items(
        text=chosen.query, kinds=chosen.kinds, statuses=statuses, actors=chosen.actors,
        owners=chosen.owners, themes=chosen.themes, documents=chosen.documents,
        made_from=chosen.made_from, made_to=chosen.made_to, limit=limit,
    )
    return {"total": sum(n for *_, n in rows), "matches": matches,
            "rows": progress.annotate(frame, today=today)}


def item_titles(store: Store, *, text: str = "", made_by: dt.date | None = None,
                limit: int) -> tuple[int, dict[str, str]]:
    """Items to choose from without loading every item: how many (made on or before
    ``made_by``, when given) hold ``text`` in their id, title, quote, people, themes or document
    (any, when empty), and the titles by id of the first ``limit`` of them, oldest first (the
    order of ``items_frame``). Titles do not change with a date, so this serves "as of" too."""
    matches, frame = store.find_items(text=text, made_to=made_by, limit=limit, include_quote=False)
    return matches, dict(zip(frame["id"], frame["title"]))
