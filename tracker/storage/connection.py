"""The database file: where it is, opening it (busy timeout, WAL, refusing a foreign file),
write transactions (``BEGIN IMMEDIATE``) and storage faults as plain sentences, the data
version, the audit log writer, backups and maintenance.

Writes run in ``BEGIN IMMEDIATE`` transactions: taking the write lock up front means a writer
waits (busy timeout) instead of failing half-way when another process committed between its
read and its write, which plain deferred ``BEGIN`` allows in WAL mode.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Self

import pandas as pd
import sqlite_utils

from ..errors import AlreadyExistsError, DatabaseBusyError, DatabaseUnavailableError, NotATrackerDatabaseError
from .periods import PERIOD_TABLES_MADE_BY
from .schema import migrations
from .shared import _now, _utc_text

DEFAULT_DB_ENV = "TRACKER_DB"
DEFAULT_DB_PATH = Path("data") / "tracker.db"
BUSY_TIMEOUT_SECONDS = 30.0


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database path: ``explicit`` (``--db``), else ``$TRACKER_DB``, else ``data/tracker.db``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DEFAULT_DB_ENV)
    if env:
        return Path(env)
    return DEFAULT_DB_PATH


#: What a WAL file is cut back to after a checkpoint (see ``Store.__init__``).
WAL_SIZE_LIMIT = 16 * 1024 * 1024


def _storage_fault(exc: sqlite3.OperationalError) -> Exception:
    """A storage error as a plain sentence (DatabaseUnavailableError), or ``exc`` itself."""
    text = str(exc).lower()
    if "full" in text:
        return DatabaseUnavailableError("the disk holding the database is full: nothing was saved")
    if "readonly" in text or "read-only" in text:
        return DatabaseUnavailableError("the database cannot be written (it is read-only): nothing was saved")
    if "locked" in text or "busy" in text:
        return DatabaseBusyError("the database is busy with other writers; please try again")
    if "disk i/o" in text or "unable to open" in text or "no such table" in text:
        return DatabaseUnavailableError(f"the database cannot be read or written ({exc}): nothing was saved")
    return exc


#: The database files this process has opened and found fully migrated, each with its schema
#: version then: (device, inode) -> ``PRAGMA schema_version``. Reading which migrations are
#: applied inspects the schema (10 to 20 ms an open), and the dashboard opens a store for every
#: cache miss (seven after a write on a staff page); a file whose schema has not changed since
#: (the counter SQLite bumps on every schema change, a migration's included) is checked once.
#: A file replaced under the same name has another inode and is checked again.
_MIGRATED: dict[tuple[int, int], int] = {}


class Connection:
    """The open database and its transactions (see ``Store``)."""

    def __init__(self, path: str | os.PathLike, *, migrate: bool = True, create: bool = True):
        """Open (with ``create``, make) the database at ``path`` and apply any outstanding
        migrations. The running dashboard passes ``create=False``: a database deleted under it
        is then DatabaseUnavailableError ("missing"), not silently a new empty one."""
        self.path = Path(path)
        if str(path) != ":memory:" and create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        if str(path) != ":memory:" and not create and not self.path.is_file():
            raise DatabaseUnavailableError(f"the database {path} is missing")
        try:
            conn = sqlite3.connect(
                str(path) if create or str(path) == ":memory:" else f"{self.path.resolve().as_uri()}?mode=rw",
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                check_same_thread=False,
                uri=not create and str(path) != ":memory:",
            )
        except sqlite3.OperationalError as exc:
            raise DatabaseUnavailableError(f"cannot open the database {path}: {exc}") from None
        file_key = None
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            self.db = sqlite_utils.Database(conn)
            if str(path) != ":memory:" and self.path.is_file():
                stat = self.path.stat()
                file_key = (stat.st_dev, stat.st_ino)
                schema_version = conn.execute("PRAGMA schema_version").fetchone()[0]
                if schema_version and _MIGRATED.get(file_key) == schema_version:
                    # Opened and migrated before by this process, its schema unchanged since.
                    conn.execute("PRAGMA synchronous = NORMAL")
                    conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
                    return
            # Checked before anything is set: switching to WAL already rewrites the file header.
            applied = self.applied_migrations()
            foreign = [] if applied else self.db.table_names()
            if not create and not applied and not foreign:
                conn.close()
                raise DatabaseUnavailableError(f"the database {path} is empty: run `tracker init` first")
            # A table its migration made, gone: a published copy (``publishable_copy`` drops the
            # periods), refused before anything is set (WAL would rewrite its header) and before
            # any later migration could fail on the missing table.
            missing = [t for t, made_by in PERIOD_TABLES_MADE_BY.items()
                       if made_by in applied and not self.db[t].exists()]
            if missing:
                conn.close()
                raise NotATrackerDatabaseError(
                    f"{path} is a published copy of a tracker database, for reading with sqlite3 or Datasette: "
                    f"it leaves out the tables the tracker derives from the history ({', '.join(missing)}), "
                    "so the tracker does not open it. To work on the record, use a backup of the tracker's "
                    "own database (`tracker backup`), or, for a record within the import's limits, import "
                    "the edition's data/tracker.json.gz, uncompressed, into a new database (`tracker init "
                    "--empty`, then `tracker import`)"
                )
            if not foreign and str(path) != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
                # A long reader lets the WAL grow (129 MB seen); once a checkpoint has caught up,
                # the next writer truncates it back to this (issue 11).
                conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
        except sqlite3.OperationalError as exc:  # "unable to open database file", "locked"
            conn.close()
            raise DatabaseUnavailableError(f"cannot open the database {path}: {exc}") from None
        except sqlite3.DatabaseError as exc:  # "file is not a database"
            conn.close()
            raise NotATrackerDatabaseError(f"{path} is not a tracker database ({exc})") from None
        if foreign:
            # A mistyped --db must not turn another application's database into ours.
            conn.close()
            shown = ", ".join(sorted(foreign)[:3]) + (", ..." if len(foreign) > 3 else "")
            raise NotATrackerDatabaseError(
                f"{path} is not a tracker database: it holds other tables ({shown}) and none of ours"
            )
        if migrate:
            self.migrate()
            if file_key is not None:
                _MIGRATED[file_key] = conn.execute("PRAGMA schema_version").fetchone()[0]

    # -- lifecycle ---------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply outstanding migrations; returns the names applied."""
        if not migrations.pending(self.db):
            return []
        # Two processes opening a fresh file at once must not both create the schema: the
        # write lock is taken first and the pending list re-read under it. Each migration's
        # own atomic() block then runs as a savepoint inside this transaction.
        with self._write():
            pending = [m.name for m in migrations.pending(self.db)]
            migrations.apply(self.db)
        return pending

    def applied_migrations(self) -> list[str]:
        return [m.name for m in migrations.applied(self.db)]

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise DatabaseBusyError(
                    "the database is busy with other writers; please try again"
                ) from exc
            raise _storage_fault(exc) from exc
        try:
            yield conn
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise _storage_fault(exc) from exc
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise _storage_fault(exc) from exc

    def _bump_version(self, conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")

    def _audit(
        self,
        conn: sqlite3.Connection,
        by: str,
        action: str,
        entity: str,
        entity_id: str,
        before: Any = None,
        after: Any = None,
        at: dt.datetime | None = None,
    ) -> None:
        conn.execute(
            "INSERT INTO audit_log (at, username, action, entity, entity_id, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                _now() if at is None else _utc_text(at),
                by,
                action,
                entity,
                entity_id,
                None if before is None else json.dumps(before, default=str, sort_keys=True),
                None if after is None else json.dumps(after, default=str, sort_keys=True),
            ),
        )

    def data_version(self) -> int:
        """A counter bumped by every committed write: the key for cached reads."""
        return self.db.conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]

    def is_empty(self) -> bool:
        one = self.db.conn.execute(
            "SELECT (SELECT count(*) FROM items) + (SELECT count(*) FROM documents) "
            "+ (SELECT count(*) FROM actors)"
        ).fetchone()[0]
        return one == 0

    def backup(self, destination: str | os.PathLike, *, replace: bool = False) -> Path:
        """Copy the database with SQLite's online backup API (safe while others write).

        Refuses an existing ``destination`` unless ``replace`` (which is how a restore writes a
        backup over the live database: the backup API replaces its pages in one transaction).
        """
        destination = Path(destination)
        if destination.exists() and not replace:
            raise AlreadyExistsError(f"{destination} already exists; choose a new file name")
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            target = sqlite3.connect(str(destination), timeout=BUSY_TIMEOUT_SECONDS)
        except (OSError, sqlite3.OperationalError) as exc:
            raise DatabaseUnavailableError(f"cannot write to {destination}: {exc}") from None
        try:
            self.db.conn.backup(target)
        except sqlite3.OperationalError as exc:
            raise DatabaseUnavailableError(f"cannot write to {destination}: {exc}") from None
        finally:
            target.close()
        return destination

    def _rows(self, sql: str, params: Any = ()) -> list[dict]:
        cursor = self.db.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def _frame(self, sql: str, params: Any = ()) -> pd.DataFrame:
        cursor = self.db.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return pd.DataFrame.from_records(cursor.fetchall(), columns=names)

    # -- maintenance -------------------------------------------------------

    def integrity_check(self) -> str:
        return self.db.conn.execute("PRAGMA integrity_check").fetchone()[0]

    def counts(self) -> dict[str, int]:
        tables = ("actors", "documents", "items", "assessments", "links", "deadline_revisions", "users")
        return {t: self.db.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
