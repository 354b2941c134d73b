"""Backups: `tracker backup` while writers run, and `tracker restore` of what it made.

Each backup is taken by the real command in its own process while writer processes keep
committing. A copy is consistent when it passes ``PRAGMA integrity_check`` and every write in
it is whole (the same checks as after a crash). A restore must bring back exactly the export
the backup had, even over a database that changed since.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_workload import (
    JournalState,
    check_state,
    env_size,
    prepare_database,
    read_journal,
    spawn,
    worker_env,
)
from tracker.cli import cli
from tracker.models import Assessment
from tracker.store import Store

pytestmark = pytest.mark.slow
ITEMS = 3


def tracker_process(*args: str, db: Path) -> subprocess.CompletedProcess:
    """The `tracker` command in a process of its own (for backups taken while others write)."""
    return subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), *args], env=worker_env(),
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def tracker(*args: str, db: Path):
    """The `tracker` command in this process (quicker, when nothing else is running)."""
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def export(db: Path, fmt: str = "json") -> str:
    result = tracker("export", "--format", fmt, db=db)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        data = json.loads(result.stdout)
        data.pop("exported_at")
        return json.dumps(data, sort_keys=True)
    return result.stdout


def test_backup_under_writers_is_consistent_and_restore_brings_back_its_export(tmp_path, record_figures):
    rounds = env_size("TRACKER_BACKUP_ROUNDS", 3)
    writers = 3
    live = tmp_path / "live.db"
    prepare_database(live, ITEMS)
    stop = tmp_path / "stop"
    journals = [tmp_path / f"writer-{w}.log" for w in range(writers)]
    errors = [open(tmp_path / f"writer-{w}.stderr", "wb") for w in range(writers)]
    procs = [spawn("write", str(live), str(journals[w]), "--tag", f"b{w}t", "--items", str(ITEMS),
                   "--seconds", "300", "--stop-file", str(stop), "--seed", str(w), stderr=errors[w])
             for w in range(writers)]
    copies: list[Path] = []
    writes_in_copies = []
    try:
        deadline = time.monotonic() + 60
        while not all(read_journal(j).ready for j in journals):
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs), "writers did not start"
            time.sleep(0.05)
        for r in range(rounds):
            time.sleep(0.2)
            copy = tmp_path / f"backup-{r}.db"
            result = tracker_process("backup", str(copy), db=live)
            assert result.returncode == 0, result.stderr
            copies.append(copy)
        committed_meanwhile = sum(len(read_journal(j).done) for j in journals)
    finally:
        stop.touch()
        codes = [p.wait(timeout=120) for p in procs]
        for handle in errors:
            handle.close()
    assert codes == [0] * writers, [(tmp_path / f"writer-{w}.stderr").read_text()[-1500:] for w in range(writers)]

    problems = []
    for copy in copies:
        check = check_state(copy, ITEMS)
        problems += [f"{copy.name}: {line}" for line in
                     ([] if check.integrity == "ok" else [check.integrity]) + check.half_written]
        with Store(copy, migrate=False) as store:
            writes_in_copies.append(store.data_version())
    every = JournalState(ready=True, begun={}, done={})
    for journal in journals:
        state = read_journal(journal)
        every.begun.update(state.begun)
        every.done.update(state.done)
    final = check_state(live, ITEMS, every)
    record_figures(kind="backup", writers=writers, backups=len(copies),
                   writes_committed=committed_meanwhile, inconsistent_copies=len(problems),
                   missing_in_live=len(final.missing))
    assert problems == []
    assert final.integrity == "ok" and final.half_written == [] and final.missing == []
    assert writes_in_copies == sorted(writes_in_copies) and writes_in_copies[-1] > writes_in_copies[0], (
        "the writers were not writing while the backups were taken")

    # Restore: a quiet backup, then more changes, then the backup put back over them.
    quiet = tmp_path / "quiet.db"
    assert tracker("backup", str(quiet), db=live).exit_code == 0
    at_backup = {fmt: export(live, fmt) for fmt in ("json", "csv")}
    with Store(live) as store:
        version = store.get_item("pool-0")["version"]
        store.record_assessment("pool-0", Assessment(status="withdrawn", evidence="after the backup",
                                                     assessed_on="2024-01-01"), expected_version=version, by="t")
    assert export(live) != at_backup["json"]
    restored = tracker("restore", str(quiet), "--yes", db=live)
    assert restored.exit_code == 0, restored.output
    assert {fmt: export(live, fmt) for fmt in ("json", "csv")} == at_backup
    elsewhere = tmp_path / "new" / "restored.db"
    assert tracker("restore", str(quiet), db=elsewhere).exit_code == 0
    assert export(elsewhere) == at_backup["json"]


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + bytes(200), b"garbage" * 100])
def test_restore_refuses_a_file_that_is_not_a_tracker_backup(content, sample_store, db_path, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    before = export(db_path)
    result = tracker("restore", str(bad), "--yes", db=db_path)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert export(db_path) == before


def test_backup_refuses_to_overwrite(sample_store, db_path, tmp_path):
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"keep me")
    result = tracker("backup", str(existing), db=db_path)
    assert result.exit_code == 1 and "already exists" in result.output
    assert existing.read_bytes() == b"keep me"
