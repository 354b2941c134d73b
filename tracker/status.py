"""What a status means: open or closed, overdue, who an item is held against, how a status is
labelled, and its colour on every chart.

Each rule is written once, here: the Python functions and the SQL fragments the store's queries
use (``sql_is_open``, ``sql_display_status``, ``sql_overdue``, ``sql_awaiting_response``,
``HELD_BY_MAKERS_SQL``) are built
from the same constants, and tests/test_rules.py checks that the two agree on every combination
of kind and status. Nothing stores open/closed.
"""

from __future__ import annotations

import datetime as dt

from .dates import date_label
from .models import ImplementationStatus, ItemKind, LifecycleStatus, ResponseStatus

NOT_YET_ASSESSED = LifecycleStatus.NOT_YET_ASSESSED.value
FINDING_LABEL = "finding (no status)"

#: Lifecycle statuses after which nothing more is expected of a commitment or call.
CLOSED_LIFECYCLE = frozenset(
    {LifecycleStatus.DELIVERED, LifecycleStatus.NOT_DELIVERED, LifecycleStatus.WITHDRAWN}
)
#: Implementation statuses that end a recommendation's life.
CLOSED_IMPLEMENTATION = frozenset(
    {
        ImplementationStatus.IMPLEMENTED,
        ImplementationStatus.NOT_IMPLEMENTED,
        ImplementationStatus.SUPERSEDED,
    }
)
#: A rejected recommendation is closed whatever its implementation field says.
CLOSED_RESPONSE = frozenset({ResponseStatus.REJECTED})
#: Responses that make a recommendation part of the delivery gap while it is not implemented.
ACCEPTING_RESPONSES = frozenset({ResponseStatus.ACCEPTED, ResponseStatus.ACCEPTED_IN_PART})
#: Statuses that claim progress: set beside an independent finding that says otherwise.
PROGRESS_CLAIMS = frozenset(
    {
        LifecycleStatus.IN_PROGRESS.value,
        LifecycleStatus.PARTLY_DELIVERED.value,
        LifecycleStatus.DELIVERED.value,
        ImplementationStatus.IN_PROGRESS.value,
        ImplementationStatus.IMPLEMENTED.value,
    }
)


def display_status(kind: str, status: str | None, response: str | None, implementation: str | None) -> str:
    """The one status word a chart shows for an item.

    Commitments and calls show their lifecycle status; recommendations their implementation
    status (their response is shown beside it); findings show that they carry none.
    """
    if kind == ItemKind.FINDING:
        return FINDING_LABEL
    if kind == ItemKind.RECOMMENDATION:
        return implementation or NOT_YET_ASSESSED
    return status or NOT_YET_ASSESSED


def is_open(kind: str, status: str | None, response: str | None, implementation: str | None) -> bool | None:
    """True while something is still owed; None for findings, which are never open or closed."""
    if kind == ItemKind.FINDING:
        return None
    if kind == ItemKind.RECOMMENDATION:
        return response not in CLOSED_RESPONSE and implementation not in CLOSED_IMPLEMENTATION
    return status not in CLOSED_LIFECYCLE


def response_label(response: str | None) -> str:
    return response or ResponseStatus.AWAITING_RESPONSE.value


#: Kinds whose makers are held to account when no owner is recorded (they promised or called for
#: it); a recommendation or finding with no addressee is held against no one.
HELD_BY_MAKERS = (ItemKind.COMMITMENT.value, ItemKind.CALL.value)


def accountable(kind: str, owners: list[str], makers: list[str]) -> list[str]:
    """Who an item is held against: its owners/addressees; a commitment or call recorded with
    no owner is held against its makers."""
    if owners:
        return list(owners)
    return list(makers) if kind in HELD_BY_MAKERS else []


def addressee_words(kind: str, status: str | None, response: str | None, implementation: str | None) -> str:
    """One addressee's own status in words, for a list of them ("accepted, implemented" for a
    recommendation: its response, then its implementation; the status for the other kinds)."""
    shown = display_status(kind, status, response, implementation)
    return f"{response_label(response)}, {shown}" if kind == ItemKind.RECOMMENDATION else shown


def is_overdue(is_open_now: bool | None, deadline_end: dt.date | None, today: dt.date) -> bool:
    """Open with a deadline whose whole period ended before ``today``, whatever the response:
    a deadline "June 2024" is met on 30 June 2024 and overdue from 1 July."""
    return bool(is_open_now) and deadline_end is not None and deadline_end < today


def is_awaiting_response(kind: str, status: str | None, response: str | None, implementation: str | None) -> bool:
    """An open recommendation whose addressee has not responded on the record (a response of
    ``awaiting response``, or none). Past its deadline, this is the worst case of overdue."""
    return (kind == ItemKind.RECOMMENDATION and response_label(response) == ResponseStatus.AWAITING_RESPONSE.value
            and bool(is_open(kind, status, response, implementation)))


# -- the same rules as SQL (generated from the constants above, never written by hand) ---------


def _sql_list(values) -> str:
    """A SQL list of text literals, in the order given: ``('commitment', 'call')``."""
    return "(" + ", ".join("'" + str(getattr(v, "value", v)).replace("'", "''") + "'" for v in values) + ")"


def _sorted_values(values) -> list[str]:
    return sorted(getattr(v, "value", v) for v in values)


#: ``kind IN HELD_BY_MAKERS_SQL``: the kinds ``accountable`` holds against their makers.
HELD_BY_MAKERS_SQL = _sql_list(HELD_BY_MAKERS)


def sql_is_open(kind: str = "kind", status: str = "status", response: str = "response",
                implementation: str = "implementation") -> str:
    """``is_open`` as a SQL condition over the given column expressions (true, false, or false
    for a finding: a finding is never open)."""
    lifecycle = _sql_list(_sorted_values(CLOSED_LIFECYCLE))
    closed_response = _sql_list(_sorted_values(CLOSED_RESPONSE))
    closed_implementation = _sql_list(_sorted_values(CLOSED_IMPLEMENTATION))
    return (
        f"(({kind} NOT IN ('{ItemKind.FINDING.value}', '{ItemKind.RECOMMENDATION.value}') "
        f"AND ({status} IS NULL OR {status} NOT IN {lifecycle})) "
        f"OR ({kind} = '{ItemKind.RECOMMENDATION.value}' "
        f"AND ({response} IS NULL OR {response} NOT IN {closed_response}) "
        f"AND ({implementation} IS NULL OR {implementation} NOT IN {closed_implementation})))"
    )


def sql_display_status(kind: str = "kind", status: str = "status",
                       implementation: str = "implementation") -> str:
    """``display_status`` as a SQL expression over the given column expressions."""
    return (
        f"(CASE WHEN {kind} = '{ItemKind.FINDING.value}' THEN '{FINDING_LABEL}' "
        f"WHEN {kind} = '{ItemKind.RECOMMENDATION.value}' THEN coalesce({implementation}, '{NOT_YET_ASSESSED}') "
        f"ELSE coalesce({status}, '{NOT_YET_ASSESSED}') END)"
    )


def sql_overdue(open_condition: str, deadline_end: str, today: str) -> str:
    """``is_overdue`` as a SQL condition: ``deadline_end`` and ``today`` are ISO-date
    expressions (text order is date order)."""
    return f"(({open_condition}) AND {deadline_end} IS NOT NULL AND {deadline_end} < {today})"


def sql_awaiting_response(kind: str = "kind", status: str = "status", response: str = "response",
                          implementation: str = "implementation") -> str:
    """``is_awaiting_response`` as a SQL condition over the given column expressions."""
    return (f"({kind} = '{ItemKind.RECOMMENDATION.value}' "
            f"AND coalesce({response}, '') IN ('', '{ResponseStatus.AWAITING_RESPONSE.value}') "
            f"AND {sql_is_open(kind, status, response, implementation)})")


#: Every label display_status can return, in the order charts stack them (worst to best is
#: not implied: the order walks from "nothing known" through "under way" to "ended").
STATUS_ORDER: list[str] = [
    NOT_YET_ASSESSED,
    ImplementationStatus.NOT_STARTED.value,
    LifecycleStatus.IN_PROGRESS.value,
    LifecycleStatus.STALLED.value,
    LifecycleStatus.PARTLY_DELIVERED.value,
    LifecycleStatus.DELIVERED.value,
    ImplementationStatus.IMPLEMENTED.value,
    LifecycleStatus.NOT_DELIVERED.value,
    ImplementationStatus.NOT_IMPLEMENTED.value,
    LifecycleStatus.WITHDRAWN.value,
    ImplementationStatus.SUPERSEDED.value,
    ImplementationStatus.INSUFFICIENT_EVIDENCE.value,
    FINDING_LABEL,
]

#: One colour per status, the same on every chart. Drawn from the Okabe-Ito palette, which
#: stays distinguishable under the common forms of colour blindness; charts also print the
#: status as text, so colour is never the only cue.
STATUS_COLOURS: dict[str, str] = {
    NOT_YET_ASSESSED: "#BBBBBB",
    ImplementationStatus.NOT_STARTED.value: "#999999",
    LifecycleStatus.IN_PROGRESS.value: "#56B4E9",
    LifecycleStatus.STALLED.value: "#E69F00",
    LifecycleStatus.PARTLY_DELIVERED.value: "#F0E442",
    LifecycleStatus.DELIVERED.value: "#009E73",
    ImplementationStatus.IMPLEMENTED.value: "#009E73",
    LifecycleStatus.NOT_DELIVERED.value: "#D55E00",
    ImplementationStatus.NOT_IMPLEMENTED.value: "#D55E00",
    LifecycleStatus.WITHDRAWN.value: "#CC79A7",
    ImplementationStatus.SUPERSEDED.value: "#CC79A7",
    ImplementationStatus.INSUFFICIENT_EVIDENCE.value: "#777777",
    FINDING_LABEL: "#0072B2",
}

RESPONSE_COLOURS: dict[str, str] = {
    ResponseStatus.AWAITING_RESPONSE.value: "#BBBBBB",
    ResponseStatus.ACCEPTED.value: "#009E73",
    ResponseStatus.ACCEPTED_IN_PART.value: "#F0E442",
    ResponseStatus.NOTED.value: "#56B4E9",
    ResponseStatus.REJECTED.value: "#D55E00",
}


def statuses_for_kind(kind: str) -> dict[str, list[str]]:
    """The vocabularies a form offers for an item of ``kind``."""
    if kind == ItemKind.RECOMMENDATION:
        return {
            "response": [s.value for s in ResponseStatus],
            "implementation": [s.value for s in ImplementationStatus],
        }
    if kind == ItemKind.FINDING:
        return {}
    return {"status": [s.value for s in LifecycleStatus]}


# -- a status per addressee (issue 13): the item's status rolled up from its bodies' ----------
#
# Each addressee of a recommendation (each owner of a commitment or call) has its own status.
# The item's status is the status of the body furthest behind: an open body is behind every
# closed one; among open (or among closed) bodies, the order below, earliest = furthest behind.
# So an item is open while any body is, and is "implemented" ("delivered") only when all are.
# An item with one addressee, or whose every assessment covers all of them, reads as before.

#: Lifecycle statuses, furthest behind first (None, never assessed, comes before all).
LIFECYCLE_ROLLUP = (
    LifecycleStatus.NOT_YET_ASSESSED, LifecycleStatus.STALLED, LifecycleStatus.IN_PROGRESS,
    LifecycleStatus.PARTLY_DELIVERED, LifecycleStatus.NOT_DELIVERED, LifecycleStatus.WITHDRAWN,
    LifecycleStatus.DELIVERED,
)
#: Implementation statuses, furthest behind first.
IMPLEMENTATION_ROLLUP = (
    ImplementationStatus.NOT_STARTED, ImplementationStatus.INSUFFICIENT_EVIDENCE,
    ImplementationStatus.IN_PROGRESS, ImplementationStatus.NOT_IMPLEMENTED,
    ImplementationStatus.SUPERSEDED, ImplementationStatus.IMPLEMENTED,
)
#: Responses, furthest behind first.
RESPONSE_ROLLUP = (
    ResponseStatus.AWAITING_RESPONSE, ResponseStatus.REJECTED, ResponseStatus.NOTED,
    ResponseStatus.ACCEPTED_IN_PART, ResponseStatus.ACCEPTED,
)
#: A body counts as done ("2 of 6 implemented") with one of these.
DONE_STATUSES = frozenset({ImplementationStatus.IMPLEMENTED.value, LifecycleStatus.DELIVERED.value})

_CLOSED_WEIGHT, _LIFECYCLE_WEIGHT, _IMPLEMENTATION_WEIGHT, _RESPONSE_WEIGHT = 10000, 100, 10, 1


def _position(order, value: str | None) -> int:
    values = [getattr(v, "value", v) for v in order]
    return values.index(value) + 1 if value in values else 0


def rollup_rank(kind: str, status: str | None, response: str | None, implementation: str | None) -> int:
    """How far along one body is: the lowest rank is the body the item's status is taken from."""
    closed = not is_open(kind, status, response, implementation)
    return (_CLOSED_WEIGHT * closed + _LIFECYCLE_WEIGHT * _position(LIFECYCLE_ROLLUP, status)
            + _IMPLEMENTATION_WEIGHT * _position(IMPLEMENTATION_ROLLUP, implementation)
            + _RESPONSE_WEIGHT * _position(RESPONSE_ROLLUP, response))


def rollup(kind: str, states: list[tuple[str | None, str | None, str | None]]) -> tuple:
    """The item's (status, response, implementation) from its bodies' (the one furthest
    behind; ties are identical states). ``states`` is not empty."""
    return min(states, key=lambda s: rollup_rank(kind, *s))


def is_done(status: str | None, implementation: str | None) -> bool:
    """A body that has done what was asked: implemented, or delivered."""
    return (implementation or status) in DONE_STATUSES


def done_label(kind: str, done: int, total: int) -> str:
    """"2 of 6 implemented" / "1 of 3 delivered"."""
    word = ImplementationStatus.IMPLEMENTED.value if kind == ItemKind.RECOMMENDATION else LifecycleStatus.DELIVERED.value
    return f"{done} of {total} {word}"


#: Under the "By addressee" count on an item page (the dashboard's and the edition's).
ROLLUP_NOTE = "The item's status above is that of the body furthest behind: it is open while any body's is."


def addressee_table(kind: str, bodies: list[dict]) -> dict | None:
    """An item page's "By addressee" table, the same on the dashboard and in the published
    edition: ``summary`` ("2 of 6 implemented"), ``columns`` and one row of text per body, from
    ``Reads.addressee_statuses`` rows (``bodies``). None where the page shows no such table: a
    finding, or an item with fewer than two addressees (its status above is its one body's)."""
    if kind == ItemKind.FINDING or len(bodies) < 2:
        return None
    fields = ("response", "implementation") if kind == ItemKind.RECOMMENDATION else ("status",)
    rows = [[body["name"],
             *(response_label(body[field]) if field == "response" else body[field] or NOT_YET_ASSESSED
               for field in fields),
             date_label(body["last_assessed_on"], body["last_assessed_precision"] or "day"),
             body["last_evidence"] or "no assessment yet"]
            for body in bodies]
    return {"summary": done_label(kind, sum(bool(body["is_done"]) for body in bodies), len(bodies)),
            "columns": ["Body", *(field.capitalize() for field in fields), "Evidence dated", "Evidence"],
            "rows": rows}


def _sql_position(order, column: str) -> str:
    arms = " ".join(f"WHEN '{getattr(v, 'value', v)}' THEN {n}" for n, v in enumerate(order, start=1))
    return f"(CASE {column} {arms} ELSE 0 END)"


def sql_rollup_rank(kind: str = "kind", status: str = "status", response: str = "response",
                    implementation: str = "implementation") -> str:
    """``rollup_rank`` as a SQL expression over the given column expressions."""
    return (
        f"((CASE WHEN {sql_is_open(kind, status, response, implementation)} THEN 0 ELSE {_CLOSED_WEIGHT} END)"
        f" + {_LIFECYCLE_WEIGHT} * {_sql_position(LIFECYCLE_ROLLUP, status)}"
        f" + {_IMPLEMENTATION_WEIGHT} * {_sql_position(IMPLEMENTATION_ROLLUP, implementation)}"
        f" + {_RESPONSE_WEIGHT} * {_sql_position(RESPONSE_ROLLUP, response)})"
    )


def sql_is_done(status: str = "status", implementation: str = "implementation") -> str:
    """``is_done`` as a SQL condition."""
    return f"(coalesce({implementation}, {status}) IN {_sql_list(_sorted_values(DONE_STATUSES))})"
