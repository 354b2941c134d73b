"""What every browser test here needs: Chromium and Playwright (missing, the tests are skipped on
a developer machine and fail in CI), and one Chromium per test module."""

from __future__ import annotations

import pytest
from browser_support import chromium, require_browser


@pytest.fixture(scope="module", autouse=True)
def _browser_available():
    """Checked before any other fixture of a module, so no server starts only to be skipped."""
    require_browser()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium")) as opened:
        yield opened


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts: separate cookies and Streamlit sessions, like two people."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
