"""How items are put in the order of their references within their documents: R2, R4, R10.

A reference ("Recommendation 4", "R4", "4.10") is text, and text sorts R10 before R4. The one key
here reads each run of digits as a number (zero-padded, so plain text order is number order) and
the letters without case: ``reference_key``. The store orders by it in SQL through a function of
the same name registered on its connection (``register``), and frames are sorted by it in
pandas (``sort_by_reference``); items with no reference come after those with one, oldest first.
No Streamlit here.

The Tracker grid's own click-to-sort cannot use it: the grid compares cell text, and giving it
the key as the cell's value would make screen readers and copy read "r0000000004". So the Tracker
offers "Order: by reference" (``ORDERS``), done here, and the Ref. column's help says so.
"""

from __future__ import annotations

import re
import sqlite3

import pandas as pd

#: How a list of items can be ordered, with how a reader reads it: by date made (oldest first),
#: or by reference within the document.
MADE, REFERENCE = "made", "reference"
ORDERS = {MADE: "date made, oldest first", REFERENCE: "reference in its document (R2, R4, R10)"}
#: Digits kept per number: references are at most 60 characters, so no number is longer.
_WIDTH = 60
_DIGITS = re.compile(r"\d+")
#: The name of the SQL function ``register`` adds: ``ORDER BY reference_key(i.reference)``.
SQL_FUNCTION = "reference_key"


def reference_key(reference: object) -> str | None:
    """The text whose plain order is the natural order of ``reference``: lower case, spaces
    collapsed, every number zero-padded ("R4" -> "r000...04"); None for no reference."""
    if not isinstance(reference, str) or not reference.strip():
        return None
    text = " ".join(reference.lower().split())
    return _DIGITS.sub(lambda number: number.group(0).lstrip("0").rjust(_WIDTH, "0"), text)


def register(conn: sqlite3.Connection) -> None:
    """Make ``reference_key`` callable from SQL on ``conn`` (the same key as in Python)."""
    conn.create_function(SQL_FUNCTION, 1, reference_key, deterministic=True)


def sql_order(reference: str = "reference", made: str = "made_start", ident: str = "id") -> str:
    """An ORDER BY list putting rows in reference order: those without one last, then oldest
    first, then by id (needs ``register`` on the connection)."""
    key = f"{SQL_FUNCTION}({reference})"
    return f"{key} IS NULL, {key}, {made}, {ident}"


def sort_by_reference(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (item rows with ``reference``, ``made_start`` and ``id``) in reference order:
    the order of ``sql_order``."""
    if frame.empty or "reference" not in frame:
        return frame
    keys = [reference_key(value) for value in frame["reference"]]
    order = sorted(range(len(frame)), key=lambda n: (keys[n] is None, keys[n] or "",
                                                     str(frame["made_start"].iat[n]), str(frame["id"].iat[n])))
    return frame.iloc[order]
