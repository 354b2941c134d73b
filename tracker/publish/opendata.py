"""The edition's open data: CSV files, the exchange-format JSON, the SQLite file without staff
tables, and a Datasette metadata file describing it (``dictionary.py`` holds the words)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Iterable

import pandas as pd

from .. import exchange, status as status_rules
from ..dates import stored_date
from ..models import split_list
from ..store import Store
from .content import recorder
from ..storage.published import PublishedRows, published_copy
from .dictionary import CSV_FILES, JSON_FILE, SQLITE_TABLES
from .files import EditionWriter
from .gz import Members, key_of

DATABASE_NAME = "tracker"


def _csv(rows: Iterable[tuple], columns: list[str]) -> str:
    """CSV with a byte-order mark (spreadsheets then read UTF-8), text cells through the same
    formula guard as ``tracker export``."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    guard = exchange.neutralise_cell
    risky = tuple(exchange.FORMULA_STARTS) + ("'",)  # only these may need the guard's apostrophe
    for row in rows:
        writer.writerow([("" if v is None else v) if not isinstance(v, str) or not v.startswith(risky)
                         else guard(v) for v in row])
    return out.getvalue()


#: The item columns ``statuses_rows`` reads (all ``write_open_data`` needs of the items frame).
STATUS_SOURCE_COLUMNS = ("id", "kind", "status", "response", "implementation", "last_assessed_on",
                         "last_assessed_precision", "owners")


def statuses_rows(items: pd.DataFrame, names: dict[str, str], bodies: dict[str, list[dict]]) -> list[tuple]:
    """One row per item (findings left out) and addressee, with that addressee's own status
    and evidence date (``bodies``: ``Store.addressee_statuses_of`` the items, issue 13), as the
    item page's "By addressee" table shows it: the columns of ``statuses.csv``. An item with no
    addressee has one row, with its own status and no addressee."""
    rows = []
    for r in items.itertuples(index=False):
        if r.kind == "finding":
            continue
        own = {body["actor_id"]: body for body in bodies.get(r.id, [])}
        item_state = (_none(r.status), _none(r.response), _none(r.implementation),
                      _none(r.last_assessed_on), _none(getattr(r, "last_assessed_precision", None)))
        for owner in split_list(r.owners) or [None]:
            body = own.get(owner)
            # every owner has its own span (addressee_periods); the item's state only for none
            status, response, implementation, assessed_on, precision = item_state if body is None else (
                body["status"], body["response"], body["implementation"], body["last_assessed_on"],
                body["last_assessed_precision"])
            open_ = status_rules.is_open(r.kind, status, response, implementation)
            known = stored_date(assessed_on, precision)
            rows.append((r.id, r.kind, owner, names.get(owner, owner) if owner else None, status, response,
                         implementation, status_rules.display_status(r.kind, status, response, implementation),
                         "yes" if open_ else "no", known.iso() if known is not None else None))
    return rows


def _none(value):
    return None if value is None or value != value else value


#: The published SQLite file, compressed.
SQLITE_FILE = "data/tracker.db.gz"
#: Every file ``write_open_data`` writes.
OPEN_DATA_FILES = (*(f.path for f in CSV_FILES), JSON_FILE.path, SQLITE_FILE, "data/metadata.json")
#: Items per compressed member of items.csv and statuses.csv, and of tracker.json (each item's
#: JSON export is the slow part): a write to one item makes its members again, the others are kept.
ITEMS_PER_MEMBER = 100
ITEMS_PER_JSON_MEMBER = 20
#: Bumped when what a member holds is made differently (members made before are then unused).
FORMAT = 3  # 2: statuses.csv dates the evidence to its precision ("2024-07"), as items.csv does;
#            3: statuses.csv gives each addressee its own status, not the item's (issue 13).
# A member's key holds what its items hold (``item_keys``, with each item's version): every write
# that changes a body's status (an assessment, a correction, the owners) bumps that version.


def write_open_data(writer: EditionWriter, store: Store, items: pd.DataFrame, names: dict[str, str],
                    roles: dict[str, str], *, title: str, base_url: str | None, item_keys: dict[str, str],
                    cache: Path, data_version: int, unchanged: bool = False) -> dict:
    """Every open data file into the edition, gzip-compressed (``gz.py``): the CSV files, the
    exchange JSON and the SQLite file, from members kept in ``cache`` when what they hold is
    unchanged. ``item_keys``: what each item holds, in export order. With ``unchanged`` (the
    record's data version is the one the last edition was made from) the last edition's files
    are linked instead, when they are all there. Returns what was done, for the publish's report."""
    if unchanged and all(writer.reuse(path) for path in OPEN_DATA_FILES):
        return {"data": "unchanged"}
    members = Members(cache / "members")
    database, patched = published_copy(store, cache / "tracker.db", data_version=data_version)
    files = {f.path: f for f in CSV_FILES}
    ids = list(item_keys)
    chunks = [ids[n:n + ITEMS_PER_MEMBER] for n in range(0, len(ids), ITEMS_PER_MEMBER)]
    by_id = items.set_index("id", drop=False)
    roles_stamp = sorted(roles.items())
    names_stamp = key_of(sorted(names.items()))

    def header(columns: list[str]) -> bytes:
        return members.member(key_of(FORMAT, "header", columns), lambda: _csv([], columns))

    # items.csv: exactly `tracker export --format csv`, a member per few hundred items
    item_columns = list(files["data/items.csv.gz"].columns)
    parts = [header(item_columns)]
    for chunk in chunks:
        parts.append(members.member(
            key_of(FORMAT, "items.csv", [item_keys[i] for i in chunk]),
            lambda chunk=chunk: _without_header(exchange.items_to_csv(store.item_rows(ids=chunk)))))
    writer.write(files["data/items.csv.gz"].path, b"".join(parts))

    status_columns = list(files["data/statuses.csv.gz"].columns)
    parts = [header(status_columns)]
    for chunk in chunks:
        parts.append(members.member(
            key_of(FORMAT, "statuses.csv", names_stamp, [item_keys[i] for i in chunk]),
            lambda chunk=chunk: _without_header(_csv(statuses_rows(by_id.loc[chunk], names,
                                                                   store.addressee_statuses_of(chunk)),
                                                     status_columns))))
    writer.write(files["data/statuses.csv.gz"].path, b"".join(parts))

    # history and deadline revisions: append-only, read from the published copy (recorders
    # already named by role); the rows added since the last publish become one more member
    state_path = cache / "tables.json"
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    published = PublishedRows(database)
    try:
        new_state = {}
        for path, table in (("data/history.csv.gz", "assessments"),
                            ("data/deadline_revisions.csv.gz", "deadline_revisions")):
            columns = list(files[path].columns)
            before = state.get(table) if patched else None
            kept, new_state[table] = _append_only_members(published, members, table, columns, before, roles_stamp)
            writer.write(path, b"".join([header(columns), *kept]))
        for path, table in (("data/links.csv.gz", "links"), ("data/documents.csv.gz", "documents"),
                            ("data/actors.csv.gz", "actors")):
            columns = list(files[path].columns)
            text = _csv(published.rows(table, columns), columns)
            writer.write(path, members.member(key_of(FORMAT, table, text), lambda text=text: text))
    finally:
        published.close()
    state_path.write_text(json.dumps(new_state), encoding="utf-8")

    json_chunks = [ids[n:n + ITEMS_PER_JSON_MEMBER] for n in range(0, len(ids), ITEMS_PER_JSON_MEMBER)]
    writer.write(JSON_FILE.path, b"".join(export_json_members(store, members, item_keys, json_chunks, roles)))
    writer.write(SQLITE_FILE, b"".join(members.file_members(database, f"sqlite-{FORMAT}")))
    writer.write("data/metadata.json", json.dumps(datasette_metadata(title, base_url), indent=2) + "\n")
    members.prune()
    return {"data": "patched" if patched else "copied", "members_compressed": members.compressed}



def _without_header(text: str) -> str:
    return text.split("\r\n", 1)[1]


def _append_only_members(published: PublishedRows, members: Members, table: str, columns: list[str],
                         before: dict | None, roles_stamp) -> tuple[list[bytes], dict]:
    """The CSV members of an append-only table: those of the last publish, and one for the rows
    entered since (all of it again when the last publish's are not known)."""
    count, top = published.extent(table)
    stamp = key_of(FORMAT, table, columns, roles_stamp)
    # issue 13: a correction marks an earlier assessment as mistaken, so history.csv's members
    # are also keyed on how many of their rows are corrected (corrections are append-only).
    corrected = published.corrections if table == "assessments" else None
    corrections = corrected() if corrected else 0
    if (before is not None and before.get("stamp") == stamp and len(before["members"]) < 64
            and before.get("corrections", 0) == corrections):
        old_count, old_top = before["count"], before["top"]
        added = published.extent(table, above=old_top)[0]
        if old_count + added == count:  # nothing entered below the last publish's top row
            keys = list(before["members"])
            if added:
                key = key_of(stamp, old_top, top, added)
                members.member(key, lambda: _without_header(_csv(published.rows(table, columns, above=old_top),
                                                                 columns)))
                keys.append(key)
            kept = [members.kept(k) for k in keys]
            if all(k is not None for k in kept):
                return kept, {"stamp": stamp, "count": count, "top": top, "members": keys,
                              "corrections": corrections}
    keys, kept, low = [], [], 0
    step = 100_000
    while low < top or not keys:
        high = low + step
        rows, last = published.extent(table, above=low, upto=high)
        key = key_of(stamp, "range", low, high, rows, last,
                     *([corrected(above=low, upto=high)] if corrected else []))
        kept.append(members.member(key, lambda low=low, high=high: _without_header(_csv(
            published.rows(table, columns, above=low, upto=high), columns))))
        keys.append(key)
        low = high
    return kept, {"stamp": stamp, "count": count, "top": top, "members": keys, "corrections": corrections}


def export_json_members(store: Store, members: Members, item_keys: dict[str, str], chunks: list[list[str]],
                        roles: dict[str, str]) -> list[bytes]:
    """``exchange.export_json(store)`` as gzip members: the same text (but for ``exported_at``,
    and who recorded each entry named by role, ``content.recorder``), a member per few hundred
    items, keyed on what they hold (``item_keys``, in export order): only the members of items
    that changed are exported again."""
    head = store.export_bundle(items=False).model_dump_json(indent=2)
    empty = '"items": []\n}'
    if not head.endswith(empty):  # the format changed: export it whole
        text = exchange.export_json(store)
        return [members.member(key_of("json-whole", text), lambda: text)]
    if not chunks:
        return [members.member(key_of(FORMAT, "json-empty", head), lambda: head + "\n")]
    stamp = sorted(roles.items())
    parts = [members.member(key_of(FORMAT, "json-head", head), lambda: head[: -len(empty)] + '"items": [\n')]
    for n, chunk in enumerate(chunks):
        parts.append(members.member(key_of(FORMAT, "json", stamp, n == 0, [item_keys[i] for i in chunk]),
                                    lambda chunk=chunk, n=n: ("" if n == 0 else ",\n") + _items_json(store, chunk, roles)))
    parts.append(members.member(key_of(FORMAT, "json-tail"), lambda: "\n  ]\n}\n"))
    return parts


def _items_json(store: Store, ids: list[str], roles: dict[str, str]) -> str:
    """The items ``ids`` as the export writes them, each indented as inside the bundle."""
    texts = {}
    for record in store.item_records(ids):
        record = record.model_copy(update={
            "history": [h.model_copy(update={
                "recorded_by": recorder(roles, h.recorded_by),
                # issue 13: who corrected an entry, by role too
                **({"correction": h.correction.model_copy(update={
                    "corrected_by": recorder(roles, h.correction.corrected_by)})} if h.correction else {})})
                        for h in record.history],
            "deadline_revisions": [r.model_copy(update={"recorded_by": recorder(roles, r.recorded_by)})
                                   for r in record.deadline_revisions]})
        text = record.model_dump_json(indent=2)
        texts[record.id] = "\n".join("    " + line for line in text.split("\n"))
    return ",\n".join(texts[i] for i in ids)


def datasette_metadata(title: str, base_url: str | None) -> dict:
    """Datasette's metadata for the published SQLite file: titles and every column described."""
    about = f"{base_url}data.html" if base_url else None
    tables = {
        name: {"description": description, "columns": columns}
        for name, (description, columns) in SQLITE_TABLES.items()
    }
    tables["_sqlite_migrations"]["hidden"] = True
    tables["item_group_counts"]["hidden"] = True
    return {
        "title": title,
        "description": "The record of commitments, recommendations, findings and calls, and what became of "
                       "them: read-only, without staff data.",
        **({"about": "Data dictionary", "about_url": about} if about else {}),
        "databases": {DATABASE_NAME: {"tables": tables}},
    }


def open_data_job(job: dict) -> tuple[dict, dict[str, str], int, int] | None:
    """``write_open_data`` in a process of its own: ``publish`` runs it beside the item pages
    and the other pages (2 cores: at 100,000 items the open data took a fifth of a publish after
    a few writes). ``job``: the database's path, the data version the publish reads, the edition
    writer (a copy: what it writes is returned, not shared) and ``write_open_data``'s arguments.

    Returns the report, the hashes of the files written and the counts written and linked; None
    when the database has moved on from that data version (a write since the publish began): the
    publish then writes the open data itself, inside its own read transaction."""
    writer: EditionWriter = job["writer"]
    with Store(job["db"], create=False) as store, store.reading():
        if store.data_version() != job["data_version"]:
            return None
        report = write_open_data(writer, store, data_version=job["data_version"], **job["args"])
    return report, writer.hashes, writer.written, writer.linked
