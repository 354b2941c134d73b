"""Issue 13: corrections. A mistaken assessment is marked with a reason; it stays in the history
(append-only), no longer counts for any status or figure, and assessments dated before their item
was made are refused wherever they come from."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from click.testing import CliRunner

from tracker import exchange
from tracker.cli import cli
from tracker.errors import ImportRejectedError, InvalidInputError, NotFoundError, VersionConflictError
from tracker.models import Assessment, Correction, ItemFields
from tracker.store import Store


def _assess(store: Store, item_id: str, status: str, on: str, **extra) -> int:
    store.record_assessment(item_id, Assessment(status=status, evidence=f"Evidence for {status}",
                                                assessed_on=on, **extra), expected_version=None, by="alice")
    return store.history(item_id)[-1]["id"]


def test_a_correction_keeps_the_entry_and_stops_it_counting(sample_store):
    store = sample_store
    _assess(store, "improve-data", "stalled", "2022-06-01")
    mistaken = _assess(store, "improve-data", "delivered", "2024-01-10")
    assert store.get_item("improve-data")["status"] == "delivered"
    counts_before = store.status_counts()
    version = store.get_item("improve-data")["version"]

    new_version = store.correct_assessment(mistaken, Correction(reason="The report was misread: not delivered."),
                                           expected_version=version, by="bob")

    item = store.get_item("improve-data")
    assert new_version == version + 1 == item["version"]
    assert item["status"] == "stalled"  # recomputed from the assessments that still count
    assert item["last_assessed_on"] == "2022-06-01"
    history = store.history("improve-data")
    assert [h["id"] for h in history][-1] == mistaken  # still in the history
    entry = history[-1]
    assert entry["correction_reason"] == "The report was misread: not delivered."
    assert entry["corrected_by"] == "bob" and entry["corrected_at"][:10] == dt.date.today().isoformat()
    assert all(h["correction_reason"] is None for h in history[:-1])
    # the kept counts moved with it: no figure counts the mistaken "delivered" any more
    counts = store.status_counts()
    delivered = counts[(counts["kind"] == "commitment") & (counts["status"] == "delivered")]["n"].sum()
    before = counts_before[(counts_before["kind"] == "commitment") & (counts_before["status"] == "delivered")]["n"].sum()
    assert delivered == before - 1
    assert store.summary_mismatches() == []
    # neither does the as-of view, nor the assessments figures are built from
    assert store.get_item("improve-data", as_of=dt.date(2024, 6, 1))["status"] == "stalled"
    assert mistaken not in set(store.assessments_frame()["id"])
    assert store.record_dates()["newest_evidence"] == "2023-12-08"  # not the corrected 2024-01-10
    audit = store.audit_log(action="correct assessment")
    assert len(audit) == 1 and audit.iloc[0]["username"] == "bob"


def test_the_history_stays_append_only(sample_store):
    store = sample_store
    mistaken = _assess(store, "improve-data", "delivered", "2024-01-10")
    store.correct_assessment(mistaken, Correction(reason="wrong item"), expected_version=None, by="bob")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.conn.execute("DELETE FROM assessment_corrections")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.conn.execute("UPDATE assessment_corrections SET reason = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.conn.execute("DELETE FROM assessments WHERE id = ?", (mistaken,))


def test_correcting_every_assessment_leaves_the_item_not_yet_assessed(sample_store):
    store = sample_store
    only = store.history("improve-data")[0]["id"]
    store.correct_assessment(only, Correction(reason="no such statement"), expected_version=None, by="bob")
    item = store.get_item("improve-data")
    assert (item["status"], item["last_assessed_on"], item["last_evidence"]) == (None, None, None)


def test_refused_corrections_write_nothing(sample_store):
    store = sample_store
    mistaken = _assess(store, "improve-data", "delivered", "2024-01-10")
    version = store.get_item("improve-data")["version"]
    before = store.data_version()
    with pytest.raises(NotFoundError):
        store.correct_assessment(99999, Correction(reason="x"), expected_version=None, by="bob")
    with pytest.raises(VersionConflictError):
        store.correct_assessment(mistaken, Correction(reason="x"), expected_version=version - 1, by="bob")
    with pytest.raises(ValueError):
        Correction(reason="   ")  # a reason is required
    assert store.data_version() == before
    store.correct_assessment(mistaken, Correction(reason="x"), expected_version=version, by="bob")
    with pytest.raises(InvalidInputError, match="already corrected"):
        store.correct_assessment(mistaken, Correction(reason="again"), expected_version=None, by="bob")


def test_corrections_in_the_as_of_view_apply_to_every_date(sample_store):
    """The README's choice: "as of" a date is what the record knows now about that date, so a
    mistaken assessment is left out of past views too (as a late-recorded one is shown in them)."""
    store = sample_store
    mistaken = _assess(store, "improve-data", "delivered", "2021-03-01")
    assert store.get_item("improve-data", as_of=dt.date(2021, 6, 1))["status"] == "delivered"
    store.correct_assessment(mistaken, Correction(reason="misdated"), expected_version=None, by="bob")
    assert store.get_item("improve-data", as_of=dt.date(2021, 6, 1))["status"] == "in progress"
    counts = store.status_counts(as_of=dt.date(2021, 6, 1))
    assert "delivered" not in set(counts["status"].dropna())


# -- evidence dated before its item was made --------------------------------------------------


def test_an_assessment_before_its_item_was_made_is_refused(sample_store):
    store = sample_store  # improve-data was made 2020-12-15
    before = store.data_version()
    with pytest.raises(InvalidInputError, match="before the item was made"):
        _assess(store, "improve-data", "delivered", "2020-12-14")
    with pytest.raises(InvalidInputError, match="before the item was made"):
        _assess(store, "improve-data", "delivered", "2020-11")
    assert store.data_version() == before
    _assess(store, "improve-data", "delivered", "2020-12")  # December 2020 includes the 15th
    _assess(store, "improve-data", "delivered", "2020")


def test_a_bulk_update_before_the_item_was_made_is_refused(sample_store):
    from tracker.errors import StatusUpdatesRefusedError
    from tracker.models import StatusUpdate

    store = sample_store
    version = store.get_item("improve-data")["version"]
    update = StatusUpdate(item_id="improve-data", expected_version=version,
                          assessment=Assessment(status="stalled", evidence="e", assessed_on="2019-01-01"))
    with pytest.raises(StatusUpdatesRefusedError) as info:
        store.record_assessments([update], by="alice")
    assert any("before the item was made" in p for p in info.value.problems)


def test_moving_made_after_its_evidence_is_refused(sample_store):
    store = sample_store
    item = store.get_item("track-abuse")  # made December 2023, assessed 2023-12-08
    fields = ItemFields(kind="recommendation", title=item["title"], quote=item["quote"],
                        document_id=item["document_id"], makers=["inspectorate"], owners=["home-office"],
                        made="2023-12-20")
    # made 2023-12-20 would be after its document (December 2023)? No: the same month. It is after
    # the evidence of 8 December, which the store refuses.
    with pytest.raises(InvalidInputError, match="earliest assessment"):
        store.update_item("track-abuse", fields, expected_version=item["version"], by="alice")


def test_an_import_with_history_before_its_item_is_refused_on_its_row(fresh_store, sample_bundle):
    raw = json.loads(sample_bundle.model_dump_json())
    raw["items"][0]["history"][0]["assessed_on"] = "2019-05-01"
    with pytest.raises(ImportRejectedError) as info:
        exchange.import_file(fresh_store, json.dumps(raw).encode(), "x.json", by="alice")
    assert any(p.startswith("items[0] (improve-data)") and "before the item was made" in p
               for p in info.value.problems), info.value.problems
    assert fresh_store.is_empty()
    csv_text = ("id,kind,title,quote,document_id,makers,made,status,last_evidence,last_assessed_on\r\n"
                "x,commitment,T,q,paper,home-office,2021-01-01,delivered,E,2020-06-01\r\n")
    with pytest.raises(ImportRejectedError) as info:
        exchange.import_file(fresh_store, csv_text.encode(), "x.csv", by="alice")
    assert any(p.startswith("row 2 (x)") and "before the item was made" in p for p in info.value.problems)


# -- the CLI ----------------------------------------------------------------------------------


def test_cli_corrects_and_refuses(sample_store, db_path):
    mistaken = _assess(sample_store, "improve-data", "delivered", "2024-01-10")
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(db_path), "status", "correct", str(mistaken), "--by", "bob",
                                 "--reason", "Misread the report"])
    assert result.exit_code == 0, result.output
    assert f"#{mistaken}: corrected" in result.output
    shown = runner.invoke(cli, ["--db", str(db_path), "status", "show", "improve-data"])
    assert "CORRECTED" in shown.output and "Misread the report" in shown.output
    again = runner.invoke(cli, ["--db", str(db_path), "status", "correct", str(mistaken), "--by", "bob",
                                "--reason", "x"])
    assert again.exit_code == 1 and "already corrected" in again.output
    blank = runner.invoke(cli, ["--db", str(db_path), "status", "correct", "1", "--by", "bob", "--reason", " "])
    assert blank.exit_code == 1 and "reason" in blank.output
    early = runner.invoke(cli, ["--db", str(db_path), "status", "set", "improve-data", "stalled", "--evidence", "e",
                                "--on", "2019-01-01", "--by", "bob"])
    assert early.exit_code == 1 and "before the item was made" in early.output
    month = runner.invoke(cli, ["--db", str(db_path), "status", "set", "improve-data", "stalled", "--evidence", "e",
                                "--on", "2024-07", "--by", "bob"])
    assert month.exit_code == 0, month.output
    latest = sample_store.history("improve-data")[-1]
    assert (latest["assessed_on"], latest["assessed_on_precision"]) == ("2024-07-01", "month")
    bad = runner.invoke(cli, ["--db", str(db_path), "status", "set", "improve-data", "stalled", "--evidence", "e",
                              "--on", "2024-13", "--by", "bob"])
    assert bad.exit_code == 1 and "month 13 does not exist" in bad.output


def test_what_changed_lists_the_correction_and_drops_the_mistaken_status(sample_store):
    from tracker.changes import CORRECTION, STATUS_CHANGE, changes_since

    store = sample_store
    mistaken = _assess(store, "improve-data", "delivered", "2024-07")
    found = changes_since(store, dt.date.today())
    assert any(c.key == f"assessment:{mistaken}" and "July 2024" in c.summary for c in found)
    store.correct_assessment(mistaken, Correction(reason="Misread"), expected_version=None, by="bob")
    found = changes_since(store, dt.date.today())
    assert not any(c.key == f"assessment:{mistaken}" and c.kind == STATUS_CHANGE for c in found)
    corrected = [c for c in found if c.key == f"assessment-correction:{mistaken}"]
    assert len(corrected) == 1 and corrected[0].kind == CORRECTION and corrected[0].detail == "Misread"
    assert "July 2024" in corrected[0].summary


def test_the_published_copy_names_the_corrector_by_role_never_by_username(sample_store, tmp_path):
    store = sample_store
    first = store.history("improve-data")[0]["id"]
    store.correct_assessment(first, Correction(reason="wrong"), expected_version=None, by="bob")
    copy = store.publishable_copy(tmp_path / "public.db")
    with sqlite3.connect(copy) as conn:
        rows = conn.execute("SELECT assessment_id, reason, corrected_by FROM assessment_corrections").fetchall()
        counted = conn.execute("SELECT count(*) FROM counted_assessments WHERE item_id = 'improve-data'").fetchone()
    assert rows == [(first, "wrong", "staff")]  # bob has no account: 'staff', never 'bob'
    assert counted == (0,)
