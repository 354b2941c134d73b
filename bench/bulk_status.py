"""Time a bulk status update: N items updated from one progress report in one save.

    python bench/bulk_status.py --items 10000 --updated 50 --repeat 10

Builds a synthetic database (``tracker.synthetic``) of ``--items`` items in a temporary folder,
then, ``--repeat`` times, reads ``--updated`` assessable items with their versions and records
a new status for each through ``Store.record_assessments`` (one transaction, each checked
against the version read, the kept counts updated by their triggers). Prints the median and the
slowest save; the target is 50 items in <= 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker import status as status_rules  # noqa: E402
from tracker.models import Assessment, ItemKind, StatusUpdate  # noqa: E402
from tracker.store import Store  # noqa: E402
from tracker.synthetic import generate  # noqa: E402


def _assessment(kind: str, rng: random.Random) -> Assessment:
    vocab = status_rules.statuses_for_kind(ItemKind(kind))
    values = {field: rng.choice(options) for field, options in vocab.items()}
    return Assessment(**values, evidence="Progress report, March 2024: bench update.",
                      assessed_on="2024-03")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--updated", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        with Store(Path(folder) / "bench.db") as store:
            started = time.perf_counter()
            generate(store, items=args.items, seed=args.seed)
            print(f"built {args.items:,} items in {time.perf_counter() - started:.1f} s", flush=True)
            assessable = [row for row in store.item_rows() if row["kind"] != ItemKind.FINDING]
            timings = []
            for _ in range(args.repeat):
                chosen = rng.sample(assessable, args.updated)
                started = time.perf_counter()
                versions = {row["id"]: store.get_item(row["id"])["version"] for row in chosen}
                updates = [StatusUpdate(item_id=row["id"], expected_version=versions[row["id"]],
                                        assessment=_assessment(row["kind"], rng)) for row in chosen]
                store.record_assessments(updates, by="bench")
                timings.append(time.perf_counter() - started)
            assert store.summary_mismatches() == [], "kept counts out of step"
    print(f"{args.updated} items per save, {args.repeat} saves on {args.items:,} items: "
          f"median {statistics.median(timings) * 1000:.0f} ms, slowest {max(timings) * 1000:.0f} ms "
          "(reading the versions, building and checking the updates, and the one transaction)")


if __name__ == "__main__":
    main()
