"""Server-side render times of the overview and tracker pages, through Streamlit's AppTest.

    TRACKER_DB=FILE python bench/pages.py --warm-runs 5 --status stalled

Run by the benchmark in a fresh process each time, so the first run is cold: nothing imported
by the pages yet and empty Streamlit caches. Prints one JSON object (milliseconds):

* ``overview_cold``: the first run of the app (the overview is its default page);
* ``overview_warm``: the median of ``--warm-runs`` further runs (cache filled, data unchanged);
* ``tracker_filter_cold``: the tracker page with a status filter in its URL, right after
  clearing both Streamlit caches (the page's modules are imported by then; no data is cached);
* ``tracker_filter_warm``: the median of further runs, each changing the status filter (what a
  reader's filter change costs on the server).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
TRACKER_PAGE = "views/tracker_table.py"


def _timed_run(at) -> float:
    started = time.perf_counter()
    at.run()
    elapsed = (time.perf_counter() - started) * 1000
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].message}")
    return elapsed


def _check_filtered(at) -> None:
    if not any("items match" in m.value for m in at.markdown):
        raise RuntimeError("the tracker page did not show a filtered table")


def measure(warm_runs: int, statuses: list[str], timeout: float) -> dict[str, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    result = {"overview_cold": _timed_run(at)}
    if not at.metric:
        raise RuntimeError("the overview showed no headline figures")
    result["overview_warm"] = statistics.median(_timed_run(at) for _ in range(warm_runs))

    st.cache_data.clear()
    st.cache_resource.clear()
    at.query_params["status"] = statuses[0]
    at.switch_page(TRACKER_PAGE)
    result["tracker_filter_cold"] = _timed_run(at)
    _check_filtered(at)
    warm = []
    for n in range(warm_runs):
        at.multiselect(key="status").set_value([statuses[(n + 1) % len(statuses)]])
        warm.append(_timed_run(at))
        _check_filtered(at)
    result["tracker_filter_warm"] = statistics.median(warm)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm-runs", type=int, default=5)
    parser.add_argument("--status", action="append", default=None,
                        help="status filter values to cycle through (repeatable)")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    statuses = args.status or ["stalled", "in progress", "delivered"]
    print(json.dumps(measure(args.warm_runs, statuses, args.timeout)))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
