"""The edition's open data: CSV files, the exchange-format JSON, the SQLite file without staff
tables, and a Datasette metadata file describing it (``dictionary.py`` holds the words)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Iterable

import pandas as pd

from .. import exchange, status as status_rules
from ..models import split_list
from ..store import Store
from .content import recorder
from .dictionary import CSV_FILES, SQLITE_TABLES
from .files import EditionWriter

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


def statuses_rows(items: pd.DataFrame, names: dict[str, str]) -> list[tuple]:
    """One row per item (findings left out) and addressee, with the item's status: the
    columns of ``statuses.csv``."""
    rows = []
    for r in items.itertuples(index=False):
        if r.kind == "finding":
            continue
        owners = split_list(r.owners) or [None]
        status, response, implementation = _none(r.status), _none(r.response), _none(r.implementation)
        open_ = status_rules.is_open(r.kind, status, response, implementation)
        for owner in owners:
            rows.append((r.id, r.kind, owner, names.get(owner, owner) if owner else None, status, response,
                         implementation, r.status_label, "yes" if open_ else "no", _none(r.last_assessed_on)))
    return rows


def _none(value):
    return None if value is None or value != value else value


#: Every file ``write_open_data`` writes.
OPEN_DATA_FILES = (*(f.path for f in CSV_FILES), "data/tracker.json", "data/tracker.db", "data/metadata.json")


def write_open_data(writer: EditionWriter, store: Store, items: pd.DataFrame, names: dict[str, str],
                    roles: dict[str, str], *,
                    title: str, base_url: str | None, item_keys: dict[str, str], cache: Path,
                    unchanged: bool = False) -> None:
    """Every open data file into the edition. With ``unchanged`` (the record's data version is
    the one the last edition was made from) the last edition's files are linked instead, when
    they are all there: the JSON export alone takes a minute at 100,000 items."""
    if unchanged and all(writer.reuse(path) for path in OPEN_DATA_FILES):
        return
    put = writer.write
    files = {f.path: f for f in CSV_FILES}
    put("data/items.csv", exchange.export_csv(store))
    put("data/statuses.csv", _csv(statuses_rows(items, names), list(files["data/statuses.csv"].columns)))
    for path, table in (("data/history.csv", "assessments"), ("data/deadline_revisions.csv", "deadline_revisions"),
                        ("data/links.csv", "links"), ("data/documents.csv", "documents"),
                        ("data/actors.csv", "actors")):
        columns = list(files[path].columns)
        rows = store.table_rows(table, columns)
        named = [n for n, c in enumerate(columns) if c in ("recorded_by", "reported_by")]
        if named:  # a role, never a username
            rows = (tuple(recorder(roles, v) if n in named and v is not None else v for n, v in enumerate(row))
                    for row in rows)
        put(path, _csv(rows, columns))
    put("data/tracker.json", export_json(store, item_keys, cache, roles))

    database = writer.scratch("tracker.db")
    store.publishable_copy(database)
    writer.write_file("data/tracker.db", database)
    put("data/metadata.json", json.dumps(datasette_metadata(title, base_url), indent=2) + "\n")


#: Items re-exported at once (bounded memory).
_EXPORT_BATCH = 2000


def export_json(store: Store, item_keys: dict[str, str], cache: Path, roles: dict[str, str]) -> str:
    """``exchange.export_json(store)``, the same text (but for ``exported_at``, and who recorded
    each entry named by role, ``content.recorder``), made from the JSON of each item kept in
    ``cache`` from the last publish, keyed on what the item holds (``item_keys``, in export
    order): only items that changed are exported again. At 10,000 items that is 1.5 s instead of 16."""
    known: dict[str, str] = {}
    stamp = json.dumps(sorted(roles.items()))  # a role changed: every item again
    if cache.is_file():
        with open(cache, encoding="utf-8") as handle:
            if handle.readline().rstrip("\n") == stamp:
                for line in handle:
                    key, _, text = line.rstrip("\n").partition("\t")
                    known[key] = json.loads(text)
    wanted = {key for key in item_keys.values()}
    missing = [item_id for item_id, key in item_keys.items() if key not in known]
    for start in range(0, len(missing), _EXPORT_BATCH):
        for record in store.item_records(missing[start:start + _EXPORT_BATCH]):
            record = record.model_copy(update={
                "history": [h.model_copy(update={
                    "recorded_by": recorder(roles, h.recorded_by),
                    **({"correction": h.correction.model_copy(update={
                        "corrected_by": recorder(roles, h.correction.corrected_by)})} if h.correction else {})})
                            for h in record.history],
                "deadline_revisions": [r.model_copy(update={"recorded_by": recorder(roles, r.recorded_by)})
                                       for r in record.deadline_revisions]})
            text = record.model_dump_json(indent=2)
            known[item_keys[record.id]] = "\n".join("    " + line for line in text.split("\n"))
    head = store.export_bundle(items=False).model_dump_json(indent=2)
    empty = '"items": []\n}'
    if not head.endswith(empty):  # the format changed: export it whole
        return exchange.export_json(store)
    items = ",\n".join(known[key] for key in item_keys.values())
    text = head[: -len(empty)] + ('"items": [\n' + items + "\n  ]\n}" if items else empty) + "\n"
    cache.parent.mkdir(parents=True, exist_ok=True)
    fresh = cache.with_suffix(".new")
    with open(fresh, "w", encoding="utf-8") as handle:
        handle.write(stamp + "\n")
        for key in wanted:
            handle.write(f"{key}\t{json.dumps(known[key])}\n")
    os.replace(fresh, cache)
    return text


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
