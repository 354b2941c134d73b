"""Hostile text, in a real browser: stored values render as plain text on every page.

The database holds HTML, script, markdown links to ``javascript:``, Streamlit directives and
spreadsheet formulas in every stored text field (names, titles, quotes, evidence, notes,
reasons, URLs, a staff member's display name). Chromium opens every public page and, signed
in as that staff member, every staff page. On each: no alert fires, no element carries an
event handler or a ``javascript:``/``data:`` link, no injected image or script exists, no page
shows an exception, and the hostile strings are there as the literal text they are.
"""

from __future__ import annotations

import pytest

from browser_support import IDLE, chromium, dashboard_server, require_browser
from hostile_inputs import A_TAG, DIRECTIVES, FORMULA, IMG, MD_LINK, SCRIPT, hostile_bundle
from tracker import auth
from tracker.models import UserIn
from tracker.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"
#: Run in the page after every action: everything that would mean stored text became markup.
FIND_MARKUP = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('img')) {
    const src = el.getAttribute('src') || '';
    if (src === 'x' || src.startsWith('javascript:')) bad.push('injected image ' + el.outerHTML.slice(0, 80));
  }
  for (const el of document.querySelectorAll('script')) {
    if ((el.textContent || '').includes('alert(')) bad.push('injected script');
  }
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      if (/^on/i.test(attr)) bad.push('event handler ' + attr + ' on ' + el.tagName);
    }
  }
  for (const el of document.querySelectorAll('a, area, iframe, embed, object, form, [href], [src], [action]')) {
    for (const name of ['href', 'xlink:href', 'src', 'action', 'data', 'formaction']) {
      const value = (el.getAttribute(name) || '').replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (/^(javascript|vbscript|data:text\\/html)/.test(value)) bad.push(name + '=' + value.slice(0, 60));
    }
  }
  for (const el of document.querySelectorAll('b')) {
    if ((el.textContent || '') === 'bold') bad.push('a stored <b> became markup');
  }
  return bad;
}"""


@pytest.fixture
def hostile_dashboard(tmp_path):
    require_browser()
    db = tmp_path / "hostile.db"
    with Store(db) as store:
        store.import_bundle(hostile_bundle(), by="import")
        auth.create_user(store, UserIn(username="ada", display_name=f"{IMG} Ada", role="admin"), PASSWORD,
                         by="test")
    with dashboard_server(db, tmp_path / "server", env={"TRACKER_AUTH": "local"}) as server:
        yield server.url
    assert not server.has_traceback, server.output


@pytest.fixture
def browser_page(hostile_dashboard, tmp_path):
    with chromium(tmp_path / "chromium") as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        yield hostile_dashboard, page, dialogs


def settle(page) -> None:
    """Wait until the script has run (twice over: a rerun may follow the first run)."""
    for _ in range(2):
        page.wait_for_selector(IDLE, state="attached")
        page.wait_for_timeout(400)


def check_page(page, dialogs, where: str, expect_text: tuple[str, ...] = ()) -> list[str]:
    settle(page)
    problems = [f"{where}: {p}" for p in page.evaluate(FIND_MARKUP)]
    problems += [f"{where}: an alert fired: {m}" for m in dialogs]
    dialogs.clear()
    exceptions = page.locator('[data-testid="stException"]')
    if exceptions.count():
        problems.append(f"{where}: the page shows an exception: {exceptions.first.inner_text()[:300]}")
    text = page.locator('[data-testid="stApp"]').inner_text()
    for literal in expect_text:
        if literal not in text:
            problems.append(f"{where}: {literal!r} is not shown as text")
    return problems


def public_pages() -> list[tuple[str, str, tuple[str, ...]]]:
    """(name, path, literal texts the page must show)."""
    from dashboard.pages import PUBLIC_PAGES

    pages = [(spec.name, f"/{spec.url_path}", ()) for spec in PUBLIC_PAGES if spec.name != "item"]
    pages += [
        ("item commitment", "/item?id=evil-commitment", (f"{IMG} pledged", MD_LINK, FORMULA)),
        ("item recommendation", "/item?id=evil-recommendation", (f"{SCRIPT} recommended", A_TAG, DIRECTIVES)),
        ("item finding", "/item?id=evil-finding", (f"{A_TAG} found",)),
        # An id in a shared link is text from outside too: it must not become markup either.
        ("item from a crafted link", "/item?id=%5Bclick%5D(javascript:alert(11))%20%3Cimg%20src%3Dx%20"
                                     "onerror%3Dalert(12)%3E%20**bold**",
         ("[click](javascript:alert(11)) <img src=x onerror=alert(12)> **bold**",)),
    ]
    return pages


def test_hostile_text_is_plain_text_on_every_page(browser_page, record_figures):
    base, page, dialogs = browser_page
    problems: list[str] = []
    visited = 0
    for name, path, expect in public_pages():
        page.goto(base + path)
        problems += check_page(page, dialogs, name, expect)
        visited += 1

    # Staff pages: sign in as the staff member whose display name is itself hostile. Sessions
    # end on reload, so from here on the pages are reached through the sidebar, as a person would.
    from dashboard.pages import STAFF_PAGES

    account = next(spec for spec in STAFF_PAGES if spec.name == "account")
    page.goto(f"{base}/{account.url_path}")
    settle(page)
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    problems += check_page(page, dialogs, "staff account", (f"{IMG} Ada",))
    visited += 1
    for spec in STAFF_PAGES:
        if spec.name == "account":
            continue
        link = page.locator('[data-testid="stSidebarNav"] a', has_text=spec.title)
        more = page.locator('[data-testid="stSidebarNavViewButton"]')
        if link.count() == 0 and more.count() and "more" in more.first.inner_text().lower():
            more.first.click()  # the sidebar shows the first few pages until asked for more
            settle(page)
        if link.count() == 0:
            problems.append(f"staff {spec.name}: no sidebar link {spec.title!r} after signing in")
            continue
        link.first.click()
        problems += check_page(page, dialogs, f"staff {spec.name}")
        visited += 1
    record_figures(kind="hostile text", pages=visited, problems=len(problems))
    assert problems == []

    # The checks can fail: the same strings written into the page as markup are all caught.
    page.set_content(f"<div>{IMG}{A_TAG}<b>bold</b></div>")
    page.wait_for_timeout(500)
    caught = page.evaluate(FIND_MARKUP)
    assert any("injected image" in c for c in caught) and any("javascript" in c for c in caught)
    assert any("<b>" in c for c in caught) and dialogs == ["1"]
