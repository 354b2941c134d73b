"""Build ``tracker.db.gz`` and ``export.json.gz`` here with the code BEFORE the status periods
(commit f50b0da), for tests/test_status_periods.py's upgrade test:

    git worktree add /tmp/before f50b0da
    cd /tmp/before && PYTHONPATH=. python /path/to/tests/data/pre_periods/build.py /path/to/tests/data/pre_periods

The seeded database, 60 generated items, and writes of every kind that change history:
back-dated and same-day assessments, a bulk update, deadline revisions, items made earlier.
"""

import datetime as dt
import gzip
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tracker.bootstrap import init_database
from tracker.models import Assessment, DeadlineRevision, ItemFields, StatusUpdate
from tracker.store import Store
from tracker.synthetic import generate

out = Path(sys.argv[1])
rng = random.Random(8)
with tempfile.TemporaryDirectory() as work:
    db = Path(work) / "tracker.db"
    init_database(db)
    with Store(db) as store:
        assert "010_status_periods" not in store.applied_migrations(), "run this with the code before the periods"
        generate(store, items=60, seed=8, chunk_size=60)
        commitments = [r for r in store.item_rows() if r["kind"] in ("commitment", "call")]
        for item in rng.sample(commitments, 12):
            made = dt.date.fromisoformat(item["made_start"])
            version = item["version"]
            day = made + dt.timedelta(days=rng.randint(0, 200))
            for status in ("in progress", "stalled"):  # two on one day, and back-dated
                version = store.record_assessment(item["id"], Assessment(status=status, evidence="Seen.", assessed_on=day),
                                                  expected_version=version, by="ada")
            version = store.revise_deadline(item["id"], DeadlineRevision(deadline=str(made.year + 4), reason="Moved.",
                                            revised_on=made + dt.timedelta(days=30)), expected_version=version, by="ada")
            fields = ItemFields(kind=item["kind"], title=item["title"], quote=item["quote"],
                                document_id=item["document_id"], makers=item["makers"].split("; "),
                                owners=[o for o in item["owners"].split("; ") if o],
                                themes=[t for t in item["themes"].split("; ") if t],
                                made=(made - dt.timedelta(days=10)).isoformat(), done_when=item["done_when"])
            store.update_item(item["id"], fields, expected_version=version, by="ada")
        rows = [store.get_item(r["id"]) for r in rng.sample(commitments, 5)]
        store.record_assessments([StatusUpdate(item_id=r["id"], expected_version=r["version"],
                                               assessment=Assessment(status="delivered", evidence="Report.",
                                                                     assessed_on="2026-01-15"))
                                  for r in rows], by="ada")
        store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    export = subprocess.run([sys.executable, "-m", "tracker.cli", "--db", str(db), "export", "--format", "json"],
                            capture_output=True, text=True, check=True).stdout
    with db.open("rb") as source, gzip.open(out / "tracker.db.gz", "wb", compresslevel=9) as target:
        shutil.copyfileobj(source, target)
    with gzip.open(out / "export.json.gz", "wt", compresslevel=9) as target:
        target.write(export)
print("written", out)
