"""Issue 11: storage faults get a plain word and lose nothing; the dashboard never makes a
database; the WAL is cut back after a long reader."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3

import pytest
from test_staff_pages import app, button, fast_hashing, fill_assessment, ok, open_assess, signed_in, staff_db  # noqa: F401

from tracker import store as store_module
from tracker.errors import DatabaseUnavailableError
from tracker.models import Actor
from tracker.store import WAL_SIZE_LIMIT, Store


def test_the_dashboard_never_makes_a_database(tmp_path):
    missing = tmp_path / "gone" / "tracker.db"
    with pytest.raises(DatabaseUnavailableError, match="missing"):
        Store(missing, create=False)
    assert not missing.exists() and not missing.parent.exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    with pytest.raises(DatabaseUnavailableError, match="empty"):
        Store(empty, create=False)
    assert empty.stat().st_size == 0


def test_a_deleted_database_shows_a_plain_message_not_an_empty_record(staff_db):
    at = ok(app())
    staff_db.unlink()
    for suffix in ("-wal", "-shm"):
        staff_db.with_name(staff_db.name + suffix).unlink(missing_ok=True)
    at = ok(app())
    assert any("cannot reach its database" in e.value for e in at.error), [e.value for e in at.error]
    assert not any("Nothing has been recorded yet" in m.value for m in at.markdown)
    assert not staff_db.exists()


def test_a_full_disk_is_said_plainly_and_rolls_back(tmp_path):
    with Store(tmp_path / "t.db") as store:
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 2}")
        with pytest.raises(DatabaseUnavailableError, match="disk holding the database is full"):
            for n in range(200):
                store.add_actor(Actor(id=f"actor-{n}", name="x" * 190), by="test")
        store.db.execute("PRAGMA max_page_count = 1000000")
        store.add_actor(Actor(id="after", name="After"), by="test")  # usable again


def test_a_read_only_database_is_said_plainly(tmp_path):
    with Store(tmp_path / "t.db") as store:
        store.db.execute("PRAGMA query_only = 1")
        with pytest.raises(DatabaseUnavailableError, match="read-only"):
            store.add_actor(Actor(id="a", name="A"), by="test")


@pytest.mark.parametrize("fault, said", [
    ("database or disk is full", ["full", "nothing was saved"]),
    ("attempt to write a readonly database", ["read-only", "nothing was saved"]),
    ("database is locked", ["busy", "try again"]),  # a long import holding the write lock
])
def test_a_write_that_meets_a_fault_keeps_the_typed_form(staff_db, monkeypatch, fault, said):
    at = open_assess(signed_in(), "improve-data")
    typed = f"Evidence typed while the database said: {fault}."
    fill_assessment(at, "improve-data", evidence=typed, on=dt.date(2024, 2, 1))

    def failing(*args, **kwargs):
        raise store_module._storage_fault(sqlite3.OperationalError(fault))

    monkeypatch.setattr(Store, "record_assessment", failing)
    ok(button(at, "Save assessment").click().run())
    shown = re.sub(r"\\(.)", r"\1", " ".join(e.value for e in at.error))  # markdown escapes off
    assert all(word in shown for word in said), shown
    assert at.text_area(key="assess:improve-data:evidence").value == typed


def test_the_wal_is_cut_back_after_a_long_reader(tmp_path):
    path = tmp_path / "t.db"
    with Store(path) as writer, Store(path) as reader:
        writer.db.execute("CREATE TABLE scratch (x BLOB)")
        reader.db.execute("BEGIN")
        reader.db.execute("SELECT count(*) FROM actors").fetchone()  # holds a snapshot
        for n in range(60):  # 60 writes of 400 kB while it reads: the WAL cannot be reused
            with writer._write() as conn:
                conn.execute("INSERT INTO scratch VALUES (randomblob(400000))")
        wal = path.with_name(path.name + "-wal")
        grown = wal.stat().st_size
        assert grown > WAL_SIZE_LIMIT, grown
        reader.db.execute("COMMIT")
        writer.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        writer.add_actor(Actor(id="one-more", name="One more"), by="test")
        assert wal.stat().st_size <= WAL_SIZE_LIMIT, (grown, wal.stat().st_size)
