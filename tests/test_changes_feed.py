"""What changed since a date, and the same as an Atom feed: a scripted session of staff edits
through the workspace, read back as changes and parsed with a feed library."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import pytest
from argon2 import PasswordHasher

from tracker import auth, changes, feed
from tracker.about import SiteSettings
from tracker.auth import SignInPolicy
from tracker.models import Assessment, DeadlineRevision, Document, ItemFields, ItemIn, UserIn
from tracker.workspace import Workspace

PASSWORD = "correct horse battery"
SITE = SiteSettings(name="Test tracker", site_url="https://tracker.example.org", keeper="The Test Unit")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch):
    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def fields(**changed) -> ItemFields:
    values = dict(kind="commitment", title="Home Office to improve data", quote="improve the collection of data",
                  document_id="paper", makers=["home-office"], owners=["home-office"],
                  themes=["data collection"], made="2020-12-15")
    return ItemFields(**{**values, **changed})


@pytest.fixture
def edited(sample_store):
    """The sample record, then a staff session: a status change, a deadline moved, an item
    corrected, a new item with a deadline, a document corrected."""
    store = sample_store
    started = dt.datetime.now(dt.timezone.utc)
    auth.create_user(store, UserIn(username="edna", display_name="Edna", role="editor"), PASSWORD, by="test")
    staff = Workspace(store, policy=SignInPolicy())
    token = staff.sign_in("edna", PASSWORD).token

    def version(item_id="improve-data"):
        return store.get_item(item_id)["version"]

    staff.record_assessment(token, "improve-data", Assessment(
        status="delivered", evidence="The department published the <data> & more.",
        evidence_url="https://example.org/statement", assessed_on="2024-01-10"), expected_version=version())
    staff.revise_deadline(token, "improve-data", DeadlineRevision(
        deadline="2025-06", reason="Ministers announced a later date", revised_on="2024-02-01"),
        expected_version=version())
    staff.update_item(token, "improve-data", fields(title="Home Office to improve data collection"),
                      expected_version=version())
    staff.add_item(token, ItemIn(id="publish-strategy", **fields(
        title="Home Office to publish a strategy", quote="improve the collection of data",
        made="2020-12-15", deadline="2024").model_dump()))
    staff.update_document(token, Document(id="paper", title="A paper (revised title)", publisher="Home Office",
                                          kind="government paper", published="2020-12-15",
                                          url="https://example.org/paper"), expected_version=1)
    return store, started


def test_changes_since_list_the_staff_session_newest_first(edited):
    store, started = edited
    found = changes.changes_since(store, started)
    assert [c.kind for c in found] == [
        changes.CORRECTION, changes.DEADLINE_SET, changes.NEW_ITEM, changes.CORRECTION,
        changes.DEADLINE_MOVED, changes.STATUS_CHANGE,
    ]
    by_key = {c.kind + (c.item_id or c.document_id): c for c in found}
    status = by_key["status changeimprove-data"]
    assert status.summary.startswith("Status in progress → delivered")
    assert status.url == "https://example.org/statement"
    assert "edna" not in repr(found)  # who recorded a change is not published
    moved = by_key["deadline movedimprove-data"]
    assert moved.summary == "Deadline moved from 2022 to June 2025"
    assert moved.detail == "Ministers announced a later date"
    corrected = by_key["correctionimprove-data"]
    assert corrected.summary == "Corrected: title" and corrected.detail == "Was: Home Office to improve data"
    assert by_key["correctionpaper"].summary == "Source document corrected: title, web address"
    assert by_key["new itempublish-strategy"].title == "Home Office to publish a strategy"
    assert by_key["deadline setpublish-strategy"].summary == "Deadline set: 2024"


def test_changes_before_the_date_are_left_out_and_kinds_filter(edited):
    store, started = edited
    everything = changes.changes_since(store, dt.date(2000, 1, 1))
    # the sample import's three items and two assessments and one deadline come first
    assert len(everything) == len(changes.changes_since(store, started)) + 6
    tomorrow = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)
    assert changes.changes_since(store, tomorrow) == []
    only = changes.changes_since(store, started, kinds=(changes.CORRECTION,))
    assert {c.kind for c in only} == {changes.CORRECTION} and len(only) == 2
    assert changes.count_by_kind(only)[changes.CORRECTION] == 2
    frame = changes.changes_frame(only)
    assert list(frame.columns) == changes.FRAME_COLUMNS and len(frame) == 2


def test_an_edit_that_changes_nothing_is_no_correction(sample_store):
    started = dt.datetime.now(dt.timezone.utc)
    sample_store.update_item("improve-data", fields(), expected_version=sample_store.get_item("improve-data")["version"],
                             by="edna")
    assert changes.changes_since(sample_store, started) == []


def test_the_atom_feed_parses_and_lists_the_session(edited):
    store, started = edited
    found = changes.changes_since(store, started)
    xml = feed.atom_feed(found, settings=SITE, feed_url="https://tracker.example.org/changes.atom")
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert b"edna" not in xml  # no staff username reaches a published feed
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Test tracker: what changed"
    assert parsed.feed.author == "The Test Unit"
    assert [e.title for e in parsed.entries] == [f"{c.title}: {c.summary}" for c in found]
    first_status = next(e for e in parsed.entries if "delivered" in e.title)
    assert first_status.link == "https://tracker.example.org/item?id=improve-data"
    assert "The department published the <data> & more." in first_status.summary
    assert {e.tags[0].term for e in parsed.entries} == set(changes.CHANGE_KINDS)
    document = next(e for e in parsed.entries if e.title.startswith("A paper"))
    assert document.link == "https://tracker.example.org/sources?doc=paper"


def test_the_feed_keeps_what_rfc_4287_requires(edited):
    store, started = edited
    found = changes.changes_since(store, started)
    root = ET.fromstring(feed.atom_feed(found, settings=SITE))
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):  # 4.1.1: exactly one of each
        assert len(root.findall(f"{ATOM}{name}")) == 1
    assert root.find(f"{ATOM}author/{ATOM}name").text == "The Test Unit"  # 4.1.1: author of every entry
    ids = [e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")]
    assert len(ids) == len(found) == len(set(ids)) and all(i.startswith("urn:uuid:") for i in ids)
    for entry in root.findall(f"{ATOM}entry"):  # 4.1.2
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1
        updated = entry.find(f"{ATOM}updated").text
        assert updated.endswith("Z") and dt.datetime.fromisoformat(updated.replace("Z", "+00:00"))  # 3.3
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None  # no content src: needs one
    # The same change keeps its id in a later feed.
    again = ET.fromstring(feed.atom_feed(found[1:], settings=SITE))
    assert [e.find(f"{ATOM}id").text for e in again.findall(f"{ATOM}entry")] == ids[1:]


def test_control_characters_cannot_break_the_feed():
    # The models refuse them, but a feed must not depend on every older database having done so.
    change = changes.Change(key="assessment:1", kind=changes.STATUS_CHANGE, title="T\x0b",
                            recorded_at=dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc),
                            summary="Status x", detail="a\x0bb\x1fc\ud800", item_id="x")
    parsed = feedparser.parse(feed.atom_feed([change], settings=SITE))
    assert not parsed.bozo and "abc" in parsed.entries[0].summary


def test_an_empty_feed_is_still_a_valid_feed(sample_store):
    parsed = feedparser.parse(feed.atom_feed([], settings=SITE))
    assert not parsed.bozo and parsed.entries == [] and parsed.feed.updated
