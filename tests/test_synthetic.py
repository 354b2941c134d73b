"""The synthetic data generator: repeatable with a seed, and every store invariant holds."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tracker.exchange import export_json
from tracker.models import Assessment
from tracker.store import Store
from tracker.synthetic import default_plan, generate


def _generated(path, **options):
    store = Store(path)
    counts = generate(store, **options)
    return store, counts


def _comparable_export(store: Store) -> dict:
    """The export without the times the store stamps itself (not part of the generated data)."""
    bundle = json.loads(export_json(store))
    bundle.pop("exported_at")
    for item in bundle["items"]:
        for revision in item["deadline_revisions"]:
            revision.pop("recorded_at")
    return bundle


def test_same_seed_same_data_other_seed_other_data(tmp_path):
    first, _ = _generated(tmp_path / "a.db", items=120, seed=7, chunk_size=50)
    second, _ = _generated(tmp_path / "b.db", items=120, seed=7, chunk_size=50)
    other, _ = _generated(tmp_path / "c.db", items=120, seed=8, chunk_size=50)
    with first, second, other:
        assert _comparable_export(first) == _comparable_export(second)
        assert _comparable_export(first) != _comparable_export(other)


@pytest.mark.parametrize("items, per_item", [(1, 10), (57, 3), (300, 10)])
def test_sizes_follow_the_plan(tmp_path, items, per_item):
    store, counts = _generated(tmp_path / "t.db", items=items, assessments_per_item=per_item, seed=1,
                               chunk_size=40)
    plan = default_plan(items, per_item)
    with store:
        stored = store.counts()
        assert stored["items"] == counts["items"] == items
        assert stored["actors"] == plan.actors and stored["documents"] == plan.documents
        assert stored["assessments"] == counts["assessments"]
        assert stored["links"] == counts["links"] <= plan.links
        if items >= 300:  # ~per_item on average over all items (findings carry none)
            assert 0.8 * per_item * items <= stored["assessments"] <= 1.2 * per_item * items
            assert stored["links"] >= 0.9 * plan.links
            assert len(store.themes()) == plan.themes


def test_invariants_hold_as_after_any_import(tmp_path):
    store, _ = _generated(tmp_path / "t.db", items=400, seed=3, chunk_size=100)
    conn = store.db.conn
    with store:
        # Every item's status cache equals its latest history row (by evidence date, then entry).
        mismatched = conn.execute(
            """
            SELECT count(*) FROM items i
            LEFT JOIN (
                SELECT item_id, status, response, implementation, assessed_on,
                       ROW_NUMBER() OVER (PARTITION BY item_id ORDER BY assessed_on DESC, id DESC) AS rn
                FROM assessments
            ) a ON a.item_id = i.id AND a.rn = 1
            WHERE i.status IS NOT a.status OR i.response IS NOT a.response
               OR i.implementation IS NOT a.implementation OR i.last_assessed_on IS NOT a.assessed_on
            """
        ).fetchone()[0]
        assert mismatched == 0
        # Findings carry no history; everything else has some, in the right vocabulary.
        frame = store.items_frame()
        findings = frame[frame["kind"] == "finding"]
        assert findings["last_assessed_on"].isna().all()
        others = frame[frame["kind"] != "finding"]
        assert others["last_assessed_on"].notna().all()
        recommendations = frame[frame["kind"] == "recommendation"]
        assert recommendations["status"].isna().all() and recommendations["implementation"].notna().all()
        # Imported items start at version 1; one data_version bump per imported chunk (+ reference data).
        assert set(frame["version"]) == {1}
        assert store.data_version() == 1 + 4
        # Links point from later items to earlier ones, never to themselves.
        links = store.links()
        assert (links["source_id"] > links["target_id"]).all()
        assert store.integrity_check() == "ok"
        # A status change on generated data behaves as on any other.
        commitment = frame[frame["kind"] == "commitment"].iloc[0]["id"]
        before = len(store.history(commitment))
        version = store.record_assessment(
            commitment, Assessment(status="withdrawn", evidence="Test.", assessed_on=dt.date.today()),
            expected_version=1, by="test",
        )
        assert version == 2 and len(store.history(commitment)) == before + 1
        assert store.get_item(commitment)["status"] == "withdrawn"
