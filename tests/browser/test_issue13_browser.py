"""Issue 13 end to end in Chromium, as its "What it must show" asks.

Through the staff pages an editor adds a recommendation addressed to six bodies whose deadline
("March 2023") has long passed, records all six as in progress (evidence of January 2024,
dated to the month), records by mistake one body as having implemented it, records two bodies
as having implemented it (July 2024, to the month), and marks the mistaken assessment as
such. Then a reader in another browser, never signed in, sees: the item page's six rows with
their own statuses and the correction struck through; the Gaps page's past-deadline list with
the item, its days overdue and "4 of 6 bodies"; the Overview's "Overdue" tile leading to a
Tracker view of exactly the store's overdue items; each body's own status in the scorecard;
and, as of a day before the first assessment, all six awaiting a response. Screenshots of the
reader's steps go to the test's folder and /work/shots13/ (when that can be written).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from browser_support import dashboard_server, labelled, pick_option, pick_options, settle, sign_in, visit

from tracker import auth, frames
from tracker.models import Actor, Bundle, Document, HistoryEntry, ItemRecord, UserIn
from tracker.store import Store

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
SHARED_SHOTS = Path("/work/shots13")
ITEM = "audit-r4-share-case-data"
TITLE = "Audit Office: six bodies to share case data"
BODIES = {"body-home": "Home Department", "body-police": "Police Board", "body-courts": "Courts Service",
          "body-prisons": "Prison Service", "body-probation": "Probation Service", "body-councils": "Councils Group"}
DONE = ["body-home", "body-police"]  # implemented; the other four in progress
DEADLINE_END = dt.date(2023, 3, 31)  # "March 2023"
BEFORE_ANY_ASSESSMENT = dt.date(2023, 12, 31)


def _record() -> Bundle:
    """What the staff pages need to exist already: the bodies, the maker, the audit, and other
    items for the overdue view to tell apart (one overdue without a response, one closed past its
    deadline, one not yet due)."""
    def other(item_id, title, deadline, *history):
        return ItemRecord(id=item_id, kind="recommendation", title=title, quote="The agency should act.",
                          document_id="audit-2022", makers=["audit-office"], owners=["other-agency"],
                          made="2022-03-01", deadline=deadline, history=list(history))

    return Bundle(
        actors=[Actor(id=ident, name=name, kind="other") for ident, name in BODIES.items()]
        + [Actor(id="audit-office", name="The Audit Office", kind="inspectorate"),
           Actor(id="other-agency", name="The Other Agency", kind="government department")],
        documents=[Document(id="audit-2022", title="Sharing data: an audit", publisher="The Audit Office",
                            kind="inspection report", published="2022-03-01")],
        items=[
            other("audit-r1-never-answered", "Audit Office: publish the figures", "2023-06"),
            other("audit-r2-done-late", "Audit Office: train the staff", "2023-06",
                  HistoryEntry(response="accepted", implementation="implemented", evidence="Done, late.",
                               assessed_on="2024-02-01")),
            other("audit-r3-not-yet-due", "Audit Office: review the cases", f"{dt.date.today().year + 2}"),
        ],
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("issue13-browser")
    db = folder / "tracker.db"
    with Store(db) as store:
        store.import_bundle(_record(), by="test")
        auth.create_user(store, UserIn(username="edna", display_name="Edna Editor"), PASSWORD, by="test")
    with dashboard_server(db, folder, env={"TRACKER_AUTH": "local"}) as server:
        yield server.url, db, folder
    assert not server.has_traceback, server.output


def shoot(page, folder: Path, name: str) -> None:
    """A full-height screenshot (Streamlit scrolls inside its main block: the window grows to
    it), in the test's folder and, for looking at later, /work/shots13/."""
    height = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stMainBlockContainer]')).map(e => e.scrollHeight))")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 80, 5_000)})
    page.wait_for_timeout(500)
    path = folder / "shots" / f"{name}.png"
    path.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    try:
        SHARED_SHOTS.mkdir(exist_ok=True)
        shutil.copy(path, SHARED_SHOTS / path.name)
    except OSError:
        pass  # a machine without /work: the test's folder holds them


def no_error(page) -> None:
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_test_id("stAlertContentError").count() == 0, page.get_by_test_id(
        "stAlertContentError").first.inner_text()


def assess(page, *, implementation: str, bodies: list[str], evidence: str, day: str, response: str = "accepted"
           ) -> None:
    """Fill and save the staff assessment form: ``day`` (YYYY-MM-DD) dated to its month."""
    from playwright.sync_api import expect

    pick_option(page, labelled(page, "stSelectbox", "Response"), response)
    pick_option(page, labelled(page, "stSelectbox", "Implementation"), implementation)
    pick_options(page, labelled(page, "stMultiSelect", "About these addressees only"), [BODIES[b] for b in bodies])
    page.get_by_role("textbox", name="Evidence", exact=True).fill(evidence)
    when = labelled(page, "stDateInput", "Date the evidence refers to").locator("input")
    when.fill(day)
    when.press("Enter")
    page.keyboard.press("Escape")
    pick_option(page, labelled(page, "stSelectbox", "How precisely the evidence is dated"),
                "To the month only, e.g. July 2025")
    page.get_by_role("button", name="Save assessment").click()
    settle(page)
    expect(page.get_by_text("Recorded.")).to_be_visible()


def grid_rows(grid) -> list[dict[str, str]]:
    """The rows of the data table ``grid`` (an ``stDataFrame``), by column header, from the
    grid's accessible copy (the grid itself is a canvas; the copy holds the columns in view)."""
    grid.scroll_into_view_if_needed()
    table = grid.locator("table")
    table.locator("tbody tr").first.wait_for(state="attached")
    headers = [h.inner_text().strip() for h in table.locator("thead th").all()]
    return [dict(zip(headers, (c.inner_text().strip() for c in row.locator("td, th").all())))
            for row in table.locator("tbody tr").all()]


def past_deadline_grid(page):
    """The table of the Gaps page's "Past deadline" section: the first after its heading."""
    return page.get_by_role("heading", name="Past deadline").locator(
        "xpath=following::*[@data-testid='stDataFrame'][1]")


def overdue_ids(db: Path, today: dt.date) -> set[str]:
    """The store's own overdue set: by the frame rule (``annotate``'s days_overdue), not the SQL
    the pages read."""
    with Store(db) as store:
        plain = frames.annotate(store.items_frame(), today=today)
    return set(plain[plain["days_overdue"].notna()]["id"])


def test_six_bodies_past_their_deadline_from_staff_pages_to_readers(served, new_page):
    from playwright.sync_api import expect

    url, db, folder = served
    today = dt.date.today()

    # -- staff: the recommendation, addressed to six bodies, its deadline long past -------------
    page = new_page()
    sign_in(page, f"{url}/edit-items?edit_item=new", "edna", PASSWORD)
    expect(page.get_by_role("heading", name="Items")).to_be_visible()
    page.get_by_role("textbox", name="Id (optional)").fill(ITEM)
    pick_option(page, labelled(page, "stSelectbox", "Kind"), "recommendation")
    page.get_by_role("textbox", name="Title: a neutral one-line summary, attributed").fill(TITLE)
    page.get_by_role("textbox", name="Quote, verbatim from the document").fill(
        "The six bodies should share case data with each other by March 2023.")
    pick_option(page, labelled(page, "stSelectbox", "Document the quote comes from"),
                re.compile(r"^Sharing data: an audit \("))
    page.get_by_role("textbox", name="Reference within the document (optional)").fill("Recommendation 4")
    pick_options(page, labelled(page, "stMultiSelect", "Made by"), ["The Audit Office (audit-office)"])
    pick_options(page, labelled(page, "stMultiSelect", "Owners or addressees"),
                 [f"{name} ({ident})" for ident, name in BODIES.items()])
    page.get_by_role("textbox", name="Date made: YYYY-MM-DD, YYYY-MM or YYYY").fill("2022-03-01")
    page.get_by_role("textbox", name="Deadline (optional): YYYY-MM-DD, YYYY-MM or YYYY").fill("2023-03")
    page.get_by_role("button", name="Add item").click()
    settle(page)
    no_error(page)
    expect(page.get_by_text(f"Item added as “{ITEM}”")).to_be_visible()
    with Store(db) as store:
        item = store.get_item(ITEM)
    assert (item["kind"], item["owners"], item["deadline_start"], item["deadline_precision"]) == (
        "recommendation", "; ".join(BODIES), "2023-03-01", "month")

    # -- staff: assessments dated to the month, one of them mistaken, then corrected -------------
    visit(page, f"{url}/record-assessment?item={ITEM}")
    expect(page.get_by_role("heading", name="Record an assessment")).to_be_visible()
    assess(page, implementation="in progress", bodies=[], day="2024-01-15",
           evidence="The Audit Office's follow-up of January 2024 found work under way at all six.")
    mistaken = "Misread: the follow-up of March 2024 was taken to say the Courts Service had finished."
    assess(page, implementation="implemented", bodies=["body-courts"], day="2024-03-10", evidence=mistaken)
    assess(page, implementation="implemented", bodies=DONE, day="2024-07-20",
           evidence="The Audit Office's follow-up of July 2024 found data shared by these two.")
    with Store(db) as store:
        history = store.history(ITEM)
    assert [(h["assessed_on"], h["assessed_on_precision"]) for h in history] == [
        ("2024-01-01", "month"), ("2024-03-01", "month"), ("2024-07-01", "month")]
    wrong = history[1]
    pick_option(page, labelled(page, "stSelectbox", "Assessment"), re.compile(rf"^#{wrong['id']} · March 2024 · "))
    reason = "The follow-up says the Courts Service's work is still under way; it was misread."
    page.get_by_role("textbox", name="Why it is mistaken").fill(reason)
    page.get_by_role("button", name="Mark as mistaken").click()
    settle(page)
    no_error(page)
    expect(page.get_by_text("Corrected. The assessment stays in the history")).to_be_visible()
    with Store(db) as store:
        own = {row["actor_id"]: row["implementation"] for row in store.addressee_statuses(ITEM)}
    assert own == {b: ("implemented" if b in DONE else "in progress") for b in BODIES}

    # -- a reader, another browser, never signed in: the item page ------------------------------
    reader = new_page()
    visit(reader, f"{url}/item?id={ITEM}")
    main = reader.get_by_test_id("stMain")
    expect(main.get_by_text("2 of 6 implemented")).to_be_visible()
    rows = main.get_by_test_id("stTable").locator("tbody tr")
    expect(rows).to_have_count(6)
    for ident, name in BODIES.items():
        row = rows.filter(has_text=name)
        expect(row).to_have_count(1)
        expect(row.locator("td").nth(1)).to_have_text("implemented" if ident in DONE else "in progress")
        expect(row).to_contain_text("2024-07" if ident in DONE else "2024-01")  # dated to the month
    for month in ("July 2024", "March 2024", "January 2024"):  # the history dates evidence to its month
        expect(main.locator("p", has_text=re.compile(rf"^{month} — response: accepted"))).to_be_visible()
    expect(main.get_by_text("Corrected: does not count")).to_be_visible()
    expect(main.locator("del", has_text=mistaken)).to_be_visible()  # struck through
    expect(main.get_by_text(reason)).to_be_visible()
    shoot(reader, folder, "issue13-1-item-page")

    # -- the Gaps page's past-deadline list: days overdue, "4 of 6 bodies" ---------------------
    visit(reader, f"{url}/gaps")
    expect(reader.get_by_role("heading", name="Past deadline")).to_be_visible()
    listed = {row["What"]: row for row in grid_rows(past_deadline_grid(reader))}
    assert TITLE in listed, listed
    assert listed[TITLE]["Behind"] == "4 of 6 bodies"
    assert listed[TITLE]["Days overdue"].replace(",", "") == str((today - DEADLINE_END).days)
    behind = set(listed[TITLE]["Bodies behind"].split("; "))
    assert behind == {name for ident, name in BODIES.items() if ident not in DONE}
    reader.get_by_role("heading", name="Past deadline").scroll_into_view_if_needed()
    shoot(reader, folder, "issue13-2-gaps-past-deadline")

    # -- the Overview's "Overdue" tile leads to exactly the overdue items ------------------------
    expected = overdue_ids(db, today)
    assert expected == {ITEM, "audit-r1-never-answered"}  # not the one done late, not the one not due
    visit(reader, url)
    tile = reader.get_by_test_id("stMetric").filter(has_text="Overdue").first
    assert tile.get_by_test_id("stMetricValue").inner_text() == str(len(expected))
    shoot(reader, folder, "issue13-3-overview")
    reader.locator('a[href*="state=overdue"]').first.click()
    settle(reader)
    assert "/tracker" in reader.url and "state=overdue" in reader.url
    expect(reader.get_by_text(re.compile(rf"^{len(expected)} of \d+ items match$"))).to_be_visible()
    with reader.expect_download() as download:
        reader.get_by_role("button", name="Download CSV").click()
    assert set(pd.read_csv(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8")))["id"]) == expected
    shoot(reader, folder, "issue13-4-tracker-overdue")

    # -- the scorecard counts each body's own status ---------------------------------------------
    visit(reader, url)
    reader.get_by_text("The scorecard as a table").click()
    settle(reader)
    card = {row["group"]: row for row in grid_rows(
        reader.get_by_test_id("stExpander").filter(has_text="The scorecard as a table").get_by_test_id("stDataFrame"))}
    for ident in ("body-home", "body-courts"):
        row = card[BODIES[ident]]
        own = "implemented" if ident in DONE else "in progress"
        other = "in progress" if ident in DONE else "implemented"
        assert row.get(own) == "1" and row.get(other, "0") == "0" and row["total"] == "1", row
    reader.get_by_text("The scorecard as a table").scroll_into_view_if_needed()
    shoot(reader, folder, "issue13-5-scorecard")

    # -- as of a day before the first assessment: all six awaiting a response ------------------
    visit(reader, f"{url}/item?id={ITEM}&as_of={BEFORE_ANY_ASSESSMENT.isoformat()}")
    main = reader.get_by_test_id("stMain")
    expect(main.get_by_text("0 of 6 implemented")).to_be_visible()
    rows = main.get_by_test_id("stTable").locator("tbody tr")
    expect(rows).to_have_count(6)
    for name in BODIES.values():
        expect(rows.filter(has_text=name).locator("td").first).to_have_text("awaiting response")
    shoot(reader, folder, "issue13-6-item-as-of-before")
    visit(reader, f"{url}/gaps?as_of={BEFORE_ANY_ASSESSMENT.isoformat()}")
    then = {row["What"]: row for row in grid_rows(past_deadline_grid(reader))}
    assert then[TITLE]["Behind"] == "6 of 6 bodies"
    assert then[TITLE]["Days overdue"].replace(",", "") == str((BEFORE_ANY_ASSESSMENT - DEADLINE_END).days)
    shoot(reader, folder, "issue13-7-gaps-as-of-before")
