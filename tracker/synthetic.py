"""Realistic synthetic data at a chosen size, for benchmarks and load tests.

``generate`` writes through ``Store.import_bundle``, the same validated, all-or-nothing path a
JSON import takes, in chunks of items: every item gets its history rows, its status cache, its
deadline revisions and links exactly as an import would give it, and each chunk bumps the data
version once. The same ``seed`` always produces the same records (ids, text, dates, statuses);
only the times the store stamps itself (``created_at``, the audit log) differ between runs.

The shape is modelled on real trackers: a few hundred actors, documents of ~25 items each,
commitments and recommendations outnumbering findings and calls, histories that move forward
through plausible statuses over the years after an item was made, themes shared across items,
and links from later items to earlier ones ("responds to", "repeats", ...).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .models import (
    Actor,
    ActorKind,
    Bundle,
    Document,
    DocumentKind,
    HistoryEntry,
    ImplementationStatus,
    ItemKind,
    ItemLink,
    ItemRecord,
    LifecycleStatus,
    LinkKind,
    ResponseStatus,
)
from .store import Store

#: Every generated date falls on or before this day, so the data never depends on today's date.
LAST_DATE = dt.date(2026, 6, 30)
FIRST_MADE = dt.date(2005, 1, 1)

KIND_WEIGHTS = {
    ItemKind.COMMITMENT: 35,
    ItemKind.RECOMMENDATION: 40,
    ItemKind.FINDING: 15,
    ItemKind.CALL: 10,
}

_THEME_WORDS = [
    "data collection", "victim support", "prosecution", "policing", "safeguarding",
    "social care", "education", "health", "housing", "immigration", "training", "funding",
    "inspection", "information sharing", "licensing", "taxi licensing", "missing children",
    "online harm", "youth services", "criminal records", "courts", "probation", "prisons",
    "mental health", "workforce", "governance", "transparency", "complaints", "guidance",
    "legislation", "research", "local partnerships", "community engagement", "leadership",
    "culture", "accountability", "technology", "procurement", "audit", "performance",
]
#: The document kinds synthetic records are drawn from, in a fixed order: the kinds added later
#: (issue 13) are left out so a seed gives the same data it always gave.
_DOCUMENT_KINDS = tuple(DocumentKind(k) for k in (
    "government paper", "inspection report", "news article", "parliamentary answer", "strategy",
    "press release", "statement", "other"))

_BODIES = [
    "Home Office", "Department for Education", "Ministry of Justice", "Department of Health",
    "National Police Chiefs' Council", "College of Policing", "Crown Prosecution Service",
    "Ofsted", "HM Inspectorate of Constabulary", "Local Government Association",
    "Children's Commissioner", "Independent Inquiry", "County Council", "Borough Council",
    "Police and Crime Commissioner", "Select Committee", "Victims' Commissioner",
    "National Crime Agency", "Care Quality Commission", "Youth Justice Board",
]
_VERBS = [
    "improve", "publish", "review", "strengthen", "introduce", "fund", "establish", "expand",
    "set up", "consult on", "legislate for", "train staff in", "report on", "evaluate",
    "standardise", "audit", "monitor", "recruit for", "commission research into", "tackle",
]
_OBJECTS = [
    "the collection of ethnicity data", "support for victims and survivors",
    "multi-agency safeguarding arrangements", "a national taskforce", "the vetting of drivers",
    "the recording of crimes", "specialist training", "guidance for schools",
    "information sharing between agencies", "a national strategy", "local inspection regimes",
    "independent scrutiny", "data on outcomes", "the response to missing children",
    "disclosure processes", "out-of-area placements", "the use of civil orders",
    "the workforce plan", "the complaints process", "funding for local services",
]
_EVIDENCE = [
    "Written statement to Parliament", "Annual progress report", "Answer to a written question",
    "Inspection report", "Press release", "Letter to the committee", "Published guidance",
    "Freedom of information response", "Evidence to the inquiry", "Local authority minutes",
]


@dataclass(frozen=True)
class Plan:
    """How much of each thing ``generate`` will write."""

    items: int
    assessments_per_item: int
    links: int
    actors: int
    themes: int
    documents: int


def default_plan(
    items: int,
    assessments_per_item: int = 10,
    *,
    links: int | None = None,
    actors: int | None = None,
    themes: int | None = None,
    documents: int | None = None,
) -> Plan:
    """Sizes that scale with ``items`` the way a real tracker's do, unless given."""
    return Plan(
        items=items,
        assessments_per_item=assessments_per_item,
        links=items // 2 if links is None else links,
        actors=max(8, min(500, items // 200)) if actors is None else actors,
        themes=max(5, min(40, items // 50 or 5)) if themes is None else themes,
        documents=max(2, items // 25) if documents is None else documents,
    )


def _theme_names(count: int) -> list[str]:
    names = list(_THEME_WORDS[:count])
    number = 2
    while len(names) < count:
        names.extend(f"{word} {number}" for word in _THEME_WORDS[: count - len(names)])
        number += 1
    return names


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    span = (last - first).days
    return first + dt.timedelta(days=rng.randint(0, max(span, 0)))


class _Builder:
    """Builds the records for one plan from one random stream (so a seed fixes everything)."""

    def __init__(self, plan: Plan, seed: int):
        self.plan = plan
        self.rng = random.Random(seed)
        self.themes = _theme_names(plan.themes)
        self.actor_ids = [f"actor-{n:04d}" for n in range(plan.actors)]
        self.document_ids = [f"doc-{n:05d}" for n in range(plan.documents)]
        self.document_dates: list[dt.date] = []
        self.item_ids = [f"item-{n:06d}" for n in range(plan.items)]
        # Which items get a link, spread over the whole range; a link points at an earlier item.
        wanted = min(plan.links, max(plan.items - 1, 0) * len(LinkKind))
        self.link_sources: dict[int, int] = {}
        for _ in range(wanted):
            source = self.rng.randint(1, plan.items - 1)
            self.link_sources[source] = self.link_sources.get(source, 0) + 1

    def actors(self) -> list[Actor]:
        rng, kinds = self.rng, list(ActorKind)
        return [
            Actor(
                id=ident,
                name=f"{rng.choice(_BODIES)} ({n})",
                kind=rng.choice(kinds),
                description=None if rng.random() < 0.7 else "Synthetic actor for load testing.",
            )
            for n, ident in enumerate(self.actor_ids)
        ]

    def documents(self) -> list[Document]:
        rng, kinds, records = self.rng, list(_DOCUMENT_KINDS), []
        for n, ident in enumerate(self.document_ids):
            published = _day_between(rng, FIRST_MADE, LAST_DATE - dt.timedelta(days=30))
            self.document_dates.append(published)
            body = rng.choice(_BODIES)
            records.append(
                Document(
                    id=ident,
                    title=f"{body}: report on {rng.choice(_OBJECTS)} ({n})",
                    publisher=body,
                    kind=rng.choice(kinds),
                    published=published,
                    url=f"https://example.org/documents/{ident}",
                )
            )
        return records

    def item(self, index: int) -> ItemRecord:
        rng, plan = self.rng, self.plan
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        doc = rng.randrange(plan.documents)
        made = self.document_dates[doc]
        makers = rng.sample(self.actor_ids, k=min(len(self.actor_ids), rng.choice((1, 1, 1, 2))))
        owners: list[str] = []
        if kind != ItemKind.FINDING:
            pool = [a for a in self.actor_ids if a not in makers]
            owners = rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2, 3))))
        themes = rng.sample(self.themes, k=min(len(self.themes), rng.choice((1, 1, 2, 2, 3))))
        body = rng.choice(_BODIES)
        verb, obj = rng.choice(_VERBS), rng.choice(_OBJECTS)
        deadline = None
        if kind != ItemKind.FINDING and rng.random() < 0.6:
            due = made + dt.timedelta(days=rng.randint(180, 5 * 365))
            deadline = due.strftime("%Y") if rng.random() < 0.5 else due.strftime("%Y-%m")
        links = [
            ItemLink(
                kind=kind_of_link,
                target_id=self.item_ids[target],
                note=None if rng.random() < 0.8 else "Synthetic link.",
            )
            for kind_of_link, target in self._links_from(index)
        ]
        return ItemRecord(
            id=self.item_ids[index],
            kind=kind,
            title=f"{body} to {verb} {obj}"[:200],
            quote=(
                f"We will {verb} {obj}, working with partners across the country, and we will "
                f"report on progress in {made.year + rng.randint(1, 3)}. ({index})"
            ),
            document_id=self.document_ids[doc],
            makers=makers,
            owners=owners,
            themes=themes,
            made=made.isoformat(),
            deadline=deadline,
            done_when=None if rng.random() < 0.5 else f"{obj.capitalize()} in place and reported on.",
            history=self._history(kind, made),
            links=links,
        )

    def _links_from(self, index: int) -> list[tuple[LinkKind, int]]:
        chosen: set[tuple[LinkKind, int]] = set()
        for _ in range(self.link_sources.get(index, 0)):
            target = self.rng.randrange(index)
            chosen.add((self.rng.choice(list(LinkKind)), target))
        return sorted(chosen, key=lambda pair: (pair[1], pair[0].value))

    def _history(self, kind: ItemKind, made: dt.date) -> list[HistoryEntry]:
        if kind == ItemKind.FINDING or self.plan.assessments_per_item <= 0:
            return []
        rng = self.rng
        # Findings take no assessment, so the others carry more to keep the overall mean.
        weights = sum(KIND_WEIGHTS.values())
        mean = self.plan.assessments_per_item * weights / (weights - KIND_WEIGHTS[ItemKind.FINDING])
        count = max(1, rng.randint(round(mean * 0.5), round(mean * 1.5)))
        days = sorted(_day_between(rng, made, LAST_DATE) for _ in range(count))
        entries = []
        step = 0.0
        for n, day in enumerate(days):
            step = min(1.0, step + rng.random() * 2.5 / count)  # drift towards an ending
            evidence = f"{rng.choice(_EVIDENCE)}, {day.strftime('%B %Y')}: {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}."
            at = dt.datetime.combine(day, dt.time(9 + n % 8, rng.randrange(60)), tzinfo=dt.timezone.utc)
            common = dict(
                evidence=evidence,
                evidence_url=f"https://example.org/evidence/{rng.randrange(10**9)}" if rng.random() < 0.6 else None,
                assessed_on=day,
                recorded_by=rng.choice(("alice", "bob", "carol", "dev")),
                recorded_at=at,
            )
            if kind == ItemKind.RECOMMENDATION:
                entries.append(HistoryEntry(response=self._response(step), implementation=self._implementation(step), **common))
            else:
                entries.append(HistoryEntry(status=self._lifecycle(step), **common))
        return entries

    def _lifecycle(self, step: float) -> LifecycleStatus:
        rng = self.rng
        if step < 0.2:
            return rng.choice((LifecycleStatus.NOT_YET_ASSESSED, LifecycleStatus.IN_PROGRESS))
        if step < 0.8:
            return rng.choice((LifecycleStatus.IN_PROGRESS, LifecycleStatus.IN_PROGRESS,
                               LifecycleStatus.STALLED, LifecycleStatus.PARTLY_DELIVERED))
        return rng.choice((LifecycleStatus.DELIVERED, LifecycleStatus.DELIVERED, LifecycleStatus.NOT_DELIVERED,
                           LifecycleStatus.PARTLY_DELIVERED, LifecycleStatus.WITHDRAWN, LifecycleStatus.IN_PROGRESS))

    def _response(self, step: float) -> ResponseStatus:
        if step < 0.15:
            return ResponseStatus.AWAITING_RESPONSE
        return self.rng.choice((ResponseStatus.ACCEPTED, ResponseStatus.ACCEPTED, ResponseStatus.ACCEPTED_IN_PART,
                                ResponseStatus.NOTED, ResponseStatus.REJECTED))

    def _implementation(self, step: float) -> ImplementationStatus:
        rng = self.rng
        if step < 0.3:
            return ImplementationStatus.NOT_STARTED
        if step < 0.8:
            return rng.choice((ImplementationStatus.IN_PROGRESS, ImplementationStatus.IN_PROGRESS,
                               ImplementationStatus.INSUFFICIENT_EVIDENCE))
        return rng.choice((ImplementationStatus.IMPLEMENTED, ImplementationStatus.IMPLEMENTED,
                           ImplementationStatus.NOT_IMPLEMENTED, ImplementationStatus.SUPERSEDED,
                           ImplementationStatus.IN_PROGRESS))


def generate(
    store: Store,
    *,
    items: int,
    assessments_per_item: int = 10,
    links: int | None = None,
    actors: int | None = None,
    themes: int | None = None,
    documents: int | None = None,
    seed: int = 0,
    by: str = "synthetic",
    chunk_size: int = 1000,
    progress=None,
) -> dict[str, int]:
    """Write a synthetic dataset into ``store`` (which should hold no items yet).

    ``items`` items with ``assessments_per_item`` history entries each on average (findings
    take none, so commitments, recommendations and calls carry a little more, each between
    half and one and a half times their mean). ``links``, ``actors``,
    ``themes`` and ``documents`` default to sizes that scale with ``items`` (``default_plan``).
    Items are imported ``chunk_size`` at a time through ``Store.import_bundle``; ``progress``,
    when given, is called with the number of items written so far after each chunk. Returns
    the counts written. Raises ImportRejectedError if the ids collide with existing records.
    """
    if items < 1:
        raise ValueError("items must be at least 1")
    if LAST_DATE > dt.date.today():
        raise ValueError(f"synthetic data runs to {LAST_DATE}, which is after today")
    plan = default_plan(items, assessments_per_item, links=links, actors=actors, themes=themes,
                        documents=documents)
    builder = _Builder(plan, seed)
    totals = store.import_bundle(Bundle(actors=builder.actors(), documents=builder.documents()), by=by,
                                 as_recorded=True)
    for start in range(0, plan.items, chunk_size):
        chunk = [builder.item(index) for index in range(start, min(start + chunk_size, plan.items))]
        counts = store.import_bundle(Bundle(items=chunk), by=by, as_recorded=True)  # made-up recorders
        for key in ("items", "assessments", "links"):
            totals[key] += counts[key]
        if progress is not None:
            progress(start + len(chunk))
    return totals
