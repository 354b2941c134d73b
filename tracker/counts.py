"""The figures from counts of items by kind and status: the headline, scorecards, items per
document and totals per status, each computed here and nowhere else.

A count frame has the columns of ``Store.status_counts``: ``grp``, ``kind``, ``status``,
``response``, ``implementation``, ``n``. ``tracker.figures`` has the store count them in SQL as
the record stood on any date; ``tracker.frames`` counts an annotated frame already in memory (the
plain computation the SQL is tested against). Both then come here, so the two can only differ in
what they count, never in how a figure is made of the counts. Nothing here imports streamlit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping

import pandas as pd

from . import status as status_rules
from .models import ImplementationStatus, ItemKind, LifecycleStatus, ResponseStatus

#: The columns of a count frame (``Store.status_counts``).
COUNT_COLUMNS = ["grp", "kind", "status", "response", "implementation", "n"]
#: The columns of a deadline count frame (``Store.deadline_counts``): items with a deadline.
DEADLINE_COUNT_COLUMNS = ["kind", "status", "response", "implementation", "overdue", "n"]
SCORECARD_COLUMNS = ["group", "group_id", "status_label", "n", "total"]
#: What a scorecard can group by; "owner" holds each item against ``status.accountable``.
SCORECARD_GROUPS = ("owner", "maker", "theme", "document")
#: A scorecard's ``by`` -> the grouping ``Store.status_counts`` counts by.
COUNT_GROUP = {"owner": "accountable", "maker": "maker", "theme": "theme", "document": "document"}

DELIVERED_LABELS = frozenset({LifecycleStatus.DELIVERED.value, ImplementationStatus.IMPLEMENTED.value})
NOT_DELIVERED_LABELS = frozenset(
    {LifecycleStatus.NOT_DELIVERED.value, ImplementationStatus.NOT_IMPLEMENTED.value}
)
AWAITING = ResponseStatus.AWAITING_RESPONSE.value
NO_GROUP = "(none recorded)"


def none_if_missing(value):
    """None for pandas' missing markers (NaN, NA), the value otherwise."""
    if value is None:
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):  # lists and other non-scalars are never "missing"
        return value


def values_or_none(column: pd.Series) -> list:
    """``none_if_missing`` of every value, vectorised (iterating a pandas 3 string column value
    by value costs seconds at 100,000 rows)."""
    values = column.astype(object)
    return values.where(values.notna(), None).tolist()


def check_group(by: str) -> None:
    """Raises ValueError unless ``by`` is one of ``SCORECARD_GROUPS``."""
    if by not in SCORECARD_GROUPS:
        raise ValueError(f"cannot make a scorecard by {by!r}: choose one of {', '.join(SCORECARD_GROUPS)}")


def status_rows(counts: pd.DataFrame) -> Iterator[tuple]:
    """(kind, status, response, implementation, n) per row, missing values as None."""
    columns = [values_or_none(counts[c]) for c in ("kind", "status", "response", "implementation")]
    return zip(*columns, (int(n) for n in counts["n"].tolist()))


def status_labels_of(rows) -> list[str]:
    """``display_status`` of every row, computed once per distinct status combination."""
    known: dict[tuple, str] = {}
    labels = []
    for kind, status, response, implementation, *_ in rows:
        key = (kind, status, response, implementation)
        if key not in known:
            known[key] = status_rules.display_status(*key)
        labels.append(known[key])
    return labels


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the overview, as the record stood on ``as_of``."""

    as_of: dt.date
    tracked: int
    commitments: int
    recommendations: int
    findings: int
    calls: int
    open: int
    delivered: int
    not_delivered: int
    overdue: int
    awaiting_response: int
    #: Open items with a deadline recorded: with none, "0 overdue" would mislead.
    open_with_deadline: int = 0

    @property
    def trackable(self) -> int:
        """Commitments, recommendations and calls: the items that can be delivered (findings cannot)."""
        return self.tracked - self.findings


def headline(counts: pd.DataFrame, deadlines: pd.DataFrame, *, today: dt.date) -> Headline:
    """Items tracked, delivered, not delivered, overdue, and open recommendations that have no
    response from their addressee, from ``counts`` (ungrouped) and ``deadlines`` (the items with
    a deadline, each marked overdue or not for ``today``).

    Delivered means a commitment or call assessed ``delivered`` or a recommendation
    ``implemented``; not delivered means ``not delivered`` / ``not implemented``. Overdue is
    ``status.is_overdue``.
    """
    kinds = dict.fromkeys((k.value for k in ItemKind), 0)
    tracked = open_ = delivered = not_delivered = awaiting = 0
    for kind, status, response, implementation, n in status_rows(counts):
        tracked += n
        kinds[kind] = kinds.get(kind, 0) + n
        is_open = bool(status_rules.is_open(kind, status, response, implementation))
        label = status_rules.display_status(kind, status, response, implementation)
        open_ += n if is_open else 0
        delivered += n if label in DELIVERED_LABELS else 0
        not_delivered += n if label in NOT_DELIVERED_LABELS else 0
        awaiting += n if status_rules.is_awaiting_response(kind, status, response, implementation) else 0
    overdue = with_deadline = 0
    for (kind, status, response, implementation, n), late in zip(
            status_rows(deadlines), deadlines["overdue"].tolist()):
        if status_rules.is_open(kind, status, response, implementation):
            with_deadline += n
            overdue += n if late else 0
    return Headline(
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


def scorecard(counts: pd.DataFrame, *, kinds: Iterable[str] | None = None,
              names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Items per group (``grp``; None counts as "(none recorded)") and status word, of ``kinds``
    (None: every kind): columns ``SCORECARD_COLUMNS``, the largest group first, statuses in
    STATUS_ORDER within it. ``names`` gives a group's name by id (the id shows without one)."""
    if kinds is not None and not counts.empty:
        counts = counts[counts["kind"].isin(list(kinds))]
    if counts.empty:
        return pd.DataFrame(columns=SCORECARD_COLUMNS)
    long = pd.DataFrame({
        "group_id": [g or NO_GROUP for g in values_or_none(counts["grp"])],
        "status_label": status_labels_of(status_rows(counts)),
        "n": counts["n"].astype("int64").tolist(),
    })
    card = long.groupby(["group_id", "status_label"], sort=False)["n"].sum().reset_index()
    card["total"] = card.groupby("group_id")["n"].transform("sum")
    names = names or {}
    card["group"] = [names.get(g, g) for g in card["group_id"]]
    order = {label: n for n, label in enumerate(status_rules.STATUS_ORDER)}
    card["_order"] = card["status_label"].map(order).fillna(len(order))
    card = card.sort_values(["total", "group", "_order"], ascending=[False, True, True])
    return card[SCORECARD_COLUMNS].reset_index(drop=True)


def scorecard_table(card: pd.DataFrame) -> pd.DataFrame:
    """A scorecard as a wide table: one row per group, one column per status (STATUS_ORDER)."""
    if card.empty:
        return pd.DataFrame()
    wide = card.pivot_table(index="group", columns="status_label", values="n", aggfunc="sum", fill_value=0)
    ordered = [s for s in status_rules.STATUS_ORDER if s in wide.columns]
    wide = wide[ordered]
    wide["total"] = wide.sum(axis=1)
    return wide.sort_values("total", ascending=False).reset_index()


def document_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Items and open items per group (the index, sorted), from counts by document."""
    if counts.empty:
        return pd.DataFrame({"items": pd.Series(dtype="int64"), "open": pd.Series(dtype="int64")})
    totals: dict[str, list[int]] = {}
    for grp, (kind, status, response, implementation, n) in zip(counts["grp"].tolist(), status_rows(counts)):
        entry = totals.setdefault(grp, [0, 0])
        entry[0] += n
        entry[1] += n if status_rules.is_open(kind, status, response, implementation) else 0
    frame = pd.DataFrame.from_dict(totals, orient="index", columns=["items", "open"]).astype("int64")
    return frame.sort_index()


def status_totals(counts: pd.DataFrame, *, kinds: Iterable[str] | None = None) -> pd.DataFrame:
    """Items per status word (``status_label``, ``n``) in STATUS_ORDER, only statuses present."""
    if kinds is not None and not counts.empty:
        counts = counts[counts["kind"].isin(list(kinds))]
    if counts.empty:
        return pd.DataFrame(columns=["status_label", "n"])
    totals: dict[str, int] = {}
    for label, (*_, n) in zip(status_labels_of(status_rows(counts)), status_rows(counts)):
        totals[label] = totals.get(label, 0) + n
    ordered = [s for s in status_rules.STATUS_ORDER if s in totals]
    return pd.DataFrame({"status_label": ordered, "n": [totals[s] for s in ordered]})


def statuses_present(counts: pd.DataFrame) -> list[str]:
    """The status words and recommendation responses ``counts`` holds, in STATUS_ORDER then
    the order of the responses (what a status filter offers)."""
    rows = list(status_rows(counts))
    present = set(status_labels_of(rows)) | {
        status_rules.response_label(response)
        for kind, _, response, _, _ in rows
        if kind == ItemKind.RECOMMENDATION
    }
    statuses = [s for s in status_rules.STATUS_ORDER if s in present]
    return statuses + [r for r in status_rules.RESPONSE_COLOURS if r in present and r not in statuses]


def combinations_shown_as(counts: pd.DataFrame, wanted: Iterable[str]) -> list[tuple]:
    """The (kind, status, response, implementation) combinations in ``counts`` whose status
    word, or a recommendation's response, is one of ``wanted``."""
    wanted = set(wanted)
    rows = list(status_rows(counts))
    return [
        (kind, status, response, implementation)
        for (kind, status, response, implementation, _), label in zip(rows, status_labels_of(rows))
        if label in wanted
        or (kind == ItemKind.RECOMMENDATION and status_rules.response_label(response) in wanted)
    ]


def never_assessed_open(annotated: pd.DataFrame) -> int:
    """Open items not yet assessed: unresearched, so never counted as delay (issue 13)."""
    if annotated.empty:
        return 0
    return int((annotated["days_open"].notna() & (annotated["status_label"] == status_rules.NOT_YET_ASSESSED)).sum())


LONGEST_OPEN_COLUMNS = [
    "id", "kind", "title", "owners", "status_label", "made_label", "days_open", "years_open",
    "deadline_label", "days_overdue",
]


def longest_open(annotated: pd.DataFrame, *, limit: int = 10) -> pd.DataFrame:
    """The ``limit`` open items made longest ago among annotated rows, with how long they have
    been open and how far past their deadline they are (``days_overdue``, empty when not overdue).

    Items not yet assessed (no assessment, or one that says so) are left out (issue 13, honest
    durations): that means unresearched, so their age since made is not delay;
    ``never_assessed_open`` counts them. ``Store.oldest_open_item_ids`` leaves out the same."""
    if annotated.empty:
        return pd.DataFrame(columns=LONGEST_OPEN_COLUMNS)
    frame = annotated[annotated["days_open"].notna() & (annotated["status_label"] != status_rules.NOT_YET_ASSESSED)]
    frame = frame.sort_values(["days_open", "id"], ascending=[False, True]).head(limit).copy()
    frame["years_open"] = (frame["days_open"].astype("float64") / 365.25).round(1)
    return frame[LONGEST_OPEN_COLUMNS].reset_index(drop=True)
