"""Storage: the one module that speaks SQL.

``Store`` opens a SQLite file, applies outstanding migrations, and offers every read and write
the tracker needs. Writes run in ``BEGIN IMMEDIATE`` transactions: taking the write lock up
front means a writer waits (busy timeout) instead of failing half-way when another process
committed between its read and its write, which plain deferred ``BEGIN`` allows in WAL mode.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import sqlite_utils
from pydantic import TypeAdapter, ValidationError
from sqlite_utils.migrations import Migrations

from . import status as status_rules
from .errors import (
    AlreadyExistsError,
    DatabaseBusyError,
    DatabaseUnavailableError,
    ImportRejectedError,
    InvalidInputError,
    NotATrackerDatabaseError,
    NotFoundError,
    StatusUpdatesRefusedError,
    VersionConflictError,
)
from .models import (
    Actor,
    Assessment,
    Bundle,
    Correction,
    CorrectionRecord,
    CurrentStatus,
    DatePrecision,
    DeadlineRevision,
    Document,
    HistoryEntry,
    ImplementationStatus,
    ItemFields,
    ItemIn,
    ItemKind,
    ItemLink,
    ItemRecord,
    LifecycleStatus,
    Link,
    LinkKind,
    PartialDate,
    ResponseStatus,
    ShortText,
    StatusUpdate,
    User,
    UserIn,
    assessment_before_made_problem,
    describe_validation_error,
)
from .source_text import SourceText, normalise_for_quote_check, quote_not_found_message

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


# ---------------------------------------------------------------------------
# Migrations: an ordered list of named functions, applied on open
# ---------------------------------------------------------------------------

migrations = Migrations("tracker")

_APPEND_ONLY = """
CREATE TRIGGER {table}_append_only_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows cannot be changed'); END;
CREATE TRIGGER {table}_append_only_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows cannot be deleted'); END;
"""


@migrations(name="001_initial_schema")
def _m001_initial_schema(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO meta (key, value) VALUES ('data_version', 0);

        CREATE TABLE actors (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            description TEXT,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            publisher TEXT NOT NULL,
            kind TEXT NOT NULL,
            published_start TEXT NOT NULL,
            published_precision TEXT NOT NULL,
            url TEXT,
            reported_in TEXT REFERENCES documents(id),
            text_file TEXT,
            version INTEGER NOT NULL DEFAULT 1
        );
        -- status, response, implementation, last_* and deadline_* are a cache of the latest
        -- assessment and deadline revision, rewritten in the same transaction as the history
        -- row, so lists and counts need no scan of the history. The history is the truth.
        CREATE TABLE items (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('commitment', 'recommendation', 'finding', 'call')),
            title TEXT NOT NULL,
            quote TEXT NOT NULL,
            document_id TEXT NOT NULL REFERENCES documents(id),
            origin_document_id TEXT REFERENCES documents(id),
            made_start TEXT NOT NULL,
            made_precision TEXT NOT NULL,
            done_when TEXT,
            status TEXT,
            response TEXT,
            implementation TEXT,
            last_assessed_on TEXT,
            last_evidence TEXT,
            last_evidence_url TEXT,
            deadline_start TEXT,
            deadline_precision TEXT,
            deadline_end TEXT,
            version INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX items_kind ON items(kind);
        CREATE INDEX items_status ON items(kind, status, response, implementation);
        CREATE INDEX items_document ON items(document_id);
        CREATE INDEX items_made ON items(made_start);

        CREATE TABLE item_actors (
            item_id TEXT NOT NULL REFERENCES items(id),
            role TEXT NOT NULL CHECK (role IN ('maker', 'owner')),
            actor_id TEXT NOT NULL REFERENCES actors(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (item_id, role, actor_id)
        );
        CREATE INDEX item_actors_actor ON item_actors(actor_id, role);

        CREATE TABLE item_themes (
            item_id TEXT NOT NULL REFERENCES items(id),
            theme TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (item_id, theme)
        );
        CREATE INDEX item_themes_theme ON item_themes(theme);

        CREATE TABLE assessments (
            id INTEGER PRIMARY KEY,
            item_id TEXT NOT NULL REFERENCES items(id),
            status TEXT,
            response TEXT,
            implementation TEXT,
            evidence TEXT NOT NULL,
            evidence_url TEXT,
            evidence_document_id TEXT REFERENCES documents(id),
            assessed_on TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX assessments_item ON assessments(item_id, assessed_on, id);
        CREATE INDEX assessments_assessed_on ON assessments(assessed_on);

        CREATE TABLE deadline_revisions (
            id INTEGER PRIMARY KEY,
            item_id TEXT NOT NULL REFERENCES items(id),
            deadline_start TEXT,
            deadline_precision TEXT,
            reason TEXT NOT NULL,
            revised_on TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX deadline_revisions_item ON deadline_revisions(item_id, revised_on, id);

        CREATE TABLE links (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL REFERENCES items(id),
            kind TEXT NOT NULL,
            target_id TEXT NOT NULL REFERENCES items(id),
            note TEXT,
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (source_id, kind, target_id)
        );
        CREATE INDEX links_target ON links(target_id);

        CREATE TABLE users (
            username TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            email TEXT UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
            password_hash TEXT,
            disabled INTEGER NOT NULL DEFAULT 0,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            created_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            username TEXT NOT NULL REFERENCES users(username),
            created_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            ended_at TEXT
        );

        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            username TEXT NOT NULL,
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            before TEXT,
            after TEXT
        );
        CREATE INDEX audit_log_at ON audit_log(at);
        CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
        """
    )
    for table in ("assessments", "deadline_revisions", "audit_log"):
        db.executescript(_APPEND_ONLY.format(table=table))


# Items per group and status, for the overview's counts and scorecards at any size: kept exact
# by triggers, so every writer (record_assessment, import_bundle, update_item, a bare SQL
# statement) updates them in the same transaction as the rows they count, and a read touches a
# few hundred rows instead of every item. ``dimension`` is what an item is grouped by; ``grp``
# is '' for "none recorded" (an item with no owner, no theme) and for the ``all`` dimension;
# statuses are '' when missing. A group an item leaves keeps its row with ``n = 0``.
_GROUP_DIMENSIONS = ("all", "document", "owner", "maker", "accountable", "theme")
_ACTOR_DIMENSIONS = ("owner", "maker", "accountable")
#: Whose items a commitment or call without owners is held against: its makers.
_HELD_BY_MAKERS = "('commitment', 'call')"


def _groups_of(item: str, kind: str, document: str, dimensions: tuple[str, ...]) -> str:
    """SQL listing (dimension, grp) for the item whose id is the SQL expression ``item``."""
    arms = []
    for dim in dimensions:
        if dim == "all":
            arms.append("SELECT 'all' AS dimension, '' AS grp")
        elif dim == "document":
            arms.append(f"SELECT 'document' AS dimension, {document} AS grp")
        elif dim in ("owner", "maker"):
            has = f"item_id = {item} AND role = '{dim}'"
            arms.append(f"SELECT '{dim}' AS dimension, actor_id AS grp FROM item_actors WHERE {has}")
            arms.append(f"SELECT '{dim}', '' WHERE NOT EXISTS (SELECT 1 FROM item_actors WHERE {has})")
        elif dim == "accountable":
            held = (
                f"item_id = {item} AND (role = 'owner' OR (role = 'maker' AND {kind} IN {_HELD_BY_MAKERS} "
                f"AND NOT EXISTS (SELECT 1 FROM item_actors WHERE item_id = {item} AND role = 'owner')))"
            )
            arms.append(f"SELECT 'accountable' AS dimension, actor_id AS grp FROM item_actors WHERE {held}")
            arms.append(f"SELECT 'accountable', '' WHERE NOT EXISTS (SELECT 1 FROM item_actors WHERE {held})")
        elif dim == "theme":
            arms.append(f"SELECT 'theme' AS dimension, theme AS grp FROM item_themes WHERE item_id = {item}")
            arms.append(f"SELECT 'theme', '' WHERE NOT EXISTS (SELECT 1 FROM item_themes WHERE item_id = {item})")
    return " UNION ALL ".join(arms)


def _count_change(sign: int, row: str, *, item_of: str = "id", dimensions=_GROUP_DIMENSIONS,
                  guard: str = "true") -> str:
    """An upsert adding ``sign`` to every group of one item, for a trigger body.

    ``row`` is OLD or NEW. On ``items`` the row holds the status itself; on ``item_actors`` and
    ``item_themes`` (``item_of="item_id"``) the item's status is looked up.
    """
    item = f"{row}.{item_of}"
    if item_of == "id":
        kind, status, response, implementation, document = (
            f"{row}.{c}" for c in ("kind", "status", "response", "implementation", "document_id"))
    else:
        kind, status, response, implementation, document = (
            f"(SELECT {c} FROM items WHERE id = {item})"
            for c in ("kind", "status", "response", "implementation", "document_id"))
    return f"""
        INSERT INTO item_group_counts (dimension, grp, kind, status, response, implementation, n)
        SELECT g.dimension, g.grp, coalesce({kind}, ''), coalesce({status}, ''), coalesce({response}, ''),
               coalesce({implementation}, ''), {sign}
        FROM ({_groups_of(item, kind, document, dimensions)}) AS g WHERE {guard}
        ON CONFLICT (dimension, grp, kind, status, response, implementation) DO UPDATE SET n = n + excluded.n;
    """


def _group_count_triggers() -> list[str]:
    statuses = ("kind", "status", "response", "implementation", "document_id")
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in statuses)
    triggers = [
        f"CREATE TRIGGER item_group_counts_item_insert AFTER INSERT ON items BEGIN "
        f"{_count_change(1, 'NEW')} END",
        f"CREATE TRIGGER item_group_counts_item_update AFTER UPDATE OF {', '.join(statuses)} ON items "
        f"WHEN {changed} BEGIN {_count_change(-1, 'OLD')} {_count_change(1, 'NEW')} END",
        f"CREATE TRIGGER item_group_counts_item_delete BEFORE DELETE ON items BEGIN "
        f"{_count_change(-1, 'OLD')} END",
    ]
    # A row in item_actors or item_themes changes an item's groups: take the item out of its
    # groups before the change and put it back into its new ones after.
    for table, dims in (("item_actors", _ACTOR_DIMENSIONS), ("item_themes", ("theme",))):
        def change(sign: int, row: str, guard: str = "true") -> str:
            return _count_change(sign, row, item_of="item_id", dimensions=dims, guard=guard)

        other = "NEW.item_id IS NOT OLD.item_id"
        triggers += [
            f"CREATE TRIGGER {table}_counts_insert_before BEFORE INSERT ON {table} BEGIN {change(-1, 'NEW')} END",
            f"CREATE TRIGGER {table}_counts_insert_after AFTER INSERT ON {table} BEGIN {change(1, 'NEW')} END",
            f"CREATE TRIGGER {table}_counts_delete_before BEFORE DELETE ON {table} BEGIN {change(-1, 'OLD')} END",
            f"CREATE TRIGGER {table}_counts_delete_after AFTER DELETE ON {table} BEGIN {change(1, 'OLD')} END",
            f"CREATE TRIGGER {table}_counts_update_before BEFORE UPDATE ON {table} BEGIN "
            f"{change(-1, 'OLD')} {change(-1, 'NEW', other)} END",
            f"CREATE TRIGGER {table}_counts_update_after AFTER UPDATE ON {table} BEGIN "
            f"{change(1, 'OLD')} {change(1, 'NEW', other)} END",
        ]
    return triggers


def _recount_groups_sql() -> str:
    """The whole of item_group_counts computed from scratch (for the backfill and checks)."""
    status = "i.kind, coalesce(i.status, ''), coalesce(i.response, ''), coalesce(i.implementation, '')"
    named = ("i.kind AS kind, coalesce(i.status, '') AS status, coalesce(i.response, '') AS response, "
             "coalesce(i.implementation, '') AS implementation")
    has_owner = "EXISTS (SELECT 1 FROM item_actors o WHERE o.item_id = i.id AND o.role = 'owner')"
    held = f"(a.role = 'owner' OR (a.role = 'maker' AND i.kind IN {_HELD_BY_MAKERS} AND NOT {has_owner}))"
    return f"""
        SELECT dimension, grp, kind, status, response, implementation, count(*) AS n FROM (
            SELECT 'all' AS dimension, '' AS grp, {named} FROM items i
            UNION ALL SELECT 'document', i.document_id, {status} FROM items i
            UNION ALL SELECT a.role, a.actor_id, {status} FROM item_actors a JOIN items i ON i.id = a.item_id
            UNION ALL SELECT 'owner', '', {status} FROM items i WHERE NOT {has_owner}
            UNION ALL SELECT 'maker', '', {status} FROM items i WHERE NOT EXISTS (
                SELECT 1 FROM item_actors m WHERE m.item_id = i.id AND m.role = 'maker')
            UNION ALL SELECT 'accountable', a.actor_id, {status}
                FROM item_actors a JOIN items i ON i.id = a.item_id WHERE {held}
            UNION ALL SELECT 'accountable', '', {status} FROM items i WHERE NOT EXISTS (
                SELECT 1 FROM item_actors a WHERE a.item_id = i.id AND {held})
            UNION ALL SELECT 'theme', t.theme, {status} FROM item_themes t JOIN items i ON i.id = t.item_id
            UNION ALL SELECT 'theme', '', {status} FROM items i WHERE NOT EXISTS (
                SELECT 1 FROM item_themes t WHERE t.item_id = i.id)
        )
        GROUP BY 1, 2, 3, 4, 5, 6
    """


@migrations(name="002_summaries_for_scale")
def _m002_summaries_for_scale(db: sqlite_utils.Database) -> None:
    """Pre-aggregated counts, people and themes on the item row, and covering indexes, so the
    overview and the tracker table stay fast at 100,000 items."""
    statements = [
        """
        CREATE TABLE item_group_counts (
            dimension TEXT NOT NULL,
            grp TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            response TEXT NOT NULL,
            implementation TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (dimension, grp, kind, status, response, implementation)
        ) WITHOUT ROWID
        """,
        f"INSERT INTO item_group_counts {_recount_groups_sql()}",
        *_group_count_triggers(),
        # makers, owners and themes ("; "-joined, in entry order) cached on the item row like its
        # status: written with item_actors and item_themes, so a list of items is one table scan.
        "ALTER TABLE items ADD COLUMN makers TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE items ADD COLUMN owners TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE items ADD COLUMN themes TEXT NOT NULL DEFAULT ''",
        """
        UPDATE items SET
            makers = coalesce((SELECT group_concat(actor_id, '; ') FROM (SELECT actor_id FROM item_actors
                WHERE item_id = items.id AND role = 'maker' ORDER BY position)), ''),
            owners = coalesce((SELECT group_concat(actor_id, '; ') FROM (SELECT actor_id FROM item_actors
                WHERE item_id = items.id AND role = 'owner' ORDER BY position)), ''),
            themes = coalesce((SELECT group_concat(theme, '; ') FROM (SELECT theme FROM item_themes
                WHERE item_id = items.id ORDER BY position)), '')
        """,
        # Overdue counts (open items whose deadline ended) and the longest-open list read these
        # without touching the wide item rows.
        "CREATE INDEX items_deadline_status ON items(deadline_end, kind, status, response, implementation)",
        "CREATE INDEX items_made_status ON items(made_start, id, kind, status, response, implementation)",
    ]
    # One statement at a time: executescript would commit the migration's transaction half-way.
    for statement in statements:
        db.execute(statement)


#: Joins the searched fields in ``items.search_text``; a search containing it tests each field.
_FIELD_SEPARATOR = "\x1f"
#: The fields 003 searched: that migration runs on tables without the later ones.
_SEARCHED_FIELDS_003 = ("id", "title", "quote", "makers", "owners", "themes", "document_id")
#: Every searched field: 009b added the item's reference within its document ("R4").
_SEARCHED_FIELDS = (*_SEARCHED_FIELDS_003, "reference")


def _search_text(*fields: str | None) -> str:
    """The searched fields of an item, lower-cased (Python's Unicode rules), joined."""
    return _FIELD_SEPARATOR.join((field or "").lower() for field in fields)


@migrations(name="003_search_text")
def _m003_search_text(db: sqlite_utils.Database) -> None:
    """The tracker's text search as one substring test in SQLite per item (C speed), instead
    of lower-casing ~500 characters of each item in Python on every search."""
    db.execute("ALTER TABLE items ADD COLUMN search_text TEXT NOT NULL DEFAULT ''")
    db.conn.create_function("tracker_search_text", len(_SEARCHED_FIELDS_003), _search_text, deterministic=True)
    db.execute(f"UPDATE items SET search_text = tracker_search_text({', '.join(_SEARCHED_FIELDS_003)})")


def sign_in_key(name: str) -> str:
    """What ``sign_in_attempts`` is keyed by: the SHA-256 of a normalised typed username.

    The table then holds no typed text (a password typed into the username box, a megabyte of
    an attacker's text) and every row is the same small size.
    """
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()


#: How long a failure count was remembered when 004 carried the old per-account counts over
#: (``SignInPolicy.forget_after``'s default then).
_CARRIED_COUNT_LIFETIME = dt.timedelta(hours=1)


@migrations(name="004_sign_in_attempts")
def _m004_sign_in_attempts(db: sqlite_utils.Database) -> None:
    """Sign-in throttling per typed name, account or not.

    Counting failures on the users row throttled only real accounts, so five tries told anyone
    whether a username exists ("locked" or still "wrong"). The counts move to their own table,
    where any name typed gets one; the old columns stay (dropping a column needs SQLite 3.35),
    zeroed and no longer read or written.
    """
    db.execute(
        """
        CREATE TABLE sign_in_attempts (
            name_key TEXT PRIMARY KEY,  -- sign_in_key(typed username)
            failures INTEGER NOT NULL,  -- counted attempts in a row (see SignInPolicy)
            wait_until TEXT,            -- no attempt is checked before this
            forget_at TEXT NOT NULL     -- from then the count is forgotten and the row deleted
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX sign_in_attempts_forget_at ON sign_in_attempts(forget_at)")
    now = dt.datetime.now(dt.timezone.utc)
    for username, failures, locked_until in db.execute(
        "SELECT username, failed_logins, locked_until FROM users WHERE failed_logins > 0"
    ).fetchall():
        until = dt.datetime.fromisoformat(locked_until) if locked_until else None
        if until is not None and until.tzinfo is None:
            until = until.replace(tzinfo=dt.timezone.utc)
        db.execute(
            "INSERT INTO sign_in_attempts (name_key, failures, wait_until, forget_at) VALUES (?, ?, ?, ?)",
            (sign_in_key(username), failures, _utc_text(until) if until else None,
             _utc_text(max(now, until or now) + _CARRIED_COUNT_LIFETIME)),
        )
    db.execute("UPDATE users SET failed_logins = 0, locked_until = NULL")


@migrations(name="005_browser_bound_sessions")
def _m005_browser_bound_sessions(db: sqlite_utils.Database) -> None:
    """Sessions a browser must claim, second factors, and who reported imported history.

    A password sign-in in the served dashboard opens a session that only the browser holding
    the sign-in page's cookie may claim, within a minute (``bind_browser``: the SHA-256 of that
    cookie; ``bind_until``); claiming it rotates its token into an HttpOnly cookie. Imported
    assessments keep what the file said about who recorded them in ``reported_by``, while
    ``recorded_by``/``recorded_at`` say who imported them and when.
    """
    db.execute("ALTER TABLE sessions ADD COLUMN bind_browser TEXT")
    db.execute("ALTER TABLE sessions ADD COLUMN bind_until TEXT")
    db.execute("CREATE INDEX sessions_bind_browser ON sessions(bind_browser) WHERE bind_browser IS NOT NULL")
    db.execute("CREATE INDEX sessions_open_by_user ON sessions(username) WHERE ended_at IS NULL")
    # A second factor: the TOTP secret, the last time step used (a code works once) and the
    # SHA-256 of each unused recovery code (a JSON list).
    db.execute("ALTER TABLE users ADD COLUMN totp_secret TEXT")
    db.execute("ALTER TABLE users ADD COLUMN totp_last_step INTEGER")
    db.execute("ALTER TABLE users ADD COLUMN recovery_hashes TEXT")
    db.execute("ALTER TABLE assessments ADD COLUMN reported_by TEXT")


@migrations(name="006_document_text")
def _m006_document_text(db: sqlite_utils.Database) -> None:
    """A document's own text, so quotes can be checked against it on every save and items
    proposed from it. Its own table, not a column of ``documents``: lists of documents are read
    on every page and must not drag megabytes of text along."""
    db.execute(
        """
        CREATE TABLE document_texts (
            document_id TEXT PRIMARY KEY REFERENCES documents(id),
            text TEXT NOT NULL,
            normalised TEXT NOT NULL,  -- normalise_for_quote_check(text): the check is one instr()
            chars INTEGER NOT NULL,
            source TEXT NOT NULL,      -- pasted, txt, html or pdf
            filename TEXT,
            sha256 TEXT NOT NULL,
            set_by TEXT NOT NULL,
            set_at TEXT NOT NULL
        )
        """
    )


@migrations(name="007_assessment_date_precision")
def _m007_assessment_date_precision(db: sqlite_utils.Database) -> None:
    """Evidence dated to a month or a year ("the progress report of March 2024"): ``assessed_on``
    stays the first day of the period (what ordering and "as of" compare), and this says how
    much of it is known. Every earlier assessment was dated to the day."""
    db.execute("ALTER TABLE assessments ADD COLUMN assessed_on_precision TEXT NOT NULL DEFAULT 'day'")


# -- issue 13: corrections, the assessments that count ---------------------------------------

#: The one definition of the assessments that count for a status or a figure: every assessment
#: that no correction marks as mistaken. Every read of assessments for a status (the item's
#: cached status, "as of" a date, timelines, the newest evidence) selects from this view; the
#: full history (``assessments``, with its corrections) is read only to show or export it.
COUNTED_ASSESSMENTS = "counted_assessments"


@migrations(name="009a_assessment_corrections")
def _m009a_assessment_corrections(db: sqlite_utils.Database) -> None:
    """Staff mark an assessment as mistaken, with a reason (issue 13). The history stays
    append-only: the assessment is kept, a correction row beside it says it no longer counts.
    One correction per assessment, itself append-only."""
    db.execute(
        """
        CREATE TABLE assessment_corrections (
            assessment_id INTEGER PRIMARY KEY REFERENCES assessments(id),
            reason TEXT NOT NULL,
            corrected_by TEXT NOT NULL,
            corrected_at TEXT NOT NULL
        )
        """
    )
    # One statement at a time (executescript would commit the migration's transaction).
    for action, verb in (("UPDATE", "changed"), ("DELETE", "deleted")):
        db.execute(
            f"CREATE TRIGGER assessment_corrections_append_only_{action.lower()} BEFORE {action} "
            "ON assessment_corrections BEGIN SELECT RAISE(ABORT, "
            f"'assessment_corrections is append-only: rows cannot be {verb}'); END"
        )
    db.execute(
        f"""
        CREATE VIEW {COUNTED_ASSESSMENTS} AS
        SELECT a.* FROM assessments a
        WHERE NOT EXISTS (SELECT 1 FROM assessment_corrections c WHERE c.assessment_id = a.id)
        """
    )


@migrations(name="009b_item_reference")
def _m009b_item_reference(db: sqlite_utils.Database) -> None:
    """An item's reference within its document ("Recommendation 4", "R4"; issue 13), shown,
    searched (it joins ``search_text``) and sorted by."""
    db.execute("ALTER TABLE items ADD COLUMN reference TEXT")
    # search_text gains an empty last field, so a search never matches across the join.
    db.execute("UPDATE items SET search_text = search_text || char(31)")


@migrations(name="009c_last_assessed_precision")
def _m009c_last_assessed_precision(db: sqlite_utils.Database) -> None:
    """How precisely the latest assessment's evidence is dated, cached beside ``last_assessed_on``
    like the rest of the current state (issue 13), so lists and CSV exports say "2025-07" for
    evidence known to the month."""
    db.execute("ALTER TABLE items ADD COLUMN last_assessed_precision TEXT")
    db.execute(
        """
        UPDATE items SET last_assessed_precision = (
            SELECT assessed_on_precision FROM counted_assessments WHERE item_id = items.id
            ORDER BY assessed_on DESC, id DESC LIMIT 1)
        WHERE last_assessed_on IS NOT NULL
        """
    )


@migrations(name="009d_document_answers")
def _m009d_document_answers(db: sqlite_utils.Database) -> None:
    """Documents that answer documents (issue 13): a government response *responds to* a report,
    a progress report *follows up* a report. One of each per document, like ``reported_in``."""
    db.execute("ALTER TABLE documents ADD COLUMN responds_to TEXT REFERENCES documents(id)")
    db.execute("ALTER TABLE documents ADD COLUMN follows_up TEXT REFERENCES documents(id)")
    db.execute("CREATE INDEX documents_responds_to ON documents(responds_to) WHERE responds_to IS NOT NULL")
    db.execute("CREATE INDEX documents_follows_up ON documents(follows_up) WHERE follows_up IS NOT NULL")


# ---------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------

_ITEM_LIST_COLUMNS = """
    i.id, i.kind, i.title, i.quote, i.document_id, i.origin_document_id,
    i.made_start, i.made_precision, i.done_when,
    i.deadline_start, i.deadline_precision, i.deadline_end,
    i.version
"""


#: The ids in the JSON list bound to ``:ids``, for ``... IN`` (one parameter for any number).
_LISTED_IDS = "(SELECT value FROM json_each(:ids))"


class Store:
    """A tracker database. Opening it applies any outstanding migration.

    Not thread-safe: open one Store per thread (a Streamlit script run, a worker process).
    """

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
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            self.db = sqlite_utils.Database(conn)
            # Checked before anything is set: switching to WAL already rewrites the file header.
            applied = self.applied_migrations()
            foreign = [] if applied else self.db.table_names()
            if not create and not applied and not foreign:
                conn.close()
                raise DatabaseUnavailableError(f"the database {path} is empty: run `tracker init` first")
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

    def __enter__(self) -> "Store":
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

    # -- actors and documents ----------------------------------------------

    def add_actor(self, actor: Actor, *, by: str) -> None:
        by = _recorder(by)
        with self._write() as conn:
            self._insert_actor(conn, actor)
            self._audit(conn, by, "create", "actor", actor.id, after=actor.model_dump(mode="json"))
            self._bump_version(conn)

    def _insert_actor(self, conn: sqlite3.Connection, actor: Actor) -> None:
        try:
            conn.execute(
                "INSERT INTO actors (id, name, kind, description) VALUES (?, ?, ?, ?)",
                (actor.id, actor.name, actor.kind.value, actor.description),
            )
        except sqlite3.IntegrityError:
            raise AlreadyExistsError(f"actor {actor.id!r} already exists") from None

    def update_actor(self, actor: Actor, *, expected_version: int, by: str) -> int:
        by = _recorder(by)
        with self._write() as conn:
            before = self._get_versioned(conn, "actors", "actor", actor.id, expected_version)
            conn.execute(
                "UPDATE actors SET name = ?, kind = ?, description = ?, version = version + 1 "
                "WHERE id = ?",
                (actor.name, actor.kind.value, actor.description, actor.id),
            )
            self._audit(conn, by, "update", "actor", actor.id, before=before, after=actor.model_dump(mode="json"))
            self._bump_version(conn)
        return expected_version + 1

    def _get_versioned(self, conn, table: str, entity: str, ident: str, expected: int) -> dict:
        cursor = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (ident,))
        row = cursor.fetchone()
        if row is None:
            raise NotFoundError(f"{entity} {ident!r} does not exist")
        record = dict(zip([d[0] for d in cursor.description], row))
        if record["version"] != expected:
            raise VersionConflictError(entity, ident, expected, record["version"])
        return record

    def get_actor(self, actor_id: str) -> dict:
        rows = self._rows("SELECT * FROM actors WHERE id = ?", (actor_id,))
        if not rows:
            raise NotFoundError(f"actor {actor_id!r} does not exist")
        return rows[0]

    def actors(self) -> list[dict]:
        return self._rows("SELECT * FROM actors ORDER BY name")

    def add_document(self, document: Document, *, by: str) -> None:
        by = _recorder(by)
        with self._write() as conn:
            self._insert_document(conn, document)
            self._audit(conn, by, "create", "document", document.id, after=document.model_dump(mode="json"))
            self._bump_version(conn)

    def _insert_document(self, conn: sqlite3.Connection, d: Document, *, deferred: bool = False) -> None:
        if not deferred:  # an import checks its documents' references first, all at once
            problem = self._document_reference_problem(conn, d)
            if problem:
                raise InvalidInputError(f"document {d.id!r}: {problem}")
        try:
            conn.execute(
                "INSERT INTO documents (id, title, publisher, kind, published_start, "
                "published_precision, url, reported_in, text_file, responds_to, follows_up) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    d.id, d.title, d.publisher, d.kind.value, d.published.start.isoformat(),
                    d.published.precision.value, d.url, d.reported_in, d.text_file, d.responds_to, d.follows_up,
                ),
            )
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc) or "PRIMARY" in str(exc):
                raise AlreadyExistsError(f"document {d.id!r} already exists") from None
            raise InvalidInputError(f"document {d.id!r}: reported_in {d.reported_in!r} is not a document") from None

    def update_document(self, document: Document, *, expected_version: int, by: str) -> int:
        by = _recorder(by)
        d = document
        with self._write() as conn:
            before = self._get_versioned(conn, "documents", "document", d.id, expected_version)
            problem = self._document_reference_problem(conn, d)
            if problem:
                raise InvalidInputError(problem)
            try:
                conn.execute(
                    "UPDATE documents SET title=?, publisher=?, kind=?, published_start=?, "
                    "published_precision=?, url=?, reported_in=?, text_file=?, responds_to=?, follows_up=?, "
                    "version=version+1 WHERE id=?",
                    (
                        d.title, d.publisher, d.kind.value, d.published.start.isoformat(),
                        d.published.precision.value, d.url, d.reported_in, d.text_file,
                        d.responds_to, d.follows_up, d.id,
                    ),
                )
            except sqlite3.IntegrityError:
                raise InvalidInputError(f"reported_in {d.reported_in!r} is not a document") from None
            self._audit(conn, by, "update", "document", d.id, before=before, after=d.model_dump(mode="json"))
            self._bump_version(conn)
        return expected_version + 1

    # -- documents that answer documents (issue 13) ------------------------------------------

    def _document_reference_problem(self, conn: sqlite3.Connection, d: Document,
                                    known: dict[str, PartialDate] | None = None) -> str | None:
        """Why ``d``'s ``reported_in``, ``responds_to`` or ``follows_up`` cannot stand: it names
        no document, or (for an answer) one published after ``d`` (a response cannot answer a
        report not yet out). ``known``: publication dates of documents not stored yet (an import)."""
        known = known or {}
        for field in ("reported_in", "responds_to", "follows_up"):
            ref = getattr(d, field)
            if not ref:
                continue
            if ref in known:
                published = known[ref]
            else:
                row = conn.execute("SELECT published_start, published_precision FROM documents WHERE id = ?",
                                   (ref,)).fetchone()
                if row is None:
                    return f"{field}: {ref!r} is not a document"
                published = PartialDate(start=dt.date.fromisoformat(row[0]), precision=row[1])
            if field != "reported_in" and d.published.end < published.start:
                verb = "responds to" if field == "responds_to" else "follows up"
                return (f"{field}: published {d.published.label()}, it cannot answer {ref!r}, published later "
                        f"({published.label()}): a document {verb} one published before it")
        return None

    def get_document(self, document_id: str) -> dict:
        rows = self._rows("SELECT * FROM documents WHERE id = ?", (document_id,))
        if not rows:
            raise NotFoundError(f"document {document_id!r} does not exist")
        return rows[0]

    def documents(self) -> list[dict]:
        return self._rows("SELECT * FROM documents ORDER BY published_start, title")

    # -- items ---------------------------------------------------------------

    def add_item(self, item: ItemIn, *, by: str) -> None:
        """Create an item (version 1, no history yet; its deadline becomes the first revision)."""
        by = _recorder(by)
        with self._write() as conn:
            self._insert_item(conn, item, by)
            self._audit(conn, by, "create", "item", item.id, after=item.model_dump(mode="json"))
            self._bump_version(conn)

    def _made_after_document_problem(
        self, conn: sqlite3.Connection, item: ItemFields, published: PartialDate | None = None
    ) -> str | None:
        """Why ``item`` cannot be dated as it is: made after the document that reports it was
        published (a source cannot quote what was said after it); None when it can.
        ``published`` is the document's date when the caller has it (an import's own documents)."""
        if published is None:
            row = conn.execute("SELECT published_start, published_precision FROM documents WHERE id = ?",
                               (item.document_id,)).fetchone()
            if row is None:
                return None  # the foreign key reports a missing document
            published = PartialDate(start=dt.date.fromisoformat(row[0]), precision=row[1])
        if item.made.start > published.end:
            return (f"made: {item.made.label()} is after its document {item.document_id!r} was published "
                    f"({published.label()}); an item is made no later than the document that reports it")
        return None

    def _insert_item(self, conn: sqlite3.Connection, item: ItemIn, by: str) -> None:
        problem = self._made_after_document_problem(conn, item) or self._quote_problem(
            conn, item.document_id, item.quote)
        if problem:
            raise InvalidInputError(f"item {item.id!r}: {problem}")
        now = _now()
        try:
            conn.execute(
                "INSERT INTO items (id, kind, title, quote, document_id, origin_document_id, "
                "made_start, made_precision, done_when, reference, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    item.id, item.kind.value, item.title, item.quote, item.document_id,
                    item.origin_document_id, item.made.start.isoformat(),
                    item.made.precision.value, item.done_when, item.reference, now, now,
                ),
            )
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc) or "PRIMARY" in str(exc):
                raise AlreadyExistsError(f"item {item.id!r} already exists") from None
            raise InvalidInputError(f"item {item.id!r}: its document does not exist") from None
        self._write_item_people(conn, item.id, item)
        if item.deadline is not None:
            self._insert_deadline(
                conn,
                item.id,
                DeadlineRevision(
                    deadline=item.deadline,
                    reason="deadline as first recorded",
                    revised_on=min(item.made.start, dt.date.today()),
                    recorded_by=by,
                ),
                by,
            )

    def _write_item_people(self, conn: sqlite3.Connection, item_id: str, item: ItemFields) -> None:
        conn.execute("DELETE FROM item_actors WHERE item_id = ?", (item_id,))
        conn.execute("DELETE FROM item_themes WHERE item_id = ?", (item_id,))
        try:
            conn.executemany(
                "INSERT INTO item_actors (item_id, role, actor_id, position) VALUES (?,?,?,?)",
                [(item_id, "maker", a, n) for n, a in enumerate(item.makers)]
                + [(item_id, "owner", a, n) for n, a in enumerate(item.owners)],
            )
        except sqlite3.IntegrityError:
            known = {r[0] for r in conn.execute("SELECT id FROM actors")}
            missing = [a for a in [*item.makers, *item.owners] if a not in known]
            raise InvalidInputError(f"item {item_id!r}: unknown actor(s) {', '.join(missing)}") from None
        conn.executemany(
            "INSERT INTO item_themes (item_id, theme, position) VALUES (?,?,?)",
            [(item_id, t, n) for n, t in enumerate(item.themes)],
        )
        makers, owners, themes = "; ".join(item.makers), "; ".join(item.owners), "; ".join(item.themes)
        search = _search_text(item_id, item.title, item.quote, makers, owners, themes, item.document_id,
                              item.reference)
        conn.execute(
            "UPDATE items SET makers = ?, owners = ?, themes = ?, search_text = ? WHERE id = ?",
            (makers, owners, themes, search, item_id),
        )

    def update_item(self, item_id: str, fields: ItemFields, *, expected_version: int, by: str) -> int:
        """Change what an item says (not its status or deadline). Returns the new version."""
        by = _recorder(by)
        with self._write() as conn:
            before = self._item_record_json(item_id)
            current = self._check_item_version(conn, item_id, expected_version)
            if fields.kind.value != current["kind"]:
                raise InvalidInputError("an item's kind cannot change once it has been recorded")
            problem = (self._made_after_document_problem(conn, fields)
                       or self._assessed_before_made_problem(conn, item_id, fields.made)
                       or self._quote_problem(conn, fields.document_id, fields.quote))
            if problem:
                raise InvalidInputError(problem)
            try:
                conn.execute(
                    "UPDATE items SET title=?, quote=?, document_id=?, origin_document_id=?, "
                    "made_start=?, made_precision=?, done_when=?, reference=?, version=version+1, updated_at=? "
                    "WHERE id=?",
                    (
                        fields.title, fields.quote, fields.document_id, fields.origin_document_id,
                        fields.made.start.isoformat(), fields.made.precision.value,
                        fields.done_when, fields.reference, _now(), item_id,
                    ),
                )
            except sqlite3.IntegrityError:
                raise InvalidInputError("the document does not exist") from None
            self._write_item_people(conn, item_id, fields)
            after = fields.model_dump(mode="json", exclude={"deadline"})
            self._audit(conn, by, "update", "item", item_id, before=before, after=after)
            self._bump_version(conn)
        return expected_version + 1

    def _check_item_version(self, conn: sqlite3.Connection, item_id: str, expected: int) -> dict:
        row = conn.execute("SELECT kind, version FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"item {item_id!r} does not exist")
        if expected is not None and row[1] != expected:
            raise VersionConflictError("item", item_id, expected, row[1])
        return {"kind": row[0], "version": row[1]}

    def record_assessment(
        self, item_id: str, assessment: Assessment, *, expected_version: int | None, by: str
    ) -> int:
        """Append a status change with its evidence; returns the item's new version.

        One transaction: a conditional update of the item on ``expected_version`` plus the
        history row. Raises VersionConflictError (nothing written) when the item changed since
        the caller read it, NotFoundError, and InvalidInputError when the status does not fit
        the item's kind. ``expected_version=None`` skips the check (used by trusted batch jobs).
        """
        by = _recorder(by)
        with self._write() as conn:
            current = self._check_item_version(conn, item_id, expected_version)
            try:
                assessment.check_kind(ItemKind(current["kind"]))
                assessment.check_made(self._made(conn, item_id))
            except ValueError as exc:
                raise InvalidInputError(str(exc)) from None
            before = self._current_status(conn, item_id)
            self._insert_assessment(conn, item_id, assessment, by, _now())
            cursor = conn.execute(
                "UPDATE items SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                (_now(), item_id, current["version"]),
            )
            if cursor.rowcount != 1:  # cannot happen under the write lock; kept as a guard
                raise VersionConflictError("item", item_id, current["version"], -1)
            self._refresh_status_cache(conn, item_id)
            after = assessment.model_dump(mode="json")
            self._audit(conn, by, "assess", "item", item_id, before=before, after=after)
            self._bump_version(conn)
        return current["version"] + 1

    def _insert_assessment(self, conn, item_id: str, a: Assessment, by: str, at: str,
                           reported_by: str | None = None) -> None:
        try:
            conn.execute(
                "INSERT INTO assessments (item_id, status, response, implementation, evidence, "
                "evidence_url, evidence_document_id, assessed_on, assessed_on_precision, "
                "recorded_by, recorded_at, reported_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    item_id,
                    a.status.value if a.status else None,
                    a.response.value if a.response else None,
                    a.implementation.value if a.implementation else None,
                    a.evidence,
                    a.evidence_url,
                    a.evidence_document_id,
                    a.assessed_on.isoformat(),
                    a.assessed_on_precision.value,
                    by,
                    at,
                    reported_by,
                ),
            )
        except sqlite3.IntegrityError:
            raise InvalidInputError(
                f"evidence document {a.evidence_document_id!r} does not exist"
            ) from None

    def _current_status(self, conn, item_id: str) -> dict:
        row = conn.execute(
            "SELECT status, response, implementation, last_assessed_on FROM items WHERE id = ?",
            (item_id,),
        ).fetchone()
        return dict(zip(("status", "response", "implementation", "last_assessed_on"), row))

    def _refresh_status_cache(self, conn, item_id: str) -> None:
        """Copy the latest assessment that counts (by the date it refers to, then entry order;
        ``counted_assessments``: not corrected) onto the item; none left: not yet assessed."""
        conn.execute(
            """
            UPDATE items SET (status, response, implementation, last_assessed_on,
                              last_evidence, last_evidence_url, last_assessed_precision) = (
                SELECT status, response, implementation, assessed_on, evidence, evidence_url,
                       assessed_on_precision
                FROM counted_assessments WHERE item_id = items.id
                ORDER BY assessed_on DESC, id DESC LIMIT 1)
            WHERE id = ?
            """,
            (item_id,),
        )

    def revise_deadline(
        self, item_id: str, revision: DeadlineRevision, *, expected_version: int | None, by: str
    ) -> int:
        """Set or move an item's deadline; the old one stays in the revisions."""
        by = _recorder(by)
        with self._write() as conn:
            current = self._check_item_version(conn, item_id, expected_version)
            if current["kind"] == ItemKind.FINDING:
                raise InvalidInputError("a finding carries no deadline")
            made = conn.execute("SELECT made_start, made_precision FROM items WHERE id = ?", (item_id,)).fetchone()
            made = PartialDate(start=dt.date.fromisoformat(made[0]), precision=made[1])
            if revision.deadline is not None and revision.deadline.end < made.start:
                raise InvalidInputError(f"the deadline ({revision.deadline.label()}) ends before the item "
                                        f"was made ({made.label()})")
            before = self._rows(
                "SELECT deadline_start, deadline_precision FROM items WHERE id = ?", (item_id,)
            )[0]
            self._insert_deadline(conn, item_id, revision, by)
            conn.execute(
                "UPDATE items SET version = version + 1, updated_at = ? WHERE id = ?", (_now(), item_id)
            )
            self._audit(conn, by, "revise deadline", "item", item_id, before=before,
                        after=revision.model_dump(mode="json", exclude={"recorded_at"}))
            self._bump_version(conn)
        return current["version"] + 1

    def _insert_deadline(self, conn, item_id: str, r: DeadlineRevision, by: str) -> None:
        conn.execute(
            "INSERT INTO deadline_revisions (item_id, deadline_start, deadline_precision, reason, "
            "revised_on, recorded_by, recorded_at) VALUES (?,?,?,?,?,?,?)",
            (
                item_id,
                r.deadline.start.isoformat() if r.deadline else None,
                r.deadline.precision.value if r.deadline else None,
                r.reason,
                r.revised_on.isoformat(),
                r.recorded_by if r.recorded_by != "system" else by,
                (r.recorded_at.isoformat() if r.recorded_at else _now()),
            ),
        )
        conn.execute(
            """
            UPDATE items SET (deadline_start, deadline_precision) = (
                SELECT deadline_start, deadline_precision FROM deadline_revisions
                WHERE item_id = items.id ORDER BY revised_on DESC, id DESC LIMIT 1)
            WHERE id = ?
            """,
            (item_id,),
        )
        row = conn.execute(
            "SELECT deadline_start, deadline_precision FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        end = None
        if row[0]:
            end = PartialDate(start=row[0], precision=row[1]).end.isoformat()
        conn.execute("UPDATE items SET deadline_end = ? WHERE id = ?", (end, item_id))

    # -- intake (issue 14): ids for new records, bulk status updates ---------

    def ids_of(self, entity: str) -> set[str]:
        """Every id of ``entity``: "item", "document" or "actor"."""
        table = {"item": "items", "document": "documents", "actor": "actors"}[entity]
        return {row[0] for row in self.db.conn.execute(f"SELECT id FROM {table}")}

    def record_assessments(self, updates: Sequence[StatusUpdate], *, by: str) -> dict[str, int]:
        """Record many status changes in one transaction, all or nothing (a progress report
        that updates dozens of items at once). Returns each item's new version.

        Every update is checked before anything is written: its item against the version it was
        read at (``expected_version``), its status against the item's kind, its evidence
        document. Any conflict or problem raises StatusUpdatesRefusedError listing all of them
        and nothing is written. Each item gets its own history row and audit entry ("assess"),
        exactly as ``record_assessment`` writes them, so "changed meanwhile" reads the same.
        """
        by = _recorder(by)
        if not updates:
            raise InvalidInputError("no status change to record")
        with self._write() as conn:
            wanted = [u.item_id for u in updates]
            stored = {
                ident: (kind, version)
                for ident, kind, version in conn.execute(
                    f"SELECT id, kind, version FROM items WHERE id IN {_LISTED_IDS}", {"ids": json.dumps(wanted)})
            }
            made = {
                ident: PartialDate(start=dt.date.fromisoformat(start), precision=precision)
                for ident, start, precision in conn.execute(
                    f"SELECT id, made_start, made_precision FROM items WHERE id IN {_LISTED_IDS}",
                    {"ids": json.dumps(wanted)})
            }
            documents = {u.assessment.evidence_document_id for u in updates} - {None}
            known_documents = {
                row[0] for row in conn.execute(
                    f"SELECT id FROM documents WHERE id IN {_LISTED_IDS}", {"ids": json.dumps(sorted(documents))})
            }
            conflicts: list[VersionConflictError] = []
            problems: list[str] = []
            seen: set[str] = set()
            for update in updates:
                ident = update.item_id
                if ident in seen:
                    problems.append(f"item {ident!r}: listed twice; give it one status change")
                    continue
                seen.add(ident)
                if ident not in stored:
                    problems.append(f"item {ident!r} does not exist")
                    continue
                kind, version = stored[ident]
                if version != update.expected_version:
                    conflicts.append(VersionConflictError("item", ident, update.expected_version, version))
                try:
                    update.assessment.check_kind(ItemKind(kind))
                    update.assessment.check_made(made[ident])
                except ValueError as exc:
                    problems.append(f"item {ident!r}: {exc}")
                document = update.assessment.evidence_document_id
                if document is not None and document not in known_documents:
                    problems.append(f"item {ident!r}: evidence document {document!r} does not exist")
            if conflicts or problems:
                raise StatusUpdatesRefusedError(conflicts, problems)
            now = _now()
            versions = {}
            for update in updates:
                ident = update.item_id
                before = self._current_status(conn, ident)
                self._insert_assessment(conn, ident, update.assessment, by, now)
                conn.execute("UPDATE items SET version = version + 1, updated_at = ? WHERE id = ?", (now, ident))
                self._refresh_status_cache(conn, ident)
                self._audit(conn, by, "assess", "item", ident, before=before,
                            after=update.assessment.model_dump(mode="json"))
                versions[ident] = stored[ident][1] + 1
            self._bump_version(conn)
        return versions

    # -- corrections (issue 13): an assessment marked as mistaken --------------------------
    # The assessment stays in the history (append-only); a row in assessment_corrections says it
    # no longer counts. Every status read selects from ``counted_assessments`` (one definition).

    def correct_assessment(
        self, assessment_id: int, correction: Correction, *, expected_version: int | None, by: str
    ) -> int:
        """Mark assessment ``assessment_id`` as mistaken, with ``correction.reason``; returns
        its item's new version. One transaction: the correction row, the item's version, its
        current status recomputed from the assessments that still count, the audit entry.

        Raises NotFoundError (no such assessment), InvalidInputError (already corrected) and
        VersionConflictError (the item changed since ``expected_version``); nothing is written.
        """
        by = _recorder(by)
        if isinstance(assessment_id, bool) or not isinstance(assessment_id, int):
            raise InvalidInputError(f"assessment: {assessment_id!r} is not an assessment number")
        with self._write() as conn:
            row = conn.execute(
                "SELECT a.item_id, a.status, a.response, a.implementation, a.assessed_on, c.reason "
                "FROM assessments a LEFT JOIN assessment_corrections c ON c.assessment_id = a.id "
                "WHERE a.id = ?", (assessment_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"assessment {assessment_id} does not exist")
            item_id, status, response, implementation, assessed_on, already = row
            if already is not None:
                raise InvalidInputError(f"assessment {assessment_id} was already corrected ({already})")
            current = self._check_item_version(conn, item_id, expected_version)
            before = self._current_status(conn, item_id)
            conn.execute(
                "INSERT INTO assessment_corrections (assessment_id, reason, corrected_by, corrected_at) "
                "VALUES (?, ?, ?, ?)", (assessment_id, correction.reason, by, _now()))
            conn.execute("UPDATE items SET version = version + 1, updated_at = ? WHERE id = ?", (_now(), item_id))
            self._refresh_status_cache(conn, item_id)
            self._audit(conn, by, "correct assessment", "item", item_id, before=before,
                        after={"assessment": assessment_id, "assessed_on": assessed_on, "status": status,
                               "response": response, "implementation": implementation,
                               "reason": correction.reason, "status now": self._current_status(conn, item_id)})
            self._bump_version(conn)
        return current["version"] + 1

    def _insert_imported_correction(self, conn, correction: CorrectionRecord, by: str, now: str,
                                    as_recorded: bool) -> None:
        """The correction of the assessment just inserted (an import's history entry)."""
        ident = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        who, at = by, now
        if as_recorded:
            who = correction.corrected_by or by
            at = _utc_text(correction.corrected_at) if correction.corrected_at else now
        conn.execute(
            "INSERT INTO assessment_corrections (assessment_id, reason, corrected_by, corrected_at) "
            "VALUES (?, ?, ?, ?)", (ident, correction.reason, who, at))

    def _made(self, conn, item_id: str) -> PartialDate:
        start, precision = conn.execute(
            "SELECT made_start, made_precision FROM items WHERE id = ?", (item_id,)).fetchone()
        return PartialDate(start=dt.date.fromisoformat(start), precision=precision)

    def _assessed_before_made_problem(self, conn, item_id: str, made: PartialDate) -> str | None:
        """Why ``item_id`` cannot be said to be made ``made``: an assessment that counts refers
        to a time before it (the rule ``Assessment.check_made`` applies to new ones)."""
        row = conn.execute(
            f"SELECT assessed_on, assessed_on_precision FROM {COUNTED_ASSESSMENTS} WHERE item_id = ? "
            "ORDER BY assessed_on LIMIT 1", (item_id,)).fetchone()
        if row is None:
            return None
        problem = assessment_before_made_problem(
            PartialDate(start=dt.date.fromisoformat(row[0]), precision=row[1]), made)
        if problem is None:
            return None
        return (f"made: {made.label()} is after the evidence of its earliest assessment "
                f"({PartialDate(start=dt.date.fromisoformat(row[0]), precision=row[1]).label()}); "
                "correct that assessment first if it is mistaken")

    # -- links -------------------------------------------------------------

    def add_link(self, link: Link, *, by: str) -> None:
        by = _recorder(by)
        with self._write() as conn:
            self._insert_link(conn, link, by)
            self._audit(conn, by, "link", "item", link.source_id, after=link.model_dump(mode="json"))
            self._bump_version(conn)

    def _insert_link(self, conn, link: Link, by: str) -> None:
        try:
            conn.execute(
                "INSERT INTO links (source_id, kind, target_id, note, created_by, created_at) "
                "VALUES (?,?,?,?,?,?)",
                (link.source_id, link.kind.value, link.target_id, link.note, by, _now()),
            )
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" in str(exc):
                raise AlreadyExistsError(
                    f"{link.source_id} already {link.kind} {link.target_id}"
                ) from None
            raise NotFoundError(
                f"cannot link {link.source_id!r} to {link.target_id!r}: both items must exist"
            ) from None

    def remove_link(self, link: Link, *, by: str) -> None:
        by = _recorder(by)
        with self._write() as conn:
            cursor = conn.execute(
                "DELETE FROM links WHERE source_id = ? AND kind = ? AND target_id = ?",
                (link.source_id, link.kind.value, link.target_id),
            )
            if cursor.rowcount == 0:
                raise NotFoundError("no such link")
            self._audit(conn, by, "unlink", "item", link.source_id, before=link.model_dump(mode="json"))
            self._bump_version(conn)

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

    def _status_source(self, as_of: dt.date | None, *, only_listed: bool = False) -> tuple[str, dict]:
        """SQL for a relation ``cur(id, status, response, implementation, last_assessed_on,
        last_evidence, last_evidence_url, deadline_start, deadline_precision)``: the cached
        current state, or the state recomputed from history as it stood on ``as_of``. With
        ``only_listed`` the history read is that of the items in the JSON list bound to ``:ids``
        (the caller binds it), not the whole history."""
        if as_of is None:
            return (
                "SELECT id, status, response, implementation, last_assessed_on, last_evidence, "
                "last_evidence_url, deadline_start, deadline_precision, last_assessed_precision FROM items",
                {},
            )
        # SQLite does not push a condition on the items into the windowed subqueries, so a
        # read of a few items says which ones inside them (else: the whole history, ~1 s at 100k).
        listed = f" AND item_id IN {_LISTED_IDS}" if only_listed else ""
        return (
            f"""
            SELECT i.id, a.status, a.response, a.implementation, a.assessed_on AS last_assessed_on,
                   a.evidence AS last_evidence, a.evidence_url AS last_evidence_url,
                   d.deadline_start, d.deadline_precision, a.assessed_on_precision AS last_assessed_precision
            FROM items i
            LEFT JOIN (
                SELECT item_id, status, response, implementation, assessed_on, evidence, evidence_url,
                       assessed_on_precision,
                       ROW_NUMBER() OVER (PARTITION BY item_id ORDER BY assessed_on DESC, id DESC) AS rn
                FROM counted_assessments WHERE assessed_on <= :as_of{listed}
            ) a ON a.item_id = i.id AND a.rn = 1
            LEFT JOIN (
                SELECT item_id, deadline_start, deadline_precision,
                       ROW_NUMBER() OVER (PARTITION BY item_id ORDER BY revised_on DESC, id DESC) AS rn
                FROM deadline_revisions WHERE revised_on <= :as_of{listed}
            ) d ON d.item_id = i.id AND d.rn = 1
            WHERE i.made_start <= :as_of
            """,
            {"as_of": as_of.isoformat()},
        )

    def items_frame(
        self,
        *,
        as_of: dt.date | None = None,
        ids: list[str] | None = None,
        include_quote: bool = False,
    ) -> pd.DataFrame:
        """One row per item with makers, owners and themes as "; "-joined text and its status.

        With ``as_of`` the statuses and deadlines are recomputed from the history as it stood
        on that date, and items made after it are left out.
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
        if as_of is None:  # the cached current state is on the item row itself
            source, cur = "", "i"
        else:
            sql, as_of_params = self._status_source(as_of, only_listed=ids is not None)
            source, cur = f"JOIN ({sql}) AS cur ON cur.id = i.id", "cur"
            params = {**params, **as_of_params}
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
        limit: int = 1000,
        include_quote: bool = True,
    ) -> tuple[int, pd.DataFrame]:
        """Items of the current record that meet every condition given: how many, and the
        first ``limit`` of them (the columns and order of ``items_frame``).

        ``text``: case-insensitive plain text in the id, title, quote, makers, owners, themes or
        document id; ``statuses``: the (kind, status, response, implementation) combinations
        allowed (None: any); ``actors``: made or owned by any of them; ``owners``: owned by any;
        ``themes``, ``documents``, ``kinds``: any of them; ``made_from``/``made_to``: inclusive.
        The work is SQL on the indexed tables, whatever the number of items.
        """
        clauses: list[str] = []
        params: dict[str, Any] = {}

        def listed(name: str, values) -> str:
            for n, value in enumerate(values):
                params[f"{name}{n}"] = value
            return ", ".join(f":{name}{n}" for n in range(len(values)))

        needle = text.strip().lower()
        if needle and _FIELD_SEPARATOR not in needle:
            clauses.append("instr(i.search_text, :needle) > 0")
            params["needle"] = needle
        elif needle:  # a needle holding the separator could match across two fields: test each
            clauses.append(f"tracker_contains(:needle, {', '.join(f'i.{f}' for f in _SEARCHED_FIELDS)})")
            params["needle"] = needle
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
                    "(i.kind, coalesce(i.status, ''), coalesce(i.response, ''), coalesce(i.implementation, '')) "
                    f"IN (VALUES {', '.join(rows)})"
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
        where = " AND ".join(clauses) or "1"
        self.db.conn.create_function("tracker_contains", -1, _contains, deterministic=True)
        # One pass over the items (the text test runs once per item), then the rows shown by id.
        # A text search reads every row anyway: scanning the table in storage order and sorting
        # the matches beats walking the date index and jumping to each row (3x at 100k).
        order = "+i.made_start" if needle else "i.made_start"
        ids = [row[0] for row in self.db.conn.execute(
            f"SELECT i.id FROM items i WHERE {where} ORDER BY {order}, i.id", params)]
        return len(ids), self.items_frame(ids=ids[:limit], include_quote=include_quote)

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
        recomputed from the history. Raises ValueError for any other ``by``.
        """
        if by not in self.STATUS_COUNT_GROUPS:
            raise ValueError(f"cannot group by {by!r}")
        if as_of is None:
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
        source, params = self._status_source(as_of)
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
            "document": ("", "i.document_id AS grp"),
        }
        join_sql, grp = group_sql[by]
        sql = f"""
            WITH cur AS ({source})
            SELECT {grp}, i.kind, cur.status, cur.response, cur.implementation, count(*) AS n
            FROM items i JOIN cur ON cur.id = i.id {join_sql}
            GROUP BY 1, 2, 3, 4, 5
        """
        return self._frame(sql, params)

    def source_status_counts(self) -> pd.DataFrame:
        """Counts of the current record's items by document, kind and status (the columns of
        ``status_counts``), where an item counts for the document quoting it and, when
        different, for the report it was first made in (``origin_document_id``)."""
        return self._frame(
            """
            SELECT grp, kind, status, response, implementation, count(*) AS n FROM (
                SELECT document_id AS grp, kind, status, response, implementation FROM items
                UNION ALL
                SELECT origin_document_id, kind, status, response, implementation FROM items
                WHERE origin_document_id IS NOT NULL AND origin_document_id != document_id
            )
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
            """
        )

    def item_ids_of_document(self, document_id: str) -> list[str]:
        """The ids of the items quoted from ``document_id`` or first made in it, oldest first."""
        return [row[0] for row in self.db.conn.execute(
            "SELECT id FROM items WHERE document_id = :doc OR origin_document_id = :doc "
            "ORDER BY made_start, id", {"doc": document_id})]

    def overdue_counts(self, today: dt.date) -> pd.DataFrame:
        """Current counts (``kind``, ``status``, ``response``, ``implementation``, ``n``) of items
        whose deadline's whole period ended before ``today``, open or not (the caller applies
        tracker.status.is_open); read from a covering index, never the item rows."""
        return self._frame(
            "SELECT kind, status, response, implementation, count(*) AS n "
            "FROM items INDEXED BY items_deadline_status WHERE deadline_end < :today GROUP BY 1, 2, 3, 4",
            {"today": today.isoformat()},
        )

    def group_names(self, by: str) -> list[str]:
        """Every owner, maker, accountable actor, theme or document (``by``) that at least one
        item has now, sorted; read from the kept counts. Raises ValueError for any other ``by``."""
        if by not in self.STATUS_COUNT_GROUPS or by is None:
            raise ValueError(f"cannot group by {by!r}")
        rows = self.db.conn.execute(
            "SELECT DISTINCT grp FROM item_group_counts WHERE dimension = ? AND grp != '' AND n > 0 ORDER BY grp",
            (by,),
        )
        return [row[0] for row in rows]

    def made_range(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day an item was made (None when there are no items)."""
        first, last = self.db.conn.execute("SELECT min(made_start), max(made_start) FROM items").fetchone()
        return None if first is None else (dt.date.fromisoformat(first), dt.date.fromisoformat(last))

    def oldest_open_item_ids(self, limit: int) -> list[str]:
        """The ids of the ``limit`` open items (tracker.status.is_open) with at least one
        assessment that counts, made longest ago, oldest first (then by id), as the record
        stands now."""
        lifecycle = ", ".join(f"'{s.value}'" for s in sorted(status_rules.CLOSED_LIFECYCLE))
        implementation = ", ".join(f"'{s.value}'" for s in sorted(status_rules.CLOSED_IMPLEMENTATION))
        response = ", ".join(f"'{s.value}'" for s in sorted(status_rules.CLOSED_RESPONSE))
        open_sql = f"""
            (kind IN ('commitment', 'call') AND (status IS NULL OR status NOT IN ({lifecycle})))
            OR (kind = 'recommendation' AND (response IS NULL OR response NOT IN ({response}))
                AND (implementation IS NULL OR implementation NOT IN ({implementation})))
        """
        # issue 13: an item never assessed is unresearched, not delayed: it is not listed here
        rows = self.db.conn.execute(
            f"SELECT id FROM items INDEXED BY items_made_status WHERE ({open_sql}) AND last_assessed_on IS NOT NULL "
            "ORDER BY made_start, id LIMIT :limit",
            {"limit": int(limit)},
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

    # -- import and export -------------------------------------------------

    def export_bundle(self, *, items: bool = True) -> Bundle:
        """Everything but users and the audit log, in the exchange format (without the items,
        ``items=False``: the actors and documents)."""
        actors = [Actor.model_validate(_drop(r, "version")) for r in self.actors()]
        documents = [
            Document.model_validate(
                {
                    **_drop(r, "version", "published_start", "published_precision"),
                    "published": PartialDate(start=r["published_start"], precision=r["published_precision"]),
                }
            )
            for r in self._rows("SELECT * FROM documents ORDER BY rowid")
        ]
        if not items:
            return Bundle(exported_at=dt.datetime.now(dt.timezone.utc), actors=actors, documents=documents, items=[])
        rows = self.item_rows()
        history = _group(self._rows(f"SELECT {_WITH_CORRECTION} ORDER BY a.id"), "item_id")
        links = _group(self._rows("SELECT * FROM links ORDER BY id"), "source_id")
        deadlines = _group(self._rows("SELECT * FROM deadline_revisions ORDER BY id"), "item_id")
        items = []
        for row in rows:
            items.append(self._item_record(row, history, links, deadlines))
        return Bundle(
            exported_at=dt.datetime.now(dt.timezone.utc),
            actors=actors,
            documents=documents,
            items=items,
        )

    def _item_record(self, row: dict, history: dict, links: dict, deadlines: dict) -> ItemRecord:
        revisions = [
            DeadlineRevision.model_construct(
                deadline=(PartialDate(start=r["deadline_start"], precision=r["deadline_precision"])
                          if r["deadline_start"] else None),
                reason=r["reason"],
                revised_on=dt.date.fromisoformat(r["revised_on"]),
                recorded_by=r["recorded_by"],
                recorded_at=dt.datetime.fromisoformat(r["recorded_at"]),
            )
            for r in deadlines.get(row["id"], [])
        ]
        return ItemRecord.model_construct(
            id=row["id"],
            kind=ItemKind(row["kind"]),
            title=row["title"],
            quote=row["quote"],
            document_id=row["document_id"],
            origin_document_id=row["origin_document_id"],
            makers=_split(row["makers"]),
            owners=_split(row["owners"]),
            themes=_split(row["themes"]),
            made=PartialDate(start=row["made_start"], precision=row["made_precision"]),
            deadline=(PartialDate(start=row["deadline_start"], precision=row["deadline_precision"])
                      if row["deadline_start"] else None),
            done_when=row["done_when"],
            reference=row["reference"],
            history=[
                HistoryEntry.model_construct(
                    status=_enum(LifecycleStatus, h["status"]),
                    response=_enum(ResponseStatus, h["response"]),
                    implementation=_enum(ImplementationStatus, h["implementation"]),
                    evidence=h["evidence"], evidence_url=h["evidence_url"],
                    evidence_document_id=h["evidence_document_id"],
                    assessed_on=dt.date.fromisoformat(h["assessed_on"]),
                    assessed_on_precision=DatePrecision(h["assessed_on_precision"]),
                    recorded_by=h["recorded_by"],
                    recorded_at=dt.datetime.fromisoformat(h["recorded_at"]),
                    correction=_correction_record(h),
                )
                for h in history.get(row["id"], [])
            ],
            links=[
                ItemLink.model_construct(kind=LinkKind(lk["kind"]), target_id=lk["target_id"], note=lk["note"])
                for lk in links.get(row["id"], [])
            ],
            deadline_revisions=revisions,
            current=CurrentStatus(
                status=row["status"],
                response=row["response"],
                implementation=row["implementation"],
                is_open=status_rules.is_open(row["kind"], row["status"], row["response"], row["implementation"]),
                last_assessed_on=row["last_assessed_on"],
                version=row["version"],
            ),
        )

    def _item_record_json(self, item_id: str) -> dict:
        row = self.get_item(item_id)
        return {k: row[k] for k in ("title", "quote", "document_id", "origin_document_id", "made_start",
                                     "made_precision", "done_when", "makers", "owners", "themes", "reference")}

    def import_problems(self, bundle: Bundle, *, also_known: Iterable[str] = ()) -> list[str]:
        """What ``import_bundle`` would refuse ``bundle`` for, written nowhere: references to
        nothing, ids that already exist, items made after their document. References to
        ``also_known`` ids are not reported (the ids of a file's rows that did not read, which
        are reported on their own)."""
        return self._import_problems(self.db.conn, bundle, set(also_known))

    def _import_problems(self, conn: sqlite3.Connection, bundle: Bundle, also_known: set[str] = frozenset()) -> list[str]:
        known_actors = {r[0] for r in conn.execute("SELECT id FROM actors")}
        known_documents = {r[0] for r in conn.execute("SELECT id FROM documents")}
        known_items = {r[0] for r in conn.execute("SELECT id FROM items")}
        problems = bundle.reference_problems(known_actors | also_known, known_documents | also_known,
                                             known_items | also_known)
        for kind, records, known in (
            ("actors", bundle.actors, known_actors),
            ("documents", bundle.documents, known_documents),
            ("items", bundle.items, known_items),
        ):
            for index, record in enumerate(records):
                if record.id in known:
                    problems.append(f"{kind}[{index}] ({record.id}): already exists in the database")
        # Documents that answer documents (issue 13): not before what they answer.
        own = {d.id: d.published for d in bundle.documents}
        for index, document in enumerate(bundle.documents):
            problem = self._document_reference_problem(conn, document, own)
            if problem and "is not a document" not in problem:  # reference_problems reports those
                problems.append(f"documents[{index}] ({document.id}): {problem}")
        # Publication dates in one read, not one per item: the bundle's own documents, then the
        # stored ones its items quote.
        published = {d.id: d.published for d in bundle.documents}
        stored = {i.document_id for i in bundle.items} - set(published)
        for ident, start, precision in conn.execute(
            f"SELECT id, published_start, published_precision FROM documents WHERE id IN {_LISTED_IDS}",
            {"ids": json.dumps(sorted(stored))},
        ):
            published[ident] = PartialDate(start=dt.date.fromisoformat(start), precision=precision)
        for index, item in enumerate(bundle.items):
            if item.document_id not in published:
                continue  # reference_problems reports the missing document
            problem = self._made_after_document_problem(conn, item, published[item.document_id])
            if problem:
                problems.append(f"items[{index}] ({item.id}): {problem}")
            problem = self._quote_problem(conn, item.document_id, item.quote)
            if problem:
                problems.append(f"items[{index}] ({item.id}): {problem}")
        return problems

    def import_bundle(self, bundle: Bundle, *, by: str, as_recorded: bool = False, seed: bool = False) -> dict[str, int]:
        """Add everything in ``bundle`` in one transaction, or nothing.

        Raises ImportRejectedError listing every problem (unknown references, ids that already
        exist) before anything is written. Returns counts of what was added.

        The history is recorded by ``by`` now, whatever the file says: a file's own
        ``recorded_by`` is kept as ``reported_by`` beside it (issue 11: a file could make the
        public page say "Recorded by ada on 2019-01-01"). ``as_recorded`` keeps the file's
        recorders and times instead: for an operator restoring an export (``tracker import
        --as-recorded``), never for the dashboard. Only the seed loader passes ``seed``, which
        lets it record under ``SEED_RECORDER``. The audit entry lists the imported item ids.
        """
        by = SEED_RECORDER if seed else _recorder(by)
        with self._write() as conn:
            problems = self._import_problems(conn, bundle)
            if problems:
                raise ImportRejectedError(problems)
            conn.execute("PRAGMA defer_foreign_keys = ON")
            now = _now()
            for actor in bundle.actors:
                self._insert_actor(conn, actor)
            for document in bundle.documents:
                self._insert_document(conn, document, deferred=True)
            counts = {"actors": len(bundle.actors), "documents": len(bundle.documents),
                      "items": len(bundle.items), "assessments": 0, "links": 0}
            for item in bundle.items:
                plain = ItemIn.model_validate(
                    item.model_dump(exclude={"history", "links", "deadline_revisions", "current"})
                )
                if item.deadline_revisions:
                    # The revisions carry the deadline history; insert the item without one.
                    plain = plain.model_copy(update={"deadline": None})
                self._insert_item(conn, plain, by)
                for revision in item.deadline_revisions:
                    self._insert_deadline(conn, item.id, revision,
                                          (revision.recorded_by or by) if as_recorded else by)
                for entry in item.history:  # file order is entry order
                    if as_recorded:
                        at = entry.recorded_at.isoformat() if entry.recorded_at else now
                        self._insert_assessment(conn, item.id, entry, entry.recorded_by or by, at)
                    else:
                        self._insert_assessment(conn, item.id, entry, by, now, reported_by=entry.recorded_by)
                    counts["assessments"] += 1
                    if entry.correction is not None:
                        self._insert_imported_correction(conn, entry.correction, by, now, as_recorded)
                if item.history:
                    self._refresh_status_cache(conn, item.id)
            for item in bundle.items:
                for link in item.links:
                    self._insert_link(
                        conn, Link(source_id=item.id, kind=link.kind, target_id=link.target_id, note=link.note), by
                    )
                    counts["links"] += 1
            self._audit(conn, by, "import", "bundle", f"{len(bundle.items)} items",
                        after={**counts, "item ids": [item.id for item in bundle.items],
                               **({"as recorded": True} if as_recorded else {})})
            self._bump_version(conn)
        return counts


    # -- document source texts (issue 14: a document's own text) --------------------------------
    # The text a document's quotes are checked against on every save (add_item, update_item,
    # import_bundle) and that items are proposed from (tracker.extract).

    def set_document_text(
        self, document_id: str, text: SourceText, *, by: str, allow_unmatched: bool = False, seed: bool = False
    ) -> dict:
        """Store (or replace) the text of a document. Returns its description (as
        ``document_text_info``).

        Refused, with nothing stored, when the document does not exist (NotFoundError) or when
        items already quoting the document have quotes the text does not contain
        (InvalidInputError listing each with the nearest passage): the wrong text was probably
        chosen. ``allow_unmatched`` stores it anyway; those items' pages then say their quote
        was not found in the source text. ``seed`` (the seed loader only) records it under
        ``SEED_RECORDER``, as ``import_bundle`` does.
        """
        by = SEED_RECORDER if seed else _recorder(by)
        normalised = normalise_for_quote_check(text.text)
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone() is None:
                raise NotFoundError(f"document {document_id!r} does not exist")
            if not allow_unmatched:
                problems = [
                    f"item {ident!r}: " + quote_not_found_message(quote, text.text, "this text")
                    for ident, quote in conn.execute(
                        "SELECT id, quote FROM items WHERE document_id = ? ORDER BY id", (document_id,))
                    if normalise_for_quote_check(quote) not in normalised
                ]
                if problems:
                    raise InvalidInputError(
                        f"{len(problems)} item{'s' if len(problems) != 1 else ''} of document "
                        f"{document_id!r} quote{'s' if len(problems) == 1 else ''} what this text does "
                        "not contain; nothing was stored (is it the right text?)",
                        problems,
                    )
            before = self._document_text_info(conn, document_id)
            info = {
                "document_id": document_id, "chars": len(text.text), "source": text.source,
                "filename": text.filename,
                "sha256": hashlib.sha256(text.text.encode("utf-8", "surrogatepass")).hexdigest(),
                "set_by": by, "set_at": _now(),
            }
            conn.execute(
                "INSERT OR REPLACE INTO document_texts (document_id, text, normalised, chars, source, "
                "filename, sha256, set_by, set_at) VALUES (:document_id, :text, :normalised, :chars, "
                ":source, :filename, :sha256, :set_by, :set_at)",
                {**info, "text": text.text, "normalised": normalised},
            )
            # The audit log names the text by size and hash: megabytes of it there would be kept forever.
            self._audit(conn, by, "set text", "document", document_id, before=before, after=info)
            self._bump_version(conn)
        return info

    def document_text(self, document_id: str) -> str | None:
        """The stored text of a document, or None when it has none."""
        row = self.db.conn.execute("SELECT text FROM document_texts WHERE document_id = ?",
                                   (document_id,)).fetchone()
        return row[0] if row else None

    def document_text_info(self, document_id: str) -> dict | None:
        """chars, source, filename, sha256, set_by and set_at of a document's text (not the text)."""
        return self._document_text_info(self.db.conn, document_id)

    def _document_text_info(self, conn: sqlite3.Connection, document_id: str) -> dict | None:
        cursor = conn.execute(
            "SELECT document_id, chars, source, filename, sha256, set_by, set_at FROM document_texts "
            "WHERE document_id = ?", (document_id,))
        row = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], row)) if row else None

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

    def _quote_problem(self, conn: sqlite3.Connection, document_id: str, quote: str) -> str | None:
        """Why ``quote`` cannot be saved for ``document_id``: the document has a stored text and
        the quote is not in it (the nearest passage named); None when it can."""
        row = conn.execute(
            "SELECT instr(normalised, ?) FROM document_texts WHERE document_id = ?",
            (normalise_for_quote_check(quote), document_id),
        ).fetchone()
        if row is None or row[0]:
            return None
        text = conn.execute("SELECT text FROM document_texts WHERE document_id = ?", (document_id,)).fetchone()[0]
        return "quote: " + quote_not_found_message(quote, text, f"the text of document {document_id!r}")

    # -- users and sessions ------------------------------------------------

    def add_user(self, user: UserIn, password_hash: str | None, *, by: str) -> None:
        by = _recorder(by)
        with self._write() as conn:
            try:
                conn.execute(
                    "INSERT INTO users (username, display_name, email, role, password_hash, created_at) "
                    "VALUES (?,?,?,?,?,?)",
                    (user.username, user.display_name, user.email, user.role.value, password_hash, _now()),
                )
            except sqlite3.IntegrityError as exc:
                if "email" in str(exc):
                    raise AlreadyExistsError(f"another user already has the email {user.email}") from None
                raise AlreadyExistsError(f"user {user.username!r} already exists") from None
            self._audit(conn, by, "create", "user", user.username, after=user.model_dump(mode="json"))
            self._bump_version(conn)

    def get_user(self, username: str) -> dict:
        rows = self._rows("SELECT * FROM users WHERE username = ?", (username,))
        if not rows:
            raise NotFoundError(f"user {username!r} does not exist")
        return rows[0]

    def find_user_by_email(self, email: str) -> dict | None:
        rows = self._rows("SELECT * FROM users WHERE email = ?", (email.lower(),))
        return rows[0] if rows else None

    def users(self) -> list[User]:
        return [
            User.model_validate(_drop(r, "password_hash", "failed_logins", "locked_until", "version",
                                      "totp_secret", "totp_last_step", "recovery_hashes"))
            for r in self._rows("SELECT * FROM users ORDER BY username")
        ]

    def update_user(self, username: str, *, by: str, keep_session: str | None = None, **changes: Any) -> None:
        """Change a user's role, display name, email, password hash or disabled flag.

        Disabling the account, changing its role or its password ends its open sessions (a new
        password keeps ``keep_session``, the token hash of the session that changed it)."""
        by = _recorder(by)
        allowed = {"role", "display_name", "email", "password_hash", "disabled"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot change {', '.join(sorted(unknown))}")
        with self._write() as conn:
            before = self._rows("SELECT role, display_name, email, disabled FROM users WHERE username = ?",
                                (username,))
            if not before:
                raise NotFoundError(f"user {username!r} does not exist")
            sets = ", ".join(f"{k} = :{k}" for k in changes)
            conn.execute(
                f"UPDATE users SET {sets}, version = version + 1 WHERE username = :username",
                {**changes, "username": username},
            )
            # A disabled account, a new role or a new password ends every session the account
            # had open: whoever held one may be why the change was made.
            if changes.get("disabled"):
                self._end_user_sessions(conn, username, reason=f"account disabled by {by}")
            elif "role" in changes and changes["role"] != before[0]["role"]:
                self._end_user_sessions(conn, username, reason=f"role changed by {by}")
            elif "password_hash" in changes:
                self._end_user_sessions(conn, username, reason=f"password changed by {by}", keep=keep_session)
            shown = {k: ("(changed)" if k == "password_hash" else v) for k, v in changes.items()}
            self._audit(conn, by, "update", "user", username, before=before[0], after=shown)
            self._bump_version(conn)

    def create_session(self, token_hash: str, username: str) -> None:
        now = _now()
        with self._write() as conn:
            conn.execute(
                "INSERT INTO sessions (token_hash, username, created_at, last_seen_at) VALUES (?,?,?,?)",
                (token_hash, username, now, now),
            )

    def get_session(self, token_hash: str) -> dict | None:
        rows = self._rows("SELECT * FROM sessions WHERE token_hash = ?", (token_hash,))
        return rows[0] if rows else None

    def touch_session(self, token_hash: str) -> None:
        with self._write() as conn:
            conn.execute("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", (_now(), token_hash))

    def end_session(self, token_hash: str, *, at: dt.datetime | None = None, reason: str | None = None) -> bool:
        """End an open session and record it in the audit log: as a sign-out, or (``reason``
        given) as a session ended for that reason. False when it was unknown or already ended."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT rowid, username FROM sessions WHERE token_hash = ? AND ended_at IS NULL", (token_hash,)
            ).fetchone()
            if row is None:
                return False
            number, username = row
            conn.execute("UPDATE sessions SET ended_at = ? WHERE rowid = ?",
                         (_now() if at is None else _utc_text(at), number))
            if reason is None:
                self._audit(conn, username, "sign out", "user", username, after={"session": number}, at=at)
            else:
                self._audit(conn, username, "session ended", "user", username,
                            after={"session": number, "reason": reason}, at=at)
            return True

    # -- sign-in throttling and timed sessions (used by tracker.auth, whose clock is injectable)

    #: Forgotten counts deleted per sign-in attempt: at least as many as an attempt can add (one),
    #: and few enough that no attempt waits on a long delete.
    _FORGOTTEN_PER_ATTEMPT = 100

    def begin_login_attempt(
        self,
        name: str,
        *,
        at: dt.datetime,
        wait_after: Callable[[int], dt.timedelta | None],
        forget_after: dt.timedelta,
        key: str | None = None,
        also: Sequence[tuple[str, Callable[[int], dt.timedelta | None]]] = (),
    ) -> dict:
        """Count a sign-in attempt for the typed (normalised) ``name`` before its password is
        checked, in one write transaction.

        Counting first (and resetting on success) means parallel guesses are serialised by the
        write lock, so each one sees the failures before it. Every name typed is counted, an
        account's or not, so the throttle says nothing about which names are accounts.
        ``wait_after(n)`` is how long the name must wait after ``n`` failures in a row (None:
        no wait). A count is forgotten ``forget_after`` after its last counted attempt (never
        before its wait is over); forgotten rows are deleted a batch per attempt, so the table
        holds little more than the names tried within the last ``forget_after``.

        ``key`` replaces ``sign_in_key(name)`` (the name at one address, say); ``also`` counts
        the attempt under more keys at once, each with its own waits (the address, the account
        from anywhere, the whole server): a wait on any of them refuses the attempt.

        Returns ``user`` (the account's row, None when the name is no account), ``failures``
        and ``wait_until`` as counted, and ``refused_until``: set, with nothing counted, when an
        earlier failure already made the name (or, ``refused_by``, another key) wait past ``at``.
        """
        now = _utc_text(at)
        key = key or sign_in_key(name)
        with self._write() as conn:
            conn.execute(
                "DELETE FROM sign_in_attempts WHERE name_key IN (SELECT name_key FROM sign_in_attempts "
                "WHERE forget_at <= ? ORDER BY forget_at LIMIT ?)",
                (now, self._FORGOTTEN_PER_ATTEMPT),
            )
            cursor = conn.execute("SELECT * FROM users WHERE username = ?", (name,))
            row = cursor.fetchone()
            user = None if row is None else dict(zip([d[0] for d in cursor.description], row))
            counted = conn.execute(
                "SELECT failures, wait_until FROM sign_in_attempts WHERE name_key = ? AND forget_at > ?",
                (key, now),
            ).fetchone()
            failures, wait_until = counted or (0, None)
            if wait_until and wait_until > now:
                return {"user": user, "failures": failures, "wait_until": wait_until, "refused_until": wait_until,
                        "refused_by": key}
            others = []
            for other, _ in also:
                row = conn.execute(
                    "SELECT failures, wait_until FROM sign_in_attempts WHERE name_key = ? AND forget_at > ?",
                    (other, now),
                ).fetchone()
                if row and row[1] and row[1] > now:
                    return {"user": user, "failures": failures, "wait_until": row[1], "refused_until": row[1],
                            "refused_by": other}
                others.append(row[0] if row else 0)
            failures += 1
            until = None
            for counted_key, count, waits in [(key, failures, wait_after)] + [
                    (other, n + 1, waits) for (other, waits), n in zip(also, others)]:
                wait = waits(count)
                wait_until = _utc_text(at + wait) if wait else None
                if counted_key == key:
                    until = wait_until
                conn.execute(
                    "INSERT INTO sign_in_attempts (name_key, failures, wait_until, forget_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (name_key) DO UPDATE SET failures = excluded.failures, "
                    "wait_until = excluded.wait_until, forget_at = excluded.forget_at",
                    (counted_key, count, wait_until, max(_utc_text(at + forget_after), wait_until or "")),
                )
            return {"user": user, "failures": failures, "wait_until": until, "refused_until": None,
                    "refused_by": None}

    def record_sign_in_refused(
        self,
        username: str,
        events: Iterable[tuple[str, dict]],
        *,
        at: dt.datetime,
        forget_failures: bool = False,
    ) -> None:
        """Record a refused sign-in of the account ``username``: each ``(action, values)`` in
        ``events`` as an audit entry, and with ``forget_failures`` its count reset (the password
        was right, the account is disabled), in one transaction.

        For an account only: a typed name that is no account is never written to the audit log.
        """
        with self._write() as conn:
            if forget_failures:
                conn.execute("DELETE FROM sign_in_attempts WHERE name_key = ?", (sign_in_key(username),))
                if forget_failures is not True:
                    for key in forget_failures:
                        conn.execute("DELETE FROM sign_in_attempts WHERE name_key = ?", (key,))
            for action, values in events:
                self._audit(conn, username, action, "user", username, after=values, at=at)

    def start_session(self, token_hash: str, username: str, *, at: dt.datetime, method: str = "password",
                      forget: Sequence[str] = (), uncount: Sequence[str] = ()) -> int:
        """Open a session signed in by ``method`` at ``at`` and record the sign-in, in one
        transaction; a password sign-in also resets the account's failure count (and the counts
        keyed ``forget``; those keyed ``uncount`` lose the attempt that succeeded). Returns the
        session's number (what the audit log calls it; the token is never written)."""
        with self._write() as conn:
            if method == "password":
                conn.execute("DELETE FROM sign_in_attempts WHERE name_key = ?", (sign_in_key(username),))
                for key in forget:
                    conn.execute("DELETE FROM sign_in_attempts WHERE name_key = ?", (key,))
                for key in uncount:
                    conn.execute("UPDATE sign_in_attempts SET failures = max(failures - 1, 0) WHERE name_key = ?",
                                 (key,))
            cursor = conn.execute(
                "INSERT INTO sessions (token_hash, username, created_at, last_seen_at) VALUES (?,?,?,?)",
                (token_hash, username, at.isoformat(), at.isoformat()),
            )
            number = cursor.lastrowid
            self._audit(conn, username, "sign in", "user", username,
                        after={"method": method, "session": number}, at=at)
            return number

    def mark_session_seen(self, token_hash: str, *, at: dt.datetime) -> None:
        """Record activity on an open session (what the inactivity timeout counts from)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND ended_at IS NULL",
                (at.isoformat(), token_hash),
            )

    # -- readers' record: how current it is, and what changed since a date ----------------
    # (issue 15: tracker/currency.py and tracker/changes.py build on these reads)

    def record_dates(self, as_of: dt.date | None = None) -> dict:
        """How current the record is: ``last_changed`` (the time, UTC text, of the newest change
        to the record itself, not a sign-in), ``newest_evidence`` (the latest date an
        assessment's evidence refers to) and ``newest_document`` (the latest publication date),
        each None when there is none; with ``as_of``, evidence and documents up to that day."""
        until = as_of.isoformat() if as_of else "9999-12-31"
        listed = ", ".join(f"'{a}'" for a in SIGN_IN_ACTIONS)
        conn = self.db.conn
        # Walks the audit log's date index from the newest end and stops at the first change.
        changed = conn.execute(
            f"SELECT at FROM audit_log WHERE action NOT IN ({listed}) ORDER BY at DESC LIMIT 1"
        ).fetchone()
        evidence = conn.execute("SELECT max(assessed_on) FROM counted_assessments WHERE assessed_on <= ?",
                                (until,)).fetchone()[0]
        document = conn.execute("SELECT max(published_start) FROM documents WHERE published_start <= ?",
                                (until,)).fetchone()[0]
        return {"last_changed": changed[0] if changed else None, "newest_evidence": evidence,
                "newest_document": document}

    def deadline_status_counts(self) -> pd.DataFrame:
        """Current counts (``kind``, ``status``, ``response``, ``implementation``, ``n``) of items
        with a deadline recorded, open or not (the caller applies tracker.status.is_open)."""
        return self._frame(
            "SELECT kind, status, response, implementation, count(*) AS n "
            "FROM items INDEXED BY items_deadline_status WHERE deadline_end IS NOT NULL GROUP BY 1, 2, 3, 4"
        )

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

    # -- browser-bound sessions (issue 11: staff sessions that cannot be taken over) ---------

    def await_browser(self, token_hash: str, browser_hash: str, *, until: dt.datetime) -> None:
        """Let the browser whose cookie hashes to ``browser_hash`` claim the open session
        ``token_hash`` until ``until`` (see ``claim_session``)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE sessions SET bind_browser = ?, bind_until = ? WHERE token_hash = ? AND ended_at IS NULL",
                (browser_hash, _utc_text(until), token_hash),
            )

    def claim_session(self, browser_hash: str, new_token_hash: str, *, at: dt.datetime) -> str | None:
        """Give the newest open session waiting for ``browser_hash`` (and not past its
        ``bind_until``) the token ``new_token_hash``, once: the old token no longer opens it.
        Returns the session's username, or None when no session waits for that browser."""
        with self._write() as conn:
            row = conn.execute(
                "SELECT rowid, username FROM sessions WHERE bind_browser = ? AND bind_until > ? "
                "AND ended_at IS NULL ORDER BY rowid DESC LIMIT 1",
                (browser_hash, _utc_text(at)),
            ).fetchone()
            if row is None:
                return None
            conn.execute(
                "UPDATE sessions SET token_hash = ?, bind_browser = NULL, bind_until = NULL, last_seen_at = ? "
                "WHERE rowid = ?",
                (new_token_hash, _utc_text(at), row[0]),
            )
            return row[1]

    def end_user_sessions(self, username: str, *, reason: str, at: dt.datetime | None = None,
                          keep_token_hash: str | None = None) -> int:
        """End every open session of ``username`` (but ``keep_token_hash``'s), each recorded in
        the audit log with ``reason``. Returns how many ended."""
        with self._write() as conn:
            return self._end_user_sessions(conn, username, reason=reason, at=at, keep=keep_token_hash)

    def _end_user_sessions(self, conn, username: str, *, reason: str, at: dt.datetime | None = None,
                           keep: str | None = None) -> int:
        rows = conn.execute(
            "SELECT rowid FROM sessions WHERE username = ? AND ended_at IS NULL AND token_hash IS NOT ? "
            "ORDER BY rowid", (username, keep),
        ).fetchall()
        when = _now() if at is None else _utc_text(at)
        for (number,) in rows:
            conn.execute("UPDATE sessions SET ended_at = ? WHERE rowid = ?", (when, number))
            self._audit(conn, username, "session ended", "user", username,
                        after={"session": number, "reason": reason}, at=at)
        return len(rows)

    def set_second_factor(self, username: str, secret: str | None, recovery_hashes: list[str], *, by: str) -> None:
        """Turn an account's second factor on (``secret``) or off (None), in the audit log."""
        by = _recorder(by)
        with self._write() as conn:
            conn.execute(
                "UPDATE users SET totp_secret = ?, totp_last_step = NULL, recovery_hashes = ?, "
                "version = version + 1 WHERE username = ?",
                (secret, json.dumps(recovery_hashes) if secret else None, username),
            )
            self._audit(conn, by, "update", "user", username,
                        after={"second factor": "on" if secret else "off"})

    def use_totp_step(self, username: str, step: int) -> bool:
        """Record that the code of time step ``step`` was used; False if it or a later one was."""
        with self._write() as conn:
            return conn.execute(
                "UPDATE users SET totp_last_step = ? WHERE username = ? "
                "AND (totp_last_step IS NULL OR totp_last_step < ?)", (step, username, step),
            ).rowcount == 1

    def use_recovery_code(self, username: str, code_hash: str) -> bool:
        """Strike an unused recovery code off; False if the account has no such code."""
        with self._write() as conn:
            row = conn.execute("SELECT recovery_hashes FROM users WHERE username = ?", (username,)).fetchone()
            left = json.loads(row[0]) if row and row[0] else []
            if code_hash not in left:
                return False
            left.remove(code_hash)
            conn.execute("UPDATE users SET recovery_hashes = ? WHERE username = ?", (json.dumps(left), username))
            self._audit(conn, username, "update", "user", username,
                        after={"recovery codes left": len(left)})
            return True

    def second_factor_given(self, token_hash: str, pending: str, *, forget: Sequence[str] = ()) -> None:
        """Open the session ``token_hash`` that waited (``pending``) for its second factor, and
        forget the failure counts keyed ``forget``."""
        with self._write() as conn:
            conn.execute("UPDATE sessions SET bind_browser = NULL, bind_until = NULL "
                         "WHERE token_hash = ? AND bind_browser = ?", (token_hash, pending))
            for key in forget:
                conn.execute("DELETE FROM sign_in_attempts WHERE name_key = ?", (key,))

    def staff_roles(self) -> dict[str, str]:
        """Every account's role by username: what public pages say instead of a username."""
        return {r["username"]: r["role"] for r in self._rows("SELECT username, role FROM users")}

    def session_is_open(self, token_hash: str) -> bool:
        """Whether ``token_hash`` names an open, claimed session (a cheap check, without the
        timeouts ``tracker.auth.check_session`` applies)."""
        return bool(self._rows(
            "SELECT 1 FROM sessions WHERE token_hash = ? AND ended_at IS NULL AND bind_browser IS NULL",
            (token_hash,),
        ))

    # -- maintenance -------------------------------------------------------

    # -- the published edition (issue 16): bulk reads and a copy without staff data ----------

    #: Tables that hold the record: published as they are.
    PUBLIC_TABLES = frozenset({
        "meta", "actors", "documents", "items", "item_actors", "item_themes", "assessments",
        "deadline_revisions", "links", "item_group_counts", "_sqlite_migrations",
        "assessment_corrections",
    })
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

    def publishable_copy(self, destination: str | os.PathLike) -> Path:
        """A copy of the database for anyone to download: the record without the staff tables
        (``UNPUBLISHED_TABLES``: staff tables and document texts), vacuumed so none of their deleted pages is left in the file, in
        rollback-journal mode (one file, no ``-wal``). Raises InvalidInputError when the
        database holds a table that is neither public nor staff."""
        destination = Path(destination)
        unknown = set(self.table_columns()) - self.PUBLIC_TABLES - self.UNPUBLISHED_TABLES
        if unknown:
            raise InvalidInputError(
                f"the database holds tables not known to be public or staff ({', '.join(sorted(unknown))}); "
                "classify them in Store.PUBLIC_TABLES or Store.UNPUBLISHED_TABLES before publishing"
            )
        if destination.exists():
            destination.unlink()
        self.backup(destination)
        conn = sqlite3.connect(str(destination), isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
            present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            conn.execute("BEGIN")
            # Who recorded what, as public pages say it: the account's role, never its username
            # (half of what signs in). The append-only triggers are lifted for this one rewrite
            # of the copy and put back as they were.
            roles = json.dumps(self.staff_roles())
            triggers = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%append_only%'"
            ).fetchall()
            for name, _ in triggers:
                conn.execute(f"DROP TRIGGER [{name}]")
            for table, column in self.RECORDER_COLUMNS:
                conn.execute(
                    f"UPDATE [{table}] SET [{column}] = CASE WHEN [{column}] IS NULL THEN NULL "
                    f"WHEN [{column}] = 'seed' THEN 'seed' "
                    f"ELSE coalesce(json_extract(:roles, '$.\"' || [{column}] || '\"'), 'staff') END",
                    {"roles": roles},
                )
            for _, sql in triggers:
                if sql:
                    conn.execute(sql)
            for table in sorted(self.UNPUBLISHED_TABLES & present):
                conn.execute(f"DROP TABLE [{table}]")  # its indexes and triggers go with it
            conn.execute("COMMIT")
            conn.execute("VACUUM")
        finally:
            conn.close()
        return destination

    def integrity_check(self) -> str:
        return self.db.conn.execute("PRAGMA integrity_check").fetchone()[0]

    def counts(self) -> dict[str, int]:
        tables = ("actors", "documents", "items", "assessments", "links", "deadline_revisions", "users")
        return {t: self.db.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


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


def _split(text: str | None) -> list[str]:
    return [part for part in (text or "").split("; ") if part]


def _group(rows: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped
