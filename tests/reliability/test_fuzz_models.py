"""Bad input, property-based: the models and the store's write methods.

Every model is fed valid records broken in random ways. It must either accept the value or
raise pydantic's ValidationError (which every edge turns into readable lines), never anything
else. What a model accepts must survive a JSON round trip, and the store must either write it
or refuse it with a TrackerError, leaving the database exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from hostile_inputs import json_values, mutated, python_values
from reliability_workload import env_size
from tracker.errors import TrackerError
from tracker.models import (
    Actor,
    Assessment,
    Bundle,
    DeadlineRevision,
    Document,
    ItemIn,
    Link,
    PartialDate,
    UserIn,
    describe_validation_error,
)
from tracker.store import Store

EXAMPLES = env_size("TRACKER_FUZZ_EXAMPLES", 150)

VALID = {
    Actor: {"id": "home-office", "name": "Home Office", "kind": "government department",
            "description": "A ministerial department."},
    Document: {"id": "paper-2", "title": "Another paper", "publisher": "Home Office",
               "kind": "government paper", "published": "2020-12-15", "url": "https://example.org/p",
               "reported_in": None, "text_file": "paper.txt"},
    ItemIn: {"id": "new-item", "kind": "recommendation", "title": "Inspectorate: do the thing",
             "quote": "should do the thing", "document_id": "paper", "makers": ["inspectorate"],
             "owners": ["home-office"], "themes": ["data collection"], "made": "2023-12",
             "deadline": "2025", "done_when": "The thing is done."},
    Assessment: {"status": "delivered", "evidence": "Annual report, p. 4",
                 "evidence_url": "https://example.org/r", "evidence_document_id": "paper",
                 "assessed_on": "2024-03-01"},
    Link: {"source_id": "track-abuse", "kind": "responds to", "target_id": "improve-data",
           "note": "The recommendation answers it."},
    DeadlineRevision: {"deadline": "2026-03", "reason": "Moved in the annual plan.", "revised_on": "2024-01-02"},
    UserIn: {"username": "alice.example", "display_name": "Alice Example", "email": "alice@example.org",
             "role": "editor"},
}


def fuzz_settings(**extra):
    return settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], **extra)


@pytest.mark.parametrize("model", [*VALID, Bundle, PartialDate], ids=lambda m: m.__name__)
def test_model_accepts_or_refuses_cleanly(model: type[BaseModel], sample_bundle, record_figures):
    base = sample_bundle.model_dump(mode="json") if model is Bundle else VALID.get(model, "2020-12")
    outcomes: Counter = Counter()

    @fuzz_settings()
    @given(value=mutated(base, values=python_values) if isinstance(base, dict) else python_values)
    def check(value):
        try:
            accepted = model.model_validate(value)
        except ValidationError as exc:
            lines = describe_validation_error(exc)
            assert lines and all(isinstance(line, str) and line for line in lines)
            outcomes["refused"] += 1
            return
        outcomes["accepted"] += 1
        # What is accepted survives being written out and read back.
        again = model.model_validate_json(accepted.model_dump_json())
        assert again == accepted

    check()
    record_figures(kind="fuzz", target=f"model {model.__name__}", inputs=sum(outcomes.values()),
                   refused=outcomes["refused"], tracebacks=0)
    assert outcomes["refused"] > 0


@pytest.mark.parametrize("model", [Actor, Document, ItemIn, Assessment, Link, DeadlineRevision, UserIn],
                         ids=lambda m: m.__name__)
def test_store_writes_valid_input_or_refuses_it_without_a_trace(model, tmp_path, sample_bundle, record_figures):
    """Valid models that still break a database rule (unknown ids, duplicates, wrong vocabulary
    for the item's kind) are refused with a TrackerError and change nothing."""
    with Store(tmp_path / "fuzz.db") as store:
        store.import_bundle(sample_bundle, by="setup")
        writes = {
            Actor: lambda v: store.add_actor(v, by="fuzz"),
            Document: lambda v: store.add_document(v, by="fuzz"),
            ItemIn: lambda v: store.add_item(v, by="fuzz"),
            Assessment: lambda v: store.record_assessment(
                "track-abuse" if v.status is None else "improve-data", v,
                expected_version=store.get_item("improve-data")["version"] if v.status else None, by="fuzz"),
            Link: lambda v: store.add_link(v, by="fuzz"),
            DeadlineRevision: lambda v: store.revise_deadline("improve-data", v, expected_version=None, by="fuzz"),
            UserIn: lambda v: store.add_user(v, None, by="fuzz"),
        }
        outcomes: Counter = Counter()
        references = st.sampled_from(["improve-data", "track-abuse", "data-unreliable", "home-office",
                                      "inspectorate", "paper", "report", "nowhere"])

        @fuzz_settings()
        @given(value=mutated(VALID[model], values=st.one_of(json_values, references)))
        def check(value):
            try:
                record = model.model_validate(value)
            except ValidationError:
                outcomes["refused by the model"] += 1
                return
            before = dump(store)
            try:
                writes[model](record)
            except TrackerError as exc:
                assert str(exc)
                assert dump(store) == before, "a refused write changed the database"
                outcomes["refused by the store"] += 1
            else:
                outcomes["written"] += 1
            assert store.integrity_check() == "ok"

        check()
    record_figures(kind="fuzz", target=f"store write {model.__name__}", inputs=sum(outcomes.values()),
                   refused=outcomes["refused by the model"] + outcomes["refused by the store"],
                   written=outcomes["written"], tracebacks=0)


def dump(store: Store) -> list[str]:
    """The database's whole logical content (schema and rows)."""
    return list(store.db.conn.iterdump())


@pytest.mark.parametrize("field,value,message", [
    ("title", "x" * 201, "at most 200 characters"),
    ("quote", "q" * 100_000, "at most 2000 characters"),
    ("title", "bad\x00byte", "control characters"),
    ("title", "bad \ud800 surrogate", "unicode"),
    ("made", "2199-01-01", "in the future"),
    ("made", "2999-01-01", "out of range"),
    ("made", "2021-02-29", "does not exist"),
    ("makers", "UPPER; ok", "pattern"),
    ("id", "../etc/passwd", "pattern"),
])
def test_oversized_and_malformed_fields_get_a_readable_message(field, value, message):
    with pytest.raises(ValidationError) as info:
        ItemIn.model_validate({**VALID[ItemIn], field: value})
    lines = describe_validation_error(info.value)
    assert any(message in line for line in lines), lines
    assert all(len(line) < 400 for line in lines), "the message must not echo a huge value back"


def test_a_refused_write_really_leaves_the_database_alone(sample_store):
    """The `dump` comparison above can fail: a write that lands does change it."""
    before = dump(sample_store)
    sample_store.add_actor(Actor(id="new-actor", name="New"), by="t")
    assert dump(sample_store) != before


@pytest.mark.parametrize("value", [dt.date(1899, 12, 31), dt.datetime(1, 1, 1, 12, 0), dt.date(2201, 1, 1)])
def test_partial_date_objects_meet_the_text_year_range(value):
    """Found by the round-trip property: a date object outside 1900-2200 was accepted, stored
    and exported, and that export could not be imported again."""
    with pytest.raises(ValidationError, match="out of range"):
        PartialDate.model_validate(value)
    assert PartialDate.model_validate(dt.date(2020, 12, 15)).iso() == "2020-12-15"
