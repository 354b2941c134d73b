"""The seed dataset in seeds/: it loads, it quotes its sources exactly, and its chains hold."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

from tracker.models import Bundle, ItemKind, ItemRecord, LifecycleStatus, LinkKind
from tracker.seeds import (
    SeedError,
    check_seeds,
    default_seed_dir,
    find_shared_dir,
    load_seed_files,
    normalise_for_quote_check,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    try:
        return load_seed_files(SEEDS)
    except SeedError as exc:
        pytest.fail("the seed files have problems:\n" + "\n".join(exc.problems))


@pytest.fixture
def source_texts() -> Path:
    """The folder holding the source texts; CI always has it, so there its absence fails."""
    shared = find_shared_dir()
    if shared is None or not (shared / "seeds").is_dir():
        message = "the source texts (../shared/seeds or $TRACKER_SHARED_DIR) are not available"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return shared / "seeds"


def _by_id(bundle: Bundle) -> dict[str, ItemRecord]:
    return {item.id: item for item in bundle.items}


# --- Loading -----------------------------------------------------------------------------------


def test_seed_files_load_without_problems():
    assert check_seeds(SEEDS) == []
    bundle = load_seed_files(SEEDS)
    kinds = {item.kind for item in bundle.items}
    assert kinds == set(ItemKind), "the seeds hold items of every kind"
    assert {path.name for path in SEEDS.glob("*.yaml")} >= {
        "actors.yaml",
        "2020-12-15-rochdale-online.yaml",
        "2023-12-08-hmicfrs-inspection.yaml",
    }


def test_default_seed_dir_is_the_repo_seeds_unless_overridden(monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_SEEDS", raising=False)
    assert default_seed_dir() == SEEDS
    monkeypatch.setenv("TRACKER_SEEDS", str(tmp_path))
    assert default_seed_dir() == tmp_path


def test_find_shared_dir_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_SHARED_DIR", str(tmp_path))
    assert find_shared_dir() == tmp_path
    monkeypatch.delenv("TRACKER_SHARED_DIR")
    expected = ROOT.parent / "shared"
    assert find_shared_dir() == (expected if expected.is_dir() else None)


# --- Quotes --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, normalised",
    [
        ("“diverse backgrounds”", '"diverse backgrounds"'),
        ("doesn’t ‘quite’", "doesn't 'quite'"),
        ("whoever they are,  they\n deserve", "whoever they are, they deserve"),
        ("\u00a0padded\t", "padded"),
        # Nothing else is forgiven: dashes and case stay as they are.
        ("gang – Abdul", "gang – Abdul"),
        ("Data Collection", "Data Collection"),
    ],
)
def test_normalise_for_quote_check(raw, normalised):
    assert normalise_for_quote_check(raw) == normalised


def test_every_quote_occurs_verbatim_in_its_source_text(bundle, source_texts):
    documents = {document.id: document for document in bundle.documents}
    missing = []
    for item in bundle.items:
        text_file = documents[item.document_id].text_file
        assert text_file, f"{item.id}: its document {item.document_id} names no source text"
        text = normalise_for_quote_check((source_texts / text_file).read_text(encoding="utf-8"))
        if normalise_for_quote_check(item.quote) not in text:
            missing.append(f"{item.id}: {item.quote!r}")
    assert not missing, "quotes not found verbatim:\n" + "\n".join(missing)


def test_quotes_are_short(bundle):
    long_quotes = [item.id for item in bundle.items if len(item.quote) > 300]
    assert not long_quotes


# --- References ----------------------------------------------------------------------------------


def test_every_reference_points_at_something_that_exists(bundle):
    actors = {actor.id for actor in bundle.actors}
    documents = {document.id: document for document in bundle.documents}
    items = _by_id(bundle)
    broken = []
    for document in bundle.documents:
        if document.reported_in and document.reported_in not in documents:
            broken.append(f"{document.id}: reported_in {document.reported_in}")
    for item in bundle.items:
        for ref in [item.document_id, item.origin_document_id] + [
            entry.evidence_document_id for entry in item.history
        ]:
            if ref and ref not in documents:
                broken.append(f"{item.id}: document {ref}")
        for ref in item.makers + item.owners:
            if ref not in actors:
                broken.append(f"{item.id}: actor {ref}")
        for link in item.links:
            if link.target_id not in items or link.target_id == item.id:
                broken.append(f"{item.id}: link {link.kind} {link.target_id}")
    assert not broken
    assert len(items) == len(bundle.items), "item ids are unique"


def test_origin_reports_are_reported_in_the_article_that_quotes_them(bundle):
    documents = {document.id: document for document in bundle.documents}
    for item in bundle.items:
        assert documents[item.document_id].text_file, item.id
        if item.origin_document_id:
            origin = documents[item.origin_document_id]
            assert origin.reported_in == item.document_id, item.id


# --- Assessments ---------------------------------------------------------------------------------


def test_every_tracked_item_has_an_initial_assessment_dated_its_document(bundle):
    documents = {document.id: document for document in bundle.documents}
    wrong = []
    for item in bundle.items:
        if item.kind == ItemKind.FINDING:
            assert not item.history, f"{item.id}: findings carry no status"
            continue
        if not item.history:
            wrong.append(f"{item.id}: no assessment")
            continue
        first = min(item.history, key=lambda entry: entry.assessed_on)
        article = documents[item.document_id]
        # The article's date may be known to the month only (BBC News prints none).
        if not article.published.start <= first.assessed_on <= article.published.end:
            wrong.append(f"{item.id}: assessed {first.assessed_on}, document {article.published}")
        if item.origin_document_id:
            origin = documents[item.origin_document_id]
            if first.assessed_on < origin.published.start:
                wrong.append(f"{item.id}: assessed before its report was published")
        if first.evidence_document_id != item.document_id:
            wrong.append(f"{item.id}: evidence does not cite the article")
        if article.publisher not in first.evidence:
            wrong.append(f"{item.id}: evidence is not attributed to {article.publisher}")
    assert not wrong


def test_deportation_pledge_was_not_delivered_as_of_december_2020(bundle):
    pledge = _by_id(bundle)["deportation-pledge-rochdale-2018"]
    assert pledge.made.iso() == "2018-08"
    assert pledge.history[0].status == LifecycleStatus.NOT_DELIVERED
    assert pledge.history[0].assessed_on.isoformat() == "2020-12-15"
    assert "none of the men appear to have been deported" in pledge.history[0].evidence


# --- Chains --------------------------------------------------------------------------------------


def _step(kind: ItemKind, year: int, theme: str):
    def matches(item: ItemRecord) -> bool:
        return item.kind == kind and item.made.start.year == year and theme in item.themes

    matches.__name__ = f"{kind.value} made {year} on {theme}"
    return matches


def _find_chain(bundle: Bundle, steps) -> list[str] | None:
    """Ids of items matching ``steps`` in order, each linked (either way) to the previous one."""
    items = _by_id(bundle)
    linked = defaultdict(set)
    for item in bundle.items:
        for link in item.links:
            linked[item.id].add(link.target_id)
            linked[link.target_id].add(item.id)

    def extend(path: list[str]) -> list[str] | None:
        if len(path) == len(steps):
            return path
        for next_id in sorted(linked[path[-1]]):
            if next_id not in path and steps[len(path)](items[next_id]):
                found = extend(path + [next_id])
                if found:
                    return found
        return None

    for item in bundle.items:
        if steps[0](item):
            found = extend([item.id])
            if found:
                return found
    return None


def test_data_collection_chain_2020_to_2023(bundle):
    chain = _find_chain(bundle, [
        _step(ItemKind.COMMITMENT, 2020, "data collection"),
        _step(ItemKind.COMMITMENT, 2022, "data collection"),
        _step(ItemKind.FINDING, 2023, "data collection"),
        _step(ItemKind.RECOMMENDATION, 2023, "data collection"),
    ])
    assert chain == [
        "home-office-improve-data-collection-2020",
        "home-office-custody-ethnicity-request-2022",
        "hmicfrs-custody-data-of-little-value-2023",
        "hmicfrs-rec-consistent-tracking-2023",
    ]


def test_deportation_chain_2018_to_2020(bundle):
    chain = _find_chain(bundle, [
        _step(ItemKind.COMMITMENT, 2018, "deportation"),
        _step(ItemKind.FINDING, 2020, "deportation"),
        _step(ItemKind.CALL, 2020, "deportation"),
    ])
    assert chain is not None
    pledge, finding, call = (_by_id(bundle)[ident] for ident in chain)
    assert any(link.kind == LinkKind.CONTRADICTS and link.target_id == pledge.id for link in finding.links)
    assert "honour that commitment" in call.quote


def test_chain_search_fails_when_a_link_is_missing(bundle):
    unlinked = bundle.model_copy(deep=True)
    for item in unlinked.items:
        item.links = [link for link in item.links if link.kind != LinkKind.CONTRADICTS]
    assert _find_chain(unlinked, [
        _step(ItemKind.COMMITMENT, 2018, "deportation"),
        _step(ItemKind.FINDING, 2020, "deportation"),
        _step(ItemKind.CALL, 2020, "deportation"),
    ]) is None


# --- Wording -------------------------------------------------------------------------------------


def _names(actor) -> list[str]:
    """An actor's name and any short form in brackets: "... Services (HMICFRS)" -> both."""
    return [actor.name, *re.findall(r"\(([^)]+)\)", actor.name)]


def test_every_title_names_its_maker(bundle):
    actors = {actor.id: actor for actor in bundle.actors}
    unattributed = [
        item.id
        for item in bundle.items
        if not any(name in item.title for maker in item.makers for name in _names(actors[maker]))
    ]
    assert not unattributed


LOADED_WORDS = ["evil", "wicked", "disgusting", "shame", "sick", "monster", "vile", "scandal",
                "whitewash", "cover-up", "abhorrent", "appalling", "rapist", "paedophile"]


def test_editorial_wording_is_neutral(bundle):
    """Titles, notes and evidence are ours; loaded words may appear only inside the quotes."""
    ours = []
    for item in bundle.items:
        ours.append((item.id, item.title))
        ours.append((item.id, item.done_when or ""))
        ours.extend((item.id, entry.evidence) for entry in item.history)
        ours.extend((item.id, link.note or "") for link in item.links)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, LOADED_WORDS)) + r")", re.IGNORECASE)
    loaded = [f"{ident}: {match.group(0)}" for ident, text in ours for match in pattern.finditer(text)]
    assert not loaded


# --- Broken seed files are reported with file, line and id --------------------------------------

GOOD_HEADER = """\
actors:
  - id: home-office
    name: Home Office
    kind: government department
documents:
  - id: article
    title: An article
    publisher: A publisher
    kind: news article
    published: "2020-12-15"
    text_file: article.txt
items:
"""

GOOD_ITEM = """\
  - id: improve-data
    kind: commitment
    title: Home Office to improve data
    quote: improve the “collection” of data
    document_id: article
    makers: [home-office]
    made: "2020-12-15"
    history:
      - status: not yet assessed
        assessed_on: "2020-12-15"
        evidence: A publisher reported it.
"""


@pytest.fixture
def source_dir(tmp_path, monkeypatch) -> Path:
    """A stand-in ../shared with one source text; load_seed_files finds it through the env."""
    shared = tmp_path / "shared"
    monkeypatch.setenv("TRACKER_SHARED_DIR", str(shared))
    (shared / "seeds").mkdir(parents=True)
    (shared / "seeds" / "article.txt").write_text(
        'The Home Office will improve the "collection"\nof data.', encoding="utf-8"
    )
    return shared


def _write_seeds(tmp_path: Path, text: str) -> Path:
    directory = tmp_path / "seeds"
    directory.mkdir()
    (directory / "broken.yaml").write_text(text, encoding="utf-8")
    return directory


def test_a_good_seed_file_passes(tmp_path, source_dir):
    directory = _write_seeds(tmp_path, GOOD_HEADER + GOOD_ITEM)
    assert check_seeds(directory, source_dir) == []


@pytest.mark.parametrize(
    "old, new, expected",
    [
        # a validation error, on the line of the offending field
        ("- status: not yet assessed", "- status: maybe", r"seeds/broken\.yaml:21: improve-data: history\.0\.status: "),
        # a reference to a missing item
        ("    history:", "    links:\n      - kind: repeats\n        target_id: nowhere\n    history:",
         r"seeds/broken\.yaml:13: improve-data: link repeats 'nowhere' is not an item"),
        # an unknown actor
        ("makers: [home-office]", "makers: [home-office, nobody]",
         r"seeds/broken\.yaml:13: improve-data: makers 'nobody' is not an actor"),
        # a quote that is not in the source text
        ("improve the “collection” of data", "improve the collection of all data",
         r"seeds/broken\.yaml:16: improve-data: quote not found verbatim in article\.txt"),
        # a field the model does not know
        ("    made:", "    mde: \"2020\"\n    made:", r"seeds/broken\.yaml:19: improve-data: mde: Extra inputs"),
        # a key written twice
        ("    made:", "    title: Again\n    made:", r"seeds/broken\.yaml:19: title: key written twice"),
        # broken YAML
        ("makers: [home-office]", "makers: [home-office", r"seeds/broken\.yaml:\d+: file: not valid YAML"),
    ],
)
def test_a_broken_seed_file_is_reported_with_file_line_and_id(tmp_path, source_dir, old, new, expected):
    text = (GOOD_HEADER + GOOD_ITEM).replace(old, new, 1)
    assert text != GOOD_HEADER + GOOD_ITEM
    directory = _write_seeds(tmp_path, text)
    problems = check_seeds(directory, source_dir)
    assert any(re.match(expected, problem) for problem in problems), problems
    with pytest.raises(SeedError) as raised:
        load_seed_files(directory)
    assert raised.value.problems


def test_an_item_without_an_id_is_reported_by_its_path(tmp_path, source_dir):
    directory = _write_seeds(tmp_path, GOOD_HEADER + GOOD_ITEM.replace("  - id: improve-data\n    kind", "  - kind"))
    assert check_seeds(directory, source_dir) == ["seeds/broken.yaml:13: items[0]: id: Field required"]


def test_duplicate_ids_across_files_point_at_the_second_file(tmp_path, source_dir):
    directory = _write_seeds(tmp_path, GOOD_HEADER + GOOD_ITEM)
    (directory / "second.yaml").write_text("items:\n" + GOOD_ITEM, encoding="utf-8")
    assert check_seeds(directory, source_dir) == ["seeds/second.yaml:2: improve-data: id used twice"]


def test_an_empty_seed_folder_is_a_problem(tmp_path):
    with pytest.raises(SeedError):
        load_seed_files(tmp_path)


def test_seed_error_is_one_line_with_the_problems_attached():
    error = SeedError(["a.yaml:1: x: bad", "a.yaml:2: y: bad"])
    assert str(error) == "2 problems in the seed files"
    assert error.problems == ["a.yaml:1: x: bad", "a.yaml:2: y: bad"]


def test_the_real_seed_files_report_a_mangled_quote(tmp_path, source_texts):
    """The check reads the real files too: change one quote and it is named with its line."""
    directory = tmp_path / "seeds"
    directory.mkdir()
    for path in SEEDS.glob("*.yaml"):
        (directory / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    target = directory / "2023-12-08-hmicfrs-inspection.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace('Data collection was "unreliable"', 'Data collection was "poor"'), encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if 'Data collection was "unreliable"' in row)
    assert check_seeds(directory, source_texts.parent) == [
        f"seeds/2023-12-08-hmicfrs-inspection.yaml:{line}: hmicfrs-data-collection-unreliable-2023: "
        "quote not found verbatim in 003_774aeeb68f5e6364.txt (document bbc-news-2023-12-hmicfrs-cse-inspection)"
    ]
