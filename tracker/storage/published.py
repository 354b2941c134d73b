"""The published SQLite file (``tracker publish``), kept beside the editions and brought up to
date in place, and read for the edition's CSV files.

The first publish (and any publish after the schema or the staff roles changed) makes it whole
with ``Store.publishable_copy``: a backup without the unpublished tables, who recorded what
named by role, vacuumed. Every later publish patches the kept copy instead, which at 100,000
items takes seconds where the copy and its VACUUM take minutes: the record's append-only tables
(history, deadline revisions) get the rows added since, and every other public table gets the
rows that differ from the record's (SQLite's ``EXCEPT`` finds them) and loses the rows gone
from it. ``secure_delete`` zeroes what a patch deletes, so an edited text does not linger in
free pages of the published file.

This module reads the record through its own read-only connection; the patch is used only when
that connection sees the same data version as the publish's own read transaction, so the file
matches the edition's pages (else the whole copy is made inside the publish's transaction).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .reads import Reads
from .shared import SEED_RECORDER

if TYPE_CHECKING:
    from ..store import Store

#: Bumped when the way the copy is made changes: the next publish makes it whole. 2: without
#: the status periods (``Reads.DERIVED_TABLES``).
VERSION = 2


def _recorder(roles: dict[str, str]):
    """Who recorded a row, as the published copy names it (``Exchange.publishable_copy``'s
    rule): the account's role, "seed" for the first dataset, "staff" for an account since
    removed; never the username."""
    def named(name: str | None) -> str | None:
        if name is None:
            return None
        return SEED_RECORDER if name == SEED_RECORDER else roles.get(name, "staff")
    return named


def _stamp(store: Store, roles: dict[str, str]) -> dict:
    schema = store.db.conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    public = Reads.PUBLIC_TABLES - Reads.DERIVED_TABLES
    return {"version": VERSION, "roles": sorted(roles.items()),
            "schema": [list(row) for row in schema if row[2] in public]}


def published_copy(store: Store, path: Path, *, data_version: int) -> tuple[Path, bool]:
    """The published SQLite file at ``path`` as of ``data_version`` (the publish's read
    transaction); whether it was patched (True) or made whole (False)."""
    roles = store.staff_roles()
    stamp = _stamp(store, roles)
    state = path.with_name(path.name + ".json")
    try:
        kept = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = None
    if kept == stamp and path.is_file() and store.path.is_file():
        try:
            if _patch(store.path, path, roles, data_version):
                return path, True
        except sqlite3.Error:
            pass
    state.unlink(missing_ok=True)
    fresh = path.with_name(path.name + ".new")
    store.publishable_copy(fresh)
    os.replace(fresh, path)
    state.write_text(json.dumps(stamp), encoding="utf-8")
    return path, False


def _patch(source: Path, path: Path, roles: dict[str, str], data_version: int) -> bool:
    conn = sqlite3.connect(str(path), isolation_level=None, uri=True)
    try:
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.create_function("recorder", 1, _recorder(roles), deterministic=True)
        conn.execute("ATTACH DATABASE ? AS src", (f"{source.resolve().as_uri()}?mode=ro",))
        conn.execute("BEGIN")
        seen = conn.execute("SELECT value FROM src.meta WHERE key = 'data_version'").fetchone()
        if seen is None or seen[0] != data_version:
            conn.execute("ROLLBACK")
            return False
        triggers = conn.execute("SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger'").fetchall()
        append_only = {name.split("_append_only")[0] for name, _ in triggers if "_append_only" in name}
        for name, _ in triggers:
            conn.execute(f"DROP TRIGGER main.[{name}]")
        mapped = {}
        for table, column in Reads.RECORDER_COLUMNS:
            mapped.setdefault(table, set()).add(column)
        tables = [r[0] for r in conn.execute(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            columns = [c[1] for c in conn.execute(f"PRAGMA main.table_info([{table}])")]
            if columns != [c[1] for c in conn.execute(f"PRAGMA src.table_info([{table}])")]:
                conn.execute("ROLLBACK")
                return False
            listed = ", ".join(f"[{c}]" for c in columns)
            chosen = ", ".join(f"recorder([{c}])" if c in mapped.get(table, ()) else f"[{c}]" for c in columns)
            sql = conn.execute("SELECT sql FROM main.sqlite_master WHERE name = ?", (table,)).fetchone()[0] or ""
            if "WITHOUT ROWID" in sql.upper():  # small: replaced whole
                conn.execute(f"DELETE FROM main.[{table}]")
                conn.execute(f"INSERT INTO main.[{table}] ({listed}) SELECT {chosen} FROM src.[{table}]")
            elif table in append_only:  # rows are only ever added
                conn.execute(f"INSERT INTO main.[{table}] (rowid, {listed}) SELECT rowid, {chosen} FROM src.[{table}] "
                             f"WHERE rowid > (SELECT coalesce(max(rowid), 0) FROM main.[{table}]) ORDER BY rowid")
            else:
                conn.execute(f"DELETE FROM main.[{table}] WHERE rowid NOT IN (SELECT rowid FROM src.[{table}])")
                conn.execute(f"INSERT OR REPLACE INTO main.[{table}] (rowid, {listed}) SELECT * FROM ("
                             f"SELECT rowid, {chosen} FROM src.[{table}] EXCEPT SELECT rowid, {listed} "
                             f"FROM main.[{table}])")
            counts = conn.execute(f"SELECT (SELECT count(*) FROM main.[{table}]), "
                                  f"(SELECT count(*) FROM src.[{table}])").fetchone()
            if counts[0] != counts[1]:  # not append-only after all: make it whole
                conn.execute("ROLLBACK")
                return False
        for _, sql in triggers:
            if sql:
                conn.execute(sql)
        conn.execute("COMMIT")
        return True
    finally:
        conn.close()


class PublishedRows:
    """Reads of the published copy at ``path`` (read-only) for the edition's CSV files: who
    recorded each row is already named by role there."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)

    def close(self) -> None:
        self.conn.close()

    def extent(self, table: str, *, above: int = 0, upto: int | None = None) -> tuple[int, int]:
        """How many rows of ``table`` have a rowid above ``above`` (and at most ``upto``), and
        the largest (0 when none)."""
        _check(table)
        if upto is None:
            return self.conn.execute(f"SELECT count(*), coalesce(max(rowid), 0) FROM [{table}] WHERE rowid > ?",
                                     (above,)).fetchone()
        return self.conn.execute(f"SELECT count(*), coalesce(max(rowid), 0) FROM [{table}] "
                                 "WHERE rowid > ? AND rowid <= ?", (above, upto)).fetchone()

    def rows(self, table: str, columns: list[str], *, above: int = 0, upto: int | None = None) -> Iterator[tuple]:
        """The ``columns`` of ``table``'s rows with a rowid above ``above`` (and at most
        ``upto``), in entry order. For ``assessments``, ``CORRECTION_COLUMNS`` may be among them:
        each row then says whether it was marked as mistaken (issue 13)."""
        _check(table)
        known = {c[1] for c in self.conn.execute(f"PRAGMA table_info([{table}])")}
        extra = CORRECTION_COLUMNS if table == "assessments" else {}
        if not set(columns) <= known | set(extra):
            raise ValueError(f"{table!r} has no column {sorted(set(columns) - known - set(extra))}")
        selected = ", ".join(extra[c] if c in extra else f"t.[{c}]" for c in columns)
        join = (" LEFT JOIN assessment_corrections c ON c.assessment_id = t.id"
                if any(c in extra for c in columns) else "")
        bound = "" if upto is None else f" AND t.rowid <= {int(upto)}"
        yield from self.conn.execute(f"SELECT {selected} FROM [{table}] t{join} WHERE t.rowid > ?{bound} "
                                     "ORDER BY t.rowid", (above,))

    def corrections(self, *, above: int = 0, upto: int | None = None) -> int:
        """How many assessments with an id above ``above`` (and at most ``upto``) are marked as
        mistaken: corrections are append-only, so the same count means the same corrections, and
        a CSV member of those rows made before is still right."""
        bound = "" if upto is None else f" AND assessment_id <= {int(upto)}"
        return self.conn.execute(f"SELECT count(*) FROM assessment_corrections WHERE assessment_id > ?{bound}",
                                 (above,)).fetchone()[0]


#: history.csv's correction columns (issue 13), read beside each assessment from
#: ``assessment_corrections`` (who corrected it is already named by role in the published copy).
CORRECTION_COLUMNS = {
    "corrected": "CASE WHEN c.assessment_id IS NULL THEN 'no' ELSE 'yes' END",
    "correction_reason": "c.reason",
    "corrected_by": "c.corrected_by",
    "corrected_at": "c.corrected_at",
}


def _check(table: str) -> None:
    if table not in Reads.PUBLIC_TABLES:
        raise ValueError(f"{table!r} is not a public table")
