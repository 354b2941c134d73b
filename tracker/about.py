"""What the About page says: who keeps the record, how to report an error, the data's licence
(all configurable), what every status means and how items are chosen and quoted.

The status vocabularies are read from the enums in ``tracker.models`` and their open/closed
meaning from ``tracker.status``, so the page cannot drift from the code: a status added to an
enum without a meaning here fails ``tests/test_about.py``. Plain text only; the dashboard and
the published edition lay it out.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

from .bootstrap import SEED_USER
from .models import ImplementationStatus, ItemKind, LifecycleStatus, LinkKind, ResponseStatus
from .status import CLOSED_IMPLEMENTATION, CLOSED_LIFECYCLE, CLOSED_RESPONSE

DEFAULT_NAME = "Policy tracker"
DEFAULT_SITE_URL = "http://localhost:8501"
DEFAULT_LICENCE = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
DEFAULT_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class SiteSettings:
    """Who publishes the record and where (environment variables in brackets).

    ``name`` (TRACKER_SITE_NAME), ``site_url`` (TRACKER_SITE_URL: the address readers use, for
    chart credits, downloads and the feed; unset, the address the reader used: ``site_settings``),
    ``keeper`` (TRACKER_KEEPER: who keeps the record),
    ``contact`` (TRACKER_CONTACT: an e-mail address or web page for reporting an error),
    ``licence`` and ``licence_url`` (TRACKER_LICENCE, TRACKER_LICENCE_URL: the data's licence).
    """

    name: str = DEFAULT_NAME
    site_url: str = DEFAULT_SITE_URL
    keeper: str | None = None
    contact: str | None = None
    licence: str = DEFAULT_LICENCE
    licence_url: str | None = DEFAULT_LICENCE_URL

    @property
    def contact_link(self) -> str | None:
        """``contact`` as a link target: mailto: for an address, the web page as given, else None."""
        if not self.contact:
            return None
        if self.contact.lower().startswith(("http://", "https://")):
            return self.contact
        if "@" in self.contact and " " not in self.contact:
            return f"mailto:{self.contact}"
        return None

    def page_url(self, path: str = "", **query: str) -> str:
        """The public address of a page: ``page_url("item", id="x")`` -> ``<site>/item?id=x``."""
        from urllib.parse import urlencode

        url = f"{self.site_url.rstrip('/')}/{path.lstrip('/')}"
        return f"{url}?{urlencode(query)}" if query else url


def _web_address(text: str | None) -> str | None:
    """``text`` if it is an http(s) address: a typo must not put a javascript: or relative link
    in the feed."""
    return text if text and text.lower().startswith(("http://", "https://")) else None


def site_settings(env: Mapping[str, str] | None = None, *, reader_url: str | None = None) -> SiteSettings:
    """The settings from the environment (``os.environ`` unless given); blank values are unset.

    The site's address is TRACKER_SITE_URL when it is set (a public address behind a proxy
    wins); otherwise ``reader_url``, the address the reader actually used (the dashboard passes
    the one in the reader's browser); otherwise, with no reader at all (the CLI's feed),
    ``DEFAULT_SITE_URL``."""
    env = os.environ if env is None else env

    def value(name: str) -> str | None:
        text = (env.get(name) or "").strip()
        return text or None

    url = _web_address(value("TRACKER_SITE_URL")) or _web_address(reader_url) or DEFAULT_SITE_URL
    licence = value("TRACKER_LICENCE")
    return SiteSettings(
        name=value("TRACKER_SITE_NAME") or DEFAULT_NAME,
        site_url=url.rstrip("/"),
        keeper=value("TRACKER_KEEPER"),
        contact=value("TRACKER_CONTACT"),
        licence=licence or DEFAULT_LICENCE,
        # A licence named without its own address gets none, rather than CC BY's by mistake.
        licence_url=value("TRACKER_LICENCE_URL") or (None if licence else DEFAULT_LICENCE_URL),
    )


# -- the vocabularies -----------------------------------------------------------------------

ITEM_KIND_MEANINGS = {
    ItemKind.COMMITMENT: "An actor says it will do something: a pledge or an announced action.",
    ItemKind.RECOMMENDATION: "A body tells an addressee what it should do. Each recommendation "
                             "has a response from its addressee and, separately, an implementation status.",
    ItemKind.FINDING: "An independent observation of how things stand. Findings are evidence, "
                      "not promises: they carry no status and are never open or overdue.",
    ItemKind.CALL: "A demand that someone act or honour a promise, made by MPs, campaigners or inspectors.",
}

LIFECYCLE_MEANINGS = {
    LifecycleStatus.NOT_YET_ASSESSED: "Nobody has yet researched what became of it. This is not "
                                      "the same as no action.",
    LifecycleStatus.IN_PROGRESS: "Dated evidence shows work under way, with the outcome not yet delivered.",
    LifecycleStatus.STALLED: "Work started but the evidence shows no progress for a significant time.",
    LifecycleStatus.PARTLY_DELIVERED: "Some of what was promised has been delivered, not all of it.",
    LifecycleStatus.DELIVERED: "The outcome promised has been delivered, on the evidence cited.",
    LifecycleStatus.NOT_DELIVERED: "The time for it has passed, or it was abandoned, without delivery.",
    LifecycleStatus.WITHDRAWN: "The actor withdrew the commitment or call on the record.",
}

RESPONSE_MEANINGS = {
    ResponseStatus.AWAITING_RESPONSE: "The addressee has not responded on the record.",
    ResponseStatus.ACCEPTED: "The addressee accepted the recommendation in full.",
    ResponseStatus.ACCEPTED_IN_PART: "The addressee accepted some of it.",
    ResponseStatus.NOTED: "The addressee acknowledged it without accepting or rejecting it.",
    ResponseStatus.REJECTED: "The addressee rejected it; a rejected recommendation is closed.",
}

IMPLEMENTATION_MEANINGS = {
    ImplementationStatus.NOT_STARTED: "No work on it is recorded yet.",
    ImplementationStatus.IN_PROGRESS: "Dated evidence shows work under way.",
    ImplementationStatus.IMPLEMENTED: "It has been implemented, on the evidence cited.",
    ImplementationStatus.NOT_IMPLEMENTED: "It was not implemented and is no longer expected to be.",
    ImplementationStatus.SUPERSEDED: "A later recommendation or decision replaced it.",
    ImplementationStatus.INSUFFICIENT_EVIDENCE: "The public evidence does not allow a judgement either way.",
}

LINK_MEANINGS = {
    LinkKind.RESPONDS_TO: "a commitment answering a recommendation or a call",
    LinkKind.REPEATS: "the same ask or promise made again, later",
    LinkKind.EVIDENCE_FOR: "a finding that supports a claimed delivery",
    LinkKind.CONTRADICTS: "a finding that undercuts a claimed delivery or promise",
    LinkKind.SUPERSEDES: "a later item that replaces an earlier one",
}


@dataclass(frozen=True)
class Term:
    name: str
    meaning: str
    state: str = ""  # "open", "closed", or "" where open/closed does not apply


@dataclass(frozen=True)
class Vocabulary:
    title: str
    applies_to: str
    terms: tuple[Term, ...]


def _terms(meanings: Mapping, enum, closed=frozenset(), states: bool = True) -> tuple[Term, ...]:
    """One term per member of ``enum``, in its order; a member with no meaning raises KeyError."""
    return tuple(Term(member.value, meanings[member],
                      ("closed" if member in closed else "open") if states else "")
                 for member in enum)


def vocabularies() -> list[Vocabulary]:
    """Every vocabulary a reader meets, with each term's meaning and whether it leaves an item
    open or closed, in the order of the enums the code uses."""
    return [
        Vocabulary("Kinds of item", "every item", _terms(ITEM_KIND_MEANINGS, ItemKind, states=False)),
        Vocabulary("Status of commitments and calls",
                   "commitments and calls: judged on outcomes, not intentions",
                   _terms(LIFECYCLE_MEANINGS, LifecycleStatus, CLOSED_LIFECYCLE)),
        Vocabulary("Response to a recommendation", "recommendations: what the addressee said",
                   _terms(RESPONSE_MEANINGS, ResponseStatus, CLOSED_RESPONSE)),
        Vocabulary("Implementation of a recommendation",
                   "recommendations: what was done, separately from the response, because "
                   "accepting is not implementing",
                   _terms(IMPLEMENTATION_MEANINGS, ImplementationStatus, CLOSED_IMPLEMENTATION)),
        Vocabulary("Links between items", "read as “item A <link> item B”",
                   _terms(LINK_MEANINGS, LinkKind, states=False)),
    ]


# -- how the record is made ---------------------------------------------------------------

#: The methodology, section by section: (heading, paragraphs). Plain text.
METHOD: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("How items are chosen", (
        "An item is one trackable statement in a public document: a commitment, a "
        "recommendation, a finding or a call. Staff add the documents the tracker covers "
        "(government papers, inspection reports, answers in Parliament, news reports of them) "
        "and record the statements in them, each attributed to the actor who made it.",
        "Contested figures are recorded as each source states them, with the source's own "
        "caveats, never merged into one figure.",
    )),
    ("How items are quoted", (
        "Every item carries a short verbatim quote from its source document, so a reader can "
        "check it against the original. Where a report is known only through an article, the "
        "item quotes the article and names the report it was first made in.",
        "Titles are neutral one-line summaries that say who said or found what.",
    )),
    ("How a status is judged", (
        "A status is an assessment with a date and the evidence behind it: a text, a link and "
        "the document it comes from where there is one. Statuses are judged on outcomes, not "
        "intentions. The current status is the latest assessment by the date its evidence "
        "refers to; whether an item is open or closed follows from its status.",
        "The history is append-only: an assessment is never edited or deleted. A later "
        "assessment supersedes it, and both stay visible on the item's page.",
    )),
    ("How current the record is", (
        "Every page opens with the day staff last changed the record and the date of its newest "
        "evidence. A status is only as current as the evidence it cites: an item assessed in 2023 "
        "and not since is shown as it stood in 2023, whatever today's date.",
    )),
    ("Dates and deadlines", (
        "Sources often give only a month or a year. Such dates are shown as given (\u201cApril "
        "2023\u201d, \u201c2022\u201d); a deadline of a month or a year counts as passed only "
        "once the whole period has ended. When a deadline moves, the earlier one is kept, so "
        "slippage shows.",
        "Every page can be read as the record stood on a past date: statuses, deadlines and gaps "
        "are recomputed from the dated history.",
    )),
)


def licence_line(settings: SiteSettings) -> str:
    """One sentence naming the data's licence (plain text)."""
    return (f"The record (its items, statuses and evidence notes) is published under {settings.licence}. "
            "Quotes remain the words of the documents they come from.")


def keeper_line(settings: SiteSettings) -> str:
    """Who keeps the record, in one sentence (plain text)."""
    if settings.keeper:
        return f"The record is kept by {settings.keeper}."
    return "The publisher of this tracker has not named who keeps the record."


def report_error_line(settings: SiteSettings) -> str:
    """How to report an error (plain text; ``settings.contact_link`` for the link)."""
    if settings.contact:
        return (f"To report an error, write to {settings.contact} with the item's address (its "
                "permalink) and the source that shows the error. Corrections are recorded as new "
                "dated entries, and appear on the What changed page.")
    return ("The publisher of this tracker has not published a contact for corrections yet. "
            "Corrections are recorded as new dated entries, and appear on the What changed page.")


def recorder_words(roles: Mapping[str, str], username: str | None) -> str:
    """Who recorded something, as public pages say it: "the tracker's first dataset" for the
    seed loader, else the account's role ("a tracker editor"), or "the tracker's staff"; never
    the username, which is half of what signs in (``roles``: ``Store.staff_roles()``)."""
    if username == SEED_USER:
        return "the tracker's first dataset"
    role = roles.get(username or "")
    return f"a tracker {role}" if role else "the tracker's staff"
