"""Delivery, response and evidence gaps, chains and claimed-vs-found (tracker/gaps.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard_fixture import DATA_CHAIN, DEPORTATION_CHAIN, chain_bundle
from tracker import frames as progress, gaps
from tracker.models import Assessment, Link

TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def chain_store(fresh_store):
    fresh_store.import_bundle(chain_bundle(), by="test")
    return fresh_store


def annotated(store, as_of=None):
    return progress.annotate(store.items_frame(as_of=as_of, include_quote=True), today=as_of or TODAY)


def test_delivery_gap_leaves_out_unassessed_and_delivered(chain_store):
    gap = gaps.delivery_gaps(annotated(chain_store), today=TODAY)
    # taskforce is a commitment never assessed: unresearched is not "not delivered".
    assert gap["id"].tolist() == ["deport-rochdale-gang", "improve-data"]
    assert gap["days_overdue"].tolist() == [(TODAY - dt.date(2019, 12, 31)).days,
                                            (TODAY - dt.date(2022, 6, 30)).days]
    chain_store.record_assessment("deport-rochdale-gang", Assessment(
        status="delivered", evidence="x", assessed_on="2024-01-01"), expected_version=None, by="t")
    assert gaps.delivery_gaps(annotated(chain_store), today=TODAY)["id"].tolist() == ["improve-data"]


@pytest.mark.parametrize(
    "response, implementation, in_gap",
    [
        ("accepted", "in progress", True),
        ("accepted in part", "not started", True),
        ("accepted", "not implemented", True),
        ("accepted", "implemented", False),
        ("accepted", "superseded", False),
        ("noted", "not started", False),
        ("rejected", "not started", False),
        ("awaiting response", "not started", False),
    ],
)
def test_delivery_gap_holds_accepted_recommendations_not_implemented(chain_store, response, implementation, in_gap):
    chain_store.record_assessment("consistent-tracking", Assessment(
        response=response, implementation=implementation, evidence="x", assessed_on="2024-02-01"),
        expected_version=None, by="t")
    ids = gaps.delivery_gaps(annotated(chain_store), today=TODAY)["id"].tolist()
    assert ("consistent-tracking" in ids) is in_gap


def test_response_gap(chain_store):
    gap = gaps.response_gaps(annotated(chain_store), today=TODAY)
    assert gap["id"].tolist() == ["consistent-tracking"]
    assert gap["days_waiting"].iloc[0] == (TODAY - dt.date(2023, 12, 8)).days
    chain_store.record_assessment("consistent-tracking", Assessment(
        response="noted", implementation="not started", evidence="Noted.", assessed_on="2024-02-01"),
        expected_version=None, by="t")
    assert gaps.response_gaps(annotated(chain_store), today=TODAY).empty


def test_evidence_gap(chain_store):
    gap = gaps.evidence_gaps(annotated(chain_store), today=TODAY).set_index("id")["reason"].to_dict()
    assert gap == {
        "honour-deportation": "never assessed",
        "taskforce": "never assessed",
        "deport-rochdale-gang": "evidence 3.5 years old",
        "improve-data": "evidence 3.5 years old",
    }
    # Two weeks after the assessments, their evidence is recent: only the never-assessed call.
    early = dt.date(2021, 1, 1)
    assert gaps.evidence_gaps(annotated(chain_store, as_of=early), today=early)["id"].tolist() == [
        "honour-deportation"
    ]
    recent = gaps.evidence_gaps(annotated(chain_store), today=TODAY, stale_after_days=10_000)
    assert set(recent["id"]) == {"honour-deportation", "taskforce"}


def test_chains_are_components_ordered_by_date(chain_store):
    found = gaps.chains(annotated(chain_store), chain_store.links())
    assert [list(c.item_ids) for c in found] == [
        ["deport-rochdale-gang", "honour-deportation", "none-deported"],
        ["improve-data", "ethnicity-in-custody", "consistent-tracking", "data-unreliable"],
    ]
    assert sorted(found[0].item_ids) == sorted(DEPORTATION_CHAIN)
    assert sorted(found[1].item_ids) == sorted(DATA_CHAIN)
    assert [c.years for c in found] == ["2018 \u2192 2020", "2020 \u2192 2023"]
    assert found[0].title.startswith("2018 \u2192 2020: Home Office announced")
    assert gaps.chain_of(found, "data-unreliable") is found[1]
    assert gaps.chain_of(found, "taskforce") is None
    alone = found[1].detached()
    assert alone.item_ids == found[1].item_ids and len(alone.members) == 4 and len(alone.links) == 3
    assert alone.items["id"].tolist() == list(found[1].item_ids)
    summary = gaps.chain_summary(found)
    assert summary[["id", "items", "open"]].values.tolist() == [
        ["deport-rochdale-gang", 3, 2], ["improve-data", 4, 3]]


def test_chains_as_of_a_past_date_drop_later_items(chain_store):
    past = dt.date(2022, 12, 31)
    found = gaps.chains(annotated(chain_store, as_of=past), chain_store.links())
    assert [list(c.item_ids) for c in found] == [
        ["deport-rochdale-gang", "honour-deportation", "none-deported"],
        ["improve-data", "ethnicity-in-custody"],
    ]


def test_evidence_for_links_do_not_join_chains(chain_store):
    # data-unreliable is "evidence for" ethnicity-in-custody too; take away the other links
    # holding the data chain together and only evidence remains: no chain.
    chain_store.add_link(Link(source_id="none-deported", kind="evidence for", target_id="taskforce"), by="t")
    found = gaps.chains(annotated(chain_store), chain_store.links())
    assert all("taskforce" not in c.item_ids for c in found)
    everything = gaps.chains(annotated(chain_store), chain_store.links(), kinds=frozenset({"evidence for"}))
    assert any("taskforce" in c.item_ids for c in everything)


def test_chains_of_nothing(fresh_store):
    assert gaps.chains(annotated(fresh_store), fresh_store.links()) == []


def test_claimed_vs_found(chain_store):
    frame = annotated(chain_store)
    pairs = gaps.claimed_vs_found(frame, chain_store.links(), chain_store.assessments_frame())
    by_item = pairs.set_index("item_id")
    assert set(by_item.index) == {"deport-rochdale-gang", "improve-data"}
    data = by_item.loc["improve-data"]
    assert data["claimed_status"] == "in progress" and data["claimed_on"] == "2020-12-15"
    assert data["finding_id"] == "data-unreliable"
    assert data["finding_quote"] == 'Data collection was "unreliable", it said'
    # The deportation pledge was only ever assessed "stalled": no claim of progress to set beside.
    assert not isinstance(by_item.loc["deport-rochdale-gang", "claimed_status"], str)


@pytest.mark.parametrize("until", [None, dt.date(2021, 1, 1)])
def test_claimed_vs_found_needs_only_the_history_of_contradicted_items(chain_store, until):
    links = chain_store.links()
    involved = gaps.items_in_contradictions(links)
    assert involved == {"deport-rochdale-gang", "improve-data", "data-unreliable", "none-deported"}
    everything = chain_store.assessments_frame(until=until)
    some = chain_store.assessments_frame(until=until, item_ids=involved)
    assert set(some["item_id"]) == involved & set(everything["item_id"])
    expected = everything[everything["item_id"].isin(involved)].reset_index(drop=True)
    # An all-empty column comes back as None (object) rather than as a missing string: same values.
    plain = lambda frame: frame.astype(object).where(frame.notna(), None)  # noqa: E731
    pd.testing.assert_frame_equal(plain(some), plain(expected))
    frame = annotated(chain_store, as_of=until)
    pd.testing.assert_frame_equal(gaps.claimed_vs_found(frame, links, some),
                                  gaps.claimed_vs_found(frame, links, everything))


def test_claimed_vs_found_as_of_before_the_finding(chain_store):
    past = dt.date(2021, 1, 1)
    pairs = gaps.claimed_vs_found(annotated(chain_store, as_of=past), chain_store.links(),
                                  chain_store.assessments_frame(until=past))
    assert pairs["finding_id"].tolist() == ["none-deported"]
