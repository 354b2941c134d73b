"""The edition's open data: CSV files, the exchange-format JSON, the SQLite file without staff
tables, and a Datasette metadata file describing it (``dictionary.py`` holds the words)."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd

from .. import exchange, status as status_rules
from ..store import Store
from .dictionary import CSV_FILES, SQLITE_TABLES
from .files import EditionWriter

DATABASE_NAME = "tracker"


def _csv(frame: pd.DataFrame, columns: list[str]) -> str:
    """CSV with a byte-order mark (spreadsheets then read UTF-8), text cells through the same
    formula guard as ``tracker export``."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in frame[columns].itertuples(index=False, name=None):
        writer.writerow([exchange.neutralise_cell(None if v is None or v != v else v) for v in row])
    return out.getvalue()


def statuses_frame(items: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """One row per item (findings left out) and addressee, with the item's status."""
    rows = []
    for r in items.itertuples(index=False):
        if r.kind == "finding":
            continue
        owners = [o for o in (r.owners or "").split("; ") if o] or [None]
        open_ = status_rules.is_open(r.kind, _none(r.status), _none(r.response), _none(r.implementation))
        for owner in owners:
            rows.append({
                "item_id": r.id, "kind": r.kind, "addressee_id": owner,
                "addressee_name": names.get(owner, owner) if owner else None,
                "status": _none(r.status), "response": _none(r.response), "implementation": _none(r.implementation),
                "status_shown": r.status_label, "is_open": "yes" if open_ else "no",
                "last_assessed_on": _none(r.last_assessed_on),
            })
    return pd.DataFrame(rows, columns=list(CSV_FILES[1].columns))


def _none(value):
    return None if value is None or value != value else value


#: Every file ``write_open_data`` writes.
OPEN_DATA_FILES = (*(f.path for f in CSV_FILES), "data/tracker.json", "data/tracker.db", "data/metadata.json")


def write_open_data(writer: EditionWriter, store: Store, items: pd.DataFrame, names: dict[str, str], *,
                    title: str, base_url: str | None, unchanged: bool = False) -> None:
    """Every open data file into the edition. With ``unchanged`` (the record's data version is
    the one the last edition was made from) the last edition's files are linked instead, when
    they are all there: the JSON export alone takes a minute at 100,000 items."""
    if unchanged and all(writer.reuse(path) for path in OPEN_DATA_FILES):
        return
    put = writer.write
    files = {f.path: f for f in CSV_FILES}
    put("data/items.csv", exchange.export_csv(store))
    put("data/statuses.csv", _csv(statuses_frame(items, names), list(files["data/statuses.csv"].columns)))
    for path, table in (("data/history.csv", "assessments"), ("data/deadline_revisions.csv", "deadline_revisions"),
                        ("data/links.csv", "links"), ("data/documents.csv", "documents"),
                        ("data/actors.csv", "actors")):
        put(path, _csv(store.table_frame(table), list(files[path].columns)))
    put("data/tracker.json", exchange.export_json(store))

    database = writer.scratch("tracker.db")
    store.publishable_copy(database)
    writer.write_file("data/tracker.db", database)
    put("data/metadata.json", json.dumps(datasette_metadata(title, base_url), indent=2) + "\n")


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
