"""Progress: the headline figures, scorecards and the longest-open items.

Everything here works on the frame ``Store.items_frame`` returns (one row per item, as the record
stood on a date), after ``annotate`` has added the derived columns every view needs: the one
status word a chart shows, open or closed, dates as dates, and how long an item has been open or
overdue. Nothing here imports streamlit; the dashboard caches these results on the data version.

"Today" is always a parameter: with an "as of" date the reference date is that date, so an item
is overdue or long-open as it was then, and tests are deterministic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping

import pandas as pd

from . import status as status_rules
from .models import ImplementationStatus, ItemKind, LifecycleStatus, ResponseStatus

#: Columns ``annotate`` adds to an items frame.
DERIVED_COLUMNS = (
    "status_label", "response_label", "is_open", "state", "made", "made_label",
    "deadline_end", "deadline_label", "days_open", "days_overdue",
)
#: The text columns that may be missing (NaN in pandas 3's string columns) and are read as None.
_OPTIONAL_TEXT = (
    "status", "response", "implementation", "last_assessed_on", "last_evidence",
    "last_evidence_url", "deadline_start", "deadline_precision", "origin_document_id", "done_when",
    "reference", "last_assessed_precision",
)
#: Labels of the open/closed state; findings are neither.
OPEN, CLOSED, NO_STATE = "open", "closed", "finding"

DELIVERED_LABELS = frozenset({LifecycleStatus.DELIVERED.value, ImplementationStatus.IMPLEMENTED.value})
NOT_DELIVERED_LABELS = frozenset(
    {LifecycleStatus.NOT_DELIVERED.value, ImplementationStatus.NOT_IMPLEMENTED.value}
)
AWAITING = ResponseStatus.AWAITING_RESPONSE.value
NO_GROUP = "(none recorded)"


@lru_cache(maxsize=4096)
def date_label(start: str | None, precision: str | None) -> str:
    """How a reader sees a stored partial date: "15 December 2020", "April 2023", "2022", or ""."""
    if not start or not isinstance(start, str):
        return ""
    day = dt.date.fromisoformat(start)
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return day.strftime("%B %Y")
    return f"{day.day} {day.strftime('%B %Y')}"


def long_date(day: dt.date) -> str:
    """A day as a reader writes it: "1 January 2021"."""
    return f"{day.day} {day.strftime('%B %Y')}"


def duration(days: int) -> str:
    """A span of days as a reader says it: "17 days", "1 day", "3.5 years"."""
    if abs(days) < 365:
        return f"{days} day{'s' if abs(days) != 1 else ''}"
    return f"{days / 365.25:.1f} years"


@lru_cache(maxsize=4096)
def period_end(start: str | None, precision: str | None) -> dt.date | None:
    """The last day of a partial date's period (a deadline "2022" ends on 31 December 2022)."""
    if not start or not isinstance(start, str):
        return None
    day = dt.date.fromisoformat(start)
    if precision == "year":
        return dt.date(day.year, 12, 31)
    if precision == "month":
        following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return day


def none_if_missing(value):
    """None for pandas' missing markers (NaN, NA), the value otherwise."""
    if value is None:
        return None
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):  # lists and other non-scalars are never "missing"
        return value


def _objects(values: list, index: pd.Index) -> pd.Series:
    return pd.Series(values, index=index, dtype="object")


def values_or_none(column: pd.Series) -> list:
    """``none_if_missing`` of every value, vectorised (iterating a pandas 3 string column value
    by value costs seconds at 100,000 rows)."""
    values = column.astype(object)
    return values.where(values.notna(), None).tolist()


def annotate(items: pd.DataFrame, *, today: dt.date) -> pd.DataFrame:
    """Return a copy of an items frame with the derived columns (``DERIVED_COLUMNS``).

    ``today`` is the reference date: pass the "as of" date when reading the past. The status
    word and open/closed come from tracker.status, the one place those rules live.
    """
    frame = items.copy()
    if frame.empty:
        for column in DERIVED_COLUMNS:
            frame[column] = pd.Series(dtype="object")
        return frame
    # pandas 3 reads missing text as NaN; the status rules (and readers) expect None. An
    # object column keeps the None: a list of str and None would be re-inferred as str/NaN.
    for column in _OPTIONAL_TEXT:
        if column in frame:
            frame[column] = _objects(values_or_none(frame[column]), frame.index)
    for column in ("makers", "owners", "themes"):
        if column in frame:
            frame[column] = [v or "" for v in values_or_none(frame[column])]
    rows = list(zip(frame["kind"], frame["status"], frame["response"], frame["implementation"]))
    # The rules run once per distinct (kind, status, response, implementation): a few dozen.
    rules = {
        row: (status_rules.display_status(*row), status_rules.is_open(*row),
              status_rules.response_label(row[2]) if row[0] == ItemKind.RECOMMENDATION else None)
        for row in set(rows)
    }
    frame["status_label"] = [rules[row][0] for row in rows]
    frame["response_label"] = _objects([rules[row][2] for row in rows], frame.index)
    openness = [rules[row][1] for row in rows]
    frame["is_open"] = pd.array(openness, dtype="boolean")
    frame["state"] = [NO_STATE if o is None else (OPEN if o else CLOSED) for o in openness]
    frame["made"] = pd.to_datetime(frame["made_start"]).dt.date
    frame["made_label"] = [
        date_label(s, p) for s, p in zip(frame["made_start"].tolist(), frame["made_precision"].tolist())
    ]
    ends = [period_end(s, p) for s, p in zip(frame["deadline_start"], frame["deadline_precision"])]
    frame["deadline_end"] = _objects(ends, frame.index)
    frame["deadline_label"] = [
        date_label(s, p) for s, p in zip(frame["deadline_start"], frame["deadline_precision"])
    ]
    frame["days_open"] = pd.array(
        [(today - m).days if o else None for m, o in zip(frame["made"], openness)], dtype="Int64"
    )
    frame["days_overdue"] = pd.array(
        [
            (today - e).days if (o and e is not None and e < today) else None
            for e, o in zip(ends, openness)
        ],
        dtype="Int64",
    )
    return frame


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


def headline(annotated: pd.DataFrame, *, today: dt.date) -> Headline:
    """Count items tracked, delivered, not delivered, overdue, and open recommendations that
    have no response from their addressee.

    Delivered means a commitment or call assessed ``delivered`` or a recommendation
    ``implemented``; not delivered means ``not delivered`` / ``not implemented``. Overdue means
    open with a deadline whose whole period ended before ``today``.
    """
    if annotated.empty:
        return Headline(today, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    kind_counts = annotated["kind"].value_counts()
    labels = annotated["status_label"]
    is_open = annotated["is_open"].fillna(False).astype(bool)
    recommendation = annotated["kind"] == ItemKind.RECOMMENDATION
    no_response = annotated["response_label"] == AWAITING
    return Headline(
        as_of=today,
        tracked=len(annotated),
        commitments=int(kind_counts.get(ItemKind.COMMITMENT.value, 0)),
        recommendations=int(kind_counts.get(ItemKind.RECOMMENDATION.value, 0)),
        findings=int(kind_counts.get(ItemKind.FINDING.value, 0)),
        calls=int(kind_counts.get(ItemKind.CALL.value, 0)),
        open=int(is_open.sum()),
        delivered=int(labels.isin(DELIVERED_LABELS).sum()),
        not_delivered=int(labels.isin(NOT_DELIVERED_LABELS).sum()),
        overdue=int(annotated["days_overdue"].notna().sum()),
        awaiting_response=int((recommendation & is_open & no_response).sum()),
        open_with_deadline=int((is_open & annotated["deadline_end"].notna()).sum()),
    )


def status_labels(frame: pd.DataFrame) -> list[str]:
    """``display_status`` for every row of a frame with kind/status/response/implementation
    columns (assessments, items), computed once per distinct combination."""
    columns = ["kind", "status", "response", "implementation"]
    keys = list(zip(*[values_or_none(frame[c]) for c in columns]))
    labels = {key: status_rules.display_status(*key) for key in set(keys)}
    return [labels[key] for key in keys]


def split_list(text: str | None) -> list[str]:
    """The ids in a "; "-joined column (makers, owners, themes)."""
    return [part for part in (text or "").split("; ") if part]


def _accountable(row_kind: str, owners: str, makers: str) -> str:
    """Who an item is held against: its owners/addressees; a commitment or call recorded with
    no owner is held against its makers (they promised it)."""
    if owners:
        return owners
    if row_kind in (ItemKind.COMMITMENT, ItemKind.CALL):
        return makers
    return ""


SCORECARD_GROUPS = ("owner", "maker", "theme", "document")


def scorecard(
    annotated: pd.DataFrame,
    *,
    by: str = "owner",
    kinds: Iterable[str] = (ItemKind.COMMITMENT.value, ItemKind.RECOMMENDATION.value),
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """How many items of ``kinds`` stand in each status, per group.

    ``by`` is ``owner`` (the actor held to account: owners and addressees, else the makers of a
    commitment or call), ``maker``, ``theme`` or ``document``. An item with several owners or
    themes counts once in each. Returns columns ``group`` (a display name, via ``names`` when
    given), ``group_id``, ``status_label``, ``n`` and ``total`` (the group's size), ordered by
    total, largest first, then by STATUS_ORDER.
    """
    if by not in SCORECARD_GROUPS:
        raise ValueError(f"cannot make a scorecard by {by!r}: choose one of {', '.join(SCORECARD_GROUPS)}")
    columns = ["group", "group_id", "status_label", "n", "total"]
    kinds = list(kinds)
    frame = annotated[annotated["kind"].isin(kinds)] if not annotated.empty else annotated
    if frame.empty:
        return pd.DataFrame(columns=columns)
    if by == "owner":
        keys = [_accountable(k, o, m) for k, o, m in zip(frame["kind"], frame["owners"], frame["makers"])]
    elif by == "maker":
        keys = frame["makers"].tolist()
    elif by == "theme":
        keys = frame["themes"].tolist()
    else:
        keys = frame["document_id"].tolist()
    return _scorecard_of(frame, keys, names)


def source_scorecard(annotated: pd.DataFrame, *, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``scorecard`` of every kind of item per document, where an item counts for the document
    quoting it and also, when different, for the report it was first made in
    (``origin_document_id``): a report known only through an article still shows its items."""
    if annotated.empty:
        return pd.DataFrame(columns=["group", "group_id", "status_label", "n", "total"])
    keys = [
        f"{doc}; {origin}" if isinstance(origin, str) and origin and origin != doc else doc
        for doc, origin in zip(annotated["document_id"].tolist(), values_or_none(annotated["origin_document_id"]))
    ]
    return _scorecard_of(annotated, keys, names)


def document_counts(annotated: pd.DataFrame) -> pd.DataFrame:
    """Items and open items per document id (the index), each item counted for the document
    quoting it and, when different, for the report it was first made in."""
    if annotated.empty:
        return pd.DataFrame({"items": pd.Series(dtype="int64"), "open": pd.Series(dtype="int64")})
    origin = annotated[annotated["origin_document_id"].notna()
                       & (annotated["origin_document_id"] != annotated["document_id"])]
    pairs = pd.concat([
        pd.DataFrame({"doc": annotated["document_id"], "open": annotated["state"] == "open"}),
        pd.DataFrame({"doc": origin["origin_document_id"], "open": origin["state"] == "open"}),
    ])
    pairs["open"] = pairs["open"].astype("int64")
    counts = pairs.groupby("doc").agg(items=("open", "size"), open=("open", "sum"))
    return counts.astype("int64").rename_axis(None)


def _scorecard_of(frame: pd.DataFrame, keys: list[str], names: Mapping[str, str] | None) -> pd.DataFrame:
    """Counts per group ("; "-joined ``keys``, one per row of ``frame``) and status label."""
    columns = ["group", "group_id", "status_label", "n", "total"]
    long = pd.DataFrame(
        {"group_id": [split_list(k) or [NO_GROUP] for k in keys], "status_label": frame["status_label"].tolist()}
    ).explode("group_id")
    counts = long.groupby(["group_id", "status_label"], sort=False).size().reset_index(name="n")
    counts["total"] = counts.groupby("group_id")["n"].transform("sum")
    names = names or {}
    counts["group"] = [names.get(g, g) for g in counts["group_id"]]
    order = {label: n for n, label in enumerate(status_rules.STATUS_ORDER)}
    counts["_order"] = counts["status_label"].map(order).fillna(len(order))
    counts = counts.sort_values(["total", "group", "_order"], ascending=[False, True, True])
    return counts[columns].reset_index(drop=True)


def scorecard_table(card: pd.DataFrame) -> pd.DataFrame:
    """A scorecard as a wide table: one row per group, one column per status (STATUS_ORDER)."""
    if card.empty:
        return pd.DataFrame()
    wide = card.pivot_table(index="group", columns="status_label", values="n", aggfunc="sum", fill_value=0)
    ordered = [s for s in status_rules.STATUS_ORDER if s in wide.columns]
    wide = wide[ordered]
    wide["total"] = wide.sum(axis=1)
    return wide.sort_values("total", ascending=False).reset_index()


def never_assessed_open(annotated: pd.DataFrame) -> int:
    """Open items not yet assessed: unresearched, so never counted as delay (issue 13)."""
    if annotated.empty:
        return 0
    return int((annotated["days_open"].notna() & (annotated["status_label"] == status_rules.NOT_YET_ASSESSED)).sum())


def status_totals(annotated: pd.DataFrame, *, kinds: Iterable[str] | None = None) -> pd.DataFrame:
    """Items per status word (``status_label``, ``n``) in STATUS_ORDER, only statuses present."""
    frame = annotated
    if kinds is not None and not frame.empty:
        frame = frame[frame["kind"].isin(list(kinds))]
    if frame.empty:
        return pd.DataFrame(columns=["status_label", "n"])
    counts = frame["status_label"].value_counts()
    ordered = [s for s in status_rules.STATUS_ORDER if s in counts.index]
    return pd.DataFrame({"status_label": ordered, "n": [int(counts[s]) for s in ordered]})


LONGEST_OPEN_COLUMNS = [
    "id", "kind", "title", "owners", "status_label", "made_label", "days_open", "years_open",
    "deadline_label", "days_overdue",
]


def longest_open(annotated: pd.DataFrame, *, limit: int = 10) -> pd.DataFrame:
    """The ``limit`` open items made longest ago, with how long they have been open and how far
    past their deadline they are (``days_overdue``, empty when not overdue).

    Items not yet assessed (no assessment, or one that says so) are left out (issue 13, honest
    durations): that means unresearched, so their age since made is not delay;
    ``never_assessed_open`` counts them."""
    if annotated.empty:
        return pd.DataFrame(columns=LONGEST_OPEN_COLUMNS)
    frame = annotated[annotated["days_open"].notna() & (annotated["status_label"] != status_rules.NOT_YET_ASSESSED)]
    frame = frame.sort_values(["days_open", "id"], ascending=[False, True]).head(limit).copy()
    frame["years_open"] = (frame["days_open"].astype("float64") / 365.25).round(1)
    return frame[LONGEST_OPEN_COLUMNS].reset_index(drop=True)
