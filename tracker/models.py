"""The domain model: one pydantic model family per entity.

These models are the single source of validation. The CLI, the importer, the seed loader, the
dashboard's forms and the store all build these models from what they receive, so a rule written
here holds everywhere.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_serializer,
    model_validator,
)

# ---------------------------------------------------------------------------
# Vocabularies (../shared/DOMAIN.md)
# ---------------------------------------------------------------------------


class ItemKind(StrEnum):
    COMMITMENT = "commitment"
    RECOMMENDATION = "recommendation"
    FINDING = "finding"
    CALL = "call"


class LifecycleStatus(StrEnum):
    """Status of a commitment or a call, judged on outcomes, not intentions."""

    NOT_YET_ASSESSED = "not yet assessed"
    IN_PROGRESS = "in progress"
    STALLED = "stalled"
    PARTLY_DELIVERED = "partly delivered"
    DELIVERED = "delivered"
    NOT_DELIVERED = "not delivered"
    WITHDRAWN = "withdrawn"


class ResponseStatus(StrEnum):
    """The addressee's response to a recommendation."""

    AWAITING_RESPONSE = "awaiting response"
    ACCEPTED = "accepted"
    ACCEPTED_IN_PART = "accepted in part"
    NOTED = "noted"
    REJECTED = "rejected"


class ImplementationStatus(StrEnum):
    """How far a recommendation has been implemented (separate from accepting it)."""

    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    IMPLEMENTED = "implemented"
    NOT_IMPLEMENTED = "not implemented"
    SUPERSEDED = "superseded"
    INSUFFICIENT_EVIDENCE = "insufficient evidence"


class DocumentKind(StrEnum):
    GOVERNMENT_PAPER = "government paper"
    INSPECTION_REPORT = "inspection report"
    INQUIRY_REPORT = "inquiry report"
    INDEPENDENT_REVIEW = "independent review"
    PROGRESS_REPORT = "progress report"
    GOVERNMENT_RESPONSE = "government response"
    NEWS_ARTICLE = "news article"
    PARLIAMENTARY_ANSWER = "parliamentary answer"
    LEGISLATION = "legislation"
    STRATEGY = "strategy"
    PRESS_RELEASE = "press release"
    STATEMENT = "statement"
    OTHER = "other"


class ActorKind(StrEnum):
    GOVERNMENT_DEPARTMENT = "government department"
    OFFICE_HOLDER = "office holder"
    INSPECTORATE = "inspectorate"
    POLICE_BODY = "police body"
    PROSECUTION_SERVICE = "prosecution service"
    PARLIAMENTARIAN = "parliamentarian"
    LOCAL_AUTHORITY = "local authority"
    CAMPAIGN_GROUP = "campaign group"
    OTHER = "other"


class LinkKind(StrEnum):
    """How one item bears on another; read as "<source> <kind> <target>"."""

    RESPONDS_TO = "responds to"
    REPEATS = "repeats"
    EVIDENCE_FOR = "evidence for"
    CONTRADICTS = "contradicts"
    SUPERSEDES = "supersedes"


class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Role(StrEnum):
    EDITOR = "editor"
    ADMIN = "admin"


# ---------------------------------------------------------------------------
# Field types
# ---------------------------------------------------------------------------

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
Slug = Annotated[
    str,
    Field(pattern=SLUG_PATTERN, description="lower-case letters, digits and hyphens"),
]

#: C0 and C1 controls but tab and line breaks, and Unicode's bidi embeddings, overrides and
#: isolates (text that reads one way and displays another: issue 11). Left- and right-to-left
#: marks (U+200E, U+200F) stay: quotes in Arabic or Hebrew need them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: One-line text (names, titles) takes no tab or line break either.
_LINE_CONTROL = re.compile("[\t\n\r\u2028\u2029]")


def _clean_text(value: str) -> str:
    """Strip surrounding space and refuse control and bidi-override characters."""
    if _CONTROL.search(value):
        raise ValueError("contains control characters")
    return value.strip()


def _clean_line(value: str) -> str:
    value = _clean_text(value)
    if _LINE_CONTROL.search(value):
        raise ValueError("must be one line, without tabs or line breaks")
    return value


def _text(max_length: int, min_length: int = 1, *, one_line: bool = False):
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_clean_line if one_line else _clean_text),
    ]


ShortText = _text(200, one_line=True)
#: An item's reference within its document ("Recommendation 4", "R4", "para 3.2"): one line.
Reference = _text(60, one_line=True)
Quote = _text(2000)
LongText = _text(5000)
ThemeName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=2, max_length=60),
    AfterValidator(_clean_text),
]


def _check_web_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http:// or https:// address")
    if any(ch.isspace() for ch in value) or _CONTROL.search(value):
        raise ValueError("must not contain spaces or control characters")
    return value


WebUrl = Annotated[str, AfterValidator(_check_web_url), Field(max_length=2000)]


def web_url(url: object) -> str | None:
    """``url`` if it is an http(s) address with a host, else None (javascript:, data:, relative
    and malformed addresses are never linked). The one rule for what pages may link to, in the
    dashboard (``dashboard.safe_text``) and the published edition alike."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    # printable and no space: no whitespace or control character (the quick test; else each one)
    if not candidate or (not (candidate.isprintable() and " " not in candidate)
                         and any(ch.isspace() or ord(ch) < 32 for ch in candidate)):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def _empty_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def Optional(tp):  # noqa: N802 - reads like a type
    """An optional field where an empty string (a blank form field or CSV cell) means None."""
    return Annotated[tp | None, BeforeValidator(_empty_to_none)]


def _check_not_future(value: dt.date) -> dt.date:
    if value > dt.date.today():
        raise ValueError(f"{value.isoformat()} is in the future")
    return value


PastDate = Annotated[dt.date, AfterValidator(_check_not_future)]


#: What joins the ids of a stored list (an item's makers, owners, themes): "a; b".
LIST_SEPARATOR = "; "


def split_list(text: str | None) -> list[str]:
    """The ids of a stored "; "-joined list (makers, owners, themes); [] for None or ""."""
    return [part for part in (text or "").split(LIST_SEPARATOR) if part]


def _split_list(value: Any) -> Any:
    """Accept "a; b" (a CSV cell or form text) as well as a list."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


SlugList = Annotated[list[Slug], BeforeValidator(_split_list)]
ThemeList = Annotated[list[ThemeName], BeforeValidator(_split_list)]


class PartialDate(BaseModel):
    """A date known to a day, a month or a year ("15 December 2020", "April 2023", "2022").

    Written and read as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; ``start`` is the first day
    of the period, which is what sorting and "as of" comparisons use.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: dt.date
    precision: DatePrecision

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            # Through the text parser, so a date object meets the same year range as text
            # (else a form could store a date that the export can no longer import).
            return cls._parse_text(value.isoformat())
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            return cls._parse_text(value.strip())
        return value

    @staticmethod
    def _parse_text(text: str) -> dict:
        match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
        if not match:
            raise ValueError(f"{text!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")
        year, month, day = match.groups()
        y = int(year)
        if y < 1900 or y > 2200:
            raise ValueError(f"{text!r}: year {y} is out of range")
        if month is None:
            return {"start": dt.date(y, 1, 1), "precision": DatePrecision.YEAR}
        m = int(month)
        if not 1 <= m <= 12:
            raise ValueError(f"{text!r}: month {m} does not exist")
        if day is None:
            return {"start": dt.date(y, m, 1), "precision": DatePrecision.MONTH}
        d = int(day)
        if not 1 <= d <= calendar.monthrange(y, m)[1]:
            raise ValueError(f"{text!r}: day {d} does not exist in that month")
        return {"start": dt.date(y, m, d), "precision": DatePrecision.DAY}

    @model_serializer
    def _serialize(self) -> str:
        return self.iso()

    def iso(self) -> str:
        if self.precision == DatePrecision.YEAR:
            return f"{self.start.year:04d}"
        if self.precision == DatePrecision.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    def label(self) -> str:
        """How a reader sees it: "15 December 2020", "April 2023", "2022"."""
        if self.precision == DatePrecision.YEAR:
            return str(self.start.year)
        if self.precision == DatePrecision.MONTH:
            return self.start.strftime("%B %Y")
        return f"{self.start.day} {self.start.strftime('%B %Y')}"

    @property
    def end(self) -> dt.date:
        """The last day of the period, used for "is this deadline past?"."""
        if self.precision == DatePrecision.YEAR:
            return dt.date(self.start.year, 12, 31)
        if self.precision == DatePrecision.MONTH:
            last = calendar.monthrange(self.start.year, self.start.month)[1]
            return dt.date(self.start.year, self.start.month, last)
        return self.start

    def __str__(self) -> str:
        return self.iso()


def _check_partial_not_future(value: PartialDate) -> PartialDate:
    if value.start > dt.date.today():
        raise ValueError(f"{value.iso()} is in the future")
    return value


PastPartialDate = Annotated[PartialDate, AfterValidator(_check_partial_not_future)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, use_enum_values=False)


# ---------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------


class Actor(Model):
    """An organisation or office holder that makes, receives or is judged on items."""

    id: Slug
    name: ShortText
    kind: ActorKind = ActorKind.OTHER
    description: Optional(LongText) = None


class Document(Model):
    """A source: where items are found, or the report an article describes."""

    id: Slug
    title: ShortText
    publisher: ShortText
    kind: DocumentKind
    published: PastPartialDate
    url: Optional(WebUrl) = None
    reported_in: Optional(Slug) = Field(
        default=None, description="the document whose text reports this one, if we only have that"
    )
    text_file: Optional(Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,120}$")]) = Field(
        default=None, description="file name of the source text (for verbatim quote checks)"
    )
    responds_to: Optional(Slug) = Field(
        default=None, description="the document this one answers (a government response to a report)")
    follows_up: Optional(Slug) = Field(
        default=None, description="the document whose progress this one reports on (a progress report)")

    @model_validator(mode="after")
    def _answers_another(self) -> "Document":
        for field in ("responds_to", "follows_up", "reported_in"):
            if getattr(self, field) == self.id:
                raise ValueError(f"{field}: a document cannot answer or report itself")
        return self


class ItemFields(Model):
    """What staff write about an item; the id, version and status live elsewhere."""

    kind: ItemKind
    title: ShortText = Field(description="a neutral one-line summary, attributed")
    quote: Quote = Field(description="a short verbatim quote from the document")
    document_id: Slug = Field(description="the document the quote comes from")
    origin_document_id: Optional(Slug) = Field(
        default=None, description="the document the statement was first made in, if different"
    )
    makers: SlugList = Field(min_length=1, max_length=20)
    owners: SlugList = Field(default_factory=list, max_length=20)
    themes: ThemeList = Field(default_factory=list, max_length=20)
    made: PastPartialDate
    deadline: Optional(PartialDate) = None
    done_when: Optional(LongText) = Field(default=None, description="what would count as done")
    reference: Optional(Reference) = Field(
        default=None, description='where the item is in its document: "Recommendation 4", "R4", "para 12"')

    @model_validator(mode="after")
    def _owners_required(self) -> "ItemFields":
        if self.kind == ItemKind.RECOMMENDATION and not self.owners:
            raise ValueError("a recommendation needs at least one addressee in owners")
        if self.kind == ItemKind.FINDING and self.deadline is not None:
            raise ValueError("a finding carries no deadline")
        if self.deadline is not None and self.deadline.end < self.made.start:
            raise ValueError(f"the deadline ({self.deadline.label()}) ends before the item was made "
                             f"({self.made.label()})")
        for name in ("makers", "owners", "themes"):
            values = getattr(self, name)
            if len(set(values)) != len(values):
                raise ValueError(f"{name} lists the same value twice")
        return self


class ItemIn(ItemFields):
    """A new item as staff, a seed file or an import supplies it."""

    id: Slug


class Assessment(Model):
    """One dated status judgement with the evidence behind it.

    Commitments and calls carry ``status``; recommendations carry ``response`` and
    ``implementation``; findings carry no status and take no assessment.
    """

    status: Optional(LifecycleStatus) = None
    response: Optional(ResponseStatus) = None
    implementation: Optional(ImplementationStatus) = None
    evidence: LongText
    evidence_url: Optional(WebUrl) = None
    evidence_document_id: Optional(Slug) = None
    assessed_on: PastDate = Field(description="the date the evidence refers to")
    assessed_on_precision: DatePrecision = Field(
        default=DatePrecision.DAY,
        description="how much of that date is known; for a month or a year, assessed_on is its first day",
    )
    # -- a status per addressee (issue 13) --
    addressees: SlugList = Field(
        default_factory=list, max_length=20,
        description="the addressees (owners) this assessment is about; none: all of them",
    )

    @field_validator("addressees", mode="before")
    @classmethod
    def _none_is_all(cls, value: Any) -> Any:
        return [] if value is None else value

    @model_serializer(mode="wrap")
    def _omit_all_addressees(self, handler):
        """An assessment of all addressees is written as before (no ``addressees`` key), so files
        and audit entries of such assessments read exactly as they did before issue 13."""
        data = handler(self)
        if isinstance(data, dict) and not data.get("addressees"):
            data.pop("addressees", None)
        return data

    @model_validator(mode="before")
    @classmethod
    def _partial_assessed_on(cls, value: Any) -> Any:
        """"2024-03" or "2024" (a progress report dated to a month or a year) is read as its
        first day with that precision; a full date keeps the precision given (day by default)."""
        if isinstance(value, dict) and isinstance(value.get("assessed_on"), str):
            text = value["assessed_on"].strip()
            if re.fullmatch(r"\d{4}(-\d{2})?", text):
                when = PartialDate.model_validate(text)
                value = {**value, "assessed_on": when.start, "assessed_on_precision": when.precision}
        return value

    @model_validator(mode="after")
    def _some_status(self) -> "Assessment":
        # Stored as the first day of its period, whatever day was given.
        if self.assessed_on_precision == DatePrecision.MONTH:
            object.__setattr__(self, "assessed_on", self.assessed_on.replace(day=1))
        elif self.assessed_on_precision == DatePrecision.YEAR:
            object.__setattr__(self, "assessed_on", self.assessed_on.replace(month=1, day=1))
        if self.status is None and self.response is None and self.implementation is None:
            raise ValueError("give a status (or a response and implementation status)")
        if len(set(self.addressees)) != len(self.addressees):
            raise ValueError("addressees lists the same body twice")
        if self.status is not None and (self.response or self.implementation):
            raise ValueError(
                "status is for commitments and calls; response and implementation are for "
                "recommendations: give one or the other"
            )
        return self

    @property
    def period(self) -> PartialDate:
        """The date the evidence refers to, with its precision ("July 2025")."""
        return PartialDate(start=self.assessed_on, precision=self.assessed_on_precision)

    def check_made(self, made: PartialDate) -> None:
        """Raise ValueError when the evidence is dated before the item was made (issue 13)."""
        problem = assessment_before_made_problem(self.period, made)
        if problem:
            raise ValueError(problem)

    def check_kind(self, kind: ItemKind) -> None:
        """Raise ValueError when this assessment uses the wrong vocabulary for ``kind``."""
        if kind == ItemKind.FINDING:
            raise ValueError("findings carry no status: link them to the items they bear on")
        if kind == ItemKind.RECOMMENDATION:
            if self.status is not None:
                raise ValueError(
                    f"'{self.status}' is a commitment status: a recommendation takes a "
                    "response and an implementation status"
                )
            if self.response is None or self.implementation is None:
                raise ValueError("a recommendation needs both a response and an implementation status")
        elif self.status is None:
            raise ValueError(f"a {kind} takes a status such as 'in progress' or 'delivered'")


def assessment_before_made_problem(evidence: PartialDate, made: PartialDate) -> str | None:
    """Why an assessment dated ``evidence`` cannot be recorded for an item made ``made``: its
    whole period ends before the item's starts (the one rule, for forms, imports, the CLI and
    the store); None when it can."""
    if evidence.end < made.start:
        return (f"assessed_on: the evidence is dated {evidence.label()}, before the item was made "
                f"({made.label()}); an assessment cannot refer to a time before its item existed")
    return None


class Correction(Model):
    """Why an assessment is marked as mistaken (issue 13): it stays in the history, struck
    through with this reason, and no longer counts for any status or figure."""

    reason: LongText


class CorrectionRecord(Correction):
    """A correction as the exchange format carries it under its history entry; who made it and
    when default to the importer and now (as ``HistoryEntry.recorded_by`` does)."""

    corrected_by: Optional(ShortText) = None
    corrected_at: dt.datetime | None = None


class StatusUpdate(Model):
    """One item's change in a bulk status update: the assessment to record and the version of
    the item it was decided on (the update is refused if the item has moved on since).

    Today an item has one status. When items get a status per addressee, an optional
    ``addressee`` field here will name whose status this is (None: the item's own), so callers
    of ``Store.record_assessments`` keep working.
    """

    item_id: Slug
    expected_version: Annotated[int, Field(strict=True, ge=1)]
    assessment: Assessment


class RecordedAssessment(Assessment):
    """An assessment as stored: who recorded it and when (the history is append-only)."""

    id: int | None = None
    recorded_by: ShortText
    recorded_at: dt.datetime


class Link(Model):
    """"<source_id> <kind> <target_id>", e.g. a commitment that responds to a recommendation."""

    source_id: Slug
    kind: LinkKind
    target_id: Slug
    note: Optional(LongText) = None

    @model_validator(mode="after")
    def _not_self(self) -> "Link":
        if self.source_id == self.target_id:
            raise ValueError("an item cannot link to itself")
        return self


class DeadlineRevision(Model):
    """A deadline set or moved; earlier ones are kept so slippage shows."""

    deadline: Optional(PartialDate) = None
    reason: LongText
    revised_on: PastDate
    recorded_by: ShortText = "system"
    recorded_at: dt.datetime | None = None


USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,39}$"


class UserIn(Model):
    """A staff account (viewers need none)."""

    username: Annotated[str, Field(pattern=USERNAME_PATTERN)]
    display_name: ShortText
    email: Optional(Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)]) = None
    role: Role = Role.EDITOR

    @field_validator("username")
    @classmethod
    def _not_the_seed_loader(cls, value: str) -> str:
        # The seed loader records under this name (tracker.store.SEED_RECORDER) and public pages
        # show its history as the tracker's first dataset: no account may take it.
        if value == "seed":
            raise ValueError("'seed' is kept for the tracker's first dataset: choose another username")
        return value

    @field_validator("email")
    @classmethod
    def _lower_email(cls, value: str | None) -> str | None:
        if value and _CONTROL.search(value):
            raise ValueError("contains control characters")
        return value.lower() if value else value


class User(UserIn):
    disabled: bool = False
    created_at: dt.datetime | None = None


def describe_validation_error(error: Exception) -> list[str]:
    """Turn a pydantic ValidationError into short "field: message" lines for people."""
    from pydantic import ValidationError

    if not isinstance(error, ValidationError):
        return [str(error)]
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"] if part != "__root__")
        message = problem["msg"]
        message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        lines.append(f"{where}: {message}" if where else message)
    return lines


# ---------------------------------------------------------------------------
# The exchange format: seeds (YAML), exports and imports (JSON) share one shape
# ---------------------------------------------------------------------------

EXCHANGE_FORMAT = "policy-tracker"
#: Version 2 (issue 13) adds corrections under history entries, the ``addressees`` a history
#: entry covers (none written: all of them), an item's ``reference`` and a document's
#: ``responds_to`` and ``follows_up``. Exports always write version 2; version 1 files (which
#: have none of them: every entry covers all addressees) still import.
EXCHANGE_VERSION = 2
READABLE_VERSIONS = (1, 2)


class HistoryEntry(Assessment):
    """An assessment in a seed or import file; who and when default to the importer and now."""

    recorded_by: Optional(ShortText) = None
    recorded_at: dt.datetime | None = None
    correction: CorrectionRecord | None = None


class ItemLink(Model):
    """An outgoing link as written under its source item: "this item <kind> <target_id>"."""

    kind: LinkKind
    target_id: Slug
    note: Optional(LongText) = None


class CurrentStatus(Model):
    """Read-only summary written by exports; ignored on import (history is the truth)."""

    status: str | None = None
    response: str | None = None
    implementation: str | None = None
    is_open: bool | None = None
    last_assessed_on: dt.date | None = None
    version: int | None = None


class ItemRecord(ItemIn):
    """An item with its history, outgoing links and deadline revisions."""

    history: list[HistoryEntry] = Field(default_factory=list)
    links: list[ItemLink] = Field(default_factory=list)
    deadline_revisions: list[DeadlineRevision] = Field(default_factory=list)
    current: CurrentStatus | None = None

    @model_validator(mode="after")
    def _history_fits_kind(self) -> "ItemRecord":
        for number, entry in enumerate(self.history, start=1):
            try:
                entry.check_kind(self.kind)
                entry.check_made(self.made)
            except ValueError as exc:
                raise ValueError(f"history entry {number}: {exc}") from None
        return self


class Bundle(Model):
    """Everything the tracker records but its users: seeds, exports and imports."""

    format: str = EXCHANGE_FORMAT
    version: int = EXCHANGE_VERSION
    exported_at: dt.datetime | None = None
    actors: list[Actor] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    items: list[ItemRecord] = Field(default_factory=list)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value != EXCHANGE_FORMAT:
            raise ValueError(f"expected format {EXCHANGE_FORMAT!r}, got {value!r}")
        return value

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value not in READABLE_VERSIONS:
            readable = " and ".join(str(v) for v in READABLE_VERSIONS)
            raise ValueError(f"this tracker reads version {readable} files, not {value}")
        return value

    def reference_problems(self, known_actors=(), known_documents=(), known_items=()) -> list[str]:
        """Every reference that points nowhere, as "items[3] (id): ..." lines.

        ``known_*`` are ids that already exist outside the bundle (in the database).
        """
        actors = set(known_actors) | {a.id for a in self.actors}
        documents = set(known_documents) | {d.id for d in self.documents}
        items = set(known_items) | {i.id for i in self.items}
        problems: list[str] = []

        def duplicates(kind: str, ids: list[str]) -> None:
            seen: set[str] = set()
            for index, ident in enumerate(ids):
                if ident in seen:
                    problems.append(f"{kind}[{index}] ({ident}): id used twice")
                seen.add(ident)

        duplicates("actors", [a.id for a in self.actors])
        duplicates("documents", [d.id for d in self.documents])
        duplicates("items", [i.id for i in self.items])
        for index, doc in enumerate(self.documents):
            for field in ("reported_in", "responds_to", "follows_up"):
                ref = getattr(doc, field)
                if ref and ref not in documents:
                    problems.append(f"documents[{index}] ({doc.id}): {field} {ref!r} is not a document")
        for index, item in enumerate(self.items):
            where = f"items[{index}] ({item.id})"
            for field in ("document_id", "origin_document_id"):
                ref = getattr(item, field)
                if ref and ref not in documents:
                    problems.append(f"{where}: {field} {ref!r} is not a document")
            for field in ("makers", "owners"):
                for ref in getattr(item, field):
                    if ref not in actors:
                        problems.append(f"{where}: {field} {ref!r} is not an actor")
            for number, entry in enumerate(item.history, start=1):
                for body in entry.addressees:
                    if body not in item.owners:
                        problems.append(f"{where}: history entry {number} addressee {body!r} is not one of "
                                        f"its owners")
                if entry.evidence_document_id and entry.evidence_document_id not in documents:
                    problems.append(
                        f"{where}: history entry {number} evidence_document_id "
                        f"{entry.evidence_document_id!r} is not a document"
                    )
            for link in item.links:
                if link.target_id not in items:
                    problems.append(f"{where}: link {link.kind} {link.target_id!r} is not an item")
                if link.target_id == item.id:
                    problems.append(f"{where}: an item cannot link to itself")
        return problems
