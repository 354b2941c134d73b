"""Status periods (issue 12): the record at any date, today included, as an indexed read.

``status_periods`` holds, for each item, one row per span of days during which its state
(status, response, implementation, latest evidence, deadline) did not change: from
``valid_from`` (included) to ``valid_to`` (excluded; NULL for the span still open). The first
span starts on the day the item was made, so "as of D" leaves out items made after D simply
because none of their spans covers D. The record as of D is then the spans covering D
(``status_at``), and today's record is the open spans, copied onto the item row
(``items.status`` ...) for lists and the counts the triggers keep.

One function writes them: ``recompute_periods`` rebuilds the spans of the items it is given
from their history and copies the open span onto the item row, in the writer's transaction.
Every write that changes an item's history or the day it was made calls it (assessments,
bulk updates, deadline revisions, new and edited items, imports). Rebuilding an item's few
spans costs well under a millisecond; the whole table at 100,000 items takes a minute or two
(the backfill of migration ``010_status_periods``, in ``tracker.storage.schema``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from ..dates import sql_period_end
from ..status import sql_rollup_rank
from .shared import COUNTED_ASSESSMENTS

#: The tables this module keeps: derived from the public history alone, rebuilt by
#: ``recompute_periods``. The published copy leaves them out (``Exchange.publishable_copy``): at
#: 100,000 items they were two thirds of its file, and every patch of it rewrote them whole.
PERIOD_TABLES = ("status_periods", "addressee_periods")
#: The migration that made each (``tracker.storage.schema``): a database that has applied it and
#: lacks the table is a published copy.
PERIOD_TABLES_MADE_BY = {"status_periods": "010_status_periods", "addressee_periods": "011_status_per_addressee"}

#: The assessments an item's state is computed from: the view of those no correction marks as
#: mistaken (``tracker.storage.shared.COUNTED_ASSESSMENTS``, made by migration 009a).
_COUNTED = f"SELECT * FROM {COUNTED_ASSESSMENTS}"

_PERIOD_STATE = ("status", "response", "implementation", "last_assessed_on", "last_evidence",
                 "last_evidence_url", "deadline_start", "deadline_precision", "deadline_end",
                 "last_assessed_precision")

#: A period covers the date bound to ``:as_of``: it began by then and had not ended.
_BEGUN = "valid_from <= :as_of"
_NOT_ENDED = "(valid_to IS NULL OR valid_to > :as_of)"

#: What the covering index ``status_periods_at`` holds beside the dates.
_COUNTED_STATE = ("status", "response", "implementation", "deadline_end")


def status_at(columns: Sequence[str] = _PERIOD_STATE) -> str:
    """SQL for the state (``id``, ``kind`` and ``columns`` of ``_PERIOD_STATE``) of every item
    made by the date bound to ``:as_of``, as it stood that day. Written as two ranges of
    ``status_periods_at`` (open periods, and those ending after the date), not one OR: SQLite
    answers an OR of two ranges by collecting the keys and fetching every row (3.9 s against
    0.26 s at 100,000 items). With only ``_COUNTED_STATE`` columns it reads the index alone."""
    listed = ", ".join(columns)
    return (
        f"SELECT item_id AS id, kind, {listed} FROM status_periods WHERE valid_to IS NULL AND {_BEGUN} "
        f"UNION ALL SELECT item_id, kind, {listed} FROM status_periods WHERE valid_to > :as_of AND {_BEGUN}"
    )


def _spans_cte(scope: str) -> str:
    """The CTEs ``scope`` (the items), ``changes`` and ``spans`` (each item's spans of days): a
    span starts on the day the item was made and on each later day an assessment or a deadline
    revision is dated."""
    return f"""
        scope AS (SELECT id, kind, made_start FROM items WHERE {scope}),
        changes AS (
            SELECT id AS item_id, made_start AS day FROM scope
            UNION SELECT a.item_id, a.assessed_on FROM scope s JOIN ({_COUNTED}) AS a
                ON a.item_id = s.id WHERE a.assessed_on > s.made_start
            UNION SELECT r.item_id, r.revised_on FROM scope s JOIN deadline_revisions r
                ON r.item_id = s.id WHERE r.revised_on > s.made_start
        ),
        spans AS (
            SELECT item_id, day AS valid_from, LEAD(day) OVER (PARTITION BY item_id ORDER BY day) AS valid_to
            FROM changes
        )"""


# -- a status per addressee (issue 13): one span per (item, owner), rolled up into the item's ------

#: An assessment covers the owners listed for it in ``assessment_actors``, or all of them when
#: none is listed: the condition that assessment ``a`` covers owner ``o``.
COVERS = ("(NOT EXISTS (SELECT 1 FROM assessment_actors x WHERE x.assessment_id = a.id) "
          "OR EXISTS (SELECT 1 FROM assessment_actors x WHERE x.assessment_id = a.id AND x.actor_id = o.actor_id))")

_ADDRESSEE_STATE = ("status", "response", "implementation", "last_assessed_on", "last_evidence",
                    "last_evidence_url", "last_assessed_precision")


def _addressee_periods_sql(scope: str, table: str = "addressee_periods") -> str:
    """INSERT of the spans of each owner of the items ``WHERE {scope}``: on the item's own span
    days, the owner's state is the latest counted assessment covering it, dated on or before."""
    return f"""
        INSERT INTO {table} (item_id, actor_id, kind, valid_from, valid_to, {', '.join(_ADDRESSEE_STATE)})
        WITH {_spans_cte(scope)},
        owners AS (SELECT o.item_id, o.actor_id, s.kind FROM scope s
                   JOIN item_actors o ON o.item_id = s.id AND o.role = 'owner'),
        picked AS (
            SELECT o.item_id, o.actor_id, o.kind, sp.valid_from, sp.valid_to,
                (SELECT a.id FROM ({_COUNTED}) AS a WHERE a.item_id = o.item_id
                    AND a.assessed_on <= sp.valid_from AND {COVERS}
                    ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1) AS assessment_id
            FROM owners o JOIN spans sp ON sp.item_id = o.item_id
        )
        SELECT p.item_id, p.actor_id, p.kind, p.valid_from, p.valid_to, a.status, a.response,
               a.implementation, a.assessed_on, a.evidence, a.evidence_url, a.assessed_on_precision
        FROM picked p LEFT JOIN assessments a ON a.id = p.assessment_id
    """


def addressee_status_at() -> str:
    """SQL for each owner's state (``item_id``, ``actor_id``, ``kind`` and the state) as of the
    date bound to ``:as_of``, for items made by then."""
    listed = ", ".join(_ADDRESSEE_STATE)
    return (f"SELECT item_id, actor_id, kind, {listed} FROM addressee_periods "
            f"WHERE {_BEGUN} AND {_NOT_ENDED}")


CREATE_ADDRESSEE_PERIODS = (
    """
        CREATE TABLE assessment_actors (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id),
            actor_id TEXT NOT NULL REFERENCES actors(id),
            PRIMARY KEY (assessment_id, actor_id)
        ) WITHOUT ROWID
    """,
    """
        CREATE TABLE addressee_periods (
            item_id TEXT NOT NULL REFERENCES items(id),
            actor_id TEXT NOT NULL REFERENCES actors(id),
            kind TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            valid_to TEXT,
            status TEXT,
            response TEXT,
            implementation TEXT,
            last_assessed_on TEXT,
            last_evidence TEXT,
            last_evidence_url TEXT,
            last_assessed_precision TEXT,  -- day, month or year (added by 012c for older databases)
            PRIMARY KEY (item_id, actor_id, valid_from)
        ) WITHOUT ROWID
    """,
    "CREATE INDEX addressee_periods_at ON addressee_periods(actor_id, valid_to, valid_from, kind, status, "
    "response, implementation)",
)

# -- end of a status per addressee ------------------------------------------------------------


def _periods_sql(scope: str, addressees: str | None = "addressee_periods") -> str:
    """INSERT of the spans of the items ``WHERE {scope}`` selects from ``items``, rebuilt from
    their history. Its state is the latest assessment and revision dated on or before its first
    day (by date, then entry order), as ``Store.history`` lists them; for an item with owners,
    the status, response and implementation are rolled up from its owners' spans in
    ``addressees`` (``tracker.status.rollup``), written first. ``addressees`` None: no owner's
    spans exist yet (the backfill of ``010_status_periods``, before ``011_status_per_addressee``
    makes their table), and the item's own assessments give its state."""
    if addressees is None:
        laggard_pick = ""
        own = ("a.status", "a.response", "a.implementation")
        laggard_join = ""
    else:
        laggard = sql_rollup_rank("ap.kind", "ap.status", "ap.response", "ap.implementation")
        laggard_pick = f""",
                (SELECT ap.actor_id FROM {addressees} ap WHERE ap.item_id = spans.item_id
                    AND ap.valid_from = spans.valid_from ORDER BY {laggard}, ap.actor_id LIMIT 1) AS laggard"""
        own = tuple(f"CASE WHEN p.laggard IS NULL THEN a.{c} ELSE l.{c} END"
                    for c in ("status", "response", "implementation"))
        laggard_join = (f"LEFT JOIN {addressees} l ON l.item_id = p.item_id AND l.actor_id = p.laggard "
                        "AND l.valid_from = p.valid_from")
    return f"""
        INSERT INTO status_periods (item_id, kind, valid_from, valid_to, {', '.join(_PERIOD_STATE)})
        WITH {_spans_cte(scope)},
        picked AS (
            SELECT item_id, valid_from, valid_to,
                (SELECT a.id FROM ({_COUNTED}) AS a WHERE a.item_id = spans.item_id
                    AND a.assessed_on <= spans.valid_from ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1)
                    AS assessment_id,
                (SELECT r.id FROM deadline_revisions r WHERE r.item_id = spans.item_id
                    AND r.revised_on <= spans.valid_from ORDER BY r.revised_on DESC, r.id DESC LIMIT 1)
                    AS revision_id{laggard_pick}
            FROM spans
        )
        SELECT p.item_id, i.kind, p.valid_from, p.valid_to, {', '.join(own)},
               a.assessed_on, a.evidence, a.evidence_url, r.deadline_start, r.deadline_precision,
               {sql_period_end("r.deadline_start", "r.deadline_precision")}, a.assessed_on_precision
        FROM picked p
        JOIN items i ON i.id = p.item_id
        LEFT JOIN assessments a ON a.id = p.assessment_id
        LEFT JOIN deadline_revisions r ON r.id = p.revision_id
        {laggard_join}
    """


def _has_addressee_periods(conn: sqlite3.Connection) -> bool:
    """Whether migration ``011_status_per_addressee`` has made the owners' spans: the backfill
    of ``010_status_periods`` runs before it, on the item's own assessments alone."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'addressee_periods'").fetchone() is not None


_COLUMNS = ("item_id", "kind", "valid_from", "valid_to", *_PERIOD_STATE)


def recompute_periods(conn: sqlite3.Connection, scope: str, params: Any = (), *, everything: bool = False) -> None:
    """Rebuild the spans of the items ``WHERE {scope}`` selects (from ``items``) and copy each
    one's open span onto its row: the one writer of the state, current or past. Runs in the
    caller's transaction.

    The rebuilt spans are compared with the stored ones and only those that differ are
    deleted and inserted: an assessment dated today changes the open span and adds one, and
    rewriting an item's ten spans touched ten scattered pages of the date index (a status
    change went from 1 ms to 15 ms at 100,000 items). ``everything`` (the backfill of every
    item) writes them all at once instead. Each owner's spans (issue 13) are rebuilt first,
    whole: the item's spans roll them up."""
    addressees: str | None = None
    if _has_addressee_periods(conn):
        addressees = "addressee_periods"
        conn.execute(f"DELETE FROM addressee_periods WHERE item_id IN (SELECT id FROM items WHERE {scope})",
                     params)
        conn.execute(_addressee_periods_sql(scope), params)
    if everything:
        conn.execute(f"DELETE FROM status_periods WHERE item_id IN (SELECT id FROM items WHERE {scope})", params)
        conn.execute(_periods_sql(scope, addressees), params)
    else:
        columns = ", ".join(_COLUMNS)
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS fresh_periods ({columns})")
        conn.execute("DELETE FROM temp.fresh_periods")
        conn.execute(_periods_sql(scope, addressees).replace(
            "INSERT INTO status_periods", "INSERT INTO temp.fresh_periods", 1), params)
        stored = f"SELECT {columns} FROM status_periods WHERE item_id IN (SELECT id FROM items WHERE {scope})"
        conn.execute(  # EXCEPT compares NULLs as equal, as the spans need
            f"DELETE FROM status_periods WHERE (item_id, valid_from) IN (SELECT item_id, valid_from FROM "
            f"({stored} EXCEPT SELECT {columns} FROM temp.fresh_periods))", params)
        conn.execute(f"INSERT INTO status_periods ({columns}) SELECT {columns} FROM temp.fresh_periods "
                     f"EXCEPT {stored}", params)
    state = ", ".join(_PERIOD_STATE)
    # The UPDATE fires the group-count triggers only for items whose status changed.
    conn.execute(
        f"""
        UPDATE items SET ({state}) = (
            SELECT {state} FROM status_periods p WHERE p.item_id = items.id AND p.valid_to IS NULL)
        WHERE {scope}
        """,
        params,
    )


#: The table (clustered by item: a list of items as of D seeks each one's periods by key) and
#: its index for counts as of D, which read it alone (covering): the periods not ended by D
#: and begun by then.
CREATE_PERIODS = (
    """
        CREATE TABLE status_periods (
            item_id TEXT NOT NULL REFERENCES items(id),
            kind TEXT NOT NULL,         -- the item's (it never changes): counts need no item row
            valid_from TEXT NOT NULL,   -- first day of the span
            valid_to TEXT,              -- the day after its last (NULL: still the state today)
            status TEXT,
            response TEXT,
            implementation TEXT,
            last_assessed_on TEXT,
            last_evidence TEXT,
            last_evidence_url TEXT,
            deadline_start TEXT,
            deadline_precision TEXT,
            deadline_end TEXT,
            last_assessed_precision TEXT,
            PRIMARY KEY (item_id, valid_from)
        ) WITHOUT ROWID
    """,
    "CREATE INDEX status_periods_at ON status_periods(valid_to, valid_from, kind, status, response, "
    "implementation, deadline_end)",
)


def period_mismatch_sql(conn: sqlite3.Connection) -> list[str]:
    """The ids of the items whose stored periods or row differ from a rebuild from their
    history (``Store.period_mismatches``)."""
    columns = ", ".join(("item_id", "kind", "valid_from", "valid_to", *_PERIOD_STATE))
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS fresh_periods AS SELECT * FROM status_periods WHERE 0")
    conn.execute("DELETE FROM temp.fresh_periods")
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS fresh_addressees AS SELECT * FROM addressee_periods WHERE 0")
    conn.execute("DELETE FROM temp.fresh_addressees")
    conn.execute(_addressee_periods_sql("1", "temp.fresh_addressees"))
    conn.execute(_periods_sql("1", "temp.fresh_addressees").replace(
        "INSERT INTO status_periods", "INSERT INTO temp.fresh_periods", 1))
    owner_columns = ", ".join(("item_id", "actor_id", "kind", "valid_from", "valid_to", *_ADDRESSEE_STATE))
    state = ", ".join(_PERIOD_STATE)
    differing = conn.execute(
        f"""
        SELECT item_id FROM (SELECT {columns} FROM status_periods
                             EXCEPT SELECT {columns} FROM temp.fresh_periods)
        UNION SELECT item_id FROM (SELECT {columns} FROM temp.fresh_periods
                                   EXCEPT SELECT {columns} FROM status_periods)
        UNION SELECT item_id FROM (SELECT id AS item_id, {state} FROM items
                                   EXCEPT SELECT item_id, {state} FROM temp.fresh_periods WHERE valid_to IS NULL)
        UNION SELECT item_id FROM (SELECT {owner_columns} FROM addressee_periods
                                   EXCEPT SELECT {owner_columns} FROM temp.fresh_addressees)
        UNION SELECT item_id FROM (SELECT {owner_columns} FROM temp.fresh_addressees
                                   EXCEPT SELECT {owner_columns} FROM addressee_periods)
        ORDER BY 1
        """
    ).fetchall()
    conn.execute("DROP TABLE temp.fresh_periods")
    conn.execute("DROP TABLE temp.fresh_addressees")
    return [row[0] for row in differing]
