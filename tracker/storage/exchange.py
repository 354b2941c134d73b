"""The exchange format: a whole record as a ``Bundle`` (export), checked and loaded back
(import), and the copy of the database anyone may download."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from .. import status as status_rules
from ..errors import ImportRejectedError, InvalidInputError
from ..models import (
    Actor,
    Bundle,
    CurrentStatus,
    DatePrecision,
    DeadlineRevision,
    Document,
    HistoryEntry,
    ImplementationStatus,
    ItemIn,
    ItemKind,
    ItemLink,
    ItemRecord,
    LifecycleStatus,
    Link,
    LinkKind,
    PartialDate,
    ResponseStatus,
    split_list,
)
from .shared import (
    SEED_RECORDER,
    _LISTED_IDS,
    _WITH_CORRECTION,
    _correction_record,
    _drop,
    _enum,
    _group,
    _now,
    _recorder,
)


class Exchange:
    """Export, import and the publishable copy (see ``Store``)."""

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
        covered = _group(self._rows(  # issue 13: the addressees each assessment covers, in owner order
            "SELECT x.assessment_id, x.actor_id FROM assessment_actors x JOIN assessments a ON a.id = x.assessment_id "
            "LEFT JOIN item_actors o ON o.item_id = a.item_id AND o.actor_id = x.actor_id AND o.role = 'owner' "
            "ORDER BY x.assessment_id, o.position, x.actor_id"), "assessment_id")
        for entries in history.values():
            for entry in entries:
                entry["addressees"] = [row["actor_id"] for row in covered.get(entry["id"], [])]
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
            makers=split_list(row["makers"]),
            owners=split_list(row["owners"]),
            themes=split_list(row["themes"]),
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
                    addressees=h.get("addressees", []),
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
            self._recompute_item_periods(conn, [item.id for item in bundle.items])
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

    # -- the published edition (issue 16): a copy of the database without staff data -------

    def publishable_copy(self, destination: str | os.PathLike) -> Path:
        """A copy of the database for anyone to download: the record without the staff tables
        (``UNPUBLISHED_TABLES``: staff tables and document texts) and without the tables derived
        from its history (``DERIVED_TABLES``, the status periods), vacuumed so none of their deleted pages is left in the file, in
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
            for table in sorted((self.UNPUBLISHED_TABLES | self.DERIVED_TABLES) & present):
                conn.execute(f"DROP TABLE [{table}]")  # its indexes and triggers go with it
            conn.execute("COMMIT")
            conn.execute("VACUUM")
        finally:
            conn.close()
        return destination
