"""Deadlines read from a sentence: "by 31 March 2027", "no later than June 2027", "by the end of
2027", "within six months of publication" (counted from the publication date, at its
precision). Dates are read by dateparser; the result is the project's ``PartialDate``.

``read_deadline(sentence, published) -> Deadline | None`` is the API (``tracker.extract`` uses it
for every candidate and re-exports it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .models import DatePrecision, PartialDate

_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class Deadline:
    date: PartialDate
    phrase: str  # the words it was read from, as in the text
    start: int  # offsets of the phrase within the sentence it was read from
    end: int



_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
DATE_PATTERN = (rf"(?:{_ORDINAL}\s+{_MONTHS}\.?,?\s+\d{{4}}|{_MONTHS}\.?\s+{_ORDINAL},?\s+\d{{4}}|"
         rf"{_MONTHS}\.?\s+\d{{4}}|\d{{4}})")
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18,
    "twenty-four": 24, "thirty-six": 36,
}
_NUMBER = r"(?:\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"

_RELATIVE = re.compile(
    rf"\bwithin\s+(?:the\s+next\s+)?(?P<n>{_NUMBER})\s+(?P<unit>day|week|month|year)s?"
    r"(?:\s+(?:of|from|after)\s+(?:the\s+)?(?:date\s+of\s+)?(?:publication|this\s+report|"
    r"(?:the\s+)?publication\s+of\s+this\s+(?:report|review)))?\b",
    re.IGNORECASE,
)
_END_OF = re.compile(
    rf"\b(?:by|before|no\s+later\s+than|not\s+later\s+than)\s+the\s+end\s+of\s+"
    rf"(?P<what>(?:{_MONTHS}\.?\s+)?\d{{4}}|this\s+year|the\s+year|next\s+year)\b",
    re.IGNORECASE,
)
_ABSOLUTE = re.compile(
    rf"\b(?:by|before|no\s+later\s+than|not\s+later\s+than|by\s+no\s+later\s+than)\s+(?P<date>{DATE_PATTERN})\b",
    re.IGNORECASE,
)


def as_partial(value: PartialDate | str | dt.date) -> PartialDate:
    return value if isinstance(value, PartialDate) else PartialDate.model_validate(value)


@lru_cache(maxsize=1)
def _date_parser():
    from dateparser.date import DateDataParser

    # English only, day before month ("3/4/2027" is 3 April), and no guessing of missing parts
    # from today: a month or year stays a month or year (its precision).
    return DateDataParser(languages=["en"], settings={
        "DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "RETURN_TIME_AS_PERIOD": False,
    })


@lru_cache(maxsize=4096)
def parse_date(text: str) -> PartialDate | None:
    """"31 March 2027" (day), "June 2027" (month), "2027" (year), read by dateparser."""
    if _YEAR.fullmatch(text.strip()):
        return as_partial(text.strip())
    data = _date_parser().get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    day = data.date_obj.date()
    precision = {"year": DatePrecision.YEAR, "month": DatePrecision.MONTH}.get(data.period, DatePrecision.DAY)
    iso = {DatePrecision.YEAR: f"{day.year:04d}", DatePrecision.MONTH: f"{day.year:04d}-{day.month:02d}",
           DatePrecision.DAY: day.isoformat()}[precision]
    try:
        return PartialDate.model_validate(iso)
    except ValueError:
        return None


def _add(start: dt.date, n: int, unit: str) -> dt.date:
    from dateutil.relativedelta import relativedelta

    unit = unit.lower()
    if unit == "day":
        return start + dt.timedelta(days=n)
    if unit == "week":
        return start + dt.timedelta(weeks=n)
    if unit == "month":
        return start + relativedelta(months=n)
    return start + relativedelta(years=n)


def _at_precision(day: dt.date, precision: DatePrecision) -> PartialDate:
    iso = {DatePrecision.YEAR: f"{day.year:04d}", DatePrecision.MONTH: f"{day.year:04d}-{day.month:02d}",
           DatePrecision.DAY: day.isoformat()}[precision]
    return PartialDate.model_validate(iso)


def read_deadline(sentence: str, published: PartialDate | str | dt.date) -> Deadline | None:
    """The deadline a sentence sets, if any: "by 31 March 2027" (day), "no later than June
    2027" (month), "by the end of 2027" (year), "within six months of publication" (counted
    from ``published``, at its precision). Dates that end before publication are history, not
    deadlines ("by 2019 it had ..."), and are skipped. The first deadline in the sentence wins.
    """
    published = as_partial(published)
    found: list[Deadline] = []
    for match in _RELATIVE.finditer(sentence):
        raw = match.group("n").lower()
        n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        day = _add(published.start, n, match.group("unit"))
        found.append(Deadline(_at_precision(day, published.precision), match.group(0), match.start(), match.end()))
    for match in _END_OF.finditer(sentence):
        what = match.group("what").lower()
        if what in ("this year", "the year"):
            date = as_partial(f"{published.start.year:04d}")
        elif what == "next year":
            date = as_partial(f"{published.start.year + 1:04d}")
        else:
            date = parse_date(match.group("what"))
        if date is not None:
            found.append(Deadline(date, match.group(0), match.start(), match.end()))
    for match in _ABSOLUTE.finditer(sentence):
        if any(d.start <= match.start() < d.end for d in found):
            continue  # "by the end of 2027" is read above, not as "by ... 2027"
        date = parse_date(match.group("date"))
        if date is not None:
            found.append(Deadline(date, match.group(0), match.start(), match.end()))
    found = [d for d in found if d.date.end >= published.start]
    return min(found, key=lambda d: d.start) if found else None


