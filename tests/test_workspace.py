"""Every staff write is authorised in tracker/: sessions, roles, conflicts and imports."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from argon2 import PasswordHasher

from tracker import auth
from tracker.auth import SessionEndedError, SignInPolicy
from tracker.errors import (
    AuthenticationError,
    ImportRejectedError,
    InvalidInputError,
    PermissionDeniedError,
    VersionConflictError,
)
from tracker.models import (
    Actor,
    Assessment,
    Correction,
    DeadlineRevision,
    Document,
    ItemFields,
    ItemIn,
    Link,
    Role,
    StatusUpdate,
    UserIn,
)
from tracker.workspace import Workspace

PASSWORD = "correct horse battery"


class FakeClock:
    def __init__(self):
        self.now = dt.datetime.now(dt.timezone.utc)

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    """argon2id at its lowest cost: these tests are about access, not hashing strength."""
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def workspace(sample_store, clock):
    for username, role in (("edna", "editor"), ("eric", "editor"), ("ada", "admin")):
        auth.create_user(sample_store, UserIn(username=username, display_name=username.title(), role=role),
                         PASSWORD, by="test")
    return Workspace(sample_store, policy=SignInPolicy(), clock=clock)


@pytest.fixture
def tokens(workspace):
    return {name: workspace.sign_in(name, PASSWORD).token for name in ("edna", "eric", "ada")}


def assessment(status="delivered", evidence="The department published the data."):
    return Assessment(status=status, evidence=evidence, assessed_on="2024-01-10")


def item_fields(**changes) -> ItemFields:
    values = dict(kind="commitment", title="Home Office to improve data", quote="improve the collection of data",
                  document_id="paper", makers=["home-office"], owners=["home-office"],
                  themes=["data collection"], made="2020-12-15")
    return ItemFields(**{**values, **changes})


def version_of(workspace, item_id="improve-data") -> int:
    return workspace.store.get_item(item_id)["version"]


# Every write the workspace offers, as (method name, callable taking (workspace, token)).
WRITES = {
    "record_assessment": lambda w, t: w.record_assessment(
        t, "improve-data", assessment(), expected_version=version_of(w)),
    "record_assessments": lambda w, t: w.record_assessments(t, [StatusUpdate(
        item_id="improve-data", expected_version=version_of(w), assessment=assessment())]),
    "correct_assessment": lambda w, t: w.correct_assessment(
        t, w.store.history("improve-data")[0]["id"], Correction(reason="Misread"), expected_version=version_of(w)),
    "revise_deadline": lambda w, t: w.revise_deadline(
        t, "improve-data", DeadlineRevision(deadline="2025", reason="Moved", revised_on="2024-01-01"),
        expected_version=version_of(w)),
    "add_document": lambda w, t: w.add_document(t, Document(
        id="new-doc", title="New", publisher="Someone", kind="news article", published="2024-01-01")),
    "update_document": lambda w, t: w.update_document(t, Document(
        id="paper", title="Renamed", publisher="Home Office", kind="government paper", published="2020-12-15"),
        expected_version=1),
    "add_actor": lambda w, t: w.add_actor(t, Actor(id="new-actor", name="New actor")),
    "update_actor": lambda w, t: w.update_actor(t, Actor(id="home-office", name="HO"), expected_version=1),
    "add_item": lambda w, t: w.add_item(t, ItemIn(id="new-item", **item_fields().model_dump())),
    "update_item": lambda w, t: w.update_item(t, "improve-data", item_fields(title="Changed"),
                                              expected_version=version_of(w)),
    "add_link": lambda w, t: w.add_link(t, Link(source_id="track-abuse", kind="responds to",
                                                target_id="improve-data")),
    "remove_link": lambda w, t: w.remove_link(t, Link(source_id="track-abuse", kind="repeats",
                                                      target_id="improve-data")),
    "import_file": lambda w, t: w.import_file(t, json.dumps(
        {"actors": [{"id": "imported", "name": "Imported"}]}).encode(), "x.json"),
    "add_user": lambda w, t: w.add_user(t, UserIn(username="newbie", display_name="New"), PASSWORD),
    "disable_user": lambda w, t: w.disable_user(t, "eric"),
    "enable_user": lambda w, t: w.enable_user(t, "eric"),
    "set_role": lambda w, t: w.set_role(t, "eric", Role.ADMIN),
    "set_password": lambda w, t: w.set_password(t, "eric", "another long password"),
}
ADMIN_ONLY = {"add_user", "disable_user", "enable_user", "set_role"}


def snapshot(store) -> tuple:
    """Everything a write could change, to prove that nothing did (the audit entries about
    sessions aside: a refused call may end an idle session, which is logged)."""
    return (
        store.data_version(),
        len(store.audit_log(sign_ins=False, limit=10**6)),
        json.dumps(store.export_bundle().model_dump(mode="json", exclude={"exported_at"}), sort_keys=True),
        [(u.username, u.role, u.disabled) for u in store.users()],
        store.db.execute("SELECT group_concat(password_hash) FROM users").fetchone()[0],
    )


@pytest.mark.parametrize("name", sorted(WRITES))
@pytest.mark.parametrize("token", [None, "", "forged-token-value"])
def test_no_session_no_write(workspace, tokens, name, token):
    before = snapshot(workspace.store)
    with pytest.raises(SessionEndedError):
        WRITES[name](workspace, token)
    assert snapshot(workspace.store) == before


@pytest.mark.parametrize("name", sorted(WRITES))
def test_disabled_user_session_cannot_write(workspace, tokens, name):
    auth.disable_user(workspace.store, "edna", by="test")
    before = snapshot(workspace.store)
    with pytest.raises(SessionEndedError):
        WRITES[name](workspace, tokens["edna"])
    assert snapshot(workspace.store) == before


@pytest.mark.parametrize("name", sorted(WRITES))
def test_idle_session_cannot_write(workspace, tokens, clock, name):
    clock.advance(minutes=31)
    before = snapshot(workspace.store)
    with pytest.raises(SessionEndedError):
        WRITES[name](workspace, tokens["ada"])
    assert snapshot(workspace.store) == before
    last = workspace.store.audit_log(limit=1).iloc[0]
    assert (last["username"], last["action"]) == ("ada", "session ended")


@pytest.mark.parametrize("name", sorted(ADMIN_ONLY | {"set_password"}))
def test_editor_cannot_manage_users(workspace, tokens, name):
    before = snapshot(workspace.store)
    with pytest.raises(PermissionDeniedError):
        WRITES[name](workspace, tokens["edna"])
    assert snapshot(workspace.store) == before
    with pytest.raises(PermissionDeniedError):
        workspace.users(tokens["edna"])


@pytest.mark.parametrize("name", sorted(set(WRITES) - ADMIN_ONLY - {"set_password"}))
def test_editor_can_change_content_and_is_named_in_the_audit_log(workspace, tokens, name):
    WRITES[name](workspace, tokens["edna"])
    latest = workspace.audit_log(tokens["edna"], limit=1).iloc[0]
    assert latest["username"] == "edna"


@pytest.mark.parametrize("name", sorted(WRITES))
def test_admin_can_do_everything(workspace, tokens, name):
    WRITES[name](workspace, tokens["ada"])
    assert workspace.audit_log(tokens["ada"], limit=1).iloc[0]["username"] == "ada"


def test_role_is_reread_on_every_action(workspace, tokens):
    workspace.set_role(tokens["ada"], "edna", Role.ADMIN)
    # Issue 11: a role change ends the account's sessions; the next sign-in carries the new role.
    with pytest.raises(SessionEndedError):
        workspace.users(tokens["edna"])
    edna = workspace.sign_in("edna", PASSWORD).token
    assert {u.username for u in workspace.users(edna)} == {"ada", "edna", "eric"}
    workspace.set_role(tokens["ada"], "edna", Role.EDITOR)
    edna = workspace.sign_in("edna", PASSWORD).token
    with pytest.raises(PermissionDeniedError):
        workspace.users(edna)


def test_audit_log_needs_a_session(workspace, tokens):
    with pytest.raises(SessionEndedError):
        workspace.audit_log(None)
    assert not workspace.audit_log(tokens["edna"]).empty


def test_an_editor_may_change_only_their_own_password(workspace, tokens):
    with pytest.raises(AuthenticationError):  # issue 11: your own change needs the current password
        workspace.set_password(tokens["edna"], "edna", "a brand new password")
    with pytest.raises(AuthenticationError):
        workspace.set_password(tokens["edna"], "edna", "a brand new password", current="not it at all")
    other = workspace.sign_in("edna", PASSWORD).token
    workspace.set_password(tokens["edna"], "edna", "a brand new password", current=PASSWORD)
    assert workspace.sign_in("edna", "a brand new password")
    workspace.principal(tokens["edna"])  # the session that changed it stays open
    with pytest.raises(SessionEndedError):  # every other one ends
        workspace.principal(other)


def test_admin_cannot_lock_everyone_out(workspace, tokens):
    with pytest.raises(InvalidInputError):
        workspace.disable_user(tokens["ada"], "ada")
    with pytest.raises(InvalidInputError):
        workspace.set_role(tokens["ada"], "ada", Role.EDITOR)
    workspace.set_role(tokens["ada"], "eric", Role.ADMIN)
    workspace.set_role(tokens["ada"], "ada", Role.EDITOR)  # fine now that eric is an admin


def test_disabled_user_cannot_sign_in_through_the_workspace(workspace, tokens):
    workspace.disable_user(tokens["ada"], "eric")
    with pytest.raises(SessionEndedError):
        workspace.principal(tokens["eric"])
    with pytest.raises(auth.AuthenticationError):
        workspace.sign_in("eric", PASSWORD)


# -- concurrent edits -----------------------------------------------------------------


def test_second_save_of_the_same_item_is_refused_and_shows_what_changed(workspace, tokens):
    seen = version_of(workspace)
    history_before = workspace.store.history("improve-data")
    workspace.record_assessment(tokens["edna"], "improve-data", assessment("delivered", "Edna's evidence"),
                                expected_version=seen)
    with pytest.raises(VersionConflictError) as info:
        workspace.record_assessment(tokens["eric"], "improve-data", assessment("stalled", "Eric's evidence"),
                                    expected_version=seen)
    assert info.value.actual == seen + 1
    history = workspace.store.history("improve-data")
    assert len(history) == len(history_before) + 1
    assert [h["evidence"] for h in history].count("Eric's evidence") == 0
    changes = workspace.changes_since(tokens["eric"], "improve-data", seen)
    assert len(changes) == 1
    assert changes[0]["username"] == "edna"
    assert changes[0]["action"] == "assess"
    assert changes[0]["after"]["status"] == "delivered"
    assert changes[0]["after"]["evidence"] == "Edna's evidence"
    # Having seen the change, Eric can save on top of it.
    workspace.record_assessment(tokens["eric"], "improve-data", assessment("stalled", "Eric's evidence"),
                                expected_version=info.value.actual)
    assert workspace.store.get_item("improve-data")["status"] == "stalled"


def test_changes_since_lists_every_missed_change_newest_first(workspace, tokens):
    seen = version_of(workspace)
    version = workspace.record_assessment(tokens["edna"], "improve-data", assessment("in progress"),
                                          expected_version=seen)
    workspace.add_link(tokens["edna"], Link(source_id="improve-data", kind="responds to", target_id="track-abuse"))
    version = workspace.update_item(tokens["edna"], "improve-data", item_fields(title="Retitled"),
                                    expected_version=version)
    workspace.revise_deadline(tokens["eric"], "improve-data",
                              DeadlineRevision(deadline="2026", reason="Moved again", revised_on="2024-02-01"),
                              expected_version=version)
    changes = workspace.changes_since(tokens["ada"], "improve-data", seen)
    assert [c["action"] for c in changes] == ["revise deadline", "update", "assess"]
    assert workspace.changes_since(tokens["ada"], "improve-data", version_of(workspace)) == []


def test_revised_deadline_keeps_the_old_one(workspace, tokens):
    workspace.revise_deadline(tokens["edna"], "improve-data",
                              DeadlineRevision(deadline="2025-06", reason="The department moved it",
                                               revised_on="2024-03-01"),
                              expected_version=version_of(workspace))
    revisions = workspace.store.deadline_revisions("improve-data")
    assert [r["deadline_start"] for r in revisions] == ["2022-01-01", "2025-06-01"]
    assert revisions[-1]["recorded_by"] == "edna"
    assert workspace.store.get_item("improve-data")["deadline_start"] == "2025-06-01"


def test_wrong_vocabulary_is_refused_by_the_store(workspace, tokens):
    wrong = Assessment(response="accepted", implementation="in progress", evidence="x", assessed_on="2024-01-01")
    before = snapshot(workspace.store)
    with pytest.raises(InvalidInputError):
        workspace.record_assessment(tokens["edna"], "improve-data", wrong, expected_version=version_of(workspace))
    assert snapshot(workspace.store) == before


# -- import --------------------------------------------------------------------------


def test_import_rejects_every_bad_row_and_writes_nothing(workspace, tokens):
    csv = (
        "id,kind,title,quote,document_id,makers,made,status,last_evidence,last_assessed_on\n"
        "ok-one,commitment,Fine,a quote,paper,home-office,2021-01-01,,,\n"
        "Bad Id,commitment,Bad,a quote,paper,home-office,2021-01-01,,,\n"
        "no-doc,commitment,No document,a quote,missing,home-office,2021-01-01,,,\n"
        "future,call,Future,a quote,paper,home-office,2999-01-01,,,\n"
    ).encode()
    before = snapshot(workspace.store)
    with pytest.raises(ImportRejectedError) as info:
        workspace.import_file(tokens["edna"], csv, "items.csv")
    problems = "\n".join(info.value.problems)
    assert "row 3" in problems and "row 5" in problems
    assert snapshot(workspace.store) == before


def test_import_reports_reference_problems_by_row(workspace, tokens):
    csv = (
        "id,kind,title,quote,document_id,makers,made\n"
        "ok-one,commitment,Fine,a quote,paper,home-office,2021-01-01\n"
        "no-doc,commitment,No document,a quote,missing,home-office,2021-01-01\n"
    ).encode()
    before = snapshot(workspace.store)
    with pytest.raises(ImportRejectedError) as info:
        workspace.import_file(tokens["edna"], csv, "items.csv")
    assert any(p.startswith("row 3") and "missing" in p for p in info.value.problems)
    assert snapshot(workspace.store) == before


def test_import_is_recorded_under_the_signed_in_user(workspace, tokens):
    counts = workspace.import_file(tokens["edna"], json.dumps(
        {"actors": [{"id": "imported", "name": "Imported"}]}).encode(), "bundle.json")
    assert counts["actors"] == 1
    assert workspace.audit_log(tokens["edna"], action="import").iloc[0]["username"] == "edna"


def test_changes_since_for_documents_and_actors(workspace, tokens):
    document = Document(id="paper", title="Renamed by Edna", publisher="Home Office",
                        kind="government paper", published="2020-12-15")
    workspace.update_document(tokens["edna"], document, expected_version=1)
    with pytest.raises(VersionConflictError):
        workspace.update_document(tokens["eric"], document.model_copy(update={"title": "Eric's"}),
                                  expected_version=1)
    changes = workspace.changes_since(tokens["eric"], "paper", 1, entity="document")
    assert [(c["username"], c["after"]["title"]) for c in changes] == [("edna", "Renamed by Edna")]
    workspace.update_actor(tokens["edna"], Actor(id="home-office", name="HO"), expected_version=1)
    assert workspace.changes_since(tokens["eric"], "home-office", 1, entity="actor")[0]["after"]["name"] == "HO"
    assert workspace.changes_since(tokens["eric"], "home-office", 2, entity="actor") == []


@pytest.mark.parametrize("name", ["record_assessment", "revise_deadline", "update_item"])
def test_staff_writes_always_check_the_version(workspace, tokens, name):
    calls = {
        "record_assessment": lambda: workspace.record_assessment(
            tokens["edna"], "improve-data", assessment(), expected_version=None),
        "revise_deadline": lambda: workspace.revise_deadline(
            tokens["edna"], "improve-data",
            DeadlineRevision(deadline="2025", reason="Moved", revised_on="2024-01-01"), expected_version=None),
        "update_item": lambda: workspace.update_item(
            tokens["edna"], "improve-data", item_fields(title="Changed"), expected_version=None),
    }
    before = snapshot(workspace.store)
    with pytest.raises(InvalidInputError):
        calls[name]()
    assert snapshot(workspace.store) == before
