"""No lost updates: many processes change the same items with the versions they read.

Each change is ``record_assessment(..., expected_version=<what I read>)``. The store must accept
at most one change per version of an item and refuse the rest with VersionConflictError, so the
accepted changes form one unbroken chain of versions, each in the history exactly once.
"""

from __future__ import annotations

import sqlite3
import time

import pytest

from reliability_workload import check_contention, env_size, prepare_database, run_contention, spawn
from tracker.store import Store

pytestmark = pytest.mark.slow


def test_many_processes_lose_no_update(tmp_path, record_figures):
    processes = env_size("TRACKER_STRESS_PROCS", 8)
    changes = env_size("TRACKER_STRESS_CHANGES", 40)
    items = env_size("TRACKER_STRESS_ITEMS", 3)
    result = run_contention(tmp_path / "contend.db", tmp_path, processes, changes, items)
    record_figures(kind="contention", processes=processes, changes_per_process=changes, items=items,
                   tried=result.tried, accepted=result.accepted, conflicts=result.conflicts,
                   lost=result.lost, duplicated=result.duplicated, phantom=result.phantom,
                   other_errors=len(result.other_errors), seconds=round(result.seconds, 1))
    assert result.problems == []
    assert result.other_errors == [], "only VersionConflictError may refuse a change"
    assert result.tried == processes * changes
    assert result.accepted + result.conflicts == result.tried
    assert result.accepted >= items  # the test is only meaningful if changes landed...
    assert result.conflicts > 0  # ...and collided


def test_the_checker_sees_a_lost_update(tmp_path):
    """The check above must be able to fail: a change reported as accepted that the database
    does not have, and a history row nobody was told about, are both caught."""
    db = tmp_path / "lost.db"
    ids = prepare_database(db, 1)
    with Store(db) as store:
        store.record_assessment(ids[0], _assessment("stray"), expected_version=1, by="someone")
    accepted = [{"tag": "w0-c0", "item": ids[0], "status": "delivered", "read_version": 1, "new_version": 2}]
    problems = check_contention(db, ids, {ids[0]: 1}, accepted)
    assert any(p.startswith("lost: w0-c0 was accepted") for p in problems)
    assert any(p.startswith("phantom:") for p in problems)


def test_processes_opening_a_new_database_at_once_all_succeed(tmp_path):
    """The schema is created once even when several processes open a fresh file together."""
    db = tmp_path / "fresh.db"
    processes = min(env_size("TRACKER_STRESS_PROCS", 8), 8)
    outs = [tmp_path / f"open-{n}.json" for n in range(processes)]
    start_at = time.time() + 3.0 + 0.4 * processes
    # A contend worker with zero items to change still opens the store (and migrates it).
    procs = [spawn("contend", str(db), str(out), "--worker", str(n), "--changes", "0", "--items", "1",
                   "--start-at", str(start_at)) for n, out in enumerate(outs)]
    codes = [p.wait(timeout=120) for p in procs]
    assert codes == [0] * processes
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        applied = conn.execute("SELECT count(*), count(DISTINCT name) FROM _sqlite_migrations").fetchone()
        assert applied[0] == applied[1] > 0
    finally:
        conn.close()


def _assessment(evidence: str):
    import datetime as dt

    from tracker.models import Assessment

    return Assessment(status="delivered", evidence=f"change {evidence}", assessed_on=dt.date.today())
