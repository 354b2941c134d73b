"""The Tracker's downloads carry each addressee's own status (issue 13), as of the date the record
is read at; computed in tracker (figures.with_addressee_statuses), a bounded number of items per read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from tests.test_rules_addressees import BODIES, six  # noqa: F401  (the fixture)
from tracker import figures, filters
from tracker.models import ItemRecord

TODAY = dt.date(2025, 1, 1)


def _provenance(store, as_of: dt.date) -> filters.Provenance:
    names = {a["id"]: a["name"] for a in store.actors()}
    return filters.Provenance(page_url="https://example.org/tracker", record_as_of=as_of, filter_text="every item",
                              actor_names=names, documents={}, item_url=lambda i: f"https://example.org/item?id={i}")


def _csv_rows(store, as_of: dt.date | None) -> dict[str, dict]:
    frame = figures.all_matching_items(store, filters.ItemFilter(), today=as_of or TODAY, as_of=as_of)
    text = filters.to_csv(frame, _provenance(store, as_of or TODAY))
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


def test_the_csv_names_each_addressee_with_its_own_status(six):
    row = _csv_rows(six, None)["share-data"]
    assert row["addressee_statuses"] == (
        "Home Office: accepted, implemented; Police: accepted, implemented; Courts: accepted, in progress; "
        "Prisons: accepted, in progress; Probation: accepted, in progress; Councils: accepted, in progress")
    assert row["status_shown"] == "in progress"  # the item: the body furthest behind


def test_the_csv_as_of_a_past_date_shows_the_statuses_then(six):
    assert _csv_rows(six, dt.date(2024, 3, 1))["share-data"]["addressee_statuses"] == "; ".join(
        [f"{b}: accepted, not started" for b in ("Home Office", "Police")]
        + [f"{b}: accepted, in progress" for b in ("Courts", "Prisons", "Probation", "Councils")])
    assert _csv_rows(six, dt.date(2022, 4, 1))["share-data"]["addressee_statuses"] == "; ".join(
        f"{b.replace('-', ' ').title()}: awaiting response, not yet assessed" for b in BODIES)


def test_an_item_with_one_addressee_leaves_the_column_empty_and_json_carries_it(six):
    six.import_bundle(_one_owner(), by="test")
    rows = _csv_rows(six, None)
    assert rows["one-body"]["addressee_statuses"] == ""
    frame = figures.all_matching_items(six, filters.ItemFilter(), today=TODAY)
    items = {i["id"]: i for i in json.loads(filters.to_json(frame, _provenance(six, TODAY)))["items"]}
    assert items["share-data"]["addressee_statuses"].startswith("Home Office: accepted, implemented; ")


def test_items_are_read_a_bounded_number_at_a_time(six, monkeypatch):
    six.import_bundle(_one_owner(), by="test")
    asked: list[list[str]] = []
    real = six.addressee_states

    def counted(ids, *, as_of=None):
        asked.append(list(ids))
        return real(ids, as_of=as_of)

    monkeypatch.setattr(six, "addressee_states", counted)
    monkeypatch.setattr(figures, "ADDRESSEES_READ_AT_ONCE", 1)
    frame = figures.all_matching_items(six, filters.ItemFilter(), today=TODAY)
    assert asked == [["share-data"]]  # only the item with several addressees is read
    assert [s for s, _ in frame.set_index("id").at["share-data", "addressee_states"]] == BODIES


def _one_owner():
    from tracker.models import Bundle

    return Bundle(actors=[], documents=[], items=[ItemRecord(
        id="one-body", kind="commitment", title="The Home Office will act", quote="share data", document_id="audit",
        makers=["home-office"], owners=["home-office"], made="2022-03-01")])
