"""Dated events and deadline histories (tracker/timeline.py)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard_fixture import chain_bundle
from tracker import frames as progress, timeline

TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def chain_store(fresh_store):
    fresh_store.import_bundle(chain_bundle(), by="test")
    return fresh_store


def events_of(store, as_of=None):
    frame = progress.annotate(store.items_frame(as_of=as_of), today=as_of or TODAY)
    return timeline.events(frame, store.assessments_frame(until=as_of), store.deadlines_frame(), as_of=as_of)


def test_every_dated_event_in_order(chain_store):
    events = events_of(chain_store)
    counts = events["event"].value_counts().to_dict()
    assert counts == {"made": 8, "assessed": 4, "deadline set": 2, "deadline moved": 1, "deadline falls due": 2}
    assert list(events["date"]) == sorted(events["date"])
    moved = events[events["event"] == "deadline moved"].iloc[0]
    assert moved["item_id"] == "improve-data" and moved["date"] == dt.date(2021, 6, 1)
    assert moved["detail"] == "June 2022 (moved later): strategy work continued"
    rec = events[(events["event"] == "assessed") & (events["kind"] == "recommendation")].iloc[0]
    assert rec["status_label"] == "not started"
    assert rec["detail"].startswith("response: awaiting response.")


def test_events_as_of_leave_out_the_future(chain_store):
    events = events_of(chain_store, as_of=dt.date(2021, 1, 1))
    assert events["date"].max() <= dt.date(2021, 12, 31)  # the deadline then still fell due in 2021
    assert "deadline moved" not in set(events["event"])
    due = events[events["event"] == "deadline falls due"].set_index("item_id")["date"].to_dict()
    assert due == {"deport-rochdale-gang": dt.date(2019, 12, 31), "improve-data": dt.date(2021, 12, 31)}


def test_events_of_an_empty_database(fresh_store):
    assert events_of(fresh_store).empty


def test_filter_events(chain_store):
    events = events_of(chain_store)
    assessed = timeline.filter_events(events, event_types=["assessed"], kinds=["commitment"])
    assert set(assessed["item_id"]) == {"deport-rochdale-gang", "improve-data"}
    windowed = timeline.filter_events(events, start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    assert all(dt.date(2023, 1, 1) <= d <= dt.date(2023, 12, 31) for d in windowed["date"])
    assert len(timeline.filter_events(events)) == len(events)


def test_events_per_year(chain_store):
    counts = timeline.events_per_year(events_of(chain_store))
    assert counts["n"].sum() == 17
    made = counts[counts["event"] == "made"].set_index("year")["n"].to_dict()
    assert made == {2018: 1, 2020: 3, 2022: 1, 2023: 3}


def test_deadline_history_and_slippage(chain_store):
    history = timeline.deadline_history(chain_store.deadline_revisions("improve-data"))
    assert history["change"].tolist() == ["first set", "moved later"]
    assert history["deadline_label"].tolist() == ["2021", "June 2022"]
    assert history["days_moved"].tolist()[1] == (dt.date(2022, 6, 30) - dt.date(2021, 12, 31)).days
    assert timeline.slippage_days(history) == 181


@pytest.mark.parametrize(
    "deadlines, changes",
    [
        ([("2022", "year")], ["first set"]),
        ([("2022", "year"), (None, None)], ["first set", "removed"]),
        ([("2022-06-01", "month"), ("2022-03-01", "month")], ["first set", "moved earlier"]),
        ([("2022-06-30", "day"), ("2022-06-01", "month")], ["first set", "unchanged"]),
        ([("2022", "year"), (None, None), ("2023", "year")], ["first set", "removed", "set again"]),
    ],
)
def test_deadline_changes(deadlines, changes):
    revisions = [
        {"deadline_start": (f"{s}-01-01" if s and len(s) == 4 else s), "deadline_precision": p,
         "revised_on": f"2021-0{n + 1}-01", "reason": "r"}
        for n, (s, p) in enumerate(deadlines)
    ]
    assert timeline.deadline_history(revisions)["change"].tolist() == changes


def test_no_deadline_history():
    history = timeline.deadline_history([])
    assert history.empty and timeline.slippage_days(history) is None


def test_events_by_period_count_every_event_once(chain_store):
    events = events_of(chain_store)
    days = timeline.events_by_period(events)
    assert days["n"].sum() == len(events)
    made_2020 = days[(days["event"] == "made") & (days["date"] == dt.date(2020, 12, 15))]
    by_status = made_2020.set_index("status_label")
    assert by_status.loc["finding (no status)", "kinds"] == "1 finding"
    assert by_status.loc["not yet assessed", "titles"].startswith("Tony Lloyd MP calls")
    twice = pd.concat([events, events], ignore_index=True)
    months = timeline.events_by_period(twice, period="month", titles_shown=1)
    assert months["n"].sum() == 2 * len(events)
    assert all(d.day == 1 for d in months["date"])
    many = months[months["n"] > 1].iloc[0]
    assert many["titles"].endswith(f"and {many['n'] - 1} more")
    with pytest.raises(ValueError):
        timeline.events_by_period(events, period="week")
    assert timeline.events_by_period(events.iloc[0:0]).empty
