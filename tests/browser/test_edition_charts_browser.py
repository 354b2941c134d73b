"""The published edition's charts in Chromium at desktop and phone widths: every chart title,
subtitle and credit line shows whole, inside the figure and above the plot (issue 15: on the
gaps page the first line of each title was cut off at the figure's top edge)."""

from __future__ import annotations

import sys

import pytest
from browser_support import free_port, server_process

from tracker.publish import publish
from tracker.store import Store

#: How far each box may stray, in CSS pixels (anti-aliasing rounds a glyph's box outward).
SLACK_PX = 1

MEASURE = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((div) => {
  const figure = div.querySelector('.main-svg').getBoundingClientRect();
  const title = div.querySelector('.gtitle').getBoundingClientRect();
  return {text: div.querySelector('.gtitle').textContent.slice(0, 60),
          figure: [figure.left, figure.top, figure.right], title: [title.left, title.top, title.right, title.bottom],
          plotTop: div._fullLayout._size.t + figure.top};
})"""


@pytest.fixture(scope="module")
def edition_url(tmp_path_factory):
    from tracker.bootstrap import init_database

    folder = tmp_path_factory.mktemp("edition-charts")
    db = folder / "seeded.db"
    init_database(db)
    with Store(db) as store:
        publish(store, folder / "site")
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(folder / "site")]
    with server_process(command, f"http://127.0.0.1:{port}/index.html", folder / "http.log"):
        yield f"http://127.0.0.1:{port}/"


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("page_name", ["gaps.html", "index.html"])
def test_chart_titles_show_whole_above_the_plot(browser, edition_url, page_name, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        tab = context.new_page()
        tab.goto(edition_url + page_name)
        tab.locator(".js-plotly-plot .gtitle").first.wait_for(timeout=30_000)
        tab.wait_for_timeout(500)  # every chart of the page drawn
        charts = tab.evaluate(MEASURE)
        assert len(charts) >= 2
        for chart in charts:
            left, top, right = chart["figure"]
            t_left, t_top, t_right, t_bottom = chart["title"]
            assert t_top >= top - SLACK_PX, f"title cut off at the top: {chart}"
            assert t_left >= left - SLACK_PX and t_right <= right + SLACK_PX, f"title cut off at a side: {chart}"
            assert t_bottom <= chart["plotTop"] + SLACK_PX, f"title runs into the plot: {chart}"
    finally:
        context.close()
