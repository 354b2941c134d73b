"""Errors from the tracker's models land on the form field they are about."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from dashboard.staff.changes import changes_table, describe, values_text
from dashboard.staff.form_errors import FORM, field_errors, field_for_message
from tracker.errors import InvalidInputError
from tracker.models import Assessment, ItemIn, ItemKind

ASSESSMENT_FIELDS = ("status", "evidence", "evidence_url", "evidence_document_id", "assessed_on")
ITEM_FIELDS = ("id", "kind", "title", "quote", "document_id", "makers", "owners", "themes", "made", "deadline")


def errors_of(model, values, fields, **kwargs):
    with pytest.raises(ValidationError) as info:
        model.model_validate(values)
    return field_errors(info.value, fields, **kwargs)


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"evidence": ""}, "evidence", "this field is required"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url", "must be an http:// or https:// address"),
        ({"assessed_on": dt.date.today() + dt.timedelta(days=30)}, "assessed_on", "is in the future"),
        ({"assessed_on": None}, "assessed_on", "this field is required"),
        ({"status": "done-ish"}, "status", "Input should be"),
        ({"status": None}, "status", "give a status"),
    ],
)
def test_assessment_errors_land_on_their_field(values, field, message):
    base = {"status": "delivered", "evidence": "Evidence", "assessed_on": dt.date(2024, 1, 1)}
    errors = errors_of(Assessment, {**base, **values}, ASSESSMENT_FIELDS)
    assert any(message in m for m in errors[field]), errors


def test_item_errors_including_whole_record_rules():
    errors = errors_of(
        ItemIn,
        {"id": "Bad Id", "kind": "recommendation", "title": "", "quote": "x" * 50_000, "document_id": "doc",
         "makers": [], "made": "2020"},
        ITEM_FIELDS,
    )
    assert "too long: at most 2000 characters" in errors["quote"]
    assert "this field is required" in errors["title"]
    assert "choose at least one" in errors["makers"]
    assert errors["id"] == ["use lower-case letters, digits and hyphens (up to 80), starting with a letter or digit"]
    errors = errors_of(
        ItemIn,
        {"id": "ok", "kind": "recommendation", "title": "t", "quote": "q", "document_id": "doc",
         "makers": ["a"], "made": "2020"},
        ITEM_FIELDS,
    )
    assert errors == {"owners": ["a recommendation needs at least one addressee in owners"]}


def test_a_field_left_empty_is_required_whatever_rule_it_fails_first():
    errors = errors_of(
        ItemIn,
        {"id": "", "kind": "commitment", "title": "t", "quote": "q", "document_id": None,
         "makers": ["a"], "made": ""},
        ITEM_FIELDS,
    )
    assert errors == {"id": ["this field is required"], "document_id": ["this field is required"],
                      "made": ["this field is required"]}


def test_a_bad_username_says_what_a_username_may_hold():
    from tracker.models import UserIn

    errors = errors_of(UserIn, {"username": "Bad Name", "display_name": "B"}, ("username", "display_name"))
    assert errors == {"username": [
        "use 2 to 40 lower-case letters, digits, dots, hyphens or underscores, starting with a letter or digit"]}


def test_check_kind_message_goes_to_the_status_fields():
    assessment = Assessment(status="delivered", evidence="e", assessed_on="2024-01-01")
    with pytest.raises(ValueError) as info:
        assessment.check_kind(ItemKind.RECOMMENDATION)
    assert set(field_errors(info.value, ("response", "implementation", "evidence"))) == {"response"}


@pytest.mark.parametrize(
    "message, expected",
    [
        ("evidence document 'x' does not exist", "evidence_document_id"),  # the longer phrase wins
        ("the evidence is thin", "evidence"),
        ("the database is busy with other writers; please try again", FORM),
        ("an item's kind cannot change", "kind"),
    ],
)
def test_field_for_message(message, expected):
    assert field_for_message(message, ("kind", "evidence", "evidence_document_id")) == expected


def test_tracker_errors_and_aliases():
    errors = field_errors(InvalidInputError("the password must be at least 10 characters long"),
                          ("username", "password"))
    assert errors == {"password": ["the password must be at least 10 characters long"]}
    assert field_errors(ValueError("choose an account"), ("username",), {"username": ["account"]}) == {
        "username": ["choose an account"]}


def test_describe_changes():
    assess = {"action": "assess", "username": "edna", "at": "2024-01-02T03:04:05.123+00:00",
              "after": {"status": "delivered", "evidence": "It was done.", "assessed_on": "2024-01-01"}}
    update = {"action": "update", "username": "eric", "at": "2024-01-03T00:00:00+00:00",
              "before": {"title": "Old", "makers": "a; b", "quote": "same"},
              "after": {"title": "New", "makers": ["a", "b"], "quote": "same"}}
    deadline = {"action": "revise deadline", "after": {"deadline": "2025", "reason": "moved"}}
    assert describe(assess) == "recorded status 'delivered' on 2024-01-01: It was done."
    assert describe(update) == "changed title"
    assert describe(deadline) == "moved the deadline to 2025: moved"
    table = changes_table([assess, update])
    assert table["Who"].tolist() == ["edna", "eric"]
    assert table["When"].iloc[0] == "2024-01-02 03:04:05 UTC"


@pytest.mark.parametrize(
    "stored, text",
    [
        (None, ""),
        ('{"status": "delivered", "evidence": "Done.", "evidence_url": null}', "status: delivered · evidence: Done."),
        ('{"makers": ["a", "b"]}', "makers: a; b"),
        ("not json", "not json"),
    ],
)
def test_audit_values_as_text(stored, text):
    assert values_text(stored) == text
