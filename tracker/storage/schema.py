"""The schema: the named migrations applied on open (their names are stored in
``_sqlite_migrations`` and never change), with the triggers and SQL they are built from."""

from __future__ import annotations

import datetime as dt

import sqlite_utils
from sqlite_utils.migrations import Migrations

from .. import status as status_rules
from .accounts import sign_in_key
from .periods import COVERS, CREATE_ADDRESSEE_PERIODS, CREATE_PERIODS, recompute_periods
from .shared import COUNTED_ASSESSMENTS, _utc_text


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
#: Whose items a commitment or call without owners is held against: its makers (the rule is
#: ``status.accountable``; this is its SQL, generated from the same constant).
_HELD_BY_MAKERS = status_rules.HELD_BY_MAKERS_SQL


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

# COUNTED_ASSESSMENTS (tracker.storage.shared) names the view made here: the one definition of
# the assessments that count for a status or a figure, every assessment that no correction marks
# as mistaken. Every read of assessments for a status (the status periods, timelines, the
# newest evidence) selects from it; the full history (``assessments``, with its corrections) is
# read only to show or export it.


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


@migrations(name="010_status_periods")
def _m010_status_periods(db: sqlite_utils.Database) -> None:
    """Each item's state over time as periods (``tracker.storage.periods``), so the record as of
    a past date is an indexed read instead of a replay of the whole history (5.4 s for the
    overview at 100,000 items); backfilled from the history of every item."""
    for statement in CREATE_PERIODS:
        db.execute(statement)
    recompute_periods(db.conn, "1", everything=True)


# -- a status per addressee (issue 13) ---------------------------------------------------------


@migrations(name="011_status_per_addressee")
def _m011_status_per_addressee(db: sqlite_utils.Database) -> None:
    """Each addressee (owner) of an item gets its own status (``tracker.storage.periods``):
    ``assessment_actors`` lists the owners an assessment covers (none: all of them) and
    ``addressee_periods`` their spans; the item's status is rolled up from them
    (``tracker.status.rollup``). Runs after ``010_status_periods``, whose backfill read the
    item's own assessments; every earlier assessment covered all owners, so the rebuild (every
    item, owners' spans first) gives the item spans already stored."""
    for statement in CREATE_ADDRESSEE_PERIODS:
        db.execute(statement)
    # One statement at a time: executescript would commit the migration's transaction half-way.
    for trigger in _APPEND_ONLY.format(table="assessment_actors").strip().split(";\nCREATE"):
        db.execute(trigger if trigger.startswith("CREATE") else "CREATE" + trigger)
    recompute_periods(db.conn, "1", everything=True)


@migrations(name="012c_addressee_evidence_precision")
def _m012c_addressee_evidence_precision(db: sqlite_utils.Database) -> None:
    """How precisely each addressee's latest evidence is dated, beside its ``last_assessed_on``
    (as ``status_periods`` has it since ``009c``), so the item page's "By addressee" rows say
    "July 2024" for evidence known to the month, not 2024-07-01. A database that ran ``011``
    before this has no such column: it is added and copied from the assessment each span was
    picked from (the latest counted one covering the addressee dated on or before the span's
    first day, as ``tracker.storage.periods`` picks it), without rebuilding the spans. ``011``
    now makes the column itself, so on a newer database this finds nothing to fill."""
    if "last_assessed_precision" not in db["addressee_periods"].columns_dict:
        db.execute("ALTER TABLE addressee_periods ADD COLUMN last_assessed_precision TEXT")
    covers = COVERS.replace("o.actor_id", "addressee_periods.actor_id")
    db.execute(
        f"""
        UPDATE addressee_periods SET last_assessed_precision = (
            SELECT a.assessed_on_precision FROM {COUNTED_ASSESSMENTS} a
            WHERE a.item_id = addressee_periods.item_id AND a.assessed_on <= addressee_periods.valid_from
              AND {covers}
            ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1)
        WHERE last_assessed_on IS NOT NULL AND last_assessed_precision IS NULL
        """
    )
