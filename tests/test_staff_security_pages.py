"""Issue 11 on the staff pages (AppTest): the second factor, a password change that needs the
current password, and no staff username on a public page."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from test_staff_pages import PASSWORD, app, button, fast_hashing, ok, signed_in, staff_db, texts  # noqa: F401

from tracker import auth
from tracker.store import Store


def test_an_admin_must_set_up_a_second_factor_then_signs_in_with_a_code(staff_db, monkeypatch):
    monkeypatch.delenv(auth.ADMIN_SECOND_FACTOR_ENV, raising=False)
    at = signed_in("ada")
    assert at.title[0].value == "Your account"
    assert any("Admins need a second factor" in w.value for w in at.warning)
    ok(at.switch_page("staff/users.py").run())  # no other page until then
    assert not at.dataframe and any("Admins need a second factor" in w.value for w in at.warning)
    ok(at.switch_page("staff/account.py").run())
    secret = at.session_state["second_factor_secret"]
    at.text_input(key="second_factor_code").input(pyotp.TOTP(secret).now())
    ok(button(at, "Turn the second factor on").click().run())
    codes = at.code[0].value.split("\n")
    assert len(codes) == auth.RECOVERY_CODES
    ok(at.switch_page("staff/users.py").run())
    assert at.dataframe  # the Users table, now

    at = app()  # another tab: the password is not enough any more
    ok(at.switch_page("staff/account.py").run())
    at.text_input(key="sign_in_username").input("ada")
    at.text_input(key="sign_in_password").input(PASSWORD)
    ok(button(at, "Sign in").click().run())
    assert at.title[0].value == "Staff sign-in"
    at.text_input(key="sign_in_code").input("000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    ok(button(at, "Confirm").click().run())
    assert "Wrong or already used code." in texts(at)
    at.text_input(key="sign_in_code").input(codes[0])
    ok(button(at, "Confirm").click().run())
    assert at.title[0].value == "Your account"


def test_changing_your_password_needs_the_current_one_and_a_strong_new_one(staff_db):
    at = signed_in("edna")
    other = signed_in("edna")  # a second session of the same account
    for current, new, expected in (("", "a brand new password", "enter your current password"),
                                   ("not it at all", "a brand new password", "current password is wrong"),
                                   (PASSWORD, "password1234", "too easy to guess")):
        at.text_input(key="own_password:edna:current").input(current)
        at.text_input(key="own_password:edna:password").input(new)
        at.text_input(key="own_password:edna:repeat").input(new)
        ok(button(at, "Change password").click().run())
        assert any(expected in t.lower() for t in texts(at)), (expected, texts(at))
    at.text_input(key="own_password:edna:current").input(PASSWORD)
    at.text_input(key="own_password:edna:password").input("a brand new password")
    at.text_input(key="own_password:edna:repeat").input("a brand new password")
    ok(button(at, "Change password").click().run())
    assert any("Password changed" in s.value for s in at.success)
    ok(other.run())
    assert other.title[0].value == "Staff sign-in"  # the other session ended


def test_public_item_page_names_the_recorders_role_not_their_username(staff_db):
    at = signed_in("edna")
    ok(at.switch_page("staff/assess.py").run())
    ok(at.selectbox(key="item").set_value("improve-data").run())
    at.text_area(key="assess:improve-data:evidence").input("The department published its figures.")
    at.date_input(key="assess:improve-data:assessed_on").set_value(dt.date(2024, 2, 1))
    ok(button(at, "Save assessment").click().run())
    with Store(staff_db) as store:
        assert store.history("improve-data")[-1]["recorded_by"] == "edna"
    reader = app()
    reader.query_params["id"] = "improve-data"
    ok(reader.switch_page("views/item.py").run())
    captions = [c.value for c in reader.caption]
    assert any("Recorded by a tracker editor" in c for c in captions), captions
    assert not any("edna" in c.lower() for c in captions)
