"""The addresses a reader is given (issue 15): chart credits name the address the reader used
(or the configured public one), never a hard-coded port; links to item pages keep the reader's
as-of date. Driven by Streamlit's AppTest."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from dashboard_fixture import build_fixture_db

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
TIMEOUT = 120


@pytest.fixture
def fixture_db(tmp_path, monkeypatch) -> Path:
    path = build_fixture_db(tmp_path / "fixture.db")
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.delenv("TRACKER_SITE_URL", raising=False)
    return path


def run(page: str, *, url: str | None = None, **query) -> AppTest:
    """``page`` as a browser at ``url`` (its address bar without the query) would run it."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if url:
        at.context = {"url": url}
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_titles(at: AppTest) -> list[str]:
    return [re.sub(r"<[^>]+>", "", json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " "))
            for c in at.get("plotly_chart")]


def item_links(at: AppTest) -> list[dict[str, list[str]]]:
    """The query of every link to an item page on the page."""
    return [parse_qs(link.proto.query_string) for link in at.get("page_link") if link.proto.page == "item"]


def test_chart_credits_name_the_address_the_reader_used(fixture_db):
    at = run("views/gaps.py", url="http://tracker.example.net:8600/gaps")
    titles = chart_titles(at)
    assert titles
    assert all("Source: Policy tracker, http://tracker.example.net:8600/gaps ·" in t for t in titles), titles
    assert not any("8501" in t for t in titles)


def test_chart_credits_keep_the_as_of_date_in_the_readers_address(fixture_db):
    at = run("views/timeline.py", url="https://example.org/timeline", as_of="2023-01-01")
    assert all("https://example.org/timeline?as_of=2023-01-01 ·" in t for t in chart_titles(at))


def test_a_configured_public_address_wins_over_the_one_the_reader_used(fixture_db, monkeypatch):
    monkeypatch.setenv("TRACKER_SITE_URL", "https://record.example.org/tracker/")
    at = run("views/gaps.py", url="http://10.0.0.5:8600/gaps")
    titles = chart_titles(at)
    assert titles and all("https://record.example.org/tracker/gaps ·" in t for t in titles), titles
    assert not any("10.0.0.5" in t for t in titles)


def test_the_servers_base_path_is_kept(fixture_db):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.context = {"url": "http://host.example:9000/record/gaps"}
    at.run()
    from streamlit import config

    previous = config.get_option("server.baseUrlPath")
    config.set_option("server.baseUrlPath", "/record/")
    try:
        at.switch_page("views/gaps.py").run()
    finally:
        config.set_option("server.baseUrlPath", previous)
    titles = chart_titles(at)
    assert titles and all("http://host.example:9000/record/gaps ·" in t for t in titles), titles


def test_tracker_rows_open_items_as_of_the_date_being_read(fixture_db):
    at = run("views/tracker_table.py", q="taskforce", as_of="2023-06-01")
    links = [frame.value["link"].tolist() for frame in at.dataframe if "link" in frame.value.columns]
    assert links == [["item?id=taskforce&as_of=2023-06-01"]]
    at.selectbox(key="tracker_table_open").select("taskforce").run()
    assert item_links(at) == [{"id": ["taskforce"], "as_of": ["2023-06-01"]}]


def test_tracker_rows_open_todays_item_without_an_as_of_date(fixture_db):
    at = run("views/tracker_table.py", q="taskforce")
    links = [frame.value["link"].tolist() for frame in at.dataframe if "link" in frame.value.columns]
    assert links == [["item?id=taskforce"]]


def test_gaps_links_to_items_keep_the_as_of_date(fixture_db):
    at = run("views/gaps.py", as_of="2024-06-01")
    found = item_links(at)
    assert found, "the gaps page links to items"
    assert all(q["as_of"] == ["2024-06-01"] for q in found), found
    tables = [frame.value["link"].tolist() for frame in at.dataframe if "link" in frame.value.columns]
    assert tables and all(link.endswith("&as_of=2024-06-01") for links in tables for link in links), tables


def test_the_readers_address_is_used_only_when_none_is_configured_and_only_if_http():
    from tracker import about

    assert about.site_settings({}, reader_url="http://h:8600").site_url == "http://h:8600"
    assert about.site_settings({"TRACKER_SITE_URL": "https://pub.example/"},
                               reader_url="http://h:8600").site_url == "https://pub.example"
    assert about.site_settings({}, reader_url="javascript:alert(1)").site_url == about.DEFAULT_SITE_URL
    assert about.site_settings({}).site_url == about.DEFAULT_SITE_URL  # no reader: the CLI's feed
