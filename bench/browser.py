"""What a reader waits for in a real browser, and what the dashboard process holds in memory.

Starts the dashboard as it is run for real (``tracker --db DB serve``, on a free port), drives
Debian's Chromium through Playwright, and reads the server's peak resident memory (``VmHWM`` in
``/proc/<pid>/status``; ``tracker serve`` becomes the Streamlit server, so that is its process)
after every page has been used. Starting both comes from ``tests/browser_support.py``, shared
with the browser tests.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

from tests.browser_support import (IDLE, ROOT, chromium, dashboard_server, free_port, server_env,
                                   server_process)

HEADLINE = '[data-testid="stMetricValue"]'
EXCEPTION = '[data-testid="stException"]'
MATCH_COUNT = re.compile(r"of [\d,]+ items match")
BARE_PAGE = ROOT / "bench" / "bare_page.py"


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmHWM not found in /proc/<pid>/status")


def _fail_on_exception(page) -> None:
    shown = page.locator(EXCEPTION)
    if shown.count():
        raise RuntimeError(f"the dashboard showed an exception: {shown.first.inner_text()[:500]}")


def _headline_ms(browser, url: str, timeout_ms: float) -> float:
    """From navigation to the first headline figure on screen, in a new browser context."""
    context = browser.new_context()
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.locator(f"{HEADLINE}, {EXCEPTION}").first.wait_for(state="visible", timeout=timeout_ms)
        elapsed = (time.perf_counter() - started) * 1000
        _fail_on_exception(page)
        page.locator(IDLE).wait_for(timeout=timeout_ms)
        return elapsed
    finally:
        context.close()


def _add_status(page, status: str, timeout_ms: float) -> float:
    """Add ``status`` to the Status filter; ms from the click until the match count has changed
    and the table is drawn with the script idle."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    counter = page.get_by_text(MATCH_COUNT)
    before = counter.first.inner_text() if counter.count() else ""
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Status")
    option = page.get_by_role("option", name=status, exact=True)
    deadline = time.monotonic() + timeout_ms / 1000
    # On a loaded machine a rerun can redraw the filters between the click and the list opening
    # (the list then closes, or the folded filters fold again): open it again until it shows.
    while True:
        page.locator(IDLE).wait_for(timeout=timeout_ms)
        if not box.locator("input").is_visible():  # the filters are folded away until opened
            page.get_by_text("Filters: kind, status", exact=False).click()
            box.locator("input").wait_for(state="visible", timeout=timeout_ms)
        box.locator("input").click()
        try:
            option.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise
            page.keyboard.press("Escape")
    started = time.perf_counter()
    option.click()
    page.wait_for_function(
        """(before) => [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
               .map(e => e.innerText).some(t => /of [\\d,]+ items match/.test(t) && t !== before)""",
        arg=before,
        timeout=timeout_ms,
    )
    page.locator(IDLE).wait_for(timeout=timeout_ms)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible", timeout=timeout_ms)
    elapsed = (time.perf_counter() - started) * 1000
    page.keyboard.press("Escape")
    return elapsed


def measure(db: Path, work_dir: Path, *, write: Callable[[], None], repeats: int = 3,
            statuses=("stalled", "in progress", "delivered", "not delivered", "implemented"),
            timeout_s: float = 120) -> dict[str, float]:
    """What a reader waits for, in ms, and the dashboard's memory, in MiB:

    * ``headline_first``: navigation to the overview's headline figures, the first visit after
      the server started (its libraries not yet imported, nothing cached);
    * ``headline_warm``: the same, median of ``repeats`` later visits (the data unchanged);
    * ``headline_after_write``: the same, median of ``repeats`` first visits after ``write()``
      changed the data (every cached read is stale; the process is warm), which is what readers
      meet while staff are editing;
    * ``filter_change``: on the tracker page, median over ``repeats`` changes of the Status
      filter (each adds one of ``statuses``) until the table shows the new matches;
    * ``rss_mb``: the dashboard process's peak resident memory after all of that.

    ``db`` should be a copy: ``write`` changes it. Every visit is a new browser context, so it
    loads Streamlit's scripts afresh, as a first-time reader does; the browser opens one small
    page first, so no figure includes Chromium's own start.
    """
    timeout_ms = timeout_s * 1000
    result: dict[str, float] = {}
    with dashboard_server(db, work_dir / "dashboard") as server:
        base = server.url
        with chromium(work_dir / "chromium") as browser:
            warmup = browser.new_context()
            warmup.new_page().goto(f"{base}/_stcore/health")
            warmup.close()
            result["headline_first"] = _headline_ms(browser, f"{base}/", timeout_ms)
            result["headline_warm"] = statistics.median(
                _headline_ms(browser, f"{base}/", timeout_ms) for _ in range(repeats)
            )
            after_write = []
            for _ in range(repeats):
                write()
                after_write.append(_headline_ms(browser, f"{base}/", timeout_ms))
            result["headline_after_write"] = statistics.median(after_write)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(f"{base}/tracker")
            page.locator(IDLE).wait_for(timeout=timeout_ms)
            page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible", timeout=timeout_ms)
            _fail_on_exception(page)
            changes = [_add_status(page, status, timeout_ms) for status in statuses[:repeats]]
            result["filter_change"] = statistics.median(changes)
            context.close()
        result["rss_mb"] = peak_rss_mb(server.process.pid)
    return result


def floor(work_dir: Path, *, repeats: int = 5, timeout_s: float = 60) -> float:
    """Median ms from navigation to the first metric of ``bench/bare_page.py`` (no data at
    all), measured like ``headline_warm``: what Streamlit's frontend costs on this machine."""
    folder = work_dir / "bare-page"
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    # The settings `tracker serve` gives the dashboard, so the two pages are served alike.
    command = [sys.executable, "-m", "streamlit", "run", str(BARE_PAGE), "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal"]
    base = f"http://127.0.0.1:{port}"
    with server_process(command, f"{base}/_stcore/health", folder / "server.log", env=server_env(folder)), \
            chromium(work_dir / "chromium") as browser:
        _headline_ms(browser, f"{base}/", timeout_s * 1000)  # the server's first run
        return statistics.median(_headline_ms(browser, f"{base}/", timeout_s * 1000) for _ in range(repeats))
