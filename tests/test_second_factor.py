"""Issue 11: a second factor (TOTP, RFC 6238, with recovery codes): required for admins,
available to editors. Runs with the default (admins need one), unlike the rest of the suite."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest

from tracker import auth
from tracker.auth import SecondFactorNeeded, SessionEndedError
from tracker.errors import AuthenticationError, InvalidInputError, PermissionDeniedError
from tracker.models import Actor, Role, UserIn
from tracker.store import Store
from tracker.workspace import Workspace

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _admins_need_one(monkeypatch):
    monkeypatch.delenv(auth.ADMIN_SECOND_FACTOR_ENV, raising=False)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "t.db") as opened:
        for name, role in (("ada", Role.ADMIN), ("edna", Role.EDITOR)):
            auth.create_user(opened, UserIn(username=name, display_name=name.title(), role=role), PASSWORD, by="t")
        yield opened


def code_at(secret: str, when: dt.datetime) -> str:
    return pyotp.TOTP(secret).at(when)


def enrol(store, username: str) -> tuple[str, list[str]]:
    secret = auth.new_second_factor_secret()
    return secret, auth.enable_second_factor(store, username, secret, pyotp.TOTP(secret).now(), by=username)


def test_an_admin_without_a_second_factor_may_only_set_one_up(store):
    ws = Workspace(store)
    token = ws.sign_in("ada", PASSWORD).token
    assert ws.principal(token).needs_second_factor
    with pytest.raises(PermissionDeniedError, match="second factor"):
        ws.users(token)
    with pytest.raises(PermissionDeniedError, match="second factor"):
        ws.add_actor(token, Actor(id="x", name="X"))
    secret = auth.new_second_factor_secret()
    with pytest.raises(InvalidInputError):
        ws.enable_second_factor(token, secret, "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    codes = ws.enable_second_factor(token, secret, pyotp.TOTP(secret).now())
    assert len(codes) == auth.RECOVERY_CODES and len(set(codes)) == auth.RECOVERY_CODES
    assert {u.username for u in ws.users(token)} == {"ada", "edna"}
    with pytest.raises(InvalidInputError):  # an admin cannot turn it off where admins need one
        ws.disable_second_factor(token, "ada")


def test_with_a_second_factor_the_password_alone_opens_nothing(store):
    secret, codes = enrol(store, "edna")
    with pytest.raises(SecondFactorNeeded) as needed:
        auth.sign_in(store, "edna", PASSWORD)
    ticket = needed.value.ticket
    with pytest.raises(SessionEndedError):
        auth.check_session(store, ticket)
    with pytest.raises(AuthenticationError, match="wrong"):
        auth.complete_second_factor(store, ticket, "123456" if pyotp.TOTP(secret).now() != "123456" else "654321")
    later = auth.utc_now() + dt.timedelta(seconds=30)  # the enrolment used this step's code
    signed = auth.complete_second_factor(store, ticket, code_at(secret, later), clock=lambda: later)
    assert auth.check_session(store, signed.token, clock=lambda: later).username == "edna"


def test_a_code_works_once_and_a_recovery_code_once(store):
    secret, codes = enrol(store, "edna")
    later = auth.utc_now() + dt.timedelta(seconds=60)
    code = code_at(secret, later)
    assert auth.sign_in(store, "edna", PASSWORD, code=code, clock=lambda: later)
    with pytest.raises(AuthenticationError, match="already used"):
        auth.sign_in(store, "edna", PASSWORD, code=code, clock=lambda: later)
    assert auth.sign_in(store, "edna", PASSWORD, code=codes[0].upper())
    with pytest.raises(AuthenticationError):
        auth.sign_in(store, "edna", PASSWORD, code=codes[0])
    assert auth.recovery_codes_left(store, "edna") == auth.RECOVERY_CODES - 1


def test_the_second_step_expires(store):
    secret, _ = enrol(store, "edna")
    with pytest.raises(SecondFactorNeeded) as needed:
        auth.sign_in(store, "edna", PASSWORD)
    late = auth.utc_now() + auth.SECOND_FACTOR_WITHIN + dt.timedelta(seconds=1)
    with pytest.raises(SessionEndedError):
        auth.complete_second_factor(store, needed.value.ticket, code_at(secret, late), clock=lambda: late)


def test_wrong_codes_are_throttled_like_passwords(store):
    enrol(store, "edna")
    with pytest.raises(SecondFactorNeeded) as needed:
        auth.sign_in(store, "edna", PASSWORD)
    refused = []
    for _ in range(6):
        try:
            auth.complete_second_factor(store, needed.value.ticket, "999999")
        except auth.AccountLockedError:
            refused.append(True)
        except AuthenticationError:
            pass
    assert refused


def test_an_admin_turns_off_a_lost_second_factor_and_ends_its_sessions(store, monkeypatch):
    monkeypatch.setenv(auth.ADMIN_SECOND_FACTOR_ENV, "optional")
    ws = Workspace(store)
    _, codes = enrol(store, "edna")
    edna = ws.sign_in("edna", PASSWORD, code=codes[0]).token
    admin = ws.sign_in("ada", PASSWORD).token
    with pytest.raises(PermissionDeniedError):
        ws.disable_second_factor(edna, "ada")
    ws.disable_second_factor(admin, "edna")
    with pytest.raises(SessionEndedError):
        ws.principal(edna)
    assert ws.sign_in("edna", PASSWORD).principal.username == "edna"
