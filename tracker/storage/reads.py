"""Reads of the record: items (current or as of a date), status counts, the readers' record,
the audit log, and the published edition's bulk reads."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from typing import Any, Iterator

import pandas as pd

from .. import ordering
from .. import status as status_rules
from ..errors import NotFoundError
from ..models import ItemRecord
from ..source_text import normalise_for_quote_check
from .periods import PERIOD_TABLES, addressee_status_at
from .periods import _BEGUN, _COUNTED_STATE, _NOT_ENDED, _PERIOD_STATE, period_mismatch_sql, status_at
from .schema import _HELD_BY_MAKERS, _SEARCHED_FIELDS, _recount_groups_sql, _FIELD_SEPARATOR
from .shared import SIGN_IN_ACTIONS, _LISTED_IDS, _WITH_CORRECTION, _contains, _group


#: Items whose status is "not yet assessed" (no assessment, or one that says so): unresearched,
#: so never counted as delay (issue 13). The status word is tracker.status's own rule, in SQL.
_UNASSESSED_SQL = f"{status_rules.sql_display_status()} = '{status_rules.NOT_YET_ASSESSED}'"


class Reads:
    """Reads of the record (see ``Store``)."""

    # -- actors, documents, links and documents' texts ------------------------------------

    def get_actor(self, actor_id: str) -> dict:
        rows = self._rows("SELECT * FROM actors WHERE id = ?", (actor_id,))
        if not rows:
            raise NotFoundError(f"actor {actor_id!r} does not exist")
        return rows[0]

    def actors(self) -> list[dict]:
        return self._rows("SELECT * FROM actors ORDER BY name")

    def get_document(self, document_id: str) -> dict:
        rows = self._rows("SELECT * FROM documents WHERE id = ?", (document_id,))
        if not rows:
            raise NotFoundError(f"document {document_id!r} does not exist")
        return rows[0]

    def documents(self) -> list[dict]:
        return self._rows("SELECT * FROM documents ORDER BY published_start, title")

    def links(self) -> pd.DataFrame:
        return self._frame(
            "SELECT l.source_id, l.kind, l.target_id, l.note, s.made_start AS source_made, "
            "t.made_start AS target_made FROM links l JOIN items s ON s.id = l.source_id "
            "JOIN items t ON t.id = l.target_id ORDER BY l.id"
        )

    def links_of(self, item_id: str) -> list[dict]:
        """Links in both directions, each with the other item's id, title, kind and direction."""
        return self._rows(
            """
            SELECT 'outgoing' AS direction, l.kind, l.note, o.id AS other_id, o.title AS other_title,
                   o.kind AS other_kind, o.made_start AS other_made
            FROM links l JOIN items o ON o.id = l.target_id WHERE l.source_id = :id
            UNION ALL
            SELECT 'incoming', l.kind, l.note, o.id, o.title, o.kind, o.made_start
            FROM links l JOIN items o ON o.id = l.source_id WHERE l.target_id = :id
            ORDER BY other_made
            """,
            {"id": item_id},
        )

    # -- reading items -----------------------------------------------------

    def item_ids(self) -> set[str]:
        return {r[0] for r in self.db.conn.execute("SELECT id FROM items")}

    def get_item(self, item_id: str, *, as_of: dt.date | None = None) -> dict:
        """One item with makers, owners, themes and current (or as-of) status; NotFoundError."""
        rows = self.item_rows(as_of=as_of, ids=[item_id])
        if not rows:
            raise NotFoundError(f"item {item_id!r} does not exist")
        return rows[0]

    # -- status periods (issue 12): the record at any date, today included ------------------
    # Read from ``status_periods`` (``tracker.storage.periods``); today's state is the open
    # period, copied onto the item row by the same function that writes the periods.

    def _status_source(self, as_of: dt.date, columns: Sequence[str] = _PERIOD_STATE) -> tuple[str, dict]:
        """SQL for a relation ``cur(id, kind, *columns)`` (by default every column of the
        state): each item made by ``as_of`` as it stood that day (``status_at``)."""
        return status_at(columns), {"as_of": as_of.isoformat()}

    def _periods_join(self, as_of: dt.date, params: dict) -> str:
        """A join of ``items i`` to ``cur``, each item's period covering ``as_of`` (binding
        ``:as_of`` in ``params``): one seek through the primary key per item, for reads that
        read the item rows anyway (lists, and counts by document or made date)."""
        params["as_of"] = as_of.isoformat()
        return (f"CROSS JOIN status_periods AS cur ON cur.item_id = i.id AND cur.{_BEGUN} "
                f"AND {_NOT_ENDED.replace('valid_to', 'cur.valid_to')}")

    # -- a status per addressee (issue 13) ------------------------------------------------------

    def addressee_statuses(self, item_id: str, *, as_of: dt.date | None = None) -> list[dict]:
        """One row per addressee (owner) of ``item_id``, in owner order, with its own status as
        of ``as_of`` (default today): actor_id, name, status, response, implementation,
        last_assessed_on, last_assessed_precision, last_evidence, last_evidence_url, is_done.
        Empty for an item with no owner or made after ``as_of``."""
        return self.addressee_statuses_of([item_id], as_of=as_of or dt.date.today()).get(item_id, [])

    def addressee_statuses_of(self, item_ids: Iterable[str], *, as_of: dt.date | None = None) -> dict[str, list[dict]]:
        """``addressee_statuses`` of many items at once, by item id (items with no owner left
        out). ``as_of`` None: the record as it stands (each owner's open span, the state the item
        row holds: what ``items_frame()`` rolls up), as the published edition reads it."""
        when = ("s.valid_to IS NULL" if as_of is None
                else f"s.{_BEGUN} AND {_NOT_ENDED.replace('valid_to', 's.valid_to')}")
        listed = ", ".join(f"s.{c}" for c in ("status", "response", "implementation", "last_assessed_on",
                                               "last_assessed_precision", "last_evidence", "last_evidence_url"))
        rows = self._rows(
            f"SELECT s.item_id, s.actor_id, coalesce(a.name, s.actor_id) AS name, s.kind, {listed} "
            f"FROM addressee_periods s "
            f"JOIN item_actors o ON o.item_id = s.item_id AND o.actor_id = s.actor_id AND o.role = 'owner' "
            f"LEFT JOIN actors a ON a.id = s.actor_id WHERE s.item_id IN {_LISTED_IDS} AND {when} "
            f"ORDER BY s.item_id, o.position",
            {"ids": json.dumps(list(item_ids)), **({} if as_of is None else {"as_of": as_of.isoformat()})})
        found: dict[str, list[dict]] = {}
        for row in rows:
            row["is_done"] = status_rules.is_done(row["status"], row["implementation"])
            found.setdefault(row.pop("item_id"), []).append(row)
        return found

    def assessment_addressees(self, item_id: str) -> dict[int, list[str]]:
        """The addressees each of ``item_id``'s assessments covers, by assessment id, for those
        that name some (an assessment not listed covers all)."""
        return self.assessment_addressees_of([item_id])

    def assessment_addressees_of(self, item_ids: Iterable[str]) -> dict[int, list[str]]:
        """``assessment_addressees`` of many items at once: the addressees each assessment of
        ``item_ids`` covers, by assessment id, for those that name some, in owner order."""
        covered: dict[int, list[str]] = {}
        for assessment_id, actor_id in self.db.conn.execute(
                "SELECT x.assessment_id, x.actor_id FROM assessment_actors x JOIN assessments a "
                "ON a.id = x.assessment_id LEFT JOIN item_actors o ON o.item_id = a.item_id "
                f"AND o.actor_id = x.actor_id AND o.role = 'owner' WHERE a.item_id IN {_LISTED_IDS} "
                "ORDER BY x.assessment_id, o.position", {"ids": json.dumps(list(item_ids))}):
            covered.setdefault(assessment_id, []).append(actor_id)
        return covered

    def period_mismatches(self) -> list[str]:
        """Every item whose stored periods or row differ from a rebuild from its history
        (should be none): a check for tests and operators, like ``summary_mismatches``."""
        return [f"item {ident}: its periods differ from its history" for ident in period_mismatch_sql(self.db.conn)]

    # -- end of status periods ----------------------------------------------------------------

    def items_frame(
        self,
        *,
        as_of: dt.date | None = None,
        ids: list[str] | None = None,
        include_quote: bool = False,
    ) -> pd.DataFrame:
        """One row per item with makers, owners and themes as "; "-joined text and its status.

        With ``as_of`` the statuses and deadlines are those of that date (read from the status
        periods), and items made after it are left out.
        """
        return self._frame(*self._items_query(as_of, ids, include_quote))

    def item_rows(
        self, *, as_of: dt.date | None = None, ids: list[str] | None = None, include_quote: bool = True
    ) -> list[dict]:
        """As ``items_frame`` but plain dicts (None stays None)."""
        return self._rows(*self._items_query(as_of, ids, include_quote))

    def _items_query(self, as_of, ids, include_quote, conditions: tuple[str, dict] | None = None,
                     limit: int | None = None) -> tuple[str, dict]:
        where = ""
        params: dict = {}
        if ids is not None:
            # One JSON parameter, not one per id: SQLite looks named parameters up one by one
            # (10,000 ids took 0.4 s that way) and caps how many a statement may have.
            where = f"WHERE i.id IN {_LISTED_IDS}"
            params = {"ids": json.dumps(list(ids))}
        if conditions is not None:
            where = f"{where} {'AND' if where else 'WHERE'} {conditions[0]}"
            params = {**params, **conditions[1]}
        quote = "i.quote," if include_quote else ""
        if as_of is None:  # today's state: the open period, copied onto the item row itself
            source, cur = "", "i"
        else:
            params = dict(params)
            source, cur = self._periods_join(as_of, params), "cur"
            # implied by the periods (none begins before the item was made); bounds the item scan
            where = f"{where} {'AND' if where else 'WHERE'} i.made_start <= :as_of"
        sql = f"""
            SELECT i.id, i.kind, i.title, {quote} i.document_id, i.origin_document_id,
                   i.made_start, i.made_precision, i.done_when, i.reference,
                   {cur}.status, {cur}.response, {cur}.implementation, {cur}.last_assessed_on,
                   {cur}.last_evidence, {cur}.last_evidence_url,
                   {cur}.deadline_start, {cur}.deadline_precision, {cur}.last_assessed_precision,
                   i.makers, i.owners, i.themes, i.version
            FROM items i {source}
            {where}
            ORDER BY i.made_start, i.id {"" if limit is None else f"LIMIT {int(limit)}"}
        """
        return sql, params

    def find_items(
        self,
        *,
        text: str = "",
        kinds: tuple[str, ...] = (),
        statuses: list[tuple[str, str | None, str | None, str | None]] | None = None,
        actors: tuple[str, ...] = (),
        owners: tuple[str, ...] = (),
        themes: tuple[str, ...] = (),
        documents: tuple[str, ...] = (),
        made_from: dt.date | None = None,
        made_to: dt.date | None = None,
        limit: int | None = 1000,
        include_quote: bool = True,
        as_of: dt.date | None = None,
        open_only: bool = False,
        overdue_on: dt.date | None = None,
        order: str = ordering.MADE,
    ) -> tuple[int, pd.DataFrame]:
        """Items of the record as it stood on ``as_of`` (None: now) that meet every condition
        given: how many, and the first ``limit`` of them (None: all; the columns and order of
        ``items_frame(as_of=as_of)``).

        ``text``: case-insensitive plain text in the id, title, quote, makers, owners, themes or
        document id; ``statuses``: the (kind, status, response, implementation) combinations
        allowed (None: any); ``actors``: made or owned by any of them; ``owners``: owned by any;
        ``themes``, ``documents``, ``kinds``: any of them; ``made_from``/``made_to``: inclusive;
        ``open_only``: open items (tracker.status.is_open); ``overdue_on``: items overdue on that
        day (tracker.status.is_overdue, the condition ``deadline_counts`` counts).
        ``order``: ``ordering.MADE`` (oldest first) or ``ordering.REFERENCE`` (by reference
        within the document, R2 before R10: ``tracker.ordering``; the first ``limit`` are taken
        in that order).
        The work is SQL on the indexed tables, whatever the number of items.
        """
        if order not in ordering.ORDERS:
            raise ValueError(f"unknown order {order!r}: choose one of {', '.join(ordering.ORDERS)}")
        clauses: list[str] = []
        params: dict[str, Any] = {}
        record, cur = "items i", "i"
        if as_of is not None:  # the statuses as of the date, and only the items made by then
            record, cur = f"items i {self._periods_join(as_of, params)}", "cur"

        def listed(name: str, values) -> str:
            for n, value in enumerate(values):
                params[f"{name}{n}"] = value
            return ", ".join(f":{name}{n}" for n in range(len(values)))

        needle = self._text_condition(text, clauses, params)
        if kinds:
            clauses.append(f"i.kind IN ({listed('kind', kinds)})")
        if statuses is not None:
            if not statuses:
                clauses.append("0")
            else:
                rows = []
                for n, (kind, status, response, implementation) in enumerate(statuses):
                    rows.append(f"(:sk{n}, :ss{n}, :sr{n}, :si{n})")
                    params.update({f"sk{n}": kind, f"ss{n}": status or "", f"sr{n}": response or "",
                                   f"si{n}": implementation or ""})
                clauses.append(
                    f"(i.kind, coalesce({cur}.status, ''), coalesce({cur}.response, ''), "
                    f"coalesce({cur}.implementation, '')) IN (VALUES {', '.join(rows)})"
                )
        if actors:
            clauses.append(
                f"i.id IN (SELECT item_id FROM item_actors WHERE actor_id IN ({listed('actor', actors)}))")
        if owners:
            clauses.append("i.id IN (SELECT item_id FROM item_actors WHERE role = 'owner' "
                           f"AND actor_id IN ({listed('owner', owners)}))")
        if themes:
            clauses.append(
                f"i.id IN (SELECT item_id FROM item_themes WHERE theme IN ({listed('theme', themes)}))")
        if documents:
            clauses.append(f"i.document_id IN ({listed('document', documents)})")
        if made_from is not None:
            clauses.append("i.made_start >= :made_from")
            params["made_from"] = made_from.isoformat()
        if made_to is not None:
            clauses.append("i.made_start <= :made_to")
            params["made_to"] = made_to.isoformat()
        if open_only or overdue_on is not None:
            is_open = status_rules.sql_is_open("i.kind", f"{cur}.status", f"{cur}.response", f"{cur}.implementation")
            if overdue_on is None:
                clauses.append(is_open)
            else:  # the deadline's end: on the item row now, on the period covering the date before
                end = f"{cur}.deadline_end"
                clauses.append(status_rules.sql_overdue(is_open, end, ":overdue_on"))
                params["overdue_on"] = overdue_on.isoformat()
        where = " AND ".join(clauses) or "1"
        # One pass over the items (the text test runs once per item), then the rows shown by id.
        # A text search reads every row anyway: scanning the table in storage order and sorting
        # the matches beats walking the date index and jumping to each row (3x at 100k).
        if order == ordering.REFERENCE:
            ordering.register(self.db.conn)
            sql_order = ordering.sql_order("i.reference", "i.made_start", "i.id")
        else:
            sql_order = f"{'+i.made_start' if needle else 'i.made_start'}, i.id"
        ids = [row[0] for row in self.db.conn.execute(
            f"SELECT i.id FROM {record} WHERE {where} ORDER BY {sql_order}", params)]
        frame = self.items_frame(ids=ids[:limit], include_quote=include_quote, as_of=as_of)
        if order == ordering.REFERENCE:  # items_frame gives them oldest first
            frame = ordering.sort_by_reference(frame).reset_index(drop=True)
        return len(ids), frame

    def _text_condition(self, text: str, clauses: list[str], params: dict[str, Any]) -> str:
        """Add the item search for ``text`` (case-insensitive plain text in the id, title, quote,
        makers, owners, themes or document id) to ``clauses``; returns the lower-cased needle."""
        needle = text.strip().lower()
        if needle and _FIELD_SEPARATOR not in needle:
            clauses.append("instr(i.search_text, :needle) > 0")
            params["needle"] = needle
        elif needle:  # a needle holding the separator could match across two fields: test each
            self.db.conn.create_function("tracker_contains", -1, _contains, deterministic=True)
            clauses.append(f"tracker_contains(:needle, {', '.join(f'i.{f}' for f in _SEARCHED_FIELDS)})")
            params["needle"] = needle
        return needle

    def linked_component(
        self, item_id: str, *, kinds: Iterable[str], made_by: dt.date | None = None
    ) -> list[str]:
        """The ids of every item reachable from ``item_id`` through links of ``kinds``, followed
        in both directions, ``item_id`` included (empty when it does not exist); sorted.

        With ``made_by`` only items made on or before that date count, and a path cannot pass
        through a later one (as of a past date, later items and their links are not there yet).
        One recursive query over the indexed links, whatever the number of items.
        """
        params: dict[str, Any] = {"id": item_id, "kinds": json.dumps(sorted(kinds))}
        made = ""
        if made_by is not None:
            params["made_by"] = made_by.isoformat()
            made = "AND o.made_start <= :made_by"
        kind = "l.kind IN (SELECT value FROM json_each(:kinds))"
        sql = f"""
            WITH RECURSIVE component(id) AS (
                SELECT id FROM items o WHERE id = :id {made}
                UNION
                SELECT l.target_id FROM component c JOIN links l ON l.source_id = c.id
                    JOIN items o ON o.id = l.target_id WHERE {kind} {made}
                UNION
                SELECT l.source_id FROM component c JOIN links l ON l.target_id = c.id
                    JOIN items o ON o.id = l.source_id WHERE {kind} {made}
            )
            SELECT id FROM component ORDER BY id
        """
        return [row[0] for row in self.db.conn.execute(sql, params)]

    def links_among(self, ids: Iterable[str]) -> pd.DataFrame:
        """The links whose two ends are both among ``ids``, in the columns and order of ``links``."""
        return self._frame(
            "SELECT l.source_id, l.kind, l.target_id, l.note, s.made_start AS source_made, "
            "t.made_start AS target_made FROM links l JOIN items s ON s.id = l.source_id "
            f"JOIN items t ON t.id = l.target_id WHERE l.source_id IN {_LISTED_IDS} "
            f"AND l.target_id IN {_LISTED_IDS} ORDER BY l.id",
            {"ids": json.dumps(list(ids))},
        )

    def history(self, item_id: str) -> list[dict]:
        """Every assessment of an item, oldest first (by the date the evidence refers to), each
        with its correction (``correction_reason``, ``corrected_by``, ``corrected_at``: None
        when it counts)."""
        return self._rows(
            f"SELECT {_WITH_CORRECTION} WHERE a.item_id = ? ORDER BY a.assessed_on, a.id", (item_id,)
        )

    def deadline_revisions(self, item_id: str) -> list[dict]:
        return self._rows(
            "SELECT * FROM deadline_revisions WHERE item_id = ? ORDER BY revised_on, id", (item_id,)
        )

    ASSESSMENT_COLUMNS = ["id", "item_id", "kind", "title", "status", "response", "implementation",
                          "evidence", "evidence_url", "assessed_on", "recorded_by", "recorded_at"]
    #: What ``assessments_frame(brief=True)`` leaves out.
    ASSESSMENT_PROVENANCE = ["evidence_url", "recorded_by", "recorded_at"]

    def assessments_frame(
        self, *, until: dt.date | None = None, item_ids: Iterable[str] | None = None, brief: bool = False
    ) -> pd.DataFrame:
        """Every assessment (of the items ``item_ids``, when given) with its item's kind and
        title, oldest first (by the date its evidence refers to, then by entry). ``brief``
        leaves out ``ASSESSMENT_PROVENANCE`` (the evidence URL, who recorded it and when):
        at a million assessments that is half the time of the read."""
        columns = [c for c in self.ASSESSMENT_COLUMNS if c not in ("kind", "title")
                   and not (brief and c in self.ASSESSMENT_PROVENANCE)]
        sql = f"SELECT {', '.join('a.' + c for c in columns)} FROM counted_assessments a"
        conditions, params = [], {}
        if until is not None:
            conditions.append("a.assessed_on <= :until")
            params["until"] = until.isoformat()
        items_sql = "SELECT id AS item_id, kind, title FROM items"
        if item_ids is not None:
            conditions.append(f"a.item_id IN {_LISTED_IDS}")
            items_sql += f" WHERE id IN {_LISTED_IDS}"
            params["ids"] = json.dumps(sorted(set(item_ids)))
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        # Read in table order and joined and sorted in pandas: SQLite's join and ORDER BY walk
        # the date index row by row, three times slower at 100,000 assessments.
        history = self._frame(sql, params)
        items = self._frame(items_sql, {"ids": params["ids"]} if item_ids is not None else {})
        frame = history.merge(items, on="item_id", how="inner", sort=False)
        frame = frame.sort_values(["assessed_on", "id"], kind="stable", ignore_index=True)
        return frame[[c for c in self.ASSESSMENT_COLUMNS if c in frame.columns]]

    def deadlines_frame(self) -> pd.DataFrame:
        return self._frame(
            "SELECT r.item_id, i.title, i.kind, r.deadline_start, r.deadline_precision, r.reason, "
            "r.revised_on FROM deadline_revisions r JOIN items i ON i.id = r.item_id "
            "ORDER BY r.revised_on, r.id"
        )

    STATUS_COUNT_GROUPS = (None, "owner", "maker", "accountable", "theme", "document")

    def status_counts(
        self, *, as_of: dt.date | None = None, by: str | None = None, ungrouped: bool = False
    ) -> pd.DataFrame:
        """Counts of items by kind and status: columns ``grp``, ``kind``, ``status``,
        ``response``, ``implementation``, ``n``; aggregated in SQL so the caller never holds
        every row.

        ``by`` groups them by ``owner``, ``maker``, ``accountable`` (the owners, else the makers
        of a commitment or call: who the item is held against), ``theme`` or ``document``; an
        item in several groups counts once in each. Items in no group are left out, or counted
        with ``grp`` None when ``ungrouped``. The current record is read from the counts the
        triggers keep (a few hundred rows whatever the size); with ``as_of`` the statuses are
        those of that date, read from the status periods. Raises ValueError for any other ``by``.
        """
        if by not in self.STATUS_COUNT_GROUPS:
            raise ValueError(f"cannot group by {by!r}")
        # Issue 13: grouped by owner, each owner counts its own status (``addressee_periods``);
        # the kept counts hold the item's, which is every owner's own until an assessment names
        # some addressees only, so they are read until then.
        own_status = by in ("owner", "accountable") and (as_of is not None or self._addressees_named())
        if as_of is None and not own_status:
            kept = "" if ungrouped or by is None else "AND grp != ''"
            return self._frame(
                f"""
                SELECT NULLIF(grp, '') AS grp, kind, NULLIF(status, '') AS status,
                       NULLIF(response, '') AS response, NULLIF(implementation, '') AS implementation, n
                FROM item_group_counts WHERE dimension = :dimension AND n > 0 {kept}
                ORDER BY dimension, grp, kind, status, response, implementation
                """,
                {"dimension": by or "all"},
            )
        # ``i`` is each item's state that day (with its id and kind), read from the covering
        # index of the status periods; only the document grouping reads the item rows.
        source, params = self._status_source(as_of or dt.date.today(), _COUNTED_STATE)
        join = "LEFT JOIN" if ungrouped else "JOIN"
        has_owner = "EXISTS (SELECT 1 FROM item_actors o WHERE o.item_id = i.id AND o.role = 'owner')"
        group_sql = {
            None: ("", "NULL AS grp"),
            "owner": (f"{join} item_actors g ON g.item_id = i.id AND g.role = 'owner'", "g.actor_id AS grp"),
            "maker": (f"{join} item_actors g ON g.item_id = i.id AND g.role = 'maker'", "g.actor_id AS grp"),
            "accountable": (
                f"{join} item_actors g ON g.item_id = i.id AND (g.role = 'owner' OR (g.role = 'maker' "
                f"AND i.kind IN {_HELD_BY_MAKERS} AND NOT {has_owner}))",
                "g.actor_id AS grp",
            ),
            "theme": (f"{join} item_themes g ON g.item_id = i.id", "g.theme AS grp"),
            "document": ("JOIN items d ON d.id = i.id", "d.document_id AS grp"),
        }
        join_sql, grp = group_sql[by]
        state = "i.status, i.response, i.implementation"
        if own_status:
            join_sql += (" LEFT JOIN addressee_periods ap ON ap.item_id = i.id AND ap.actor_id = g.actor_id "
                         "AND g.role = 'owner' AND ap.valid_from <= :as_of "
                         "AND (ap.valid_to IS NULL OR ap.valid_to > :as_of)")
            state = ", ".join(f"(CASE WHEN ap.item_id IS NULL THEN i.{c} ELSE ap.{c} END) AS {c}"
                              for c in ("status", "response", "implementation"))
        sql = f"""
            SELECT {grp}, i.kind, {state}, count(*) AS n
            FROM ({source}) AS i {join_sql}
            GROUP BY 1, 2, 3, 4, 5
        """
        return self._frame(sql, params)

    # -- a status per addressee (issue 13): reads for scorecards and gaps ------------------------

    def _addressees_named(self) -> bool:
        """Whether any assessment names some addressees only (else each owner's status is the
        item's)."""
        return self.db.conn.execute("SELECT EXISTS (SELECT 1 FROM assessment_actors)").fetchone()[0] == 1

    def addressee_states(self, item_ids: Iterable[str], *, as_of: dt.date | None = None) -> list[dict]:
        """Each owner's own state (item_id, actor_id, kind, status, response, implementation) of
        ``item_ids`` as of ``as_of`` (default today), in owner order."""
        return self._rows(
            f"SELECT s.item_id, s.actor_id, s.kind, s.status, s.response, s.implementation "
            f"FROM ({addressee_status_at()}) s JOIN item_actors o ON o.item_id = s.item_id "
            f"AND o.actor_id = s.actor_id AND o.role = 'owner' WHERE s.item_id IN {_LISTED_IDS} "
            f"ORDER BY s.item_id, o.position",
            {"as_of": (as_of or dt.date.today()).isoformat(), "ids": json.dumps(list(item_ids))})

    # -- the record at any date, counted in SQL (issue 12: tracker.figures reads through these) ----
    # Each takes ``as_of`` (None: the record now, from the item rows and the kept counts; a date:
    # the statuses and deadlines of ``_status_source``). Open/closed, overdue and period ends are
    # SQL generated by tracker.status and tracker.dates, never written here.

    def _record_at(self, as_of: dt.date | None, *, index: str | None = None) -> tuple[str, dict]:
        """A relation of every item made by ``as_of`` (None: every item, from ``index`` when
        given) with ``id``, ``kind``, ``document_id``, ``origin_document_id``, ``made_start``, its
        ``status``, ``response``, ``implementation`` and ``deadline_end`` as of that date."""
        if as_of is None:
            return f"items INDEXED BY {index}" if index else "items", {}
        params: dict = {}
        return (
            f"(SELECT i.id, i.kind, i.document_id, i.origin_document_id, i.made_start, cur.status, "
            f"cur.response, cur.implementation, cur.last_assessed_on, cur.last_evidence, cur.deadline_end "
            f"FROM items i {self._periods_join(as_of, params)} WHERE i.made_start <= :as_of)",
            params,
        )

    def items_where(self, condition: str, params: dict, *, order: str, limit: int | None,
                    as_of: dt.date | None = None) -> tuple[int, pd.DataFrame]:
        """How many items of the record as of ``as_of`` meet the SQL ``condition`` (over the
        columns of ``_record_at``, with ``params`` bound), and the first ``limit`` of them in
        ``order`` (an ORDER BY list over the same columns) as ``items_frame`` rows, in that order.
        The conditions come from the rules (tracker.status, tracker.gaps), never from a reader."""
        record, record_params = self._record_at(as_of)
        ids = [row[0] for row in self.db.conn.execute(
            f"SELECT id FROM {record} WHERE {condition} ORDER BY {order}", {**record_params, **params})]
        frame = self.items_frame(ids=ids[:limit], include_quote=True, as_of=as_of)
        order_of = {item_id: n for n, item_id in enumerate(ids[:limit])}
        frame = frame.sort_values("id", key=lambda column: column.map(order_of), kind="stable")
        return len(ids), frame.reset_index(drop=True)

    @staticmethod
    def status_combinations_sql(combinations: Sequence[tuple], params: dict, *, prefix: str = "c") -> str:
        """A SQL condition true for the rows whose (kind, status, response, implementation) is
        one of ``combinations``; binds its values into ``params``."""
        if not combinations:
            return "0"
        rows = []
        for n, (kind, status, response, implementation) in enumerate(combinations):
            rows.append(f"(:{prefix}k{n}, :{prefix}s{n}, :{prefix}r{n}, :{prefix}i{n})")
            params.update({f"{prefix}k{n}": kind, f"{prefix}s{n}": status or "", f"{prefix}r{n}": response or "",
                           f"{prefix}i{n}": implementation or ""})
        return ("(kind, coalesce(status, ''), coalesce(response, ''), coalesce(implementation, '')) "
                f"IN (VALUES {', '.join(rows)})")

    def source_status_counts(self, *, as_of: dt.date | None = None) -> pd.DataFrame:
        """Counts of items by document, kind and status (the columns of ``status_counts``), where
        an item counts for the document quoting it and, when different, for the report it was
        first made in (``origin_document_id``); as of ``as_of`` (None: now)."""
        record, params = self._record_at(as_of)
        return self._frame(
            f"""
            SELECT grp, kind, status, response, implementation, count(*) AS n FROM (
                SELECT document_id AS grp, kind, status, response, implementation FROM {record}
                UNION ALL
                SELECT origin_document_id, kind, status, response, implementation FROM {record}
                WHERE origin_document_id IS NOT NULL AND origin_document_id != document_id
            )
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
            """,
            params,
        )

    def item_ids_of_document(self, document_id: str, *, as_of: dt.date | None = None) -> list[str]:
        """The ids of the items quoted from ``document_id`` or first made in it (made by
        ``as_of``, when given), oldest first."""
        made = "AND made_start <= :as_of" if as_of is not None else ""
        return [row[0] for row in self.db.conn.execute(
            f"SELECT id FROM items WHERE (document_id = :doc OR origin_document_id = :doc) {made} "
            "ORDER BY made_start, id", {"doc": document_id, "as_of": as_of.isoformat() if as_of else None})]

    def deadline_counts(self, today: dt.date, *, as_of: dt.date | None = None) -> pd.DataFrame:
        """Counts (``kind``, ``status``, ``response``, ``implementation``, ``overdue``, ``n``) of
        the items with a deadline as of ``as_of`` (None: now), ``overdue`` 1 when
        tracker.status.is_overdue on ``today``, else 0; now, read from a covering index."""
        if as_of is None:
            record, params = self._record_at(as_of, index="items_deadline_status")
        else:  # every column it needs is in the periods' covering index: no item row is read
            record, params = f"({status_at(_COUNTED_STATE)})", {"as_of": as_of.isoformat()}
        overdue = status_rules.sql_overdue(status_rules.sql_is_open(), "deadline_end", ":today")
        return self._frame(
            f"SELECT kind, status, response, implementation, {overdue} AS overdue, count(*) AS n "
            f"FROM {record} WHERE deadline_end IS NOT NULL GROUP BY 1, 2, 3, 4, 5",
            {**params, "today": today.isoformat()},
        )

    def group_names(self, by: str, *, as_of: dt.date | None = None) -> list[str]:
        """Every owner, maker, accountable actor, theme or document (``by``) that at least one
        item made by ``as_of`` (None: any item now) has, sorted; now, read from the kept counts.
        Raises ValueError for any other ``by``."""
        if by not in self.STATUS_COUNT_GROUPS or by is None:
            raise ValueError(f"cannot group by {by!r}")
        if as_of is not None and by in ("owner", "maker", "theme"):
            # Whose items were made by then, whatever their status: the made-date index, then
            # each item's people or themes by key (no periods, no item rows).
            table, role = ("item_themes", "") if by == "theme" else ("item_actors", f"AND g.role = '{by}'")
            column = "theme" if by == "theme" else "actor_id"
            rows = self.db.conn.execute(
                f"SELECT DISTINCT g.{column} FROM items i INDEXED BY items_made_status "
                f"JOIN {table} g ON g.item_id = i.id {role} WHERE i.made_start <= :as_of ORDER BY 1",
                {"as_of": as_of.isoformat()})
            return [row[0] for row in rows]
        if as_of is not None:
            return sorted(set(self.status_counts(by=by, as_of=as_of)["grp"].dropna().tolist()))
        rows = self.db.conn.execute(
            "SELECT DISTINCT grp FROM item_group_counts WHERE dimension = ? AND grp != '' AND n > 0 ORDER BY grp",
            (by,),
        )
        return [row[0] for row in rows]

    def made_range(self, *, as_of: dt.date | None = None) -> tuple[dt.date, dt.date] | None:
        """The first and last day an item was made, by ``as_of`` when given (None when none was)."""
        first, last = self.db.conn.execute(
            "SELECT min(made_start), max(made_start) FROM items WHERE :as_of IS NULL OR made_start <= :as_of",
            {"as_of": as_of.isoformat() if as_of else None}).fetchone()
        return None if first is None else (dt.date.fromisoformat(first), dt.date.fromisoformat(last))

    def oldest_open_item_ids(self, limit: int, *, as_of: dt.date | None = None) -> list[str]:
        """The ids of the ``limit`` open items (tracker.status.is_open) made longest ago, oldest
        first (then by id), as the record stood on ``as_of`` (None: now); items not yet assessed
        are left out (issue 13: unresearched, not delayed; ``counts.longest_open`` does the same)."""
        record, params = self._record_at(as_of, index="items_made_status")
        rows = self.db.conn.execute(
            f"SELECT id FROM {record} WHERE {status_rules.sql_is_open()} AND NOT ({_UNASSESSED_SQL}) "
            "ORDER BY made_start, id LIMIT :limit",
            {**params, "limit": int(limit)},
        )
        return [row[0] for row in rows]

    def summary_mismatches(self) -> list[str]:
        """Every group whose kept count differs from a count from scratch (should be none)."""
        kept = {
            tuple(row[:6]): row[6]
            for row in self.db.conn.execute("SELECT * FROM item_group_counts WHERE n != 0")
        }
        fresh = {tuple(row[:6]): row[6] for row in self.db.conn.execute(_recount_groups_sql())}
        return [
            f"{' / '.join(key)}: kept {kept.get(key, 0)}, counted {fresh.get(key, 0)}"
            for key in sorted(set(kept) | set(fresh))
            if kept.get(key, 0) != fresh.get(key, 0)
        ]

    def themes(self) -> list[str]:
        return [r[0] for r in self.db.conn.execute("SELECT DISTINCT theme FROM item_themes ORDER BY theme")]

    # -- audit ---------------------------------------------------------------

    def audit_log(
        self,
        *,
        username: str | None = None,
        entity_id: str | None = None,
        action: str | None = None,
        since: dt.date | None = None,
        sign_ins: bool | None = None,
        limit: int = 500,
    ) -> pd.DataFrame:
        """Audit entries, newest first. ``sign_ins``: None for every entry, True for the
        sign-in and session events only (``SIGN_IN_ACTIONS``), False for changes to the record only."""
        clauses, params = [], {}
        for column, value in (("username", username), ("entity_id", entity_id), ("action", action)):
            if value:
                clauses.append(f"{column} = :{column}")
                params[column] = value
        if sign_ins is not None:
            listed = ", ".join(f":sign_in_{n}" for n in range(len(SIGN_IN_ACTIONS)))
            clauses.append(f"action {'IN' if sign_ins else 'NOT IN'} ({listed})")
            params.update({f"sign_in_{n}": name for n, name in enumerate(SIGN_IN_ACTIONS)})
        if since:
            clauses.append("at >= :since")
            params["since"] = since.isoformat()
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        params["limit"] = int(limit)
        return self._frame(
            f"SELECT id, at, username, action, entity, entity_id, before, after FROM audit_log "
            f"{where} ORDER BY id DESC LIMIT :limit",
            params,
        )

    def document_text(self, document_id: str) -> str | None:
        """The stored text of a document, or None when it has none."""
        row = self.db.conn.execute("SELECT text FROM document_texts WHERE document_id = ?",
                                   (document_id,)).fetchone()
        return row[0] if row else None

    def document_text_info(self, document_id: str) -> dict | None:
        """chars, source, filename, sha256, set_by and set_at of a document's text (not the text)."""
        return self._document_text_info(self.db.conn, document_id)

    def documents_with_text(self) -> set[str]:
        """The ids of the documents whose text is stored."""
        return {r[0] for r in self.db.conn.execute("SELECT document_id FROM document_texts")}

    def quote_problems(self) -> list[str]:
        """"item X: quote not found verbatim in the text of document Y" for every item whose
        document has a stored text that does not hold its quote (texts stored with
        ``allow_unmatched``), in item id order."""
        problems = []
        for document_id, normalised in self.db.conn.execute(
                "SELECT document_id, normalised FROM document_texts ORDER BY document_id"):
            for ident, quote in self.db.conn.execute(
                    "SELECT id, quote FROM items WHERE document_id = ? ORDER BY id", (document_id,)):
                if normalise_for_quote_check(quote) not in normalised:
                    problems.append(f"item {ident}: quote not found verbatim in the text of document {document_id}")
        return sorted(problems)

    def item_quotes(self, document_id: str | None = None) -> dict[str, str]:
        """Item id -> quote, of one document's items or of every item."""
        if document_id is None:
            return dict(self.db.conn.execute("SELECT id, quote FROM items"))
        return dict(self.db.conn.execute("SELECT id, quote FROM items WHERE document_id = ?", (document_id,)))

    def quote_check(self, item_id: str) -> str:
        """Whether an item's quote was checked against its document's text: ``checked`` (the
        text holds it), ``not found`` (the text was stored later, with allow_unmatched) or
        ``no text`` (the document has no stored text). NotFoundError for an unknown item."""
        row = self.db.conn.execute("SELECT quote, document_id FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"item {item_id!r} does not exist")
        found = self.db.conn.execute(
            "SELECT instr(normalised, ?) FROM document_texts WHERE document_id = ?",
            (normalise_for_quote_check(row[0]), row[1]),
        ).fetchone()
        if found is None:
            return "no text"
        return "checked" if found[0] else "not found"

    # -- readers' record: how current it is, and what changed since a date ----------------
    # (issue 15: tracker/currency.py and tracker/changes.py build on these reads)

    def record_dates(self, as_of: dt.date | None = None) -> dict:
        """How current the record is: ``last_changed`` (the time, UTC text, of the newest change
        to the record itself, not a sign-in), ``newest_evidence`` (the latest date an
        assessment's evidence refers to, the first day of its period) with
        ``newest_evidence_precision`` (how precisely it is dated: day, month or year; of the
        latest entry on that date) and ``newest_document`` (the latest publication date), each
        None when there is none; with ``as_of``, evidence and documents up to that day. Its
        precision likewise (``newest_document_precision``, the most precise on that date)."""
        until = as_of.isoformat() if as_of else "9999-12-31"
        listed = ", ".join(f"'{a}'" for a in SIGN_IN_ACTIONS)
        conn = self.db.conn
        # Walks the audit log's date index from the newest end and stops at the first change.
        changed = conn.execute(
            f"SELECT at FROM audit_log WHERE action NOT IN ({listed}) ORDER BY at DESC LIMIT 1"
        ).fetchone()
        evidence, precision = conn.execute(
            "SELECT assessed_on, assessed_on_precision FROM counted_assessments WHERE assessed_on <= ? "
            "ORDER BY assessed_on DESC, id DESC LIMIT 1", (until,)).fetchone() or (None, None)
        document, published = conn.execute(
            "SELECT published_start, published_precision FROM documents WHERE published_start <= ? "
            "ORDER BY published_start DESC, published_precision = 'year', published_precision = 'month', id "
            "LIMIT 1", (until,)).fetchone() or (None, None)
        return {"last_changed": changed[0] if changed else None, "newest_evidence": evidence,
                "newest_evidence_precision": precision, "newest_document": document,
                "newest_document_precision": published}

    def change_rows(self, since: str, until: str | None = None) -> dict[str, list[dict]]:
        """What was written to the record from ``since`` (UTC text, inclusive) to ``until``
        (exclusive), by kind: ``items`` made, ``assessments`` (each with the item's entry before
        it, by evidence date: ``prev_status``, ``prev_response``, ``prev_implementation``),
        ``deadlines`` (each with the deadline before it), ``edits`` (the audit log's item and
        document edits, with their before and after JSON) and ``assessment_corrections`` (issue
        13: assessments marked as mistaken). Assessments are those that count. Oldest first."""
        params = {"since": since, "until": until or "9999"}
        items = self._rows(
            "SELECT id AS item_id, kind AS item_kind, title AS item_title, created_at AS at, made_start, "
            "made_precision, document_id FROM items WHERE created_at >= :since AND created_at < :until "
            "ORDER BY created_at, id", params)
        assessments = self._rows(
            """
            WITH touched AS (SELECT DISTINCT item_id FROM counted_assessments
                             WHERE recorded_at >= :since AND recorded_at < :until),
            ordered AS (
                SELECT a.*, LAG(a.status) OVER w AS prev_status, LAG(a.response) OVER w AS prev_response,
                       LAG(a.implementation) OVER w AS prev_implementation, LAG(a.id) OVER w AS prev_id
                FROM counted_assessments a WHERE a.item_id IN touched
                WINDOW w AS (PARTITION BY a.item_id ORDER BY a.assessed_on, a.id))
            SELECT o.id, o.item_id, i.kind AS item_kind, i.title AS item_title, o.recorded_at AS at,
                   o.status, o.response, o.implementation, o.prev_status, o.prev_response,
                   o.prev_implementation, o.prev_id, o.evidence, o.evidence_url, o.evidence_document_id,
                   o.assessed_on, o.assessed_on_precision, o.recorded_by
            FROM ordered o JOIN items i ON i.id = o.item_id
            WHERE o.recorded_at >= :since AND o.recorded_at < :until ORDER BY o.recorded_at, o.id
            """, params)
        deadlines = self._rows(
            """
            WITH touched AS (SELECT DISTINCT item_id FROM deadline_revisions
                             WHERE recorded_at >= :since AND recorded_at < :until),
            ordered AS (
                SELECT r.*, LAG(r.deadline_start) OVER w AS prev_start,
                       LAG(r.deadline_precision) OVER w AS prev_precision, LAG(r.id) OVER w AS prev_id
                FROM deadline_revisions r WHERE r.item_id IN touched
                WINDOW w AS (PARTITION BY r.item_id ORDER BY r.revised_on, r.id))
            SELECT o.id, o.item_id, i.kind AS item_kind, i.title AS item_title, o.recorded_at AS at,
                   o.deadline_start, o.deadline_precision, o.prev_start, o.prev_precision, o.prev_id,
                   o.reason, o.revised_on, o.recorded_by
            FROM ordered o JOIN items i ON i.id = o.item_id
            WHERE o.recorded_at >= :since AND o.recorded_at < :until ORDER BY o.recorded_at, o.id
            """, params)
        edits = self._rows(
            "SELECT a.id, a.at, a.username, a.entity, a.entity_id, a.before, a.after, "
            "i.kind AS item_kind, i.title AS item_title, d.title AS document_title "
            "FROM audit_log a LEFT JOIN items i ON a.entity = 'item' AND i.id = a.entity_id "
            "LEFT JOIN documents d ON a.entity = 'document' AND d.id = a.entity_id "
            "WHERE a.action = 'update' AND a.entity IN ('item', 'document') "
            "AND a.at >= :since AND a.at < :until ORDER BY a.at, a.id", params)
        # issue 13: assessments marked as mistaken (their own rows; the assessments above count)
        corrections = self._rows(
            "SELECT c.assessment_id, c.reason, c.corrected_at AS at, a.item_id, a.status, a.response, "
            "a.implementation, a.assessed_on, a.assessed_on_precision, i.kind AS item_kind, i.title AS item_title "
            "FROM assessment_corrections c JOIN assessments a ON a.id = c.assessment_id "
            "JOIN items i ON i.id = a.item_id WHERE c.corrected_at >= :since AND c.corrected_at < :until "
            "ORDER BY c.corrected_at, c.assessment_id", params)
        return {"items": items, "assessments": assessments, "deadlines": deadlines, "edits": edits,
                "assessment_corrections": corrections}

    # -- the published edition (issue 16): bulk reads (its copy without staff data: exchange.py)

    #: Tables that hold the record: published as they are.
    PUBLIC_TABLES = frozenset({
        "meta", "actors", "documents", "items", "item_actors", "item_themes", "assessments",
        "deadline_revisions", "links", "item_group_counts", "_sqlite_migrations",
        "assessment_corrections", "assessment_actors",
        *PERIOD_TABLES,  # public, but derived: left out of the published copy (below)
    })
    #: Public tables the published copy leaves out: derived from the history (the record as of
    #: any date replays from ``assessments``); a copy without them is for reading, not for
    #: ``Store`` (which refuses it: ``Connection``).
    DERIVED_TABLES = frozenset(PERIOD_TABLES)
    #: Tables that hold staff accounts, their sessions and sign-ins, and the audit log: never
    #: published. A table in neither set stops ``publishable_copy``, so a new table is not
    #: published before someone has decided it may be.
    STAFF_TABLES = frozenset({"users", "sessions", "sign_in_attempts", "audit_log"})
    #: Working tables that stay out of the published copy too: the full texts of source
    #: documents (not ours to republish; ``set_by`` names an account).
    UNPUBLISHED_TABLES = STAFF_TABLES | {"document_texts"}
    #: Columns of public tables that name a staff account: published as its role.
    RECORDER_COLUMNS = (("assessments", "recorded_by"), ("assessments", "reported_by"),
                        ("deadline_revisions", "recorded_by"), ("links", "created_by"),
                        ("assessment_corrections", "corrected_by"))

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One read transaction: every read inside sees the database as it stood when the first
        one ran, whatever other processes write meanwhile (WAL), so a publish's pages and data
        files come from one data version."""
        conn = self.db.conn
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
            yield
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    def history_of(self, item_ids: Iterable[str]) -> dict[str, list[dict]]:
        """Every assessment of the items ``item_ids``, by item id, oldest first (by the date its
        evidence refers to, then by entry); one query for any number of items."""
        rows = self._rows(
            f"SELECT {_WITH_CORRECTION} WHERE a.item_id IN {_LISTED_IDS} ORDER BY a.item_id, a.assessed_on, a.id",
            {"ids": json.dumps(sorted(set(item_ids)))},
        )
        return _group(rows, "item_id")

    def deadline_revisions_of(self, item_ids: Iterable[str]) -> dict[str, list[dict]]:
        """Every deadline revision of the items ``item_ids``, by item id, oldest first."""
        rows = self._rows(
            f"SELECT * FROM deadline_revisions WHERE item_id IN {_LISTED_IDS} ORDER BY item_id, revised_on, id",
            {"ids": json.dumps(sorted(set(item_ids)))},
        )
        return _group(rows, "item_id")

    def item_records(self, ids: Iterable[str]) -> list[ItemRecord]:
        """The items ``ids`` as ``export_bundle`` writes them (history, links, deadline
        revisions, current status), oldest first: so a publish re-exports only the items that
        changed."""
        listed = {"ids": json.dumps(sorted(set(ids)))}
        rows = self.item_rows(ids=sorted(set(ids)))
        history = _group(self._rows(f"SELECT {_WITH_CORRECTION} WHERE a.item_id IN {_LISTED_IDS} ORDER BY a.id",
                                    listed), "item_id")
        links = _group(self._rows(f"SELECT * FROM links WHERE source_id IN {_LISTED_IDS} ORDER BY id", listed),
                       "source_id")
        deadlines = _group(self._rows(
            f"SELECT * FROM deadline_revisions WHERE item_id IN {_LISTED_IDS} ORDER BY id", listed), "item_id")
        return [self._item_record(row, history, links, deadlines) for row in rows]

    def table_rows(self, table: str, columns: list[str]) -> Iterator[tuple]:
        """The ``columns`` of a public table (``PUBLIC_TABLES``), row by row in entry order, for
        the open data files (a million history rows stream through; no frame is built).
        Raises ValueError for any other table or an unknown column."""
        if table not in self.PUBLIC_TABLES:
            raise ValueError(f"{table!r} is not a public table")
        known = self.table_columns()[table]
        if not set(columns) <= set(known):
            raise ValueError(f"{table!r} has no column {sorted(set(columns) - set(known))}")
        selected = ", ".join(f"[{c}]" for c in columns)
        yield from self.db.conn.execute(f"SELECT {selected} FROM [{table}] ORDER BY rowid")

    def table_columns(self) -> dict[str, list[str]]:
        """The columns of every table, by table name."""
        names = [r[0] for r in self.db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {t: [c[1] for c in self.db.conn.execute(f"PRAGMA table_info([{t}])")] for t in names}

    # -- staff pickers (issue 12): titles to choose from, never the whole record -----------------

    #: The columns of an item a picker names it by (``dashboard.staff.pickers.item_labels``).
    PICKER_COLUMNS = ("id", "title", "kind", "made_start", "made_precision", "document_id")

    def item_choices(self, *, text: str = "", kinds: Iterable[str] = (), limit: int,
                     include: Iterable[str] = ()) -> tuple[int, pd.DataFrame]:
        """Items to pick from in one bounded read: how many of ``kinds`` (any, when empty) hold
        ``text`` (as ``find_items`` searches), and the ``PICKER_COLUMNS`` of the first ``limit``
        of them, oldest first, followed by any of ``include`` (the items a page is already at)
        that are of ``kinds`` but not among them."""
        clauses: list[str] = []
        params: dict[str, Any] = {}
        needle = self._text_condition(text, clauses, params)
        kinds = list(kinds)
        if kinds:
            params["kinds"] = json.dumps(kinds)
        kind_clause = "i.kind IN (SELECT value FROM json_each(:kinds))"
        columns = ", ".join(f"i.{c}" for c in self.PICKER_COLUMNS)
        if needle:
            # The search reads every row anyway: one scan in storage order for the matching ids,
            # sorted (as find_items does), then the rows listed by id.
            where = " AND ".join(clauses + ([kind_clause] if kinds else []))
            ids = [row[0] for row in self.db.conn.execute(
                f"SELECT i.id FROM items i WHERE {where} ORDER BY +i.made_start, i.id", params)]
            matches, first = len(ids), ids[:limit]
            rows = self._rows(f"SELECT {columns} FROM items i WHERE i.id IN {_LISTED_IDS} ORDER BY i.made_start, i.id",
                              {"ids": json.dumps(first)})
        else:
            # Counted on the kind index; listed by walking the date index (items_made_status,
            # which holds the kind: the unary + keeps SQLite off the kind index), stopping at limit.
            matches = self.db.conn.execute(
                f"SELECT count(*) FROM items i WHERE {kind_clause if kinds else '1'}", params).fetchone()[0]
            rows = self._rows(f"SELECT {columns} FROM items i WHERE {'+' + kind_clause if kinds else '1'} "
                              "ORDER BY i.made_start, i.id LIMIT :limit", {**params, "limit": int(limit)})
        listed = {row["id"] for row in rows}
        wanted = [ident for ident in dict.fromkeys(include) if ident and ident not in listed]
        if wanted:
            kept = f" AND {kind_clause}" if kinds else ""
            rows += self._rows(f"SELECT {columns} FROM items i WHERE i.id IN {_LISTED_IDS}{kept} "
                               "ORDER BY i.made_start, i.id", {**params, "ids": json.dumps(wanted)})
        return matches, pd.DataFrame(rows, columns=list(self.PICKER_COLUMNS))

    def names_version(self) -> str:
        """A key that changes whenever a document or an actor is added or edited (and only
        then; a status change leaves it), for caching what pickers and pages name them by:
        the count and the summed versions of each table (rows are never deleted, and every
        edit adds one to its row's version)."""
        return self.db.conn.execute(
            "SELECT (SELECT count(*) || ':' || coalesce(sum(version), 0) FROM documents) || '/' || "
            "(SELECT count(*) || ':' || coalesce(sum(version), 0) FROM actors)").fetchone()[0]
