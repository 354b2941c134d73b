"""Storage: ``Store``, the one way into a tracker database.

``Store`` opens a SQLite file, applies outstanding migrations, and offers every read and write
the tracker needs. It is a facade: each concern lives in its own module of ``tracker.storage``
(connection, schema, record writes, reads, the exchange format, accounts), the only package
that speaks SQL. Writes run in ``BEGIN IMMEDIATE`` transactions (see ``tracker.storage.connection``).
"""

from __future__ import annotations

from .storage.accounts import Accounts, sign_in_key
from .storage.connection import (
    BUSY_TIMEOUT_SECONDS,
    DEFAULT_DB_ENV,
    DEFAULT_DB_PATH,
    WAL_SIZE_LIMIT,
    Connection,
    _storage_fault,  # noqa: F401  (tests raise it as the store does)
    resolve_db_path,
)
from .storage.exchange import Exchange
from .storage.reads import Reads
from .storage.records import RecordWrites
from .storage.schema import COUNTED_ASSESSMENTS, migrations
from .storage.shared import SEED_RECORDER, SIGN_IN_ACTIONS

__all__ = [
    "BUSY_TIMEOUT_SECONDS", "COUNTED_ASSESSMENTS", "DEFAULT_DB_ENV", "DEFAULT_DB_PATH", "SEED_RECORDER",
    "SIGN_IN_ACTIONS",
    "WAL_SIZE_LIMIT", "Store", "migrations", "resolve_db_path", "sign_in_key",
]


class Store(Connection, RecordWrites, Reads, Exchange, Accounts):
    """A tracker database. Opening it applies any outstanding migration.

    Not thread-safe: open one Store per thread (a Streamlit script run, a worker process).
    """
