"""Status changes for many items from one progress report: from rows typed in a table to the
``StatusUpdate`` list that ``Store.record_assessments`` writes in one transaction.

A progress report updates dozens of items at once with the same evidence (the report, its
date, its address); each row may add its own note. A row is a change when its status words
differ from the item's current ones, or when it carries a note of its own (a report that
confirms a status is evidence too). Rows that are neither are left out. No Streamlit here.

A row may be about some addressees of a recommendation only (issue 13: "the progress report
says the police have done it"): its ``addressees`` become the assessment's, exactly as the
single-item form and ``tracker status set --addressee`` give them, and the store refuses a body
the item is not addressed to. Such a row is always a change: the item's rolled-up status it is
compared with says nothing about one body's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pydantic import ValidationError

from .models import Assessment, ItemKind, StatusUpdate, describe_validation_error
from .status import NOT_YET_ASSESSED

STATUS_FIELDS = ("status", "response", "implementation")


@dataclass
class BulkUpdate:
    """What a table of rows comes to: the updates to save, the rows that do not read (as
    "item <id>: message" lines) and how many rows were left out unchanged."""

    updates: list[StatusUpdate] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unchanged: int = 0


def _addressees(value: object) -> list[str]:
    """A row's addressees: a list of actor ids, or one "; "-joined text; none means all."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [_text(v) for v in value if _text(v)]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN from a table
        return ""
    return str(value).strip()


def status_updates(
    rows: Iterable[Mapping],
    *,
    evidence: str,
    assessed_on: object,
    versions: Mapping[str, int],
    evidence_document_id: str | None = None,
    evidence_url: str | None = None,
) -> BulkUpdate:
    """The changes in ``rows``: each row has ``id``, ``kind``, the new ``status`` /
    ``response`` / ``implementation``, the item's current ones as ``current_<field>``, an
    optional ``note`` and optional ``addressees`` (actor ids; none: all of the item's). A row's evidence is its note, else ``evidence``; all share the date
    (``assessed_on``: a date, "YYYY-MM-DD", "YYYY-MM" or "YYYY"), document and address.
    ``versions`` holds the version each item was read at.
    """
    result = BulkUpdate()
    for row in rows:
        ident = _text(row.get("id"))
        kind = ItemKind(row["kind"])
        new = {f: _text(row.get(f)) or None for f in STATUS_FIELDS}
        current = {f: _text(row.get(f"current_{f}")) or None for f in STATUS_FIELDS}
        note = _text(row.get("note"))
        addressees = _addressees(row.get("addressees"))
        if kind == ItemKind.FINDING:
            if note or any(new.values()):
                result.problems.append(f"item {ident}: findings carry no status: link them to the items they bear on")
            continue
        # "not yet assessed" is what an item with no status shows: choosing it again is no change.
        if current["status"] is None:
            current["status"] = NOT_YET_ASSESSED
        if (new == {f: current[f] if new[f] is not None else None for f in STATUS_FIELDS}
                and not note and not addressees):
            result.unchanged += 1
            continue
        values = {
            **{f: v for f, v in new.items() if v is not None},
            "evidence": note or evidence,
            "evidence_url": evidence_url,
            "evidence_document_id": evidence_document_id,
            "assessed_on": assessed_on,
            "addressees": addressees,
        }
        try:
            assessment = Assessment.model_validate(values)
            assessment.check_kind(kind)
        except ValidationError as exc:
            result.problems.extend(f"item {ident}: {line}" for line in describe_validation_error(exc))
            continue
        except ValueError as exc:
            result.problems.append(f"item {ident}: {exc}")
            continue
        if ident not in versions:
            result.problems.append(f"item {ident}: its version was not read; reload the page")
            continue
        result.updates.append(StatusUpdate(item_id=ident, expected_version=versions[ident], assessment=assessment))
    return result
