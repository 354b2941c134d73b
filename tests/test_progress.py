"""Headline figures, scorecards and longest-open items (tracker/progress.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard_fixture import chain_bundle
from tracker import frames as progress
from tracker.models import Assessment
from tracker.status import STATUS_ORDER, display_status, is_open

TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def chain_store(fresh_store):
    fresh_store.import_bundle(chain_bundle(), by="test")
    return fresh_store


def annotated(store, as_of=None, today=TODAY):
    return progress.annotate(store.items_frame(as_of=as_of, include_quote=True), today=as_of or today)


@pytest.mark.parametrize(
    "start, precision, label, end",
    [
        ("2020-12-15", "day", "15 December 2020", dt.date(2020, 12, 15)),
        ("2023-04-01", "month", "April 2023", dt.date(2023, 4, 30)),
        ("2024-02-01", "month", "February 2024", dt.date(2024, 2, 29)),
        ("2023-12-01", "month", "December 2023", dt.date(2023, 12, 31)),
        ("2022-01-01", "year", "2022", dt.date(2022, 12, 31)),
        (None, None, "", None),
    ],
)
def test_partial_dates_read_and_end(start, precision, label, end):
    assert progress.date_label(start, precision) == label
    assert progress.period_end(start, precision) == end


def test_annotate_uses_the_status_rules(chain_store):
    frame = annotated(chain_store)
    for row in frame.itertuples(index=False):
        assert row.status_label == display_status(row.kind, row.status, row.response, row.implementation)
        expected = is_open(row.kind, row.status, row.response, row.implementation)
        assert (None if pd.isna(row.is_open) else bool(row.is_open)) == expected
        assert row.status_label in STATUS_ORDER
    # Missing text is None, not pandas' NaN, so the rules above see what the store holds.
    call = frame.set_index("id").loc["honour-deportation"]
    assert call["status"] is None and call["status_label"] == "not yet assessed"


def test_annotate_counts_open_and_overdue_to_the_reference_date(chain_store):
    frame = annotated(chain_store).set_index("id")
    # Deadline "2019" ends on 31 December 2019.
    assert frame.loc["deport-rochdale-gang", "days_overdue"] == (TODAY - dt.date(2019, 12, 31)).days
    # The moved deadline (June 2022) is the one that counts, not the first (2021).
    assert frame.loc["improve-data", "deadline_label"] == "June 2022"
    assert frame.loc["improve-data", "days_overdue"] == (TODAY - dt.date(2022, 6, 30)).days
    assert pd.isna(frame.loc["taskforce", "days_overdue"])  # no deadline
    assert pd.isna(frame.loc["data-unreliable", "days_open"])  # findings are never open
    assert frame.loc["taskforce", "days_open"] == (TODAY - dt.date(2023, 4, 1)).days


def test_headline_figures(chain_store):
    head = progress.headline(annotated(chain_store), today=TODAY)
    assert (head.tracked, head.commitments, head.recommendations, head.findings, head.calls) == (8, 3, 1, 2, 2)
    assert head.open == 6
    assert head.delivered == 0 and head.not_delivered == 0
    assert head.overdue == 2
    assert head.awaiting_response == 1


def test_headline_counts_delivery_and_responses_from_the_latest_assessment(chain_store):
    chain_store.record_assessment(
        "deport-rochdale-gang", Assessment(status="not delivered", evidence="None deported.",
                                           assessed_on="2021-01-01"), expected_version=None, by="t")
    chain_store.record_assessment(
        "taskforce", Assessment(status="delivered", evidence="Set up.", assessed_on="2023-05-01"),
        expected_version=None, by="t")
    chain_store.record_assessment(
        "consistent-tracking", Assessment(response="accepted", implementation="in progress",
                                          evidence="Accepted.", assessed_on="2024-01-10"),
        expected_version=None, by="t")
    head = progress.headline(annotated(chain_store), today=TODAY)
    assert head.delivered == 1 and head.not_delivered == 1
    assert head.awaiting_response == 0
    assert head.overdue == 1  # the closed deportation pledge is no longer "overdue"


def test_as_of_reads_the_past(chain_store):
    past = dt.date(2020, 12, 31)
    frame = annotated(chain_store, as_of=past)
    assert set(frame["id"]) == {"deport-rochdale-gang", "none-deported", "honour-deportation", "improve-data"}
    head = progress.headline(frame, today=past)
    assert head.tracked == 4 and head.awaiting_response == 0
    # On 31 December 2020 the data deadline was still 2021: not yet overdue.
    assert frame.set_index("id").loc["improve-data", "deadline_label"] == "2021"
    assert head.overdue == 1
    before_anything = annotated(chain_store, as_of=dt.date(2017, 1, 1))
    assert before_anything.empty
    assert progress.headline(before_anything, today=dt.date(2017, 1, 1)).tracked == 0


def test_scorecard_by_owner_falls_back_to_makers(chain_store):
    names = {"home-office": "Home Office"}
    card = progress.scorecard(annotated(chain_store), by="owner", names=names)
    home = card[card["group_id"] == "home-office"].set_index("status_label")["n"].to_dict()
    # taskforce has no owner recorded: held against its maker, the Home Office.
    assert home == {"not yet assessed": 1, "not started": 1, "in progress": 1, "stalled": 1}
    assert set(card["group"]) == {"Home Office"}
    assert (card["total"] == 4).all()


@pytest.mark.parametrize("by", ["owner", "maker", "theme", "document"])
def test_scorecard_totals_match_item_counts(chain_store, by):
    frame = annotated(chain_store)
    card = progress.scorecard(frame, by=by, kinds=["commitment", "recommendation", "call", "finding"])
    per_group = card.groupby("group_id")["n"].sum()
    assert (card.groupby("group_id")["total"].first() == per_group).all()
    if by == "document":  # one document per item: the counts add up to the items
        assert per_group.sum() == len(frame)
    table = progress.scorecard_table(card)
    assert table["total"].sum() == per_group.sum()


def test_scorecard_rejects_unknown_grouping(chain_store):
    with pytest.raises(ValueError, match="cannot make a scorecard by 'colour'"):
        progress.scorecard(annotated(chain_store), by="colour")


def test_longest_open(chain_store):
    frame = annotated(chain_store)
    longest = progress.longest_open(frame, limit=3)
    # honour-deportation (2021) was never assessed: unresearched, not delay (issue 13), so it is
    # counted apart and the next oldest assessed item takes its place.
    assert longest["id"].tolist()[:2] == ["deport-rochdale-gang", "improve-data"]
    assert "honour-deportation" not in longest["id"].tolist()
    never = frame[frame["days_open"].notna() & frame["last_assessed_on"].isna()]
    assert "honour-deportation" in never["id"].tolist()
    assert progress.never_assessed_open(frame) == len(never) >= 1
    assert longest["years_open"].iloc[0] == pytest.approx(5.8, abs=0.05)


def test_everything_handles_an_empty_database(fresh_store):
    frame = annotated(fresh_store)
    assert frame.empty and set(progress.DERIVED_COLUMNS) <= set(frame.columns)
    assert progress.headline(frame, today=TODAY).tracked == 0
    assert progress.scorecard(frame).empty
    assert progress.scorecard_table(progress.scorecard(frame)).empty
    assert progress.longest_open(frame).empty
    assert progress.status_totals(frame).empty


def test_source_scorecard_counts_an_item_for_its_article_and_its_report(fresh_store):
    from tracker.models import Actor, Bundle, Document, ItemRecord

    fresh_store.import_bundle(Bundle(
        actors=[Actor(id="inspectorate", name="Inspectorate", kind="inspectorate")],
        documents=[
            Document(id="article", title="An article", publisher="News", kind="news article", published="2023-12"),
            Document(id="report", title="The report", publisher="Inspectorate", kind="inspection report",
                     published="2023-12-08", reported_in="article"),
        ],
        items=[
            ItemRecord(id="found", kind="finding", title="Inspectorate found it", quote="q", document_id="article",
                       origin_document_id="report", makers=["inspectorate"], made="2023-12-08"),
            ItemRecord(id="said", kind="call", title="News says", quote="q", document_id="article",
                       origin_document_id="article", makers=["inspectorate"], made="2023-12"),
        ],
    ), by="test")
    frame = annotated(fresh_store)
    card = progress.source_scorecard(frame, names={"article": "An article", "report": "The report"})
    per_document = card.groupby("group")["n"].sum().to_dict()
    assert per_document == {"An article": 2, "The report": 1}
    # The plain document scorecard counts each item once, for the article that quotes it.
    assert progress.scorecard(frame, by="document", kinds=["finding", "call"])["group_id"].unique().tolist() == ["article"]
