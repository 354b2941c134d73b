"""Reviewed proposals to one Bundle (tracker.review): edits applied, quotes never retyped, every
problem on its own proposal, and the new actors only when an accepted item names them."""

from __future__ import annotations

from tracker.extract import extract_candidates
from tracker.review import problems_by_candidate, reviewed_bundle

TEXT = """Recommendations

Recommendation 1: By 31 March 2027, the Home Office should publish a national definition.

Recommendation 2: By June 2027, the College of Policing should update its training.

In 2022 the Home Office asked police forces to record the ethnicity of every suspect.
"""
ACTORS = [{"id": "home-office", "name": "Home Office"}, {"id": "police-forces", "name": "Police forces"},
          {"id": "hmicfrs", "name": "HMICFRS"}]


def extraction():
    return extract_candidates(TEXT, published="2024-11-20", actors=ACTORS, publisher="HMICFRS")


def test_accepted_proposals_become_items_with_their_edits_and_verbatim_quotes():
    found = extraction()
    asked = next(i for i, c in enumerate(found.candidates) if "asked" in c.quote)
    result = reviewed_bundle(found, [0, asked], {0: {"title": "Edited title", "deadline": "2027-04"}},
                             document_id="report", made="2024-11-20")
    assert result.problems == {} and result.order == [0, asked]
    first, second = result.bundle.items
    assert (first.title, first.deadline.iso(), first.made.iso()) == ("Edited title", "2027-04", "2024-11-20")
    assert first.quote == found.candidates[0].quote and first.quote in TEXT
    assert second.made.iso() == "2022"  # the sentence dates it, not the document
    assert result.bundle.actors == []  # no accepted item names the College of Policing


def test_a_new_actor_comes_with_the_item_that_names_it():
    result = reviewed_bundle(extraction(), [1], {}, document_id="report", made="2024-11-20")
    assert [a.id for a in result.bundle.actors] == ["college-of-policing"]


def test_every_problem_is_put_on_its_proposal_and_nothing_is_bundled():
    found = extraction()
    result = reviewed_bundle(found, [0, 1], {0: {"owners": []}, 1: {"id": found.candidates[0].suggested_id,
                                                                    "deadline": "2027-13"}},
                             document_id="report", made="2024-11-20")
    assert result.bundle is None
    assert any("addressee" in p for p in result.problems[0])
    assert any("month 13" in p for p in result.problems[1])
    none = reviewed_bundle(found, [], {}, document_id="report", made="2024-11-20")
    assert none.bundle is None and none.problems == {-1: ["accept at least one proposed item"]}


def test_duplicate_ids_among_the_accepted_are_named():
    found = extraction()
    result = reviewed_bundle(found, [0, 1], {1: {"id": found.candidates[0].suggested_id}},
                             document_id="report", made="2024-11-20")
    assert result.bundle is None and set(result.problems) == {0, 1}


def test_import_problems_go_back_to_their_proposals():
    assert problems_by_candidate(["items[1] (x): already exists in the database", "actors[0] (y): bad"], [3, 7]) == {
        7: ["already exists in the database"], -1: ["actors[0] (y): bad"]}
