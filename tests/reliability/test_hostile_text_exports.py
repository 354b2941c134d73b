"""Hostile text in exports: every CSV the tracker writes neutralises formula cells, and JSON
keeps stored text exactly as it was written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from hostile_inputs import FORMULA, IMG, SCRIPT, hostile_bundle
from tracker import exchange, filters, frames as progress


@pytest.fixture
def hostile_store(fresh_store):
    fresh_store.import_bundle(hostile_bundle(), by="import")
    return fresh_store


def dashboard_frame(store):
    """The frame the dashboard's Tracker page downloads from."""
    return progress.annotate(store.items_frame(include_quote=True), today=dt.date.today())


CSV_EXPORTS = {
    "tracker export --format csv": lambda store: exchange.export_csv(store),
    "dashboard Download CSV": lambda store: filters.to_csv(dashboard_frame(store)),
}


@pytest.mark.parametrize("export", sorted(CSV_EXPORTS))
def test_every_csv_export_neutralises_formula_cells(hostile_store, export):
    rows = list(csv.reader(io.StringIO(CSV_EXPORTS[export](hostile_store).lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'" + FORMULA in cells  # the formula is still there, as text
    assert [c for c in cells if c.startswith(exchange.FORMULA_STARTS)] == []


def test_the_csv_check_would_see_a_formula():
    assert "=1+1".startswith(exchange.FORMULA_STARTS)
    assert not exchange.neutralise_cell("=1+1").startswith(exchange.FORMULA_STARTS)


@pytest.mark.parametrize("export", ["tracker export --format json", "dashboard Download JSON"])
def test_json_exports_keep_hostile_text_verbatim(hostile_store, export):
    if export.startswith("tracker"):
        data = json.loads(exchange.export_json(hostile_store))
        titles = {item["title"] for item in data["items"]}
        assert data["documents"][0]["publisher"] == SCRIPT
    else:
        titles = {row["title"] for row in json.loads(filters.to_json(dashboard_frame(hostile_store)))}
    assert {f"{IMG} pledged", FORMULA} <= titles
    assert f"{SCRIPT} recommended" in titles
