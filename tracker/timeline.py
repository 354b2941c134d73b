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
from .dates import date_label, period_end
from .frames import none_if_missing, status_labels

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
    ``datetime.date``; ``date_label`` is how a reader sees them ("April 2023"). Built with
    column operations: 10,000 items with 100,000 assessments take well under a second.
    """
    if annotated.empty:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    parts = [
        pd.DataFrame({
            "date": annotated["made"], "date_label": annotated["made_label"], "event": MADE,
            "item_id": annotated["id"], "kind": annotated["kind"], "title": annotated["title"],
            "status_label": annotated["status_label"], "detail": "",
        })
    ]
    due = annotated[annotated["deadline_end"].notna() & (annotated["kind"] != ItemKind.FINDING)]
    if not due.empty:
        parts.append(pd.DataFrame({
            "date": due["deadline_end"], "date_label": due["deadline_label"], "event": DEADLINE_DUE,
            "item_id": due["id"], "kind": due["kind"], "title": due["title"],
            "status_label": due["status_label"], "detail": "deadline: " + due["deadline_label"].astype(str),
        }))
    present = set(annotated["id"].tolist())
    if assessments is not None and not assessments.empty:
        parts.append(_assessment_events(assessments, present, as_of))
    if deadlines is not None and not deadlines.empty:
        labels = dict(zip(annotated["id"], annotated["status_label"]))
        parts.append(_deadline_events(deadlines, present, as_of, labels))
    result = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    order = {name: n for n, name in enumerate(EVENT_TYPES)}
    result["_order"] = result["event"].map(order)
    result = result.sort_values(["date", "_order", "item_id"], kind="stable").drop(columns="_order")
    return result[EVENT_COLUMNS].reset_index(drop=True)


def _among(ids: pd.Series, present: set) -> list[bool]:
    """``ids.isin(present)`` by set lookups on a plain list: pandas' isin on Arrow strings
    converts the set value by value, seconds for a million assessments."""
    return [i in present for i in ids.tolist()]


def _assessment_events(assessments: pd.DataFrame, present: set, as_of: dt.date | None) -> pd.DataFrame:
    frame = assessments[_among(assessments["item_id"], present)]
    if as_of is not None:
        frame = frame[frame["assessed_on"] <= as_of.isoformat()]
    if frame.empty:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    # Column operations (Arrow strings): a million assessments in a fraction of a second.
    evidence = frame["evidence"].fillna("").astype(str)
    responses = frame["response"].fillna(status_rules.response_label(None)).astype(str)
    is_recommendation = frame["kind"] == ItemKind.RECOMMENDATION
    detail = evidence.where(~is_recommendation, "response: " + responses + ". " + evidence).tolist()
    # Many assessments share a day: label each distinct day once.
    days = frame["assessed_on"].astype(object).tolist()
    labels = {day: date_label(day, "day") for day in set(days)}
    return pd.DataFrame({
        "date": pd.to_datetime(frame["assessed_on"]).dt.date,
        "date_label": [labels[day] for day in days],
        "event": ASSESSED, "item_id": frame["item_id"], "kind": frame["kind"], "title": frame["title"],
        "status_label": status_labels(frame), "detail": detail,
    })


def _deadline_events(deadlines, present, as_of, labels: dict) -> pd.DataFrame:
    frame = deadlines[_among(deadlines["item_id"], present)]
    if as_of is not None:
        frame = frame[frame["revised_on"] <= as_of.isoformat()]
    rows = []
    previous: dict[str, dt.date | None] = {}
    for r in frame.itertuples(index=False):  # oldest first, as deadlines_frame orders them
        start, precision = none_if_missing(r.deadline_start), none_if_missing(r.deadline_precision)
        end = period_end(start, precision)
        change, _ = _change(r.item_id not in previous, end, previous.get(r.item_id))
        previous[r.item_id] = end
        rows.append((
            dt.date.fromisoformat(r.revised_on), date_label(r.revised_on, "day"),
            DEADLINE_SET if change == FIRST_SET else DEADLINE_MOVED, r.item_id, r.kind, r.title,
            labels.get(r.item_id, ""), f"{date_label(start, precision) or 'no deadline'} ({change}): {r.reason}",
        ))
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


FIRST_SET = "first set"
HISTORY_COLUMNS = ["revised_on", "deadline_label", "deadline_end", "change", "days_moved", "reason"]


def _change(first: bool, end: dt.date | None, previous_end: dt.date | None) -> tuple[str, int | None]:
    """How a deadline revision moved the deadline: (change, days moved)."""
    if first:
        return (FIRST_SET if end else "removed"), None
    if end is None:
        return "removed", None
    if previous_end is None:
        return "set again", None
    moved = (end - previous_end).days
    return ("moved later" if moved > 0 else ("moved earlier" if moved < 0 else "unchanged")), moved


def deadline_history(revisions: Iterable[dict]) -> pd.DataFrame:
    """A deadline's revisions, oldest first, each with how it moved against the one before.

    ``revisions`` are rows as ``Store.deadline_revisions`` returns them. ``change`` reads
    "first set", "moved later", "moved earlier", "unchanged", "removed" or "set again";
    ``days_moved`` is the shift of the period's end in days (positive: later).
    """
    frame = pd.DataFrame(deadline_rows(revisions), columns=HISTORY_COLUMNS)
    frame["days_moved"] = pd.array(frame["days_moved"].tolist(), dtype="Int64")
    return frame


def deadline_rows(revisions: Iterable[dict]) -> list[dict]:
    """``deadline_history`` as plain dicts (no frame: the published edition makes one per item,
    and a pandas frame each cost more than the rest of an item's page)."""
    rows = []
    previous_end: dt.date | None = None
    for number, revision in enumerate(revisions):
        start, precision = none_if_missing(revision.get("deadline_start")), none_if_missing(
            revision.get("deadline_precision")
        )
        end = period_end(start, precision)
        change, moved = _change(number == 0, end, previous_end)
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
    return rows


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
    years = [d.year for d in frame["date"].tolist()]
    counts = (
        pd.DataFrame({"year": years, by: frame[by].tolist()})
        .groupby(["year", by], sort=True).size().reset_index(name="n")
    )
    return counts


def events_by_period(frame: pd.DataFrame, *, period: str = "day", titles_shown: int = 4) -> pd.DataFrame:
    """Events grouped by day (or month), type and status, so that events on the same day (a
    report's many findings) are one mark with a count rather than marks hidden under each other.

    Columns: ``date`` (the day, or the month's first day), ``date_label``, ``event``,
    ``status_label``, ``n``, ``kinds`` ("2 commitments, 1 call") and ``titles`` (the first
    ``titles_shown`` item titles, "and N more").
    """
    columns = ["date", "date_label", "event", "status_label", "n", "kinds", "titles"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    if period not in ("day", "month"):
        raise ValueError(f"period is 'day' or 'month', not {period!r}")
    # One pass in plain Python: pandas' per-group string joins cost ~30x more on 100k events.
    groups: dict[tuple, dict] = {}
    # .tolist() first: iterating a pandas 3 (Arrow) string column value by value is ~10x slower.
    for day, event, label, kind, title, shown in zip(*(
        frame[c].tolist() for c in ("date", "event", "status_label", "kind", "title", "date_label")
    )):
        if period == "month":
            day = day.replace(day=1)
        group = groups.get((day, event, label))
        if group is None:
            group = groups[(day, event, label)] = {
                "label": day.strftime("%B %Y") if period == "month" else shown, "n": 0, "titles": [], "kinds": {},
            }
        group["n"] += 1
        if len(group["titles"]) < titles_shown:
            group["titles"].append(title)
        group["kinds"][kind] = group["kinds"].get(kind, 0) + 1
    rows = []
    for (day, event, label), group in sorted(groups.items(), key=lambda pair: pair[0]):
        titles = "; ".join(group["titles"])
        if group["n"] > titles_shown:
            titles += f" and {group['n'] - titles_shown} more"
        kinds = ", ".join(f"{k} {kind}{'s' if k > 1 else ''}" for kind, k in group["kinds"].items())
        rows.append((day, group["label"], event, label, group["n"], kinds, titles))
    return pd.DataFrame(rows, columns=columns)
