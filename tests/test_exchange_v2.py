"""Issue 13: the exchange format's version 2 (corrections, an item's reference within its
document, documents that answer documents). Version 1 files, written by the code before it,
still import and read the same."""

from __future__ import annotations

import json
from pathlib import Path

from tracker import exchange
from tracker.models import EXCHANGE_VERSION, Assessment, Correction
from tracker.store import Store

DATA = Path(__file__).parent / "data"
#: Fields version 2 added; a version 1 file has none of them.
NEW_FIELDS = {"correction", "reference", "responds_to", "follows_up"}


def _without_new_fields(value):
    """``value`` (exported JSON) without the fields version 2 added when they are empty."""
    if isinstance(value, dict):
        return {k: _without_new_fields(v) for k, v in value.items() if not (k in NEW_FIELDS and v is None)}
    if isinstance(value, list):
        return [_without_new_fields(v) for v in value]
    return value


def _comparable(text: str) -> dict:
    data = json.loads(text)
    data.pop("exported_at")
    data.pop("version")
    for item in data["items"]:
        item["current"].pop("version")
    return data


def test_export_import_export_is_identical_in_the_new_version(sample_store, tmp_path):
    store = sample_store
    store.record_assessment("improve-data", Assessment(status="delivered", evidence="Misread report",
                                                       assessed_on="2024-07"), expected_version=None, by="alice")
    mistaken = store.history("improve-data")[-1]["id"]
    store.correct_assessment(mistaken, Correction(reason="The report says in progress"), expected_version=None,
                             by="bob")
    first = exchange.export_json(store)
    assert json.loads(first)["version"] == EXCHANGE_VERSION == 2
    with Store(tmp_path / "copy.db") as empty:
        exchange.import_file(empty, first.encode(), "export.json", by="restore", as_recorded=True)
        second = exchange.export_json(empty)
        assert empty.get_item("improve-data")["status"] == store.get_item("improve-data")["status"] == "in progress"
        with Store(tmp_path / "third.db") as third:
            exchange.import_file(third, second.encode(), "export.json", by="restore", as_recorded=True)
            assert _comparable(exchange.export_json(third)) == _comparable(second)
    assert _comparable(second) == _comparable(first)
    history = json.loads(second)["items"][0]["history"]
    corrected = [h for h in history if h["correction"]]
    assert len(corrected) == 1
    assert corrected[0]["correction"]["reason"] == "The report says in progress"
    assert corrected[0]["correction"]["corrected_by"] == "bob"
    assert corrected[0]["assessed_on"] == "2024-07-01" and corrected[0]["assessed_on_precision"] == "month"


def test_an_import_not_as_recorded_keeps_the_correction_under_the_importer(sample_store, tmp_path):
    store = sample_store
    first = store.history("improve-data")[0]["id"]
    store.correct_assessment(first, Correction(reason="wrong"), expected_version=None, by="bob")
    with Store(tmp_path / "copy.db") as empty:
        exchange.import_file(empty, exchange.export_json(store).encode(), "export.json", by="carol")
        entry = empty.history("improve-data")[0]
        assert (entry["correction_reason"], entry["corrected_by"]) == ("wrong", "carol")
        assert empty.get_item("improve-data")["status"] is None


def test_a_version_1_export_still_imports_and_reads_the_same(fresh_store):
    old = (DATA / "exchange_v1.json").read_text()
    assert json.loads(old)["version"] == 1
    exchange.import_file(fresh_store, old.encode(), "old.json", by="restore", as_recorded=True)
    again = _without_new_fields(_comparable(exchange.export_json(fresh_store)))
    assert again == _comparable(old)
    month = [h for h in json.loads(old)["items"][0]["history"] if h["assessed_on_precision"] == "month"]
    assert month  # the file holds month-precision evidence, and it came back as such


def test_an_unknown_version_is_refused(fresh_store):
    data = json.loads((DATA / "exchange_v1.json").read_text())
    data["version"] = 3
    try:
        exchange.import_file(fresh_store, json.dumps(data).encode(), "x.json", by="x")
    except exchange.ImportRejectedError as exc:
        assert any("reads version 1 and 2 files, not 3" in p for p in exc.problems), exc.problems
    else:
        raise AssertionError("version 3 was accepted")
    assert fresh_store.is_empty()


def test_csv_carries_month_precision_evidence_and_the_reference(sample_store, tmp_path):
    from tracker.models import ItemIn

    store = sample_store
    store.add_item(ItemIn(id="r4", kind="recommendation", title="R4", quote="adopt a more consistent way",
                          document_id="report", makers=["inspectorate"], owners=["home-office"], made="2023-12",
                          reference="Recommendation 4"), by="alice")
    store.record_assessment("r4", Assessment(response="accepted", implementation="in progress",
                                             evidence="Progress report", assessed_on="2025-07"),
                            expected_version=None, by="alice")
    text = exchange.export_csv(store)
    row = [line for line in text.splitlines() if line.startswith("r4,")][0]
    assert ",2025-07," in row and row.endswith(",Recommendation 4")
    only = "\r\n".join([text.lstrip("\ufeff").splitlines()[0], row]) + "\r\n"
    data = json.loads(exchange.export_json(store))
    data["items"] = []  # the documents and actors, then the one CSV row
    with Store(tmp_path / "copy.db") as empty:
        exchange.import_file(empty, json.dumps(data).encode(), "sources.json", by="x")
        exchange.import_file(empty, only.encode(), "r4.csv", by="x")
        entry = empty.history("r4")[-1]
        assert (entry["assessed_on"], entry["assessed_on_precision"]) == ("2025-07-01", "month")
        assert empty.get_item("r4")["reference"] == "Recommendation 4"
        again = [line for line in exchange.export_csv(empty).splitlines() if line.startswith("r4,")][0]
        assert again.split(",")[:-2] == row.split(",")[:-2]  # the same but for the version
