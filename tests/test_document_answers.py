"""Issue 13: documents that answer documents ("responds to", "follows up") and the new kinds."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from tracker import exchange
from tracker.errors import ImportRejectedError, InvalidInputError
from tracker.models import Document, DocumentKind


def _doc(ident: str, published: str, kind: str = "government response", **extra) -> Document:
    return Document(id=ident, title=f"Title of {ident}", publisher="Home Office", kind=kind,
                    published=published, **extra)


def test_the_new_document_kinds_are_offered_and_the_old_ones_kept():
    kinds = {k.value for k in DocumentKind}
    assert {"inquiry report", "independent review", "progress report", "government response",
            "parliamentary answer", "legislation"} <= kinds
    assert {"government paper", "inspection report", "news article", "strategy", "press release",
            "statement", "other"} <= kinds


def test_a_document_cannot_answer_itself():
    with pytest.raises(ValidationError, match="cannot answer or report itself"):
        _doc("x", "2024-01-01", responds_to="x")


def test_a_response_and_a_follow_up_are_stored_and_exported(sample_store, tmp_path):
    store = sample_store  # "report" was published December 2023
    store.add_document(_doc("response", "2024-03-01", responds_to="report"), by="alice")
    store.add_document(_doc("progress", "2025-07", kind="progress report", follows_up="report"), by="alice")
    assert store.get_document("response")["responds_to"] == "report"
    assert store.get_document("progress")["follows_up"] == "report"
    exported = json.loads(exchange.export_json(store))
    by_id = {d["id"]: d for d in exported["documents"]}
    assert (by_id["response"]["responds_to"], by_id["progress"]["follows_up"]) == ("report", "report")
    from tracker.store import Store

    with Store(tmp_path / "copy.db") as empty:
        exchange.import_file(empty, json.dumps(exported).encode(), "all.json", by="restore", as_recorded=True)
        assert empty.get_document("progress")["follows_up"] == "report"


def test_answers_that_point_nowhere_or_to_later_documents_are_refused(sample_store):
    store = sample_store
    before = store.data_version()
    with pytest.raises(InvalidInputError, match="responds_to: 'nowhere' is not a document"):
        store.add_document(_doc("response", "2024-03-01", responds_to="nowhere"), by="alice")
    with pytest.raises(InvalidInputError, match="published before it"):
        store.add_document(_doc("response", "2023-01-01", responds_to="report"), by="alice")
    assert store.data_version() == before
    store.add_document(_doc("response", "2024-03-01", responds_to="report"), by="alice")
    version = store.get_document("response")["version"]
    with pytest.raises(InvalidInputError, match="follows_up: 'nowhere' is not a document"):
        store.update_document(_doc("response", "2024-03-01", follows_up="nowhere"), expected_version=version, by="a")
    assert store.get_document("response")["follows_up"] is None


def test_an_import_lists_bad_answers_on_their_record(fresh_store, sample_bundle):
    raw = json.loads(sample_bundle.model_dump_json())
    raw["documents"].append(json.loads(_doc("early", "2023-01-01", responds_to="report").model_dump_json()))
    raw["documents"].append(json.loads(_doc("lost", "2024-01-01", follows_up="nowhere").model_dump_json()))
    with pytest.raises(ImportRejectedError) as info:
        exchange.import_file(fresh_store, json.dumps(raw).encode(), "x.json", by="alice")
    problems = info.value.problems
    assert any(p.startswith("documents[2] (early): responds_to:") and "published before it" in p for p in problems)
    assert "documents[3] (lost): follows_up 'nowhere' is not a document" in problems
    assert fresh_store.is_empty()
