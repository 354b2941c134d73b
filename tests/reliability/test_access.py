"""Access: every write path checks the caller, history cannot be rewritten, throttling holds.

tests/test_workspace.py and tests/test_auth.py check each write and each sign-in rule by
name. These tests check the same promises from the other side, so that a write path added
later cannot slip past them: they find the write paths themselves (every public Workspace
method, every Store method that opens a write transaction, every SQL statement in tracker/)
and attack each one.
"""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import json
import re
import sqlite3
import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from reliability_workload import ROOT, env_size, spawn
from tracker import auth
from tracker.auth import AccountLockedError, SessionEndedError, SignInPolicy
from tracker.errors import AuthenticationError, PermissionDeniedError
from tracker.models import Assessment, Role, UserIn
from tracker.store import Store, sign_in_key
from tracker.workspace import Workspace

PASSWORD = "correct horse battery"
#: Workspace methods anyone may call: they are how a caller gets a session in the first place.
SIGN_IN = {"sign_in", "sign_in_oidc", "sign_out", "principal"}
#: Workspace methods only an admin may call.
ADMIN_ONLY = {"users", "add_user", "disable_user", "enable_user", "set_role"}


class Clock:
    def __init__(self):
        self.now = dt.datetime.now(dt.timezone.utc)

    def __call__(self):
        return self.now


def guarded_methods() -> list[str]:
    return sorted(name for name, member in inspect.getmembers(Workspace, inspect.isfunction)
                  if not name.startswith("_") and name not in SIGN_IN)


def call_with_nothing(workspace: Workspace, name: str, token):
    """Call a Workspace method with ``token`` and None for every other argument: a method that
    checks its caller first refuses before it looks at them."""
    method = getattr(workspace, name)
    params = list(inspect.signature(method).parameters.values())[1:]  # after the token
    args = [None for p in params if p.kind == p.POSITIONAL_OR_KEYWORD and p.default is p.empty]
    kwargs = {p.name: None for p in params if p.kind == p.KEYWORD_ONLY and p.default is p.empty}
    return method(token, *args, **kwargs)


def content(store: Store) -> list[str]:
    """Every row but the sessions and their audit entries (checking a session may end it, and
    that is logged; it is not a data write)."""
    return [line for line in store.db.conn.iterdump() if not line.startswith('INSERT INTO "sessions"')
            and not (line.startswith('INSERT INTO "audit_log"') and "'session ended'" in line)]


@pytest.fixture
def staff(sample_store, monkeypatch):
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    for username, role in (("edna", "editor"), ("ada", "admin"), ("dora", "editor")):
        auth.create_user(sample_store, UserIn(username=username, display_name=username, role=role), PASSWORD,
                         by="test")
    clock = Clock()
    workspace = Workspace(sample_store, policy=SignInPolicy(), clock=clock)
    tokens = {name: workspace.sign_in(name, PASSWORD).token for name in ("edna", "ada", "dora")}
    return workspace, tokens, clock


def test_the_workspace_offers_the_writes_the_pages_need():
    """The discovery below is not vacuous."""
    methods = guarded_methods()
    assert {"record_assessment", "add_item", "import_file", "add_user", "audit_log"} <= set(methods)
    assert ADMIN_ONLY <= set(methods)


@pytest.mark.parametrize("caller", ["no token", "forged", "signed out", "idle", "disabled"])
@pytest.mark.parametrize("name", guarded_methods())
def test_every_workspace_method_refuses_a_caller_without_a_live_session(staff, name, caller):
    workspace, tokens, clock = staff
    token = {"no token": None, "forged": "x" * 43}.get(caller, tokens["edna"])
    if caller == "signed out":
        workspace.sign_out(token)
    elif caller == "idle":
        clock.now += workspace.policy.session_idle + dt.timedelta(seconds=1)
    elif caller == "disabled":
        auth.disable_user(workspace.store, "edna", by="test")
    before = content(workspace.store)
    with pytest.raises(SessionEndedError):
        call_with_nothing(workspace, name, token)
    assert content(workspace.store) == before


@pytest.mark.parametrize("name", sorted(ADMIN_ONLY))
def test_user_management_refuses_an_editor(staff, name):
    workspace, tokens, _ = staff
    before = content(workspace.store)
    with pytest.raises(PermissionDeniedError):
        call_with_nothing(workspace, name, tokens["edna"])
    assert content(workspace.store) == before


def test_every_method_that_manages_accounts_is_admin_only():
    """A new user-management method must join ADMIN_ONLY (or be set_password, which checks
    that an editor changes only their own)."""
    about_accounts = {n for n in guarded_methods() if re.search(r"user|role", n)}
    assert about_accounts <= ADMIN_ONLY


def test_a_role_taken_away_is_refused_at_the_next_call(staff):
    workspace, tokens, _ = staff
    workspace.users(tokens["ada"])
    auth.set_role(workspace.store, "ada", Role.EDITOR, by="test")
    with pytest.raises(SessionEndedError):  # issue 11: a role change ends the account's sessions
        workspace.users(tokens["ada"])
    with pytest.raises(PermissionDeniedError):  # and the next one has the new role
        workspace.users(workspace.sign_in("ada", PASSWORD).token)


# ---------------------------------------------------------------------------
# The dashboard writes only through the workspace


def store_write_methods() -> set[str]:
    return {name for name, member in inspect.getmembers(Store, inspect.isfunction)
            if "self._write()" in inspect.getsource(member)}


def test_dashboard_never_writes_through_the_store_directly():
    writes = store_write_methods()
    assert {"record_assessment", "import_bundle", "add_user", "update_user"} <= writes
    offences = []
    for path in sorted((ROOT / "dashboard").rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                receiver = ast.unparse(node.func.value)
                if node.func.attr in writes and "store" in receiver.lower():
                    offences.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node.func)}")
                if node.func.attr in ("execute", "executemany", "executescript"):
                    offences.append(f"{path.relative_to(ROOT)}:{node.lineno}: SQL outside tracker/store.py")
    assert offences == []


# ---------------------------------------------------------------------------
# History is append-only in SQLite itself

HISTORY = ["assessments", "deadline_revisions", "audit_log"]


@pytest.mark.parametrize("table", HISTORY)
@pytest.mark.parametrize("route", ["update", "delete", "insert or replace", "sqlite-utils upsert",
                                   "sqlite-utils replace", "plain connection"])
def test_history_rows_cannot_be_changed_by_any_route(sample_store, db_path, table, route):
    version = sample_store.get_item("improve-data")["version"]
    sample_store.record_assessment("improve-data", Assessment(status="stalled", evidence="on record",
                                                              assessed_on="2024-01-01"),
                                   expected_version=version, by="test")
    row = sample_store._rows(f"SELECT * FROM {table} ORDER BY id LIMIT 1")[0]
    text_column = {"assessments": "evidence", "deadline_revisions": "reason", "audit_log": "username"}[table]
    forged = {**row, text_column: "forged"}
    before = sample_store._rows(f"SELECT * FROM {table} ORDER BY id")
    conn = sample_store.db.conn
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        if route == "update":
            conn.execute(f"UPDATE {table} SET {text_column} = 'forged'")
        elif route == "delete":
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (row["id"],))
        elif route == "insert or replace":
            names = ", ".join(forged)
            conn.execute(f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({', '.join('?' * len(forged))})",
                         list(forged.values()))
        elif route == "sqlite-utils upsert":
            sample_store.db[table].upsert(forged, pk="id")
        elif route == "sqlite-utils replace":
            sample_store.db[table].insert(forged, pk="id", replace=True)
        else:  # a connection that never went through Store: no pragmas, no foreign keys
            other = sqlite3.connect(db_path)
            try:
                other.execute(f"DELETE FROM {table}")
            finally:
                other.close()
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    assert sample_store._rows(f"SELECT * FROM {table} ORDER BY id") == before


def test_no_statement_in_tracker_rewrites_history():
    pattern = re.compile(r"\b(UPDATE|DELETE\s+FROM|REPLACE\s+INTO|INSERT\s+OR\s+REPLACE\s+INTO|DROP\s+TRIGGER)\s+"
                         r"(\w+\s+)?(assessments|deadline_revisions|audit_log)\b", re.I)
    hits = [f"{path.name}: {m.group(0)}" for path in sorted((ROOT / "tracker").glob("*.py"))
            for m in pattern.finditer(path.read_text())]
    assert hits == []


def test_the_pattern_above_would_see_a_rewrite():
    pattern = re.compile(r"\b(UPDATE|DELETE\s+FROM)\s+(assessments)\b", re.I)
    assert pattern.search('conn.execute("DELETE FROM assessments WHERE id = ?")')


# ---------------------------------------------------------------------------
# Sign-in throttling across processes


@pytest.mark.slow
@pytest.mark.parametrize("target", ["target", "no-such-user"])
def test_parallel_guessers_in_separate_processes_cannot_outrun_the_throttle(db_path, sample_bundle, tmp_path,
                                                                              record_figures, target):
    """Each process opens its own connection and guesses wrong passwords as fast as it can.
    Attempts are counted under the write lock before the password is checked, so across all of
    them no more passwords are checked than the policy allows before the name locks, whether or
    not it is an account's."""
    policy = SignInPolicy()
    processes = min(env_size("TRACKER_STRESS_PROCS", 8), 16)
    attempts = 4
    with Store(db_path) as store:
        store.import_bundle(sample_bundle, by="setup")
        cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
        store.add_user(UserIn(username="target", display_name="Target"), cheap, by="test")
    start_at = time.time() + 3.0 + 0.4 * processes
    outs = [tmp_path / f"guess-{n}.json" for n in range(processes)]
    procs = [spawn("guess", str(db_path), str(out), "--user", target, "--attempts", str(attempts),
                   "--start-at", str(start_at)) for out in outs]
    assert [p.wait(timeout=180) for p in procs] == [0] * processes
    outcomes = [o for out in outs for o in json.loads(out.read_text())]
    checked = outcomes.count("wrong password")
    record_figures(kind="throttle", target="an account" if target == "target" else "a name that is no account",
                   processes=processes, guesses=len(outcomes), checked=checked,
                   refused_unchecked=outcomes.count("locked"), other=len(outcomes) - checked
                   - outcomes.count("locked"))
    assert len(outcomes) == processes * attempts
    assert set(outcomes) <= {"wrong password", "locked"}
    assert 1 <= checked <= policy.lock_after
    with Store(db_path) as store:
        locked_until = dt.datetime.fromisoformat(store.db.execute(
            "SELECT wait_until FROM sign_in_attempts WHERE name_key = ?", (sign_in_key(target),)).fetchone()[0])
        # With only 3 failures checked the wait is 5 s, which a loaded machine can outlast before
        # this line runs; ask at a moment inside the recorded wait instead of "now".
        inside_wait = locked_until - dt.timedelta(seconds=1)
        with pytest.raises(AccountLockedError):  # the right password waits too
            auth.sign_in(store, target, PASSWORD, policy=policy, clock=lambda: inside_wait)
    assert issubclass(AccountLockedError, AuthenticationError)
