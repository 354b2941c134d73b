"""Crash safety: a writer killed with SIGKILL at random moments, many times over.

After every kill the database must pass ``PRAGMA integrity_check``, hold every write whose call
had returned to the writer, and hold no write in part: each of the three write shapes (a status
change, a new item, a bundle import) is either wholly there or wholly absent.
"""

from __future__ import annotations

import sqlite3

import pytest

from reliability_workload import (
    JournalState,
    check_state,
    env_size,
    prepare_database,
    run_crash_trials,
)
from tracker import exchange
from tracker.store import Store

pytestmark = pytest.mark.slow


def test_sigkilled_writer_leaves_no_corruption_and_loses_no_commit(tmp_path, record_figures):
    trials = env_size("TRACKER_CRASH_TRIALS", 10)
    db = tmp_path / "crash.db"
    result = run_crash_trials(db, tmp_path, trials, items=3, seed=trials)
    record_figures(kind="crash", trials=result.trials, writes_committed=result.writes_committed,
                   kills_mid_write=result.kills_mid_write, unfinished_landed=result.unfinished_landed,
                   corruptions=result.corruptions,
                   missing_committed=result.missing, unexpected=result.unexpected)
    assert result.problems == []
    assert (result.trials, result.corruptions, result.missing, result.unexpected) == (trials, 0, 0, 0)
    assert result.writes_committed > trials  # the writers did write before they were killed
    with Store(db) as store:  # and the tracker itself reads the survivor end to end
        assert store.integrity_check() == "ok"
        assert exchange.export_json(store)


def test_the_checker_sees_half_writes_and_missing_commits(tmp_path):
    """The checks above must be able to fail."""
    db = tmp_path / "broken.db"
    prepare_database(db, 1)
    journal = JournalState(ready=True, begun={"x1": "add", "x2": "assess"}, done={"x1": "add", "x2": "assess"})
    conn = sqlite3.connect(db)
    # An item without its actors, themes, deadline or audit entry: a half-written "add".
    conn.execute("INSERT INTO items (id, kind, title, quote, document_id, made_start, made_precision, "
                 "created_at, updated_at) VALUES ('t-x3', 'commitment', 't', 'q', 'paper', '2020-01-01', "
                 "'day', 'now', 'now')")
    conn.execute("UPDATE items SET version = 5 WHERE id = 'pool-0'")
    conn.commit()
    conn.close()
    check = check_state(db, 1, journal)
    assert check.corrupt
    assert any("add x3" in line for line in check.half_written)
    assert any("pool-0: version 5" in line for line in check.half_written)
    assert len(check.missing) == 2
    assert any("x3 is in the database but was never begun" in line for line in check.unexpected)
