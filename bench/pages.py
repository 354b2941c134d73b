"""Server-side render times of the overview, tracker and item pages, through Streamlit's AppTest.

    TRACKER_DB=FILE python bench/pages.py --warm-runs 5 --status stalled
    TRACKER_DB=COPY python bench/pages.py --item-page --warm-runs 5    # writes: give it a copy

Run by the benchmark in a fresh process each time, so the first run is cold: nothing imported
by the pages yet and empty Streamlit caches. Prints one JSON object (milliseconds):

* ``overview_cold``: the first run of the app (the overview is its default page);
* ``overview_warm``: the median of ``--warm-runs`` further runs (cache filled, data unchanged);
* ``tracker_filter_cold``: the tracker page with a status filter in its URL, right after
  clearing both Streamlit caches (the page's modules are imported by then; no data is cached);
* ``tracker_filter_warm``: the median of further runs, each changing the status filter (what a
  reader's filter change costs on the server).

With ``--item-page`` it measures the item permalink page instead, in a process that has drawn
each page once already (what a running server meets), over ``--warm-runs`` rounds, each round
starting with a status change on another item (``bench.benchmark.StatusChanger``: every cached
read is stale):

* ``item_page_after_write``: the first item of the longest chain (the most an item page draws),
  its first run after the change (median);
* ``item_page_warm``: the rerun that follows it (data unchanged; median);
* ``item_page_typical_after_write``: after a further change, the first item of a chain of the
  median length;
* ``item_picker_after_write``: after a further change, the page without an id (the picker);

and ``drawn``: the two items drawn (``longest``, ``typical``), each with its chain's length.

With ``--record-pages`` it measures the pages that still read the whole record (gaps,
timeline, sources), each in a process that has drawn every page once, over ``--warm-runs``
rounds of a status change on a random item then two runs of the page:
``<page>_after_write`` (median of the first runs) and ``<page>_warm`` (of the second).

With ``--staff-pickers`` it measures the staff pages that open on an item picker (Record
assessment, Items), signed in, after writes: see ``measure_staff_pickers``.

    TRACKER_DB=COPY python bench/pages.py --staff-pickers --warm-runs 5   # writes: give it a copy
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
TRACKER_PAGE = "views/tracker_table.py"
ITEM_PAGE = "views/item.py"


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


def _items_to_draw(store) -> dict[str, tuple[str, int]]:
    """``longest``: the first item of the longest chain (the most an item page draws);
    ``typical``: the first item of a chain of the median length; each with its chain's length."""
    from tracker import frames, gaps

    annotated = frames.annotate(store.items_frame(), today=dt.date.today())
    found = sorted(gaps.chains(annotated, store.links()), key=lambda c: (len(c.item_ids), c.first_made, c.id))
    if not found:
        first = str(annotated["id"].iloc[0])
        return {"longest": (first, 0), "typical": (first, 0)}
    longest, typical = found[-1], found[len(found) // 2]
    return {"longest": (longest.id, len(longest.item_ids)), "typical": (typical.id, len(typical.item_ids))}


def _check_item(at, chained: bool) -> None:
    headings = [h.value for h in at.header] + [h.value for h in at.subheader]
    if "History" not in headings or (chained and "The chain this item belongs to" not in headings):
        raise RuntimeError(f"the item page did not show the item and its chain: {headings}")


def measure_item(rounds: int, seed: int, timeout: float) -> dict:
    from streamlit.testing.v1 import AppTest

    from bench.benchmark import StatusChanger
    from tracker.store import Store, resolve_db_path

    def page(item_id: str | None):
        at = AppTest.from_file(str(APP), default_timeout=timeout)
        at.run()  # the overview: st.navigation registers the pages; the first imports everything
        if item_id is not None:
            at.query_params["id"] = item_id
        at.switch_page(ITEM_PAGE)
        _timed_run(at)
        return at

    with Store(resolve_db_path()) as store:
        drawn = _items_to_draw(store)
        (longest_id, longest_n), (typical_id, typical_n) = drawn["longest"], drawn["typical"]
        changer = StatusChanger(store, seed)
        changer.ids = [i for i in changer.ids if i not in (longest_id, typical_id)]  # those stay as they are
        longest, typical, picker = page(longest_id), page(typical_id), page(None)
        after, warm, typical_after, picked = [], [], [], []
        for _ in range(rounds):
            changer.change()
            after.append(_timed_run(longest))
            _check_item(longest, longest_n > 0)
            warm.append(_timed_run(longest))
            changer.change()
            typical_after.append(_timed_run(typical))
            _check_item(typical, typical_n > 0)
            changer.change()
            picked.append(_timed_run(picker))
            if not picker.selectbox:
                raise RuntimeError("the item page without an id showed no picker")
    return {"item_page_after_write": statistics.median(after), "item_page_warm": statistics.median(warm),
            "item_page_typical_after_write": statistics.median(typical_after),
            "item_picker_after_write": statistics.median(picked), "drawn": drawn}


RECORD_PAGES = {"gaps": "views/gaps.py", "timeline": "views/timeline.py", "sources": "views/sources.py"}


def measure_record_pages(rounds: int, seed: int, timeout: float) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    from bench.benchmark import StatusChanger
    from tracker.store import Store, resolve_db_path

    result: dict[str, float] = {}
    with Store(resolve_db_path()) as store:
        changer = StatusChanger(store, seed)
        drawn = {}
        for name, path in RECORD_PAGES.items():
            at = AppTest.from_file(str(APP), default_timeout=timeout)
            at.run()  # the overview: st.navigation registers the pages; the first imports everything
            at.switch_page(path)
            _timed_run(at)
            drawn[name] = at
        for name, at in drawn.items():
            after, warm = [], []
            for _ in range(rounds):
                changer.change()
                after.append(_timed_run(at))
                warm.append(_timed_run(at))
            result[f"{name}_after_write"] = statistics.median(after)
            result[f"{name}_warm"] = statistics.median(warm)
    return result


# -- staff item pickers (issue 12) --------------------------------------------------------------

STAFF_PICKER_PAGES = {"assess": ("staff/assess.py", "item"), "items": ("staff/items.py", "edit_item")}
BENCH_STAFF = ("bench-editor", "bench editor's long passphrase 1")


def measure_staff_pickers(rounds: int, seed: int, timeout: float) -> dict[str, float]:
    """The staff pages whose first widget is an item picker (Record assessment, Items), signed
    in as an editor this adds (it writes: give it a copy), each drawn once first, then over
    ``rounds`` rounds of a status change followed by: the page's first run after the write,
    its warm rerun, and a search in its picker (the list holds ``data.ITEMS_PICKED_FROM``
    titles; with more items the picker searches first). Medians, milliseconds:
    ``staff_<page>_picker_after_write``, ``staff_<page>_picker_warm``, ``staff_<page>_picker_search``."""
    from streamlit.testing.v1 import AppTest

    from bench.benchmark import StatusChanger
    from tracker import auth
    from tracker.errors import AlreadyExistsError
    from tracker.models import UserIn
    from tracker.store import Store, resolve_db_path

    username, password = BENCH_STAFF
    result: dict[str, float] = {}
    with Store(resolve_db_path()) as store:
        try:
            auth.create_user(store, UserIn(username=username, display_name="Bench Editor", role="editor"),
                             password, by="bench")
        except AlreadyExistsError:
            pass
        changer = StatusChanger(store, seed)
        drawn = {}
        for name, (path, key) in STAFF_PICKER_PAGES.items():
            at = AppTest.from_file(str(APP), default_timeout=timeout)
            at.run()
            at.switch_page("staff/account.py")
            at.run()
            at.text_input(key="sign_in_username").input(username)
            at.text_input(key="sign_in_password").input(password)
            next(b for b in at.button if b.label == "Sign in").click()
            at.run()
            at.switch_page(path)
            _timed_run(at)
            if not [box for box in at.selectbox if box.key == key]:
                raise RuntimeError(f"the {name} page showed no item picker (signed in?)")
            drawn[name] = (at, key)
        for name, (at, key) in drawn.items():
            after, warm, search = [], [], []
            for n in range(rounds):
                changer.change()
                after.append(_timed_run(at))
                warm.append(_timed_run(at))
                boxes = [box for box in at.text_input if box.key == f"{key}_search"]
                if boxes:  # more items than one list holds: the picker searches first
                    boxes[0].input(("home office", "police", "data")[n % 3])
                    search.append(_timed_run(at))
            result[f"staff_{name}_picker_after_write"] = statistics.median(after)
            result[f"staff_{name}_picker_warm"] = statistics.median(warm)
            if search:
                result[f"staff_{name}_picker_search"] = statistics.median(search)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm-runs", type=int, default=5)
    parser.add_argument("--status", action="append", default=None,
                        help="status filter values to cycle through (repeatable)")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--item-page", action="store_true",
                        help="measure the item page after writes instead (writes to TRACKER_DB)")
    parser.add_argument("--record-pages", action="store_true",
                        help="measure the gaps, timeline and sources pages after writes (writes to TRACKER_DB)")
    parser.add_argument("--staff-pickers", action="store_true",
                        help="measure the staff pages' item pickers after writes (writes to TRACKER_DB)")
    parser.add_argument("--seed", type=int, default=1, help="which items --item-page writes to")
    args = parser.parse_args()
    if args.staff_pickers:
        print(json.dumps(measure_staff_pickers(args.warm_runs, args.seed, args.timeout)))
        return
    if args.record_pages:
        print(json.dumps(measure_record_pages(args.warm_runs, args.seed, args.timeout)))
        return
    if args.item_page:
        print(json.dumps(measure_item(args.warm_runs, args.seed, args.timeout)))
        return
    statuses = args.status or ["stalled", "in progress", "delivered"]
    print(json.dumps(measure(args.warm_runs, statuses, args.timeout)))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
