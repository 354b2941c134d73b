"""What changed in the record since a date: new items, status changes, deadlines set or moved,
and corrections (edits to what an item or a document says), read from the append-only history
and the audit log. The dashboard's What changed page, the Atom feed (``tracker.feed``) and the
published edition all list these, in the same words.

A change is dated by when it was *recorded* (UTC), because that is when a follower could first
have seen it; the date its evidence refers to is kept beside it (``effective_on``). Changes made
by loading the first dataset count as new items like any other.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd
from pydantic import TypeAdapter, ValidationError

from .models import PartialDate, split_list
from .dates import date_label
from .status import display_status, response_label
from .store import Store

NEW_ITEM = "new item"
STATUS_CHANGE = "status change"
DEADLINE_SET = "deadline set"
DEADLINE_MOVED = "deadline moved"
CORRECTION = "correction"
#: Every kind of change, in the order the What changed page offers them.
CHANGE_KINDS = (NEW_ITEM, STATUS_CHANGE, DEADLINE_SET, DEADLINE_MOVED, CORRECTION)
#: How a count of each kind reads when it is not 1 ("3 deadlines moved").
PLURALS = {NEW_ITEM: "new items", STATUS_CHANGE: "status changes", DEADLINE_SET: "deadlines set",
           DEADLINE_MOVED: "deadlines moved", CORRECTION: "corrections"}

#: The fields of an item and a document whose edits are listed as corrections, as readers name them.
ITEM_FIELDS = {"title": "title", "quote": "quote", "document_id": "source document",
               "origin_document_id": "document first made in", "made": "date made",
               "done_when": "what would count as done", "makers": "made by",
               "owners": "owners or addressees", "themes": "themes"}
DOCUMENT_FIELDS = {"title": "title", "publisher": "publisher", "kind": "kind",
                   "published": "publication date", "url": "web address", "reported_in": "reported in",
                   "responds_to": "responds to", "follows_up": "follows up"}

_PARTIAL_DATE = TypeAdapter(PartialDate)


@dataclass(frozen=True)
class Change:
    """One change to the record, in words a reader can follow.

    ``key`` is stable and unique ("assessment:12"): the Atom feed derives its entry ids from it.
    ``item_id`` is None for a change to a document (``document_id`` names it then). Who
    recorded a change is left out: a username is half of what signs in (see
    ``dashboard.data.recorder_label``), and everything here is for publication.
    """

    key: str
    kind: str
    recorded_at: dt.datetime
    title: str
    summary: str
    detail: str = ""
    item_id: str | None = None
    item_kind: str | None = None
    document_id: str | None = None
    effective_on: str = ""
    url: str | None = None

    @property
    def recorded_on(self) -> dt.date:
        return self.recorded_at.date()


def _utc(text: str) -> dt.datetime:
    at = dt.datetime.fromisoformat(text)
    return at.replace(tzinfo=dt.timezone.utc) if at.tzinfo is None else at.astimezone(dt.timezone.utc)


def _web(url: str | None) -> str | None:
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else None


def _status_words(kind: str, status, response, implementation) -> str:
    if kind == "recommendation":
        return (f"response {response_label(response)}, implementation "
                f"{display_status(kind, status, response, implementation)}")
    return display_status(kind, status, response, implementation)


def _new_item(row: dict) -> Change:
    made = date_label(row["made_start"], row["made_precision"])
    return Change(
        key=f"item:{row['item_id']}", kind=NEW_ITEM, recorded_at=_utc(row["at"]), title=row["item_title"],
        summary=f"New {row['item_kind']} recorded, made {made}", item_id=row["item_id"],
        item_kind=row["item_kind"], effective_on=row["made_start"],
    )


def _assessment(row: dict) -> Change:
    kind = row["item_kind"]
    now = _status_words(kind, row["status"], row["response"], row["implementation"])
    if row["prev_id"] is None:
        summary = f"First assessment: {now}"
    else:
        before = _status_words(kind, row["prev_status"], row["prev_response"], row["prev_implementation"])
        summary = f"Status {before} → {now}" if before != now else f"Status confirmed: {now}"
    return Change(
        key=f"assessment:{row['id']}", kind=STATUS_CHANGE, recorded_at=_utc(row["at"]), title=row["item_title"],
        summary=f"{summary} (evidence dated {date_label(row['assessed_on'], row.get('assessed_on_precision') or 'day')})",
        detail=row["evidence"] or "",
        item_id=row["item_id"], item_kind=kind, document_id=row["evidence_document_id"],
        effective_on=row["assessed_on"], url=_web(row["evidence_url"]),
    )


def _deadline(row: dict) -> Change:
    now = date_label(row["deadline_start"], row["deadline_precision"]) or "no deadline"
    if row["prev_id"] is None:
        kind, summary = DEADLINE_SET, f"Deadline set: {now}"
    else:
        before = date_label(row["prev_start"], row["prev_precision"]) or "no deadline"
        kind, summary = DEADLINE_MOVED, f"Deadline moved from {before} to {now}"
    return Change(
        key=f"deadline:{row['id']}", kind=kind, recorded_at=_utc(row["at"]), title=row["item_title"],
        summary=summary, detail=row["reason"] or "", item_id=row["item_id"], item_kind=row["item_kind"],
        effective_on=row["revised_on"],
    )


def _made(value) -> tuple | None:
    try:
        parsed = _PARTIAL_DATE.validate_python(value)
    except ValidationError:
        return None
    return (parsed.start.isoformat(), parsed.precision.value)


def _listed(value) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return split_list(str(value or ""))


def _changed_fields(entity: str, before: dict, after: dict) -> list[str]:
    """The reader's names of the fields an edit changed (``before`` and ``after`` as the audit
    log keeps them: the stored row, and the model the edit wrote)."""
    changed = []
    if entity == "item":
        for field, name in ITEM_FIELDS.items():
            if field == "made":
                old, new = (before.get("made_start"), before.get("made_precision")), _made(after.get("made"))
            elif field in ("makers", "owners", "themes"):
                old, new = _listed(before.get(field)), _listed(after.get(field))
            else:
                old, new = before.get(field) or None, after.get(field) or None
            if old != new:
                changed.append(name)
    else:
        for field, name in DOCUMENT_FIELDS.items():
            if field == "published":
                old = (before.get("published_start"), before.get("published_precision"))
                new = _made(after.get("published"))
            else:
                old, new = before.get(field) or None, after.get(field) or None
            if old != new:
                changed.append(name)
    return changed


def _correction(row: dict) -> Change | None:
    try:
        before, after = json.loads(row["before"] or "{}"), json.loads(row["after"] or "{}")
    except ValueError:
        return None
    fields = _changed_fields(row["entity"], before, after)
    if not fields:  # saved without a change: nothing for a reader to follow
        return None
    what = ", ".join(fields)
    if row["entity"] == "item":
        return Change(
            key=f"correction:{row['id']}", kind=CORRECTION, recorded_at=_utc(row["at"]),
            title=row["item_title"] or row["entity_id"], summary=f"Corrected: {what}",
            detail=_edit_detail(before, after, fields), item_id=row["entity_id"],
            item_kind=row["item_kind"],
        )
    return Change(
        key=f"correction:{row['id']}", kind=CORRECTION, recorded_at=_utc(row["at"]),
        title=row["document_title"] or row["entity_id"], summary=f"Source document corrected: {what}",
        document_id=row["entity_id"],
    )


def _assessment_correction(row: dict) -> Change:
    """An assessment marked as mistaken (issue 13): it stays in the history, no longer counting."""
    said = _status_words(row["item_kind"], row["status"], row["response"], row["implementation"])
    when = date_label(row["assessed_on"], row["assessed_on_precision"] or "day")
    return Change(
        key=f"assessment-correction:{row['assessment_id']}", kind=CORRECTION, recorded_at=_utc(row["at"]),
        title=row["item_title"], summary=f"Assessment of {when} ({said}) marked as mistaken: it no longer counts",
        detail=row["reason"] or "", item_id=row["item_id"], item_kind=row["item_kind"],
        effective_on=row["assessed_on"],
    )


def _edit_detail(before: dict, after: dict, fields: list[str]) -> str:
    """The old and new title when the title changed (the rest is on the item page)."""
    if "title" in fields:
        return f"Was: {before.get('title')}"
    return ""


def changes_since(
    store: Store, since: dt.date | dt.datetime, *, until: dt.date | dt.datetime | None = None,
    kinds: tuple[str, ...] = (),
) -> list[Change]:
    """Every change recorded from ``since`` (a day: from its start, UTC) up to ``until``
    (exclusive; a day: up to its start), newest first; only ``kinds`` (of ``CHANGE_KINDS``)
    when given."""
    rows = store.change_rows(_bound(since), _bound(until) if until is not None else None)
    found: list[Change] = [_new_item(r) for r in rows["items"]]
    found += [_assessment(r) for r in rows["assessments"]]
    found += [_deadline(r) for r in rows["deadlines"]]
    found += [c for c in (_correction(r) for r in rows["edits"]) if c is not None]
    found += [_assessment_correction(r) for r in rows["assessment_corrections"]]
    if kinds:
        found = [c for c in found if c.kind in kinds]
    return sorted(found, key=lambda c: (c.recorded_at, c.key), reverse=True)


def _bound(when: dt.date | dt.datetime) -> str:
    if isinstance(when, dt.datetime):
        at = when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
    else:
        at = dt.datetime.combine(when, dt.time(), tzinfo=dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


#: The columns of ``changes_frame``, for tables and downloads.
FRAME_COLUMNS = ["recorded_at", "kind", "title", "summary", "detail", "effective_on", "item_id",
                 "item_kind", "document_id", "url", "key"]


def changes_frame(changes: list[Change]) -> pd.DataFrame:
    """``changes`` as a table (``FRAME_COLUMNS``), newest first as given."""
    return pd.DataFrame([{c: getattr(change, c) for c in FRAME_COLUMNS} for change in changes],
                        columns=FRAME_COLUMNS)


def counts_line(changes: list[Change]) -> str:
    """The changes counted by kind in words: "3 new items, 1 status change" ("" for none)."""
    return ", ".join(f"{n} {kind if n == 1 else PLURALS[kind]}"
                     for kind, n in count_by_kind(changes).items() if n)


def count_by_kind(changes: list[Change]) -> dict[str, int]:
    """How many changes of each kind (every kind in ``CHANGE_KINDS``, zero included)."""
    counts = dict.fromkeys(CHANGE_KINDS, 0)
    for change in changes:
        counts[change.kind] = counts.get(change.kind, 0) + 1
    return counts
