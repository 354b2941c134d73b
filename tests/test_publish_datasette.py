"""Datasette serves the edition's SQLite file read-only with the edition's descriptions, and
its facets count what the edition shows."""

from __future__ import annotations

import gzip
import json
import re
import sys
import urllib.request

import pytest
from browser_support import free_port, server_process

from tracker.publish import publish
from tracker.store import Store


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)


@pytest.mark.slow
def test_datasette_serves_the_published_database_with_its_metadata(seeded_db, tmp_path):
    site = tmp_path / "site"
    with Store(seeded_db) as store:
        publish(store, site)
    overview = (site / "index.html").read_text(encoding="utf-8")
    kinds = {k: int(v.replace(",", "")) for k, v in re.findall(r'data-count="([a-z]+)">([0-9,]+)<', overview)}
    tracked = sum(kinds.values())
    assert tracked == int(re.search(r'data-figure="trackable">([0-9,]+)<', overview).group(1).replace(",", "")) \
        + int(re.search(r'data-figure="findings">([0-9,]+)<', overview).group(1).replace(",", ""))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # the edition ships the file compressed (data/tracker.db.gz); a reader uncompresses it first
    database = tmp_path / "tracker.db"
    database.write_bytes(gzip.decompress((site / "data" / "tracker.db.gz").read_bytes()))
    command = [sys.executable, "-m", "datasette", "serve", "-i", str(database),
               "--metadata", str(site / "data" / "metadata.json"), "-p", str(port), "--host", "127.0.0.1"]
    with server_process(command, f"{url}/-/versions.json", tmp_path / "datasette.log"):
        facets = get(f"{url}/tracker/items.json?_facet=kind&_size=0&_facet_size=max")
        counted = {row["value"] + "s": row["count"] for row in facets["facet_results"]["kind"]["results"]}
        assert facets["filtered_table_rows_count"] == tracked
        assert {k: v for k, v in counted.items()} == {k: v for k, v in kinds.items() if v}
        metadata = get(f"{url}/-/metadata.json")
        columns = metadata["databases"]["tracker"]["tables"]["items"]["columns"]
        assert "verbatim" in columns["quote"]
        databases = get(f"{url}/-/databases.json")
        assert [d["is_mutable"] for d in databases if d["name"] == "tracker"] == [False]
        tables = {t["name"] for t in get(f"{url}/tracker.json")["tables"]}
        assert "items" in tables and not tables & Store.STAFF_TABLES
