"""Issue 14 in the staff pages (AppTest): ids made from titles, pickers that name a record by
more than its title, bulk status updates and the review queue.

The helpers and fixtures are the staff pages' own (tests/test_staff_pages.py).
"""

from __future__ import annotations

from test_staff_pages import button, fast_hashing, ok, plain, signed_in, staff_db, texts  # noqa: F401

from tracker.store import Store


def test_a_new_item_left_without_an_id_gets_one_from_its_title(staff_db):
    at = ok(signed_in().switch_page("staff/items.py").run())
    prefix = "item:new"
    at.selectbox(key=f"{prefix}:kind").set_value("commitment")
    at.text_input(key=f"{prefix}:title").input("The Home Office will publish a new data plan")
    at.text_area(key=f"{prefix}:quote").input("a verbatim quote")
    at.selectbox(key=f"{prefix}:document_id").set_value("hmicfrs-2023")
    at.multiselect(key=f"{prefix}:makers").set_value(["home-office"])
    at.text_input(key=f"{prefix}:made").input("2023-12-08")
    ok(button(at, "Add item").click().run())
    assert any("home-office-will-publish-new-data-plan-2023" in plain(s.value) for s in at.success), texts(at)
    # The same title again gets the next free id, never the first one's.
    at.selectbox(key=f"{prefix}:kind").set_value("commitment")
    at.text_input(key=f"{prefix}:title").input("The Home Office will publish a new data plan")
    at.text_area(key=f"{prefix}:quote").input("another verbatim quote")
    at.selectbox(key=f"{prefix}:document_id").set_value("hmicfrs-2023")
    at.multiselect(key=f"{prefix}:makers").set_value(["home-office"])
    at.text_input(key=f"{prefix}:made").input("2023-12-08")
    ok(button(at, "Add item").click().run())
    with Store(staff_db) as store:
        assert store.get_item("home-office-will-publish-new-data-plan-2023")["quote"] == "a verbatim quote"
        assert store.get_item("home-office-will-publish-new-data-plan-2023-2")["quote"] == "another verbatim quote"


def test_a_new_document_and_actor_get_ids_from_their_names(staff_db):
    at = ok(signed_in().switch_page("staff/sources.py").run())
    at.text_input(key="document:new:title").input("Tackling child sexual abuse: progress report")
    at.text_input(key="document:new:publisher").input("Home Office")
    at.text_input(key="document:new:published").input("2022-03")
    ok(button(at, "Add document").click().run())
    assert any("tackling-child-sexual-abuse-progress-report-2022" in plain(s.value) for s in at.success), texts(at)
    at.text_input(key="actor:new:name").input("National Police Chiefs' Council")
    ok(button(at, "Add actor").click().run())
    with Store(staff_db) as store:
        assert store.get_document("tackling-child-sexual-abuse-progress-report-2022")["published_precision"] == "month"
        assert store.get_actor("national-police-chiefs-council")["name"] == "National Police Chiefs' Council"


def test_pickers_name_kind_date_document_and_id(staff_db):
    at = ok(signed_in().switch_page("staff/assess.py").run())
    picker = at.selectbox(key="item")
    label = picker.format_func("consistent-tracking")
    assert "recommendation" in label and "consistent-tracking" in label and "December 2023" in label, label
    with Store(staff_db) as store:
        title = store.get_document("hmicfrs-2023")["title"]
    assert title[:40] in label
    ok(picker.set_value("consistent-tracking").run())
    documents = at.selectbox(key="assess:consistent-tracking:evidence_document_id")
    label = documents.format_func("hmicfrs-2023")
    assert "hmicfrs-2023" in label and "inspection report" in label and "2023" in label, label
