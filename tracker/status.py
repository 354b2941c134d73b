"""What a status means: open or closed, how it is labelled, and its colour on every chart.

Open/closed is derived from the status here and nowhere else; nothing stores it.
"""

from __future__ import annotations

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
