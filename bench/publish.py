"""Measure `tracker publish`: a full edition, then an incremental one after status changes.

    python bench/publish.py --sizes 10000,100000 --output bench-output/

For each size it builds (or reuses) the benchmark's synthetic database (``bench/benchmark.py``'s
``build_database``: ~10 assessments per item), copies it, and measures on the copy:

1. a **full publish** into an empty folder, in a fresh process (``tracker publish``), with its
   wall time and the process's peak resident memory;
2. the edition's **size on disk** as served (``du -L``: following its ``items/`` and ``badges/``
   links, a file with several names counted once): bytes allocated, apparent bytes, the number
   of files, the open data's share; and all that ``tracker publish`` keeps beside it (the
   edition before, both item folders, the cache);
3. ``--changes`` (10) **status changes** through ``Store.record_assessment``, then an
   **incremental publish** into the same folder (a fresh process again): wall time, item
   pages made, files written and files linked unchanged from the edition before.

Each publish records the machine's 1-minute load average before and after it: on a shared
machine it says how much of the 2 cores the publish had.

Writes ``publish.json`` and prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.benchmark import build_database, log  # noqa: E402
from tracker.models import Assessment  # noqa: E402
from tracker.store import Store  # noqa: E402

RESULT = re.compile(r"in ([\d.]+) s: ([\d,]+) item pages made, ([\d,]+) files written, ([\d,]+) unchanged")


def timed_publish(db: Path, site: Path) -> dict:
    """``tracker publish`` in its own process: wall time, peak RSS (GNU time), its own report, and
    the machine's load average before and after, and the CPU seconds it used (the machine is
    shared: wall time depends on the load, CPU time much less)."""
    command = ["/usr/bin/time", "-f", "maxrss_kb=%M cpu_s=%U+%S", sys.executable, "-m", "tracker", "--db", str(db),
               "publish", str(site)]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"tracker publish failed: {done.stderr}")
    found = RESULT.search(done.stdout)
    rss = int(re.search(r"maxrss_kb=(\d+)", done.stderr).group(1)) / 1024
    user, system = re.search(r"cpu_s=([\d.]+)\+([\d.]+)", done.stderr).groups()
    return {"seconds": round(seconds, 1), "rss_mb": round(rss), "items_rendered": int(found.group(2).replace(",", "")),
            "files_written": int(found.group(3).replace(",", "")), "files_linked": int(found.group(4).replace(",", "")),
            "cpu_s": round(float(user) + float(system), 1), "load": [round(load_before, 1), round(os.getloadavg()[0], 1)]}


def _du(*args: str) -> int:
    return int(subprocess.run(["du", *args], capture_output=True, text=True).stdout.split()[0])


def disk(folder: Path) -> dict:
    """The edition as served (following its links: ``items/`` and ``badges/`` are symbolic links to
    the item pages' folder it uses; a file with several names counted once), and everything
    ``tracker publish`` keeps on disk beside it (the edition before, both item folders, the cache)."""
    real = folder.resolve()
    apparent = _du("-sbL", "--apparent-size", str(real))
    blocks = _du("-skL", str(real)) * 1024
    data = _du("-sbL", "--apparent-size", str(real / "data"))
    everything = _du("-sk", str(real.parent)) * 1024
    files = sum(len(names) for _, _, names in os.walk(real, followlinks=True))
    return {"apparent_mb": round(apparent / 2**20), "on_disk_mb": round(blocks / 2**20), "files": files,
            "open_data_mb": round(data / 2**20), "kept_mb": round(everything / 2**20)}


def change_statuses(db: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with Store(db) as store:
        frame = store.items_frame()
        chosen = frame[frame["kind"] == "commitment"].sample(n, random_state=rng.randrange(2**31))
        for item_id in chosen["id"]:
            store.record_assessment(item_id, Assessment(status=rng.choice(["stalled", "in progress", "delivered"]),
                                                        evidence="Benchmark change.", assessed_on=dt.date.today()),
                                    expected_version=None, by="bench")


def measure(size: int, output: Path, *, changes: int, seed: int) -> dict:
    db, info = build_database(size, output, assessments=10, seed=seed)
    work = output / f"publish-{size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    copy = work / "tracker.db"
    with Store(db) as store:
        store.backup(copy)
    site = work / "site"
    log(f"{size:,} items: full publish ...")
    full = timed_publish(copy, site)
    size_info = disk(site)
    log(f"{size:,} items: full {full}, {size_info}")
    change_statuses(copy, changes, seed)
    log(f"{size:,} items: {changes} status changes, incremental publish ...")
    incremental = timed_publish(copy, site)
    log(f"{size:,} items: incremental {incremental}")
    after = disk(site)
    log(f"{size:,} items: after the incremental publish {after}")
    return {"size": size, "db_mb": info.get("db_mb"), "full": full, "disk": size_info,
            "changes": changes, "incremental": incremental, "disk_after": after}


def report(results: list[dict]) -> str:
    rows = [
        ("full publish, wall time", "<= 10 min", lambda r: f"{r['full']['seconds']:,.0f} s"),
        ("full publish, CPU time (user + system)", "", lambda r: f"{r['full'].get('cpu_s', 0):,.0f} s"),
        ("full publish, peak RSS", "", lambda r: f"{r['full']['rss_mb']:,} MiB"),
        ("edition on disk (allocated)", "<= 1 GB", lambda r: f"{r['disk']['on_disk_mb']:,} MiB"),
        ("edition, apparent size", "", lambda r: f"{r['disk']['apparent_mb']:,} MiB"),
        ("of which open data", "", lambda r: f"{r['disk']['open_data_mb']:,} MiB"),
        ("kept on disk: this edition and the one before, both item folders, cache", "",
         lambda r: f"{r['disk'].get('kept_mb', 0):,} MiB"),
        ("files", "", lambda r: f"{r['disk']['files']:,}"),
        ("full publish: machine load (1-min average) before / after", "",
         lambda r: " / ".join(str(x) for x in r['full'].get('load', []))),
        ("incremental publish after status changes, wall time", "<= 30 s",
         lambda r: f"{r['incremental']['seconds']:,.1f} s"),
        ("incremental publish, CPU time", "", lambda r: f"{r['incremental'].get('cpu_s', 0):,.1f} s"),
        ("incremental: machine load before / after", "",
         lambda r: " / ".join(str(x) for x in r['incremental'].get('load', []))),
        ("incremental: item pages made", "", lambda r: f"{r['incremental']['items_rendered']:,}"),
        ("incremental: files written / linked unchanged", "",
         lambda r: f"{r['incremental']['files_written']:,} / {r['incremental']['files_linked']:,}"),
    ]
    head = "| figure | target at 100k | " + " | ".join(f"{r['size']:,} items" for r in results) + " |"
    lines = [head, "| --- | --- | " + " | ".join("---:" for _ in results) + " |"]
    for label, target, cell in rows:
        lines.append(f"| {label} | {target} | " + " | ".join(cell(r) for r in results) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--output", type=Path, default=ROOT / "bench-output")
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    results = [measure(int(s), args.output, changes=args.changes, seed=args.seed) for s in args.sizes.split(",")]
    (args.output / "publish.json").write_text(json.dumps(results, indent=1))
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
