"""Cached chart figures: reused for the same input, rebuilt for any change in it."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard import charts, cached_charts as figures


def card(n: int) -> pd.DataFrame:
    return pd.DataFrame({"group": ["Home Office", "Police"], "group_id": ["ho", "police"],
                         "status_label": ["delivered", "stalled"], "n": [n, 2], "total": [n, 2]})


def test_the_same_input_reuses_the_figure_and_any_change_rebuilds_it():
    first = figures.status_bars(card(1), title="t", group_title="Actor")
    assert figures.status_bars(card(1), title="t", group_title="Actor") is first
    assert figures.status_bars(card(3), title="t", group_title="Actor") is not first
    assert figures.status_bars(card(1), title="other", group_title="Actor") is not first
    assert first.to_dict() == charts.status_bars(card(1), title="t", group_title="Actor").to_dict()


def test_open_items_is_cached_on_its_reference_date():
    frame = pd.DataFrame({
        "id": ["a"], "title": ["An item"], "status_label": ["stalled"], "made_label": ["2020"],
        "deadline_label": [""], "made": [dt.date(2020, 1, 1)], "deadline_end": [None],
        "days_overdue": pd.array([None], dtype="Int64"), "owners": ["ho"], "years_open": [4.0],
    })
    today = figures.open_items(frame, reference_date=dt.date(2024, 1, 1), title="t")
    assert figures.open_items(frame, reference_date=dt.date(2024, 1, 1), title="t") is today
    assert figures.open_items(frame, reference_date=dt.date(2025, 1, 1), title="t") is not today


def test_events_per_year_puts_years_in_order_on_a_year_axis():
    counts = pd.DataFrame({"year": [2026, 2018, 2025, 2020], "event": ["deadline falls due", "made", "made", "made"],
                           "n": [1, 2, 3, 4]})
    fig = charts.events_per_year(counts, title="t")
    axis = fig.layout.xaxis
    assert axis.type == "linear" and axis.dtick == 1  # 2019 and 2021-2024 show as gaps, in order
    made = next(trace for trace in fig.data if trace.name == "made")
    assert list(made.x) == [2018, 2025, 2020] and list(made.text) == [2, 3, 4]


def test_a_chain_drawn_on_an_item_page_rings_that_item(fresh_store):
    from dashboard_fixture import chain_bundle

    from tracker import frames as progress, gaps

    chain_store = fresh_store
    chain_store.import_bundle(chain_bundle(), by="test")
    annotated = progress.annotate(chain_store.items_frame(include_quote=True), today=dt.date(2024, 6, 1))
    chain = next(c for c in gaps.chains(annotated, chain_store.links()) if "improve-data" in c.item_ids)
    plain = charts.chain_timeline(chain)
    ringed = charts.chain_timeline(chain, current="improve-data")
    assert "this item" not in [t.name for t in plain.data]
    [ring] = [t for t in ringed.data if t.name == "this item"]
    row = list(chain.items["id"]).index("improve-data")
    ys = list(range(len(chain.items)))[::-1]
    assert list(ring.y) == [ys[row]]
    # each row's label is written above it (not on the y axis: a phone had no room for one)
    labels = {a.y: a.text for a in ringed.layout.annotations if a.xref == "paper" and a.yref == "y"}
    assert len(labels) == len(chain.items)
    assert labels[ys[row]].startswith("<b>this item ▶")
    assert sum("this item" in t for t in labels.values()) == 1


def test_every_label_on_a_status_colour_reaches_wcag_contrast():
    from tracker.status import RESPONSE_COLOURS, STATUS_COLOURS

    for fill in {*STATUS_COLOURS.values(), *RESPONSE_COLOURS.values(), charts.FALLBACK_COLOUR}:
        assert charts.contrast_ratio(fill, charts.text_colour(fill)) >= charts.MIN_TEXT_CONTRAST, fill
    assert round(charts.contrast_ratio("#ffffff", "#000000"), 1) == 21.0
    assert charts.contrast_ratio("#009E73", "#ffffff") < 4.5  # why the green takes black text


def test_a_chart_saved_as_a_picture_carries_its_source_and_date():
    fig = charts.credited(charts.status_bars(card(1), title="t", group_title="Actor"),
                          "Source: Policy tracker, http://x.example/overview · record as of 1 December 2026")
    import re

    read = re.sub(r"<[^>]+>", "", fig.layout.title.text.replace("<br>", " "))  # lines wrap for phones
    assert "Source: Policy tracker, http://x.example/overview · record as of 1 December 2026" in read
    assert charts.credited(charts.status_bars(card(1), title="t", group_title="Actor"), None).layout.title.text == "<b>t</b>"


def test_bar_labels_sit_above_the_bars_and_the_legend_below():
    fig = charts.status_bars(card(1), title="t", group_title="Actor")
    assert fig.layout.yaxis.showticklabels is False
    assert {a.text for a in fig.layout.annotations} == {"<b>Home Office</b> · 1", "<b>Police</b> · 2"}
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.y < 0


def test_the_time_lines_run_to_the_reading_date():
    days = pd.DataFrame({"date": [dt.date(2020, 12, 15), dt.date(2023, 12, 8)], "event": ["made", "assessed"],
                         "status_label": ["stalled", "stalled"], "n": [1, 2], "date_label": ["a", "b"],
                         "kinds": ["commitment", "commitment"], "titles": ["x", "y"]})
    strip = charts.events_strip(days, title="t", until=dt.date(2026, 12, 1))
    assert pd.Timestamp(strip.layout.xaxis.range[1]) > pd.Timestamp(2026, 12, 1)
    counts = pd.DataFrame({"year": [2020, 2023], "event": ["made", "assessed"], "n": [1, 2]})
    per_year = charts.events_per_year(counts, title="t", until=dt.date(2026, 12, 1))
    assert per_year.layout.xaxis.range[1] > 2026
