"""The public dashboard driven by Streamlit's AppTest: every page on a seeded, a fixture, a
one-item and an empty database, the permalink, the filters in the URL, the "as of" date, the
colours and the handling of stored text."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard_fixture import build_fixture_db, build_seeded_db
from tracker import changes as record_changes
from tracker.models import Actor, Assessment, Document, ItemIn
from tracker.status import STATUS_COLOURS
from tracker.store import Store

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
PAGES = ["views/overview.py", "views/tracker_table.py", "views/item.py", "views/gaps.py",
         "views/timeline.py", "views/sources.py", "views/changes.py", "views/about.py"]
TIMEOUT = 120


def run(page: str | None = None, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()  # st.navigation registers the pages (and their url paths) on the first run
    if page is not None and page != "views/overview.py":
        for key, value in query.items():  # as a link to the page would carry them
            at.query_params[key] = value
        at.switch_page(page).run()
    return at


def texts(at: AppTest) -> str:
    """Everything a reader sees as text on the page (markdown, captions, headings, alerts...),
    with the backslashes that escape stored text in markdown taken out."""
    parts = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "text"):
        parts.extend(str(el.value) for el in at.get(kind))
    return "\n".join(parts).replace("\\", "")


def table(at: AppTest, column: str):
    """The first table on the page that has ``column`` (AppTest does not find tables by key)."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column")


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def chart_title(figure: dict) -> str:
    """A chart's title as read, its lines (wrapped to fit a phone) joined by spaces."""
    return re.sub(r"<[^>]+>", "", figure["layout"]["title"]["text"].replace("<br>", " "))


def no_errors(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.fixture
def fixture_db(tmp_path, monkeypatch) -> Path:
    path = build_fixture_db(tmp_path / "fixture.db")
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path


@pytest.fixture
def seeded_db(tmp_path, monkeypatch) -> Path:
    path = build_seeded_db(tmp_path / "seeded.db")
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path


@pytest.fixture
def empty_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "empty.db"
    Store(path).close()
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path


@pytest.fixture
def one_item_db(tmp_path, monkeypatch) -> Path:
    """One actor, one document, one commitment with no history, no deadline, no links."""
    path = tmp_path / "one.db"
    with Store(path) as store:
        store.add_actor(Actor(id="home-office", name="Home Office"), by="test")
        store.add_document(Document(id="paper", title="A paper", publisher="Home Office",
                                    kind="government paper", published="2020-12-15"), by="test")
        store.add_item(ItemIn(id="only", kind="commitment", title="The only item", quote="we will",
                              document_id="paper", makers=["home-office"], made="2020-12-15"), by="test")
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("database", ["seeded_db", "fixture_db", "one_item_db", "empty_db"])
def test_every_page_renders(request, database, page):
    request.getfixturevalue(database)
    at = run(page)
    no_errors(at)
    assert at.get("title"), "every page has a title"
    if database == "empty_db":
        assert "Nothing has been recorded yet" in texts(at) or page in (
            "views/sources.py", "views/changes.py", "views/about.py")
        assert "Nothing recorded yet · no evidence recorded" in texts(at)


def test_every_page_renders_as_of_a_past_date(fixture_db):
    for page in PAGES:
        at = run(page, as_of="2019-06-01", id="deport-rochdale-gang")
        no_errors(at)
        assert "as it stood on **1 June 2019**" in texts(at)


def test_overview_headline_figures(fixture_db):
    at = run()
    no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Trackable items": "6", "Findings": "2", "Delivered": "0", "Not delivered": "0",
                       "Overdue": "2", "Awaiting response": "1"}


def test_overview_says_no_deadline_is_recorded_instead_of_zero_overdue(one_item_db):
    at = run()
    no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Overdue"] == "no deadlines" and metrics["Trackable items"] == "1"
    assert "no deadlines recorded for any of them" in texts(at)


def test_overview_as_of_recomputes(fixture_db):
    at = run(as_of="2020-12-31")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Trackable items"] == "3" and metrics["Findings"] == "1" and metrics["Overdue"] == "1"
    assert metrics["Awaiting response"] == "0"


def test_as_of_control_is_in_the_sidebar_and_clears(fixture_db):
    at = run(as_of="2020-12-31")
    control = at.sidebar.date_input(key="as_of")
    assert control.value == dt.date(2020, 12, 31)
    at.sidebar.button(key="as_of_reset").click().run()
    assert at.sidebar.date_input(key="as_of").value is None
    assert {m.label: m.value for m in at.metric}["Trackable items"] == "6"
    assert not at.sidebar.warning


@pytest.mark.parametrize("asked", ["2999-01-01", "1500-06-01", "yesterday"])
def test_a_link_with_a_date_the_record_cannot_be_read_at_says_so(fixture_db, asked):
    at = run(as_of=asked)
    assert not at.exception
    assert at.sidebar.date_input(key="as_of").value is None
    assert {m.label: m.value for m in at.metric}["Trackable items"] == "6"
    [warning] = at.sidebar.warning
    assert warning.value.replace("\\", "").startswith(f"The link asks for the record as of {asked}, which is not a date")


def test_charts_colour_every_status_the_same_way(seeded_db):
    seen = 0
    for page in ("views/overview.py", "views/gaps.py", "views/timeline.py", "views/sources.py"):
        at = run(page)
        for figure in figures(at):
            assert figure["layout"]["title"]["text"], "every chart has a title"
            for trace in figure["data"]:
                name = trace.get("name")
                if name in STATUS_COLOURS:
                    colour = trace["marker"]["color"]
                    assert colour == STATUS_COLOURS[name], (page, name)
                    seen += 1
    assert seen >= 10


def test_tracker_filters_come_from_the_url(fixture_db):
    at = run("views/tracker_table.py", status=["stalled", "in progress"])
    no_errors(at)
    assert "**2** of 8 items match" in texts(at)
    rows = table(at, "title")
    assert sorted(rows["title"]) == ["Home Office announced Rochdale gang members would be deported",
                                      "Home Office committed to improve data, including ethnicity"]


def test_tracker_filters_through_the_widgets(fixture_db):
    at = run("views/tracker_table.py")
    assert "**8** of 8 items" in texts(at)
    at.multiselect(key="kind").select("finding").run()
    assert "**2** of 8 items match" in texts(at)
    at.text_input(key="q").input("deport").run()
    assert "**1** of 8 items match" in texts(at)
    at.button(key="clear").click().run()
    assert "**8** of 8 items" in texts(at)


def test_tracker_rows_link_to_their_permalink(fixture_db):
    at = run("views/tracker_table.py", q="taskforce")
    assert table(at, "link")["link"].tolist() == ["item?id=taskforce"]


def test_item_page_by_permalink(fixture_db):
    at = run("views/item.py", id="improve-data")
    no_errors(at)
    shown = texts(at)
    assert "Home Office committed to improve data, including ethnicity" in shown
    assert "improve the collection and analysis of data" in shown
    assert "in progress" in shown
    assert "The Home Office said the strategy would improve data" in shown  # the history
    assert "moved 1 time, now 181 days later than first set" in shown  # deadline slippage
    links = [link.proto.label for link in at.get("page_link")]
    assert any("HMICFRS found data collection unreliable" in label for label in links)
    assert chart_title(figures(at)[0]).startswith("2020 → 2023")


def test_item_page_as_of_hides_later_history(fixture_db):
    at = run("views/item.py", id="ethnicity-in-custody", as_of="2023-01-01")
    shown = texts(at)
    assert "not yet assessed" in shown
    assert "1 later assessment(s) are hidden by the as-of date" in shown


def test_item_with_no_history(fixture_db):
    at = run("views/item.py", id="taskforce")
    no_errors(at)
    shown = texts(at)
    assert "No assessment has been recorded yet" in shown
    assert "No deadline was given" in shown
    assert "not linked to any other item" in shown


def test_item_page_unknown_and_not_yet_made(fixture_db):
    at = run("views/item.py", id="no-such-item")
    assert "There is no item with the id" in texts(at)
    at = run("views/item.py", id="consistent-tracking", as_of="2021-01-01")
    assert "made after the date" in texts(at)


def test_item_page_without_id_offers_a_picker(fixture_db):
    at = run("views/item.py")
    no_errors(at)
    at.selectbox(key="item_pick").select("taskforce").run()
    assert at.query_params["id"] == ["taskforce"] or at.query_params["id"] == "taskforce"


def test_item_picker_searches_first_when_the_items_are_too_many_for_one_list(fixture_db, monkeypatch):
    monkeypatch.setattr("dashboard.data.ITEMS_PICKED_FROM", 3)  # 8 items: more than the list holds
    at = run("views/item.py")
    no_errors(at)
    assert len(at.selectbox(key="item_pick").options) == 3
    assert "8 items match; the list holds the oldest 3" in texts(at)
    at.text_input(key="item_search").input("TASKFORCE").run()
    no_errors(at)
    assert at.selectbox(key="item_pick").options == ["Home Office announced a taskforce on grooming gangs"]
    at.selectbox(key="item_pick").select("taskforce").run()
    assert at.query_params["id"] == ["taskforce"] or at.query_params["id"] == "taskforce"
    at = run("views/item.py")
    at.text_input(key="item_search").input("no item says this").run()
    assert "No item matches that search." in texts(at)


def test_gaps_page_draws_both_chains(fixture_db):
    at = run("views/gaps.py")
    no_errors(at)
    titles = [chart_title(f) for f in figures(at)]
    assert any(t.startswith("2018 → 2020: Home Office announced Rochdale gang") for t in titles)
    assert any(t.startswith("2020 → 2023: Home Office committed to improve data") for t in titles)
    metrics = {m.label: m.value for m in at.metric}
    # Counted to today: every open item's evidence (2020 and 2023) is over a year old by now.
    assert metrics == {"Delivery gap": "2", "No response": "1", "Evidence gap": "6", "Chains": "2",
                       "Claimed vs found": "2"}


def test_gaps_page_lists_the_first_rows_and_counts_them_all(fixture_db, monkeypatch):
    from dashboard import data

    monkeypatch.setattr(data, "GAP_ROWS_SHOWN", 1)
    at = run("views/gaps.py")
    no_errors(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Delivery gap"] == "2" and metrics["Evidence gap"] == "6"  # every row counted
    assert len(at.dataframe[0].value) == 1
    page = texts(at)
    assert "The first 1 of 2 are listed" in page and "The first 1 of 6 are listed" in page


def test_timeline_filters(fixture_db):
    at = run("views/timeline.py")
    no_errors(at)
    assert "**17** of 17 events" in texts(at)
    at = run("views/timeline.py", tl_event="deadline moved")
    assert "**1** of 17 events" in texts(at)


def test_sources_page_lists_a_documents_items(fixture_db):
    at = run("views/sources.py", doc="hmicfrs-2023")
    no_errors(at)
    assert len(table(at, "made_label")) == 4


def test_stored_text_is_never_markup(fixture_db):
    hostile = "<img src=x onerror=alert(1)> **bold** [click](javascript:alert(1)) :red[red] $x$"
    with Store(fixture_db) as store:
        store.add_item(ItemIn(id="hostile", kind="commitment", title=hostile, quote=hostile,
                              document_id="hmicfrs-2023", makers=["home-office"], made="2023-05-01",
                              done_when=hostile), by="test")
        store.record_assessment("hostile", Assessment(status="stalled", evidence=hostile,
                                                      assessed_on="2023-06-01"), expected_version=None, by="t")
    at = run("views/item.py", id="hostile")
    no_errors(at)
    unescaped = re.compile(r"(?<!\\)(<|\]\(|:red\[|\$x)")  # markup not preceded by a backslash
    bodies = [str(element.value) for element in [*at.markdown, *at.title, *at.caption]]
    assert any("img src" in body for body in bodies)
    for body in bodies:
        assert not unescaped.search(body), body
    assert not any(element.proto.allow_html for element in at.markdown)
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in at.title[0].value
    at = run("views/overview.py")
    spec = json.dumps(figures(at))
    assert "<img" not in spec and "&lt;img src=x" in spec


def test_public_pages_show_no_edit_controls(seeded_db):
    for page in PAGES:
        at = run(page)
        assert not at.get("form"), page
        labels = [b.label.lower() for b in at.button]
        assert not any(word in label for label in labels for word in ("save", "delete", "edit", "record")), page


def test_as_of_component_reads_the_url():
    def app():
        import streamlit as st

        from dashboard.components import as_of

        st.write(repr(as_of.show()))
        st.write(repr(as_of.current()))

    at = AppTest.from_function(app)
    at.query_params["as_of"] = "2021-03-04"
    at.run()
    assert [m.value for m in at.markdown] == ["datetime.date(2021, 3, 4)"] * 2
    at = AppTest.from_function(app).run()
    assert [m.value for m in at.markdown] == ["None", "None"]


def test_a_report_known_through_an_article_lists_the_items_first_made_in_it(seeded_db):
    with Store(seeded_db) as store:
        made_in_report = [r for r in store.item_rows() if r["origin_document_id"] == "hmicfrs-2023-group-based-cse-inspection"]
    assert made_in_report, "the seeds record items first made in the HMICFRS report"
    at = run("views/sources.py", doc="hmicfrs-2023-group-based-cse-inspection")
    no_errors(at)
    assert len(table(at, "made_label")) == len(made_in_report)
    counts = table(at, "items")
    report_row = counts[counts["title"].str.startswith("HMICFRS inspection")]
    assert int(report_row["items"].iloc[0]) == len(made_in_report)


def test_item_page_says_where_a_seed_assessment_comes_from(seeded_db):
    at = run("views/item.py", id="deportation-pledge-rochdale-2018")
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert any(c.startswith("From the tracker's first dataset, read from its source") for c in captions), captions
    assert not any(c.startswith("Recorded by seed") for c in captions)


def test_what_changed_lists_a_staff_edit_and_offers_the_feed(fixture_db):
    with Store(fixture_db) as store:
        item = store.items_frame().iloc[0]
        store.record_assessment(item["id"], Assessment(status="partly delivered", evidence="Nothing since the pledge.",
                                                       assessed_on="2024-05-01"),
                                expected_version=None, by="edna")
    at = run("views/changes.py")
    no_errors(at)
    shown = texts(at)
    assert "Nothing since the pledge." in shown and "stalled → partly delivered" in shown
    with Store(fixture_db) as store:  # the page counts what tracker.changes lists
        since = dt.date.today() - dt.timedelta(days=30)
        assert record_changes.counts_line(record_changes.changes_since(store, since)) in shown
    assert at.get("download_button"), "the Atom feed is offered"


def test_about_lists_every_status_the_code_knows(seeded_db):
    from tracker.models import ImplementationStatus, LifecycleStatus, ResponseStatus

    at = run("views/about.py")
    no_errors(at)
    listed = set()
    for frame in at.table:
        listed.update(frame.value["Term"].tolist())
    for enum in (LifecycleStatus, ResponseStatus, ImplementationStatus):
        assert {m.value for m in enum} <= listed
    assert "has not named who keeps the record" in texts(at)
