"""Sign-in, throttling, lockout, sessions and OIDC matching (tracker.auth), on a moving clock."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from argon2 import PasswordHasher

from tracker import auth
from tracker.auth import AccountLockedError, SessionEndedError, SignInPolicy
from tracker.errors import AuthenticationError, InvalidInputError
from tracker.models import Role, UserIn
from tracker.store import sign_in_key

PASSWORD = "correct horse battery"
POLICY = SignInPolicy()  # 3 failures: wait 5 s, 4: 10 s, 5+: refused 15 minutes; idle 30 minutes


class FakeClock:
    def __init__(self, start: dt.datetime | None = None):
        self.now = start or dt.datetime.now(dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


PRODUCTION_HASHER = auth._hasher


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """argon2id at its lowest cost: one test below checks the production parameters."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def accounts(fresh_store):
    """A store with an editor (password), an admin (password) and an OIDC-only editor."""
    auth.create_user(fresh_store, UserIn(username="edna", display_name="Edna Editor",
                                         email="Edna@Example.org"), PASSWORD, by="test")
    auth.create_user(fresh_store, UserIn(username="ada", display_name="Ada Admin", role="admin"),
                     PASSWORD, by="test")
    auth.create_user(fresh_store, UserIn(username="olga", display_name="Olga OIDC",
                                         email="olga@example.org"), None, by="test")
    return fresh_store


def sign_in(store, clock, username="edna", password=PASSWORD):
    return auth.sign_in(store, username, password, policy=POLICY, clock=clock)


def counted_failures(store, name: str) -> int:
    row = store.db.execute("SELECT failures FROM sign_in_attempts WHERE name_key = ?",
                           (sign_in_key(name),)).fetchone()
    return row[0] if row else 0


def fail(store, clock, times: int, username="edna") -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationError) as info:
            sign_in(store, clock, username, "wrong password!")
        assert not isinstance(info.value, AccountLockedError)


def lock_out(store, clock, username="edna") -> None:
    """Five failures, waiting out the waits between them: refused for 15 minutes."""
    fail(store, clock, 3, username=username)
    clock.advance(seconds=6)
    fail(store, clock, 1, username=username)
    clock.advance(seconds=11)
    fail(store, clock, 1, username=username)


# -- passwords ----------------------------------------------------------------


def test_passwords_are_hashed_with_argon2id(fresh_store, monkeypatch):
    monkeypatch.setattr(auth, "_hasher", PRODUCTION_HASHER)
    auth.create_user(fresh_store, UserIn(username="edna", display_name="Edna"), PASSWORD, by="test")
    row = fresh_store.get_user("edna")
    # argon2-cffi's defaults: RFC 9106's second recommended option (64 MiB, 3 passes).
    assert row["password_hash"].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in row["password_hash"]
    assert auth.verify_password(row["password_hash"], PASSWORD)
    assert not auth.verify_password(row["password_hash"], PASSWORD + "x")
    assert not auth.verify_password(None, PASSWORD)


@pytest.mark.parametrize("password", ["short", "x" * (auth.MAX_PASSWORD_LENGTH + 1)])
def test_password_rules(password):
    with pytest.raises(InvalidInputError):
        auth.hash_password(password)


# -- signing in -----------------------------------------------------------------


def test_sign_in_opens_a_session_whose_token_is_not_stored(accounts, clock):
    signed = sign_in(accounts, clock)
    assert signed.principal.username == "edna"
    assert signed.principal.role == Role.EDITOR
    assert len(signed.token) >= 40
    stored = accounts.db.execute("SELECT token_hash FROM sessions").fetchall()
    assert stored == [(auth.token_hash(signed.token),)]
    assert signed.token not in stored[0][0]


@pytest.mark.parametrize(
    "username, password",
    [("edna", "wrong password!"), ("nobody", PASSWORD), ("", PASSWORD), ("olga", "any password at all")],
)
def test_unknown_user_and_wrong_password_get_the_same_message(accounts, clock, username, password):
    with pytest.raises(AuthenticationError) as info:
        sign_in(accounts, clock, username, password)
    assert str(info.value) == auth.WRONG_CREDENTIALS
    assert accounts.db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_username_is_matched_case_insensitively(accounts, clock):
    assert sign_in(accounts, clock, username=" Edna ").principal.username == "edna"


@pytest.mark.parametrize(
    "failures, wait",
    [(1, None), (2, None), (3, dt.timedelta(seconds=5)), (4, dt.timedelta(seconds=10)),
     (5, dt.timedelta(minutes=15)), (9, dt.timedelta(minutes=15))],
)
def test_wait_grows_then_locks(failures, wait):
    assert POLICY.wait_after(failures) == wait


def test_failed_sign_ins_are_slowed_down_then_refused_for_a_while(accounts, clock):
    fail(accounts, clock, 2)
    fail(accounts, clock, 1)  # the third failure: the next attempt must wait 5 seconds
    with pytest.raises(AccountLockedError) as info:
        sign_in(accounts, clock)  # even the right password is refused, unchecked
    assert "try again in 5 seconds" in str(info.value)
    clock.advance(seconds=5, microseconds=1)
    fail(accounts, clock, 1)  # the fourth: wait 10 seconds
    clock.advance(seconds=6)
    with pytest.raises(AccountLockedError):
        sign_in(accounts, clock)
    clock.advance(seconds=5)
    fail(accounts, clock, 1)  # the fifth: refused for 15 minutes
    with pytest.raises(AccountLockedError) as info:
        sign_in(accounts, clock)
    assert "try again in 15 minutes" in str(info.value)
    clock.advance(minutes=15, seconds=1)
    assert sign_in(accounts, clock).principal.username == "edna"
    assert counted_failures(accounts, "edna") == 0


def test_lock_holds_for_its_whole_period(accounts, clock):
    fail(accounts, clock, 3)
    clock.advance(seconds=6)
    fail(accounts, clock, 1)
    clock.advance(seconds=11)
    fail(accounts, clock, 1)
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(AccountLockedError):
        sign_in(accounts, clock)
    clock.advance(seconds=2)
    sign_in(accounts, clock)


def test_refused_attempts_are_not_counted_and_other_accounts_are_unaffected(accounts, clock):
    fail(accounts, clock, 3)
    for _ in range(10):
        with pytest.raises(AccountLockedError):
            sign_in(accounts, clock, password="wrong password!")
    assert counted_failures(accounts, "edna") == 3
    assert sign_in(accounts, clock, username="ada").principal.is_admin


def test_a_success_resets_the_count(accounts, clock):
    fail(accounts, clock, 2)
    sign_in(accounts, clock)
    fail(accounts, clock, 2)  # would have been the 3rd and 4th without the reset
    sign_in(accounts, clock)


def test_a_lock_after_it_expires_locks_again_on_the_next_failure(accounts, clock):
    fail(accounts, clock, 3)
    clock.advance(seconds=6)
    fail(accounts, clock, 1)
    clock.advance(seconds=11)
    fail(accounts, clock, 1)
    clock.advance(minutes=16)
    fail(accounts, clock, 1)
    with pytest.raises(AccountLockedError):
        sign_in(accounts, clock)


def test_disabled_account_cannot_sign_in(accounts, clock):
    auth.disable_user(accounts, "edna", by="test")
    with pytest.raises(AuthenticationError) as info:
        sign_in(accounts, clock)
    assert "disabled" in str(info.value)
    with pytest.raises(AuthenticationError) as info:
        sign_in(accounts, clock, password="wrong password!")
    assert str(info.value) == auth.WRONG_CREDENTIALS  # no hint without the password
    auth.enable_user(accounts, "edna", by="test")
    sign_in(accounts, clock)


# -- no telling accounts from other names ------------------------------------------

#: Wrong-password attempts, each after waiting this long: through the waits, the lock, a lock
#: after the lock, and the count forgotten an hour after the last counted attempt.
GUESSES = [dt.timedelta(seconds=s) for s in (0, 0, 0, 0, 6, 0, 11, 0, 16 * 60, 0, 61 * 60, 0)]
WRONG = ("AuthenticationError", auth.WRONG_CREDENTIALS)


def locked(wait: str) -> tuple[str, str]:
    return ("AccountLockedError", f"too many failed sign-ins for this account: try again in {wait}")


def guess_outcomes(store, username: str, password: str = "wrong password!") -> list[tuple[str, str]]:
    """What a guesser sees for GUESSES against ``username``: the exception and its message."""
    clock = FakeClock(dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.timezone.utc))
    seen = []
    for wait in GUESSES:
        clock.advance(seconds=wait.total_seconds())
        with pytest.raises(AuthenticationError) as info:
            sign_in(store, clock, username, password)
        seen.append((type(info.value).__name__, str(info.value)))
    return seen


def test_an_account_is_throttled_as_the_policy_says(accounts):
    assert guess_outcomes(accounts, "edna") == [
        WRONG, WRONG, WRONG, locked("5 seconds"),  # the 3rd failure: wait 5 s
        WRONG, locked("10 seconds"),                # the 4th: 10 s
        WRONG, locked("15 minutes"),                # the 5th: 15 minutes
        WRONG, locked("15 minutes"),                # after the lock, the next failure locks again
        WRONG, WRONG,                               # an hour without a counted attempt: forgotten
    ]


@pytest.mark.parametrize("other", [
    "nobody",               # no such account
    " EDNA2 ",              # close to one
    "x" * 5000,             # longer than any account name can be
    "olga",                 # an account with no password (OIDC only)
    "ada",                  # an account, disabled below: the same until the password is right
])
def test_a_name_that_is_no_account_is_throttled_exactly_like_an_account(accounts, other):
    if other == "ada":
        auth.disable_user(accounts, "ada", by="test")
    assert guess_outcomes(accounts, other) == guess_outcomes(accounts, "edna")


def test_the_right_password_is_refused_unchecked_during_a_wait(accounts, clock):
    fail(accounts, clock, 3)
    fail(accounts, clock, 3, username="nobody")
    with pytest.raises(AccountLockedError) as real:
        sign_in(accounts, clock)
    with pytest.raises(AccountLockedError) as unknown:
        sign_in(accounts, clock, "nobody")
    assert str(real.value) == str(unknown.value)


def test_the_attempts_table_holds_no_typed_name_and_forgets(accounts, clock):
    names = [f"guess-{n}@example.org" for n in range(30)]
    for name in names:
        fail(accounts, clock, 1, username=name)
    lock_out(accounts, clock, "edna")
    dump = "\n".join(accounts.db.conn.iterdump())
    assert accounts.db.execute("SELECT count(*) FROM sign_in_attempts").fetchone()[0] == 31
    assert not [name for name in names if name in dump] and "wrong password!" not in dump
    clock.advance(hours=1, seconds=1)
    fail(accounts, clock, 1, username="someone new")
    # Every count older than an hour was deleted by that one attempt; the new one is the only row.
    assert accounts.db.execute("SELECT count(*) FROM sign_in_attempts").fetchone()[0] == 1


def test_counts_kept_on_the_users_row_before_004_carry_over(db_path, clock):
    from tracker.store import Store, migrations

    with Store(db_path, migrate=False) as store:
        with store._write():
            migrations.apply(store.db, stop_before="004_sign_in_attempts")
        for username, failures, locked_until in (("edna", 5, clock.now + dt.timedelta(minutes=10)),
                                                 ("ada", 2, None)):
            auth.create_user(store, UserIn(username=username, display_name=username), PASSWORD, by="test")
            store.db.execute("UPDATE users SET failed_logins = ?, locked_until = ? WHERE username = ?",
                             (failures, locked_until and locked_until.isoformat(), username))
        assert store.migrate()[0] == "004_sign_in_attempts"  # then any later migration
        with pytest.raises(AccountLockedError, match="10 minutes"):
            sign_in(store, clock)
        fail(store, clock, 1, username="ada")  # the 3rd failure in a row
        with pytest.raises(AccountLockedError, match="5 seconds"):
            sign_in(store, clock, "ada")
        assert store.db.execute("SELECT max(failed_logins), max(locked_until) FROM users").fetchone() == (0, None)


def test_a_short_memory_never_cuts_a_lock_short(accounts, clock):
    policy = SignInPolicy(forget_after=dt.timedelta(minutes=1))
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            auth.sign_in(accounts, "nobody", "wrong password!", policy=policy, clock=clock)
        clock.advance(seconds=20)  # longer than any wait before the lock
    clock.advance(minutes=13, seconds=40)  # 14 minutes after the 5th failure: forgotten, were it not locked
    with pytest.raises(AccountLockedError):
        auth.sign_in(accounts, "nobody", "wrong password!", policy=policy, clock=clock)
    clock.advance(minutes=1, seconds=1)
    fail(accounts, clock, 1, username="nobody")  # the count is forgotten once the lock is over
    assert counted_failures(accounts, "nobody") == 1


# -- sessions -------------------------------------------------------------------


def check(store, clock, token, policy=POLICY):
    return auth.check_session(store, token, policy=policy, clock=clock)


def test_session_names_its_user_and_follows_role_changes(accounts, clock):
    token = sign_in(accounts, clock).token
    assert check(accounts, clock, token).role == Role.EDITOR
    auth.set_role(accounts, "edna", Role.ADMIN, by="test")
    # Issue 11: a role change ends the account's open sessions; the next one has the new role.
    with pytest.raises(SessionEndedError):
        check(accounts, clock, token)
    token = sign_in(accounts, clock).token
    assert check(accounts, clock, token).is_admin


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_no_or_forged_token_is_not_a_session(accounts, clock, token):
    with pytest.raises(SessionEndedError):
        check(accounts, clock, token)


def test_session_ends_after_inactivity_and_stays_ended(accounts, clock):
    token = sign_in(accounts, clock).token
    clock.advance(minutes=30, seconds=1)
    with pytest.raises(SessionEndedError) as info:
        check(accounts, clock, token)
    assert "30 minutes without activity" in str(info.value)
    clock.advance(minutes=-30)  # even a clock going back does not revive it
    with pytest.raises(SessionEndedError):
        check(accounts, clock, token)


def test_activity_keeps_a_session_open(accounts, clock):
    token = sign_in(accounts, clock).token
    for _ in range(5):
        clock.advance(minutes=20)
        check(accounts, clock, token)
    clock.advance(minutes=29)
    check(accounts, clock, token)


def test_sign_out_ends_the_session(accounts, clock):
    token = sign_in(accounts, clock).token
    other = sign_in(accounts, clock).token
    auth.sign_out(accounts, token)
    with pytest.raises(SessionEndedError):
        check(accounts, clock, token)
    assert check(accounts, clock, other).username == "edna"  # only that session


def test_disabling_a_user_ends_open_sessions_at_their_next_action(accounts, clock):
    token = sign_in(accounts, clock).token
    check(accounts, clock, token)
    auth.disable_user(accounts, "edna", by="test")
    with pytest.raises(SessionEndedError) as info:
        check(accounts, clock, token)
    assert "disabled" in str(info.value) or "ended" in str(info.value)
    auth.enable_user(accounts, "edna", by="test")
    with pytest.raises(SessionEndedError):  # enabling again does not revive old sessions
        check(accounts, clock, token)


def test_disabled_flag_is_checked_even_if_sessions_were_not_ended(accounts, clock):
    token = sign_in(accounts, clock).token
    # A disabled flag set behind the store's back (e.g. by hand in SQL) still counts.
    accounts.db.execute("UPDATE users SET disabled = 1 WHERE username = 'edna'")
    with pytest.raises(SessionEndedError):
        check(accounts, clock, token)


def test_session_timeout_comes_from_the_environment():
    assert SignInPolicy.from_env({}).session_idle == dt.timedelta(minutes=30)
    assert SignInPolicy.from_env({auth.SESSION_MINUTES_ENV: "5"}).session_idle == dt.timedelta(minutes=5)
    for bad in ("0", "-3", "ten", "1.5"):
        with pytest.raises(InvalidInputError):
            SignInPolicy.from_env({auth.SESSION_MINUTES_ENV: bad})


def test_short_timeout_from_policy(accounts, clock):
    policy = SignInPolicy(session_idle=dt.timedelta(minutes=5))
    token = auth.sign_in(accounts, "edna", PASSWORD, policy=policy, clock=clock).token
    clock.advance(minutes=4)
    check(accounts, clock, token, policy)
    clock.advance(minutes=5, seconds=1)
    with pytest.raises(SessionEndedError):
        check(accounts, clock, token, policy)


# -- OIDC -------------------------------------------------------------------------


def test_oidc_identity_is_matched_by_email(accounts, clock):
    signed = auth.sign_in_oidc(accounts, {"is_logged_in": True, "email": "OLGA@example.org",
                                          "email_verified": True, "name": "Olga"}, clock=clock)
    assert signed.principal.username == "olga"
    assert check(accounts, clock, signed.token).username == "olga"
    # The account with a password can use the provider too, matched the same way.
    assert auth.sign_in_oidc(accounts, {"email": "edna@example.org", "email_verified": True}, clock=clock).principal.username == "edna"


@pytest.mark.parametrize(
    "identity, message",
    [
        ({"is_logged_in": False}, "not signed in"),
        ({"is_logged_in": True}, "no email"),
        ({"is_logged_in": True, "email": "stranger@example.org", "email_verified": True}, "no tracker account"),
        ({"is_logged_in": True, "email": "olga@example.org", "email_verified": False}, "not verified"),
    ],
)
def test_oidc_identity_refused(accounts, clock, identity, message):
    with pytest.raises(AuthenticationError) as info:
        auth.sign_in_oidc(accounts, identity, clock=clock)
    assert message in str(info.value)


@pytest.mark.parametrize("claim", [None, "false", "true", 1, "missing"])
def test_oidc_email_counts_as_verified_only_when_the_provider_says_true(accounts, clock, claim):
    identity = {"is_logged_in": True, "email": "olga@example.org"}
    if claim != "missing":
        identity["email_verified"] = claim
    with pytest.raises(AuthenticationError, match="not verified"):
        auth.sign_in_oidc(accounts, identity, clock=clock)


def test_oidc_disabled_user_refused(accounts, clock):
    auth.disable_user(accounts, "olga", by="test")
    with pytest.raises(AuthenticationError) as info:
        auth.sign_in_oidc(accounts, {"email": "olga@example.org", "email_verified": True}, clock=clock)
    assert "disabled" in str(info.value)


def test_parallel_guesses_cannot_outrun_the_throttle(accounts, clock, db_path):
    """Attempts are counted before the password check, under the write lock, so guesses sent
    at once are throttled like guesses sent one after another."""
    from concurrent.futures import ThreadPoolExecutor

    from tracker.store import Store

    def guess(_):
        with Store(db_path) as store:
            try:
                sign_in(store, clock, password="wrong password!")
            except AccountLockedError:
                return "refused"
            except AuthenticationError:
                return "checked"
        return "signed in"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(guess, range(8)))
    assert outcomes.count("checked") == POLICY.slow_after
    assert outcomes.count("refused") == 8 - POLICY.slow_after


# -- the audit log ---------------------------------------------------------------------


def sign_in_events(store) -> list[dict]:
    """The sign-in and session entries, oldest first, with their values decoded."""
    rows = store.audit_log(sign_ins=True).to_dict("records")[::-1]
    return [{**row, "after": json.loads(row["after"]) if row["after"] else None} for row in rows]


def brief(events: list[dict]) -> list[tuple]:
    return [(e["username"], e["action"], e["entity"], e["entity_id"]) for e in events]


def stored_at(clock: FakeClock) -> str:
    return clock.now.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def assert_no_secret(store, *secrets_: str) -> None:
    log = "\n".join(map(str, store.db.execute("SELECT * FROM audit_log").fetchall()))
    for secret in secrets_:
        assert secret not in log


def test_sign_in_and_sign_out_are_logged_without_the_token(accounts, clock):
    signed = sign_in(accounts, clock)
    signed_in_at = stored_at(clock)
    clock.advance(minutes=3)
    auth.sign_out(accounts, signed.token, clock=clock)
    auth.sign_out(accounts, signed.token, clock=clock)  # already ended: not logged twice
    events = sign_in_events(accounts)
    assert brief(events) == [("edna", "sign in", "user", "edna"), ("edna", "sign out", "user", "edna")]
    number = accounts.db.execute("SELECT rowid FROM sessions").fetchone()[0]
    assert events[0]["after"] == {"method": "password", "session": number}
    assert events[1]["after"] == {"session": number}
    assert [e["at"] for e in events] == [signed_in_at, stored_at(clock)]
    assert_no_secret(accounts, signed.token, auth.token_hash(signed.token), PASSWORD)


def test_failures_and_the_lockout_of_an_account_are_logged(accounts, clock):
    fail(accounts, clock, 3)
    third_at = stored_at(clock)
    with pytest.raises(AccountLockedError):  # refused unchecked: not logged (a guesser could flood it)
        sign_in(accounts, clock)
    clock.advance(seconds=6)
    fail(accounts, clock, 1)
    clock.advance(seconds=11)
    fail(accounts, clock, 1)
    events = sign_in_events(accounts)
    assert brief(events) == [("edna", "sign-in failed", "user", "edna")] * 5 + [("edna", "lockout", "user", "edna")]
    assert [e["after"]["failures"] for e in events] == [1, 2, 3, 4, 5, 5]
    assert {e["after"]["reason"] for e in events[:5]} == {"wrong password"}
    assert events[2]["at"] == third_at
    assert events[2]["after"]["wait_until"] == (clock.now - dt.timedelta(seconds=17) + dt.timedelta(seconds=5)
                                                ).isoformat(timespec="microseconds")
    locked_until = clock.now + POLICY.lock_for
    assert events[5]["after"] == {"failures": 5, "locked_until": locked_until.isoformat(timespec="microseconds")}
    assert events[5]["at"] == stored_at(clock)
    assert_no_secret(accounts, "wrong password!", PASSWORD)


def test_names_that_are_no_account_leave_nothing_in_the_log(accounts, clock):
    typed = "<b>nobody</b> =HYPERLINK(\"x\")"
    lock_out(accounts, clock, typed)
    with pytest.raises(AccountLockedError):
        sign_in(accounts, clock, typed)
    with pytest.raises(AuthenticationError):
        sign_in(accounts, clock, "  ", "anything at all")
    assert sign_in_events(accounts) == []
    dump = "\n".join(accounts.db.conn.iterdump())
    assert typed.strip().lower() not in dump and "nobody" not in dump


def test_a_disabled_account_refused_with_the_right_password_is_logged(accounts, clock):
    auth.disable_user(accounts, "edna", by="ada")
    fail(accounts, clock, 2)
    with pytest.raises(AuthenticationError, match="disabled"):
        sign_in(accounts, clock)
    events = sign_in_events(accounts)
    assert [e["action"] for e in events] == ["sign-in failed"] * 3
    assert events[-1]["after"] == {"method": "password", "reason": "account disabled"}
    assert counted_failures(accounts, "edna") == 0  # the password was right


def test_sessions_ended_by_inactivity_or_a_disabled_account_are_logged(accounts, clock):
    idle = sign_in(accounts, clock).token
    disabled_by_admin = sign_in(accounts, clock, "ada").token
    clock.advance(minutes=30, seconds=1)
    with pytest.raises(SessionEndedError):
        check(accounts, clock, idle)
    ended_at = stored_at(clock)
    with pytest.raises(SessionEndedError):
        check(accounts, clock, idle)  # already ended: logged once
    auth.disable_user(accounts, "ada", by="edna-the-admin")
    events = [e for e in sign_in_events(accounts) if e["action"] == "session ended"]
    sessions = dict(accounts.db.execute("SELECT token_hash, rowid FROM sessions").fetchall())
    assert brief(events) == [("edna", "session ended", "user", "edna"), ("ada", "session ended", "user", "ada")]
    assert events[0]["after"] == {"session": sessions[auth.token_hash(idle)], "reason": "no activity for 30 minutes"}
    assert events[0]["at"] == ended_at
    assert events[1]["after"] == {"session": sessions[auth.token_hash(disabled_by_admin)],
                                  "reason": "account disabled by edna-the-admin"}
    assert_no_secret(accounts, idle, disabled_by_admin, auth.token_hash(idle), auth.token_hash(disabled_by_admin))


def test_a_session_whose_account_was_disabled_behind_the_stores_back_is_logged(accounts, clock):
    token = sign_in(accounts, clock).token
    accounts.db.execute("UPDATE users SET disabled = 1 WHERE username = 'edna'")
    with pytest.raises(SessionEndedError):
        check(accounts, clock, token)
    assert sign_in_events(accounts)[-1]["after"]["reason"] == "account disabled"


def test_oidc_sign_ins_and_refusals_are_logged(accounts, clock):
    signed = auth.sign_in_oidc(accounts, {"email": "olga@example.org", "email_verified": True}, clock=clock)
    with pytest.raises(AuthenticationError):
        auth.sign_in_oidc(accounts, {"email": "olga@example.org", "email_verified": False}, clock=clock)
    with pytest.raises(AuthenticationError):
        auth.sign_in_oidc(accounts, {"email": "stranger@example.org", "email_verified": True}, clock=clock)  # no account: not logged
    auth.disable_user(accounts, "olga", by="test")
    with pytest.raises(AuthenticationError):
        auth.sign_in_oidc(accounts, {"email": "olga@example.org", "email_verified": True}, clock=clock)
    events = [e for e in sign_in_events(accounts) if e["action"] != "session ended"]
    assert [(e["username"], e["action"], e["after"].get("reason")) for e in events] == [
        ("olga", "sign in", None), ("olga", "sign-in failed", "email not verified"),
        ("olga", "sign-in failed", "account disabled"),
    ]
    assert {e["after"]["method"] for e in events} == {"oidc"}
    assert_no_secret(accounts, signed.token, "stranger")


def test_record_changes_and_sign_in_events_can_be_read_apart(accounts, clock):
    sign_in(accounts, clock)
    changes = accounts.audit_log(sign_ins=False)
    assert set(changes["action"]) == {"create"} and len(changes) == 3
    assert set(accounts.audit_log(sign_ins=True)["action"]) == {"sign in"}
    assert len(accounts.audit_log()) == 4


def test_guessing_the_current_password_on_a_password_change_is_throttled(accounts, clock):
    """Issue 11 review: whoever holds an open session (an unattended browser) could try current
    passwords on the password-change form as fast as they liked, and learn the real one."""
    new = "a brand new passphrase for edna"
    for attempt in range(POLICY.lock_after):
        with pytest.raises(AuthenticationError, match="current password is wrong"):
            auth.set_password(accounts, "edna", new, by="edna", current=f"guess number {attempt}",
                              policy=POLICY, clock=clock)
        clock.advance(minutes=2)  # past any short wait: only the lock is left to stop it
    with pytest.raises(AccountLockedError, match="wrong current passwords"):  # not even the right one is checked
        auth.set_password(accounts, "edna", new, by="edna", current=PASSWORD, policy=POLICY, clock=clock)
    assert auth.verify_password(accounts.get_user("edna")["password_hash"], PASSWORD)
    assert sign_in(accounts, clock).principal.username == "edna"  # signing in is another matter
    clock.advance(minutes=16)
    auth.set_password(accounts, "edna", new, by="edna", current=PASSWORD, policy=POLICY, clock=clock)
    assert auth.verify_password(accounts.get_user("edna")["password_hash"], new)
