"""Proposed items from a document's text: deadlines, actors, candidates, and the measured target
on the project's own seed texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import cli
from tracker.extract import ActorMatcher, extract_candidates, propose_items, read_deadline, suggest_item_id
from tracker.models import SLUG_PATTERN, Actor, Document, ItemKind
from tracker.seeds import find_shared_dir, load_seed_files
from tracker.source_text import normalise_for_quote_check, pasted_text
from tracker.store import Store

ROOT = Path(__file__).resolve().parent.parent
NINE = (ROOT / "tests" / "data" / "nine_recommendations.txt").read_text(encoding="utf-8")
SHARED = find_shared_dir()
needs_seed_texts = pytest.mark.skipif(SHARED is None or not (SHARED / "seeds").is_dir(),
                                      reason="the seed source texts (../shared/seeds) are not here")

ACTORS = [
    Actor(id="home-office", name="Home Office", kind="government department"),
    Actor(id="home-secretary", name="Home Secretary", kind="office holder"),
    Actor(id="hmicfrs", name="His Majesty's Inspectorate of Constabulary and Fire & Rescue Services (HMICFRS)",
          kind="inspectorate"),
    Actor(id="npcc", name="National Police Chiefs' Council (NPCC)", kind="police body"),
    Actor(id="tony-lloyd", name="Tony Lloyd", kind="parliamentarian"),
    Actor(id="police-forces", name="Police forces", kind="police body"),
]


# -- deadlines ------------------------------------------------------------------------------


@pytest.mark.parametrize("sentence, published, expected, precision", [
    ("By 31 March 2027, the Home Office should publish data.", "2026-11-20", "2027-03-31", "day"),
    ("The Home Office should publish data by March 31st, 2027.", "2026-11-20", "2027-03-31", "day"),
    ("Within six months of publication, forces should appoint a lead.", "2026-11-20", "2027-05-20", "day"),
    ("Within six months of publication, forces should appoint a lead.", "2026-11", "2027-05", "month"),
    ("Within 12 months of publication the CPS should review charging.", "2026-11-20", "2027-11-20", "day"),
    ("within a year of this report, inspectors should return", "2026", "2027", "year"),
    ("The Home Office will respond within 56 days.", "2026-11-20", "2027-01-15", "day"),
    ("By the end of 2027, the NPCC should issue guidance.", "2026-11-20", "2027", "year"),
    ("by the end of March 2027 the Home Office should report", "2026-11-20", "2027-03", "month"),
    ("by the end of next year the review will conclude", "2026-11-20", "2027", "year"),
    ("No later than June 2027, the College of Policing should train investigators.", "2026-11-20", "2027-06",
     "month"),
    ("not later than 2028 the board must meet", "2026-11-20", "2028", "year"),
    ("Local authorities should publish referrals by December 2027.", "2026-11-20", "2027-12", "month"),
])
def test_each_deadline_phrase(sentence, published, expected, precision):
    deadline = read_deadline(sentence, published)
    assert deadline is not None
    assert (deadline.date.iso(), deadline.date.precision.value) == (expected, precision)
    assert sentence[deadline.start:deadline.end] == deadline.phrase


@pytest.mark.parametrize("sentence", [
    "By 2019 the force had appointed a lead.",  # before publication: history, not a deadline
    "The Home Office should publish data.",
    "In 2027 the Home Office should publish data.",  # a year alone is not a deadline phrase
])
def test_no_deadline(sentence):
    assert read_deadline(sentence, "2026-11-20") is None


# -- actors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name, expected", [
    ("Home Office", "home-office"),
    ("the Home Office", "home-office"),
    ("The Home Office's", "home-office"),
    ("home office", "home-office"),
    ("Home Ofice", "home-office"),  # a typo within the fuzzy cutoff
    ("HMICFRS", "hmicfrs"),
    ("His Majesty's Inspectorate of Constabulary and Fire & Rescue Services", "hmicfrs"),
    ("the National Police Chiefs’ Council", "npcc"),
    ("NPCC", "npcc"),
    ("Mr Lloyd", "tony-lloyd"),
    ("Home Secretary", "home-secretary"),
    ("Department for Education", None),
    ("Office", None),
    ("npcc", None),  # an acronym only in its own case: "npcc" in running text is not a name
])
def test_actor_matching(name, expected):
    assert ActorMatcher(ACTORS).match(name) == expected


def test_unknown_bodies_are_proposed_as_new_actors():
    text = "The Department for Education should require local authorities to share data on missing children."
    extraction = extract_candidates(text, published="2026-11-20", actors=ACTORS, publisher="Home Office")
    (candidate,) = extraction.candidates
    assert candidate.owners == ("department-for-education",)
    assert candidate.makers == ("home-office",)
    proposed = {a.id: a.kind.value for a in extraction.new_actors}
    assert proposed["department-for-education"] == "government department"


# -- candidates ------------------------------------------------------------------------------


def test_nine_numbered_recommendations_with_deadlines_and_addressees():
    extraction = extract_candidates(NINE, published="2026-11-20", actors=ACTORS,
                                    publisher="Inspectorate of Child Protection Services")
    recs = [c for c in extraction.candidates if c.kind == ItemKind.RECOMMENDATION]
    assert [c.reference for c in recs] == [f"Recommendation {n}" for n in range(1, 10)]
    assert [c.deadline.iso() for c in recs] == [
        "2027-03-31", "2027-05-20", "2027", "2027-06", "2027-09-30", "2027-11-20", "2027-12", "2028", "2027-11-20"]
    assert [c.owners[0] for c in recs] == [
        "home-office", "police-forces", "npcc", "college-of-policing", "department-for-education",
        "crown-prosecution-service", "local-authorities", "home-office", "hmicfrs"]
    assert {c.makers for c in recs} == {("inspectorate-of-child-protection-services",)}
    for candidate in extraction.candidates:
        assert NINE[candidate.start:candidate.end] == candidate.quote
        assert not candidate.quote.startswith("Recommendation")
    findings = [c for c in extraction.candidates if c.kind == ItemKind.FINDING]
    assert [c.quote[:8] for c in findings] == ["We found", "We found"]
    commitments = [c for c in extraction.candidates if c.kind == ItemKind.COMMITMENT]
    assert commitments[0].owners == ("home-office",) and commitments[0].deadline.iso() == "2027-01-15"
    ids = [c.suggested_id for c in extraction.candidates]
    assert len(set(ids)) == len(ids)
    assert all(__import__("re").match(SLUG_PATTERN, i) for i in ids)
    assert recs[3].suggested_id.startswith("icps-rec-r4-college-policing")
    assert recs[0].title.startswith("Inspectorate of Child Protection Services, Recommendation 1: The Home Office should")


@pytest.mark.parametrize("sentence, kind", [
    ("The Home Office should publish data.", ItemKind.RECOMMENDATION),
    ("We recommend that forces record ethnicity.", ItemKind.RECOMMENDATION),
    ("The government must act now.", ItemKind.CALL),
    ("MPs urged the Home Secretary to act.", ItemKind.CALL),
    ("The Home Office will publish a strategy.", ItemKind.COMMITMENT),
    ("The department committed to a review.", ItemKind.COMMITMENT),
    ("We found that data was poor.", ItemKind.FINDING),
    ("Will the Home Office act?", None),
    ("Forces recorded 27 cases last year.", None),
])
def test_kinds(sentence, kind):
    kinds = [c.kind for c in extract_candidates(sentence, published="2026-11-20", actors=ACTORS).candidates]
    assert kinds == ([kind] if kind else [])


def test_existing_quote_is_flagged_and_suggested_ids_avoid_taken_ones():
    extraction = extract_candidates(
        "Intro.\nThe Home Office should publish data on offenders.\n", published="2026-11-20", actors=ACTORS,
        existing_quotes={"old-item": "Home Office should publish data"}, taken_ids={"home-office-rec-publish-data-offenders-2026"},
        publisher="Home Office")
    (candidate,) = extraction.candidates
    assert candidate.existing_item_ids == ("old-item",)
    assert candidate.suggested_id == "home-office-rec-publish-data-offenders-2026-2"


def test_suggest_item_id_is_unique_and_a_slug():
    taken = {"ho-rec-publish-data-2026"}
    assert suggest_item_id("Home Office: publish data", taken=taken, prefix="ho", kind="recommendation",
                           year=2026) == "ho-rec-publish-data-2026-2"
    assert suggest_item_id("!!!", taken=()) == "item"


# -- the target on the project's own seed texts ---------------------------------------------


def _span(normalised_text: str, quote: str) -> tuple[int, int] | None:
    needle = normalise_for_quote_check(quote)
    at = normalised_text.find(needle)
    return None if at < 0 else (at, at + len(needle))


def seed_recall() -> dict:
    """For every seed document with a source text: the true commitments, recommendations and
    calls; those a candidate's quote overlaps (at least half of the true quote's characters); and
    how many candidates there were."""
    bundle = load_seed_files(ROOT / "seeds")
    documents = {d.id: d for d in bundle.documents}
    result = {"true": 0, "covered": 0, "candidates": 0, "missed": [], "per_item_max": 0, "true_all": 0}
    for document in bundle.documents:
        if not document.text_file:
            continue
        text = (SHARED / "seeds" / document.text_file).read_text(encoding="utf-8")
        normalised = normalise_for_quote_check(text)
        extraction = extract_candidates(text, published=documents[document.id].published,
                                        actors=bundle.actors, publisher=document.publisher)
        spans = [_span(normalised, c.quote) for c in extraction.candidates]
        assert all(spans), "every candidate quote is found in its text"
        result["candidates"] += len(extraction.candidates)
        for item in bundle.items:
            if item.document_id != document.id:
                continue
            result["true_all"] += 1
            if item.kind == ItemKind.FINDING:
                continue
            result["true"] += 1
            start, end = _span(normalised, item.quote)
            overlapping = [s for s in spans if min(end, s[1]) - max(start, s[0]) >= (end - start) / 2]
            result["per_item_max"] = max(result["per_item_max"], len(overlapping))
            if overlapping:
                result["covered"] += 1
            else:
                result["missed"].append(item.id)
    return result


@needs_seed_texts
def test_candidates_cover_the_seeds_commitments_recommendations_and_calls():
    figures = seed_recall()
    assert figures["true"] >= 16
    assert figures["covered"] / figures["true"] >= 0.9, figures["missed"]
    # At most 3 candidates per true item: over the whole texts, and overlapping any one item.
    assert figures["candidates"] <= 3 * figures["true"]
    assert figures["per_item_max"] <= 3


# -- from the store, and back into it ---------------------------------------------------------


def _report_store(path) -> Store:
    store = Store(path)
    for actor in ACTORS:
        store.add_actor(actor, by="alice")
    store.add_document(Document(id="icps-2026", title="Safeguarding children from group-based exploitation",
                                publisher="Inspectorate of Child Protection Services", kind="inspection report",
                                published="2026-11-20"), by="alice")
    return store


def test_propose_items_then_import_them_all_verbatim(db_path):
    store = _report_store(db_path)
    with pytest.raises(Exception, match="no stored text"):
        propose_items(store, "icps-2026")
    store.set_document_text("icps-2026", pasted_text(NINE), by="alice")
    extraction = propose_items(store, "icps-2026")
    counts = store.import_bundle(extraction.bundle("icps-2026", "2026-11-20"), by="alice")
    assert counts["items"] == len(extraction.candidates) == 12
    assert counts["actors"] == len(extraction.actors_named(extraction.candidates)) == 5  # one more is only named
    ids = [c.suggested_id for c in extraction.candidates]
    assert {store.quote_check(i) for i in ids} == {"checked"}
    assert store.get_item(ids[2])["deadline_start"] == "2027-03-31"
    again = propose_items(store, "icps-2026")
    assert all(c.existing_item_ids for c in again.candidates)
    assert not set(c.suggested_id for c in again.candidates) & set(ids)
    store.close()


@needs_seed_texts
def test_cli_extract_on_a_seed_text_reviewed_imported_and_checked_clean(seeded_db, tmp_path):
    """`tracker extract` on a seed text, its output imported after review, `tracker check` clean."""
    runner = CliRunner()
    db = ["--db", str(seeded_db)]
    source = SHARED / "seeds" / "003_774aeeb68f5e6364.txt"
    attached = runner.invoke(cli, [*db, "document", "text", "bbc-news-2023-12-hmicfrs-cse-inspection", str(source)])
    assert attached.exit_code == 0, attached.output

    result = runner.invoke(cli, [*db, "extract", str(source), "--document", "bbc-news-2023-12-hmicfrs-cse-inspection"])
    assert result.exit_code == 0, result.output
    stdout = result.stdout
    proposed = json.loads(stdout)
    assert set(proposed) >= {"items", "actors"}
    assert {"kind", "quote", "title", "owners", "makers", "deadline"} <= set(proposed["items"][0])
    notes = result.stderr
    # The review: drop what the record already holds (extract named them on stderr) and give a
    # maker to any item left without one.
    already = {line.split("(")[1].split(")")[0] for line in notes.splitlines() if "already quoted by" in line}
    assert len(already) >= 5
    kept = [item for item in proposed["items"] if item["id"] not in already]
    assert kept
    for item in kept:
        item["makers"] = item["makers"] or ["hmicfrs"]
    proposed["items"] = kept
    reviewed = tmp_path / "reviewed.json"
    reviewed.write_text(json.dumps(proposed), encoding="utf-8")

    imported = runner.invoke(cli, [*db, "import", str(reviewed)])
    assert imported.exit_code == 0, imported.output
    assert f"{len(kept)} items" in imported.output
    checked = runner.invoke(cli, [*db, "check"])
    assert checked.exit_code == 0, checked.output
    assert "no problems found" in checked.output


def test_cli_extract_bad_arguments(tmp_path):
    runner = CliRunner()
    text = tmp_path / "report.txt"
    text.write_text(NINE, encoding="utf-8")
    for args, message in (
        (["--published", "2026-13-01"], "month 13 does not exist"),
        (["--published", "tomorrow"], "not a date"),
        ([], "give --published"),
        (["--published", "2026-11-20", "--document", "Not A Slug"], "lower-case letters"),
    ):
        result = runner.invoke(cli, ["extract", str(text), *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output and "Traceback" not in result.output
    scan = tmp_path / "scan.pdf"
    from tests.pdf_samples import scanned_pdf

    scan.write_bytes(scanned_pdf())
    result = runner.invoke(cli, ["extract", str(scan), "--published", "2026-11-20"])
    assert result.exit_code == 1 and "no text layer" in result.output


def test_cli_extract_output_imports_into_an_empty_database(tmp_path, db_path):
    runner = CliRunner()
    text = tmp_path / "icps-report.txt"
    text.write_text(NINE, encoding="utf-8")
    out = tmp_path / "proposed.json"
    result = runner.invoke(cli, ["--db", str(db_path), "extract", str(text), "--published", "2026-11-20",
                                 "--publisher", "Inspectorate of Child Protection Services", "-o", str(out)])
    assert result.exit_code == 0, result.output
    proposed = json.loads(out.read_text(encoding="utf-8"))
    assert proposed["documents"][0]["id"] == "icps-report"
    assert proposed["documents"][0]["title"].startswith("Safeguarding children")
    assert runner.invoke(cli, ["--db", str(db_path), "init", "--empty"]).exit_code == 0
    imported = runner.invoke(cli, ["--db", str(db_path), "import", str(out)])
    assert imported.exit_code == 0, imported.output
    assert "12 items" in imported.output


@pytest.mark.parametrize("sentence, owners", [
    ("The Home Office and the National Police Chiefs' Council should agree a data standard.", ("home-office", "npcc")),
    ("We recommend that the Home Office, HMICFRS and police forces publish their figures.",
     ("home-office", "hmicfrs", "police-forces")),
    ("Tony Lloyd urged the Home Secretary to act.", ("home-secretary",)),
])
def test_several_addressees(sentence, owners):
    (candidate,) = extract_candidates(sentence, published="2026-11-20", actors=ACTORS,
                                      publisher="Home Office").candidates
    assert candidate.owners == owners


def test_a_long_paragraph_is_split_in_pieces_with_exact_spans():
    """pysbd is quadratic in a paragraph's length: long ones are cut at clear sentence ends
    first; the spans stay exact and the same candidates come out."""
    from tracker import extract

    paragraph = " ".join([" ".join(line for line in NINE.splitlines() if line.strip())] * 6)
    assert len(paragraph) > 2 * extract._PIECE
    pieces = list(extract._pieces(100, paragraph))
    assert len(pieces) > 1
    assert "".join(body for _, body in pieces) == paragraph
    assert all(paragraph[base - 100:base - 100 + len(body)] == body for base, body in pieces)
    whole = extract_candidates(paragraph, published="2026-11-20", actors=ACTORS)
    assert all(paragraph[c.start:c.end] == c.quote for c in whole.candidates)
    assert len([c for c in whole.candidates if c.deadline]) >= 6 * 9


def test_other_numbering_forms():
    text = ("Our recommendations\n\n"
            "R4: The Home Office should publish the data standard by June 2027.\n\n"
            "5. Police forces should adopt it within six months of publication.\n\n"
            "6. This paragraph is numbered but proposes nothing.\n\n"
            "Elsewhere, HMICFRS will inspect again (Recommendation 7) by the end of 2028.\n")
    extraction = extract_candidates(text, published="2026-11-20", actors=ACTORS, publisher="HMICFRS")
    found = [(c.kind.value, c.reference, c.owners, c.deadline.iso() if c.deadline else None)
             for c in extraction.candidates]
    assert found == [
        ("recommendation", "R4", ("home-office",), "2027-06"),
        ("recommendation", "Recommendation 5", ("police-forces",), "2027-05-20"),
        ("commitment", "Recommendation 7", ("hmicfrs",), "2028"),
    ]
    assert extraction.candidates[0].quote == "The Home Office should publish the data standard by June 2027."


def test_numbers_without_a_recommendations_heading_are_not_references():
    extraction = extract_candidates("1. The Home Office should publish data.\n", published="2026-11-20", actors=ACTORS)
    (candidate,) = extraction.candidates
    assert candidate.reference is None and candidate.quote.startswith("1. The Home Office")


def test_a_sentence_that_opens_with_an_earlier_date_is_made_then():
    text = "In 2022 the Home Office asked the police to collect data.\nIn 2031 forces should report.\n"
    first, second = extract_candidates(text, published="2023-12", actors=ACTORS).candidates
    assert first.made.iso() == "2022" and first.item_record("doc", "2023-12").made.iso() == "2022"
    assert second.made is None and second.item_record("doc", "2023-12").made.iso() == "2023-12"


def test_a_new_body_whose_slug_is_a_known_id_gets_its_own():
    actors = [*ACTORS, Actor(id="college-of-policing", name="The Police College", kind="other")]
    (candidate,) = extract_candidates("The College of Policing should train investigators.",
                                      published="2026-11-20", actors=actors).candidates
    assert candidate.owners == ("college-of-policing-2",)


def test_existing_quotes_are_found_among_many():
    text = "Intro.\nThe Home Office should publish the national data standard for every force by 2027.\n"
    quotes = {f"other-{n}": f"a quote from another document altogether, number {n}" for n in range(5000)}
    quotes["long"] = "Home Office should publish the national data standard for every force"
    quotes["longer"] = "Intro. The Home Office should publish the national data standard for every force by 2027."
    quotes["elsewhere"] = "Home Office should publish the national data standard for every force by 2030"
    (candidate,) = extract_candidates(text, published="2026-11-20", actors=ACTORS, existing_quotes=quotes).candidates
    assert candidate.existing_item_ids == ("long", "longer")  # inside the candidate, or holding it
