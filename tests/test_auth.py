"""Sign-in, throttling, lockout, sessions and OIDC matching (tracker.auth), on a moving clock."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher

from tracker import auth
from tracker.auth import AccountLockedError, SessionEndedError, SignInPolicy
from tracker.errors import AuthenticationError, InvalidInputError
from tracker.models import Role, UserIn

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


def fail(store, clock, times: int, username="edna") -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationError) as info:
            sign_in(store, clock, username, "wrong password!")
        assert not isinstance(info.value, AccountLockedError)


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
    assert accounts.get_user("edna")["failed_logins"] == 0


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
    assert accounts.get_user("edna")["failed_logins"] == 3
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


# -- sessions -------------------------------------------------------------------


def check(store, clock, token, policy=POLICY):
    return auth.check_session(store, token, policy=policy, clock=clock)


def test_session_names_its_user_and_follows_role_changes(accounts, clock):
    token = sign_in(accounts, clock).token
    assert check(accounts, clock, token).role == Role.EDITOR
    auth.set_role(accounts, "edna", Role.ADMIN, by="test")
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
    assert auth.sign_in_oidc(accounts, {"email": "edna@example.org"}, clock=clock).principal.username == "edna"


@pytest.mark.parametrize(
    "identity, message",
    [
        ({"is_logged_in": False}, "not signed in"),
        ({"is_logged_in": True}, "no email"),
        ({"is_logged_in": True, "email": "stranger@example.org"}, "no tracker account"),
        ({"is_logged_in": True, "email": "olga@example.org", "email_verified": False}, "not verified"),
    ],
)
def test_oidc_identity_refused(accounts, clock, identity, message):
    with pytest.raises(AuthenticationError) as info:
        auth.sign_in_oidc(accounts, identity, clock=clock)
    assert message in str(info.value)


def test_oidc_disabled_user_refused(accounts, clock):
    auth.disable_user(accounts, "olga", by="test")
    with pytest.raises(AuthenticationError) as info:
        auth.sign_in_oidc(accounts, {"email": "olga@example.org"}, clock=clock)
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
