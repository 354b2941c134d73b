"""Issue 11: sign-in throttling per name and address, per address, per account from anywhere
and for the whole server (figures in the README's Reliability section)."""

from __future__ import annotations

import datetime as dt

import pytest
from test_auth import PASSWORD, FakeClock, accounts, clock, fast_hashing  # noqa: F401

from tracker import auth
from tracker.auth import AccountLockedError, SignInPolicy
from tracker.errors import AuthenticationError
from tracker.models import UserIn


def attempt(store, clock, name, password, address):
    try:
        auth.sign_in(store, name, password, address=address, clock=clock)
        return "signed in"
    except AccountLockedError as exc:
        return f"refused ({exc.scope})"
    except AuthenticationError:
        return "checked"


def test_spraying_one_guess_at_30_names_is_slowed_after_a_handful(accounts, clock):
    for n in range(30):
        auth.create_user(accounts, UserIn(username=f"staff{n}", display_name=f"Staff {n}"), PASSWORD, by="t")
    outcomes = []
    for n in range(30):
        outcomes.append(attempt(accounts, clock, f"staff{n}", "wrong password!", "203.0.113.9"))
        clock.advance(seconds=1)
    checked = outcomes.index("refused (address)")
    print(f"30 names x 1 guess from one address: {checked} checked before the address had to wait; "
          f"{outcomes.count('checked')} of 30 checked in 30 s")
    assert checked == SignInPolicy().address_slow_after
    assert outcomes.count("checked") <= 8  # the waits double: 5 s, 10 s, 20 s ...


def test_five_wrong_guesses_from_one_address_do_not_stop_the_owner_at_another(accounts, clock):
    for _ in range(5):  # waiting out each delay, so all five are checked
        assert attempt(accounts, clock, "edna", "wrong password!", "198.51.100.7") == "checked"
        clock.advance(seconds=60)
    assert attempt(accounts, clock, "edna", PASSWORD, "198.51.100.7").startswith("refused")
    assert attempt(accounts, clock, "edna", PASSWORD, "192.0.2.20") == "signed in"


def test_guesses_at_one_account_from_many_addresses_slow_it_but_never_lock_it(accounts, clock):
    policy = SignInPolicy()
    for n in range(40):
        attempt(accounts, clock, "edna", "wrong password!", f"10.0.{n}.1")
    refused = attempt(accounts, clock, "edna", PASSWORD, "192.0.2.20")
    assert refused == "refused (account)"
    clock.advance(seconds=policy.account_max_wait.total_seconds() + 1)
    assert attempt(accounts, clock, "edna", PASSWORD, "192.0.2.20") == "signed in"


def test_the_server_checks_at_most_so_many_passwords_a_minute(accounts, clock):
    policy = SignInPolicy(server_per_minute=20)
    clock.now = clock.now.replace(second=0)
    outcomes = []
    for n in range(30):
        try:
            auth.sign_in(accounts, f"name{n}", "wrong password!", address=f"10.1.{n}.1", policy=policy, clock=clock)
        except AccountLockedError as exc:
            outcomes.append(exc.scope)
        except AuthenticationError:
            outcomes.append("checked")
    assert outcomes.count("checked") == 20 and set(outcomes[20:]) == {"server"}
    clock.advance(minutes=1)
    assert attempt(accounts, clock, "edna", PASSWORD, "192.0.2.20") == "signed in"
