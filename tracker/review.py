"""From reviewed candidates (``tracker.extract``) to one Bundle that ``Store.import_bundle`` writes
all or nothing.

Staff review each proposed item: accept or reject it and edit its kind, title, addressees,
makers, deadline and id. The quote is never typed: it is the candidate's span of the text, so it
is verbatim by construction. This module checks the accepted ones one by one (so each problem
is shown on its own candidate) and assembles the bundle: the items, and the proposed new actors
that the accepted items name. No Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pydantic import ValidationError

from .extract import Candidate, Extraction
from .models import Actor, Bundle, ItemKind, ItemRecord, PartialDate, describe_validation_error

#: What staff may change about a candidate before it is saved (the quote is not among them).
EDITABLE = ("kind", "title", "owners", "makers", "made", "deadline", "id")


@dataclass
class Reviewed:
    """The bundle to write (None when any accepted candidate does not read), and each
    problem by the candidate's position in the extraction."""

    bundle: Bundle | None
    problems: dict[int, list[str]] = field(default_factory=dict)
    #: The position of each bundle item among the candidates (bundle.items[i] is candidate order[i]).
    order: list[int] = field(default_factory=list)


def initial_values(candidate: Candidate, published: PartialDate | str) -> dict:
    """A candidate's editable values as a review form starts them: made when its sentence says
    ("In 2022 the Home Office asked ..."), else when the document was published."""
    made = candidate.made or PartialDate.model_validate(published)
    return {
        "kind": candidate.kind.value,
        "title": candidate.title,
        "owners": list(candidate.owners),
        "makers": list(candidate.makers),
        "made": made.iso(),
        "deadline": candidate.deadline.iso() if candidate.deadline else "",
        "id": candidate.suggested_id,
    }


def reviewed_bundle(
    extraction: Extraction,
    accepted: Iterable[int],
    values: Mapping[int, Mapping],
    *,
    document_id: str,
    made: PartialDate | str,
) -> Reviewed:
    """The accepted candidates (positions in ``extraction.candidates``) with their reviewed
    ``values`` (``EDITABLE`` fields; missing ones keep the candidate's) as items of
    ``document_id`` (``made`` is its publication date, what a candidate is dated by unless its
    sentence or the review says otherwise), and the proposed actors they name. Nothing is
    written here."""
    chosen = sorted(set(accepted))
    result = Reviewed(bundle=None)
    if not chosen:
        result.problems[-1] = ["accept at least one proposed item"]
        return result
    records: list[ItemRecord] = []
    named: set[str] = set()
    for position in chosen:
        candidate = extraction.candidates[position]
        given = {**initial_values(candidate, made), **dict(values.get(position, {}))}
        kind = str(given["kind"])
        record = {
            "id": str(given["id"] or "").strip(), "kind": kind, "title": given["title"],
            "quote": candidate.quote,  # the span of the text, never retyped
            "document_id": document_id, "makers": list(given["makers"] or []),
            "owners": list(given["owners"] or []), "made": str(given["made"] or "").strip(),
            "deadline": None if kind == ItemKind.FINDING.value else (str(given["deadline"] or "").strip() or None),
            "reference": candidate.reference,  # "Recommendation 4" as the text numbers it (issue 13)
        }
        try:
            records.append(ItemRecord.model_validate(record))
        except ValidationError as exc:
            result.problems[position] = describe_validation_error(exc)
            continue
        named.update(record["makers"], record["owners"])
        result.order.append(position)
    ids = [r.id for r in records]
    for position, record in zip(result.order, records):
        if ids.count(record.id) > 1:
            result.problems.setdefault(position, []).append(f"id: {record.id} is given to two accepted items")
    if result.problems:
        return result
    actors: list[Actor] = [actor for actor in extraction.new_actors if actor.id in named]
    result.bundle = Bundle(actors=actors, items=records)
    return result


def problems_by_candidate(problems: Iterable[str], order: list[int]) -> dict[int, list[str]]:
    """An import's problems ("items[3] (some-id): ...") put on the candidates they are about;
    the others (about actors, or the whole file) under -1."""
    found: dict[int, list[str]] = {}
    for problem in problems:
        match = re.match(r"items\[(\d+)\] \([^)]*\): (.*)", problem)
        if match and int(match.group(1)) < len(order):
            found.setdefault(order[int(match.group(1))], []).append(match.group(2))
        else:
            found.setdefault(-1, []).append(problem)
    return found
