"""Overdue that cannot hide, in Chromium (issue 13, part 2): the Overview's "Overdue" tile leads to
the Tracker listing exactly the overdue items (its CSV download holds their ids), now and as of a
past date; the Gaps page's "Past deadline" section lists them, no response first. Screenshots at
1440 and 390 px go to test-output/screenshots/overdue-<page>-<width>.png.

The record: the seeds, plus recommendations to one body with month-precision deadlines already
past, one never answered, one noted, one accepted (overdue whatever the response).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pytest
from browser_support import IDLE, ROOT, dashboard_server

from tracker import frames
from tracker.models import Actor, Bundle, Document, HistoryEntry, ItemRecord
from tracker.seeds import default_seed_dir, load_seed_files
from tracker.store import Store

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-output" / "screenshots"
PAST = dt.date(2024, 7, 1)  # the day after the recommendations' "June 2024" deadline


def _late_recommendations() -> Bundle:
    def rec(item_id, title, *history):
        return ItemRecord(id=item_id, kind="recommendation", title=title, quote="The body should act.",
                          document_id="audit-2023", makers=["audit-office"], owners=["test-agency"],
                          made="2023-03-01", deadline="2024-06", history=list(history))

    said = "2023-06-01"
    return Bundle(
        actors=[Actor(id="audit-office", name="The Audit Office", kind="inspectorate"),
                Actor(id="test-agency", name="The Agency", kind="government department")],
        documents=[Document(id="audit-2023", title="An audit", publisher="The Audit Office",
                            kind="inspection report", published="2023-03")],
        items=[
            rec("audit-r1-never-answered", "Audit R1: publish the data"),
            rec("audit-r2-noted", "Audit R2: train the staff",
                HistoryEntry(response="noted", implementation="not started", evidence="Noted.", assessed_on=said)),
            rec("audit-r3-accepted", "Audit R3: review the cases",
                HistoryEntry(response="accepted", implementation="in progress", evidence="Under way.",
                             assessed_on=said)),
        ],
    )


def _overdue_ids(db, day: dt.date, as_of: dt.date | None) -> set[str]:
    """The overdue items by the frame rule (annotate's days_overdue), not the SQL the pages use."""
    with Store(db) as store:
        plain = frames.annotate(store.items_frame(as_of=as_of), today=day)
    return set(plain[plain["days_overdue"].notna()]["id"])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("overdue-browser")
    db = folder / "tracker.db"
    with Store(db) as store:
        store.import_bundle(load_seed_files(default_seed_dir()), by="test")
        store.import_bundle(_late_recommendations(), by="test")
    with dashboard_server(db, folder) as server:
        yield server.url, db
    assert not server.has_traceback, server.output


def settle(page) -> None:
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(800)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def screenshot(page, name: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(  # the page scrolls inside Streamlit's main block: grow the window to it
        "() => Math.max(...Array.from(document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stMainBlockContainer]')).map(e => e.scrollHeight))")
    page.set_viewport_size({"width": width, "height": min(int(height) + 80, 6_000)})
    page.wait_for_timeout(700)
    page.screenshot(path=str(SCREENSHOTS / f"overdue-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": width, "height": 900})


def _tile_value(page, label: str) -> int:
    tile = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return int(tile.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))


def _downloaded_ids(page) -> set[str]:
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    return set(pd.read_csv(io.StringIO(download.value.path().read_text(encoding="utf-8")))["id"])


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("as_of", [None, PAST], ids=["now", "as-of"])
def test_the_overdue_tile_leads_to_exactly_the_overdue_items(served, browser, width, as_of):
    url, db = served
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{url}/" + (f"?as_of={as_of.isoformat()}" if as_of else ""))
        settle(page)
        expected = _overdue_ids(db, as_of or dt.date.today(), as_of)
        assert {"audit-r1-never-answered", "audit-r2-noted", "audit-r3-accepted"} <= expected
        assert _tile_value(page, "Overdue") == len(expected)
        dated = "now" if as_of is None else "as-of"
        screenshot(page, f"overview-{dated}", width)
        page.locator('a[href*="state=overdue"]').first.click()
        settle(page)
        assert "/tracker" in page.url and "state=overdue" in page.url
        if as_of:
            assert f"as_of={as_of.isoformat()}" in page.url
        assert page.get_by_text(re.compile(rf"^{len(expected)} of [\d,]+ items match$")).count() == 1
        screenshot(page, f"tracker-{dated}", width)
        assert _downloaded_ids(page) == expected
    finally:
        context.close()


@pytest.mark.parametrize("width", [1440, 390])
def test_the_gaps_page_lists_every_item_past_its_deadline(served, browser, width):
    url, db = served
    expected = _overdue_ids(db, dt.date.today(), None)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{url}/gaps")
        settle(page)
        page.get_by_role("heading", name="Past deadline").wait_for()
        summary = page.get_by_text(re.compile(r"open items? (is|are) past (its|their) deadline"))
        assert summary.inner_text().startswith(f"{len(expected)} open items are past their deadline; 1 of them")
        screenshot(page, "gaps", width)
        # the section's link is the same Tracker view as the Overview's tile
        page.get_by_role("link", name="List them in the Tracker (filter: overdue)").click()
        settle(page)
        assert page.get_by_text(re.compile(rf"^{len(expected)} of [\d,]+ items match$")).count() == 1
    finally:
        context.close()
