"""Who is signed in is checked against the database once per script run of a staff page (the
sidebar, the account box and the page's gate all ask; issue 12), and again on every run."""

from __future__ import annotations

from test_staff_pages import ok, signed_in, staff_db  # noqa: F401
from test_staff_pages import fast_hashing  # noqa: F401 (autouse: quick password hashing)

from tracker import auth
from tracker.store import Store
from tracker.workspace import Workspace


def _counting_checks(monkeypatch) -> list[str | None]:
    """Each token ``Workspace.principal`` is asked about, as the page runs."""
    asked: list[str | None] = []
    check = Workspace.principal

    def counted(self, token):
        asked.append(token)
        return check(self, token)

    monkeypatch.setattr(Workspace, "principal", counted)
    return asked


def test_a_staff_page_checks_the_session_once_per_run(staff_db, monkeypatch):
    at = signed_in("edna")
    ok(at.switch_page("staff/assess.py").run())
    asked = _counting_checks(monkeypatch)
    for _ in range(3):
        ok(at.run())
    assert len(asked) == 3  # one per run, not one per caller
    assert at.title[0].value != "Staff sign-in"


def test_each_run_checks_again_so_an_ended_session_shows_at_once(staff_db, monkeypatch):
    at = signed_in("edna")
    ok(at.switch_page("staff/assess.py").run())
    assert [box for box in at.selectbox if box.key == "item"]  # signed in: the item picker
    with Store(staff_db) as store:  # an admin disables the account elsewhere
        auth.disable_user(store, "edna", by="ada")
    ok(at.run())
    assert not [box for box in at.selectbox if box.key == "item"]
    assert any("Sign in to use it" in box.value for box in at.info)
