"""The published edition in Chromium, served by a plain static HTTP server on 127.0.0.1: the
pages a reader opens, every internal link, the dashboard's figures, no request leaving the site,
and axe-core's accessibility checks."""

from __future__ import annotations

import os
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from browser_support import free_port, server_process
from streamlit.testing.v1 import AppTest

from tracker.publish import publish
from tracker.store import Store

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = ROOT / "tests" / "browser" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
APP = str(ROOT / "dashboard" / "app.py")
#: The pages axe-core checks (one of each template).
AXE_PAGES = ["index.html", "gaps.html", "tracker.html", "sources.html", "changes.html", "about.html", "data.html"]


#: A recommendation to two bodies, one of which has implemented it (issue 13): its page has the
#: "By addressee" table, which no seeded item has.
TWO_BODIES = "zz-two-bodies"


def add_two_body_item(store: Store) -> list[str]:
    """``TWO_BODIES`` added to ``store``; the names of its two bodies, in order."""
    from tracker.models import Assessment, Document, ItemIn

    actors = store.actors()[:3]
    store.add_document(Document(id="zz-audit", title="An audit of data sharing", publisher="An audit office",
                                kind="inspection report", published="2023-12-01"), by="t")
    store.add_item(ItemIn(id=TWO_BODIES, kind="recommendation", title="Audit office: share the data",
                          quote="share the data", document_id="zz-audit", makers=[actors[0]["id"]],
                          owners=[actors[1]["id"], actors[2]["id"]], made="2023-12"), by="t")
    store.record_assessment(TWO_BODIES, Assessment(response="accepted", implementation="in progress",
                                                   evidence="Both under way.", assessed_on="2024-01-10"),
                            expected_version=None, by="t")
    store.record_assessment(TWO_BODIES, Assessment(response="accepted", implementation="implemented",
                                                   evidence="Done, says the progress report.", assessed_on="2024-07",
                                                   addressees=[actors[1]["id"]]), expected_version=None, by="t")
    return [actors[1]["name"], actors[2]["name"]]


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """The seeded database published, and a static server on it: (db, base url)."""
    from tracker.bootstrap import init_database

    folder = tmp_path_factory.mktemp("edition")
    db = folder / "seeded.db"
    init_database(db)
    with Store(db) as store:
        add_two_body_item(store)
        publish(store, folder / "site")
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d",
               str(folder / "site")]
    with server_process(command, f"http://127.0.0.1:{port}/index.html", folder / "http.log"):
        yield db, f"http://127.0.0.1:{port}/"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.problems = []
    tab.hosts = set()
    tab.on("pageerror", lambda e: tab.problems.append(f"page error: {e}"))
    tab.on("console", lambda m: tab.problems.append(f"console: {m.text}") if m.type == "error" else None)
    tab.on("request", lambda r: tab.hosts.add(urlsplit(r.url).netloc) if urlsplit(r.url).scheme != "data" else None)
    yield tab
    context.close()


def dashboard_metrics(db: Path, page: str | None = None) -> dict[str, str]:
    os.environ["TRACKER_DB"] = str(db)  # the autouse fixture restores it after the test
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    return {m.label: m.value for m in at.metric}


def shown_figures(tab) -> dict[str, str]:
    return {dt.inner_text().strip(): dd.inner_text().strip().replace(",", "")
            for dt, dd in zip(tab.locator(".figure dt").all(), tab.locator(".figure dd[data-figure]").all())}


def test_overview_item_gaps_and_feed_in_chromium(edition, page):
    db, url = edition
    page.goto(url + "index.html")
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)  # the charts drew from the shipped Plotly
    assert page.locator(".js-plotly-plot").count() >= 4
    assert shown_figures(page) == dashboard_metrics(db)
    page.get_by_role("link", name="Tracker", exact=True).click()
    page.wait_for_url("**/tracker.html")
    page.get_by_label("Status or response").select_option("not delivered")
    assert "status=not+delivered" in page.url or "status=not%20delivered" in page.url
    first = page.locator("#items-table tbody a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/items/*.html")
    assert page.locator("h1").inner_text() == title
    assert "not delivered" in page.locator('[data-field="status"]').inner_text()
    permalink = page.url
    page.goto(permalink)  # the permalink, opened directly
    assert page.locator("h1").inner_text() == title
    # the embed and badge codes, written by the shared item.js from the address the page is served from
    address = permalink.split("#")[0]
    assert page.input_value("#embed-code").startswith(f'<iframe src="{address}#embed" title="')
    badge = address.replace("/items/", "/badges/").replace(".html", ".svg")
    assert page.input_value("#badge-code").startswith(f'<a href="{address}"><img src="{badge}" alt="status: ')
    page.goto(url + "gaps.html")
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    assert shown_figures(page) == dashboard_metrics(db, "views/gaps.py")
    answer = page.goto(url + "feed.xml")
    assert answer.ok and "atom" in (answer.headers.get("content-type", "") + answer.text()).lower()
    assert page.problems == []
    assert page.hosts == {urlsplit(url).netloc}, "a request left the edition's own server"


def test_an_item_of_several_addressees_shows_each_bodys_own_status(edition, page, tmp_path):
    db, url = edition
    with Store(db) as store:
        bodies = [row["name"] for row in store.addressee_statuses(TWO_BODIES)]
    page.goto(url + f"items/{TWO_BODIES}.html")
    table = page.locator("table.by-addressee")
    assert "1 of 2 implemented" in page.locator("h2:text('By addressee') + p").inner_text()
    rows = [[cell.inner_text() for cell in row.locator("th, td").all()] for row in table.locator("tbody tr").all()]
    assert rows == [[bodies[0], "accepted", "implemented", "July 2024", "Done, says the progress report."],
                    [bodies[1], "accepted", "in progress", "10 January 2024", "Both under way."]]
    assert "in progress" in page.locator('[data-field="status"]').inner_text()  # the item: the body behind
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(os.environ.get("EDITION_SHOT") or tmp_path / "by-addressee.png"), full_page=True)
    assert page.problems == []


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and ((name == "href" and tag in ("a", "link")) or (name == "src" and tag in ("script", "img",
                                                                                                 "iframe"))):
                self.found.append(value)


def test_every_internal_link_works(edition):
    _, url = edition
    host = urlsplit(url).netloc
    seen, queue, broken, pages = set(), [url + "index.html"], [], 0
    while queue:
        address = queue.pop()
        if address in seen:
            continue
        seen.add(address)
        try:
            with urllib.request.urlopen(address, timeout=30) as answer:
                body = answer.read()
                kind = answer.headers.get("Content-Type", "")
        except OSError as exc:
            broken.append(f"{address}: {exc}")
            continue
        if "html" in kind:
            pages += 1
            parser = _Links()
            parser.feed(body.decode("utf-8"))
            for link in parser.found:
                target = urldefrag(urljoin(address, link)).url
                if urlsplit(target).netloc == host and target not in seen:
                    queue.append(target)
    assert broken == []
    with Store(edition[0]) as store:
        items = len(store.item_ids())
    assert pages >= items + 7  # every item page was reached, and every top page


def test_edition_pages_pass_axe(edition, page):
    if not AXE.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"axe-core is not installed at {AXE} (scripts/test installs it)")
        pytest.skip(f"axe-core is not installed at {AXE} (scripts/test installs it)")
    _, url = edition
    with Store(edition[0]) as store:
        item = sorted(store.item_ids())[0]
    problems = {}
    for path in [*AXE_PAGES, f"items/{item}.html", f"items/{item}.html#embed", f"items/{TWO_BODIES}.html",
                 "embed/charts/status-by-theme.html"]:
        page.goto(url + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        bad = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
        if bad:
            problems[path] = bad
    assert problems == {}
