"""Issue 14 in the staff pages (AppTest): ids made from titles, pickers that name a record by
more than its title, bulk status updates and the review queue.

The helpers and fixtures are the staff pages' own (tests/test_staff_pages.py).
"""

from __future__ import annotations

from test_staff_pages import button, fast_hashing, ok, plain, signed_in, snapshot, staff_db, texts  # noqa: F401

from tracker.models import Assessment
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


# -- statuses from a progress report -------------------------------------------------------------


def open_bulk(at, *, report="hmicfrs-2023", source="hmicfrs-2023"):
    ok(at.switch_page("staff/bulk_status.py").run())
    ok(at.selectbox(key="bulk_report").set_value(report).run())
    return ok(at.selectbox(key="items_of").set_value(source).run())


def edit_rows(at, edits: dict[str, dict]):
    """Type into the table: ``edits`` by item id, recorded as the data editor records them."""
    key = next(k for k in at.session_state if k.startswith("bulk_editor:"))
    shown = list(at.dataframe[0].value["id"])
    at.session_state[key] = {"edited_rows": {shown.index(i): values for i, values in edits.items()},
                             "added_rows": [], "deleted_rows": []}


def test_bulk_page_records_many_statuses_in_one_save(staff_db):
    with Store(staff_db) as store:
        untouched = len(store.history("ethnicity-in-custody"))
    at = open_bulk(signed_in())
    assert at.text_input(key="bulk_on").value == "2023-12-08"  # the report's date, editable
    at.text_input(key="bulk_on").input("2024-03")
    edit_rows(at, {"taskforce": {"status": "in progress"},
                   "consistent-tracking": {"response": "accepted", "implementation": "in progress"}})
    ok(button(at, "Save the changes (3 rows)").click().run())
    assert any("Recorded 2 status changes in one save" in plain(s.value) for s in at.success), texts(at)
    with Store(staff_db) as store:
        latest = store.history("consistent-tracking")[-1]
        assert (latest["response"], latest["implementation"], latest["assessed_on"], latest["assessed_on_precision"],
                latest["evidence_document_id"], latest["recorded_by"]) == (
            "accepted", "in progress", "2024-03-01", "month", "hmicfrs-2023", "edna")
        assert store.get_item("taskforce")["status"] == "in progress"
        assert len(store.history("ethnicity-in-custody")) == untouched  # left as it was: not recorded
    # Readers see the evidence dated as precisely as it was given: "March 2024", not "1 March 2024".
    at.query_params["id"] = "consistent-tracking"
    ok(at.switch_page("views/item.py").run())
    assert any(plain(m.value).startswith("**March 2024** —") for m in at.markdown), [m.value for m in at.markdown]


def test_bulk_save_refused_for_a_conflict_lists_it_and_writes_nothing(staff_db):
    at = open_bulk(signed_in())
    edit_rows(at, {"taskforce": {"status": "stalled"},
                   "consistent-tracking": {"response": "noted", "implementation": "not started"}})
    with Store(staff_db) as store:  # another editor, meanwhile
        store.record_assessment("taskforce", Assessment(status="delivered", evidence="Eric: delivered, says the report.",
                                                        assessed_on="2024-01-05"),
                                expected_version=store.get_item("taskforce")["version"], by="eric")
        before = snapshot(staff_db)
    ok(button(at, "Save the changes (3 rows)").click().run())
    assert any("changed by someone else" in e for e in texts(at)), texts(at)
    shown = " ".join(plain(m.value) for m in at.markdown)
    assert "Eric: delivered, says the report." in shown and "eric" in shown
    assert snapshot(staff_db) == before  # nothing half-written: not even the other row
    ok(button(at, "Save the changes (3 rows)").click().run())  # having seen it, a deliberate save
    assert any("Recorded 2 status changes" in plain(s.value) for s in at.success), texts(at)
    with Store(staff_db) as store:
        entries = sorted(store.history("taskforce"), key=lambda h: h["id"])  # in the order recorded
        assert [(h["recorded_by"], h["status"]) for h in entries][-2:] == [("eric", "delivered"), ("edna", "stalled")]


def test_bulk_bad_input_gets_a_message_and_writes_nothing(staff_db):
    at = open_bulk(signed_in())
    before = snapshot(staff_db)
    ok(button(at, "Save the changes (3 rows)").click().run())
    assert any("Nothing to save" in e for e in texts(at)), texts(at)
    edit_rows(at, {"taskforce": {"status": "stalled"}})
    at.text_input(key="bulk_on").input("2023-13")
    ok(button(at, "Save the changes (3 rows)").click().run())
    assert any("month 13 does not exist" in e for e in texts(at)), texts(at)
    at.text_input(key="bulk_on").input("2099-01")
    ok(button(at, "Save the changes (3 rows)").click().run())
    assert any("in the future" in plain(m.value) for m in at.markdown), [m.value for m in at.markdown]
    at.text_input(key="bulk_on").input("2023-12")
    at.text_area(key="bulk_evidence").input("  ")
    ok(button(at, "Save the changes (3 rows)").click().run())
    assert any("Give the evidence" in e for e in texts(at)), texts(at)
    edit_rows(at, {"consistent-tracking": {"response": "accepted", "implementation": None}})
    at.text_area(key="bulk_evidence").input("The Home Office's response accepts it.")
    ok(button(at, "Save the changes (3 rows)").click().run())
    assert any("needs both a response and an implementation" in plain(m.value) for m in at.markdown)
    assert snapshot(staff_db) == before


def _address_to_two(staff_db) -> None:
    """consistent-tracking addressed to the Home Office and the police (the fixture gives one)."""
    from tracker.models import ItemFields

    with Store(staff_db) as store:
        record = next(r for r in store.export_bundle().items if r.id == "consistent-tracking")
        fields = ItemFields.model_validate({**record.model_dump(include=set(ItemFields.model_fields)),
                                            "owners": ["home-office", "police"]})
        store.update_item(record.id, fields, expected_version=store.get_item(record.id)["version"], by="test")


def test_bulk_row_for_one_addressee_records_that_bodys_status_only(staff_db):
    _address_to_two(staff_db)
    at = open_bulk(signed_in())
    table = at.dataframe[0].value
    assert "addressees" in table.columns  # the chooser is there: an item has several addressees
    now = table.set_index("id").at["consistent-tracking", "bodies"]  # each body with its own status
    assert now.startswith("Home Office: ") and "; Police forces: " in now and "implemented" not in now, now
    edit_rows(at, {"consistent-tracking": {"response": "accepted", "implementation": "implemented",
                                           "addressees": ["police"]}})
    ok(button(at, "Save the changes (3 rows)").click().run())
    assert any("Recorded 1 status change" in plain(s.value) for s in at.success), texts(at)
    with Store(staff_db) as store:
        bodies = {r["actor_id"]: (r["response"], r["implementation"]) for r in store.addressee_statuses(
            "consistent-tracking")}
        latest = store.history("consistent-tracking")[-1]
        assert store.assessment_addressees("consistent-tracking")[latest["id"]] == ["police"]
    assert bodies["police"] == ("accepted", "implemented")
    assert bodies["home-office"] != ("accepted", "implemented")  # the other body keeps its own status
    now = at.dataframe[0].value.set_index("id").at["consistent-tracking", "bodies"]
    assert "Police forces: accepted, implemented" in now and "Home Office: accepted, implemented" not in now, now


def test_bulk_row_for_a_body_the_item_is_not_addressed_to_is_refused(staff_db):
    _address_to_two(staff_db)
    at = open_bulk(signed_in())
    before = snapshot(staff_db)
    # the police are an addressee of another row's item, not of taskforce's (the Home Office's)
    edit_rows(at, {"taskforce": {"status": "in progress", "addressees": ["police"]}})
    ok(button(at, "Save the changes (3 rows)").click().run())
    shown = " ".join(plain(m.value) for m in at.markdown)
    assert "police is not among the addressees of taskforce" in shown, shown
    assert snapshot(staff_db) == before


# -- items from a text (the review queue) --------------------------------------------------------

REPORT = """Recommendations

Recommendation 1: By 31 March 2027, the Home Office should publish a national definition of group-based exploitation.

Recommendation 2: Within six months of publication, the College of Policing should update its training for investigators.

We found that data collection was inconsistent across forces <script>alert(1)</script>.
"""


def open_review(at, document="hmicfrs-2023"):
    ok(at.switch_page("staff/review.py").run())
    return ok(at.selectbox(key="document").set_value(document).run())


def test_review_proposes_then_saves_only_the_accepted_ones(staff_db):
    at = open_review(signed_in())
    before = snapshot(staff_db)
    at.text_area(key="review:paste").input(REPORT)
    ok(button(at, "Propose items").click().run())
    assert snapshot(staff_db) == before  # proposing writes nothing
    assert [c.label for c in at.checkbox] == ["Accept 1", "Accept 2", "Accept 3"]
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    ok(button(at, "Accept all").click().run())
    at.checkbox(key="review:1:2:accept").uncheck()  # the finding: rejected
    at.text_input(key="review:1:0:title").input("HMICFRS recommended a national definition")
    ok(at.run())
    ok(button(at, "Save 2 accepted items").click().run())
    assert any("Saved 2 items and 1 new actor" in plain(s.value) for s in at.success), texts(at)
    # The document's other items quote what this text does not hold: the text is not kept, and
    # the page says so (the items are saved all the same).
    assert any("the text was not kept" in plain(w.value) for w in at.warning), texts(at, "warning")
    with Store(staff_db) as store:
        items = {row["id"]: row for row in store.item_rows() if row["document_id"] == "hmicfrs-2023"
                 and row["made_start"] == "2023-12-08" and row["kind"] == "recommendation"}
        new = [row for row in items.values() if row["title"] == "HMICFRS recommended a national definition"]
        assert len(new) == 1 and new[0]["owners"] == "home-office" and new[0]["deadline_start"] == "2027-03-31"
        college = [row for row in items.values() if "College of Policing" in row["quote"]]
        assert college[0]["owners"] == "college-of-policing" and college[0]["deadline_start"] == "2024-06-08"
        assert store.get_actor("college-of-policing")["name"] == "College of Policing"
        for row in (new[0], college[0]):
            assert row["quote"] in REPORT  # verbatim: the span of the pasted text


def test_review_bad_input_writes_nothing(staff_db):
    at = open_review(signed_in())
    before = snapshot(staff_db)
    ok(button(at, "Propose items").click().run())
    assert any("no text" in e for e in texts(at)), texts(at)
    at.text_area(key="review:paste").input("The weather was mild that spring.")
    ok(button(at, "Propose items").click().run())
    assert any("No item was found" in plain(i.value) for i in at.info), texts(at, "info")
    at.text_area(key="review:paste").input(REPORT)
    ok(button(at, "Propose items").click().run())
    ok(button(at, "Accept all").click().run())
    at.multiselect(key="review:1:0:owners").set_value([])  # a recommendation without an addressee
    at.text_input(key="review:1:1:deadline").input("2027-13")
    ok(at.run())
    ok(button(at, "Save 3 accepted items").click().run())
    shown = " ".join(texts(at))
    assert "Nothing was saved" in shown and "addressee" in shown and "month 13" in shown, shown
    assert snapshot(staff_db) == before
    at.multiselect(key="review:1:0:owners").set_value(["home-office"])
    at.text_input(key="review:1:1:deadline").input("2027-06")
    at.text_input(key="review:1:1:id").input("consistent-tracking")  # an id that exists
    ok(at.run())
    ok(button(at, "Save 3 accepted items").click().run())
    assert "already exists" in " ".join(texts(at)), texts(at)
    assert snapshot(staff_db) == before


def test_a_long_report_is_reviewed_a_page_at_a_time_and_nothing_typed_is_lost(staff_db):
    text = "Recommendations\n\n" + "\n\n".join(
        f"Recommendation {n}: By 31 March 2027, the Home Office should publish progress report number {n}."
        for n in range(1, 31))
    at = open_review(signed_in())
    at.text_area(key="review:paste").input(text)
    ok(button(at, "Propose items").click().run())
    assert "30 proposed" in " ".join(plain(m.value) for m in at.markdown)
    assert len(at.checkbox) == 25  # one page of proposals at a time
    at.checkbox(key="review:1:0:accept").check()
    at.text_input(key="review:1:0:title").input("First, edited")
    ok(at.run())
    ok(at.selectbox(key="review:1:page").set_value(25).run())
    assert [c.label for c in at.checkbox] == [f"Accept {n}" for n in range(26, 31)]
    at.checkbox(key="review:1:27:accept").check()
    ok(at.run())
    ok(at.selectbox(key="review:1:page").set_value(0).run())
    assert at.checkbox(key="review:1:0:accept").value is True
    assert at.text_input(key="review:1:0:title").value == "First, edited"
    ok(button(at, "Save 2 accepted items").click().run())
    assert any("Saved 2 items" in plain(s.value) for s in at.success), texts(at)
    with Store(staff_db) as store:
        titles = {row["title"] for row in store.item_rows() if "progress report number" in row["quote"]}
    assert "First, edited" in titles and len(titles) == 2


def test_a_text_of_megabytes_is_shown_around_the_proposals_on_screen(staff_db):
    filler = "The committee met and heard evidence about the matter at length. " * 3500  # ~230,000 characters
    text = filler + "\n\nRecommendations\n\nRecommendation 1: By 31 March 2027, the Home Office should publish a plan.\n"
    at = open_review(signed_in())
    at.text_area(key="review:paste").input(text)
    ok(button(at, "Propose items").click().run())
    assert any("The text is long" in plain(c.value) for c in at.caption), [c.value for c in at.caption]
    shown = " ".join(h.proto.body for h in at.get("html"))
    assert "the Home Office should publish a plan." in shown and len(shown) < 5_000


def test_coming_back_to_the_table_reads_the_items_again(staff_db):
    at = open_bulk(signed_in())
    with Store(staff_db) as store:  # changed while this person was elsewhere, and shown when they return
        store.record_assessment("taskforce", Assessment(status="delivered", evidence="Eric: delivered.",
                                                        assessed_on="2024-01-05"),
                                expected_version=store.get_item("taskforce")["version"], by="eric")
    ok(at.switch_page("staff/audit.py").run())
    ok(at.switch_page("staff/bulk_status.py").run())
    edit_rows(at, {"taskforce": {"status": "stalled"}})
    ok(button(at, "Save the changes (3 rows)").click().run())
    assert any("Recorded 1 status change" in plain(s.value) for s in at.success), texts(at)
