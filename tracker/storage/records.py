"""Writes to the record: actors, documents, items, assessments, deadline revisions, links,
intake (bulk status changes) and documents' own texts. Each runs in one write transaction
with its audit entry and a data-version bump."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Sequence

from ..errors import (
    AlreadyExistsError,
    InvalidInputError,
    NotFoundError,
    StatusUpdatesRefusedError,
    VersionConflictError,
)
from ..models import (
    Actor,
    Assessment,
    Correction,
    CorrectionRecord,
    DeadlineRevision,
    Document,
    ItemFields,
    ItemIn,
    ItemKind,
    Link,
    PartialDate,
    StatusUpdate,
    assessment_before_made_problem,
)
from ..source_text import SourceText, normalise_for_quote_check, quote_not_found_message
from .periods import recompute_periods
from .schema import COUNTED_ASSESSMENTS, _search_text
from .shared import SEED_RECORDER, _LISTED_IDS, _now, _recorder, _utc_text


def _addressees_problem(item_id: str, addressees: Sequence[str], owners: set[str]) -> str | None:
    """Why an assessment about ``addressees`` cannot be recorded for ``item_id``, whose
    addressees (owners) are ``owners``: the bodies that are not among them (the one rule for a
    single assessment, a progress report's rows and the CLI); None when it can."""
    strangers = [body for body in addressees if body not in owners]
    if not strangers:
        return None
    return (f"addressees: {', '.join(strangers)} {'is' if len(strangers) == 1 else 'are'} not "
            f"among the addressees of {item_id} ({', '.join(sorted(owners)) or 'none'})")


class RecordWrites:
    """Writes to the record (see ``Store``)."""

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

    # -- items ---------------------------------------------------------------

    def add_item(self, item: ItemIn, *, by: str) -> None:
        """Create an item (version 1, no history yet; its deadline becomes the first revision)."""
        by = _recorder(by)
        with self._write() as conn:
            self._insert_item(conn, item, by)
            self._recompute_item_periods(conn, [item.id])
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
            self._recompute_item_periods(conn, [item_id])  # the day it was made may have moved
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
            self._recompute_item_periods(conn, [item_id])
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
        if a.addressees:
            self._insert_assessment_actors(conn, item_id, a.addressees)

    # -- a status per addressee (issue 13): the owners an assessment covers --------------------

    def _insert_assessment_actors(self, conn, item_id: str, addressees: list[str]) -> None:
        """Record that the assessment just inserted covers ``addressees`` (all owners of the
        item) only; InvalidInputError names any that is not an owner."""
        owners = {row[0] for row in conn.execute(
            "SELECT actor_id FROM item_actors WHERE item_id = ? AND role = 'owner'", (item_id,))}
        problem = _addressees_problem(item_id, addressees, owners)
        if problem:
            raise InvalidInputError(problem)
        assessment_id = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        conn.executemany("INSERT INTO assessment_actors (assessment_id, actor_id) VALUES (?, ?)",
                         [(assessment_id, body) for body in addressees])

    def _current_status(self, conn, item_id: str) -> dict:
        row = conn.execute(
            "SELECT status, response, implementation, last_assessed_on FROM items WHERE id = ?",
            (item_id,),
        ).fetchone()
        return dict(zip(("status", "response", "implementation", "last_assessed_on"), row))

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
            self._recompute_item_periods(conn, [item_id])
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

    # -- status periods (issue 12): the one writer of an item's state, past and current ----------

    def _recompute_item_periods(self, conn: sqlite3.Connection, item_ids: list[str]) -> None:
        """Rebuild the status periods of ``item_ids`` from their history and copy each one's
        open period onto its row (``tracker.storage.periods.recompute_periods``), in the
        caller's transaction. Every write that changes an item's history or made date calls it."""
        recompute_periods(conn, f"id IN {_LISTED_IDS}", {"ids": json.dumps(list(item_ids))})

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
            owners: dict[str, set[str]] = {}
            for ident, actor in conn.execute(
                    f"SELECT item_id, actor_id FROM item_actors WHERE role = 'owner' AND item_id IN {_LISTED_IDS}",
                    {"ids": json.dumps(wanted)}):
                owners.setdefault(ident, set()).add(actor)
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
                # issue 13: a row of a progress report may be about some addressees only
                problem = _addressees_problem(ident, update.assessment.addressees, owners.get(ident, set()))
                if problem:
                    problems.append(f"item {ident!r}: {problem}")
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
                self._audit(conn, by, "assess", "item", ident, before=before,
                            after=update.assessment.model_dump(mode="json"))
                versions[ident] = stored[ident][1] + 1
            self._recompute_item_periods(conn, list(versions))
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
            self._recompute_item_periods(conn, [item_id])
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

    def _document_text_info(self, conn: sqlite3.Connection, document_id: str) -> dict | None:
        cursor = conn.execute(
            "SELECT document_id, chars, source, filename, sha256, set_by, set_at FROM document_texts "
            "WHERE document_id = ?", (document_id,))
        row = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], row)) if row else None

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
