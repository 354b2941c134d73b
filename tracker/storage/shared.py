"""Small pieces every storage concern uses: who a write is recorded under, times as stored,
the SQL for a JSON list of ids, and row helpers."""

from __future__ import annotations

import datetime as dt

from pydantic import TypeAdapter, ValidationError

from ..errors import InvalidInputError
from ..models import CorrectionRecord, ShortText, describe_validation_error

#: The view of the assessments that count (none a correction marks as mistaken; migration 009a).
COUNTED_ASSESSMENTS = "counted_assessments"


_RECORDER = TypeAdapter(ShortText)
#: What the seed loader records its data under (``tracker.bootstrap.SEED_USER``): public pages
#: show such history as the tracker's first dataset, so no other writer may use the name.
SEED_RECORDER = "seed"


def _recorder(by: str) -> str:
    """The name a write is recorded under, checked like any other short text in the models.

    It goes into the history and the audit log, and an export carries it: a blank name or one
    with control characters would be stored here and then refused when the export is imported.
    """
    if isinstance(by, str) and not by.isascii():
        try:
            by.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: bytes that were not UTF-8
            raise InvalidInputError("who records the change (--by): is not valid UTF-8 text") from None
    if isinstance(by, str) and by.strip().lower() == SEED_RECORDER:
        raise InvalidInputError(f"who records the change (--by): {SEED_RECORDER!r} is kept for the tracker's "
                                "first dataset, which only the seed loader writes")
    try:
        return _RECORDER.validate_python(by)
    except ValidationError as exc:
        reason = "; ".join(describe_validation_error(exc))
        raise InvalidInputError(f"who records the change (--by): {reason[:1].lower()}{reason[1:]}") from None


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def _utc_text(at: dt.datetime) -> str:
    """``at`` as stored: UTC, to the microsecond, always the same width, so text order is time
    order (a naive time is taken to be UTC already, as ``tracker.auth`` reads them)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


#: Audit actions about signing in and sessions, not changes to the record. Their entity is
#: "user", and both ``username`` and ``entity_id`` name the account (never a typed name that is
#: not one); their values never hold a password or a session token.
SIGN_IN_ACTIONS = ("sign in", "sign-in failed", "lockout", "sign out", "session ended")


#: The ids in the JSON list bound to ``:ids``, for ``... IN`` (one parameter for any number).
_LISTED_IDS = "(SELECT value FROM json_each(:ids))"


#: An assessment row with its correction, if any (issue 13): ``SELECT {_WITH_CORRECTION} WHERE ...``.
_WITH_CORRECTION = ("a.*, c.reason AS correction_reason, c.corrected_by, c.corrected_at FROM assessments a "
                    "LEFT JOIN assessment_corrections c ON c.assessment_id = a.id")


def _correction_record(row: dict) -> CorrectionRecord | None:
    """The correction of a history row read with ``_WITH_CORRECTION``, as the exchange carries it."""
    if row.get("correction_reason") is None:
        return None
    return CorrectionRecord.model_construct(reason=row["correction_reason"], corrected_by=row["corrected_by"],
                                            corrected_at=dt.datetime.fromisoformat(row["corrected_at"]))


def _contains(needle: str, *texts: str | None) -> bool:
    """Whether lower-cased ``needle`` is in any of ``texts``, lower-cased (Python's Unicode
    lower-casing, as pandas' ``str.lower`` does, not SQLite's ASCII-only LIKE)."""
    return any(needle in text.lower() for text in texts if text)


def _drop(record: dict, *keys: str) -> dict:
    return {k: v for k, v in record.items() if k not in keys}


def _enum(enum_type, value):
    return None if value is None else enum_type(value)


def _group(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped
