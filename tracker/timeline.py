"""Dated events: every item made, every assessment, every deadline set, moved and falling due.

Built from store reads (the annotated items frame, ``assessments_frame``, ``deadlines_frame``)
for one reference date; nothing here imports streamlit.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

import pandas as pd

from . import status as status_rules
from .models import ItemKind
from .progress import date_label, none_if_missing, period_end

MADE, ASSESSED, DEADLINE_SET, DEADLINE_MOVED, DEADLINE_DUE = (
    "made", "assessed", "deadline set", "deadline moved", "deadline falls due",
)
#: Event types in the order a timeline lists them.
EVENT_TYPES = [MADE, ASSESSED, DEADLINE_SET, DEADLINE_MOVED, DEADLINE_DUE]
EVENT_COLUMNS = ["date", "date_label", "event", "item_id", "kind", "title", "status_label", "detail"]


def events(
    annotated: pd.DataFrame,
    assessments: pd.DataFrame,
    deadlines: pd.DataFrame,
    *,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Every dated event of the items in ``annotated``, oldest first.

    * ``made``: the date an item was made (its status column is its status as of the date);
    * ``assessed``: each assessment, with the status it gave and its evidence;
    * ``deadline set`` / ``deadline moved``: each deadline revision, dated when it was made;
    * ``deadline falls due``: the last day of the current deadline's period (may be ahead).

    With ``as_of``, assessments and revisions after that date are left out. Dates are
    ``datetime.date``; ``date_label`` is how a reader sees them ("April 2023").
    """
    if annotated.empty:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    present = set(annotated["id"])
    rows: list[dict] = []
    for item in annotated.itertuples(index=False):
        rows.append(
            {"date": item.made, "date_label": item.made_label, "event": MADE, "item_id": item.id,
             "kind": item.kind, "title": item.title, "status_label": item.status_label, "detail": ""}
        )
        if item.deadline_end is not None and item.kind != ItemKind.FINDING:
            rows.append(
                {"date": item.deadline_end, "date_label": item.deadline_label, "event": DEADLINE_DUE,
                 "item_id": item.id, "kind": item.kind, "title": item.title,
                 "status_label": item.status_label, "detail": f"deadline: {item.deadline_label}"}
            )
    if assessments is not None and not assessments.empty:
        frame = assessments[assessments["item_id"].isin(present)]
        if as_of is not None:
            frame = frame[frame["assessed_on"] <= as_of.isoformat()]
        for a in frame.itertuples(index=False):
            response = none_if_missing(a.response)
            label = status_rules.display_status(
                a.kind, none_if_missing(a.status), response, none_if_missing(a.implementation)
            )
            detail = a.evidence
            if a.kind == ItemKind.RECOMMENDATION:
                detail = f"response: {status_rules.response_label(response)}. {a.evidence}"
            day = dt.date.fromisoformat(a.assessed_on)
            rows.append(
                {"date": day, "date_label": date_label(a.assessed_on, "day"), "event": ASSESSED,
                 "item_id": a.item_id, "kind": a.kind, "title": a.title, "status_label": label,
                 "detail": detail}
            )
    if deadlines is not None and not deadlines.empty:
        rows.extend(_deadline_events(deadlines, present, as_of, annotated))
    result = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    order = {name: n for n, name in enumerate(EVENT_TYPES)}
    result["_order"] = result["event"].map(order)
    result = result.sort_values(["date", "_order", "item_id"]).drop(columns="_order")
    return result.reset_index(drop=True)


def _deadline_events(deadlines, present, as_of, annotated) -> list[dict]:
    frame = deadlines[deadlines["item_id"].isin(present)]
    if as_of is not None:
        frame = frame[frame["revised_on"] <= as_of.isoformat()]
    labels = annotated.set_index("id")["status_label"].to_dict()
    rows = []
    for item_id, group in frame.groupby("item_id", sort=False):
        for entry in deadline_history(group.to_dict("records")).to_dict("records"):
            rows.append(
                {"date": entry["revised_on"], "date_label": date_label(entry["revised_on"].isoformat(), "day"),
                 "event": DEADLINE_SET if entry["change"] == FIRST_SET else DEADLINE_MOVED,
                 "item_id": item_id, "kind": group["kind"].iloc[0], "title": group["title"].iloc[0],
                 "status_label": labels.get(item_id, ""),
                 "detail": f"{entry['deadline_label'] or 'no deadline'} ({entry['change']}): {entry['reason']}"}
            )
    return rows


FIRST_SET = "first set"
HISTORY_COLUMNS = ["revised_on", "deadline_label", "deadline_end", "change", "days_moved", "reason"]


def deadline_history(revisions: Iterable[dict]) -> pd.DataFrame:
    """A deadline's revisions, oldest first, each with how it moved against the one before.

    ``revisions`` are rows as ``Store.deadline_revisions`` returns them. ``change`` reads
    "first set", "moved later", "moved earlier", "unchanged", "removed" or "set again";
    ``days_moved`` is the shift of the period's end in days (positive: later).
    """
    rows = []
    previous_end: dt.date | None = None
    for number, revision in enumerate(revisions):
        start, precision = none_if_missing(revision.get("deadline_start")), none_if_missing(
            revision.get("deadline_precision")
        )
        end = period_end(start, precision)
        moved = None
        if number == 0:
            change = FIRST_SET if end else "removed"
        elif end is None:
            change = "removed"
        elif previous_end is None:
            change = "set again"
        else:
            moved = (end - previous_end).days
            change = "moved later" if moved > 0 else ("moved earlier" if moved < 0 else "unchanged")
        revised_on = revision["revised_on"]
        rows.append(
            {
                "revised_on": dt.date.fromisoformat(revised_on) if isinstance(revised_on, str) else revised_on,
                "deadline_label": date_label(start, precision),
                "deadline_end": end,
                "change": change,
                "days_moved": moved,
                "reason": revision.get("reason") or "",
            }
        )
        previous_end = end
    frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    frame["days_moved"] = pd.array(frame["days_moved"].tolist(), dtype="Int64")
    return frame


def slippage_days(history: pd.DataFrame) -> int | None:
    """How many days the deadline now ends after the first one set (None without both)."""
    ends = [e for e in history["deadline_end"].tolist() if e is not None] if not history.empty else []
    if len(ends) < 2 or history["deadline_end"].iloc[-1] is None:
        return None
    return (history["deadline_end"].iloc[-1] - ends[0]).days


def filter_events(
    frame: pd.DataFrame,
    *,
    event_types: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """Events of the given types and item kinds between ``start`` and ``end`` (inclusive).

    An empty or None selection does not filter.
    """
    mask = pd.Series(True, index=frame.index)
    if event_types:
        mask &= frame["event"].isin(list(event_types))
    if kinds:
        mask &= frame["kind"].isin(list(kinds))
    if start is not None:
        mask &= frame["date"] >= start
    if end is not None:
        mask &= frame["date"] <= end
    return frame[mask].reset_index(drop=True)


def events_per_year(frame: pd.DataFrame, *, by: str = "event") -> pd.DataFrame:
    """Counts of events per calendar year and ``by`` (``event`` or ``status_label``):
    columns ``year``, ``by``'s column, ``n``."""
    if frame.empty:
        return pd.DataFrame(columns=["year", by, "n"])
    years = [d.year for d in frame["date"]]
    counts = (
        pd.DataFrame({"year": years, by: frame[by].tolist()})
        .groupby(["year", by], sort=True).size().reset_index(name="n")
    )
    return counts
