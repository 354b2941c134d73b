"""Issue 13 on the staff pages (Streamlit AppTest): an item's reference and a document's answers
are typed in forms; a bad value is refused next to its field and nothing is written; the
assessment form records evidence dated to the month; a correction needs a reason."""

from __future__ import annotations

import datetime as dt

from test_staff_pages import button, error_after, fast_hashing, ok, signed_in, snapshot, staff_db, texts  # noqa: F401

from tracker.store import Store


def test_an_items_reference_is_saved_and_a_bad_one_refused_on_its_field(staff_db):
    at = ok(signed_in().switch_page("staff/items.py").run())
    ok(at.selectbox(key="edit_item").set_value("improve-data").run())
    prefix = "item:improve-data"
    before = snapshot(staff_db)
    at.text_input(key=f"{prefix}:reference").input("x" * 61)
    ok(button(at, "Save changes").click().run())
    assert "too long: at most 60 characters" in error_after(at, f"{prefix}:reference"), texts(at)
    assert snapshot(staff_db) == before
    at.text_input(key=f"{prefix}:reference").input("Commitment 3")
    ok(button(at, "Save changes").click().run())
    assert any("Saved" in s.value for s in at.success), texts(at)
    with Store(staff_db) as store:
        assert store.get_item("improve-data")["reference"] == "Commitment 3"


def test_a_document_answer_is_saved_and_a_later_one_refused(staff_db):
    at = ok(signed_in().switch_page("staff/sources.py").run())
    prefix = "document:new"
    at.text_input(key=f"{prefix}:title").input("The government's response")
    at.text_input(key=f"{prefix}:publisher").input("Home Office")
    at.selectbox(key=f"{prefix}:kind").set_value("government response")
    at.text_input(key=f"{prefix}:published").input("2023-01")  # before the inspection report
    at.selectbox(key=f"{prefix}:responds_to").set_value("hmicfrs-2023")
    before = snapshot(staff_db)
    ok(button(at, "Add document").click().run())
    assert "published before it" in error_after(at, f"{prefix}:responds_to"), texts(at)
    assert snapshot(staff_db) == before
    at.text_input(key=f"{prefix}:published").input("2024-03")
    ok(button(at, "Add document").click().run())
    assert any("was added" in s.value for s in at.success), texts(at)
    with Store(staff_db) as store:
        added = [d for d in store.documents() if d["title"] == "The government's response"]
    assert [d["responds_to"] for d in added] == ["hmicfrs-2023"]


def test_month_dated_evidence_and_a_correction_through_the_assessment_page(staff_db):
    at = ok(signed_in().switch_page("staff/assess.py").run())
    ok(at.selectbox(key="item").set_value("improve-data").run())
    prefix = "assess:improve-data"
    at.selectbox(key=f"{prefix}:status").set_value("delivered")
    at.text_area(key=f"{prefix}:evidence").input("A progress report of March 2024")
    at.date_input(key=f"{prefix}:assessed_on").set_value(dt.date(2024, 3, 19))
    at.selectbox(key=f"{prefix}:assessed_on_precision").set_value("month")
    ok(button(at, "Save assessment").click().run())
    with Store(staff_db) as store:
        latest = store.history("improve-data")[-1]
    assert (latest["assessed_on"], latest["assessed_on_precision"]) == ("2024-03-01", "month")

    before = snapshot(staff_db)
    at.selectbox(key="correct:improve-data:assessment").set_value(latest["id"])
    ok(button(at, "Mark as mistaken").click().run())
    assert "this field is required" in error_after(at, "correct:improve-data:reason"), texts(at)
    assert snapshot(staff_db) == before
    at.text_area(key="correct:improve-data:reason").input("Misread: the report says in progress")
    ok(button(at, "Mark as mistaken").click().run())
    assert any("Corrected" in s.value and "no longer counts" in s.value for s in at.success), texts(at)
    with Store(staff_db) as store:
        assert store.history("improve-data")[-1]["correction_reason"] == "Misread: the report says in progress"
        assert store.get_item("improve-data")["status"] != "delivered"
