"""How current the record is, in one line every page shows: when the record last changed and
the date of its newest evidence (and newest source), so "as of today" never passes for "up to
date". The dashboard and the published edition use the same words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .about import SiteSettings
from .dates import date_label, long_date
from .store import Store


@dataclass(frozen=True)
class Currency:
    """``last_changed``: the newest change to the record (UTC), ``newest_evidence``: the latest
    date an assessment's evidence refers to (the first day of its period) and
    ``newest_evidence_precision`` how precisely (day, month or year), ``newest_document``: the
    latest publication date and ``newest_document_precision`` likewise; each None when the record
    holds none. With ``as_of``, evidence and documents up to that day."""

    last_changed: dt.datetime | None
    newest_evidence: dt.date | None
    newest_document: dt.date | None
    as_of: dt.date | None = None
    newest_evidence_precision: str | None = None
    newest_document_precision: str | None = None

    @property
    def newest_evidence_label(self) -> str:
        """The newest evidence's date as the history shows it: "1 July 2024", "July 2024"."""
        return _label(self.newest_evidence, self.newest_evidence_precision)


def _label(day: dt.date | None, precision: str | None) -> str:
    return date_label(day.isoformat(), precision or "day") if day is not None else ""


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def currency(store: Store, as_of: dt.date | None = None) -> Currency:
    """Read how current the record is (three indexed look-ups, no scan)."""
    found = store.record_dates(as_of)
    changed = found["last_changed"]
    at = dt.datetime.fromisoformat(changed) if changed else None
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    return Currency(last_changed=at, newest_evidence=_day(found["newest_evidence"]),
                    newest_document=_day(found["newest_document"]), as_of=as_of,
                    newest_evidence_precision=found["newest_evidence_precision"],
                    newest_document_precision=found["newest_document_precision"])


def currency_line(found: Currency) -> str:
    """One sentence (plain text): "Record last changed 1 December 2026 · newest evidence dated
    8 December 2023 · newest source published 8 December 2023"."""
    parts = []
    if found.as_of is not None:
        parts.append(f"Read as of {long_date(found.as_of)}")
    if found.last_changed is not None:
        parts.append(f"Record last changed {long_date(found.last_changed.date())}")
    else:
        parts.append("Nothing recorded yet")
    by_then = " by then" if found.as_of is not None else ""
    if found.newest_evidence is not None:
        parts.append(f"newest evidence{by_then} dated {found.newest_evidence_label}")
    else:
        parts.append(f"no evidence recorded{by_then}")
    if found.newest_document is not None:
        parts.append(f"newest source published {_label(found.newest_document, found.newest_document_precision)}")
    return " · ".join(parts)


def evidence_age_days(found: Currency, today: dt.date) -> int | None:
    """Days from the newest evidence to ``today`` (or the as-of date), None without evidence."""
    if found.newest_evidence is None:
        return None
    return ((found.as_of or today) - found.newest_evidence).days


def chart_credit(settings: SiteSettings, page_path: str, found: Currency, today: dt.date, **query: str) -> str:
    """The line a chart carries under its title, so a saved picture still says where it comes
    from and how current it is: "Source: Policy tracker, <page address> · record as of 1 December
    2026 · newest evidence 8 December 2023" (plain text)."""
    line = f"Source: {settings.name}, {settings.page_url(page_path, **query)} · record as of {long_date(found.as_of or today)}"
    if found.newest_evidence is not None:
        line += f" · newest evidence {found.newest_evidence_label}"
    return line
