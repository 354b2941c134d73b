"""Measure the tracker at 1,000 / 10,000 / 100,000 items and compare it with Datasette.

    python bench/benchmark.py --sizes 1000,10000,100000 --output bench-output/

For each size it builds a synthetic database (``tracker.synthetic``, ~10 assessments per item,
seeded) unless one with the same plan is already in the output folder, then measures, in this
order, on that one file:

1. summary counts: our counts served as JSON over HTTP (``bench/counts_server.py``) against
   Datasette's facet counts of the same items (its JSON API, ``datasette serve`` on the same
   file), each timed as the full HTTP answer, median of repeated requests; the ratio ours /
   Datasette is printed;
2. server-side render of the overview and of the tracker page with a filter (AppTest, cold in
   fresh processes and warm, ``bench/pages.py``);
3. on a copy of the database (these write): the item page's server-side render (the longest
   chain's and a typical one's) first after a status change and warm, and the item picker's
   (``bench/pages.py --item-page``); in a real browser (``bench/browser.py``),
   navigation to the overview's headline figures (first visit, later visits, first visit after
   a status change), a filter change to the updated table, and the dashboard process's peak
   RSS; then status changes through ``Store.record_assessment`` (with their history rows):
   latency p50 and p95 and sustained changes per second.

Writes ``results.json`` and ``results.md`` to the output folder and prints the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import browser  # noqa: E402
from tests.browser_support import free_port, server_process  # noqa: E402
from tracker.models import Assessment  # noqa: E402
from tracker.store import Store  # noqa: E402
from tracker.synthetic import default_plan, generate  # noqa: E402

#: figure -> (label, unit, target, the size the target applies to)
FIGURES: dict[str, tuple[str, str, float | None]] = {
    "overview_warm_ms": ("Overview server render, warm (median)", "ms", 300),
    "overview_cold_ms": ("Overview server render, cold (median of fresh processes)", "ms", 2000),
    "tracker_filter_warm_ms": ("Tracker page with a filter, server render, warm (median)", "ms", 500),
    "tracker_filter_cold_ms": ("Tracker page with a filter, server render, cold", "ms", 500),
    "item_page_after_write_ms": ("Item page, the longest chain, server render, first after a write (median)",
                                 "ms", None),
    "item_page_warm_ms": ("Item page, the longest chain, server render, warm (median)", "ms", None),
    "item_page_typical_after_write_ms": ("Item page, a chain of median length, server render, first after "
                                         "a write (median)", "ms", None),
    "item_picker_after_write_ms": ("Item picker (no id), server render, first after a write (median)",
                                   "ms", None),
    "gaps_after_write_ms": ("Gaps page, server render, first after a write (median)", "ms", None),
    "gaps_warm_ms": ("Gaps page, server render, warm (median)", "ms", None),
    "timeline_after_write_ms": ("Timeline page, server render, first after a write (median)", "ms", None),
    "timeline_warm_ms": ("Timeline page, server render, warm (median)", "ms", None),
    "sources_after_write_ms": ("Sources page, server render, first after a write (median)", "ms", None),
    "sources_warm_ms": ("Sources page, server render, warm (median)", "ms", None),
    **{f"{page}_as_of_{when}_ms": (f"{label} page as of a past date, server render, {what}", "ms", target)
       for page, label in (("overview", "Overview"), ("gaps", "Gaps"), ("timeline", "Timeline"),
                           ("tracker", "Tracker"), ("sources", "Sources"))
       for when, what, target in (("first", "first (caches cleared; median of fresh processes)", 1000),
                                  ("warm", "warm (median)", 300))},
    "staff_assess_picker_after_write_ms": ("Staff: Record assessment (item picker), server render, first after "
                                           "a write (median)", "ms", 300),
    "staff_assess_picker_warm_ms": ("Staff: Record assessment (item picker), server render, warm (median)",
                                    "ms", 300),
    "staff_items_picker_after_write_ms": ("Staff: Items (item picker), server render, first after a write "
                                          "(median)", "ms", 300),
    "staff_items_picker_warm_ms": ("Staff: Items (item picker), server render, warm (median)", "ms", 300),
    "browser_headline_first_ms": ("Browser: navigation to headline figures, first visit after start", "ms", 3000),
    "browser_headline_after_write_ms": ("Browser: navigation to headline figures, first visit after a write "
                                        "(median)", "ms", 3000),
    "browser_headline_warm_ms": ("Browser: navigation to headline figures, later visits (median)", "ms", 3000),
    "browser_filter_change_ms": ("Browser: filter change to updated table (median)", "ms", None),
    "status_change_p50_ms": ("Status change with history row, p50", "ms", None),
    "status_change_p95_ms": ("Status change with history row, p95", "ms", 20),
    "status_changes_per_s": ("Sustained status changes per second", "/s", None),
    "dashboard_rss_mb": ("Dashboard process peak RSS", "MiB", 600),
    "counts_ours_ms": ("Summary counts, ours over HTTP (median)", "ms", None),
    "counts_datasette_ms": ("Summary counts, Datasette facets over HTTP (median)", "ms", None),
    "counts_ratio": ("Ratio ours / Datasette", "", 1.0),
}
TARGET_SIZE = 100_000


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def median_ms(run: Callable[[], object], repeats: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        run()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


# -- the database ------------------------------------------------------------------------------


def build_database(size: int, output: Path, *, assessments: int, seed: int) -> tuple[Path, dict]:
    """The synthetic database for ``size`` items, built unless an identical one exists."""
    plan = default_plan(size, assessments).__dict__ | {"seed": seed}
    db = output / f"tracker-{size}.db"
    stamp = db.with_suffix(".plan.json")
    if db.exists() and stamp.exists() and json.loads(stamp.read_text()).get("plan") == plan:
        log(f"{size:,} items: reusing {db}")
        return db, json.loads(stamp.read_text())
    for stale in (db, stamp, Path(f"{db}-wal"), Path(f"{db}-shm")):
        stale.unlink(missing_ok=True)
    log(f"{size:,} items: generating {db} ...")
    started = time.perf_counter()
    with Store(db) as store:
        counts = generate(store, items=size, assessments_per_item=assessments, seed=seed)
        store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    info = {"plan": plan, "counts": counts, "build_s": round(time.perf_counter() - started, 1),
            "db_mb": round(db.stat().st_size / 2**20, 1)}
    stamp.write_text(json.dumps(info, indent=1))
    log(f"{size:,} items: built in {info['build_s']} s, {info['db_mb']} MiB, {counts}")
    return db, info


# -- summary counts: ours and Datasette's, over the same kind of channel ------------------------


def http_get_json(port: int, paths: list[str]) -> Callable[[], list[dict]]:
    """A client that GETs every path on one kept-alive connection and parses the JSON answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def fetch() -> list[dict]:
        answers = []
        for path in paths:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
            answers.append(json.loads(body))
        return answers

    return fetch


def datasette_paths(db: Path) -> list[str]:
    """Datasette 0.65 facet requests for items by kind and status, and by theme."""
    name = db.stem
    return [
        f"/{name}/items.json?_facet=kind&_facet=status&_facet=response&_facet=implementation"
        "&_size=0&_facet_size=max&_nosuggest=1",
        f"/{name}/item_themes.json?_facet=theme&_size=0&_facet_size=max&_nosuggest=1",
    ]


def check_same_counts(ours: dict, theirs: list[dict]) -> None:
    """Both sides must give the same numbers: the total and every facet value's count."""
    items, themes = theirs[0], theirs[1]
    if items["filtered_table_rows_count"] != ours["total"]:
        raise RuntimeError("our total and Datasette's row count disagree")
    facets = {**items["facet_results"], **themes["facet_results"]}
    for name, counts in ours["facets"].items():
        facet = facets[name]
        if facet.get("truncated"):
            raise RuntimeError(f"Datasette truncated the {name} facet")
        given = {r["value"]: r["count"] for r in facet["results"] if r["value"] is not None}
        if given != counts:
            raise RuntimeError(f"our {name} counts and Datasette's facet disagree: not like for like")


def measure_counts(db: Path, work: Path, repeats: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    port = free_port()
    ours_cmd = [sys.executable, str(ROOT / "bench" / "counts_server.py"), str(db), str(port)]
    with server_process(ours_cmd, f"http://127.0.0.1:{port}/counts.json", work / "counts_server.log", env=env):
        fetch_ours = http_get_json(port, ["/counts.json"])
        ours_answer = fetch_ours()[0]
        ours = median_ms(fetch_ours, repeats)
    dport = free_port()
    datasette_cmd = [
        sys.executable, "-m", "datasette", "serve", str(db), "-p", str(dport), "--host", "127.0.0.1",
        # Let every facet finish (the defaults give up after 200 ms and answer with less).
        "--setting", "facet_time_limit_ms", "600000", "--setting", "sql_time_limit_ms", "600000",
        "--setting", "max_returned_rows", "10000",
    ]
    with server_process(datasette_cmd, f"http://127.0.0.1:{dport}/-/versions.json", work / "datasette.log",
                        env=env):
        fetch_theirs = http_get_json(dport, datasette_paths(db))
        check_same_counts(ours_answer, fetch_theirs())
        theirs = median_ms(fetch_theirs, repeats)
    return {"counts_ours_ms": ours, "counts_datasette_ms": theirs, "counts_ratio": ours / theirs}


# -- page renders (AppTest) --------------------------------------------------------------------


def measure_renders(db: Path, cold_runs: int, warm_runs: int) -> dict[str, float]:
    env = {**os.environ, "TRACKER_DB": str(db), "PYTHONPATH": str(ROOT)}
    runs = []
    for _ in range(cold_runs):  # each in a fresh process: the only honest cold start
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "pages.py"), "--warm-runs", str(warm_runs)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
        )
        if done.returncode != 0:
            raise RuntimeError(f"bench/pages.py failed:\n{done.stderr[-3000:]}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {f"{name}_ms": statistics.median(run[name] for run in runs) for name in runs[0]}


def measure_item_page(db: Path, rounds: int, seed: int) -> dict:
    """``bench/pages.py --item-page`` on ``db`` (it writes: pass a copy)."""
    return _pages_after_writes("--item-page", db, rounds, seed)


def measure_record_pages(db: Path, rounds: int, seed: int) -> dict:
    """``bench/pages.py --record-pages`` on ``db`` (it writes: pass a copy)."""
    return _pages_after_writes("--record-pages", db, rounds, seed)


def _pages_after_writes(mode: str, db: Path, rounds: int, seed: int) -> dict:
    env = {**os.environ, "TRACKER_DB": str(db), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pages.py"), mode, "--warm-runs", str(rounds),
         "--seed", str(seed)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench/pages.py {mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- status changes ------------------------------------------------------------------------------


@contextmanager
def working_copy(db: Path, work: Path) -> Iterator[Path]:
    """A copy of ``db`` for the measurements that write, removed afterwards."""
    copy = work / "working-copy.db"
    paths = (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm"))
    for stale in paths:
        stale.unlink(missing_ok=True)
    with Store(db) as source:
        source.backup(copy)
    try:
        yield copy
    finally:
        for leftover in paths:
            leftover.unlink(missing_ok=True)


class StatusChanger:
    """Records status changes (with their history rows) on random commitments, calls and
    recommendations of one database, tracking each item's version as a staff page would."""

    def __init__(self, store: Store, seed: int):
        frame = store.items_frame()
        assessable = frame[frame["kind"] != "finding"]
        self.store = store
        self.rng = random.Random(seed)
        self.kinds = dict(zip(assessable["id"], assessable["kind"]))
        self.versions = dict(zip(assessable["id"], assessable["version"].astype(int)))
        self.ids = list(self.kinds)

    def change(self) -> None:
        item_id, rng, today = self.rng.choice(self.ids), self.rng, dt.date.today()
        if self.kinds[item_id] == "recommendation":
            assessment = Assessment(response=rng.choice(["accepted", "noted"]),
                                    implementation=rng.choice(["in progress", "implemented"]),
                                    evidence="Benchmark status change.", assessed_on=today)
        else:
            assessment = Assessment(status=rng.choice(["in progress", "stalled", "delivered"]),
                                    evidence="Benchmark status change.", assessed_on=today)
        self.versions[item_id] = self.store.record_assessment(
            item_id, assessment, expected_version=self.versions[item_id], by="benchmark"
        )


def measure_status_changes(changer: StatusChanger, changes: int, seconds: float) -> dict[str, float]:
    latencies = []
    for _ in range(changes):
        started = time.perf_counter()
        changer.change()
        latencies.append((time.perf_counter() - started) * 1000)
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        changer.change()
        done += 1
    return {
        "status_change_p50_ms": percentile(latencies, 0.50),
        "status_change_p95_ms": percentile(latencies, 0.95),
        "status_changes_per_s": done / (time.perf_counter() - started),
    }


# -- report --------------------------------------------------------------------------------------


def verdict(name: str, value: float | None, size: int) -> str:
    target = FIGURES[name][2]
    if target is None or size != TARGET_SIZE:
        return ""
    if value is None:
        return "not measured"
    return "met" if value <= target else "MISSED"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "" or value < 10:
        return f"{value:.2f}"
    return f"{value:,.0f}"


def report(results: dict) -> str:
    sizes = [int(s) for s in results["sizes"]]
    header = "| figure | target (100k) | " + " | ".join(f"{s:,} items" for s in sizes) + " | 100k |"
    lines = [header, "|" + " --- |" * (len(sizes) + 3)]
    for name, (label, unit, target) in FIGURES.items():
        cells = [fmt(results["sizes"][str(s)].get(name), unit) for s in sizes]
        target_text = "" if target is None else f"<= {fmt(target, unit)} {unit}".strip()
        last = results["sizes"].get(str(TARGET_SIZE), {})
        lines.append(f"| {label} ({unit or 'x'}) | {target_text} | " + " | ".join(cells)
                     + f" | {verdict(name, last.get(name), TARGET_SIZE) if last else ''} |")
    lines.append("")
    for size in sizes:
        info = results["databases"][str(size)]
        counts = info["counts"]
        lines.append(
            f"- {size:,} items: {counts['assessments']:,} assessments, {counts['links']:,} links, "
            f"{counts['actors']:,} actors, {counts['documents']:,} documents; "
            f"{info['db_mb']:,} MiB; built in {info['build_s']} s; load average (1 min) "
            f"{info['load_average'][0]} before the measurements, {info['load_average'][1]} after"
        )
        if "item_pages" in info:
            (longest, longest_n), (typical, typical_n) = (info["item_pages"][k] for k in ("longest", "typical"))
            lines.append(f"  - item pages drawn: {longest} (the longest chain, {longest_n:,} items) and "
                         f"{typical} (a chain of the median length, {typical_n:,} items)")
    if results.get("browser_floor_ms") is not None:
        lines.append(f"- browser floor: a bare Streamlit page with five metrics and no data shows its first "
                     f"one {fmt(results['browser_floor_ms'], 'ms')} ms after navigation (median), "
                     "measured the same way")
    machine = results["machine"]
    lines.append(f"- machine: {machine['cpus']} CPUs, {machine['memory_gib']} GiB RAM, "
                 f"Python {machine['python']}, SQLite {machine['sqlite']}, {machine['platform']}")
    return "\n".join(lines)


def machine() -> dict:
    import sqlite3

    memory = 0.0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = round(int(line.split()[1]) / 2**20, 1)
    return {"cpus": os.cpu_count(), "memory_gib": memory, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "platform": platform.platform()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated item counts")
    parser.add_argument("--output", default="bench-output", type=Path, help="folder for databases and results")
    parser.add_argument("--assessments", type=int, default=10, help="assessments per item (mean)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=20, help="requests per count measurement")
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh processes for cold renders")
    parser.add_argument("--warm-runs", type=int, default=5, help="warm renders per process")
    parser.add_argument("--browser-repeats", type=int, default=5, help="visits and filter changes per figure")
    parser.add_argument("--changes", type=int, default=500, help="status changes timed one by one")
    parser.add_argument("--sustained-seconds", type=float, default=5.0)
    parser.add_argument("--skip-browser", action="store_true", help="no Playwright figures")
    args = parser.parse_args(argv)

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    args.output.mkdir(parents=True, exist_ok=True)
    results = {"started": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
               "sizes": {}, "databases": {}, "browser_floor_ms": None}
    if not args.skip_browser:
        log("browser floor: a bare Streamlit page ...")
        results["browser_floor_ms"] = browser.floor(args.output, repeats=args.browser_repeats)
    for size in sizes:
        db, info = build_database(size, args.output, assessments=args.assessments, seed=args.seed)
        results["databases"][str(size)] = info
        work = args.output / f"work-{size}"
        work.mkdir(exist_ok=True)
        figures: dict[str, float | None] = {}
        load_before = os.getloadavg()[0]
        log(f"{size:,} items: summary counts, ours and Datasette's ...")
        figures.update(measure_counts(db, work, args.repeats))
        log(f"{size:,} items: page renders (AppTest) ...")
        figures.update(measure_renders(db, args.cold_runs, args.warm_runs))
        # What writes runs on a copy, so the measured file stays as generated.
        with working_copy(db, work) as copy, Store(copy) as store:
            log(f"{size:,} items: item page (AppTest, after writes) ...")
            item = measure_item_page(copy, args.warm_runs, args.seed)
            info["item_pages"] = item.pop("drawn")
            figures.update({f"{name}_ms": value for name, value in item.items()})
            log(f"{size:,} items: gaps, timeline and sources pages (AppTest, after writes) ...")
            pages = measure_record_pages(copy, args.warm_runs, args.seed)
            figures.update({f"{name}_ms": value for name, value in pages.items()})
            log(f"{size:,} items: staff item pickers (AppTest, signed in, after writes) ...")
            pickers = _pages_after_writes("--staff-pickers", copy, args.warm_runs, args.seed)
            # (with more items than one list holds, also ``staff_<page>_picker_search_ms``)
            figures.update({f"{name}_ms": value for name, value in pickers.items()})
            changer = StatusChanger(store, args.seed)  # after those writes: it reads the versions
            if args.skip_browser:
                figures.update(browser_headline_first_ms=None, browser_headline_after_write_ms=None,
                               browser_headline_warm_ms=None, browser_filter_change_ms=None,
                               dashboard_rss_mb=None)
            else:
                log(f"{size:,} items: browser (Playwright) ...")
                seen = browser.measure(copy, work, write=changer.change, repeats=args.browser_repeats)
                figures.update(browser_headline_first_ms=seen["headline_first"],
                               browser_headline_after_write_ms=seen["headline_after_write"],
                               browser_headline_warm_ms=seen["headline_warm"],
                               browser_filter_change_ms=seen["filter_change"],
                               dashboard_rss_mb=seen["rss_mb"])
            log(f"{size:,} items: status changes ...")
            figures.update(measure_status_changes(changer, args.changes, args.sustained_seconds))
        results["sizes"][str(size)] = figures
        # Other work on the machine slows every figure: keep the load beside them.
        info["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        (args.output / "results.json").write_text(json.dumps(results, indent=1))
        # figures measured only at some sizes (the staff pickers' search, with more items than one
        # list holds) are not in FIGURES, which every run must fill: ms like the pickers
        log(f"{size:,} items: " + ", ".join(f"{k}={fmt(v, FIGURES[k][1] if k in FIGURES else 'ms')}"
                                            for k, v in figures.items()))
    table = report(results)
    (args.output / "results.md").write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
