"""The items frame annotated for a reference date, and the counts of one held in memory.

``annotate`` adds to a frame from ``Store.items_frame`` (one row per item, as the record stood on
a date) the derived columns every view needs: the one status word a chart shows, open or closed,
dates as dates and labels, how long an item has been open or overdue. The rules come from
``tracker.status`` and ``tracker.dates``.

The figures here (``headline``, ``scorecard``, ...) count such a frame in memory and hand the
counts to ``tracker.counts``, the one place a figure is made of counts: they are the plain
computation the SQL path (``tracker.figures``) is tested against. Pages use ``tracker.figures``.

"Today" is always a parameter: with an "as of" date the reference date is that date, so an item
is overdue or long-open as it was then, and tests are deterministic. Nothing here imports
streamlit.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping

import pandas as pd

from . import counts
from . import status as status_rules
# The figures' shared parts, named here too: a reader of the frame path finds them in one place.
from .counts import (
    SCORECARD_GROUPS,
    Headline,
    longest_open,
    never_assessed_open,
    none_if_missing,
    scorecard_table,
    values_or_none,
)
from .dates import date_label, period_end
from .models import ItemKind, split_list

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

__all__ = [
    "CLOSED", "DERIVED_COLUMNS", "Headline", "NO_STATE", "OPEN", "SCORECARD_GROUPS", "annotate",
    "date_label", "deadline_counts", "document_counts", "headline", "longest_open", "never_assessed_open", "none_if_missing",
    "period_end", "scorecard", "scorecard_table", "source_scorecard", "status_counts", "status_labels",
    "status_totals", "values_or_none",
]


def _objects(values: list, index: pd.Index) -> pd.Series:
    return pd.Series(values, index=index, dtype="object")


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
            (today - e).days if status_rules.is_overdue(o, e, today) else None
            for e, o in zip(ends, openness)
        ],
        dtype="Int64",
    )
    return frame


def status_labels(frame: pd.DataFrame) -> list[str]:
    """``display_status`` for every row of a frame with kind/status/response/implementation
    columns (assessments, items), computed once per distinct combination."""
    columns = ["kind", "status", "response", "implementation"]
    keys = list(zip(*[values_or_none(frame[c]) for c in columns]))
    labels = {key: status_rules.display_status(*key) for key in set(keys)}
    return [labels[key] for key in keys]


# -- counts of an annotated frame (the twins of Store.status_counts and deadline_counts) ----------


def _groups(annotated: pd.DataFrame, by: str | None) -> list[list]:
    """The groups of each row: ``by`` as ``Store.status_counts`` takes it."""
    if by is None:
        return [[None]] * len(annotated)
    if by == "accountable":
        return [status_rules.accountable(k, split_list(o), split_list(m))
                for k, o, m in zip(annotated["kind"], annotated["owners"], annotated["makers"])]
    if by in ("owner", "maker", "theme"):
        return [split_list(v) for v in annotated[f"{by}s"].tolist()]
    if by == "document":
        return [[d] for d in annotated["document_id"].tolist()]
    if by == "source":  # the document quoting it and, when different, the report it was made in
        return [[d, o] if o and o != d else [d]
                for d, o in zip(annotated["document_id"].tolist(), values_or_none(annotated["origin_document_id"]))]
    raise ValueError(f"cannot group by {by!r}")


def status_counts(annotated: pd.DataFrame, *, by: str | None = None, ungrouped: bool = False) -> pd.DataFrame:
    """What ``Store.status_counts`` gives for the record ``annotated`` holds (``by`` may also be
    ``source``: ``Store.source_status_counts``), counted in memory."""
    if annotated.empty:
        return pd.DataFrame(columns=counts.COUNT_COLUMNS)
    groups = _groups(annotated, by)
    long = pd.DataFrame({
        "grp": [g if g else [None] for g in groups],
        **{c: values_or_none(annotated[c]) for c in ("kind", "status", "response", "implementation")},
    }).explode("grp")
    if by is not None and not ungrouped:
        long = long[long["grp"].notna()]
    found = long.groupby(counts.COUNT_COLUMNS[:-1], dropna=False, sort=True).size().reset_index(name="n")
    return found.astype({c: object for c in counts.COUNT_COLUMNS[:-1]})


def deadline_counts(annotated: pd.DataFrame) -> pd.DataFrame:
    """What ``Store.deadline_counts`` gives for the record ``annotated`` holds, for the date it
    was annotated for: items with a deadline by status and whether overdue."""
    frame = annotated[annotated["deadline_end"].notna()] if not annotated.empty else annotated
    if frame.empty:
        return pd.DataFrame(columns=counts.DEADLINE_COUNT_COLUMNS)
    long = pd.DataFrame({
        **{c: values_or_none(frame[c]) for c in ("kind", "status", "response", "implementation")},
        "overdue": frame["days_overdue"].notna().tolist(),
    })
    return long.groupby(counts.DEADLINE_COUNT_COLUMNS[:-1], dropna=False).size().reset_index(name="n")


# -- the figures of an annotated frame ------------------------------------------------------------


def headline(annotated: pd.DataFrame, *, today: dt.date) -> Headline:
    """``counts.headline`` of the items in ``annotated`` (annotated for ``today``)."""
    return counts.headline(status_counts(annotated), deadline_counts(annotated), today=today)


def scorecard(
    annotated: pd.DataFrame,
    *,
    by: str = "owner",
    kinds: Iterable[str] = (ItemKind.COMMITMENT.value, ItemKind.RECOMMENDATION.value),
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Items of ``kinds`` per group and status word (``counts.scorecard``). ``by`` is ``owner``
    (who each item is held against: ``status.accountable``), ``maker``, ``theme`` or
    ``document``; an item in several groups counts in each. Raises ValueError for another ``by``."""
    counts.check_group(by)
    return counts.scorecard(status_counts(annotated, by=counts.COUNT_GROUP[by], ungrouped=True),
                            kinds=kinds, names=names)


def source_scorecard(annotated: pd.DataFrame, *, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``scorecard`` of every kind of item per document, where an item counts for the document
    quoting it and also, when different, for the report it was first made in
    (``origin_document_id``): a report known only through an article still shows its items."""
    return counts.scorecard(status_counts(annotated, by="source"), names=names)


def document_counts(annotated: pd.DataFrame) -> pd.DataFrame:
    """Items and open items per document id (the index), each item counted for the document
    quoting it and, when different, for the report it was first made in."""
    return counts.document_counts(status_counts(annotated, by="source"))


def status_totals(annotated: pd.DataFrame, *, kinds: Iterable[str] | None = None) -> pd.DataFrame:
    """Items per status word (``status_label``, ``n``) in STATUS_ORDER, only statuses present."""
    return counts.status_totals(status_counts(annotated), kinds=kinds)
