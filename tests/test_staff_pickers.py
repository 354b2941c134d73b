"""Staff item pickers (issue 12): titles from one bounded read, searched first when the items are
too many for one list, never the whole annotated record."""

from __future__ import annotations

from test_staff_pages import fast_hashing, ok, signed_in, staff_db  # noqa: F401

from tracker.store import Store

ASSESSABLE = ("commitment", "recommendation", "call")


def test_item_choices_counts_every_match_and_lists_the_oldest(staff_db):
    with Store(staff_db) as store:
        matches, rows = store.item_choices(limit=3)
        every = store.items_frame()
    assert matches == len(every) == 8
    assert list(rows["id"]) == list(every["id"][:3])
    assert list(rows.columns) == list(Store.PICKER_COLUMNS)


def test_item_choices_searches_filters_kinds_and_keeps_the_items_asked_for(staff_db):
    with Store(staff_db) as store:
        matches, rows = store.item_choices(text="TASKFORCE", limit=10)
        assert (matches, list(rows["id"])) == (1, ["taskforce"])
        matches, rows = store.item_choices(kinds=ASSESSABLE, limit=10)
        assert matches == 6 and not {"none-deported", "data-unreliable"} & set(rows["id"])
        # The item a page is at stays in the list however far down it is; a finding does not
        # join a list of assessable kinds that way.
        matches, rows = store.item_choices(kinds=ASSESSABLE, limit=2,
                                           include=["consistent-tracking", "data-unreliable", "no-such-item"])
        assert matches == 6
        assert list(rows["id"]) == ["deport-rochdale-gang", "honour-deportation", "consistent-tracking"]
        matches, rows = store.item_choices(text="no item says this", limit=5)
        assert matches == 0 and rows.empty


def test_assess_picker_searches_first_when_the_items_are_too_many(staff_db, monkeypatch):
    monkeypatch.setattr("dashboard.data.ITEMS_PICKED_FROM", 2)  # 6 assessable items: more than the list holds
    at = ok(signed_in().switch_page("staff/assess.py").run())
    assert at.selectbox(key="item").options and len(at.selectbox(key="item").options) == 2
    assert any("6 items match; the list holds the oldest 2" in c.value for c in at.caption)
    at.text_input(key="item_search").input("taskforce")
    ok(at.run())
    picker = at.selectbox(key="item")
    assert len(picker.options) == 1 and "taskforce" in picker.options[0]
    ok(picker.set_value("taskforce").run())
    assert any(h.value == "Now" for h in at.subheader)
    # Searching for another item keeps the one being assessed in the list.
    at.text_input(key="item_search").input("HMICFRS")
    ok(at.run())
    assert at.selectbox(key="item").value == "taskforce"


def test_items_page_picker_keeps_the_item_named_in_the_address(staff_db, monkeypatch):
    monkeypatch.setattr("dashboard.data.ITEMS_PICKED_FROM", 2)
    at = signed_in()
    at.query_params["edit_item"] = "data-unreliable"  # the newest item: not among the oldest 2
    ok(at.switch_page("staff/items.py").run())
    assert at.selectbox(key="edit_item").value == "data-unreliable"


def test_names_version_moves_with_documents_and_actors_only(staff_db):
    from tracker.models import Actor, Assessment, Document

    with Store(staff_db) as store:
        first = store.names_version()
        item = store.get_item("taskforce")
        store.record_assessment("taskforce", Assessment(status="in progress", evidence="A report.",
                                                        assessed_on="2024-01-01"),
                                expected_version=item["version"], by="edna")
        assert store.names_version() == first  # a status change: the names are as they were
        actor = store.get_actor("police")
        store.update_actor(Actor(id="police", name="Police forces of England and Wales", kind=actor["kind"]),
                           expected_version=actor["version"], by="edna")
        second = store.names_version()
        assert second != first
        doc = store.get_document("hmicfrs-2023")
        store.update_document(Document(id=doc["id"], title=doc["title"] + " (revised)", publisher=doc["publisher"],
                                       kind=doc["kind"], published=doc["published_start"]),
                              expected_version=doc["version"], by="edna")
        third = store.names_version()
        assert third not in (first, second)
        store.add_document(Document(id="new-report", title="A new report", publisher="HMICFRS",
                                    kind="inspection report", published="2024-02-01"), by="edna")
        assert store.names_version() not in (first, second, third)
