"""Readers at scale: one Streamlit process against the static edition, side by side.

    python bench/readers.py --size 10000 --output bench-output/ [--readers 1,5,10,20] [--visits 3]

On a copy of the benchmark's synthetic database (``bench/benchmark.py``'s ``build_database``):

1. **Streamlit**: ``tracker --db COPY serve`` (the dashboard as it is run for real, one
   process). For each number of concurrent readers N, N readers at once in Chromium (one
   browser, a new context per visit, so every visit loads the page like a first-time reader)
   each make ``--visits`` visits to the overview; each visit is timed from navigation until the
   first headline figure is visible. The server's CPU is read from ``/proc/<pid>/stat`` before
   and after: CPU seconds per wall second (1.0 = one core busy).
2. **The edition**: ``tracker publish`` of the same database, served by ``python -m
   http.server`` (loopback only), measured the same way (until the first headline figure is
   visible on ``index.html``).
3. **Requests per second** the static server sustains: ``--clients`` threads each GET the
   overview (then an item page) ``--requests`` times over HTTP/1.0 (a new connection each, as
   http.server answers); bounded, on 127.0.0.1.

Browser, servers and load all share the machine's cores, so the latency figures include the
browser's own work; the CPU figures are the server's alone. Writes ``readers.json`` and prints
a table.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.benchmark import build_database, log, percentile  # noqa: E402
from tests.browser_support import (CHROMIUM, CHROMIUM_ARGS, dashboard_server, free_port,  # noqa: E402
                                   server_process)
from tracker.publish import publish  # noqa: E402
from tracker.store import Store  # noqa: E402

STREAMLIT_HEADLINE = '[data-testid="stMetricValue"]'
EDITION_HEADLINE = 'dd[data-figure="tracked"]'
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (and its waited-for children), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(fields[i]) for i in (11, 12, 13, 14))
    return (utime + stime + cutime + cstime) / TICKS


async def _visit(browser, url: str, selector: str, timeout_ms: float) -> float:
    context = await browser.new_context()
    try:
        page = await context.new_page()
        started = time.perf_counter()
        await page.goto(url, wait_until="commit", timeout=timeout_ms)
        await page.locator(selector).first.wait_for(state="visible", timeout=timeout_ms)
        return (time.perf_counter() - started) * 1000
    finally:
        await context.close()


async def _readers(url: str, selector: str, readers: int, visits: int, pid: int, timeout_ms: float) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            await _visit(browser, url, selector, timeout_ms)  # the server's first run, not counted

            async def reader() -> list[float]:
                times = []
                for _ in range(visits):
                    try:
                        times.append(await _visit(browser, url, selector, timeout_ms))
                    except Exception:  # a visit that timed out counts as the timeout, and is counted
                        times.append(float("inf"))
                return times

            cpu0, wall0 = cpu_seconds(pid), time.perf_counter()
            times = [t for one in await asyncio.gather(*(reader() for _ in range(readers))) for t in one]
            wall = time.perf_counter() - wall0
            cpu = cpu_seconds(pid) - cpu0
        finally:
            await browser.close()
    done = [t for t in times if t != float("inf")]
    worst = percentile(times, 0.95)
    return {"p50_ms": round(statistics.median(times)) if statistics.median(times) != float("inf") else None,
            "p95_ms": round(worst) if worst != float("inf") else None,
            "visits": len(times), "timed_out": len(times) - len(done), "wall_s": round(wall, 1), "server_cpu": round(cpu / wall, 2),
            "cpu_s_per_visit": round(cpu / len(times), 3), "visits_per_s": round(len(times) / wall, 2)}


def readers_table(url: str, selector: str, pid: int, counts: list[int], visits: int, timeout_s: float) -> dict:
    out = {}
    for n in counts:
        out[n] = asyncio.run(_readers(url, selector, n, visits, pid, timeout_s * 1000))
        log(f"  {n} readers: {out[n]}")
    return out


def requests_per_second(port: int, path: str, clients: int, requests: int, pid: int) -> dict:
    """Bounded load: ``clients`` threads, ``requests`` GETs each; whole answers read. Returns
    requests per second and the server's CPU seconds per request."""
    failures = []

    def client() -> None:
        for _ in range(requests):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", path)
                answer = conn.getresponse()
                answer.read()
                if answer.status != 200:
                    failures.append(answer.status)
            finally:
                conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    cpu0 = cpu_seconds(pid)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu0
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed: {failures[:5]}")
    return {"per_s": round(clients * requests / elapsed), "cpu_ms_per_request": round(cpu * 1000 / (clients * requests), 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--output", type=Path, default=ROOT / "bench-output")
    parser.add_argument("--readers", default="1,5,10,20")
    parser.add_argument("--visits", type=int, default=3, help="visits per reader (default 3)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=250, help="requests per client (default 250)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds a visit may take")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.readers.split(",")]
    args.output.mkdir(parents=True, exist_ok=True)
    db, _ = build_database(args.size, args.output, assessments=10, seed=args.seed)
    work = args.output / f"readers-{args.size}"
    work.mkdir(parents=True, exist_ok=True)
    copy = work / "tracker.db"
    copy.unlink(missing_ok=True)
    with Store(db) as store:
        store.backup(copy)
    results: dict = {"size": args.size, "visits_per_reader": args.visits}

    log(f"{args.size:,} items: Streamlit, readers {counts} ...")
    with dashboard_server(copy, work / "dashboard") as server:
        results["streamlit"] = readers_table(server.url + "/", STREAMLIT_HEADLINE, server.process.pid, counts,
                                             args.visits, args.timeout)

    log(f"{args.size:,} items: publishing the edition ...")
    site = work / "site"
    with Store(copy) as store:
        publish(store, site)
        item = sorted(store.item_ids())[0]
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "-d", str(site.resolve())]
    with server_process(command, f"http://127.0.0.1:{port}/index.html", work / "http.log") as process:
        log(f"{args.size:,} items: the edition on http.server, readers {counts} ...")
        results["edition"] = readers_table(f"http://127.0.0.1:{port}/index.html", EDITION_HEADLINE, process.pid,
                                           counts, args.visits, args.timeout)
        results["rps_overview"] = requests_per_second(port, "/index.html", args.clients, args.requests, process.pid)
        results["rps_item"] = requests_per_second(port, f"/items/{item}.html", args.clients, args.requests,
                                                  process.pid)
        log(f"  requests/s: overview {results['rps_overview']}, item page {results['rps_item']}")
    (args.output / "readers.json").write_text(json.dumps(results, indent=1))
    print(report(results))
    return 0


def _ms(value) -> str:
    return "timed out" if value is None else f"{value:,} ms"


def report(results: dict) -> str:
    lines = ["| concurrent readers | Streamlit p50 / p95 | Streamlit server CPU (cores) / CPU s per visit | "
             "edition p50 / p95 | edition server CPU (cores) |", "| ---: | ---: | ---: | ---: | ---: |"]
    for n, st in results["streamlit"].items():
        ed = results["edition"][n]
        lines.append(f"| {n} | {_ms(st['p50_ms'])} / {_ms(st['p95_ms'])} | {st['server_cpu']:.2f} / "
                     f"{st['cpu_s_per_visit']:.2f} | {_ms(ed['p50_ms'])} / {_ms(ed['p95_ms'])} | "
                     f"{ed['server_cpu']:.2f} |")
    lines.append("")
    for name, label in (("rps_overview", "overview"), ("rps_item", "an item page")):
        lines.append(f"Static server (http.server), {label}: {results[name]['per_s']:,} requests/s, "
                     f"{results[name]['cpu_ms_per_request']} ms of server CPU per request")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
