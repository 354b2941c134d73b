"""Opening a database this process has already migrated skips the migration check while its
schema is unchanged (issue 12: the dashboard opens a store per cache miss), and checks again
as soon as the schema changes or the file is another one."""

from __future__ import annotations

import sqlite3

from tracker.storage import connection
from tracker.store import Store


def _counting_checks(monkeypatch) -> list[int]:
    checks: list[int] = []
    applied = connection.Connection.applied_migrations

    def counted(self):
        checks.append(1)
        return applied(self)

    monkeypatch.setattr(connection.Connection, "applied_migrations", counted)
    return checks


def test_a_migrated_file_is_checked_once_until_its_schema_changes(tmp_path, monkeypatch):
    path = tmp_path / "t.db"
    Store(path).close()
    checks = _counting_checks(monkeypatch)
    for _ in range(3):
        with Store(path, create=False) as store:
            assert store.data_version() >= 0
    assert checks == []  # none: the file was migrated by this process and is unchanged

    raw = sqlite3.connect(path)  # another process changes the schema (a migration, say)
    raw.execute("CREATE TABLE later_table (x)")
    raw.commit()
    raw.close()
    Store(path, create=False).close()
    assert len(checks) == 1
    Store(path, create=False).close()
    assert len(checks) == 1


def test_another_file_under_the_same_name_is_checked(tmp_path, monkeypatch):
    path = tmp_path / "t.db"
    Store(path).close()
    replaced = tmp_path / "other.db"
    Store(replaced).close()
    checks = _counting_checks(monkeypatch)
    path.unlink()
    replaced.rename(path)  # another database file now has the name (a restore, say)
    Store(path, create=False).close()
    # Store(replaced) was migrated by this process too, but as its own file: the check is by
    # file, not by name, so it is skipped only because that very file was checked before.
    assert len(checks) == 0
    foreign = tmp_path / "foreign.db"
    raw = sqlite3.connect(foreign)
    raw.execute("CREATE TABLE notes (x)")
    raw.commit()
    raw.close()
    path.unlink()
    foreign.rename(path)
    try:
        Store(path, create=False).close()
    except Exception as exc:  # another application's database is still refused
        assert "not a tracker database" in str(exc)
    else:
        raise AssertionError("a foreign database opened as a tracker database")
    assert len(checks) == 1
