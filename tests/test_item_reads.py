"""The item page reads only what it shows: its chain from the items linked to it
(``gaps.chain_for_item``) and its picker's titles from SQL (``summary.item_titles``), each equal
to what the full record gives, now and "as of" a past date."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest

from tracker import figures as summary, frames as progress, gaps
from tracker.models import Assessment, Link
from tracker.store import Store
from tracker.synthetic import generate

TODAY = dt.date.today()
#: None is the record as it stands; the others cut the seed and the synthetic data mid-way.
SEED_DATES = [None, dt.date(2019, 6, 30), dt.date(2020, 12, 31), dt.date(2022, 12, 31), dt.date(2023, 12, 7)]
SYNTHETIC_DATES = [None, dt.date(2010, 1, 1), dt.date(2016, 6, 30), dt.date(2022, 3, 1)]


def full_chains(store: Store, as_of: dt.date | None) -> list[gaps.Chain]:
    """Every chain, computed the way the gaps page does: from the whole record."""
    annotated = progress.annotate(store.items_frame(as_of=as_of, include_quote=True), today=as_of or TODAY)
    return gaps.chains(annotated, store.links())


def same_values(found: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Equal cell by cell, any missing value as None. pandas infers a text column's dtype from
    the rows it holds: a column empty in every row of a chain (a link's note) reads as object
    None there and as str NaN in the full record's frame. Nothing shown depends on that."""
    def plain(frame: pd.DataFrame) -> pd.DataFrame:
        values = frame.astype(object)
        return values.where(values.notna(), None)

    pd.testing.assert_frame_equal(plain(found), plain(expected), check_dtype=False)


def assert_same_chain(found: gaps.Chain | None, expected: gaps.Chain | None) -> None:
    assert (found is None) == (expected is None)
    if expected is None:
        return
    # item_ids, first_made, last_made, first_title, open_count; then the rows and links drawn
    assert found == expected
    same_values(found.items, expected.items)
    same_values(found.links, expected.links)


def assert_every_chain_matches(store: Store, as_of: dt.date | None, item_ids) -> int:
    """Every item outside a chain has none; every chain is found whole from its oldest and its
    newest item (from every item would cost the square of a long chain). Returns how many
    chains there are."""
    everything = full_chains(store, as_of)
    for item_id in item_ids:
        if gaps.chain_of(everything, item_id) is None:
            assert gaps.chain_for_item(store, item_id, as_of=as_of, today=as_of or TODAY) is None, item_id
    for expected in everything:
        ids = expected.item_ids
        for item_id in (ids[0], ids[-1]):
            assert_same_chain(gaps.chain_for_item(store, item_id, as_of=as_of, today=as_of or TODAY), expected)
    return len(everything)


@pytest.fixture
def seeded_store(seeded_db):
    with Store(seeded_db) as store:
        yield store


@pytest.mark.parametrize("as_of", SEED_DATES)
def test_chain_of_each_seeded_item_equals_the_full_computation(seeded_store, as_of):
    ids = sorted(seeded_store.item_ids())
    chains = assert_every_chain_matches(seeded_store, as_of, ids)
    if as_of is None:  # the seeds hold chains, so the comparison is not all None == None
        assert chains >= 2


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory):
    """Generated data with later writes: new links (joining chains, closing cycles, of every
    kind) and status changes, so the chains and their statuses are not only as generated."""
    path = tmp_path_factory.mktemp("item-reads") / "synthetic.db"
    rng = random.Random(9)
    with Store(path) as store:
        generate(store, items=400, seed=21, chunk_size=200)
        ids = sorted(store.item_ids())
        for _ in range(40):
            source, target = rng.sample(ids, 2)
            kind = rng.choice(["responds to", "repeats", "contradicts", "supersedes", "evidence for"])
            try:
                store.add_link(Link(source_id=source, kind=kind, target_id=target), by="t")
            except Exception:  # the same link twice: keep the first
                pass
        frame = store.items_frame()
        for row in frame[frame["kind"] == "commitment"].head(40).itertuples():
            store.record_assessment(
                row.id, Assessment(status="delivered", evidence="Done.", assessed_on=TODAY),
                expected_version=int(row.version), by="t")
    return path


@pytest.mark.parametrize("as_of", SYNTHETIC_DATES)
def test_chain_of_each_synthetic_item_equals_the_full_computation(synthetic_db, as_of):
    with Store(synthetic_db) as store:
        ids = sorted(store.item_ids())
        chains = assert_every_chain_matches(store, as_of, ids)
        if as_of is None:
            assert chains >= 20
            longest = max(full_chains(store, None), key=lambda c: len(c.item_ids))
            assert len(longest.item_ids) >= 20  # a long chain is compared too, not only pairs


def test_chain_for_an_unknown_or_unlinked_item_is_none(seeded_store):
    assert gaps.chain_for_item(seeded_store, "no-such-item", today=TODAY) is None
    assert seeded_store.linked_component("no-such-item", kinds=gaps.CHAIN_LINK_KINDS) == []
    unlinked = next(i for i in sorted(seeded_store.item_ids()) if not seeded_store.links_of(i))
    assert seeded_store.linked_component(unlinked, kinds=gaps.CHAIN_LINK_KINDS) == [unlinked]
    assert gaps.chain_for_item(seeded_store, unlinked, today=TODAY) is None


def test_linked_component_follows_both_directions_and_never_a_later_item(sample_store):
    # data-unreliable (2023-12) contradicts improve-data (2020-12); track-abuse (2023-12) repeats it
    kinds = gaps.CHAIN_LINK_KINDS
    everything = ["data-unreliable", "improve-data", "track-abuse"]
    for start in everything:
        assert sample_store.linked_component(start, kinds=kinds) == everything
    assert sample_store.linked_component("improve-data", kinds=kinds, made_by=dt.date(2021, 1, 1)) == [
        "improve-data"]
    assert sample_store.linked_component("track-abuse", kinds=kinds, made_by=dt.date(2021, 1, 1)) == []
    assert sample_store.linked_component("improve-data", kinds={"repeats"}) == ["improve-data", "track-abuse"]
    # a cycle ends: improve-data responds to track-abuse, which repeats improve-data
    sample_store.add_link(Link(source_id="improve-data", kind="responds to", target_id="track-abuse"), by="t")
    assert sample_store.linked_component("track-abuse", kinds=kinds) == everything


def test_links_among_keeps_only_links_inside_the_ids(sample_store):
    inside = sample_store.links_among(["improve-data", "track-abuse"])
    assert inside[["source_id", "kind", "target_id"]].values.tolist() == [
        ["track-abuse", "repeats", "improve-data"]]
    assert list(inside.columns) == list(sample_store.links().columns)
    pd.testing.assert_frame_equal(sample_store.links_among(sorted(sample_store.item_ids())), sample_store.links())


@pytest.mark.parametrize("as_of", SYNTHETIC_DATES)
def test_items_frame_of_some_ids_equals_those_rows_of_the_full_frame(synthetic_db, as_of):
    # with ids, the as-of statuses are recomputed from those items' history only
    with Store(synthetic_db) as store:
        full = store.items_frame(as_of=as_of, include_quote=True)
        ids = sorted(random.Random(3).sample(sorted(store.item_ids()), 150))
        some = store.items_frame(as_of=as_of, ids=ids, include_quote=True)
        same_values(some, full[full["id"].isin(ids)].reset_index(drop=True))


def test_items_frame_takes_more_ids_than_sqlite_takes_parameters(sample_store):
    # SQLite allows 32,766 parameters per statement; the ids are one JSON parameter
    ids = [f"missing-{n}" for n in range(40_000)] + ["improve-data"]
    assert sample_store.items_frame(ids=ids)["id"].tolist() == ["improve-data"]


@pytest.mark.parametrize("as_of", SEED_DATES)
def test_picker_titles_equal_those_of_the_full_record(seeded_store, as_of):
    full = seeded_store.items_frame(as_of=as_of)
    matches, titles = summary.item_titles(seeded_store, made_by=as_of, limit=1000)
    assert matches == len(full)
    assert titles == dict(zip(full["id"], full["title"]))  # and in the same order
    assert list(titles) == full["id"].tolist()


def test_picker_titles_are_searched_and_cut_to_the_limit(synthetic_db):
    with Store(synthetic_db) as store:
        full = store.items_frame()
        matches, titles = summary.item_titles(store, limit=50)
        assert matches == len(full) and list(titles) == full["id"].head(50).tolist()
        word = full["title"].iloc[7].split()[-1].lower()
        expected = full[full["title"].str.lower().str.contains(word, regex=False)
                        | full["id"].str.contains(word, regex=False)]
        matches, titles = summary.item_titles(store, text=word.upper(), limit=10_000)
        assert set(expected["id"]) <= set(titles) and matches == len(titles)
        matches, titles = summary.item_titles(store, text="no item says this", limit=10)
        assert (matches, titles) == (0, {})
