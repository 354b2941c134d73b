"""Issue 13 on the public pages (Streamlit AppTest): the Sources page shows a report with its
response and follow-ups; the item page shows the reference, a correction struck through and the
chain's duration; the Tracker finds an item by its reference."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_dashboard_apptest import run, texts

from tests.conftest import make_bundle
from tracker.models import Actor, Assessment, Correction, Document, ItemIn
from tracker.store import Store


@pytest.fixture
def answered_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "answered.db"
    with Store(path) as store:
        store.import_bundle(make_bundle(), by="test")
        store.add_document(Document(id="response", title="The government's response", publisher="Home Office",
                                    kind="government response", published="2024-03-01", responds_to="report"),
                           by="test")
        store.add_document(Document(id="progress", title="A progress report", publisher="Home Office",
                                    kind="progress report", published="2025-07", follows_up="report"), by="test")
        store.add_item(ItemIn(id="r4", kind="recommendation", title="Inspectorate: track abuse, R4",
                              quote="adopt a more consistent way", document_id="report", makers=["inspectorate"],
                              owners=["home-office"], made="2023-12", reference="Recommendation 4"), by="test")
        store.record_assessment("improve-data", Assessment(status="delivered", evidence="Misread progress report",
                                                           assessed_on="2025-07"), expected_version=None, by="test")
        mistaken = store.history("improve-data")[-1]["id"]
        store.correct_assessment(mistaken, Correction(reason="The report says it is still under way"),
                                 expected_version=None, by="test")
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path


def test_the_sources_page_shows_a_report_with_its_response_and_follow_up(answered_db):
    shown = texts(run("views/sources.py", doc="report"))
    assert "Answered by" in shown
    assert "**Response:** The government's response" in shown
    assert "A progress report" in shown and "July 2025" in shown
    response = texts(run("views/sources.py", doc="response"))
    assert "This document responds to: A report" in response


def test_the_item_page_shows_the_correction_struck_through_and_the_chain_span(answered_db):
    shown = texts(run("views/item.py", id="improve-data"))
    assert "~~**July 2025** — delivered~~" in shown and "Corrected: does not count" in shown
    assert "The report says it is still under way" in shown
    assert "First raised 15 December 2020 by Home Office" in shown
    reference = texts(run("views/item.py", id="r4"))
    assert "Recommendation 4 in its document" in reference


def test_the_tracker_finds_an_item_by_its_reference_and_shows_it(answered_db):
    at = run("views/tracker_table.py", q="recommendation 4")
    frame = [f.value for f in at.dataframe if "reference" in f.value.columns][0]
    assert frame["reference"].tolist() == ["Recommendation 4"]


# -- evidence dated to the month, per addressee (issue 13: dates with their precision) ---------------


@pytest.fixture
def month_db(tmp_path, monkeypatch) -> Path:
    """A recommendation to two bodies whose only evidence is known to the month (July 2024): the
    newest evidence of the record."""
    path = tmp_path / "month.db"
    with Store(path) as store:
        store.import_bundle(make_bundle(), by="test")
        store.add_actor(Actor(id="police", name="A police force", kind="police body"), by="test")
        store.add_item(ItemIn(id="r5", kind="recommendation", title="Inspectorate: share data, R5",
                              quote="share the data it holds", document_id="report",
                              makers=["inspectorate"], owners=["home-office", "police"], made="2023-12"), by="test")
        store.record_assessment("r5", Assessment(response="accepted", implementation="in progress",
                                                 evidence="Progress report, July 2024.", assessed_on="2024-07"),
                                expected_version=None, by="test")
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path


def test_month_dated_evidence_reads_as_the_month_by_addressee_and_in_the_header(month_db):
    at = run("views/item.py", id="r5")
    by_body = at.table[0].value
    assert list(by_body.index) == ["Home Office", "A police force"]
    assert by_body["Evidence dated"].tolist() == ["July 2024", "July 2024"]
    shown = texts(at)
    assert "**July 2024** — response: accepted" in shown  # the history, as it was already
    assert "newest evidence dated July 2024" in shown and "1 July 2024" not in shown
    assert "newest source published December 2023" in shown  # the report, dated to the month
    then = texts(run("views/item.py", id="r5", as_of="2024-07-20"))
    assert "newest evidence by then dated July 2024" in then


def test_month_dated_evidence_of_a_single_addressee_item_reads_as_the_month_in_the_header(month_db):
    with Store(month_db) as store:
        store.record_assessment("track-abuse", Assessment(response="accepted", implementation="in progress",
                                                          evidence="Progress report.", assessed_on="2024-09"),
                                expected_version=None, by="test")
    at = run("views/item.py", id="track-abuse")
    assert not at.table  # one addressee: no By addressee table, the item's own status says it
    shown = texts(at)
    assert "newest evidence dated September 2024" in shown and "1 September 2024" not in shown
