"""Gaps: where promise and delivery part (../shared/DOMAIN.md, "Gaps").

* delivery gap: commitments and accepted recommendations not delivered;
* response gap: recommendations with no response from their addressee;
* evidence gap: items never assessed, or open items whose last evidence is old;
* chains: items joined by links (the same problem promised, found and recommended again),
  as connected components ordered by date;
* claimed vs found: a claim of progress beside an independent finding that contradicts it.

The rules are the functions on frames (the items frame already passed through
``frames.annotate`` for the same reference date). ``gap_tables``, ``record_chains`` and
``chain_for_item`` read from the store only the rows those functions need, at any date: the
gaps page and the published edition call ``gap_tables``. Nothing here imports streamlit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from . import frames
from . import status as status_rules
from .models import LIST_SEPARATOR, ImplementationStatus, ItemKind, LifecycleStatus, LinkKind, ResponseStatus, split_list
from .dates import date_label, duration
from .frames import none_if_missing, status_labels, values_or_none
from .store import Store

#: An open item whose latest evidence is older than this many days is in the evidence gap.
STALE_EVIDENCE_DAYS = 365

DELIVERY_GAP_COLUMNS = [
    "id", "kind", "title", "makers", "owners", "status_label", "response_label", "state",
    "made_label", "days_since_made", "deadline_label", "days_overdue",
]
RESPONSE_GAP_COLUMNS = ["id", "title", "makers", "owners", "made_label", "days_waiting", "last_assessed_on"]
EVIDENCE_GAP_COLUMNS = [
    "id", "kind", "title", "owners", "status_label", "last_assessed_on", "evidence_age_days", "reason",
    "last_assessed_precision",
]
CLAIMED_VS_FOUND_COLUMNS = [
    "item_id", "item_kind", "item_title", "item_quote", "item_made_label", "item_makers",
    "claimed_status", "claimed_on", "claim_evidence", "current_status",
    "finding_id", "finding_title", "finding_made_label", "finding_makers", "finding_quote", "note",
]

# A recommendation that was superseded or implemented has left the delivery gap.
_RECOMMENDATION_ENDED = frozenset(
    {ImplementationStatus.IMPLEMENTED.value, ImplementationStatus.SUPERSEDED.value}
)


def in_delivery_gap(kind: str, status: str | None, response: str | None, implementation: str | None) -> bool:
    """A commitment assessed as anything but delivered, or a recommendation its addressee
    accepted (in whole or part) that is not implemented or superseded. A commitment never
    assessed is not in it: "not yet assessed" means unresearched, never "no action"."""
    if kind == ItemKind.COMMITMENT:
        return status_rules.display_status(kind, status, response, implementation) not in (
            LifecycleStatus.DELIVERED.value, status_rules.NOT_YET_ASSESSED)
    if kind == ItemKind.RECOMMENDATION:
        accepting = {r.value for r in status_rules.ACCEPTING_RESPONSES}
        return response in accepting and implementation not in _RECOMMENDATION_ENDED
    return False


def in_response_gap(kind: str, status: str | None, response: str | None, implementation: str | None) -> bool:
    """An open recommendation with no response recorded from its addressee (a response of
    ``awaiting response``, or no assessment at all)."""
    return status_rules.is_awaiting_response(kind, status, response, implementation)


def _rows_where(annotated: pd.DataFrame, rule) -> pd.Series:
    """``rule`` of each row's (kind, status, response, implementation), once per combination."""
    keys = list(zip(*(values_or_none(annotated[c]) for c in ("kind", "status", "response", "implementation"))))
    found = {key: rule(*key) for key in set(keys)}
    return pd.Series([found[key] for key in keys], index=annotated.index, dtype=bool)


def delivery_gaps(annotated: pd.DataFrame, *, today: dt.date) -> pd.DataFrame:
    """The items ``in_delivery_gap``: commitments not delivered and accepted recommendations
    not implemented. ``days_since_made`` counts to ``today``; ``days_overdue`` is how far past
    the deadline an open item is. Longest overdue first, then longest since made (the order of
    ``DELIVERY_ORDER``).
    """
    if annotated.empty:
        return pd.DataFrame(columns=DELIVERY_GAP_COLUMNS)
    frame = annotated[_rows_where(annotated, in_delivery_gap)].copy()
    frame["days_since_made"] = [(today - made).days for made in frame["made"]]
    frame = frame.sort_values(["days_overdue", "days_since_made", "id"], ascending=[False, False, True],
                              na_position="last")
    return frame[DELIVERY_GAP_COLUMNS].reset_index(drop=True)


def response_gaps(annotated: pd.DataFrame, *, today: dt.date) -> pd.DataFrame:
    """The items ``in_response_gap``, longest waiting first."""
    if annotated.empty:
        return pd.DataFrame(columns=RESPONSE_GAP_COLUMNS)
    frame = annotated[_rows_where(annotated, in_response_gap)].copy()
    frame["days_waiting"] = [(today - made).days for made in frame["made"]]
    frame = frame.sort_values(["days_waiting", "id"], ascending=[False, True])
    return frame[RESPONSE_GAP_COLUMNS].reset_index(drop=True)


def evidence_gaps(
    annotated: pd.DataFrame, *, today: dt.date, stale_after_days: int = STALE_EVIDENCE_DAYS
) -> pd.DataFrame:
    """Items whose status rests on no evidence or on old evidence.

    * ``never assessed``: a commitment, call or recommendation with no assessment yet;
    * ``no evidence text``: the latest assessment carries an empty evidence note;
    * ``evidence N years old``: an open item whose latest assessment is older than
      ``stale_after_days`` (a closed item's last word can be old: nothing more is owed).

    Findings carry no status and are never in this gap. Oldest evidence first.
    """
    if annotated.empty:
        return pd.DataFrame(columns=EVIDENCE_GAP_COLUMNS)
    frame = annotated[annotated["kind"] != ItemKind.FINDING].copy()
    if "last_assessed_precision" not in frame:  # a frame read before issue 13
        frame["last_assessed_precision"] = None
    reasons, ages = [], []
    for assessed, evidence, is_open in zip(frame["last_assessed_on"], frame["last_evidence"], frame["is_open"]):
        if assessed is None:
            reasons.append("never assessed")
            ages.append(None)
            continue
        age = (today - dt.date.fromisoformat(assessed)).days
        ages.append(age)
        if not (evidence or "").strip():
            reasons.append("no evidence text")
        elif bool(is_open) and age > stale_after_days:
            years = age / 365.25
            reasons.append(f"evidence {years:.1f} years old")
        else:
            reasons.append(None)
    frame["reason"] = reasons
    frame["evidence_age_days"] = pd.array(ages, dtype="Int64")
    frame = frame[frame["reason"].notna()]
    frame = frame.sort_values(["evidence_age_days", "id"], ascending=[False, True], na_position="first")
    return frame[EVIDENCE_GAP_COLUMNS].reset_index(drop=True)


@dataclass(frozen=True)
class Chain:
    """Items joined by links, oldest first: one problem across the years.

    ``item_ids`` are ordered by date made then id. ``items`` gives their annotated rows and
    ``links`` the links between them (``source_id``, ``kind``, ``target_id``, ``note``); both
    are cut on demand from frames every chain of one ``chains()`` call shares, so thousands
    of chains cost one frame, not thousands.
    """

    item_ids: tuple[str, ...]
    first_made: dt.date
    last_made: dt.date
    first_title: str
    open_count: int
    members: pd.DataFrame = field(repr=False, compare=False)
    all_links: pd.DataFrame = field(repr=False, compare=False)

    @property
    def id(self) -> str:
        """The chain is named after its oldest item (stable while that item exists)."""
        return self.item_ids[0]

    @property
    def items(self) -> pd.DataFrame:
        return self.members.loc[list(self.item_ids)].reset_index(drop=True)

    @property
    def links(self) -> pd.DataFrame:
        ids = set(self.item_ids)
        return self.all_links[self.all_links["source_id"].isin(ids)].reset_index(drop=True)

    def detached(self) -> "Chain":
        """This chain holding only its own rows (to keep or send one chain without the rest)."""
        return replace(self, members=self.items.set_index("id", drop=False).rename_axis(None),
                       all_links=self.links)

    @property
    def years(self) -> str:
        """"2018 -> 2020", or one year when the chain is all in one year."""
        first, last = self.first_made.year, self.last_made.year
        return str(first) if first == last else f"{first} \u2192 {last}"

    @property
    def title(self) -> str:
        """What the chain is about, told by its oldest item."""
        return f"{self.years}: {self.first_title}"

    def span(self, *, today: dt.date) -> "ChainSpan":
        """How long the chain has run, as of ``today`` (the reference date): see ``ChainSpan``."""
        return chain_span(self.items, today=today)


# -- how long a chain has run (issue 13) ---------------------------------------------------------


@dataclass(frozen=True)
class ChainSpan:
    """How long a chain has run: first raised (when, by whom), its latest event, and open for so
    long or closed on a date.

    An open item never assessed is not counted as delay: nothing is known of what was done, so
    when every open item of a chain is unassessed the chain says so instead of "open N years".
    """

    first_raised: str                 # "15 December 2020"
    first_raised_by: tuple[str, ...]  # actor ids: the oldest item's makers
    latest_event: str                 # "July 2025"
    latest_event_what: str            # "assessment" or "item made"
    state: str                        # "open", "closed" or "findings only"
    days_since_first: int
    closed_on: str | None = None      # the closing assessment's date, when closed
    open_items: int = 0
    open_never_assessed: int = 0      # open items not yet assessed (none, or one that says so)

    @property
    def years_since_first(self) -> float:
        return round(self.days_since_first / 365.25, 1)

    def sentence(self, names: dict[str, str] | None = None) -> str:
        """The span in words: "First raised 15 December 2020 by the Home Office; latest event
        July 2025 (an assessment); open for 5.0 years." """
        names = names or {}
        who = ", ".join(names.get(a, a) for a in self.first_raised_by)
        raised = f"First raised {self.first_raised}" + (f" by {who}" if who else "")
        latest = f"latest event {self.latest_event} ({'an assessment' if self.latest_event_what == 'assessment' else 'an item made'})"
        since = duration(self.days_since_first)
        if self.state == "closed":
            end = f"closed on {self.closed_on}, {since} after it was first raised"
        elif self.state == "findings only":
            end = "findings only: nothing in it can be delivered"
        elif self.open_items and self.open_never_assessed == self.open_items:
            end = (f"still open, but its {self.open_items} open item{'s have' if self.open_items != 1 else ' has'} "
                   f"never been assessed, so no delay is counted ({since} since first raised)")
        else:
            end = f"open for {since}"
            if self.open_never_assessed:
                end += (f" ({self.open_never_assessed} of its {self.open_items} open items never assessed: "
                        "unresearched, not counted as delay)")
        return f"{raised}; {latest}; {end}."


def chain_span(items: pd.DataFrame, *, today: dt.date) -> ChainSpan:
    """``ChainSpan`` of a chain's annotated item rows (``Chain.items``), as of ``today``."""
    ordered = items.sort_values(["made", "id"], kind="stable")
    first = ordered.iloc[0]
    events: list[tuple[str, str, str]] = []  # (date, precision, what)
    for row in ordered.itertuples(index=False):
        events.append((row.made_start, row.made_precision, "item made"))
        assessed = none_if_missing(getattr(row, "last_assessed_on", None))
        if assessed:
            precision = none_if_missing(getattr(row, "last_assessed_precision", None)) or "day"
            events.append((assessed, precision, "assessment"))
    latest = max(events, key=lambda e: (e[0], e[2] == "assessment"))
    state_of = ordered["state"].tolist()
    assessed = [none_if_missing(v) for v in (ordered["last_assessed_on"] if "last_assessed_on" in ordered
                                             else [None] * len(ordered))]
    open_rows = [n for n, s in enumerate(state_of) if s == "open"]
    labels = ordered["status_label"].tolist()
    never = sum(1 for n in open_rows if labels[n] == status_rules.NOT_YET_ASSESSED)
    if open_rows:
        state, closed_on = "open", None
    elif any(s == "closed" for s in state_of):
        closing = [(assessed[n], none_if_missing(ordered["last_assessed_precision"].iloc[n])
                    if "last_assessed_precision" in ordered else None)
                   for n, s in enumerate(state_of) if s == "closed" and assessed[n]]
        when = max(closing, key=lambda c: c[0]) if closing else None
        state, closed_on = "closed", (date_label(when[0], when[1] or "day") if when else None)
    else:
        state, closed_on = "findings only", None
    return ChainSpan(
        first_raised=date_label(first["made_start"], first["made_precision"]),
        first_raised_by=tuple(split_list(first["makers"])),
        latest_event=date_label(latest[0], latest[1]), latest_event_what=latest[2], state=state,
        days_since_first=(today - first["made"]).days, closed_on=closed_on,
        open_items=len(open_rows), open_never_assessed=never,
    )


#: The links that carry a problem from one year to the next. "evidence for" is left out: it
#: attaches a supporting finding to an item, and an inspection's findings support many items,
#: so following it merges every item a report touches into one unreadable "chain". Those
#: findings still show on each item's page.
CHAIN_LINK_KINDS = frozenset(
    {LinkKind.RESPONDS_TO.value, LinkKind.REPEATS.value, LinkKind.CONTRADICTS.value, LinkKind.SUPERSEDES.value}
)


def chains(
    annotated: pd.DataFrame,
    links: pd.DataFrame,
    *,
    kinds: frozenset[str] = CHAIN_LINK_KINDS,
    min_items: int = 2,
) -> list[Chain]:
    """The connected components of the graph of links of ``kinds`` (read in both directions).

    Only items present in ``annotated`` count (as of a past date, later items and their links
    are not there yet). Components with fewer than ``min_items`` items are dropped. Items in a
    chain are ordered by date made then id; chains by their oldest item's date, then id.
    """
    if annotated.empty or links is None or links.empty:
        return []
    present = set(annotated["id"].tolist())
    # Set lookups on plain lists: pandas' isin on Arrow strings converts the set value by value
    # (a second at 100,000 items).
    usable = links[[
        s in present and t in present and k in kinds
        for s, t, k in zip(links["source_id"].tolist(), links["target_id"].tolist(), links["kind"].tolist())
    ]]
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(node, node) != root:  # path compression
            parent[node], node = root, parent[node]
        return root

    for source, target in zip(usable["source_id"], usable["target_id"]):
        a, b = find(source), find(target)
        if a != b:
            parent[max(a, b)] = min(a, b)
    roots = {node: find(node) for node in set(usable["source_id"]) | set(usable["target_id"])}
    membership = pd.Series(roots, name="_root")
    sizes = membership.value_counts()
    membership = membership[membership.map(sizes) >= min_items]
    if membership.empty:
        return []
    roots_kept = membership.to_dict()
    members = annotated[[i in roots_kept for i in annotated["id"].tolist()]].copy()
    members["_root"] = [roots_kept[i] for i in members["id"].tolist()]
    members["_open"] = (members["state"] == "open").astype("int64")
    members = members.sort_values(["made", "id"], kind="stable")
    # One pass in plain Python: pandas' groupby with a tuple aggregate cost half a second at 10,000 items.
    grouped: dict[str, dict] = {}
    for item_id, root, made, title, is_open in zip(*(members[c].tolist() for c in ("id", "_root", "made", "title",
                                                                                  "_open"))):
        group = grouped.get(root)
        if group is None:
            group = grouped[root] = {"ids": [], "first_made": made, "first_title": title, "open": 0}
        group["ids"].append(item_id)
        group["last_made"] = made
        group["open"] += is_open
    members = members.drop(columns=["_root", "_open"]).set_index("id", drop=False).rename_axis(None)
    result = [
        Chain(item_ids=tuple(g["ids"]), first_made=g["first_made"], last_made=g["last_made"],
              first_title=g["first_title"], open_count=g["open"], members=members, all_links=usable)
        for g in grouped.values()
    ]
    result.sort(key=lambda c: (c.first_made, c.id))
    return result


def chain_summary(chain_list: list[Chain]) -> pd.DataFrame:
    """One row per chain: ``id``, ``title``, ``years``, ``items``, ``open``, ``first_made``."""
    return pd.DataFrame(
        {
            "id": [c.id for c in chain_list],
            "title": [c.title for c in chain_list],
            "years": [c.years for c in chain_list],
            "items": [len(c.item_ids) for c in chain_list],
            "open": [c.open_count for c in chain_list],
            "first_made": [c.first_made for c in chain_list],
        },
        columns=["id", "title", "years", "items", "open", "first_made"],
    )


def chain_of(chain_list: list[Chain], item_id: str) -> Chain | None:
    """The chain ``item_id`` belongs to, or None."""
    for chain in chain_list:
        if item_id in chain.item_ids:
            return chain
    return None


def chain_for_item(
    store: Store,
    item_id: str,
    *,
    as_of: dt.date | None = None,
    today: dt.date,
    kinds: frozenset[str] = CHAIN_LINK_KINDS,
) -> Chain | None:
    """The chain ``item_id`` belongs to as of ``as_of`` (None: now), or None; the same chain as
    ``chain_of(chains(annotate(store.items_frame(as_of=as_of), today=today), store.links()),
    item_id)``, read from the items linked to it only (``Store.linked_component``), so it costs
    the size of the chain, not of the record. ``today`` is the reference date ``annotate`` takes
    (the as-of date, when there is one).
    """
    ids = store.linked_component(item_id, kinds=kinds, made_by=as_of)
    if len(ids) < 2:
        return None
    members = frames.annotate(store.items_frame(as_of=as_of, ids=ids, include_quote=True), today=today)
    return chain_of(chains(members, store.links_among(ids), kinds=kinds), item_id)


def items_in_contradictions(links: pd.DataFrame) -> set[str]:
    """The ids at either end of a ``contradicts`` link: the only items whose history
    ``claimed_vs_found`` reads."""
    if links is None or links.empty:
        return set()
    contradicting = links[links["kind"] == LinkKind.CONTRADICTS.value]
    return set(contradicting["source_id"]) | set(contradicting["target_id"])


def claimed_vs_found(
    annotated: pd.DataFrame, links: pd.DataFrame, assessments: pd.DataFrame
) -> pd.DataFrame:
    """Each finding that contradicts an item, beside the item's latest claim of progress.

    A link ``<finding> contradicts <item>`` (or the reverse) pairs them. The claim is the
    latest assessment of the item whose status claims progress (``PROGRESS_CLAIMS``: in
    progress, partly delivered, delivered, implemented); when the history holds none,
    ``claimed_status`` is empty and the item's own words (``item_quote``, made
    ``item_made_label`` by ``item_makers``) are what the finding answers. ``note`` is the
    link's note. ``assessments`` is ``Store.assessments_frame(until=as_of)``, or only those of
    ``items_in_contradictions(links)``.
    """
    if annotated.empty or links is None or links.empty:
        return pd.DataFrame(columns=CLAIMED_VS_FOUND_COLUMNS)
    # Plain dicts: a pandas row lookup per pair cost a millisecond each (a second for 1,000 pairs).
    columns = ["id", "kind", "title", "quote", "made_label", "makers", "made_start", "made_precision",
               "status_label"]
    ends = annotated[[c for c in columns if c in annotated.columns]]
    by_id = {row["id"]: row for row in ends.astype(object).where(ends.notna(), None).to_dict("records")}
    kinds = {item_id: row["kind"] for item_id, row in by_id.items()}
    contradicting = links[links["kind"] == LinkKind.CONTRADICTS.value]
    claims: dict[str, dict] = {}
    if assessments is not None and not assessments.empty and not contradicting.empty:
        history = assessments[assessments["item_id"].isin(items_in_contradictions(links))]
        history = history.assign(claim=status_labels(history))
        history = history[history["claim"].isin(status_rules.PROGRESS_CLAIMS)]
        # assessments_frame is ordered by date then entry: the last row per item is its latest claim
        for row in history.groupby("item_id", sort=False).tail(1).itertuples(index=False):
            claims[row.item_id] = {"status": row.claim, "on": row.assessed_on, "evidence": row.evidence}
    rows = []
    for source, target, note in zip(contradicting["source_id"], contradicting["target_id"],
                                    contradicting["note"]):
        if source not in kinds or target not in kinds:
            continue
        if kinds[source] == ItemKind.FINDING and kinds[target] != ItemKind.FINDING:
            finding, item = by_id[source], by_id[target]
        elif kinds[target] == ItemKind.FINDING and kinds[source] != ItemKind.FINDING:
            finding, item = by_id[target], by_id[source]
        else:
            continue
        claim = claims.get(item["id"])
        rows.append(
            {
                "item_id": item["id"],
                "item_kind": item["kind"],
                "item_title": item["title"],
                "item_quote": item.get("quote"),
                "item_made_label": item["made_label"],
                "item_makers": item["makers"],
                "claimed_status": claim["status"] if claim else None,
                "claimed_on": claim["on"] if claim else None,
                "claim_evidence": claim["evidence"] if claim else None,
                "current_status": item["status_label"],
                "finding_id": finding["id"],
                "finding_title": finding["title"],
                "finding_made_label": date_label(finding["made_start"], finding["made_precision"]),
                "finding_makers": finding["makers"],
                "finding_quote": finding.get("quote"),
                "note": none_if_missing(note) or "",
            }
        )
    return pd.DataFrame(rows, columns=CLAIMED_VS_FOUND_COLUMNS)


# -- every gap of the record at any date, read bounded from the store ------------------------------

#: The characters ``str.strip`` removes that a stored evidence note can hold (space, tab, newlines).
_BLANK = "char(32, 9, 10, 11, 12, 13)"


def _evidence_gap_sql(today: dt.date, stale_after_days: int, params: dict) -> str:
    """``evidence_gaps``' rule as a SQL condition over ``Store._record_at``'s columns (the
    differential test in tests/test_rules.py holds the two together)."""
    params["stale_before"] = (today - dt.timedelta(days=stale_after_days)).isoformat()
    return (f"kind != '{ItemKind.FINDING.value}' AND (last_assessed_on IS NULL "
            f"OR trim(coalesce(last_evidence, ''), {_BLANK}) = '' "
            f"OR ({status_rules.sql_is_open()} AND last_assessed_on < :stale_before))")


def _combinations(store: Store, as_of: dt.date | None, rule) -> list[tuple]:
    """The (kind, status, response, implementation) combinations of the record that ``rule`` keeps."""
    found = store.status_counts(as_of=as_of)
    rows = zip(*(values_or_none(found[c]) for c in ("kind", "status", "response", "implementation")))
    return [row for row in set(rows) if rule(*row)]


def record_chains(store: Store, *, today: dt.date, as_of: dt.date | None = None,
                  links: pd.DataFrame | None = None, annotated: pd.DataFrame | None = None) -> list[Chain]:
    """``chains`` of the record as of ``as_of``, reading only the items at the end of a link;
    or, given ``annotated`` (every item of the record as of ``as_of``, annotated to ``today``:
    the published edition has it already), reading none (at 100,000 items the ends of links
    are most of the record: a second read of it)."""
    links = store.links() if links is None else links
    if links.empty:
        return []
    if annotated is not None:
        return chains(annotated, links)
    usable = links[links["kind"].isin(list(CHAIN_LINK_KINDS))]
    ids = sorted(set(usable["source_id"]) | set(usable["target_id"]))
    members = frames.annotate(store.items_frame(ids=ids, include_quote=True, as_of=as_of), today=today)
    return chains(members, links)


# -- a status per addressee (issue 13): the bodies behind on an item of a gap -----------------


def with_bodies_behind(frame: pd.DataFrame, store: Store, *, as_of: dt.date | None, response: bool = False
                       ) -> pd.DataFrame:
    """``frame`` (item rows with ``id``) with ``bodies_behind`` (the ids, "; "-joined, of the
    addressees whose own status is open; with ``response``, those awaiting a response) and
    ``bodies_behind_label`` ("4 of 6 bodies"), for items with several addressees; empty for
    the others (their one addressee is the item)."""
    frame = frame.copy()
    behind: dict[str, list[str]] = {}
    totals: dict[str, int] = {}
    ids = frame["id"].tolist() if not frame.empty else []
    for row in store.addressee_states(ids, as_of=as_of):
        totals[row["item_id"]] = totals.get(row["item_id"], 0) + 1
        if response:
            late = status_rules.response_label(row["response"]) == ResponseStatus.AWAITING_RESPONSE.value
        else:
            late = status_rules.is_open(row["kind"], row["status"], row["response"], row["implementation"])
        if late:
            behind.setdefault(row["item_id"], []).append(row["actor_id"])
    several = {i for i, n in totals.items() if n > 1}
    frame["bodies_behind"] = [LIST_SEPARATOR.join(behind.get(i, [])) if i in several else "" for i in ids]
    frame["bodies_behind_label"] = [f"{len(behind.get(i, []))} of {totals[i]} bodies" if i in several else ""
                                    for i in ids]
    return frame


def gap_tables(store: Store, *, today: dt.date, as_of: dt.date | None = None, limit: int = 1000,
               links: pd.DataFrame | None = None, chain_list: list[Chain] | None = None) -> dict:
    """Every gap of the record as of ``as_of`` (None: now), with ``today`` the reference date:
    ``delivery`` (with ``made``/``deadline_end``), ``response``, ``evidence``, ``claimed``
    (``claimed_vs_found``) and ``chains`` (``chain_summary``), the first ``limit`` rows of each in
    the order the functions above give, and ``<name>_count`` the number of rows in all.

    Bounded: the delivery, response and evidence gaps are counted in SQL and only the rows shown
    are read; claimed-vs-found and chains read the items at the ends of links only.
    """
    params: dict = {}
    delivery_if = store.status_combinations_sql(_combinations(store, as_of, in_delivery_gap), params, prefix="d")
    overdue = status_rules.sql_overdue(status_rules.sql_is_open(), "deadline_end", ":today")
    params["today"] = today.isoformat()
    late = f"(CASE WHEN {overdue} THEN deadline_end END)"
    delivery_count, delivery = store.items_where(
        delivery_if, params, order=f"{late} IS NULL, {late}, made_start, id", limit=limit, as_of=as_of)
    params = {}
    response_if = store.status_combinations_sql(_combinations(store, as_of, in_response_gap), params, prefix="r")
    response_count, response = store.items_where(response_if, params, order="made_start, id", limit=limit,
                                                 as_of=as_of)
    params = {}
    evidence_count, evidence = store.items_where(
        _evidence_gap_sql(today, STALE_EVIDENCE_DAYS, params), params,
        order="last_assessed_on IS NOT NULL, last_assessed_on, id", limit=limit, as_of=as_of)

    links = store.links() if links is None else links
    contradicting = sorted(items_in_contradictions(links))
    ends = frames.annotate(store.items_frame(ids=contradicting, include_quote=True, as_of=as_of), today=today)
    history = store.assessments_frame(until=as_of, brief=True, item_ids=contradicting)
    claimed = claimed_vs_found(ends, links, history)
    chain_list = record_chains(store, today=today, as_of=as_of, links=links) if chain_list is None else chain_list
    listed = chain_summary(chain_list)

    delivery = frames.annotate(delivery, today=today)
    dates = delivery.set_index("id")[["made", "deadline_end"]]
    return {
        "delivery_count": delivery_count, "response_count": response_count, "evidence_count": evidence_count,
        "claimed_count": len(claimed), "chains_count": len(listed),
        # issue 13: the addressees behind on each item shown ("4 of 6 bodies"), as of the same date
        "delivery": with_bodies_behind(delivery_gaps(delivery, today=today).join(dates, on="id"), store,
                                       as_of=as_of),
        "response": with_bodies_behind(response_gaps(frames.annotate(response, today=today), today=today),
                                       store, as_of=as_of, response=True),
        "evidence": evidence_gaps(frames.annotate(evidence, today=today), today=today),
        "claimed": claimed.head(limit),
        "chains": listed.head(limit),
    }


# -- past deadline (issue 13): every open item past its deadline, whatever its response ----------

PAST_DEADLINE_COLUMNS = [
    "id", "kind", "title", "held_by", "status_label", "response_label", "awaiting_response",
    "made_label", "deadline_label", "deadline_end", "days_overdue",
]


def past_deadline(annotated: pd.DataFrame) -> pd.DataFrame:
    """The overdue items among annotated rows (``status.is_overdue``, whatever the response: the
    ``days_overdue`` ``annotate`` gives), each with who it is held against (``held_by``:
    ``status.accountable``, "; "-joined) and whether its addressee has not even responded
    (``awaiting_response``: ``status.is_awaiting_response``). The worst case first: awaiting a
    response and past the deadline; then the longest overdue; then by id."""
    if annotated.empty:
        return pd.DataFrame(columns=PAST_DEADLINE_COLUMNS)
    frame = annotated[annotated["days_overdue"].notna()].copy()
    if frame.empty:
        return pd.DataFrame(columns=PAST_DEADLINE_COLUMNS)
    frame["awaiting_response"] = _rows_where(frame, status_rules.is_awaiting_response).tolist()
    frame["held_by"] = ["; ".join(status_rules.accountable(kind, split_list(owners), split_list(makers)))
                        for kind, owners, makers in zip(frame["kind"], frame["owners"], frame["makers"])]
    frame = frame.sort_values(["awaiting_response", "days_overdue", "id"], ascending=[False, False, True])
    return frame[PAST_DEADLINE_COLUMNS].reset_index(drop=True)


def past_deadline_table(store: Store, *, today: dt.date, as_of: dt.date | None = None,
                        limit: int = 1000) -> dict:
    """The record's overdue items as of ``as_of`` (None: now), overdue counted to ``today``:
    ``rows``, the first ``limit`` in ``past_deadline``'s order; ``count``, how many in all (the
    Overview's "Overdue" figure: the same SQL condition ``Store.deadline_counts`` counts); and
    ``awaiting``, how many of them await a response. Each row of an item with several addressees
    names the bodies whose own status is still open (``with_bodies_behind``: "4 of 6 bodies").
    Bounded: counted in SQL, only the rows shown are read."""
    overdue = status_rules.sql_overdue(status_rules.sql_is_open(), "deadline_end", ":today")
    awaiting = status_rules.sql_awaiting_response()
    params = {"today": today.isoformat()}
    count, rows = store.items_where(overdue, params, order=f"{awaiting} DESC, deadline_end, id",
                                    limit=limit, as_of=as_of)
    awaiting_count, _ = store.items_where(f"{overdue} AND {awaiting}", params, order="id", limit=0, as_of=as_of)
    return {"rows": with_bodies_behind(past_deadline(frames.annotate(rows, today=today)), store, as_of=as_of),
            "count": count,
            "awaiting": awaiting_count}
