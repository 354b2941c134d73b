"""A document's own text in a real browser (Debian Chromium through Playwright): an editor
uploads files that are refused with a message (an encrypted PDF, a scan with no text layer),
then an HTML page whose scripts are dropped; a reader then sees on an item page that its quote
was checked against the source's text. Screenshots go to test-output/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import IDLE, ROOT, dashboard_server, settle
from dashboard_fixture import build_seeded_db

from tests.pdf_samples import encrypted_pdf, scanned_pdf
from tracker import auth
from tracker.models import Document, UserIn
from tracker.store import Store

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-output" / "screenshots"
PASSWORD = "correct horse battery"
NINE = ROOT / "tests" / "data" / "nine_recommendations.txt"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("document-text-browser")
    db = build_seeded_db(folder / "tracker.db")
    with Store(db) as store:
        auth.create_user(store, UserIn(username="edna", display_name="Edna Editor"), PASSWORD, by="test")
        store.add_document(Document(id="icps-2026", title="Safeguarding children: an inspection",
                                    publisher="Inspectorate of Child Protection Services",
                                    kind="inspection report", published="2026-11-20"), by="test")
    with dashboard_server(db, folder, env={"TRACKER_AUTH": "local"}) as server:
        yield server.url, db, folder
    assert not server.has_traceback, server.output


def sign_in(page, address: str) -> None:
    """Open a staff address and sign in on the form it shows (as tests/browser/test_staff_browser.py)."""
    from playwright.sync_api import expect

    page.goto(address)
    page.wait_for_selector(IDLE)
    settle(page)
    page.get_by_label("Username").fill("edna")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    expect(page.get_by_test_id("stSidebar").get_by_text("Signed in as")).to_be_visible()
    settle(page)


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def upload(page, path: Path) -> None:
    from playwright.sync_api import expect

    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    expect(page.get_by_role("button", name=f"Remove {path.name}")).to_be_visible()
    page.get_by_role("button", name="Store the text").click()
    settle(page)
    screenshot(page, f"document-text-after-{path.stem}")


def test_upload_refusals_then_html_text_then_the_item_page_says_checked(served, browser):
    from playwright.sync_api import expect

    url, db, folder = served
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    page = context.new_page()
    # Signing in on this page's own address: it once came back at /edit-/edit-sources (Streamlit
    # trims an address ending in another page's, the public "sources").
    sign_in(page, f"{url}/edit-sources")
    assert page.url.split("?")[0].endswith("/edit-sources") and "/edit-/" not in page.url, page.url
    page.get_by_role("combobox", name="Document", exact=True).click()
    page.get_by_role("option", name=re.compile(r"^Safeguarding children: an inspection \(.*icps-2026")).click()
    settle(page)
    expect(page.get_by_text("No text stored: quotes from this document cannot be checked")).to_be_visible()

    locked = folder / "locked.pdf"
    locked.write_bytes(encrypted_pdf(["Secret words"]))
    upload(page, locked)
    expect(page.get_by_text("the PDF is encrypted")).to_be_visible()
    screenshot(page, "document-text-encrypted-pdf")

    scan = folder / "scan.pdf"
    scan.write_bytes(scanned_pdf())
    upload(page, scan)
    expect(page.get_by_text("the PDF has no text layer")).to_be_visible()

    report = folder / "report.html"
    body = "".join(f"<p>{line}</p>" for line in NINE.read_text(encoding="utf-8").splitlines() if line.strip())
    report.write_text(f"<html><head><script>alert('not text')</script><style>p{{}}</style></head>"
                      f"<body>{body}</body></html>", encoding="utf-8")
    upload(page, report)
    expect(page.get_by_text("quotes from this document are now checked against it")).to_be_visible()
    expect(page.get_by_text("(html, report.html)")).to_be_visible()
    screenshot(page, "document-text-stored")
    with Store(db) as store:
        text = store.document_text("icps-2026")
    assert "Recommendation 9: Within one year of publication" in text
    assert "alert" not in text and "<p>" not in text

    reader = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    with Store(db) as store:
        seeded = [i for i in store.item_ids() if store.quote_check(i) == "checked"]
    assert seeded, "the seed documents' texts are stored when seeding"
    reader.goto(f"{url}/item?id={sorted(seeded)[0]}")
    reader.wait_for_selector(IDLE)
    expect(reader.get_by_text("Checked word for word against the source's text")).to_be_visible()
    screenshot(reader, "item-quote-checked")
    context.close()


def test_a_paraphrased_quote_is_refused_with_the_nearest_passage(served, browser):
    from playwright.sync_api import expect

    url, db, _ = served
    with Store(db) as store:
        checked = sorted(i for i in store.item_ids() if store.quote_check(i) == "checked")
        item_id = checked[0]
        quote = store.get_item(item_id)["quote"]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, f"{url}/edit-items?edit_item={item_id}")
    box = page.get_by_role("textbox", name="Quote, verbatim from the document")
    expect(box).to_have_value(quote)
    words = quote.split()
    box.fill(" ".join(words[:3] + ["really"] + words[3:]))  # one word added: a paraphrase
    page.get_by_role("button", name="Save changes").click()
    settle(page)
    message = page.get_by_text("the nearest passage is").first
    expect(message).to_be_visible()
    message.scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "item-quote-refused-nearest-passage.png"))  # the viewport, at the message
    with Store(db) as store:
        assert store.get_item(item_id)["quote"] == quote
    context.close()
