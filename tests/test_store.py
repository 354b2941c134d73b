import datetime as dt
import sqlite3

import pytest

from tracker.errors import (
    AlreadyExistsError,
    ImportRejectedError,
    InvalidInputError,
    NotFoundError,
    VersionConflictError,
)
from tracker.models import Assessment, DeadlineRevision, ItemFields, Link
from tracker.store import Store, migrations, resolve_db_path


def test_blank_database_migrates_to_current_schema(db_path):
    with Store(db_path) as store:
        assert store.applied_migrations() == [m.name for m in migrations._migrations]
        tables = set(store.db.table_names())
        assert {"items", "assessments", "links", "deadline_revisions", "documents", "actors",
                "users", "sessions", "audit_log", "item_actors", "item_themes", "meta",
                "sign_in_attempts"} <= tables
        assert {"status", "response", "implementation", "version", "deadline_end"} <= set(
            store.db["items"].columns_dict
        )
        assert set(store.db["sign_in_attempts"].columns_dict) == {"name_key", "failures", "wait_until", "forget_at"}
        assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    with Store(db_path) as again:  # reopening applies nothing twice
        assert again.migrate() == []


def test_resolve_db_path_order(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "env.db"))
    assert resolve_db_path(tmp_path / "flag.db") == tmp_path / "flag.db"
    assert resolve_db_path(None) == tmp_path / "env.db"
    monkeypatch.delenv("TRACKER_DB")
    assert str(resolve_db_path(None)).endswith("data/tracker.db")


def assessment(status="delivered", **extra):
    return Assessment(status=status, evidence="Evidence text", assessed_on="2024-01-10", **extra)


def test_two_writers_with_same_version_exactly_one_lands(sample_store, db_path):
    other = Store(db_path)
    try:
        version = sample_store.get_item("improve-data")["version"]
        before = len(sample_store.history("improve-data"))
        sample_store.record_assessment("improve-data", assessment("delivered"), expected_version=version, by="a")
        with pytest.raises(VersionConflictError) as info:
            other.record_assessment("improve-data", assessment("stalled"), expected_version=version, by="b")
        assert info.value.actual == version + 1
        assert "changed by someone else" in str(info.value)
        history = other.history("improve-data")
        assert len(history) == before + 1
        assert history[-1]["status"] == "delivered"
        assert other.get_item("improve-data")["status"] == "delivered"
    finally:
        other.close()


@pytest.mark.parametrize("statement", ["UPDATE {t} SET {c} = 'x'", "DELETE FROM {t}"])
@pytest.mark.parametrize("table,column", [("assessments", "evidence"), ("deadline_revisions", "reason"),
                                          ("audit_log", "action")])
def test_history_tables_are_append_only_in_sqlite(sample_store, statement, table, column):
    count = sample_store.db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    assert count > 0
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        sample_store.db.conn.execute(statement.format(t=table, c=column))
    assert sample_store.db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == count


def test_wrong_vocabulary_is_refused_and_nothing_written(sample_store):
    version = sample_store.get_item("track-abuse")["version"]
    with pytest.raises(InvalidInputError, match="is a commitment status"):
        sample_store.record_assessment("track-abuse", assessment("delivered"), expected_version=version, by="a")
    with pytest.raises(InvalidInputError, match="findings carry no status"):
        sample_store.record_assessment("data-unreliable", assessment(), expected_version=1, by="a")
    assert sample_store.get_item("track-abuse")["version"] == version
    assert len(sample_store.history("track-abuse")) == 1


def test_unknown_item_is_not_found(fresh_store):
    with pytest.raises(NotFoundError, match="'nope' does not exist"):
        fresh_store.record_assessment("nope", assessment(), expected_version=1, by="a")


def test_current_status_is_latest_by_evidence_date(sample_store):
    v = sample_store.get_item("improve-data")["version"]
    v = sample_store.record_assessment("improve-data", assessment("delivered"), expected_version=v, by="a")
    # A back-filled older judgement enters the history but does not become current.
    old = Assessment(status="stalled", evidence="Earlier report", assessed_on="2021-06-01")
    sample_store.record_assessment("improve-data", old, expected_version=v, by="a")
    assert sample_store.get_item("improve-data")["status"] == "delivered"
    assert [h["status"] for h in sample_store.history("improve-data")] == ["in progress", "stalled", "delivered"]


def test_as_of_recomputes_from_history(sample_store):
    v = sample_store.get_item("improve-data")["version"]
    sample_store.record_assessment("improve-data", assessment("delivered"), expected_version=v, by="a")
    then = sample_store.items_frame(as_of=dt.date(2021, 1, 1))
    assert list(then["id"]) == ["improve-data"]  # later items did not exist yet
    assert then.iloc[0]["status"] == "in progress"
    now = sample_store.items_frame().set_index("id")
    assert now.loc["improve-data", "status"] == "delivered"


def test_deadline_revision_keeps_old_deadline(sample_store):
    v = sample_store.get_item("improve-data")["version"]
    sample_store.revise_deadline(
        "improve-data",
        DeadlineRevision(deadline="2024-06", reason="Moved in a statement", revised_on="2022-11-01"),
        expected_version=v, by="a",
    )
    revisions = sample_store.deadline_revisions("improve-data")
    assert [(r["deadline_start"], r["deadline_precision"]) for r in revisions] == [
        ("2022-01-01", "year"), ("2024-06-01", "month")]
    item = sample_store.get_item("improve-data")
    assert item["deadline_start"] == "2024-06-01"
    as_of = sample_store.get_item("improve-data", as_of=dt.date(2022, 6, 1))
    assert as_of["deadline_start"] == "2022-01-01"


def test_import_is_all_or_nothing(fresh_store, sample_bundle):
    data = sample_bundle.model_dump()
    data["items"][2]["owners"] = ["nobody"]
    from tracker.models import Bundle

    broken = Bundle.model_validate(data)
    with pytest.raises(ImportRejectedError) as info:
        fresh_store.import_bundle(broken, by="t")
    assert info.value.problems == ["items[2] (track-abuse): owners 'nobody' is not an actor"]
    assert fresh_store.counts() == {k: 0 for k in fresh_store.counts()}
    assert fresh_store.data_version() == 0


def test_import_refuses_existing_ids(sample_store, sample_bundle):
    with pytest.raises(ImportRejectedError) as info:
        sample_store.import_bundle(sample_bundle, by="t")
    assert "items[0] (improve-data): already exists in the database" in info.value.problems


def test_links_both_directions(sample_store):
    links = sample_store.links_of("improve-data")
    assert {(l["direction"], l["kind"], l["other_id"]) for l in links} == {
        ("incoming", "contradicts", "data-unreliable"), ("incoming", "repeats", "track-abuse")}
    with pytest.raises(AlreadyExistsError):
        sample_store.add_link(Link(source_id="track-abuse", kind="repeats", target_id="improve-data"), by="a")
    with pytest.raises(NotFoundError):
        sample_store.add_link(Link(source_id="track-abuse", kind="repeats", target_id="ghost"), by="a")


def test_every_write_is_audited_and_bumps_data_version(sample_store):
    version = sample_store.data_version()
    v = sample_store.get_item("improve-data")["version"]
    sample_store.record_assessment("improve-data", assessment(), expected_version=v, by="alice")
    assert sample_store.data_version() == version + 1
    log = sample_store.audit_log(username="alice")
    assert list(log["action"]) == ["assess"]
    assert '"status": "delivered"' in log.iloc[0]["after"]
    assert '"status": "in progress"' in log.iloc[0]["before"]


def test_status_counts_group_in_sql(sample_store):
    counts = sample_store.status_counts(by="owner")
    home = counts[counts["grp"] == "home-office"]
    assert home["n"].sum() == 2
    with pytest.raises(ValueError):
        sample_store.status_counts(by="nonsense")


def test_backup_is_a_consistent_copy(sample_store, tmp_path):
    copy = sample_store.backup(tmp_path / "copy.db")
    with Store(copy) as restored:
        assert restored.export_bundle().model_dump(exclude={"exported_at"}) == \
            sample_store.export_bundle().model_dump(exclude={"exported_at"})
    with pytest.raises(AlreadyExistsError):
        sample_store.backup(copy)


def test_an_item_cannot_be_made_after_its_document_was_published(sample_store, db_path):
    from tracker.models import Bundle, ItemIn, ItemRecord

    paper = next(d for d in sample_store.documents() if d["id"] == "paper")  # published 2020-12-15
    assert paper["published_start"] == "2020-12-15"
    late = dict(id="late", kind="commitment", title="Home Office says so", quote="q", document_id="paper",
                makers=["home-office"], made="2021-01")
    message = ("made: January 2021 is after its document 'paper' was published (15 December 2020); "
               "an item is made no later than the document that reports it")
    before = db_path.read_bytes()
    with pytest.raises(InvalidInputError) as info:
        sample_store.add_item(ItemIn(**late), by="t")
    assert str(info.value) == f"item 'late': {message}"
    with pytest.raises(ImportRejectedError) as info:
        sample_store.import_bundle(Bundle(items=[ItemRecord(**late)]), by="t")
    assert info.value.problems == [f"items[0] (late): {message}"]
    item = sample_store.get_item("improve-data")
    fields = {k: v for k, v in late.items() if k != "id"}
    with pytest.raises(InvalidInputError, match="is after its document 'paper' was published"):
        sample_store.update_item("improve-data", ItemFields(**fields), expected_version=item["version"], by="t")
    assert db_path.read_bytes() == before
    # The same month as the publication is allowed: a paper of 15 December can quote "December".
    sample_store.add_item(ItemIn(**{**late, "made": "2020-12"}), by="t")


def test_a_deadline_cannot_be_moved_before_the_item_was_made(sample_store, db_path):
    made = sample_store.get_item("improve-data")
    before = db_path.read_bytes()
    with pytest.raises(InvalidInputError) as info:
        sample_store.revise_deadline(
            "improve-data", DeadlineRevision(deadline="2019", reason="typo", revised_on="2021-01-01"),
            expected_version=made["version"], by="t")
    assert str(info.value) == "the deadline (2019) ends before the item was made (15 December 2020)"
    assert db_path.read_bytes() == before


def test_a_brief_history_read_leaves_out_only_the_provenance(sample_store):
    full = sample_store.assessments_frame()
    brief = sample_store.assessments_frame(brief=True)
    assert list(brief.columns) == [c for c in Store.ASSESSMENT_COLUMNS if c not in Store.ASSESSMENT_PROVENANCE]
    assert list(full.columns) == Store.ASSESSMENT_COLUMNS
    assert len(full) > 0
    assert full[brief.columns].equals(brief)
