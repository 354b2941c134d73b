"""Intake in a real browser (Debian Chromium through Playwright): a report's text pasted, its
proposed items reviewed beside it and saved in one go; staff links that keep the session.

The report (tests/browser/data/nine_recommendations.txt) holds nine numbered recommendations
with deadlines (absolute and "within six months of publication") and addressees (known actors
and bodies the tracker does not know yet), and one finding. Every user action is counted: the
target is nine correct items in at most 12 actions and 3 minutes. The document itself is
registered beforehand, as staff do on "Documents and actors". Screenshots go to
test-output/screenshots/intake-*.png.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from browser_support import IDLE
from test_staff_browser import PASSWORD, screenshot, served, settle, sign_in  # noqa: F401

from tracker.models import Document
from tracker.store import Store

pytestmark = pytest.mark.browser

REPORT = (Path(__file__).parent / "data" / "nine_recommendations.txt").read_text(encoding="utf-8")
DOCUMENT = "hmicfrs-2024-follow-up"
#: What the nine items must say: (owners, deadline as stored (first day), precision).
EXPECTED = {
    1: ("home-office", "2025-03-31", "day"),
    2: ("police-forces", "2025-05-20", "day"),  # six months after 20 November 2024
    3: ("npcc", "2025-01-01", "year"),
    4: ("college-of-policing", "2025-06-01", "month"),
    5: ("home-office", "2025-09-30", "day"),
    6: ("police-forces", "2025-11-20", "day"),
    7: ("crown-prosecution-service", "2025-12-31", "day"),
    8: ("department-for-education", "2026-03-01", "month"),
    9: ("npcc", "2025-02-20", "day"),
}
MAX_ACTIONS = 12
MAX_SECONDS = 180


class Person:
    """A member of staff at the browser; every click, fill and visit is one counted action."""

    def __init__(self, page):
        self.page = page
        self.actions = 0

    def visit(self, url: str) -> None:
        self.actions += 1
        self.page.goto(url)
        self.page.wait_for_selector(IDLE)
        settle(self.page)

    def fill(self, locator, text: str) -> None:
        self.actions += 1
        locator.fill(text)

    def click(self, locator) -> None:
        self.actions += 1
        locator.click()
        settle(self.page)


@pytest.fixture(scope="module")
def follow_up(served):
    with Store(served.db) as store:
        store.add_document(Document(id=DOCUMENT, title="Follow-up inspection of the response to group-based CSE",
                                    publisher="HMICFRS", kind="inspection report", published="2024-11-20"),
                           by="test")
    return served


def test_a_pasted_report_of_nine_recommendations_becomes_nine_items(follow_up, new_page):
    from playwright.sync_api import expect

    served = follow_up
    started = time.monotonic()
    page = new_page()
    staff = Person(page)
    staff.visit(f"{served.url}/review-items?document={DOCUMENT}")
    staff.fill(page.get_by_label("Username"), "edna")
    staff.fill(page.get_by_label("Password", exact=True), PASSWORD)
    staff.click(page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("heading", name="Items from a text")).to_be_visible()
    version = served.data_version()

    staff.fill(page.get_by_label("Text of the document"), REPORT)
    staff.click(page.get_by_role("button", name="Propose items"))
    expect(page.get_by_text("10 proposed")).to_be_visible()
    main = page.get_by_test_id("stMain")
    expect(main.locator("mark")).to_have_count(10)  # each proposal marked in the text
    screenshot(page, "intake-01-proposed-beside-the-text")

    staff.click(page.get_by_role("button", name="Accept all"))
    staff.click(page.get_by_test_id("stCheckbox").filter(has_text=re.compile(r"^Accept 1$")))  # the finding
    edit = page.get_by_test_id("stExpander").filter(has_text="Edit 2")
    staff.click(edit.get_by_text("Edit 2"))
    staff.fill(edit.get_by_label("Title"), "HMICFRS recommended that the Home Office publish a national definition")
    expect(page.get_by_text("9 accepted", exact=True)).to_be_visible()
    screenshot(page, "intake-02-reviewed")
    assert served.data_version() == version  # nothing written before the save

    staff.click(page.get_by_role("button", name="Save 9 accepted items"))
    expect(page.get_by_text("Saved 9 items and 3 new actors")).to_be_visible()
    screenshot(page, "intake-03-saved")
    elapsed = time.monotonic() - started

    with Store(served.db) as store:
        items = [row for row in store.item_rows() if row["document_id"] == DOCUMENT]
        names = {a["id"]: a["name"] for a in store.actors()}
    assert len(items) == 9 and {row["kind"] for row in items} == {"recommendation"}
    by_number = {int(re.search(r"-r(\d)-", row["id"]).group(1)): row for row in items}
    for number, (owner, deadline, precision) in EXPECTED.items():
        row = by_number[number]
        assert (row["owners"], row["deadline_start"], row["deadline_precision"]) == (owner, deadline, precision), row
        assert row["quote"] in REPORT and row["makers"] == "hmicfrs" and row["made_start"] == "2024-11-20"
    assert by_number[1]["title"] == "HMICFRS recommended that the Home Office publish a national definition"
    assert names["college-of-policing"] == "College of Policing"
    with Store(served.db) as store:  # the pasted text is kept as the document's: later quotes are checked
        assert store.document_text(DOCUMENT) == REPORT
    assert staff.actions <= MAX_ACTIONS, staff.actions
    assert elapsed <= MAX_SECONDS, elapsed
    print(f"nine items in {staff.actions} actions and {elapsed:.0f} s")

    # The next step is a link inside the staff workspace: it opens in the same tab and session.
    page.get_by_role("link", name="Record their statuses from a progress report").click()
    settle(page)
    expect(page.get_by_role("heading", name="Statuses from a progress report")).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_text("Signed in as")).to_be_visible()
    screenshot(page, "intake-04-statuses-of-the-new-items")
    expect(page.get_by_text("9 items.")).to_be_visible()



def test_links_between_staff_pages_keep_the_session(served, new_page):
    from playwright.sync_api import expect

    item = served.items("commitment")[0]
    page = new_page()
    sign_in(page, served, f"record-assessment?item={item['id']}", "edna")
    sidebar = page.get_by_test_id("stSidebar")
    page.get_by_role("link", name="Edit this item, its deadline, its links").click()
    settle(page)
    expect(page.get_by_role("heading", name="Items")).to_be_visible()
    expect(page.get_by_role("button", name="Save changes")).to_be_visible()  # the item, not "New item"
    page.get_by_role("link", name="Record an assessment of this item").click()
    settle(page)
    expect(page.get_by_role("heading", name="Record an assessment")).to_be_visible()
    expect(page.get_by_role("button", name="Save assessment")).to_be_visible()
    page.get_by_role("link", name="Public page of this item").click()
    settle(page)
    sidebar.get_by_role("link", name="Statuses from a report").click()
    settle(page)
    expect(page.get_by_role("heading", name="Statuses from a progress report")).to_be_visible()
    expect(sidebar.get_by_text("Signed in as")).to_be_visible()
    assert page.get_by_text("This page is for policy staff").count() == 0


def test_statuses_from_a_progress_report_in_one_save(served, new_page):
    from playwright.sync_api import expect

    document = "bbc-news-2023-12-hmicfrs-cse-inspection"
    with Store(served.db) as store:
        if document not in {d["id"] for d in store.documents()}:
            pytest.skip("the project's seeds are not here")
        before = {row["id"]: row for row in store.item_rows()}
    page = new_page()
    sign_in(page, served, f"bulk-status?items_of={document}", "edna")
    page.get_by_role("combobox", name="Progress report: the document the evidence comes from").click()
    page.get_by_role("option", name=re.compile(document)).click()
    settle(page)
    page.get_by_role("textbox", name="Date the evidence refers to: YYYY-MM-DD or YYYY-MM").fill("2024-03")
    page.get_by_role("textbox", name="Evidence for every item below").fill(
        "Browser test: the progress report of March 2024 says work continues.")
    page.get_by_role("heading", name="2. The items").click()  # leaving the box applies what was typed
    settle(page)
    grid = page.get_by_test_id("stDataFrame")
    expect(grid).to_be_visible()
    shown = [row.locator("td").first.inner_text() for row in grid.locator("table tbody tr").all()]
    commitment = next(i for i, ident in enumerate(shown) if before[ident]["kind"] == "commitment")
    # The grid is drawn on a canvas: a double click on the row's "New status" cell (the fifth
    # column, 460 px in at this width) opens its list of statuses.
    grid.scroll_into_view_if_needed()
    options = page.locator("#portal [role=option]")
    # A double click that lands while the grid redraws is lost (seen once in a full CI run on a
    # loaded machine): settle, read the grid's place again and try again, up to six times.
    for _ in range(6):
        settle(page)
        page.wait_for_timeout(500)  # the grid settles after scrolling
        box = grid.bounding_box()
        page.mouse.dblclick(box["x"] + 460, box["y"] + 35 + 35 * commitment + 17)
        try:
            options.filter(has_text=re.compile("^stalled$")).wait_for(timeout=5000)
            break
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError
            page.keyboard.press("Escape")
    options.filter(has_text=re.compile("^stalled$")).click()
    settle(page)
    screenshot(page, "intake-05-status-chosen")
    # The grid sends its edit to the server a moment after the choice; a Save that beats it is
    # refused with "Nothing to save" and writes nothing (seen once under load), so save again -
    # but only after that refusal: under load the success message can come late, and a second
    # Save after a write that did happen is itself answered "Nothing to save".
    recorded = page.get_by_text("Recorded 1 status change in one save")
    refused = page.get_by_text("Nothing to save")
    for _ in range(4):
        page.get_by_role("button", name=re.compile(r"^Save the changes")).click()
        settle(page)
        try:
            expect(recorded.or_(refused).first).to_be_visible(timeout=30_000)
        except AssertionError:
            pass
        if recorded.count() or not refused.count():
            break
        page.wait_for_timeout(1000)
    screenshot(page, "intake-07-statuses-saved")
    expect(page.get_by_text("Recorded 1 status change in one save")).to_be_visible()
    with Store(served.db) as store:
        latest = store.history(shown[commitment])[-1] if store.history(shown[commitment]) else None
        entries = sorted(store.history(shown[commitment]), key=lambda h: h["id"])
    assert latest is not None
    assert (entries[-1]["status"], entries[-1]["assessed_on"], entries[-1]["assessed_on_precision"],
            entries[-1]["evidence_document_id"]) == ("stalled", "2024-03-01", "month", document)


def test_a_picker_shows_kind_date_document_and_id_and_takes_a_pasted_id(served, new_page):
    from playwright.sync_api import expect

    item = served.items("recommendation")[0]
    page = new_page()
    sign_in(page, served, "record-assessment", "edna")
    picker = page.get_by_role("combobox", name="Item", exact=True)
    picker.click()
    picker.fill(item["id"])  # an id pasted from an address or a spreadsheet
    options = page.get_by_role("option")
    expect(options).to_have_count(1)
    label = options.first.inner_text()
    assert item["id"] in label and "recommendation" in label and re.search(r"\b(19|20)\d\d\b", label), label
    screenshot(page, "intake-08-picker-with-a-pasted-id")
    options.first.click()
    settle(page)
    expect(page.get_by_role("button", name="Save assessment")).to_be_visible()
    expect(page.get_by_role("heading", name=item["title"])).to_be_visible()


def test_bad_input_on_the_review_page_gets_a_message_and_writes_nothing(follow_up, new_page):
    from playwright.sync_api import expect

    served = follow_up
    page = new_page()
    sign_in(page, served, f"review-items?document={DOCUMENT}", "eric")
    before = served.data_version()
    page.get_by_text("Paste the text", exact=True).click()  # the document's text may be stored by now
    settle(page)
    page.get_by_role("button", name="Propose items").click()
    settle(page)
    expect(page.get_by_text("there is no text to store")).to_be_visible()
    page.get_by_label("Text of the document").fill(
        "Recommendation 1: By 31 March 2025, the Department of Nowhere should <b>act</b> <script>alert(1)</script>.")
    page.get_by_role("button", name="Propose items").click()
    settle(page)
    expect(page.get_by_text("1 proposed")).to_be_visible()
    expect(page.get_by_test_id("stMain").locator("mark")).to_contain_text("<script>alert(1)</script>")  # shown as text
    page.get_by_role("button", name="Accept all").click()
    settle(page)
    edit = page.get_by_test_id("stExpander").filter(has_text="Edit 1")
    edit.get_by_text("Edit 1").click()
    edit.get_by_label("Deadline: YYYY-MM-DD, YYYY-MM or YYYY (empty: none)").fill("31/03/2025")
    page.get_by_role("button", name="Save 1 accepted item").click()
    settle(page)
    expect(page.get_by_text("Nothing was saved")).to_be_visible()
    expect(page.get_by_text("is not a date")).to_be_visible()
    screenshot(page, "intake-09-bad-input-refused")
    assert served.data_version() == before
