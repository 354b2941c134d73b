"""A status per addressee (issue 13): the roll-up rule (the same in SQL as in Python), the store's
per-addressee record, and the exchange format that carries it."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3

import pytest
from click.testing import CliRunner

from tracker import status as rules
from tracker.cli import cli
from tracker.errors import ImportRejectedError, InvalidInputError
from tracker.models import (
    Actor, Assessment, Bundle, Document, HistoryEntry, ImplementationStatus, ItemKind, ItemRecord,
    LifecycleStatus, ResponseStatus,
)
from tracker.store import Store

KINDS = [k.value for k in ItemKind]
LIFECYCLE = [None] + [s.value for s in LifecycleStatus]
RESPONSES = [None] + [s.value for s in ResponseStatus]
IMPLEMENTATIONS = [None] + [s.value for s in ImplementationStatus]
BODIES = ["home-office", "police", "courts", "prisons", "probation", "councils"]


def _states():
    for kind in KINDS:
        if kind == ItemKind.RECOMMENDATION:
            yield from ((kind, None, r, i) for r, i in itertools.product(RESPONSES, IMPLEMENTATIONS))
        else:
            yield from ((kind, s, None, None) for s in LIFECYCLE)


STATES = list(_states())


# -- the rule ------------------------------------------------------------------------------------


def test_rollup_rank_in_sql_is_the_python_one_for_every_state():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE c (n INTEGER, kind TEXT, status TEXT, response TEXT, implementation TEXT)")
    db.executemany("INSERT INTO c VALUES (?, ?, ?, ?, ?)", [(n, *row) for n, row in enumerate(STATES)])
    found = dict(db.execute(f"SELECT n, {rules.sql_rollup_rank()} FROM c"))
    done = dict(db.execute(f"SELECT n, {rules.sql_is_done()} FROM c"))
    for n, row in enumerate(STATES):
        assert found[n] == rules.rollup_rank(*row), row
        assert bool(done[n]) == rules.is_done(row[1], row[3]), row
    # different states of one kind never tie: the body picked is never arbitrary
    for kind in KINDS:
        ranks = [rules.rollup_rank(*row) for row in STATES if row[0] == kind]
        assert len(ranks) == len(set(ranks)), kind


def test_the_item_takes_the_body_furthest_behind():
    rec = "recommendation"
    implemented = (None, "accepted", "implemented")
    in_progress = (None, "accepted", "in progress")
    assert rules.rollup(rec, [implemented, in_progress, implemented]) == in_progress
    assert rules.rollup(rec, [implemented, implemented]) == implemented  # implemented only when all have
    assert rules.rollup(rec, [implemented, (None, "accepted", "not implemented")])[2] == "not implemented"
    # an open body is behind every closed one: the item stays open while any body is
    rejected = (None, "rejected", "not started")
    assert rules.rollup(rec, [rejected, in_progress]) == in_progress
    assert rules.rollup(rec, [implemented, (None, None, None)]) == (None, None, None)  # never assessed
    assert rules.rollup("commitment", [("delivered", None, None), ("in progress", None, None)])[0] == "in progress"
    assert rules.rollup("commitment", [("delivered", None, None), ("withdrawn", None, None)])[0] == "withdrawn"
    for kind, *state in STATES:  # one body: its own state
        assert rules.rollup(kind, [tuple(state)]) == tuple(state)
    assert rules.done_label(rec, 2, 6) == "2 of 6 implemented"
    assert rules.done_label("commitment", 1, 3) == "1 of 3 delivered"


# -- the store -----------------------------------------------------------------------------------


def six_bodies() -> Bundle:
    return Bundle(
        actors=[Actor(id=b, name=b.replace("-", " ").title(), kind="other") for b in BODIES]
        + [Actor(id="inspectorate", name="The Inspectorate", kind="inspectorate")],
        documents=[Document(id="audit", title="An audit", publisher="The Inspectorate", kind="inspection report",
                            published="2022-03-01")],
        items=[ItemRecord(
            id="share-data", kind="recommendation", title="Inspectorate: share data", quote="share data",
            document_id="audit", makers=["inspectorate"], owners=BODIES, made="2022-03-01", deadline="2023-03",
            history=[HistoryEntry(response="accepted", implementation="not started", evidence="All accepted.",
                                  assessed_on="2022-06-01")],
        )],
    )


@pytest.fixture
def six(fresh_store):
    fresh_store.import_bundle(six_bodies(), by="test")
    version = fresh_store.get_item("share-data")["version"]
    version = fresh_store.record_assessment(
        "share-data", Assessment(response="accepted", implementation="in progress", evidence="Under way.",
                                 assessed_on="2024-01", addressees=BODIES[2:]), expected_version=version, by="t")
    fresh_store.record_assessment(
        "share-data", Assessment(response="accepted", implementation="implemented", evidence="Done, says the audit.",
                                 assessed_on="2024-07-15", addressees=BODIES[:2]), expected_version=version, by="t")
    return fresh_store


def test_each_body_has_its_own_status_and_the_item_rolls_them_up(six):
    rows = six.addressee_statuses("share-data")
    assert [r["actor_id"] for r in rows] == BODIES
    assert [r["implementation"] for r in rows] == ["implemented"] * 2 + ["in progress"] * 4
    assert [r["last_evidence"] for r in rows] == ["Done, says the audit."] * 2 + ["Under way."] * 4
    assert sum(r["is_done"] for r in rows) == 2
    item = six.get_item("share-data")
    assert (item["response"], item["implementation"]) == ("accepted", "in progress")
    assert item["last_evidence"] == "Done, says the audit."  # the latest evidence about any body
    # as of a day between: two bodies in progress, the rest still not started
    between = six.addressee_statuses("share-data", as_of=dt.date(2024, 3, 1))
    assert [r["implementation"] for r in between] == ["not started"] * 2 + ["in progress"] * 4
    assert six.get_item("share-data", as_of=dt.date(2024, 3, 1))["implementation"] == "not started"
    before = six.addressee_statuses("share-data", as_of=dt.date(2022, 4, 1))
    assert [(r["response"], r["implementation"]) for r in before] == [(None, None)] * 6
    assert six.period_mismatches() == [] and six.summary_mismatches() == []


def test_an_assessment_of_a_body_that_is_not_an_addressee_is_refused(six):
    version = six.get_item("share-data")["version"]
    with pytest.raises(InvalidInputError, match="inspectorate is not among the addressees"):
        six.record_assessment("share-data", Assessment(
            response="accepted", implementation="implemented", evidence="x", assessed_on="2024-08-01",
            addressees=["inspectorate"]), expected_version=version, by="t")
    assert six.get_item("share-data")["version"] == version  # nothing written
    with pytest.raises(ValueError, match="same body twice"):
        Assessment(status="in progress", evidence="x", assessed_on="2024-08-01", addressees=["police", "police"])


def test_export_import_export_is_identical_in_the_new_version(six, tmp_path):
    first = json.loads(six.export_bundle().model_dump_json())
    assert first["version"] == 2
    assert first["items"][0]["history"][1]["addressees"] == BODIES[2:]
    assert "addressees" not in first["items"][0]["history"][0]  # all addressees: written as before
    with Store(tmp_path / "again.db") as again:
        again.import_bundle(Bundle.model_validate(first), by="test", as_recorded=True)
        second = json.loads(again.export_bundle().model_dump_json())
        assert [r["implementation"] for r in again.addressee_statuses("share-data")] == \
            ["implemented"] * 2 + ["in progress"] * 4
    first.pop("exported_at"), second.pop("exported_at")
    for bundle in (first, second):  # the item's version counts writes here, not the record
        bundle["items"][0]["current"].pop("version")
    assert second == first


def test_a_version_1_file_imports_and_a_bad_addressee_is_refused(fresh_store):
    old = json.loads(six_bodies().model_dump_json())
    old["version"] = 1
    fresh_store.import_bundle(Bundle.model_validate(old), by="test")
    assert [r["implementation"] for r in fresh_store.addressee_statuses("share-data")] == ["not started"] * 6
    assert json.loads(fresh_store.export_bundle().model_dump_json())["version"] == 2  # exports are always 2
    with pytest.raises(ValueError, match="reads version 1 and 2 files, not 3"):
        Bundle.model_validate({**old, "version": 3})
    bad = six_bodies()
    bad.items[0].id = "other"
    bad.items[0].history.append(HistoryEntry(response="accepted", implementation="implemented", evidence="x",
                                             assessed_on="2024-01-01", addressees=["inspectorate"]))
    with pytest.raises(ImportRejectedError) as refused:
        fresh_store.import_bundle(Bundle(items=bad.items), by="test")
    assert any("addressee 'inspectorate' is not one of its owners" in p for p in refused.value.problems)


def test_the_cli_records_a_status_for_some_addressees(six, db_path):
    result = CliRunner().invoke(cli, ["--db", str(db_path), "status", "set", "share-data", "implemented",
                                      "--response", "accepted", "--evidence", "Courts done.", "--on", "2024-08-01",
                                      "--addressee", "courts", "--by", "ada"])
    assert result.exit_code == 0, result.output
    with Store(db_path) as store:
        assert sum(r["is_done"] for r in store.addressee_statuses("share-data")) == 3
    refused = CliRunner().invoke(cli, ["--db", str(db_path), "status", "set", "share-data", "implemented",
                                       "--evidence", "x", "--addressee", "nobody", "--by", "ada"])
    assert refused.exit_code != 0 and "nobody is not among the addressees" in refused.output


# -- scorecards and gaps (step 4) -----------------------------------------------------------------


def test_a_scorecard_counts_each_body_by_its_own_status(six):
    from tracker import figures

    for as_of in (None, dt.date(2024, 8, 1)):
        card = figures.scorecard(six, by="owner", as_of=as_of)
        own = {row["group_id"]: row["status_label"] for row in card.to_dict("records")}
        assert own == {**{b: "implemented" for b in BODIES[:2]}, **{b: "in progress" for b in BODIES[2:]}}
    card = figures.scorecard(six, by="owner", as_of=dt.date(2024, 3, 1))  # before the two were done
    assert {row["status_label"] for row in card.to_dict("records")} == {"not started", "in progress"}
    assert figures.scorecard(six, by="maker")["status_label"].tolist() == ["in progress"]  # the item's


def test_the_gaps_name_the_bodies_behind(six):
    from tracker import gaps

    found = gaps.gap_tables(six, today=dt.date.today(), limit=10)
    row = found["delivery"].set_index("id").loc["share-data"]  # gap_tables names them itself
    assert row["bodies_behind"] == "; ".join(BODIES[2:])
    assert row["bodies_behind_label"] == "4 of 6 bodies"
    earlier = gaps.with_bodies_behind(found["delivery"], six, as_of=dt.date(2024, 3, 1))
    assert earlier.set_index("id").loc["share-data", "bodies_behind_label"] == "6 of 6 bodies"
    then = gaps.gap_tables(six, today=dt.date(2024, 3, 1), as_of=dt.date(2024, 3, 1), limit=10)
    assert then["delivery"].set_index("id").loc["share-data", "bodies_behind_label"] == "6 of 6 bodies"


def test_the_past_deadline_list_says_how_many_bodies_are_behind_at_any_date(six):
    from tracker import gaps

    today = dt.date(2025, 1, 1)  # the deadline "March 2023" ended on 31 March 2023
    row = gaps.past_deadline_table(six, today=today, as_of=today)["rows"].set_index("id").loc["share-data"]
    assert (row["days_overdue"], row["bodies_behind_label"]) == ((today - dt.date(2023, 3, 31)).days, "4 of 6 bodies")
    assert row["bodies_behind"] == "; ".join(BODIES[2:])
    assert gaps.past_deadline_table(six, today=dt.date.today())["rows"].set_index("id").loc[
        "share-data", "bodies_behind_label"] == "4 of 6 bodies"  # now
    before = gaps.past_deadline_table(six, today=dt.date(2024, 3, 1), as_of=dt.date(2024, 3, 1))["rows"]
    assert before.set_index("id").loc["share-data", "bodies_behind_label"] == "6 of 6 bodies"
    # once every body has implemented it the item is closed: no longer past its deadline
    version = six.get_item("share-data")["version"]
    six.record_assessment("share-data", Assessment(
        response="accepted", implementation="implemented", evidence="All done.", assessed_on="2024-09",
        addressees=BODIES[2:]), expected_version=version, by="t")
    assert gaps.past_deadline_table(six, today=today)["count"] == 0
    assert gaps.past_deadline_table(six, today=today, as_of=today)["count"] == 0


def test_the_edition_gap_tables_say_how_many_bodies_are_behind(six, tmp_path):
    from tracker.publish import publish

    site = tmp_path / "site"
    publish(six, site, base_url="https://example.org/")
    page = (site / "gaps.html").read_text(encoding="utf-8")
    late = page.split('id="past-deadline"')[1].split('id="delivery"')[0]
    assert "<th scope=\"col\">Behind</th>" in late and "<td>4 of 6 bodies</td>" in late
    assert "<td>Courts; Prisons; Probation; Councils</td>" in late  # named, not by id
    delivery = page.split('id="delivery"')[1]
    assert "<td>4 of 6 bodies</td>" in delivery


def test_each_body_says_how_precisely_its_evidence_is_dated(six):
    """Dates with their precision (issue 13): a body's evidence known to the month stays a month."""
    rows = six.addressee_statuses("share-data")
    assert [(r["last_assessed_on"], r["last_assessed_precision"]) for r in rows] == (
        [("2024-07-15", "day")] * 2 + [("2024-01-01", "month")] * 4)
    before = six.addressee_statuses("share-data", as_of=dt.date(2024, 3, 1))
    assert [r["last_assessed_precision"] for r in before][2:] == ["month"] * 4


def test_statuses_csv_dates_the_evidence_as_precisely_as_it_is_known(six):
    """statuses.csv's last_assessed_on is a partial date (YYYY-MM for a month), as items.csv's."""
    from tracker import frames
    from tracker.publish.opendata import statuses_rows

    six.record_assessment("share-data", Assessment(response="accepted", implementation="in progress",
                                                   evidence="Progress report.", assessed_on="2024-09"),
                          expected_version=None, by="t")
    items = frames.annotate(six.items_frame(include_quote=True), today=dt.date.today())
    bodies = six.addressee_statuses_of(["share-data"])
    rows = [row for row in statuses_rows(items, {}, bodies) if row[0] == "share-data"]
    assert [row[-1] for row in rows] == ["2024-09"] * len(BODIES)
