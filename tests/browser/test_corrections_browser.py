"""Issue 13 in a real browser (Debian Chromium through Playwright): an editor records an
assessment dated to the month, then marks it as mistaken with a reason through the staff pages;
a reader then sees it struck through with the reason, "corrected by a tracker editor" and the
date, never the editor's username, and the item's status back where the assessments that count
put it. Bad input (no reason) is refused next to its field and writes nothing. Screenshots go to
test-output/screenshots/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from browser_support import IDLE, ROOT, dashboard_server, settle, sign_in, visit
from dashboard_fixture import build_seeded_db

from tracker import auth
from tracker.models import UserIn
from tracker.store import Store

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-output" / "screenshots"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corrections-browser")
    db = build_seeded_db(folder / "tracker.db")
    with Store(db) as store:
        auth.create_user(store, UserIn(username="edna", display_name="Edna Editor"), PASSWORD, by="test")
    with dashboard_server(db, folder, env={"TRACKER_AUTH": "local"}) as server:
        yield server.url, db
    assert not server.has_traceback, server.output




def choose(page, label: str, option: str) -> None:
    """Pick ``option`` of the select box ``label`` (a click that lands while the page redraws can
    leave the list closed: it is opened again)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(4):
        box.click()
        try:
            wanted.wait_for(timeout=5_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    wanted.click()


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def _history(db: Path, item_id: str) -> list[dict]:
    with Store(db) as store:
        return store.history(item_id)


def test_an_editor_corrects_a_mistaken_assessment_and_a_reader_sees_it_struck_through(served, new_page):
    from playwright.sync_api import expect

    url, db = served
    with Store(db) as store:
        item = next(row for row in store.item_rows() if row["kind"] == "commitment" and row["status"])
    before_status = item["status"]
    wrong = "delivered" if before_status != "delivered" else "stalled"
    evidence = "Browser test: a progress report of this month, misread as saying it was done."

    page = new_page()
    sign_in(page, f"{url}/record-assessment?item={item['id']}", "edna", PASSWORD)
    expect(page.get_by_role("heading", name="Record an assessment")).to_be_visible()

    # 1. the mistaken assessment, dated to the month
    choose(page, "Status", wrong)
    page.get_by_role("textbox", name="Evidence", exact=True).fill(evidence)
    choose(page, "How precisely the evidence is dated", "To the month only, e.g. July 2025")
    page.get_by_role("button", name="Save assessment").click()
    settle(page)
    expect(page.get_by_text("Recorded.")).to_be_visible()
    latest = _history(db, item["id"])[-1]
    today = dt.date.today()
    assert (latest["status"], latest["assessed_on"], latest["assessed_on_precision"]) == (
        wrong, today.replace(day=1).isoformat(), "month")
    month = today.strftime("%B %Y")

    # 2. no reason: refused next to its field, nothing written
    label = f"#{latest['id']} · {month} · {wrong} · {evidence[:59]}\u2026"
    choose(page, "Assessment", label)
    page.get_by_role("button", name="Mark as mistaken").click()
    settle(page)
    expect(page.get_by_text("this field is required")).to_be_visible()
    assert _history(db, item["id"])[-1]["correction_reason"] is None
    screenshot(page, "corrections-01-no-reason-refused")

    # 3. the correction
    reason = "The report says the work is still under way; it was misread."
    page.get_by_role("textbox", name="Why it is mistaken").fill(reason)
    page.get_by_role("button", name="Mark as mistaken").click()
    settle(page)
    expect(page.get_by_text("Corrected. The assessment stays in the history")).to_be_visible()
    entry = _history(db, item["id"])[-1]
    assert (entry["id"], entry["correction_reason"], entry["corrected_by"]) == (latest["id"], reason, "edna")
    with Store(db) as store:
        assert store.get_item(item["id"])["status"] == before_status  # recomputed without it
    page.get_by_text("Recent history").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    screenshot(page, "corrections-02-staff-page-after-correction", full_page=False)

    # 4. a reader, in another browser, never signed in
    reader = new_page()
    visit(reader, f"{url}/item?id={item['id']}")
    main = reader.get_by_test_id("stMain")
    expect(main.get_by_text("Corrected: does not count")).to_be_visible()
    expect(main.get_by_text(f"Corrected by a tracker editor on {today.isoformat()}: {reason}")).to_be_visible()
    expect(main.locator("del", has_text=evidence)).to_be_visible()  # struck through
    expect(main.locator("del", has_text=month)).to_be_visible()
    assert "edna" not in main.inner_text()
    main.get_by_text("Corrected: does not count").evaluate("e => e.scrollIntoView({block: 'center'})")
    reader.wait_for_timeout(300)
    screenshot(reader, "corrections-03-reader-sees-it-struck-through", full_page=False)
