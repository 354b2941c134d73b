import csv
import io
import json

import pytest

from tracker import exchange
from tracker.errors import ImportRejectedError
from tracker.store import Store


def export_without_timestamp(store):
    data = json.loads(exchange.export_json(store))
    data.pop("exported_at")
    return data


def test_json_round_trip_loses_nothing(sample_store, tmp_path):
    v = sample_store.get_item("improve-data")["version"]
    from tracker.models import Assessment, DeadlineRevision

    v = sample_store.record_assessment(
        "improve-data",
        Assessment(status="stalled", evidence="A later report", assessed_on="2022-05-01",
                   evidence_url="https://example.org/r"),
        expected_version=v, by="alice")
    sample_store.revise_deadline("improve-data", DeadlineRevision(deadline="2025", reason="moved",
                                 revised_on="2023-01-01"), expected_version=v, by="alice")
    first = exchange.export_json(sample_store).encode()
    with Store(tmp_path / "copy.db") as empty:
        exchange.import_file(empty, first, "export.json", by="import", as_recorded=True)  # an operator's restore
        again = export_without_timestamp(empty)
    original = export_without_timestamp(sample_store)
    # Versions restart in a new database; everything recorded is identical.
    for data in (original, again):
        for item in data["items"]:
            item["current"].pop("version")
    assert again == original
    assert again["items"][0]["history"][1]["recorded_by"] == "alice"


@pytest.mark.parametrize("value", ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "=HYPERLINK(\"http://x\")"])
def test_csv_cells_are_neutralised(value):
    assert exchange.neutralise_cell(value) == "'" + value
    assert exchange.restore_cell(exchange.neutralise_cell(value)) == value


def test_csv_export_is_spreadsheet_safe_and_imports_back(sample_store, tmp_path):
    v = sample_store.get_item("improve-data")["version"]
    from tracker.models import Assessment

    sample_store.record_assessment("improve-data", Assessment(
        status="delivered", evidence="=HYPERLINK(\"http://evil\")", assessed_on="2024-01-01"),
        expected_version=v, by="a")
    text = exchange.export_csv(sample_store)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3
    row = {r["id"]: r for r in rows}["improve-data"]
    assert row["last_evidence"].startswith("'=")
    assert row["made"] == "2020-12-15" and row["deadline"] == "2022"
    # Import into a database that has the documents and actors but no items.
    with Store(tmp_path / "other.db") as other:
        bundle = sample_store.export_bundle()
        bundle.items = []
        other.import_bundle(bundle, by="t")
        exchange.import_file(other, text.encode("utf-8"), "items.csv", by="t")
        copied = other.get_item("improve-data")
        assert copied["status"] == "delivered"
        assert other.history("improve-data")[-1]["evidence"] == "=HYPERLINK(\"http://evil\")"


def csv_file(*rows, header=None):
    header = header or ["id", "kind", "title", "quote", "document_id", "makers", "owners", "made",
                        "status", "last_evidence", "last_assessed_on"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


GOOD = ["new-1", "commitment", "A title", "A quote", "paper", "home-office", "home-office", "2020-11",
        "in progress", "Evidence", "2021-02-01"]


def test_malformed_csv_gives_row_numbered_errors_and_writes_nothing(sample_store, db_path):
    bad_status = GOOD[:8] + ["done-ish", "Evidence", "2021-02-01"]
    missing_quote = ["new-3", "commitment", "T", "", "paper", "home-office", "home-office", "2021-01", "", "", ""]
    bad_date = ["new-4", "commitment", "T", "Q", "paper", "home-office", "home-office", "2023-13-40", "", "", ""]
    data = csv_file(GOOD, ["new-2"] + bad_status[1:], missing_quote, bad_date)
    before = db_path.read_bytes()
    with pytest.raises(ImportRejectedError) as info:
        exchange.import_file(sample_store, data, "bad.csv", by="t")
    problems = info.value.problems
    assert any(p.startswith("row 3 (new-2): history.0.status") for p in problems), problems
    assert any(p.startswith("row 4 (new-3): quote") for p in problems), problems
    assert any(p.startswith("row 5 (new-4): made") and "month 13" in p for p in problems), problems
    assert not any(p.startswith("row 2") for p in problems)
    assert "new-1" not in sample_store.item_ids()
    assert db_path.read_bytes() == before


def test_csv_reference_errors_are_numbered_by_row(sample_store):
    row = GOOD.copy()
    row[4] = "no-such-doc"
    with pytest.raises(ImportRejectedError) as info:
        exchange.import_file(sample_store, csv_file(GOOD, ["new-9"] + row[1:]), "x.csv", by="t")
    assert info.value.problems == ["row 3 (new-9): document_id 'no-such-doc' is not a document"]


def test_csv_row_and_reference_problems_are_listed_together_by_row(sample_store, db_path):
    bad_status = ["new-2"] + GOOD[1:8] + ["finished", "E", "2021-02-01"]
    unknown_doc = ["new-3"] + GOOD[1:4] + ["nowhere"] + GOOD[5:]
    existing = ["improve-data"] + GOOD[1:]
    blank = [""] * len(GOOD)  # skipped, and the rows after it keep their own numbers
    data = csv_file(GOOD, bad_status, blank, unknown_doc, existing)
    before = db_path.read_bytes()
    with pytest.raises(ImportRejectedError) as info:
        exchange.import_file(sample_store, data, "both.csv", by="t")
    problems = info.value.problems
    assert problems[0].startswith("row 3 (new-2): history.0.status")
    assert problems[1:] == ["row 5 (new-3): document_id 'nowhere' is not a document",
                            "row 6 (improve-data): already exists in the database"]
    bundle, checked = exchange.check_file(sample_store, data, "both.csv")
    assert checked == problems and [i.id for i in bundle.items] == ["new-1", "new-3", "improve-data"]
    assert db_path.read_bytes() == before


def test_json_references_to_records_that_did_not_read_are_not_reported_twice(sample_store, db_path):
    def record(ident, **changes):
        return {"id": ident, "kind": "commitment", "title": "T", "quote": "Q", "document_id": "paper",
                "makers": ["home-office"], "made": "2020-11", **changes}

    data = json.dumps({"items": [
        record("broken", made="2020-13"),
        record("answers", links=[{"kind": "responds to", "target_id": "broken"}]),
        record("elsewhere", document_id="nowhere"),
    ]}).encode()
    before = db_path.read_bytes()
    with pytest.raises(ImportRejectedError) as info:
        exchange.import_file(sample_store, data, "x.json", by="t")
    problems = info.value.problems
    assert len(problems) == 2, problems
    assert problems[0].startswith("items[0] (broken): made") and "month 13" in problems[0]
    assert problems[1] == "items[2] (elsewhere): document_id 'nowhere' is not a document"
    assert db_path.read_bytes() == before


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"{not json", "x.json", "not valid JSON"),
        (b"[1, 2]", "x.json", "expected a JSON object"),
        (b'{"items": {"a": 1}}', "x.json", "items: must be a list"),
        (b'{"format": "other"}', "x.json", "expected format"),
        (b"\xff\xfe\x00bad", "x.csv", "not UTF-8"),
        (b"id,kind\nx,commitment\n", "x.csv", "missing column(s)"),
        (b"id,kind,title,quote,document_id,makers,made,colour\n", "x.csv", "unknown column(s): colour"),
    ],
)
def test_malformed_files_are_rejected_with_a_reason(fresh_store, data, name, message):
    with pytest.raises(ImportRejectedError) as info:
        exchange.import_file(fresh_store, data, name, by="t")
    assert any(message in p for p in info.value.problems), info.value.problems
    assert fresh_store.counts()["items"] == 0


def test_json_validation_errors_name_record_and_field(fresh_store, sample_bundle):
    data = json.loads(sample_bundle.model_dump_json())
    data["items"][1]["made"] = "2023-13-40"
    data["items"][2]["history"][0]["implementation"] = "finished"
    with pytest.raises(ImportRejectedError) as info:
        exchange.import_file(fresh_store, json.dumps(data).encode(), "x.json", by="t")
    problems = info.value.problems
    assert any(p.startswith("items[1] (data-unreliable): made") for p in problems), problems
    assert any(p.startswith("items[2] (track-abuse): history.0.implementation") for p in problems), problems


def test_an_import_records_the_importer_and_now_not_what_the_file_claims(sample_store, tmp_path):
    # Issue 11: a file could make the public page say "Recorded by ada on 2019-01-01".
    import datetime as dt

    data = exchange.export_json(sample_store).encode()
    claimed = [(h["recorded_by"], h["recorded_at"]) for i in json.loads(data)["items"] for h in i["history"]]
    assert claimed
    before = dt.datetime.now(dt.timezone.utc).isoformat()
    with Store(tmp_path / "copy.db") as empty:
        exchange.import_file(empty, data, "export.json", by="edna")
        rows = empty.db.execute("SELECT recorded_by, recorded_at, reported_by FROM assessments ORDER BY id").fetchall()
        audit = empty.audit_log(action="import").iloc[0]
    assert {r[0] for r in rows} == {"edna"} and all(r[1] >= before for r in rows)
    assert sorted(r[2] for r in rows) == sorted(c[0] for c in claimed)
    assert "improve-data" in str(audit["after"]) or "improve-data" in str(audit.to_dict())


@pytest.mark.parametrize("by", ["seed", " Seed "])
def test_only_the_seed_loader_records_as_seed(sample_store, tmp_path, by):
    from tracker.errors import InvalidInputError

    with Store(tmp_path / "copy.db") as empty, pytest.raises(InvalidInputError, match="first dataset"):
        exchange.import_file(empty, exchange.export_json(sample_store).encode(), "export.json", by=by)
