"""Readers in a real browser, on a desktop (1440 px) and a phone (390 px): axe-core on every
public page, a print layout, the keyboard route into an item from a table, a download taken
from a filtered past view, and What changed beside its Atom feed.

axe-core is the version tests/browser/axe/package-lock.json pins (``scripts/test`` runs
``npm ci`` there). Serious and critical violations in the project's own content fail the test;
those that come from Streamlit's own markup are listed in ``STREAMLIT_OWN`` with the reason,
and are reported, not failed. Every page is photographed at both widths into
test-output/screenshots/readers-<page>-<width>.png.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path

import feedparser
import pandas as pd
import pytest
from browser_support import IDLE, ROOT, dashboard_server

from tracker import changes as record_changes
from tracker.models import Assessment, DeadlineRevision
from tracker.store import Store

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "browser" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-output" / "screenshots"
WIDTHS = (1440, 390)
#: Every public page, by the name its screenshot takes, and its address (the item: a seed
#: commitment with a history, links and a chain).
PAGES = {
    "overview": "/", "tracker": "/tracker", "item": "/item?id=home-office-improve-data-collection-2020",
    "gaps": "/gaps", "timeline": "/timeline", "sources": "/sources?doc=hmicfrs-2023-group-based-cse-inspection",
    "changes": "/changes", "about": "/about",
}
#: Violations in Streamlit's own markup, which a page cannot change: (rule, the data-testid of
#: the Streamlit component the node sits in) -> why. Streamlit 1.67's sidebar navigation puts
#: each section (a <div> with its heading) straight inside the <ul> of page links, so the <ul>
#: holds <div>s and the <li>s sit in them. No upstream issue names this one; the closest is
#: streamlit/streamlit#8399 ("Basic accessibility web features", open, area:accessibility).
STREAMLIT_OWN = {
    ("list", "stSidebarNav"): "sidebar navigation: section <div>s inside the <ul> of page links",
    ("listitem", "stSidebarNav"): "sidebar navigation: page links' <li> inside a section <div>",
}
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if not AXE.exists():
        message = f"axe-core is not installed ({AXE}); run scripts/test, which runs npm ci"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("readers-browser")
    db = folder / "tracker.db"
    with dashboard_server(db, folder, env={"TRACKER_KEEPER": "The Test Unit",
                                           "TRACKER_CONTACT": "errors@example.org"}) as server:
        yield server.url, db
    assert not server.has_traceback, server.output


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def width(request) -> int:
    return request.param


@pytest.fixture
def tab(browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


def settle(page, heading: str | None = None) -> None:
    page.wait_for_selector("h1", timeout=60_000)
    if heading:
        page.get_by_role("heading", level=1).filter(has_text=heading).first.wait_for(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(800)  # charts draw, and stale elements fade back in, after the run ends
    page.wait_for_selector(IDLE, timeout=60_000)
    # The page's own style sheet (dashboard/page_style.py) arrives with the script run's
    # elements; once seen a rare time without it in the run above, so wait for it to apply.
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('style'))
                    .some(s => s.textContent.includes('stCaptionContainer'))""", timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations'], elementRef: true});
            const owner = el => {  // the Streamlit component a node sits in, if any listed
                const found = el && el.closest('[data-testid="stSidebarNav"]');
                return found ? found.getAttribute('data-testid') : '';
            };
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                          summary: n.failureSummary, owner: owner(n.element)}))}));
        }"""
    )


def streamlit_own(rule: str, owner: str) -> bool:
    return (rule, owner) in STREAMLIT_OWN


def screenshot(page, name: str, width: int) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stMainBlockContainer]')).map(e => e.scrollHeight))")
    page.set_viewport_size({"width": width, "height": min(int(height) + 80, 14_000)})
    page.wait_for_timeout(700)
    path = SCREENSHOTS / f"readers-{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": width, "height": 900})
    return path


@pytest.mark.parametrize("name", list(PAGES))
def test_every_public_page_passes_axe(served, tab, width, name):
    url, _ = served
    tab.goto(url + PAGES[name])
    settle(tab)
    ours, theirs = [], []
    for violation in axe_violations(tab):
        if violation["impact"] not in SERIOUS:
            continue
        for node in violation["nodes"]:
            found = f"{violation['id']} ({violation['impact']}): {node['target']}: {node['summary']}"
            (theirs if streamlit_own(violation["id"], node["owner"]) else ours).append(found)
    # Each page names itself in the browser tab (and in a bookmark), the item page by the item.
    assert tab.title().endswith(" · Policy tracker"), tab.title()
    if name == "item":
        assert tab.title().startswith("Home Office commitment to improve"), tab.title()
    screenshot(tab, name, width)
    if theirs:
        print(f"{name} at {width} px: {len(theirs)} serious node(s) in Streamlit's own markup")
    assert ours == [], "\n".join(ours)
    # Every chart says what it shows in words too, and every page says how current the record is.
    charts = tab.locator('[data-testid="stPlotlyChart"]').count()
    assert tab.get_by_text("newest evidence dated").count() >= 1
    if charts:
        assert tab.locator('[data-testid="stCaptionContainer"]').count() >= charts


def test_a_table_item_opens_from_the_keyboard(served, tab):
    url, _ = served
    tab.goto(url + "/tracker")
    settle(tab, "Tracker")
    chooser = tab.get_by_label("Open an item from this table", exact=False)
    chooser.focus()
    tab.keyboard.type("taskforce")
    tab.keyboard.press("Enter")
    link = tab.get_by_role("link", name="Open “", exact=False)
    link.wait_for(timeout=30_000)
    assert "taskforce" in link.inner_text().lower()
    link.focus()
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/item?id=*", timeout=30_000)
    settle(tab)
    assert "taskforce" in tab.get_by_role("heading", level=1).first.inner_text().lower()


@pytest.mark.parametrize("name", ["item", "gaps"])
def test_print_layout_has_no_sidebar_and_cuts_nothing(served, browser, name):
    url, _ = served
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(url + PAGES[name])
    settle(page)
    page.emulate_media(media="print")
    page.wait_for_timeout(500)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    # The main block no longer scrolls inside one screen: all of it is in the printed flow.
    clipped = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]'))
                   .filter(e => e.scrollHeight > e.clientHeight + 2).map(e => e.getAttribute('data-testid'))""")
    assert clipped == []
    last = page.locator('[data-testid="stHeading"], h2').last
    box = last.bounding_box()
    assert box is not None and box["y"] + box["height"] <= page.evaluate("document.documentElement.scrollHeight")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 800, "height": 900})
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / f"readers-print-{name}.png"), full_page=True)
    pdf = page.pdf(path=str(SCREENSHOTS / f"readers-print-{name}.pdf"), format="A4")
    assert len(pdf) > 10_000
    context.close()


def test_a_filtered_past_view_downloads_with_names_links_filter_and_date(served, browser):
    url, db = served
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(url + "/tracker?status=not+delivered&as_of=2024-01-01")
    settle(page, "Tracker")
    downloads = {}
    for button in ("Download CSV", "Download JSON"):
        with page.expect_download() as download:
            page.get_by_role("button", name=button).click()
        downloads[button] = download.value
    csv_file = downloads["Download CSV"]
    assert "as-of-2024-01-01" in csv_file.suggested_filename
    assert "status-not-delivered" in csv_file.suggested_filename
    table = pd.read_csv(csv_file.path(), dtype=str)  # what a spreadsheet opens
    assert len(table) > 0 and set(table["status_shown"]) == {"not delivered"}
    with Store(db) as store:
        names = {a["id"]: a["name"] for a in store.actors()}
    for row in table.itertuples():
        assert row.link.endswith(f"/item?id={row.id}&as_of=2024-01-01")  # links keep the view's date
        assert row.makers == "; ".join(names[a] for a in row.maker_ids.split("; "))
        assert isinstance(row.source_title, str) and row.source_title
    assert set(table["record_as_of"]) == {"2024-01-01"} and set(table["filter"]) == {"status: not delivered"}
    data = json.loads(Path(downloads["Download JSON"].path()).read_text(encoding="utf-8"))
    assert data["taken"]["record_as_of"] == "2024-01-01" and data["taken"]["filter"] == "status: not delivered"
    assert all(entry["assessed_on"] <= "2024-01-01" for item in data["items"] for entry in item["history"])
    assert any(item["history"] for item in data["items"])
    context.close()


def test_what_changed_lists_a_staff_session_as_its_feed_does(served, browser):
    url, db = served
    since = dt.datetime.now(dt.timezone.utc)
    with Store(db) as store:  # a staff session, written as the workspace writes it
        item = store.get_item("home-office-improve-data-collection-2020")
        version = store.record_assessment(item["id"], Assessment(
            status="partly delivered", evidence="Browser test: the department published some of the data.",
            evidence_url="https://example.org/evidence", assessed_on="2024-03-01"),
            expected_version=item["version"], by="edna")
        store.revise_deadline(item["id"], DeadlineRevision(deadline="2027", reason="Browser test: moved",
                                                           revised_on="2024-04-01"),
                              expected_version=version, by="edna")
        expected = record_changes.changes_since(store, since)
    assert len(expected) == 2
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(url + "/changes")
    settle(page, "What changed")
    for change in expected:
        page.get_by_text(change.summary, exact=True).first.wait_for(timeout=30_000)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as an Atom feed").click()
    parsed = feedparser.parse(Path(download.value.path()).read_bytes())
    assert not parsed.bozo
    titles = [entry.title for entry in parsed.entries]
    for change in expected:
        assert f"{change.title}: {change.summary}" in titles
    assert titles.index(f"{expected[0].title}: {expected[0].summary}") == 0  # newest first, as listed
    context.close()
