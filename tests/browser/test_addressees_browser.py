"""A status per addressee (issue 13) in a real browser: an editor records, through the staff
assessment form, two of a recommendation's six addressees as having implemented it and the other
four as in progress; a signed-out reader then sees one row per body on the item page, "2 of 6
implemented", and the item as in progress. Screenshots go to test-output/screenshots/."""

from __future__ import annotations

import pytest
from browser_support import IDLE, ROOT, dashboard_server, settle, sign_in, visit
from dashboard_fixture import build_seeded_db

from tracker import auth
from tracker.models import Actor, Bundle, Document, HistoryEntry, ItemRecord, UserIn
from tracker.store import Store

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-output" / "screenshots"
PASSWORD = "correct horse battery"
BODIES = {"body-home": "Home Department", "body-police": "Police Board", "body-courts": "Courts Service",
          "body-prisons": "Prison Service", "body-probation": "Probation Service", "body-councils": "Councils Group"}
ITEM = "audit-share-data"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("addressees-browser")
    db = build_seeded_db(folder / "tracker.db")
    with Store(db) as store:
        auth.create_user(store, UserIn(username="edna", display_name="Edna Editor"), PASSWORD, by="test")
        store.import_bundle(Bundle(
            actors=[Actor(id=ident, name=name, kind="other") for ident, name in BODIES.items()]
            + [Actor(id="audit-office", name="The Audit Office", kind="other")],
            documents=[Document(id="audit-2022", title="Sharing data: an audit", publisher="The Audit Office",
                                kind="inspection report", published="2022-03-01")],
            items=[ItemRecord(
                id=ITEM, kind="recommendation", title="Audit Office: six bodies to share case data",
                quote="share case data with each other", document_id="audit-2022", makers=["audit-office"],
                owners=list(BODIES), made="2022-03-01", deadline="2023-03",
                history=[HistoryEntry(response="accepted", implementation="not started",
                                      evidence="The government response accepted it for all six.",
                                      assessed_on="2022-06-01")])],
        ), by="test")
    with dashboard_server(db, folder, env={"TRACKER_AUTH": "local"}) as server:
        yield server.url, db
    assert not server.has_traceback, server.output



def choose(page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    try:
        page.get_by_role("listbox").wait_for(timeout=2000)
    except Exception:  # the first click after a save only focuses the box (seen since the merge with d13)
        box.click()
    page.get_by_role("option", name=option, exact=True).click()


def record(page, *, implementation: str, bodies: list[str], evidence: str) -> None:
    choose(page, "Implementation", implementation)
    box = page.get_by_role("combobox", name="About these addressees only (leave empty: all of them)")
    for body in bodies:
        box.click()
        page.get_by_role("option", name=BODIES[body], exact=True).click()
    page.keyboard.press("Escape")
    page.get_by_role("textbox", name="Evidence", exact=True).fill(evidence)
    page.get_by_role("button", name="Save assessment").click()
    settle(page)
    from playwright.sync_api import expect

    expect(page.get_by_text("Recorded.")).to_be_visible()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_six_bodies_each_with_its_own_status(served, browser):
    from playwright.sync_api import expect

    url, db = served
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, f"{url}/record-assessment?item={ITEM}", "edna", PASSWORD)
    record(page, implementation="implemented", bodies=["body-home", "body-police"],
           evidence="The Audit Office's follow-up found data shared by these two.")
    record(page, implementation="in progress", bodies=["body-courts", "body-prisons", "body-probation",
                                                      "body-councils"],
           evidence="The follow-up found work under way at these four.")
    screenshot(page, "addressees-staff-form")
    context.close()
    with Store(db) as store:
        assert [r["implementation"] for r in store.addressee_statuses(ITEM)] == \
            ["implemented"] * 2 + ["in progress"] * 4

    reader = browser.new_context(viewport={"width": 1400, "height": 1000})
    reader.set_default_timeout(20_000)
    page = reader.new_page()
    visit(page, f"{url}/item?id={ITEM}")
    expect(page.get_by_text("2 of 6 implemented")).to_be_visible()
    table = page.get_by_test_id("stTable")
    body_rows = table.locator("tbody tr")
    expect(body_rows).to_have_count(6)
    for ident, name in BODIES.items():
        row = body_rows.filter(has_text=name)
        expect(row).to_have_count(1)
        want = "implemented" if ident in ("body-home", "body-police") else "in progress"
        expect(row.locator("td").nth(1)).to_have_text(want)
    expect(page.get_by_text("Implementation: in progress · open")).to_be_visible()
    expect(page.get_by_text("About Home Department; Police Board only")).to_be_visible()
    screenshot(page, "addressees-item-page")
    visit(page, f"{url}/gaps")  # the delivery gap names the four bodies behind (a grid: see the screenshot)
    expect(page.get_by_role("heading", name="Delivery gap")).to_be_visible()
    page.get_by_test_id("stDataFrame").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "addressees-gaps.png"))
    reader.close()
