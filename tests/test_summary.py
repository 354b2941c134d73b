"""The kept counts (item_group_counts), the cached people columns and the overview figures read
from them agree with the full-frame computations in tracker.progress, through every kind of write."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from tracker import figures as summary, filters, frames as progress
from tracker.models import Assessment, DeadlineRevision, ItemFields
from tracker.store import Store, migrations
from tracker.synthetic import generate

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def busy_db(tmp_path_factory):
    """Generated data, then a mix of every write that changes statuses, people or themes."""
    path = tmp_path_factory.mktemp("summary") / "busy.db"
    rng = random.Random(5)
    with Store(path) as store:
        generate(store, items=400, seed=11, chunk_size=150)
        frame = store.items_frame()
        actors = sorted({a for text in frame["makers"] for a in text.split("; ")})
        for item_id in rng.sample(list(frame["id"]), 60):
            item = store.get_item(item_id)
            version = item["version"]
            if item["kind"] != "finding":
                if item["kind"] == "recommendation":
                    change = Assessment(response="accepted", implementation="implemented",
                                        evidence="Done.", assessed_on=TODAY)
                else:
                    change = Assessment(status=rng.choice(["delivered", "stalled"]), evidence="Seen.",
                                        assessed_on=TODAY)
                version = store.record_assessment(item_id, change, expected_version=version, by="t")
                version = store.revise_deadline(
                    # to the month it was made in: a deadline cannot end before the item was made
                    item_id, DeadlineRevision(deadline=item["made_start"][:7], reason="Moved.", revised_on=TODAY),
                    expected_version=version, by="t")
            owners = [] if item["kind"] in ("commitment", "call", "finding") and rng.random() < 0.5 \
                else rng.sample(actors, 2)
            fields = ItemFields(
                kind=item["kind"], title=item["title"], quote=item["quote"], document_id=item["document_id"],
                makers=rng.sample(actors, rng.choice([1, 2])), owners=owners,
                themes=rng.sample(store.themes(), rng.choice([0, 1, 3])),
                made=item["made_start"], done_when=item["done_when"],
            )
            store.update_item(item_id, fields, expected_version=version, by="t")
    return path


@pytest.fixture
def busy_store(busy_db):
    with Store(busy_db) as store:
        yield store


def test_kept_counts_equal_a_count_from_scratch(busy_store):
    assert busy_store.summary_mismatches() == []


@pytest.mark.parametrize("by", Store.STATUS_COUNT_GROUPS)
@pytest.mark.parametrize("ungrouped", [False, True])
def test_status_counts_now_equal_the_history_recomputed_to_today(busy_store, by, ungrouped):
    def ordered(frame: pd.DataFrame) -> list[tuple]:
        rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False)
        return sorted((tuple(row) for row in rows), key=repr)

    kept = busy_store.status_counts(by=by, ungrouped=ungrouped)
    recomputed = busy_store.status_counts(by=by, ungrouped=ungrouped, as_of=TODAY)
    assert ordered(kept) == ordered(recomputed)


def test_people_and_themes_on_the_item_row_follow_their_tables(busy_store):
    frame = busy_store.items_frame().set_index("id")
    for item_id in frame.index[:50]:
        makers = [r["actor_id"] for r in busy_store._rows(
            "SELECT actor_id FROM item_actors WHERE item_id = ? AND role = 'maker' ORDER BY position", (item_id,))]
        themes = [r["theme"] for r in busy_store._rows(
            "SELECT theme FROM item_themes WHERE item_id = ? ORDER BY position", (item_id,))]
        assert frame.loc[item_id, "makers"] == "; ".join(makers)
        assert frame.loc[item_id, "themes"] == "; ".join(themes)


def test_headline_from_counts_equals_headline_from_every_item(busy_store):
    annotated = progress.annotate(busy_store.items_frame(include_quote=True), today=TODAY)
    assert summary.headline(busy_store, today=TODAY) == progress.headline(annotated, today=TODAY)


@pytest.mark.parametrize("by", progress.SCORECARD_GROUPS)
@pytest.mark.parametrize("kinds", [("commitment", "recommendation"), ("commitment", "recommendation", "call"),
                                   ("finding",)])
def test_scorecard_from_counts_equals_scorecard_from_every_item(busy_store, by, kinds):
    annotated = progress.annotate(busy_store.items_frame(), today=TODAY)
    names = {"actor-0001": "Zeta Office", "actor-0002": "Alpha Office"}
    expected = progress.scorecard(annotated, by=by, kinds=kinds, names=names)
    got = summary.scorecard(busy_store, by=by, kinds=kinds, names=names)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


@pytest.mark.parametrize("database", ["busy", "seeded"])
def test_sources_from_one_pass_of_sql_equal_those_from_every_item(busy_db, seeded_db, database):
    with Store(busy_db if database == "busy" else seeded_db) as store:
        annotated = progress.annotate(store.items_frame(include_quote=True), today=TODAY)
        names = {d["id"]: d["title"] for d in store.documents()}
        pd.testing.assert_frame_equal(summary.source_scorecard(store, names=names),
                                      progress.source_scorecard(annotated, names=names), check_dtype=False)
        counts = summary.document_counts(store)
        pd.testing.assert_frame_equal(counts, progress.document_counts(annotated).sort_index())
        if database == "seeded":  # the report known only through an article counts its items
            assert counts.loc["hmicfrs-2023-group-based-cse-inspection", "items"] > 0
        for document in names:
            ids = store.item_ids_of_document(document)
            mask = (annotated["document_id"] == document) | (annotated["origin_document_id"] == document)
            assert ids == annotated.loc[mask, "id"].tolist()


def test_oldest_open_gives_the_same_longest_open_list(busy_store):
    annotated = progress.annotate(busy_store.items_frame(include_quote=True), today=TODAY)
    small = summary.oldest_open(busy_store, today=TODAY, limit=10)
    pd.testing.assert_frame_equal(progress.longest_open(small, limit=10),
                                  progress.longest_open(annotated, limit=10))


def test_filter_options_from_counts_equal_those_from_every_item(busy_store):
    annotated = progress.annotate(busy_store.items_frame(), today=TODAY)
    assert summary.filter_options(busy_store) == filters.filter_options(annotated)
    for by in (None, "nonsense"):
        with pytest.raises(ValueError):
            busy_store.group_names(by)


FILTERS = [
    filters.ItemFilter(),
    filters.ItemFilter(query="taskforce"),
    filters.ItemFilter(query="  ITEM-0001 "),
    filters.ItemFilter(query="actor-0003"),
    filters.ItemFilter(query="doc-0000"),
    filters.ItemFilter(query="We will PUBLISH"),
    filters.ItemFilter(query="; "),
    filters.ItemFilter(query="no such words anywhere"),
    filters.ItemFilter(kinds=("commitment", "call")),
    filters.ItemFilter(statuses=("stalled",)),
    filters.ItemFilter(statuses=("not yet assessed", "finding (no status)")),
    filters.ItemFilter(statuses=("awaiting response", "implemented")),
    filters.ItemFilter(statuses=("accepted",), kinds=("commitment",)),
    filters.ItemFilter(statuses=("no such status",)),
    filters.ItemFilter(actors=("actor-0001",)),
    filters.ItemFilter(actors=("actor-0001", "actor-0004"), owners=("actor-0002",)),
    filters.ItemFilter(owners=("actor-0005",)),
    filters.ItemFilter(themes=("policing", "courts")),
    filters.ItemFilter(documents=("doc-00003", "doc-00007")),
    filters.ItemFilter(made_from=dt.date(2010, 1, 1), made_to=dt.date(2015, 12, 31)),
    filters.ItemFilter(made_from=dt.date(2015, 6, 1)),
    filters.ItemFilter(query="data", kinds=("recommendation",), statuses=("in progress", "accepted"),
                       themes=("data collection", "training", "funding"), made_to=dt.date(2020, 1, 1)),
]


@pytest.mark.parametrize("chosen", FILTERS, ids=range(len(FILTERS)))
@pytest.mark.parametrize("limit", [1000, 7])
def test_matching_items_in_sql_equals_filtering_every_item(busy_store, chosen, limit):
    annotated = progress.annotate(busy_store.items_frame(include_quote=True), today=TODAY)
    expected = filters.filter_items(annotated, chosen)
    got = summary.matching_items(busy_store, chosen, today=TODAY, limit=limit)
    assert got["total"] == len(annotated)
    assert got["matches"] == len(expected)
    if expected.empty:  # an empty result's column types do not matter: nothing is shown
        assert got["rows"].empty and list(got["rows"].columns) == list(expected.columns)
    else:
        pd.testing.assert_frame_equal(got["rows"], expected.head(limit).reset_index(drop=True))


def test_search_is_unicode_case_blind_and_never_matches_across_fields(sample_store):
    item = sample_store.get_item("improve-data")
    fields = ItemFields(kind="commitment", title="ÉTUDE of Data", quote=item["quote"], document_id="paper",
                        makers=["home-office"], owners=["inspectorate"], made="2020-12-15")
    sample_store.update_item("improve-data", fields, expected_version=item["version"], by="t")
    assert sample_store.find_items(text="étude")[0] == 1
    assert sample_store.find_items(text="inspectorate")[0] == 3  # an owner id is searched too
    assert sample_store.find_items(text="data\x1fimprove")[0] == 0  # title end + quote start
    assert sample_store.find_items(text="improve-data")[1]["id"].tolist() == ["improve-data"]


def test_empty_database_has_empty_figures(fresh_store):
    assert summary.headline(fresh_store, today=TODAY).tracked == 0
    assert summary.scorecard(fresh_store, by="owner").empty
    assert summary.oldest_open(fresh_store, today=TODAY).empty
    assert summary.filter_options(fresh_store) == filters.FilterOptions()
    empty = summary.matching_items(fresh_store, filters.ItemFilter(query="x"), today=TODAY, limit=10)
    assert (empty["total"], empty["matches"], len(empty["rows"])) == (0, 0, 0)
    assert fresh_store.summary_mismatches() == []


def test_migrating_an_existing_database_fills_the_counts_and_columns(db_path, sample_bundle):
    """A database made before the kept counts existed gets them, exact, on open."""
    first = migrations._migrations[0].name
    later = [m.name for m in migrations._migrations[1:]]
    old = Store(db_path, migrate=False)
    migrations.apply(old.db, stop_before=later[0])
    assert old.applied_migrations() == [first]
    conn = old.db.conn
    conn.execute("INSERT INTO documents (id, title, publisher, kind, published_start, published_precision) "
                 "VALUES ('doc', 'A paper', 'HO', 'government paper', '2020-01-01', 'day')")
    conn.execute("INSERT INTO actors (id, name, kind) VALUES ('ho', 'Home Office', 'other'), "
                 "('insp', 'Inspectorate', 'other')")
    for n, (kind, status, response, implementation) in enumerate([
        ("commitment", "delivered", None, None), ("commitment", None, None, None),
        ("recommendation", None, "accepted", "in progress"), ("finding", None, None, None),
    ]):
        conn.execute(
            "INSERT INTO items (id, kind, title, quote, document_id, made_start, made_precision, status, "
            "response, implementation, created_at, updated_at) VALUES (?, ?, 't', 'q', 'doc', '2020-01-01', "
            "'day', ?, ?, ?, 'now', 'now')", (f"i{n}", kind, status, response, implementation))
        conn.execute("INSERT INTO item_actors VALUES (?, 'maker', 'insp', 0)", (f"i{n}",))
        if kind == "recommendation":
            conn.execute("INSERT INTO item_actors VALUES (?, 'owner', 'ho', 0)", (f"i{n}",))
            conn.execute("INSERT INTO item_themes VALUES (?, 'data', 0)", (f"i{n}",))
    old.close()
    with Store(db_path) as store:
        assert store.applied_migrations()[-len(later):] == later
        assert store.summary_mismatches() == []
        owners = store.status_counts(by="accountable")
        assert owners.groupby("grp")["n"].sum().to_dict() == {"ho": 1, "insp": 2}
        frame = store.items_frame().set_index("id")
        assert frame.loc["i2", "owners"] == "ho" and frame.loc["i2", "themes"] == "data"
        assert frame.loc["i0", "makers"] == "insp" and frame.loc["i0", "owners"] == ""
        assert store.find_items(text=" Q ")[0] == 4 and store.find_items(text="i2")[0] == 1
