"""The tracker table's search, filters and exports (tracker/filters.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from dashboard_fixture import chain_bundle
from tracker import filters, frames as progress
from tracker.filters import ItemFilter

TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def frame(fresh_store):
    fresh_store.import_bundle(chain_bundle(), by="test")
    return progress.annotate(fresh_store.items_frame(include_quote=True), today=TODAY)


@pytest.mark.parametrize(
    "chosen, expected",
    [
        (ItemFilter(), None),
        (ItemFilter(query="DEPORT"), {"deport-rochdale-gang", "none-deported", "honour-deportation"}),
        (ItemFilter(query="honour that commitment"), {"honour-deportation"}),  # in the quote only
        (ItemFilter(query="(.*"), set()),  # plain text, never a pattern
        (ItemFilter(kinds=("finding",)), {"none-deported", "data-unreliable"}),
        (ItemFilter(statuses=("stalled", "in progress")), {"deport-rochdale-gang", "improve-data"}),
        (ItemFilter(statuses=("awaiting response",)), {"consistent-tracking"}),
        (ItemFilter(actors=("tony-lloyd",)), {"honour-deportation"}),
        (ItemFilter(actors=("police",)), {"ethnicity-in-custody"}),
        (ItemFilter(owners=("home-office",)), {"deport-rochdale-gang", "improve-data", "consistent-tracking"}),
        (ItemFilter(owners=("home",)), set()),  # whole ids only: "home" is not "home-office"
        (ItemFilter(themes=("policing",)), {"taskforce"}),
        (ItemFilter(documents=("hmicfrs-2023",)),
         {"ethnicity-in-custody", "data-unreliable", "consistent-tracking", "taskforce"}),
        (ItemFilter(made_from=dt.date(2023, 1, 1), made_to=dt.date(2023, 6, 30)), {"taskforce"}),
        (ItemFilter(kinds=("commitment",), themes=("data collection",)), {"improve-data"}),
    ],
)
def test_filter_items(frame, chosen, expected):
    found = set(filters.filter_items(frame, chosen)["id"])
    assert found == (set(frame["id"]) if expected is None else expected)


def test_filter_options(frame):
    options = filters.filter_options(frame)
    assert options.kinds == ["commitment", "recommendation", "finding", "call"]
    assert options.statuses[0] == "not yet assessed" and options.statuses[-1] == "awaiting response"
    assert "tony-lloyd" in options.actors and "tony-lloyd" not in options.owners
    assert options.first_made == dt.date(2018, 8, 1) and options.last_made == dt.date(2023, 12, 8)
    assert filters.filter_options(frame.iloc[0:0]) == filters.FilterOptions()


def test_csv_export_defuses_formulas(frame):
    frame = frame.copy()
    frame.loc[frame["id"] == "taskforce", "title"] = '=HYPERLINK("http://x","click")'
    rows = list(csv.DictReader(io.StringIO(filters.to_csv(frame))))
    assert len(rows) == len(frame)
    assert rows[0]["id"] == "deport-rochdale-gang" and rows[0]["status_shown"] == "stalled"
    task = next(r for r in rows if r["id"] == "taskforce")
    assert task["title"].startswith("'=HYPERLINK")
    assert "quote" in rows[0]


def test_json_export(frame):
    records = json.loads(filters.to_json(frame))
    assert [r["id"] for r in records] == frame["id"].tolist()
    finding = next(r for r in records if r["id"] == "none-deported")
    assert finding["status"] is None and finding["status_shown"] == "finding (no status)"
    assert finding["days_overdue"] is None


def provenance(chosen: ItemFilter) -> filters.Provenance:
    names = {"home-office": "Home Office", "tony-lloyd": "Tony Lloyd MP"}
    return filters.Provenance(
        page_url="https://t.example.org/tracker?status=stalled&as_of=2024-06-01", record_as_of=TODAY,
        filter_text=filters.describe_filter(chosen, actor_names=names, document_titles={}),
        actor_names=names, documents={"rochdale-online-2020": ("Rochdale Online article", "https://r.example/a")},
        item_url=lambda i: f"https://t.example.org/item?id={i}", source="Test tracker", licence="CC BY 4.0",
    )


def test_describe_filter_uses_names():
    chosen = ItemFilter(statuses=("stalled",), owners=("home-office",), made_from=dt.date(2020, 1, 1))
    assert filters.describe_filter(chosen, actor_names={"home-office": "Home Office"}, document_titles={}) == \
        "status: stalled; owner: Home Office; made on or after 2020-01-01"
    assert filters.describe_filter(ItemFilter(), actor_names={}, document_titles={}) == "no filter: every item"


def test_a_download_with_provenance_names_people_links_sources_date_and_filter(frame):
    chosen = ItemFilter(statuses=("stalled",))
    rows = list(csv.DictReader(io.StringIO(filters.to_csv(filters.filter_items(frame, chosen), provenance(chosen)))))
    assert rows and all(r["status_shown"] == "stalled" for r in rows)
    first = rows[0]
    assert first["link"] == f"https://t.example.org/item?id={first['id']}"
    assert first["makers"] == "Home Office" and first["maker_ids"] == "home-office"
    assert first["source_title"] == "Rochdale Online article" and first["source_url"] == "https://r.example/a"
    assert {r["record_as_of"] for r in rows} == {"2024-06-01"} and {r["filter"] for r in rows} == {"status: stalled"}


def test_a_json_download_holds_each_items_history(frame):
    chosen = ItemFilter()
    history = {"deport-rochdale-gang": [{"status": "stalled", "assessed_on": "2020-12-15"}]}
    data = json.loads(filters.to_json(frame, provenance(chosen), history))
    assert data["taken"]["record_as_of"] == "2024-06-01" and data["taken"]["filter"] == "no filter: every item"
    assert data["taken"]["items"] == len(frame) == len(data["items"])
    by_id = {item["id"]: item for item in data["items"]}
    assert by_id["deport-rochdale-gang"]["history"] == history["deport-rochdale-gang"]
    assert by_id["none-deported"]["history"] == []
    assert by_id["deport-rochdale-gang"]["link"].endswith("id=deport-rochdale-gang")
