"""Bulk status updates from one progress report (Store.record_assessments): one transaction,
each item checked against the version it was read at, every conflict and problem listed,
nothing half-written; and evidence dated to a month."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tracker import exchange
from tracker.errors import InvalidInputError, StatusUpdatesRefusedError
from tracker.models import Assessment, DatePrecision, StatusUpdate
from tracker.store import Store


def update(store: Store, item_id: str, *, version: int | None = None, **assessment) -> StatusUpdate:
    values = {"evidence": "Progress report, March 2024: the department reported this.",
              "assessed_on": "2024-03", "evidence_document_id": "report", **assessment}
    return StatusUpdate(item_id=item_id, expected_version=version or store.get_item(item_id)["version"],
                        assessment=Assessment.model_validate(values))


def state(store: Store) -> tuple:
    """Everything a bulk update writes: the data version, the audit log, the whole record."""
    return (store.data_version(), len(store.audit_log(limit=10**6)),
            json.dumps(store.export_bundle().model_dump(mode="json", exclude={"exported_at"}), sort_keys=True))


def test_many_items_are_updated_in_one_save(sample_store):
    before = {i: sample_store.get_item(i)["version"] for i in ("improve-data", "track-abuse")}
    data_version = sample_store.data_version()
    versions = sample_store.record_assessments([
        update(sample_store, "improve-data", status="in progress"),
        update(sample_store, "track-abuse", response="accepted", implementation="in progress"),
    ], by="edna")
    assert versions == {i: v + 1 for i, v in before.items()}
    assert sample_store.data_version() == data_version + 1  # one write
    rec = sample_store.get_item("track-abuse")
    assert (rec["response"], rec["implementation"], rec["version"]) == ("accepted", "in progress", before["track-abuse"] + 1)
    assert sample_store.get_item("improve-data")["status"] == "in progress"
    latest = sample_store.history("improve-data")[-1]
    assert (latest["assessed_on"], latest["assessed_on_precision"], latest["recorded_by"]) == ("2024-03-01", "month", "edna")
    assert latest["evidence_document_id"] == "report"
    log = sample_store.audit_log(limit=10)
    assert list(log["action"][:2]) == ["assess", "assess"]  # one entry per item, as a single save writes
    assert sample_store.summary_mismatches() == []


def test_a_conflict_on_one_item_writes_nothing_and_names_it(sample_store):
    stale = update(sample_store, "improve-data", status="delivered")
    sample_store.record_assessment("improve-data", Assessment(status="stalled", evidence="Meanwhile",
                                                              assessed_on="2024-02-01"),
                                   expected_version=stale.expected_version, by="eric")
    fresh = update(sample_store, "track-abuse", response="accepted", implementation="implemented")
    before = state(sample_store)
    with pytest.raises(StatusUpdatesRefusedError) as refused:
        sample_store.record_assessments([fresh, stale], by="edna")
    assert [c.entity_id for c in refused.value.conflicts] == ["improve-data"]
    assert refused.value.conflicts[0].actual == stale.expected_version + 1
    assert "nothing was saved" in str(refused.value)
    assert state(sample_store) == before


def test_every_problem_is_listed_at_once_and_nothing_written(sample_store):
    before = state(sample_store)
    updates = [
        update(sample_store, "track-abuse", status="delivered"),  # a commitment status on a recommendation
        update(sample_store, "improve-data", status="delivered", evidence_document_id="no-such-report"),
        StatusUpdate(item_id="no-such-item", expected_version=1,
                     assessment=Assessment(status="delivered", evidence="x", assessed_on="2024-01-01")),
        update(sample_store, "data-unreliable", status="delivered"),  # findings carry no status
    ]
    with pytest.raises(StatusUpdatesRefusedError) as refused:
        sample_store.record_assessments(updates, by="edna")
    problems = refused.value.problems
    assert len(problems) == 4, problems
    assert any("track-abuse" in p and "recommendation" in p for p in problems)
    assert any("no-such-report" in p for p in problems)
    assert any("no-such-item" in p and "does not exist" in p for p in problems)
    assert any("data-unreliable" in p and "findings carry no status" in p for p in problems)
    assert state(sample_store) == before


def test_the_same_item_twice_and_an_empty_update_are_refused(sample_store):
    before = state(sample_store)
    twice = [update(sample_store, "improve-data", status="delivered"),
             update(sample_store, "improve-data", status="stalled")]
    with pytest.raises(StatusUpdatesRefusedError, match="1 problem"):
        sample_store.record_assessments(twice, by="edna")
    with pytest.raises(InvalidInputError):
        sample_store.record_assessments([], by="edna")
    assert state(sample_store) == before


@pytest.mark.parametrize("value", [True, 0, "1", None])
def test_the_version_read_must_be_a_real_version(value):
    with pytest.raises(ValueError):
        StatusUpdate(item_id="x", expected_version=value,
                     assessment=Assessment(status="delivered", evidence="x", assessed_on="2024-01-01"))


@pytest.mark.parametrize("given, day, precision", [
    ("2024-03", "2024-03-01", "month"),
    ("2024", "2024-01-01", "year"),
    ("2024-03-17", "2024-03-17", "day"),
    (dt.date(2024, 3, 17), "2024-03-17", "day"),
])
def test_evidence_dated_to_a_month_or_a_year(given, day, precision):
    read = Assessment(status="delivered", evidence="x", assessed_on=given)
    assert (read.assessed_on.isoformat(), read.assessed_on_precision.value) == (day, precision)


def test_a_month_precision_keeps_the_first_day_whatever_day_is_given():
    read = Assessment(status="delivered", evidence="x", assessed_on="2024-03-17", assessed_on_precision="month")
    assert read.assessed_on == dt.date(2024, 3, 1) and read.assessed_on_precision == DatePrecision.MONTH


def test_a_month_in_the_future_is_refused():
    next_month = (dt.date.today().replace(day=28) + dt.timedelta(days=10)).strftime("%Y-%m")
    with pytest.raises(ValueError, match="in the future"):
        Assessment(status="delivered", evidence="x", assessed_on=next_month)


def test_the_precision_survives_export_and_import(sample_store, tmp_path):
    sample_store.record_assessments([update(sample_store, "improve-data", status="in progress")], by="edna")
    exported = exchange.export_json(sample_store)
    with Store(tmp_path / "copy.db") as copy:
        exchange.import_file(copy, exported.encode(), "all.json", by="test")
        latest = copy.history("improve-data")[-1]
    assert (latest["assessed_on"], latest["assessed_on_precision"]) == ("2024-03-01", "month")


def test_the_migration_dates_earlier_assessments_to_the_day(fresh_store):
    assert "007_assessment_date_precision" in fresh_store.applied_migrations()
    columns = {c.name: c for c in fresh_store.db["assessments"].columns}
    assert columns["assessed_on_precision"].default_value == "'day'"


def test_rows_left_as_they_are_are_not_recorded_and_a_note_is():
    from tracker.bulk import status_updates

    rows = [
        {"id": "a", "kind": "commitment", "status": "in progress", "current_status": "in progress"},
        {"id": "b", "kind": "commitment", "status": "not yet assessed", "current_status": None},
        {"id": "c", "kind": "commitment", "status": "in progress", "current_status": "in progress",
         "note": "Still under way, the report says."},
        {"id": "d", "kind": "recommendation", "response": "accepted", "implementation": "not started",
         "current_response": "awaiting response"},
        {"id": "e", "kind": "finding", "status": "delivered"},
    ]
    found = status_updates(rows, evidence="The report.", assessed_on="2024-03", versions={"c": 2, "d": 5},
                           evidence_document_id="report")
    assert found.unchanged == 2
    assert [(u.item_id, u.expected_version, u.assessment.evidence) for u in found.updates] == [
        ("c", 2, "Still under way, the report says."), ("d", 5, "The report.")]
    assert found.problems == ["item e: findings carry no status: link them to the items they bear on"]


# -- a row about some addressees only (issue 13) --------------------------------------------------

from tests.test_rules_addressees import BODIES, six_bodies  # noqa: E402


@pytest.fixture
def six(fresh_store):
    fresh_store.import_bundle(six_bodies(), by="test")
    return fresh_store


def test_a_progress_report_row_sets_one_addressees_status(six):
    from tracker.bulk import status_updates

    item = six.get_item("share-data")
    rows = [{"id": "share-data", "kind": "recommendation", "response": "accepted", "implementation": "implemented",
             "current_response": item["response"], "current_implementation": item["implementation"],
             "addressees": ["police"]}]
    found = status_updates(rows, evidence="Progress report: the police have done it.", assessed_on="2024-03",
                           versions={"share-data": item["version"]})
    assert found.problems == [] and [u.assessment.addressees for u in found.updates] == [["police"]]
    six.record_assessments(found.updates, by="edna")
    statuses = {r["actor_id"]: r["implementation"] for r in six.addressee_statuses("share-data")}
    assert statuses == {**{b: "not started" for b in BODIES}, "police": "implemented"}
    assert six.get_item("share-data")["implementation"] == "not started"  # the roll-up: not all have
    assert six.assessment_addressees("share-data") == {six.history("share-data")[-1]["id"]: ["police"]}


def test_a_row_left_at_all_addressees_covers_every_body(six):
    from tracker.bulk import status_updates

    item = six.get_item("share-data")
    rows = [{"id": "share-data", "kind": "recommendation", "response": "accepted", "implementation": "in progress",
             "current_response": item["response"], "current_implementation": item["implementation"],
             "addressees": []}]
    found = status_updates(rows, evidence="All under way.", assessed_on="2024-03",
                           versions={"share-data": item["version"]})
    six.record_assessments(found.updates, by="edna")
    assert {r["implementation"] for r in six.addressee_statuses("share-data")} == {"in progress"}
    assert six.assessment_addressees("share-data") == {}


def test_a_row_naming_one_body_is_a_change_even_with_the_items_status():
    from tracker.bulk import status_updates

    rows = [{"id": "r", "kind": "recommendation", "response": "accepted", "implementation": "not started",
             "current_response": "accepted", "current_implementation": "not started", "addressees": "police; courts"}]
    found = status_updates(rows, evidence="The report.", assessed_on="2024-03", versions={"r": 3})
    assert found.unchanged == 0 and found.updates[0].assessment.addressees == ["police", "courts"]


def test_a_body_the_item_is_not_addressed_to_is_refused_with_the_others_listed(six):
    before = state(six)
    wrong = update(six, "share-data", response="accepted", implementation="implemented",
                   evidence_document_id=None, addressees=["inspectorate"])
    with pytest.raises(StatusUpdatesRefusedError) as refused:
        six.record_assessments([wrong], by="edna")
    assert refused.value.problems == [
        "item 'share-data': addressees: inspectorate is not among the addressees of share-data "
        f"({', '.join(sorted(BODIES))})"]
    assert state(six) == before
