"""The public dashboard in a real browser (Debian Chromium through Playwright).

``tracker serve`` starts the dashboard on a fresh temporary database, which it seeds from the
project's seeds/. A reader opens the overview and reads the headline figures, filters the
tracker by a status through the widgets, shares the filtered view by its URL, downloads the CSV,
opens an item by its permalink, and sees both seed chains on the gaps page. Expected values are
computed from the same database through the tracker library, so the test follows the seeds.
Every page is photographed into test-output/screenshots/public-*.png.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from browser_support import IDLE, ROOT, dashboard_server, pick_options

from tracker import figures as summary, filters, frames as progress, gaps
from tracker.store import Store

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``tracker serve`` on a new database (seeded on first run); yields (url, db path)."""
    folder = tmp_path_factory.mktemp("public-browser")
    db = folder / "tracker.db"
    with dashboard_server(db, folder) as server:
        yield server.url, db
    assert not server.has_traceback, server.output


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


def settle(tab, heading: str | None = None) -> None:
    """Wait until the app has drawn the page (its title) and finished running the script."""
    tab.wait_for_selector("h1", timeout=60_000)
    if heading:
        tab.get_by_role("heading", level=1).filter(has_text=heading).first.wait_for(timeout=60_000)
    tab.wait_for_selector(IDLE, timeout=60_000)
    tab.wait_for_timeout(300)  # charts draw after the script run ends
    tab.wait_for_selector(IDLE, timeout=60_000)
    assert tab.locator('[data-testid="stException"]').count() == 0, tab.locator(
        '[data-testid="stException"]').all_inner_texts()


def open_page(tab, url: str, heading: str | None = None) -> None:
    tab.goto(url)
    settle(tab, heading)


def screenshot(tab, name: str) -> Path:
    """The whole page (Streamlit scrolls inside its main block, so the viewport is grown)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = tab.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stMainBlockContainer]')).map(e => e.scrollHeight))"
    )
    tab.set_viewport_size({"width": 1400, "height": min(int(height) + 80, 12_000)})
    tab.wait_for_timeout(700)
    path = SCREENSHOTS / f"public-{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    tab.set_viewport_size({"width": 1400, "height": 1000})
    return path


def annotated(db: Path) -> "progress.pd.DataFrame":
    with Store(db) as store:
        return progress.annotate(store.items_frame(include_quote=True), today=dt.date.today())


HEADLINE_LABELS = ["Trackable items", "Findings", "Delivered", "Not delivered", "Overdue", "Awaiting response"]


def metrics(tab) -> dict[str, str]:
    """The headline figures, read once all six are drawn and the script has stopped running.

    Under load in CI a read has once caught the row half drawn (one metric of five), so the read
    waits for the whole row rather than trusting the moment the page first looked idle.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        tab.wait_for_function(
            """([labels, idle]) => {
                const seen = Array.from(document.querySelectorAll('[data-testid=stMetricLabel]'))
                    .map(e => e.innerText.trim());
                return document.querySelector(idle) !== null
                    && labels.every(label => seen.includes(label));
            }""",
            arg=[HEADLINE_LABELS, IDLE], timeout=30_000,
        )
    except PlaywrightTimeout:  # the assertion below then shows what was on the page
        pass
    found = {}
    for metric in tab.locator('[data-testid="stMetric"]').all():
        label = metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        found[label] = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return found


def test_overview_shows_the_headline_figures(served, page):
    url, db = served
    open_page(page, url + "/", "What was promised")
    with Store(db) as store:
        head = summary.headline(store, today=dt.date.today())
    assert head.tracked > 0, "tracker serve seeds a new database"
    assert metrics(page) == {
        "Trackable items": str(head.trackable), "Findings": str(head.findings), "Delivered": str(head.delivered),
        "Not delivered": str(head.not_delivered), "Overdue": str(head.overdue) if head.open_with_deadline else "no deadlines",
        "Awaiting response": str(head.awaiting_response),
    }
    titles = [t.text_content() for t in page.locator(".js-plotly-plot .gtitle").all()]
    assert any(t.startswith("Commitments and recommendations by owner") for t in titles), titles
    screenshot(page, "overview")


def test_filter_the_tracker_by_status_share_it_and_download_csv(served, page):
    url, db = served
    frame = annotated(db)
    status = "not delivered"
    expected = filters.filter_items(frame, filters.ItemFilter(statuses=(status,)))
    assert len(expected) > 0, "the seeds hold an item that was not delivered"

    open_page(page, url + "/tracker", "Tracker")
    page.get_by_text(f"{len(frame)} of {len(frame)} items").wait_for()
    page.get_by_text("Filters: kind, status", exact=False).click()  # the filters are folded away
    box = page.locator('[data-testid="stMultiSelect"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text="Status"))
    pick_options(page, box, [status])  # checks the choice took: a click can be lost in a redraw
    page.keyboard.press("Escape")
    page.get_by_text(f"{len(expected)} of {len(frame)} items match").wait_for(timeout=30_000)
    settle(page)
    assert "status=not+delivered" in page.url or "status=not%20delivered" in page.url
    screenshot(page, "tracker-filtered")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    saved = download.value
    assert saved.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(saved.path()).read_text(encoding="utf-8"))))
    assert sorted(r["id"] for r in rows) == sorted(expected["id"])
    assert {r["status_shown"] for r in rows} == {status}
    assert all(r["quote"] for r in rows)

    shared = page.url  # the filtered view, opened afresh from its link
    other = page.context.new_page()
    open_page(other, shared, "Tracker")
    other.get_by_text(f"{len(expected)} of {len(frame)} items match").wait_for(timeout=30_000)
    other.close()


def test_item_page_by_its_permalink(served, page):
    url, db = served
    with Store(db) as store:
        # A commitment with a history and links: the richest page a reader lands on.
        candidates = [row for row in store.item_rows() if row["kind"] == "commitment" and store.history(row["id"])]
        candidates.sort(key=lambda row: -len(store.links_of(row["id"])))
        item = candidates[0]
        history = store.history(item["id"])
    open_page(page, f"{url}/item?id={item['id']}")
    body = " ".join(page.locator('[data-testid="stMain"]').inner_text().split())
    assert " ".join(item["title"].split()) in body
    assert " ".join(item["quote"].split()) in body
    assert " ".join(history[-1]["evidence"].split()) in body
    assert page.get_by_role("heading", name="History").count() == 1
    screenshot(page, "item")

    open_page(page, f"{url}/item?id=no-such-item", "Item not found")
    assert "There is no item with the id" in page.locator('[data-testid="stMain"]').inner_text()


def test_gaps_page_draws_both_seed_chains(served, page):
    url, db = served
    with Store(db) as store:
        links = store.links()
    expected = {chain.years: chain for chain in gaps.chains(annotated(db), links)}
    deportation, data = expected.get("2018 → 2020"), expected.get("2020 → 2023")
    assert deportation is not None and data is not None, list(expected)
    assert any("deport" in title.lower() for title in deportation.items["title"])
    assert any("ethnicity" in title.lower() for title in data.items["title"])

    open_page(page, url + "/gaps", "Where promise and delivery part")
    page.locator(".js-plotly-plot .gtitle").first.wait_for()
    titles = [chart.text_content() for chart in page.locator(".js-plotly-plot .gtitle").all()]
    for chain in (deportation, data):
        # A title wraps to fit a phone, and its lines' text runs together: compare without spaces.
        wanted = chain.title[:60].replace(" ", "")
        assert any(title.replace(" ", "").startswith(wanted) for title in titles), (chain.title, titles)
        for item_id in chain.item_ids:  # each chain lists its items, linked to their pages
            assert page.locator(f'a[href="item?id={item_id}"]').count() >= 1, item_id
    screenshot(page, "gaps")

    page.locator('a[href*="item?id="]:visible').first.click()  # "Open the item" in claimed vs found
    settle(page)
    assert "/item?id=" in page.url


def test_as_of_date_in_the_sidebar_recomputes_the_figures(served, page):
    url, db = served
    day = dt.date(2020, 12, 31)
    with Store(db) as store:
        then = progress.headline(progress.annotate(store.items_frame(as_of=day), today=day), today=day)
    open_page(page, url + "/", "What was promised")
    page.get_by_role("spinbutton", name="year, Show the record as of").focus()
    for key in day.strftime("%Y%m%d"):  # the field moves on to month and day by itself
        page.keyboard.press(key)
    page.get_by_role("heading", level=1).first.click()  # leaving the field commits the date
    page.get_by_text("as it stood on 31 December 2020").wait_for(timeout=30_000)
    settle(page)
    assert "as_of=2020-12-31" in page.url
    assert metrics(page)["Trackable items"] == str(then.trackable)
    assert metrics(page)["Not delivered"] == str(then.not_delivered)
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Gaps").click()  # the date goes along
    settle(page)
    assert "/gaps?as_of=2020-12-31" in page.url
    assert "as it stood on 31 December 2020" in page.locator('[data-testid="stMain"]').inner_text()


@pytest.mark.parametrize(
    "path, heading, name",
    [
        ("/timeline", "Timeline of dated events", "timeline"),
        ("/sources", "Sources", "sources"),
        ("/item", "Item", "item-picker"),
        ("/?as_of=2020-12-31", "What was promised", "overview-as-of-2020"),
    ],
)
def test_other_pages_render(served, page, path, heading, name):
    url, _ = served
    open_page(page, url + path, heading)
    if "as_of" in path:
        assert "as it stood on 31 December 2020" in page.locator('[data-testid="stMain"]').inner_text()
    screenshot(page, name)
