"""Issue 13: chains that say how long they have run, and honest durations (an item never
assessed is labelled as such and not counted as delay)."""

from __future__ import annotations

import datetime as dt

from tracker import dates, gaps
from tracker.models import Assessment, Correction

TODAY = dt.date(2026, 12, 1)


def _chain(store, today=TODAY):
    return gaps.chain_for_item(store, "improve-data", today=today)


def test_an_open_chain_says_when_it_was_first_raised_and_how_long_it_has_been_open(sample_store):
    span = _chain(sample_store).span(today=TODAY)
    # improve-data (commitment, 15 December 2020, in progress) <- track-abuse repeats it (December 2023)
    assert span.first_raised == "15 December 2020" and span.first_raised_by == ("home-office",)
    assert span.state == "open" and span.days_since_first == (TODAY - dt.date(2020, 12, 15)).days
    assert (span.latest_event, span.latest_event_what) == ("8 December 2023", "assessment")
    text = span.sentence({"home-office": "Home Office"})
    assert text == ("First raised 15 December 2020 by Home Office; latest event 8 December 2023 (an assessment); "
                    "open for 6.0 years.")


def test_a_chain_whose_open_items_were_never_assessed_counts_no_delay(sample_store):
    store = sample_store
    for entry in store.history("improve-data") + store.history("track-abuse"):
        store.correct_assessment(entry["id"], Correction(reason="test"), expected_version=None, by="bob")
    span = _chain(store).span(today=TODAY)
    assert span.open_items == 2 == span.open_never_assessed
    assert "never been assessed, so no delay is counted" in span.sentence()
    assert "open for" not in span.sentence()
    assert (span.latest_event, span.latest_event_what) == ("December 2023", "item made")


def test_a_closed_chain_says_when_it_closed(sample_store):
    store = sample_store
    store.record_assessment("improve-data", Assessment(status="delivered", evidence="Done", assessed_on="2024-07"),
                            expected_version=None, by="alice")
    store.record_assessment("track-abuse", Assessment(response="accepted", implementation="implemented",
                                                      evidence="Done", assessed_on="2024-03-05"),
                            expected_version=None, by="alice")
    span = _chain(store).span(today=TODAY)
    assert span.state == "closed" and span.closed_on == "July 2024"
    assert span.sentence().endswith("closed on July 2024, 6.0 years after it was first raised.")


def test_as_of_a_date_the_span_is_counted_to_that_date(sample_store):
    as_of = dt.date(2024, 1, 1)
    chain = gaps.chain_for_item(sample_store, "improve-data", as_of=as_of, today=as_of)
    span = chain.span(today=as_of)
    assert span.days_since_first == (as_of - dt.date(2020, 12, 15)).days
    assert dates.duration(span.days_since_first) == "3.0 years"
