"""Dates as a reader sees them: stored partial dates as labels and period ends, days as
"1 January 2021", spans of days as "17 days" or "3.5 years".

A stored partial date is two columns, its first day (ISO text) and its precision; what it
means is ``tracker.models.PartialDate`` (``label``, ``end``), and the functions here only read
the two columns into one, so the rule is written once. ``sql_period_end`` is the same ``end``
for a query. Nothing here imports streamlit.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from .models import DatePrecision, PartialDate


def stored_date(start: str | None, precision: str | None) -> PartialDate | None:
    """The partial date stored as ``start`` (ISO text) and ``precision`` (None: a day), or None."""
    if not start or not isinstance(start, str):
        return None
    # Stored dates were checked when written: no need to validate them again on every read.
    return PartialDate.model_construct(start=dt.date.fromisoformat(start),
                                       precision=DatePrecision(precision or DatePrecision.DAY.value))


@lru_cache(maxsize=4096)
def date_label(start: str | None, precision: str | None) -> str:
    """How a reader sees a stored partial date: "15 December 2020", "April 2023", "2022", or ""."""
    date = stored_date(start, precision)
    return date.label() if date is not None else ""


@lru_cache(maxsize=4096)
def period_end(start: str | None, precision: str | None) -> dt.date | None:
    """The last day of a partial date's period (a deadline "2022" ends on 31 December 2022)."""
    date = stored_date(start, precision)
    return date.end if date is not None else None


def sql_period_end(start: str, precision: str) -> str:
    """``period_end`` as a SQL expression (ISO text, or NULL) over two column expressions."""
    return (
        f"(CASE {precision} WHEN '{DatePrecision.YEAR.value}' THEN date({start}, 'start of year', '+1 year', '-1 day') "
        f"WHEN '{DatePrecision.MONTH.value}' THEN date({start}, 'start of month', '+1 month', '-1 day') "
        f"ELSE date({start}) END)"
    )


def long_date(day: dt.date) -> str:
    """A day as a reader writes it: "1 January 2021"."""
    return f"{day.day} {day.strftime('%B %Y')}"


def duration(days: int) -> str:
    """A span of days as a reader says it: "17 days", "1 day", "3.5 years"."""
    if abs(days) < 365:
        return f"{days} day{'s' if abs(days) != 1 else ''}"
    return f"{days / 365.25:.1f} years"
