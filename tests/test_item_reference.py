"""Issue 13: an item's reference within its document ("Recommendation 4", "R4"): stored,
validated everywhere, searchable and carried by the exchange formats."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from tracker import exchange, filters, frames
from tracker.errors import ImportRejectedError
from tracker.models import ItemFields, ItemIn


def _item(**extra) -> dict:
    return dict(id="r4", kind="recommendation", title="Inspectorate: R4", quote="adopt a more consistent way",
                document_id="report", makers=["inspectorate"], owners=["home-office"], made="2023-12", **extra)


def test_the_model_takes_one_line_of_at_most_60_characters():
    assert ItemIn(**_item(reference="  Recommendation 4 ")).reference == "Recommendation 4"
    assert ItemIn(**_item(reference="")).reference is None
    for bad, message in (("R4\nR5", "one line"), ("x" * 61, "at most 60"), ("R\x1b4", "control characters")):
        with pytest.raises(ValidationError, match=message):
            ItemIn(**_item(reference=bad))


def test_stored_updated_searched_and_exported(sample_store, tmp_path):
    store = sample_store
    store.add_item(ItemIn(**_item(reference="Recommendation 4")), by="alice")
    assert store.get_item("r4")["reference"] == "Recommendation 4"
    assert store.find_items(text="recommendation 4")[0] == 1  # the SQL search
    frame = frames.annotate(store.items_frame(), today=__import__("datetime").date.today())
    assert list(filters.filter_items(frame, filters.ItemFilter(query="recommendation 4"))["id"]) == ["r4"]
    item = store.get_item("r4")
    fields = ItemFields(**{k: v for k, v in _item(reference="R4").items() if k != "id"})
    store.update_item("r4", fields, expected_version=item["version"], by="alice")
    assert store.get_item("r4")["reference"] == "R4"
    assert store.find_items(text="recommendation 4")[0] == 0 and store.find_items(text="r4")[0] >= 1
    exported = json.loads(exchange.export_json(store))
    assert [i["reference"] for i in exported["items"] if i["id"] == "r4"] == ["R4"]
    csv_text = exchange.export_csv(store)
    assert "reference" in csv_text.splitlines()[0] and ",R4" in csv_text


def test_a_bad_reference_in_an_import_is_refused_on_its_row(fresh_store, sample_bundle):
    raw = json.loads(sample_bundle.model_dump_json())
    raw["items"][2]["reference"] = "R4\nR5"
    with pytest.raises(ImportRejectedError) as info:
        exchange.import_file(fresh_store, json.dumps(raw).encode(), "x.json", by="alice")
    assert any(p.startswith("items[2] (track-abuse): reference:") for p in info.value.problems), info.value.problems
    assert fresh_store.is_empty()
    csv_text = ("id,kind,title,quote,document_id,makers,made,reference\r\n"
                f"x,commitment,T,q,paper,home-office,2021-01-01,{'y' * 61}\r\n")
    with pytest.raises(ImportRejectedError) as info:
        exchange.import_file(fresh_store, csv_text.encode(), "x.csv", by="alice")
    assert any(p.startswith("row 2 (x): reference:") for p in info.value.problems), info.value.problems


def test_proposed_items_carry_the_reference_the_text_numbers_them_by():
    from pathlib import Path

    from tracker.extract import extract_candidates

    text = (Path(__file__).parent / "data" / "nine_recommendations.txt").read_text()
    candidates = [c for c in extract_candidates(text, published="2026-01-15").candidates if c.reference]
    assert candidates
    first = candidates[0]
    assert first.exchange_dict("doc", "2026-01")["reference"] == first.reference
    assert first.item_record("doc", "2026-01").reference == first.reference


# -- natural order: R2 before R4 before R10 (tracker.ordering) ----------------------------------

NUMBERED = ["R10", "R4", None, "R2", "R1a", "r3"]


def _numbered(store) -> None:
    for n, reference in enumerate(NUMBERED):
        store.add_item(ItemIn(**{**_item(reference=reference), "id": f"n{n}", "title": f"Numbered {n}"}), by="alice")


@pytest.mark.parametrize("smaller, larger", [
    ("R2", "R4"), ("R4", "R10"), ("R9", "R10"), ("Recommendation 4", "Recommendation 12"), ("4.2", "4.10"),
    ("R1", "R1a"), ("r3", "R4"), ("R04", "R5"),
])
def test_numbers_in_a_reference_sort_as_numbers(smaller, larger):
    from tracker.ordering import reference_key

    assert reference_key(smaller) < reference_key(larger)
    assert reference_key("  R4 ") == reference_key("r4") and reference_key("") is None and reference_key(None) is None


def test_the_store_orders_by_reference_in_sql_as_pandas_does(sample_store):
    from tracker import figures, ordering

    _numbered(sample_store)
    matches, frame = sample_store.find_items(documents=("report",), kinds=("recommendation",), order="reference",
                                             limit=None)
    numbered = [r for r in frame["reference"].tolist() if isinstance(r, str)]
    assert numbered[:5] == ["R1a", "R2", "r3", "R4", "R10"]
    assert list(frame["reference"].isna()) == sorted(frame["reference"].isna())  # those without one last
    by_pandas = ordering.sort_by_reference(sample_store.items_frame(ids=frame["id"].tolist()))
    assert frame["id"].tolist() == by_pandas["id"].tolist()
    # the first ``limit`` are taken in that order, not the oldest
    assert sample_store.find_items(documents=("report",), order="reference", limit=2)[1]["reference"].tolist() == \
        ["R1a", "R2"]
    listed = figures.items_of_document(sample_store, "report", today=__import__("datetime").date.today())
    assert [r for r in listed["reference"].tolist() if isinstance(r, str)] == ["R1a", "R2", "r3", "R4", "R10"]
    with pytest.raises(ValueError, match="unknown order"):
        sample_store.find_items(order="title")


def test_the_tracker_lists_by_reference_when_asked(sample_store, monkeypatch):
    from test_dashboard_apptest import run, table

    _numbered(sample_store)
    monkeypatch.setenv("TRACKER_DB", str(sample_store.path))
    at = run("views/tracker_table.py", order="reference")
    assert not at.exception, at.exception
    assert [r for r in table(at, "reference")["reference"].tolist() if r] == ["R1a", "R2", "r3", "R4", "R10"]
    at = run("views/tracker_table.py")  # by default, oldest first (all made the same month: then by id)
    assert [r for r in table(at, "reference")["reference"].tolist() if r] == ["R10", "R4", "R2", "R1a", "r3"]
