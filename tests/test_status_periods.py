"""The record as of any date, read from the status periods, against a brute-force replay of the
history: item statuses, counts, the headline, scorecards and gaps, at 20 dates of generated data;
and every write path keeps the periods right."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from tracker import counts, figures, frames, gaps
from tracker import status as rules
from tracker.cli import cli
from tracker.errors import NotFoundError
from tracker.models import (
    Assessment,
    Bundle,
    Correction,
    DatePrecision,
    DeadlineRevision,
    EXCHANGE_VERSION,
    HistoryEntry,
    ItemFields,
    ItemIn,
    ItemRecord,
    StatusUpdate,
    split_list,
)
from tracker.store import Store
from tracker.synthetic import generate

from tests.test_exchange_v2 import _without_new_fields

TODAY = dt.date.today()
STATE = ("status", "response", "implementation", "last_assessed_on", "last_evidence", "last_evidence_url",
         "deadline_start", "deadline_precision", "last_assessed_precision")


# -- the brute-force replay ----------------------------------------------------------------------


def replay(store: Store, day: dt.date) -> pd.DataFrame:
    """``items_frame(as_of=day)`` computed the plain way: for each item made by ``day``, the last
    assessment and the last deadline revision dated on or before ``day`` (by date, then entry
    order), read from the raw history tables and picked in Python."""
    conn = store.db.conn
    cutoff = day.isoformat()
    latest_assessment: dict[str, tuple] = {}
    corrected = {row[0] for row in conn.execute("SELECT assessment_id FROM assessment_corrections")}
    for row in conn.execute("SELECT item_id, assessed_on, id, status, response, implementation, evidence, "
                            "evidence_url, assessed_on_precision FROM assessments"):
        if row[2] in corrected:  # a mistaken assessment counts at no date
            continue
        if row[1] <= cutoff and (row[0] not in latest_assessment or row[1:3] > latest_assessment[row[0]][1:3]):
            latest_assessment[row[0]] = row
    latest_revision: dict[str, tuple] = {}
    for row in conn.execute("SELECT item_id, revised_on, id, deadline_start, deadline_precision "
                            "FROM deadline_revisions"):
        if row[1] <= cutoff and (row[0] not in latest_revision or row[1:3] > latest_revision[row[0]][1:3]):
            latest_revision[row[0]] = row
    addressees = replay_addressees(store, day)
    records = []
    cursor = conn.execute("SELECT id, kind, title, document_id, origin_document_id, made_start, made_precision, "
                          "done_when, reference, makers, owners, themes, version FROM items")
    names = [d[0] for d in cursor.description]
    for row in cursor.fetchall():
        item = dict(zip(names, row))
        if item["made_start"] > cutoff:
            continue
        a = latest_assessment.get(item["id"])
        r = latest_revision.get(item["id"])
        item.update(
            status=a[3] if a else None, response=a[4] if a else None, implementation=a[5] if a else None,
            last_assessed_on=a[1] if a else None, last_evidence=a[6] if a else None,
            last_evidence_url=a[7] if a else None,
            deadline_start=r[3] if r else None, deadline_precision=r[4] if r else None,
            last_assessed_precision=a[8] if a else None,
        )
        owners = split_list(item["owners"])
        if owners:  # issue 13: the state of the addressee furthest behind (tracker.status.rollup)
            states = [addressees[(item["id"], owner)][:3] for owner in owners]
            item.update(zip(("status", "response", "implementation"), rules.rollup(item["kind"], states)))
        records.append(item)
    records.sort(key=lambda item: (item["made_start"], item["id"]))
    columns = [*names[:9], *STATE, *names[9:]]  # the order of items_frame
    return pd.DataFrame.from_records(records, columns=columns)


def replay_addressees(store: Store, day: dt.date) -> dict[tuple[str, str], tuple]:
    """Each owner's own (status, response, implementation, assessed_on, evidence, precision) on ``day``:
    the last uncorrected assessment dated on or before it that covers the owner (one that names
    no addressee covers them all), picked in Python from the raw tables (issue 13)."""
    conn = store.db.conn
    cutoff = day.isoformat()
    named: dict[int, set[str]] = {}
    for assessment_id, actor_id in conn.execute("SELECT assessment_id, actor_id FROM assessment_actors"):
        named.setdefault(assessment_id, set()).add(actor_id)
    owners: dict[str, list[str]] = {}
    for item_id, actor_id in conn.execute("SELECT item_id, actor_id FROM item_actors WHERE role = 'owner'"):
        owners.setdefault(item_id, []).append(actor_id)
    latest: dict[tuple[str, str], tuple] = {}
    corrected = {row[0] for row in conn.execute("SELECT assessment_id FROM assessment_corrections")}
    for row in conn.execute("SELECT item_id, assessed_on, id, status, response, implementation, evidence, "
                            "assessed_on_precision FROM assessments"):
        if row[1] > cutoff or row[2] in corrected:  # a mistaken assessment counts for no addressee
            continue
        for owner in owners.get(row[0], []):
            if row[2] in named and owner not in named[row[2]]:
                continue
            key = (row[0], owner)
            if key not in latest or row[1:3] > latest[key][1:3]:
                latest[key] = row
    return {
        (item_id, owner): ((a[3], a[4], a[5], a[1], a[6], a[7]) if (a := latest.get((item_id, owner))) else
                           (None, None, None, None, None, None))
        for item_id, listed in owners.items() for owner in listed
    }


def rows(frame: pd.DataFrame, columns=None) -> list[tuple]:
    frame = frame if columns is None else frame[list(columns)]
    return [tuple(row) for row in frame.astype(object).where(frame.notna(), None).itertuples(index=False)]


def replayed_counts(items: list[dict], by: str | None, ungrouped: bool,
                    addressees: dict | None = None) -> list[tuple]:
    """``status_counts(as_of=..., by=by, ungrouped=ungrouped)`` counted from replayed items; with
    ``addressees`` (``replay_addressees``), an item counts under each owner with that owner's
    own status when grouped by owner (issue 13)."""
    counts: Counter = Counter()
    for item in items:
        if by is None:
            groups = [None]
        elif by == "document":
            groups = [item["document_id"]]
        else:
            owners, makers = split_list(item["owners"]), split_list(item["makers"])
            groups = {
                "owner": owners, "maker": makers, "theme": split_list(item["themes"]),
                "accountable": owners or (makers if item["kind"] in ("commitment", "call") else []),
            }[by]
            if not groups and ungrouped:
                groups = [None]
        for group in groups:
            state = (item["status"], item["response"], item["implementation"])
            if addressees is not None and by in ("owner", "accountable") and group in owners:
                state = addressees[(item["id"], group)][:3]
            counts[(group, item["kind"], *state)] += 1
    return sorted(((*key, n) for key, n in counts.items()), key=repr)


def check_against_replay(store: Store, day: dt.date) -> None:
    """Every as-of read of the store on ``day`` equals the replay."""
    expected = replay(store, day)
    got = store.items_frame(as_of=day)
    assert list(got.columns) == list(expected.columns)
    assert rows(got) == rows(expected), f"items_frame(as_of={day}) differs from the replayed history"
    # a few items by id (the listed-ids read), and one made after the day
    sample = expected["id"].tolist()[::max(1, len(expected) // 7)]
    by_id = {r["id"]: r for r in store.item_rows(as_of=day, ids=sample, include_quote=False)}
    for item in expected[expected["id"].isin(sample)].to_dict("records"):
        stored = store.get_item(item["id"], as_of=day)
        for column in STATE:
            want = None if pd.isna(item[column]) else item[column]
            assert stored[column] == want == by_id[item["id"]][column], (item["id"], column, day)
    # issue 13: each addressee's own status, as the item page reads it
    addressees = replay_addressees(store, day)
    for item_id in sample:
        for row in store.addressee_statuses(item_id, as_of=day):
            want = addressees[(item_id, row["actor_id"])]
            got_state = (row["status"], row["response"], row["implementation"], row["last_assessed_on"],
                         row["last_evidence"], row["last_assessed_precision"])
            assert got_state == want, (item_id, row["actor_id"], day)
    later = store.db.conn.execute("SELECT id FROM items WHERE made_start > ? LIMIT 1", (day.isoformat(),)).fetchone()
    if later:
        with pytest.raises(NotFoundError):
            store.get_item(later[0], as_of=day)
    items = expected.astype(object).where(expected.notna(), None).to_dict("records")
    for by in Store.STATUS_COUNT_GROUPS:
        for ungrouped in (False, True):
            counted = store.status_counts(as_of=day, by=by, ungrouped=ungrouped)
            assert sorted(rows(counted), key=repr) == replayed_counts(items, by, ungrouped, addressees), \
                (by, ungrouped, day)
    # the overview's and the gaps page's figures through the store (tracker.figures, gap_tables),
    # against the same figures of the replayed frame (tracker.frames)
    theirs = frames.annotate(expected, today=day)
    assert figures.headline(store, today=day, as_of=day) == frames.headline(theirs, today=day)
    for by in counts.SCORECARD_GROUPS:
        if by == "owner":  # issue 13: each owner's own status, counted from the replay
            replayed = pd.DataFrame(replayed_counts(items, counts.COUNT_GROUP[by], True, addressees),
                                    columns=["grp", "kind", "status", "response", "implementation", "n"])
            want = counts.scorecard(replayed, kinds=("commitment", "recommendation"))
        else:
            want = frames.scorecard(theirs, by=by)
        pd.testing.assert_frame_equal(figures.scorecard(store, by=by, as_of=day), want, check_dtype=False)
    found = gaps.gap_tables(store, today=day, as_of=day, limit=100_000)
    delivery = gaps.delivery_gaps(theirs, today=day)
    assert rows(found["delivery"], delivery.columns) == rows(delivery)
    response = gaps.response_gaps(theirs, today=day)
    assert rows(found["response"], response.columns) == rows(response)
    # issue 13: the bodies behind, named on the delivery and response gaps, are the replay's
    listed = {item["id"]: (item["kind"], split_list(item["owners"])) for item in items}
    for table, awaiting in ((found["delivery"], False), (found["response"], True)):
        for item_id, behind in zip(table["id"], table["bodies_behind"]):
            kind, owners = listed[item_id]
            late = [o for o in owners if (rules.response_label(addressees[(item_id, o)][1]) == "awaiting response"
                                          if awaiting else rules.is_open(kind, *addressees[(item_id, o)][:3]))]
            assert behind == ("; ".join(late) if len(owners) > 1 else ""), (item_id, day)
    assert rows(found["evidence"]) == rows(gaps.evidence_gaps(theirs, today=day))


# -- generated data with every kind of history ----------------------------------------------------


def _assessment_for(kind: str, rng: random.Random, day: dt.date, evidence: str) -> Assessment:
    if kind == "recommendation":
        return Assessment(response=rng.choice(["accepted", "rejected", "awaiting response"]),
                          implementation=rng.choice(["in progress", "implemented", "not implemented"]),
                          evidence=evidence, assessed_on=day)
    return Assessment(status=rng.choice(["in progress", "delivered", "stalled", "not delivered"]),
                      evidence=evidence, assessed_on=day)


@pytest.fixture(scope="module")
def history_db(tmp_path_factory):
    """Generated data, then back-dated and same-day assessments, deadline revisions, edited items."""
    path = tmp_path_factory.mktemp("periods") / "history.db"
    rng = random.Random(12)
    with Store(path) as store:
        generate(store, items=300, seed=12, chunk_size=120)
        frame = store.items_frame()
        open_kinds = frame[frame["kind"] != "finding"]
        for item_id in rng.sample(list(open_kinds["id"]), 60):
            item = store.get_item(item_id)
            made = dt.date.fromisoformat(item["made_start"])
            version = item["version"]
            # back-dated: between the day it was made and its latest assessment
            back = made + dt.timedelta(days=rng.randint(0, max(0, (TODAY - made).days // 3)))
            version = store.record_assessment(item_id, _assessment_for(item["kind"], rng, back, "Back-dated."),
                                              expected_version=version, by="t")
            # two on one day: the later entry wins
            same = made + dt.timedelta(days=rng.randint(0, (TODAY - made).days))
            for n in range(2):
                version = store.record_assessment(
                    item_id, _assessment_for(item["kind"], rng, same, f"Same day {n}."),
                    expected_version=version, by="t")
            moved = made + dt.timedelta(days=rng.randint(1, max(1, (TODAY - made).days)))
            version = store.revise_deadline(
                item_id, DeadlineRevision(deadline=str(made.year + 3), reason="Moved.", revised_on=min(moved, TODAY)),
                expected_version=version, by="t")
        # issue 13: assessments of some of an item's addressees only, back-dated and current
        several = [i for i in open_kinds["id"] if len(split_list(store.get_item(i)["owners"])) > 1]
        for item_id in rng.sample(several, min(40, len(several))):
            item = store.get_item(item_id)
            made = dt.date.fromisoformat(item["made_start"])
            owners = split_list(item["owners"])
            version = item["version"]
            for n in range(rng.randint(1, 3)):
                chosen = rng.sample(owners, rng.randint(1, len(owners) - 1))
                day = made + dt.timedelta(days=rng.randint(0, (TODAY - made).days))
                entry = _assessment_for(item["kind"], rng, day, f"Some addressees {n}.")
                if n == 1 and day.replace(day=1) >= made:  # evidence known to the month only
                    entry = entry.model_copy(update={"assessed_on": day.replace(day=1),
                                                     "assessed_on_precision": DatePrecision.MONTH})
                version = store.record_assessment(item_id, entry.model_copy(update={"addressees": chosen}),
                                                  expected_version=version, by="t")
        # corrections (issue 13): the later of a same-day pair, and some others (some of them
        # assessments of chosen addressees), stop counting
        conn = store.db.conn
        mistaken = [row[0] for row in conn.execute(
            "SELECT id FROM assessments WHERE evidence IN ('Same day 1.', 'Back-dated.') ORDER BY id")]
        mistaken_of_some = [row[0] for row in conn.execute(
            "SELECT id FROM assessments WHERE evidence = 'Some addressees 0.' ORDER BY id")]
        for assessment_id in [*rng.sample(mistaken, 25), *rng.sample(mistaken_of_some, min(10, len(mistaken_of_some)))]:
            item_id = conn.execute("SELECT item_id FROM assessments WHERE id = ?", (assessment_id,)).fetchone()[0]
            store.correct_assessment(assessment_id, Correction(reason="Entered in error."),
                                     expected_version=store.get_item(item_id)["version"], by="t")
        for item_id in rng.sample(list(frame["id"]), 20):  # made earlier or later than first recorded
            item = store.get_item(item_id)
            made = dt.date.fromisoformat(item["made_start"]) + dt.timedelta(days=rng.choice([-40, -3, 5, 60]))
            fields = ItemFields(
                kind=item["kind"], title=item["title"], quote=item["quote"], document_id=item["document_id"],
                makers=split_list(item["makers"]), owners=split_list(item["owners"]),
                themes=split_list(item["themes"]), made=min(made, dt.date.fromisoformat(
                    store.get_document(item["document_id"])["published_start"])),
                done_when=item["done_when"])
            store.update_item(item_id, fields, expected_version=item["version"], by="t")
    return path


@pytest.fixture
def history_store(history_db):
    with Store(history_db) as store:
        yield store


def _twenty_dates(store: Store) -> list[dt.date]:
    """Assessment days and the days before them (same-day pairs among them), deadline revision
    and made days and the days before, today, and random days across the record."""
    rng = random.Random(7)
    conn = store.db.conn
    days: list[dt.date] = []

    def around(text: str) -> None:
        day = dt.date.fromisoformat(text)
        days.extend([day, day - dt.timedelta(days=1)])

    for (day,) in rng.sample(conn.execute("SELECT assessed_on FROM assessments WHERE evidence LIKE 'Same day%'"
                                          ).fetchall(), 2):
        around(day)
    for (day,) in rng.sample(conn.execute(  # issue 13: assessments of some addressees only
            "SELECT assessed_on FROM assessments WHERE id IN (SELECT assessment_id FROM assessment_actors)"
            ).fetchall(), 2):
        around(day)
    for (day,) in rng.sample(conn.execute("SELECT revised_on FROM deadline_revisions WHERE reason = 'Moved.'"
                                          ).fetchall(), 2):
        around(day)
    for (day,) in rng.sample(conn.execute("SELECT made_start FROM items").fetchall(), 2):
        around(day)
    first = dt.date.fromisoformat(conn.execute("SELECT min(made_start) FROM items").fetchone()[0])
    days += [TODAY, first - dt.timedelta(days=1)]
    while len(set(days)) < 20:
        days.append(first + dt.timedelta(days=rng.randint(0, (TODAY - first).days)))
    return sorted(set(days))


def test_the_dates_cover_assessment_days_and_the_days_before(history_store):
    days = _twenty_dates(history_store)
    assert len(days) == 20
    assessed = {row[0] for row in history_store.db.conn.execute("SELECT assessed_on FROM assessments")}
    assert sum(day.isoformat() in assessed for day in days) >= 4
    assert any(day.isoformat() in assessed and (day - dt.timedelta(days=1)) in days for day in days)


@pytest.mark.parametrize("index", range(20))
def test_as_of_answers_equal_a_replay_of_the_history(history_store, index):
    check_against_replay(history_store, _twenty_dates(history_store)[index])


def test_as_of_today_is_the_current_record(history_store):
    assert rows(history_store.items_frame(as_of=TODAY)) == rows(history_store.items_frame())
    for by in Store.STATUS_COUNT_GROUPS:
        now = history_store.status_counts(by=by)
        at_today = history_store.status_counts(by=by, as_of=TODAY)
        assert sorted(rows(now), key=repr) == sorted(rows(at_today), key=repr)


def test_the_stored_periods_equal_a_rebuild_and_the_kept_counts_hold(history_store):
    assert history_store.period_mismatches() == []
    assert history_store.summary_mismatches() == []
    # issue 13: some addressees' latest evidence is known to the month only, and says so
    assert history_store.db.conn.execute(
        "SELECT count(*) FROM addressee_periods WHERE last_assessed_precision = 'month'").fetchone()[0] > 0


def test_the_periods_are_disjoint_and_start_when_the_item_was_made(history_store):
    conn = history_store.db.conn
    assert conn.execute("SELECT count(*) FROM items WHERE id NOT IN "
                        "(SELECT item_id FROM status_periods WHERE valid_to IS NULL)").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM items i WHERE made_start != "
                        "(SELECT min(valid_from) FROM status_periods WHERE item_id = i.id)").fetchone()[0] == 0
    gaps_or_overlaps = conn.execute(
        "SELECT count(*) FROM (SELECT valid_to, LEAD(valid_from) OVER (PARTITION BY item_id ORDER BY valid_from) "
        "AS next FROM status_periods) WHERE valid_to IS NOT next").fetchone()[0]
    assert gaps_or_overlaps == 0


def test_a_mistake_in_the_periods_is_caught(history_db, tmp_path):
    """The checks above can fail: one period's state changed by hand is seen by both."""
    copy = tmp_path / "broken.db"
    with Store(history_db) as source:
        source.backup(copy)
    with Store(copy) as store:
        item_id, valid_from, valid_to = store.db.conn.execute(
            "SELECT item_id, valid_from, valid_to FROM status_periods WHERE valid_to IS NOT NULL "
            "AND status IS NOT NULL LIMIT 1").fetchone()
        store.db.conn.execute("UPDATE status_periods SET status = 'withdrawn' WHERE item_id = ? AND valid_from = ?",
                              (item_id, valid_from))
        assert store.period_mismatches() == [f"item {item_id}: its periods differ from its history"]
        with pytest.raises(AssertionError):
            check_against_replay(store, dt.date.fromisoformat(valid_from))


# -- each write path keeps them right ---------------------------------------------------------------


@pytest.fixture
def small_store(tmp_path):
    with Store(tmp_path / "small.db") as store:
        generate(store, items=40, seed=4, chunk_size=40)
        yield store


def _commitment(store: Store) -> dict:
    item_id = store.db.conn.execute("SELECT id FROM items WHERE kind = 'commitment' AND last_assessed_on IS NOT NULL "
                                    "ORDER BY id LIMIT 1").fetchone()[0]
    return store.get_item(item_id)


def _check_days(store: Store, *days: dt.date) -> None:
    assert store.period_mismatches() == []
    assert store.summary_mismatches() == []
    for day in sorted({TODAY, *days, *(d - dt.timedelta(days=1) for d in days)}):
        check_against_replay(store, day)


def test_a_back_dated_assessment_changes_the_past_not_today(small_store):
    item = _commitment(small_store)
    last = dt.date.fromisoformat(item["last_assessed_on"])
    back = max(dt.date.fromisoformat(item["made_start"]), last - dt.timedelta(days=30))
    small_store.record_assessment(item["id"], Assessment(status="withdrawn", evidence="Back.", assessed_on=back),
                                  expected_version=item["version"], by="t")
    assert small_store.get_item(item["id"])["status"] == item["status"]  # the later assessment still stands
    assert small_store.get_item(item["id"], as_of=back)["status"] == "withdrawn"
    _check_days(small_store, back, last)


def test_a_new_assessment_today_is_the_current_status(small_store):
    item = _commitment(small_store)
    small_store.record_assessment(item["id"], Assessment(status="stalled", evidence="Now.", assessed_on=TODAY),
                                  expected_version=item["version"], by="t")
    assert small_store.get_item(item["id"])["status"] == "stalled"
    _check_days(small_store, TODAY)


def test_a_bulk_update_and_a_deadline_revision(small_store):
    frame = small_store.items_frame()
    chosen = frame[frame["kind"] == "commitment"].head(5)
    day = TODAY - dt.timedelta(days=10)
    small_store.record_assessments(
        [StatusUpdate(item_id=row.id, expected_version=row.version,
                      assessment=Assessment(status="delivered", evidence="Report.", assessed_on=day))
         for row in chosen.itertuples()], by="t")
    item = small_store.get_item(chosen.iloc[0]["id"])
    revised = dt.date.fromisoformat(item["made_start"]) + dt.timedelta(days=20)
    small_store.revise_deadline(item["id"], DeadlineRevision(deadline="2031", reason="Later.", revised_on=revised),
                                expected_version=item["version"], by="t")
    assert small_store.get_item(item["id"], as_of=revised)["deadline_start"] == "2031-01-01"
    _check_days(small_store, day, revised)


def test_an_item_made_later_leaves_the_earlier_record(small_store):
    item = _commitment(small_store)
    made = dt.date.fromisoformat(item["made_start"])
    fields = ItemFields(kind=item["kind"], title=item["title"], quote=item["quote"], document_id=item["document_id"],
                        makers=split_list(item["makers"]), owners=split_list(item["owners"]),
                        themes=split_list(item["themes"]), made=made - dt.timedelta(days=400),
                        done_when=item["done_when"])
    small_store.update_item(item["id"], fields, expected_version=item["version"], by="t")
    assert small_store.get_item(item["id"], as_of=made - dt.timedelta(days=1))["id"] == item["id"]
    _check_days(small_store, made, made - dt.timedelta(days=400))


def test_a_new_item_and_an_import(small_store):
    document = small_store.documents()[0]
    made = dt.date.fromisoformat(document["published_start"])
    small_store.add_item(ItemIn(id="new-1", kind="commitment", title="A new one", quote="Quoted.",
                                document_id=document["id"], makers=[small_store.actors()[0]["id"]],
                                made=made.isoformat(), deadline=str(made.year + 1)), by="t")
    assert small_store.get_item("new-1")["deadline_start"] == f"{made.year + 1}-01-01"
    with pytest.raises(NotFoundError):
        small_store.get_item("new-1", as_of=made - dt.timedelta(days=1))
    imported = ItemRecord(
        id="imp-1", kind="commitment", title="Imported", quote="Imported quote.", document_id=document["id"],
        makers=[small_store.actors()[0]["id"]], made=made.isoformat(),
        history=[HistoryEntry(status="in progress", evidence="First.", assessed_on=made + dt.timedelta(days=3)),
                 HistoryEntry(status="delivered", evidence="Second.", assessed_on=made + dt.timedelta(days=3)),
                 HistoryEntry(status="stalled", evidence="Before.", assessed_on=made + dt.timedelta(days=1))],
        deadline_revisions=[DeadlineRevision(deadline="2030", reason="First.", revised_on=made),
                            DeadlineRevision(deadline="2032", reason="Later.", revised_on=made + dt.timedelta(days=2))],
    )
    small_store.import_bundle(Bundle(items=[imported]), by="t")
    assert small_store.get_item("imp-1")["status"] == "delivered"
    assert small_store.get_item("imp-1", as_of=made + dt.timedelta(days=2))["status"] == "stalled"
    _check_days(small_store, made, made + dt.timedelta(days=1), made + dt.timedelta(days=3))


# -- a database made before the periods ------------------------------------------------------------

PRE_PERIODS = Path(__file__).parent / "data" / "pre_periods"


def test_a_database_made_before_the_periods_migrates_and_exports_the_same(tmp_path):
    """tests/data/pre_periods holds a database and its JSON export, both made by the code before
    this change (commit f50b0da; see build.py there): opened now it migrates, and its export
    is the same but for ``exported_at``; its periods answer as a replay of its history does."""
    path = tmp_path / "old.db"
    with gzip.open(PRE_PERIODS / "tracker.db.gz", "rb") as source, path.open("wb") as target:
        shutil.copyfileobj(source, target)
    with Store(path, migrate=False) as store:
        assert "010_status_periods" not in store.applied_migrations()
    result = CliRunner().invoke(cli, ["--db", str(path), "export", "--format", "json"])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.stdout)
    before = json.loads(gzip.decompress((PRE_PERIODS / "export.json.gz").read_bytes()))
    assert exported.pop("exported_at") != before.pop("exported_at")
    # Issue 13 moved the format to version 2, which adds fields; empty in an older record.
    assert (exported.pop("version"), before.pop("version")) == (EXCHANGE_VERSION, 1)
    assert _without_new_fields(exported) == before
    with Store(path) as store:
        assert "010_status_periods" in store.applied_migrations()
        assert store.period_mismatches() == []
        assert store.summary_mismatches() == []
        days = {dt.date.fromisoformat(row[0]) for row in store.db.conn.execute(
            "SELECT assessed_on FROM assessments WHERE recorded_by = 'ada' UNION SELECT revised_on "
            "FROM deadline_revisions WHERE recorded_by = 'ada'")}
        for day in sorted(days | {d - dt.timedelta(days=1) for d in days})[::3]:
            check_against_replay(store, day)


def test_a_database_made_before_the_addressees_evidence_precision_migrates(tmp_path):
    """Migration 012c on a database whose ``addressee_periods`` (migration 011) has no
    precision: the column is added and filled from the assessments, equal to a rebuild."""
    path = tmp_path / "011.db"
    with Store(path) as store:
        generate(store, items=40, seed=4, chunk_size=40)
        several = store.db.conn.execute(
            "SELECT item_id FROM item_actors WHERE role = 'owner' GROUP BY item_id HAVING count(*) > 1 "
            "ORDER BY item_id LIMIT 3").fetchall()
        assert len(several) == 3
        months = []
        for n, (item_id,) in enumerate(several):
            item = store.get_item(item_id)
            owners = split_list(item["owners"])
            made = dt.date.fromisoformat(item["made_start"])
            month = (made + dt.timedelta(days=40)).replace(day=1)
            entry = _assessment_for(item["kind"], random.Random(n), month, "Known to the month.")
            entry = entry.model_copy(update={"assessed_on_precision": DatePrecision.MONTH,
                                             "addressees": owners[:1] if n else []})
            store.record_assessment(item_id, entry, expected_version=item["version"], by="t")
            months.append(month)
        store.db.conn.execute("ALTER TABLE addressee_periods DROP COLUMN last_assessed_precision")
        store.db.conn.execute("DELETE FROM _sqlite_migrations WHERE name = '012c_addressee_evidence_precision'")
    with Store(path) as store:
        assert "012c_addressee_evidence_precision" in store.applied_migrations()
        assert store.period_mismatches() == []
        assert store.db.conn.execute(
            "SELECT count(DISTINCT item_id) FROM addressee_periods WHERE last_assessed_precision = 'month'"
            ).fetchone()[0] == 3
        # the one about all addressees, as of its month: each addressee's evidence is that month's
        statuses = store.addressee_statuses(several[0][0], as_of=months[0])
        assert [row["last_assessed_precision"] for row in statuses] == ["month"] * len(statuses)
