"""Overdue that cannot hide (issue 13, part 2): any open item past its deadline is overdue,
whatever its response; the Overview's "Overdue", the Gaps page's "Past deadline" section and the
Tracker's overdue filter count exactly the same items, now and as of a past date; each headline
tile's Tracker filter lists exactly the items its figure counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker import figures, filters, frames, gaps
from tracker.models import Actor, Bundle, Document, HistoryEntry, ItemRecord
from tracker.store import Store
from tracker.synthetic import LAST_DATE, generate

OVERDUE = filters.ItemFilter(state=filters.OVERDUE)


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("overdue") / "synthetic.db"
    with Store(path) as store:
        generate(store, items=300, assessments_per_item=4, seed=13, chunk_size=300)
        # synthetic recommendations all get a response: add some that never did, past deadlines
        store.import_bundle(_edge_bundle(), by="test")
    return path


DAYS = [None, LAST_DATE, dt.date(2019, 6, 30), dt.date(2016, 1, 1), dt.date(2012, 12, 31)]


@pytest.mark.parametrize("as_of", DAYS, ids=lambda d: str(d))
def test_the_headline_gaps_and_tracker_count_the_same_overdue_items(synthetic_db, as_of):
    today = as_of or dt.date.today()
    with Store(synthetic_db) as store:
        head = figures.headline(store, today=today, as_of=as_of)
        past = gaps.past_deadline_table(store, today=today, as_of=as_of, limit=10_000)
        listed = figures.all_matching_items(store, OVERDUE, today=today, as_of=as_of)
        matches = figures.matching_items(store, OVERDUE, today=today, limit=5, as_of=as_of)["matches"]
        plain = frames.annotate(store.items_frame(as_of=as_of, include_quote=True), today=today)
    in_memory = filters.filter_items(plain, OVERDUE)
    assert past["count"] == head.overdue == matches == len(listed) == len(past["rows"]) == len(in_memory)
    assert set(past["rows"]["id"]) == set(listed["id"]) == set(in_memory["id"])
    # the SQL path's order is the frame rule's order: no response first, then the longest overdue
    pd_rows = gaps.past_deadline(plain)
    assert past["rows"]["id"].tolist() == pd_rows["id"].tolist()
    assert past["awaiting"] == int(pd_rows["awaiting_response"].sum())
    flags = past["rows"]["awaiting_response"].tolist()
    assert flags == sorted(flags, reverse=True)
    for flag in (True, False):
        days = past["rows"][past["rows"]["awaiting_response"] == flag]["days_overdue"].tolist()
        assert days == sorted(days, reverse=True)
    if as_of in (None, LAST_DATE):  # the data must exercise the rule, not pass it vacuously
        assert head.overdue > 0 and 0 < past["awaiting"] < head.overdue
        responded = past["rows"][~past["rows"]["awaiting_response"]]
        assert (responded["kind"] == "recommendation").any()  # overdue whatever the response


@pytest.mark.parametrize("as_of", DAYS, ids=lambda d: str(d))
def test_each_headline_tile_links_to_exactly_the_items_it_counts(synthetic_db, as_of):
    today = as_of or dt.date.today()
    with Store(synthetic_db) as store:
        head = figures.headline(store, today=today, as_of=as_of)
        chosen = figures.headline_filters(figures.filter_options(store, as_of=as_of))
        for tile in figures.HEADLINE_TILES:
            counted = getattr(head, tile)
            if tile not in chosen:
                assert counted == 0, tile
                continue
            found = figures.matching_items(store, chosen[tile], today=today, limit=1, as_of=as_of)
            assert found["matches"] == counted, (tile, as_of)
    if as_of is None:
        assert set(chosen) == set(figures.HEADLINE_TILES)


def test_a_tile_with_nothing_to_list_gets_no_filter_rather_than_every_item():
    options = filters.FilterOptions(kinds=["finding"], statuses=["finding (no status)"])
    chosen = figures.headline_filters(options)
    assert set(chosen) == {"findings", "overdue"}
    assert chosen["findings"] == filters.ItemFilter(kinds=("finding",))


# -- at the edges: the last day of a month- or year-precision deadline ----------------------------


def _edge_bundle() -> Bundle:
    def item(item_id, kind, deadline, *history, owners=("home-office",)):
        return ItemRecord(id=item_id, kind=kind, title=f"Item {item_id}", quote="Words.", document_id="report",
                          makers=["inspectorate"], owners=list(owners), made="2020-03-01", deadline=deadline,
                          history=list(history))

    said = "2021-05-01"
    return Bundle(
        actors=[Actor(id="home-office", name="Home Office", kind="government department"),
                Actor(id="inspectorate", name="The Inspectorate", kind="inspectorate")],
        documents=[Document(id="report", title="A report", publisher="The Inspectorate", kind="inspection report",
                            published="2020-03")],
        items=[
            item("rec-silent", "recommendation", "2024-06"),  # never answered
            item("rec-noted", "recommendation", "2024-06",
                 HistoryEntry(response="noted", implementation="not started", evidence="Noted.", assessed_on=said)),
            item("rec-accepted", "recommendation", "2024-05",
                 HistoryEntry(response="accepted", implementation="in progress", evidence="Under way.",
                              assessed_on=said)),
            item("rec-rejected", "recommendation", "2024-01",  # closed: never overdue
                 HistoryEntry(response="rejected", implementation="not started", evidence="Rejected.",
                              assessed_on=said)),
            item("commit-year", "commitment", "2024",
                 HistoryEntry(status="in progress", evidence="Started.", assessed_on=said), owners=()),
            item("commit-done", "commitment", "2022",
                 HistoryEntry(status="delivered", evidence="Done.", assessed_on=said)),
            item("call-day", "call", "2024-06-30"),
        ],
    )


def _overdue_ids(store: Store, today: dt.date, as_of: dt.date | None) -> dict:
    past = gaps.past_deadline_table(store, today=today, as_of=as_of)
    listed = figures.all_matching_items(store, OVERDUE, today=today, as_of=as_of)
    assert figures.headline(store, today=today, as_of=as_of).overdue == past["count"] == len(listed)
    assert set(listed["id"]) == set(past["rows"]["id"])
    return dict(zip(past["rows"]["id"], past["rows"]["days_overdue"]))


@pytest.mark.parametrize("read_as_of", [False, True], ids=["now", "as-of"])
def test_overdue_at_the_edges_of_month_and_year_deadlines(tmp_path, read_as_of):
    with Store(tmp_path / "edges.db") as store:
        store.import_bundle(_edge_bundle(), by="test")

        def overdue_on(day: dt.date) -> dict:
            return _overdue_ids(store, day, day if read_as_of else None)

        # 31 May 2024 is the last day of "May 2024": met on it, overdue the day after
        assert overdue_on(dt.date(2024, 5, 31)) == {}
        assert overdue_on(dt.date(2024, 6, 1)) == {"rec-accepted": 1}
        # 30 June 2024 is the last day of "June 2024" (and the day deadline of the call)
        assert overdue_on(dt.date(2024, 6, 30)) == {"rec-accepted": 30}
        on_first = overdue_on(dt.date(2024, 7, 1))
        assert on_first == {"rec-silent": 1, "rec-noted": 1, "call-day": 1, "rec-accepted": 31}
        # the worst case first: no response and past the deadline
        past = gaps.past_deadline_table(store, today=dt.date(2024, 7, 1),
                                        as_of=dt.date(2024, 7, 1) if read_as_of else None)
        assert past["rows"]["id"].tolist() == ["rec-silent", "rec-accepted", "call-day", "rec-noted"]
        assert past["awaiting"] == 1
        # a year deadline ends on 31 December; a closed item is never overdue
        assert "commit-year" not in overdue_on(dt.date(2024, 12, 31))
        late = overdue_on(dt.date(2025, 1, 1))
        assert late["commit-year"] == 1 and "commit-done" not in late and "rec-rejected" not in late
        # each item with the bodies it is held against: a commitment with no owner, its makers
        later = gaps.past_deadline_table(store, today=dt.date(2025, 1, 1),
                                         as_of=dt.date(2025, 1, 1) if read_as_of else None)
        held = dict(zip(later["rows"]["id"], later["rows"]["held_by"]))
        assert held["rec-silent"] == "home-office" and held["commit-year"] == "inspectorate"


def test_a_past_view_counts_to_its_own_date_not_today(tmp_path):
    with Store(tmp_path / "edges.db") as store:
        store.import_bundle(_edge_bundle(), by="test")
        # before the deadlines had passed, as the record stood then: nothing overdue
        assert _overdue_ids(store, dt.date(2024, 5, 31), dt.date(2024, 5, 31)) == {}
        # before any assessment, every recommendation awaited a response and none was closed
        early = gaps.past_deadline_table(store, today=dt.date(2025, 1, 1), as_of=dt.date(2021, 4, 30))
        assert set(early["rows"]["id"]) >= {"rec-rejected", "commit-done"}


def test_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="unknown state"):
        filters.ItemFilter(state="late")
    assert "overdue only" in filters.describe_filter(OVERDUE, actor_names={}, document_titles={})
