"""The About page's content: vocabularies from the code's own enums, settings from the
environment, and how current the record is."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import about, currency
from tracker.models import Assessment, ImplementationStatus, ItemKind, LifecycleStatus, LinkKind, ResponseStatus
from tracker.status import is_open


def test_every_status_in_the_code_has_a_meaning_and_its_open_or_closed_state():
    vocab = {v.title: v for v in about.vocabularies()}
    for title, enum, kind in (("Status of commitments and calls", LifecycleStatus, "commitment"),
                              ("Implementation of a recommendation", ImplementationStatus, "recommendation")):
        terms = vocab[title].terms
        assert [t.name for t in terms] == [m.value for m in enum]
        for term in terms:
            assert term.meaning
            status = term.name if kind == "commitment" else None
            implementation = term.name if kind == "recommendation" else None
            # the state shown is the one tracker.status derives
            assert term.state == ("open" if is_open(kind, status, "accepted", implementation) else "closed")
    assert [t.name for t in vocab["Response to a recommendation"].terms] == [m.value for m in ResponseStatus]
    assert [t.name for t in vocab["Kinds of item"].terms] == [m.value for m in ItemKind]
    assert [t.name for t in vocab["Links between items"].terms] == [m.value for m in LinkKind]


def test_a_status_without_a_meaning_cannot_slip_through(monkeypatch):
    meanings = dict(about.LIFECYCLE_MEANINGS)
    meanings.pop(LifecycleStatus.STALLED)
    monkeypatch.setattr(about, "LIFECYCLE_MEANINGS", meanings)
    with pytest.raises(KeyError):
        about.vocabularies()


def test_settings_come_from_the_environment_and_bad_addresses_are_refused():
    default = about.site_settings({})
    assert default.keeper is None and default.contact_link is None
    assert default.licence_url == about.DEFAULT_LICENCE_URL
    assert "not named" in about.keeper_line(default) and "not published a contact" in about.report_error_line(default)
    chosen = about.site_settings({"TRACKER_KEEPER": "The Unit", "TRACKER_CONTACT": "errors@example.org",
                                  "TRACKER_LICENCE": "ODbL", "TRACKER_SITE_URL": "https://t.example.org/"})
    assert chosen.contact_link == "mailto:errors@example.org"
    assert chosen.licence == "ODbL" and chosen.licence_url is None  # not CC BY's address by mistake
    assert chosen.page_url("item", id="a b") == "https://t.example.org/item?id=a+b"
    assert "The Unit" in about.keeper_line(chosen) and "errors@example.org" in about.report_error_line(chosen)
    assert about.site_settings({"TRACKER_SITE_URL": "javascript:alert(1)"}).site_url == about.DEFAULT_SITE_URL
    assert about.site_settings({"TRACKER_CONTACT": "javascript:alert(1)"}).contact_link is None


def test_currency_names_the_newest_evidence_not_today(sample_store):
    found = currency.currency(sample_store)
    assert found.newest_evidence == dt.date(2023, 12, 8)
    assert found.newest_document == dt.date(2023, 12, 1)
    assert found.last_changed.date() == dt.datetime.now(dt.timezone.utc).date()
    line = currency.currency_line(found)
    assert "newest evidence dated 8 December 2023" in line and line.startswith("Record last changed")
    then = currency.currency(sample_store, as_of=dt.date(2021, 1, 1))
    assert then.newest_evidence == dt.date(2020, 12, 15)
    assert currency.currency_line(then).startswith("Read as of 1 January 2021")
    assert currency.evidence_age_days(then, dt.date(2030, 1, 1)) == 17


def test_a_sign_in_is_not_a_change_to_the_record(sample_store):
    before = currency.currency(sample_store).last_changed
    sample_store._audit(sample_store.db.conn, "edna", "sign in", "user", "edna",
                        at=dt.datetime(2099, 1, 1, tzinfo=dt.timezone.utc))
    assert currency.currency(sample_store).last_changed == before


def test_an_empty_record_says_so(fresh_store):
    line = currency.currency_line(currency.currency(fresh_store))
    assert line == "Nothing recorded yet · no evidence recorded"


def test_recorder_words_never_give_a_username():
    from tracker.about import recorder_words

    roles = {"edna": "editor", "ada": "admin"}
    assert recorder_words(roles, "edna") == "a tracker editor"
    assert recorder_words(roles, "ada") == "a tracker admin"
    assert recorder_words(roles, "gone") == "the tracker's staff"
    assert recorder_words(roles, None) == "the tracker's staff"
    assert recorder_words(roles, "seed") == "the tracker's first dataset"
