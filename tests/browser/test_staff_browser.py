"""The staff workspace in a real browser (Debian Chromium through Playwright).

One dashboard server (``tracker serve``) on a seeded temporary database serves every test
here. What is checked is what people do: an editor signs in and records an assessment that the
audit log and a signed-out reader then see; a second editor's conflicting save is refused
without losing what they typed; a viewer finds no write action; bad input is refused with a
message. Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import browser_support
import pytest
from browser_support import IDLE, ROOT, dashboard_server, settle, visit
from dashboard_fixture import build_seeded_db

from tracker import auth
from tracker.models import UserIn
from tracker.store import Store

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-output" / "screenshots"
PASSWORD = "correct horse battery"
STAFF_URLS = ["record-assessment", "edit-items", "edit-sources", "import", "audit-log", "users"]


@dataclass
class Served:
    url: str
    db: Path

    def items(self, kind: str) -> list[dict]:
        with Store(self.db) as store:
            return [row for row in store.item_rows() if row["kind"] == kind]

    def history(self, item_id: str) -> list[dict]:
        with Store(self.db) as store:
            return store.history(item_id)

    def data_version(self) -> int:
        with Store(self.db) as store:
            return store.data_version()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The dashboard on a seeded database with two editors, signing in with local passwords."""
    folder = tmp_path_factory.mktemp("staff-browser")
    db = build_seeded_db(folder / "tracker.db")
    with Store(db) as store:
        for username, name in (("edna", "Edna Editor"), ("eric", "Eric Editor")):
            auth.create_user(store, UserIn(username=username, display_name=name), PASSWORD, by="test")
    with dashboard_server(db, folder, env={"TRACKER_AUTH": "local"}) as server:
        yield Served(url=server.url, db=db)
    assert not server.has_traceback, server.output



# -- what a person does ----------------------------------------------------------------------------



def sign_in(page, served: Served, path: str, username: str) -> None:
    """Open a staff URL and sign in on the form it shows; the page itself then appears."""
    browser_support.sign_in(page, f"{served.url}/{path}", username, PASSWORD)


def choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def fill_assessment(page, *, evidence: str, url: str = "", status: str | None = None) -> None:
    if status:
        choose(page, "Status", status)
    page.get_by_role("textbox", name="Evidence", exact=True).fill(evidence)
    page.get_by_role("textbox", name="Evidence web address (optional)").fill(url)


def save(page) -> None:
    page.get_by_role("button", name="Save assessment").click()
    settle(page)


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def expect_in_table(page, text: str) -> None:
    """Wait for a data table cell holding ``text``; tables are drawn on a canvas, so this reads
    their accessible copy, which fills in just after the grid appears."""
    from playwright.sync_api import expect

    cells = page.locator('[data-testid="stDataFrame"] table td').filter(has_text=text)
    expect(cells.first).to_be_attached()


def other_status(current: str | None) -> str:
    return "stalled" if current != "stalled" else "partly delivered"


# -- the tests ------------------------------------------------------------------------------------


def test_editor_records_an_assessment_that_everyone_then_sees(served, new_page):
    from playwright.sync_api import expect

    item = served.items("commitment")[0]
    status = other_status(item["status"])
    evidence = "Browser test: the Home Office said in a written answer that work continued."
    page = new_page()
    sign_in(page, served, f"record-assessment?item={item['id']}", "edna")
    expect(page.get_by_role("heading", name="Record an assessment")).to_be_visible()
    expect(page.get_by_text("Recent history")).to_be_visible()  # the history beside the form
    screenshot(page, "staff-01-assessment-form")
    fill_assessment(page, status=status, evidence=evidence, url="https://questions-statements.parliament.uk/")
    save(page)
    expect(page.get_by_text("Recorded.")).to_be_visible()
    latest = served.history(item["id"])[-1]
    assert (latest["status"], latest["evidence"], latest["recorded_by"]) == (status, evidence, "edna")
    screenshot(page, "staff-02-assessment-recorded")

    page.get_by_role("link", name="Public page of this item").click()
    settle(page)
    expect(page.get_by_text(evidence).first).to_be_visible()
    screenshot(page, "staff-03-item-page-after-save")

    page.get_by_test_id("stSidebar").get_by_role("link", name="Audit log").click()
    settle(page)
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    for text in ("edna", "assess", f"item {item['id']}", f"status: {status}", evidence):
        expect_in_table(page, text)
    screenshot(page, "staff-04-audit-log")

    reader = new_page()  # another browser, never signed in
    visit(reader, f"{served.url}/item?id={item['id']}")
    expect(reader.get_by_text(evidence).first).to_be_visible()
    expect(reader.get_by_text(status).first).to_be_visible()
    assert reader.get_by_test_id("stForm").count() == 0
    screenshot(reader, "staff-05-public-item-page-other-browser")


def test_conflicting_save_is_refused_and_loses_nothing(served, new_page):
    from playwright.sync_api import expect

    item = served.items("commitment")[1]
    first, second = new_page(), new_page()
    sign_in(first, served, f"record-assessment?item={item['id']}", "edna")
    sign_in(second, served, f"record-assessment?item={item['id']}", "eric")
    fill_assessment(first, status="in progress", evidence="Edna: the department reported progress.")
    save(first)
    expect(first.get_by_text("Recorded.")).to_be_visible()

    typed = "Eric: a long note typed while Edna was saving, which must not be lost."
    fill_assessment(second, status="stalled", evidence=typed)
    save(second)
    expect(second.get_by_text("changed by someone else")).to_be_visible()
    expect(second.get_by_text("Changed meanwhile")).to_be_visible()
    expect(second.locator("li", has_text="Edna: the department reported progress.")).to_be_visible()
    expect(second.get_by_role("textbox", name="Evidence", exact=True)).to_have_value(typed)
    assert served.history(item["id"])[-1]["evidence"] == "Edna: the department reported progress."
    screenshot(second, "staff-06-conflict-refused")

    save(second)  # having seen Edna's change, Eric saves deliberately
    expect(second.get_by_text("Recorded.")).to_be_visible()
    assert [h["recorded_by"] for h in served.history(item["id"])][-2:] == ["edna", "eric"]


def test_a_viewer_cannot_reach_any_write_action(served, new_page):
    from playwright.sync_api import expect

    before = served.data_version()
    page = new_page()
    visit(page, served.url)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("link", name="Staff sign-in")).to_be_visible()
    for hidden in ("Record assessment", "Audit log", "Users", "Import a file"):
        assert sidebar.get_by_role("link", name=hidden).count() == 0
    assert page.get_by_role("button", name="Sign out").count() == 0
    for path in STAFF_URLS:
        visit(page, f"{served.url}/{path}")
        main = page.get_by_test_id("stMain")
        expect(main.get_by_text("This page is for policy staff")).to_be_visible()
        assert main.locator("textarea").count() == 0
        assert main.locator('input[type="file"]').count() == 0
        buttons = {b.get_attribute("aria-label") or b.inner_text().split("\n")[-1].strip()
                   for b in main.get_by_role("button").all()}
        assert buttons == {"Sign in", "Show password"}, buttons
    item = served.items("commitment")[0]
    visit(page, f"{served.url}/item?id={item['id']}")
    main = page.get_by_test_id("stMain")
    assert main.get_by_test_id("stForm").count() == 0 and main.locator("textarea").count() == 0
    screenshot(page, "staff-07-viewer-on-staff-url")
    visit(page, f"{served.url}/record-assessment")
    screenshot(page, "staff-08-viewer-sign-in-prompt")
    assert served.data_version() == before


def test_bad_input_is_refused_with_a_message(served, new_page):
    from playwright.sync_api import expect

    item = served.items("call")[0] if served.items("call") else served.items("commitment")[0]
    before = len(served.history(item["id"]))
    page = new_page()
    sign_in(page, served, f"record-assessment?item={item['id']}", "edna")
    fill_assessment(page, evidence="   ")
    save(page)
    expect(page.get_by_text("this field is required")).to_be_visible()
    fill_assessment(page, evidence="Evidence with a bad link", url="javascript:alert(1)")
    save(page)
    expect(page.get_by_text("must be an http:// or https:// address")).to_be_visible()
    expect(page.get_by_role("textbox", name="Evidence", exact=True)).to_have_value("Evidence with a bad link")
    screenshot(page, "staff-09-bad-input-refused")
    assert len(served.history(item["id"])) == before
