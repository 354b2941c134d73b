"""Proposed items from a document's text: rule-based, for staff to review before anything is saved.

API (stable; the browser review queue builds on it):

- ``extract_candidates(text, *, published, actors=(), existing_quotes={}, taken_ids=(),
  publisher=None) -> Extraction``: every candidate item in ``text``. ``published`` is the
  document's publication date (a ``PartialDate`` or its text, "2027-03-01"), the base of
  relative deadlines ("within six months of publication"); ``actors`` the known actors (dicts
  or ``Actor`` with ``id`` and ``name``); ``existing_quotes`` maps existing item ids to their
  quotes (a candidate holding the same quote is flagged); ``taken_ids`` are ids a suggested
  id must avoid; ``publisher`` the document's publisher name (the maker when a sentence names
  none).
- ``propose_items(store, document_id) -> Extraction``: the same, for a stored document with
  its stored text, actors, items and publication date (NotFoundError / InvalidInputError when
  the document or its text is missing).
- ``Candidate``: ``kind`` (ItemKind), ``quote`` (exactly ``text[start:end]``), ``start``,
  ``end``, ``title``, ``reference`` ("Recommendation 4", "R4" or None), ``suggested_id``,
  ``deadline`` (PartialDate or None) with ``deadline_phrase``, ``owners`` and ``makers``
  (actor ids: known, or of a proposed actor), ``existing_item_ids`` (items already holding the
  same quote), ``trigger`` (the words that made it a candidate), ``made`` (a date the sentence
  opens with, "In 2022 ...", else None: the document's). ``candidate.item_record(document_id,
  made)`` is the exchange-format ``ItemRecord`` (``made``: the document's date, unless the
  candidate has its own).
- ``Extraction``: ``candidates`` (in text order) and ``new_actors`` (``Actor`` proposals for
  bodies the text names that are not known). ``extraction.bundle(document_id, made,
  candidates=None, documents=())`` is a ``Bundle`` of the chosen candidates (all by default)
  with the proposed actors they name, ready for ``Store.import_bundle`` once reviewed.
- ``read_deadline(sentence, published) -> Deadline | None``, ``ActorMatcher(actors).match(
  name) -> id | None`` and ``suggest_item_id(title, *, taken, year=None, prefix=None)`` are the
  parts, usable on their own.

Sentences are split with pysbd, dates read with dateparser and names matched with rapidfuzz;
all are rules and tables shipped with the packages, so nothing is downloaded at run time.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .errors import InvalidInputError
from .models import (
    SLUG_PATTERN,
    Actor,
    ActorKind,
    Bundle,
    DatePrecision,
    Document,
    ItemKind,
    ItemRecord,
    PartialDate,
)
from .source_text import normalise_for_quote_check

#: The longest quote the model accepts (models.Quote).
MAX_QUOTE = 2000
#: The longest title (models.ShortText) we suggest; shorter reads better in lists.
TITLE_LENGTH = 160


# ---------------------------------------------------------------------------------------------
# The results
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    date: PartialDate
    phrase: str  # the words it was read from, as in the text
    start: int  # offsets of the phrase within the sentence it was read from
    end: int


@dataclass(frozen=True)
class Candidate:
    """One proposed item; ``quote == text[start:end]`` of the text it was found in."""

    kind: ItemKind
    quote: str
    start: int
    end: int
    title: str
    suggested_id: str
    trigger: str
    reference: str | None = None
    deadline: PartialDate | None = None
    deadline_phrase: str | None = None
    owners: tuple[str, ...] = ()
    makers: tuple[str, ...] = ()
    existing_item_ids: tuple[str, ...] = ()
    made: PartialDate | None = None  # when the sentence dates it earlier ("In 2022 the Home Office asked")

    def item_record(self, document_id: str, made: PartialDate | str) -> ItemRecord:
        """This candidate as an item of the exchange format (validated: raises pydantic's
        ValidationError when review has left it incomplete, e.g. a recommendation with no
        addressee)."""
        return ItemRecord(
            id=self.suggested_id, kind=self.kind, title=self.title, quote=self.quote,
            document_id=document_id, makers=list(self.makers), owners=list(self.owners),
            made=self.made or made, deadline=self.deadline if self.kind != ItemKind.FINDING else None,
        )

    def exchange_dict(self, document_id: str, made: PartialDate | str) -> dict:
        """As ``item_record`` but not validated: what ``tracker extract`` prints for review."""
        made = self.made or made
        made = made.iso() if isinstance(made, PartialDate) else str(made)
        return {
            "id": self.suggested_id, "kind": self.kind.value, "title": self.title,
            "quote": self.quote, "document_id": document_id, "makers": list(self.makers),
            "owners": list(self.owners), "made": made,
            "deadline": self.deadline.iso() if self.deadline and self.kind != ItemKind.FINDING else None,
        }


@dataclass
class Extraction:
    candidates: list[Candidate]
    new_actors: list[Actor] = field(default_factory=list)

    def actors_named(self, candidates: Iterable[Candidate]) -> list[Actor]:
        """The proposed actors that ``candidates`` name as makers or owners."""
        named = {a for c in candidates for a in (*c.makers, *c.owners)}
        return [actor for actor in self.new_actors if actor.id in named]

    def bundle(self, document_id: str, made: PartialDate | str, candidates: Iterable[Candidate] | None = None,
               documents: Iterable[Document] = ()) -> Bundle:
        """The chosen candidates (all by default) and the proposed actors they name, as one
        Bundle for ``Store.import_bundle`` (all or nothing)."""
        chosen = list(self.candidates if candidates is None else candidates)
        return Bundle(actors=self.actors_named(chosen), documents=list(documents),
                      items=[c.item_record(document_id, made) for c in chosen])


# ---------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------

_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (rf"(?:{_ORDINAL}\s+{_MONTHS}\.?,?\s+\d{{4}}|{_MONTHS}\.?\s+{_ORDINAL},?\s+\d{{4}}|"
         rf"{_MONTHS}\.?\s+\d{{4}}|\d{{4}})")
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18,
    "twenty-four": 24, "thirty-six": 36,
}
_NUMBER = r"(?:\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"

_RELATIVE = re.compile(
    rf"\bwithin\s+(?:the\s+next\s+)?(?P<n>{_NUMBER})\s+(?P<unit>day|week|month|year)s?"
    r"(?:\s+(?:of|from|after)\s+(?:the\s+)?(?:date\s+of\s+)?(?:publication|this\s+report|"
    r"(?:the\s+)?publication\s+of\s+this\s+(?:report|review)))?\b",
    re.IGNORECASE,
)
_END_OF = re.compile(
    rf"\b(?:by|before|no\s+later\s+than|not\s+later\s+than)\s+the\s+end\s+of\s+"
    rf"(?P<what>(?:{_MONTHS}\.?\s+)?\d{{4}}|this\s+year|the\s+year|next\s+year)\b",
    re.IGNORECASE,
)
_ABSOLUTE = re.compile(
    rf"\b(?:by|before|no\s+later\s+than|not\s+later\s+than|by\s+no\s+later\s+than)\s+(?P<date>{_DATE})\b",
    re.IGNORECASE,
)


def _as_partial(value: PartialDate | str | dt.date) -> PartialDate:
    return value if isinstance(value, PartialDate) else PartialDate.model_validate(value)


@lru_cache(maxsize=1)
def _date_parser():
    from dateparser.date import DateDataParser

    # English only, day before month ("3/4/2027" is 3 April), and no guessing of missing parts
    # from today: a month or year stays a month or year (its precision).
    return DateDataParser(languages=["en"], settings={
        "DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "RETURN_TIME_AS_PERIOD": False,
    })


@lru_cache(maxsize=4096)
def _parse_date(text: str) -> PartialDate | None:
    """"31 March 2027" (day), "June 2027" (month), "2027" (year), read by dateparser."""
    if _YEAR.fullmatch(text.strip()):
        return _as_partial(text.strip())
    data = _date_parser().get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    day = data.date_obj.date()
    precision = {"year": DatePrecision.YEAR, "month": DatePrecision.MONTH}.get(data.period, DatePrecision.DAY)
    iso = {DatePrecision.YEAR: f"{day.year:04d}", DatePrecision.MONTH: f"{day.year:04d}-{day.month:02d}",
           DatePrecision.DAY: day.isoformat()}[precision]
    try:
        return PartialDate.model_validate(iso)
    except ValueError:
        return None


def _add(start: dt.date, n: int, unit: str) -> dt.date:
    from dateutil.relativedelta import relativedelta

    unit = unit.lower()
    if unit == "day":
        return start + dt.timedelta(days=n)
    if unit == "week":
        return start + dt.timedelta(weeks=n)
    if unit == "month":
        return start + relativedelta(months=n)
    return start + relativedelta(years=n)


def _at_precision(day: dt.date, precision: DatePrecision) -> PartialDate:
    iso = {DatePrecision.YEAR: f"{day.year:04d}", DatePrecision.MONTH: f"{day.year:04d}-{day.month:02d}",
           DatePrecision.DAY: day.isoformat()}[precision]
    return PartialDate.model_validate(iso)


def read_deadline(sentence: str, published: PartialDate | str | dt.date) -> Deadline | None:
    """The deadline a sentence sets, if any: "by 31 March 2027" (day), "no later than June
    2027" (month), "by the end of 2027" (year), "within six months of publication" (counted
    from ``published``, at its precision). Dates that end before publication are history, not
    deadlines ("by 2019 it had ..."), and are skipped. The first deadline in the sentence wins.
    """
    published = _as_partial(published)
    found: list[Deadline] = []
    for match in _RELATIVE.finditer(sentence):
        raw = match.group("n").lower()
        n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        day = _add(published.start, n, match.group("unit"))
        found.append(Deadline(_at_precision(day, published.precision), match.group(0), match.start(), match.end()))
    for match in _END_OF.finditer(sentence):
        what = match.group("what").lower()
        if what in ("this year", "the year"):
            date = _as_partial(f"{published.start.year:04d}")
        elif what == "next year":
            date = _as_partial(f"{published.start.year + 1:04d}")
        else:
            date = _parse_date(match.group("what"))
        if date is not None:
            found.append(Deadline(date, match.group(0), match.start(), match.end()))
    for match in _ABSOLUTE.finditer(sentence):
        if any(d.start <= match.start() < d.end for d in found):
            continue  # "by the end of 2027" is read above, not as "by ... 2027"
        date = _parse_date(match.group("date"))
        if date is not None:
            found.append(Deadline(date, match.group(0), match.start(), match.end()))
    found = [d for d in found if d.date.end >= published.start]
    return min(found, key=lambda d: d.start) if found else None


# ---------------------------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------------------------

_ORG_HEADS = {
    "office": ActorKind.GOVERNMENT_DEPARTMENT, "department": ActorKind.GOVERNMENT_DEPARTMENT,
    "ministry": ActorKind.GOVERNMENT_DEPARTMENT, "treasury": ActorKind.GOVERNMENT_DEPARTMENT,
    "government": ActorKind.GOVERNMENT_DEPARTMENT, "executive": ActorKind.GOVERNMENT_DEPARTMENT,
    "inspectorate": ActorKind.INSPECTORATE, "ombudsman": ActorKind.INSPECTORATE,
    "police": ActorKind.POLICE_BODY, "constabulary": ActorKind.POLICE_BODY,
    "council": ActorKind.LOCAL_AUTHORITY, "authority": ActorKind.OTHER, "authorities": ActorKind.OTHER,
    "service": ActorKind.OTHER, "services": ActorKind.OTHER, "agency": ActorKind.OTHER,
    "commission": ActorKind.OTHER, "commissioner": ActorKind.OFFICE_HOLDER,
    "committee": ActorKind.OTHER, "board": ActorKind.OTHER, "trust": ActorKind.OTHER,
    "college": ActorKind.OTHER, "unit": ActorKind.OTHER, "taskforce": ActorKind.OTHER,
    "partnership": ActorKind.OTHER, "partnerships": ActorKind.OTHER, "association": ActorKind.OTHER,
    "institute": ActorKind.OTHER, "foundation": ActorKind.OTHER, "regulator": ActorKind.OTHER,
    "secretary": ActorKind.OFFICE_HOLDER, "minister": ActorKind.OFFICE_HOLDER,
    "nhs": ActorKind.OTHER, "parliament": ActorKind.OTHER, "bureau": ActorKind.OTHER,
}
_PROSECUTION_WORDS = ("prosecution",)
#: Bodies named in lower case ("every police force should ..."), as one actor each.
_GENERIC_NAMES = {
    "police forces": "Police forces", "police force": "Police forces", "forces": "Police forces",
    "local authorities": "Local authorities", "local authority": "Local authorities",
    "councils": "Local authorities", "local safeguarding partnerships": "Local safeguarding partnerships",
    "safeguarding partnerships": "Local safeguarding partnerships", "government": "Government",
}
_GENERIC_KINDS = {"Police forces": ActorKind.POLICE_BODY, "Local authorities": ActorKind.LOCAL_AUTHORITY,
                  "Local safeguarding partnerships": ActorKind.OTHER, "Government": ActorKind.GOVERNMENT_DEPARTMENT}
_GENERIC_BODIES = re.compile(
    r"\b(?P<body>(?:(?:every|each|all)\s+)?(?:police\s+forces?|local\s+authorit(?:y|ies)|councils|"
    r"(?:local\s+)?safeguarding\s+partnerships|forces)|the\s+government)\b",
    re.IGNORECASE,
)
_CONNECTORS = {"of", "and", "for", "on", "the", "&", "in"}
_CAPITALISED = re.compile(
    r"(?<![\w'’])[A-Z][\w'’&\-]*(?:\s+(?:of|and|for|on|the|in|&|[A-Z][\w'’&\-]*))*"
)
_ACRONYM_IN_NAME = re.compile(r"\(([A-Z][A-Za-z&]{1,15})\)")
_TITLES = ("mr", "ms", "mrs", "miss", "dr", "sir", "dame", "lord", "lady")


# Patterns used per sentence are compiled once: pysbd builds hundreds of patterns of its own,
# which keep evicting ours from the re module's cache (a third of the time went on recompiling).
_POSSESSIVE = re.compile(r"'s\b")
_NOT_WORD = re.compile(r"[^\w&]+")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_LETTERS = re.compile(r"[A-Za-z]+")
_OBJECT_FORM = re.compile(r"recommend(?:s|ed)?\b|recommendation\s+that", re.IGNORECASE)
_JOINER = re.compile(r"\s*(?:,|and|,\s*and|&)\s*(?:the\s+)?", re.IGNORECASE)
_CONNECTIVE = re.compile(r"^(?:and|but|however|so|then),?\s+", re.IGNORECASE)
_YEAR = re.compile(r"\d{4}")
_ACRONYM = re.compile(r"[A-Z]{2,10}")


def _normal_name(name: str) -> str:
    """Lower case, "the " and a possessive "'s" dropped, punctuation as spaces."""
    name = name.replace("’", "'").lower()
    name = _POSSESSIVE.sub("", name)
    name = _NOT_WORD.sub(" ", name).strip()
    name = _LEADING_THE.sub("", name)
    return " ".join(name.split())


def slugify(text: str, limit: int = 80) -> str:
    """A slug (models.SLUG_PATTERN) from text: lower-case words joined by hyphens."""
    words = _NOT_SLUG.sub(" ", text.lower().replace("&", " and ")).split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or "item"


class ActorMatcher:
    """Known actors by name, tolerant of "the", possessives, case, acronyms ("HMICFRS" for
    "His Majesty's Inspectorate ... (HMICFRS)"), "Mr Lloyd" for "Tony Lloyd", and small
    spelling differences (rapidfuzz ratio >= 90)."""

    FUZZY_CUTOFF = 90

    def __init__(self, actors: Iterable[Mapping | Actor] = ()):
        self.names: dict[str, str] = {}  # actor id -> name
        self._aliases: dict[str, str] = {}  # normalised alias -> actor id
        self._acronyms: dict[str, str] = {}  # exact-case acronym -> actor id
        for actor in actors:
            ident, name = (actor.id, actor.name) if isinstance(actor, Actor) else (actor["id"], actor["name"])
            self.add(ident, name, kind=(actor.kind if isinstance(actor, Actor) else actor.get("kind")))
        self._pattern: re.Pattern | None = None

    def add(self, ident: str, name: str, kind: str | None = None) -> None:
        self.names[ident] = name
        self._pattern = None
        plain = _PARENTHESES.sub("", name).strip()
        for alias in {name, plain}:
            if _normal_name(alias):
                self._aliases.setdefault(_normal_name(alias), ident)
        for acronym in _ACRONYM_IN_NAME.findall(name):
            self._acronyms.setdefault(acronym, ident)
        if _ACRONYM.fullmatch(plain):
            self._acronyms.setdefault(plain, ident)
        words = plain.split()
        if kind in (ActorKind.OFFICE_HOLDER, ActorKind.PARLIAMENTARIAN, "office holder", "parliamentarian") \
                and len(words) == 2 and words[0][:1].isupper() and words[1][:1].isupper():
            for title in _TITLES:
                self._aliases.setdefault(f"{title} {words[1].lower()}", ident)

    def match(self, name: str) -> str | None:
        """The id of the known actor ``name`` refers to, or None."""
        stripped = name.strip()
        if stripped in self._acronyms:
            return self._acronyms[stripped]
        normal = _normal_name(stripped)
        if not normal:
            return None
        if normal in self._aliases:
            return self._aliases[normal]
        from rapidfuzz import fuzz, process

        best = process.extractOne(normal, list(self._aliases), scorer=fuzz.ratio, score_cutoff=self.FUZZY_CUTOFF)
        return self._aliases[best[0]] if best else None

    def pattern(self) -> re.Pattern:
        """One regex finding any known alias or acronym in a sentence (longest first)."""
        if self._pattern is None:
            # Aliases are normalised ("national police chiefs council"): between words the text
            # may have an apostrophe, a possessive, spaces or a hyphen ("Chiefs' Council").
            parts = [r"['’]?s?[\s\-]+".join(re.escape(w) for w in a.split())
                     for a in sorted(self._aliases, key=len, reverse=True)]
            acronyms = [re.escape(a) for a in sorted(self._acronyms, key=len, reverse=True)]
            alternatives = []
            if parts:
                alternatives.append(r"(?i:(?<![\w])(?:" + "|".join(parts) + r")(?:'s|’s)?(?![\w]))")
            if acronyms:
                alternatives.append(r"(?<![\w])(?:" + "|".join(acronyms) + r")(?![\w])")
            self._pattern = re.compile("|".join(alternatives) if alternatives else r"(?!x)x")
        return self._pattern


@dataclass(frozen=True)
class _Mention:
    actor_id: str
    start: int
    end: int


class _ActorFinder:
    """Mentions of actors in sentences: known ones, and bodies proposed as new actors."""

    def __init__(self, matcher: ActorMatcher):
        self.matcher = matcher
        self.proposed: dict[str, Actor] = {}

    def mentions(self, sentence: str) -> list[_Mention]:
        found: list[_Mention] = []
        for match in self.matcher.pattern().finditer(sentence):
            ident = self.matcher.match(match.group(0))
            if ident:
                found.append(_Mention(ident, match.start(), match.end()))
        # Other capitalised phrases, read around the known names ("The Home Office and the
        # College of Policing" holds a known name and a new one).
        masked = list(sentence)
        for m in found:
            masked[m.start:m.end] = "#" * (m.end - m.start)
        for match in _CAPITALISED.finditer("".join(masked)):
            start = match.start()
            phrase = match.group(0)
            words = phrase.split()
            while words and words[-1].lower() in _CONNECTORS:
                words.pop()
            while words and words[0].lower() in _CONNECTORS:
                words.pop(0)
            if not words:
                continue
            phrase = " ".join(words)
            ident = self.matcher.match(phrase)
            if ident is None:
                ident = self._propose(phrase)
            if ident:
                found.append(_Mention(ident, start, start + len(match.group(0).rstrip())))
        for match in _GENERIC_BODIES.finditer(sentence):
            if any(m.start <= match.start() < m.end or match.start() <= m.start < match.end() for m in found):
                continue
            name = _GENERIC_NAMES[_normal_name(match.group("body")).removeprefix("every ").removeprefix(
                "each ").removeprefix("all ")]
            ident = self.matcher.match(name) or self._add_proposal(name, _GENERIC_KINDS[name])
            found.append(_Mention(ident, match.start(), match.end()))
        return sorted(found, key=lambda m: m.start)

    def _propose(self, phrase: str) -> str | None:
        words = [w.strip("'’").lower().removesuffix("'s").removesuffix("’s") for w in phrase.split()]
        joins = [i for i, w in enumerate(words) if w in ("of", "for")]
        head = words[joins[0] - 1] if joins and joins[0] > 0 else (words[-1] if words else "")
        if head not in _ORG_HEADS or len(words) < 2:
            return None  # a lone "Office" or "Police" is not a body we can name
        name = _LEADING_THE.sub("", phrase)
        kind = _ORG_HEADS[head]
        if any(w in _PROSECUTION_WORDS for w in words):
            kind = ActorKind.PROSECUTION_SERVICE
        elif "local" in words and head in ("authority", "authorities", "council", "councils"):
            kind = ActorKind.LOCAL_AUTHORITY
        return self.matcher.match(name) or self._add_proposal(name, kind)

    def _add_proposal(self, name: str, kind: ActorKind) -> str:
        ident, base, n = slugify(name, 60), slugify(name, 60), 2
        while ident in self.matcher.names:  # a known actor's id, though not its name
            ident, n = f"{base}-{n}", n + 1
        self.proposed[ident] = Actor(id=ident, name=name[:200], kind=kind,
                                     description="Proposed by tracker extract from the document's text; check it.")
        self.matcher.add(ident, name, kind=kind)
        return ident


# ---------------------------------------------------------------------------------------------
# Candidates
# ---------------------------------------------------------------------------------------------

# Each rule: the kind it proposes and the words that make a sentence one. Earlier rules win.
_RULES: tuple[tuple[ItemKind, re.Pattern], ...] = (
    (ItemKind.RECOMMENDATION, re.compile(
        r"\b(?:we\s+recommend|recommends?|recommended|recommendation\s+that|should(?!\s+(?:not\s+)?(?:have|be\s+noted)\b))\b",
        re.IGNORECASE)),
    (ItemKind.CALL, re.compile(
        r"\b(?:must|urged?|urging|calls?\s+(?:on|for|upon)|calling\s+(?:on|for|upon)|demand(?:s|ed)?|"
        r"(?:has|have)\s+got\s+to|needs?\s+to|asked\s+(?:the\s+)?\w+(?:\s+\w+){0,3}\s+to)\b",
        re.IGNORECASE)),
    (ItemKind.COMMITMENT, re.compile(
        r"\b(?:will|shall|commit(?:s|ted|ment)?\s+to|commitment|pledge[ds]?|promised?|"
        r"announced|intends?\s+to|commissioned|(?:said|says|announced)\b[^.;]{0,120}\bwould)\b",
        re.IGNORECASE)),
    (ItemKind.FINDING, re.compile(
        r"\b(?:we\s+found|found\s+that|(?:it|we|they|inspectors?|the\s+\w+)\s+(?:also\s+)?found|"
        r"concluded\s+that|we\s+(?:know|saw|observed)|evidence\s+(?:shows|suggests))\b",
        re.IGNORECASE)),
)
_SPEECH = re.compile(r"\b(?:said|says|added|told|announced|recommended|found|warned|urged|stated|wrote)\b",
                     re.IGNORECASE)
_NUMBERED = re.compile(
    r"^[ \t]*(?:(?P<word>Recommendation)\s+(?P<n1>\d{1,3})|(?P<r>R)(?P<n2>\d{1,3})|(?P<n3>\d{1,3})[.)])"
    r"(?:[ \t]*[:.\u2013\u2014-])?[ \t]*",
    re.MULTILINE,
)
_RECOMMENDATIONS_HEADING = re.compile(r"^\s*(?:our\s+|key\s+|summary\s+of\s+)?recommendations\s*:?\s*$",
                                      re.IGNORECASE | re.MULTILINE)
_FIRST_PERSON = re.compile(r"^\W*(?:we|i|our)\b", re.IGNORECASE)
_STOPWORDS = set("""a an and are as at be been being by for from has have in into is it its of on or that
the their there these this those to was were which will with would should must we our us they them
i he she his her also more most not no all any its said says who what when where than then so such
can could may might do does did being very further new""".split())


def extract_candidates(
    text: str,
    *,
    published: PartialDate | str | dt.date,
    actors: Iterable[Mapping | Actor] = (),
    existing_quotes: Mapping[str, str] | None = None,
    taken_ids: Iterable[str] = (),
    publisher: str | None = None,
) -> Extraction:
    """The candidate items in ``text``, in text order (see the module docstring)."""
    published = _as_partial(published)
    finder = _ActorFinder(ActorMatcher(actors))
    publisher_id = None
    if publisher:
        publisher_id = finder.matcher.match(publisher) or finder._propose(publisher) or _publisher_actor(finder, publisher)
    existing = _quotes_in_text(existing_quotes or {}, normalise_for_quote_check(text))
    taken = set(taken_ids)
    candidates: list[Candidate] = []
    numbered_spans: list[tuple[int, int]] = []

    for block in _numbered_blocks(text):
        numbered_spans.append((block[0], block[1]))
        candidates.append(_candidate(text, block[0], block[1], finder, published, publisher_id, existing, taken,
                                     reference=block[2], numbered=True))
    def in_block(start: int, end: int) -> bool:
        at = bisect.bisect_left(numbered_spans, (end, end)) - 1  # the last block starting before the end
        return at >= 0 and numbered_spans[at][1] > start

    speaker: str | None = None
    for start, end in _sentences(text, skip=in_block):
        sentence = text[start:end]
        if (start == 0 or text[start - 1] == "\n") and not _CONTINUES_SPEECH.match(sentence):
            speaker = None  # a new paragraph that is not more of the same quotation
        said = _speaker(sentence, finder)
        if said:
            speaker = said
        if in_block(start, end):
            continue  # part of a numbered recommendation, proposed whole above
        candidate = _candidate(text, start, end, finder, published, publisher_id, existing, taken,
                               speaker=speaker)
        if candidate is not None:
            candidates.append(candidate)
    candidates = [c for c in candidates if c is not None]
    candidates.sort(key=lambda c: c.start)
    return Extraction(candidates=candidates, new_actors=list(finder.proposed.values()))


#: A paragraph that goes on quoting the last speaker: news style opens each paragraph of a long
#: quotation with a quote mark, or goes on with "He said", "She added".
_CONTINUES_SPEECH = re.compile(r"^\s*(?:[\"“‘']|(?:He|She|They)\s+(?:said|added|says|told|went\s+on))")


def _quotes_in_text(quotes: Mapping[str, str], normalised_text: str) -> list[tuple[str, str]]:
    """(id, normalised quote) of the existing quotes that may overlap a candidate of this text.

    A whole database's quotes are many (100,000 at scale), so they are sifted first by their
    inner four-word runs, looked up in a set of the text's own, instead of each searched for.
    """
    words = normalised_text.split(" ")
    runs = {tuple(words[i:i + 4]) for i in range(len(words) - 3)}
    kept = []
    for ident, quote in quotes.items():
        normal = normalise_for_quote_check(quote)
        parts = normal.split(" ")
        if not normal:
            continue
        if len(parts) < 6:
            if normal in normalised_text:
                kept.append((ident, normal))
        elif tuple(parts[1:5]) in runs or tuple(parts[-5:-1]) in runs:
            kept.append((ident, normal))
    return kept


def _publisher_actor(finder: _ActorFinder, publisher: str) -> str:
    return finder._add_proposal(publisher, ActorKind.OTHER)


def propose_items(store, document_id: str) -> Extraction:
    """Candidates from a stored document's stored text, against the store's actors and the
    quotes of the document's items.

    Raises NotFoundError for an unknown document and InvalidInputError when it has no text.
    """
    document = store.get_document(document_id)
    text = store.document_text(document_id)
    if text is None:
        raise InvalidInputError(f"document {document_id!r} has no stored text: attach it first")
    published = PartialDate(start=document["published_start"], precision=document["published_precision"])
    return extract_candidates(text, published=published, actors=store.actors(),
                              existing_quotes=store.item_quotes(document_id),
                              taken_ids=store.item_ids(), publisher=document["publisher"])


def _numbered_blocks(text: str) -> list[tuple[int, int, str]]:
    """Numbered recommendations: "Recommendation 4: ...", "R4 ...", or "4. ..." under a
    "Recommendations" heading. Each block runs to the end of its paragraph (or, for a label
    alone on its line, the next one); returns (start, end, reference)."""
    blocks = []
    headings = [m.end() for m in _RECOMMENDATIONS_HEADING.finditer(text)]
    for match in _NUMBERED.finditer(text):
        if match.group("n3") and not any(h <= match.start() for h in headings):
            continue  # "4." is a recommendation's number only under a Recommendations heading
        reference = (f"Recommendation {match.group('n1')}" if match.group("word")
                     else f"R{match.group('n2')}" if match.group("r") else f"Recommendation {match.group('n3')}")
        start = match.end()
        while start < len(text) and text[start] in " \t\n":
            start += 1
        end = text.find("\n\n", start)
        next_label = _NUMBERED.search(text, start)
        if next_label and (end < 0 or next_label.start() < end) and next_label.start() > start:
            end = next_label.start()
        end = len(text) if end < 0 else end
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start and text[start:end].strip():
            body = text[start:end]
            if match.group("n3") and not _RULES[0][1].search(body):
                continue
            blocks.append((start, end, reference))
    return blocks


def _sentences(text: str, skip=lambda start, end: False) -> Iterable[tuple[int, int]]:
    """Sentence spans, paragraph by paragraph (pysbd within each line: a line break in these
    documents ends a heading or a paragraph, never a sentence of ours). A line ``skip`` names,
    or one with no word that could make a candidate, is one span: pysbd is most of the time."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    for line in _LINE.finditer(text):
        if skip(line.start(), line.end()) or not any(rule.search(line.group(0)) for _, rule in _RULES):
            # Nothing here can be proposed: one span is enough to track who is speaking.
            start, end = _trim_span(text, line.start(), line.end())
            if end > start:
                yield start, end
            continue
        for base, body in _pieces(line.start(), line.group(0)):
            if not body.strip():
                continue
            cursor = 0
            for sentence in segmenter.segment(body):
                stripped = sentence.strip()
                if not stripped:
                    continue
                at = body.find(stripped, cursor)
                if at < 0:
                    continue
                cursor = at + len(stripped)
                yield base + at, base + cursor


_LINE = re.compile(r"[^\n]+")
#: pysbd's time grows with the square of a paragraph's length (30 KB on one line took 3 s,
#: 300 KB over 200 s), so longer paragraphs are cut first at clear sentence ends.
_PIECE = 1000
_CLEAR_END = re.compile(r"(?<=[a-z0-9)][.!?])[\"”’']?\s+(?=[\"“‘']?[A-Z])")


def _pieces(base: int, body: str) -> Iterable[tuple[int, str]]:
    """``body`` (at offset ``base``) in pieces of about ``_PIECE`` characters, cut only after a
    lower-case word's full stop followed by a capital: where pysbd would end a sentence too."""
    start = 0
    while len(body) - start > _PIECE:
        cut = None
        for match in _CLEAR_END.finditer(body, start + _PIECE // 2, start + _PIECE * 2):
            cut = match.end()
            if cut - start >= _PIECE:
                break
        if cut is None:  # no clear sentence end nearby: cut at a space rather than go quadratic
            space = body.find(" ", start + _PIECE * 2)
            if space < 0:
                break
            cut = space + 1
        yield base + start, body[start:cut]
        start = cut
    yield base + start, body[start:]


def _speaker(sentence: str, finder: _ActorFinder) -> str | None:
    """The actor a sentence attributes words to ("X said", "said X"), if any."""
    speech = _SPEECH.search(sentence)
    if not speech:
        return None
    mentions = finder.mentions(sentence)
    if not mentions:
        return None
    before = [m for m in mentions if m.end <= speech.start()]
    after = [m for m in mentions if m.start >= speech.end()]
    if before:
        return before[-1].actor_id if speech.start() - before[-1].end < 60 else before[0].actor_id
    # "..., said the Home Secretary": only verbs of saying put the speaker after them ("urged
    # the Home Office" names whom, not who).
    inverted = speech.group(0).lower() in ("said", "says", "added", "stated", "wrote")
    return after[0].actor_id if inverted and after and after[0].start - speech.end() < 40 else None


def _classify(sentence: str) -> tuple[ItemKind, re.Match] | None:
    if sentence.rstrip().endswith("?"):
        return None  # a question proposes nothing
    for kind, rule in _RULES:
        match = rule.search(sentence)
        if match:
            return kind, match
    return None


def _candidate(text, start, end, finder, published, publisher_id, existing, taken, *,
               reference=None, numbered=False, speaker=None) -> Candidate | None:
    start, end = _trim_span(text, start, end)
    if end - start < 12:
        return None
    sentence = text[start:end]
    classified = _classify(sentence)
    if numbered:
        kind, trigger = ItemKind.RECOMMENDATION, (classified[1].group(0) if classified else reference)
    elif classified is None:
        return None
    else:
        kind, match = classified
        trigger = match.group(0)
    if end - start > MAX_QUOTE:
        end = start + text[start:start + MAX_QUOTE].rstrip().rfind(" ")
        sentence = text[start:end]
    trigger_at = sentence.lower().find(trigger.lower()) if trigger else 0
    mentions = finder.mentions(sentence)
    makers, owners = _people(kind, sentence, mentions, trigger_at, speaker, publisher_id, numbered)
    deadline = read_deadline(sentence, published) if kind != ItemKind.FINDING else None
    inline_ref = reference or _inline_reference(sentence)
    maker_name = finder.matcher.names.get(makers[0]) if makers else None
    phrase = deadline.phrase if deadline else None
    title = _title(sentence, maker_name, inline_ref, phrase)
    suggested = suggest_item_id(_body(sentence, phrase), taken=taken, year=published.start.year,
                                prefix=_id_prefix(makers[0] if makers else None, maker_name),
                                reference=inline_ref, kind=kind)
    taken.add(suggested)
    made = _made_earlier(sentence, published)
    normal = normalise_for_quote_check(sentence)
    duplicates = tuple(ident for ident, quote in existing if quote and (quote in normal or normal in quote))
    return Candidate(
        kind=kind, quote=sentence, start=start, end=end, title=title, suggested_id=suggested,
        trigger=trigger or "", reference=inline_ref,
        deadline=deadline.date if deadline else None, deadline_phrase=deadline.phrase if deadline else None,
        owners=tuple(owners), makers=tuple(makers), existing_item_ids=duplicates, made=made,
    )


_MADE_EARLIER = re.compile(rf"^\W*(?:In|On|Since)\s+(?P<date>{_DATE})\b")


def _made_earlier(sentence: str, published: PartialDate) -> PartialDate | None:
    """The date a sentence opens with ("In 2022 the Home Office asked ..."), when it is before
    the document's: the statement was made then, not when the document reported it."""
    match = _MADE_EARLIER.match(sentence)
    date = _parse_date(match.group("date")) if match else None
    return date if date is not None and date.end < published.start else None


def _trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding space and an unbalanced opening quote mark (the quote is then still an
    exact span of the text)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    body = text[start:end]
    if body[:1] in "\"“'‘" and not any(ch in body[1:] for ch in "\"”'’"):
        start += 1
    return start, end


_INLINE_REFERENCE = re.compile(r"\((?:see\s+)?(Recommendation\s+\d{1,3}|R\d{1,3})\)")


def _inline_reference(sentence: str) -> str | None:
    match = _INLINE_REFERENCE.search(sentence)
    return match.group(1) if match else None


def _people(kind, sentence, mentions, trigger_at, speaker, publisher_id, numbered) -> tuple[list[str], list[str]]:
    """(makers, owners) as actor ids. The maker is who the sentence attributes it to (a
    speaker, "X recommended ..."), else the document's publisher; the owners are who must act:
    the subject before "should"/"will"/"must" ("the Home Office and the College of Policing
    should"), or the object of "recommend"/"urge"/"call on"."""
    before = [m for m in mentions if m.end <= trigger_at]
    after = [m for m in mentions if m.start >= trigger_at]
    attributed = _speaker(sentence, _StaticFinder(mentions)) if not numbered else None
    maker = attributed or speaker or publisher_id
    subject = _joined(list(reversed(before)), sentence)[::-1]
    obj = _joined(after, sentence)
    owners: list[str] = []
    if kind == ItemKind.RECOMMENDATION:
        object_form = _OBJECT_FORM.search(sentence)
        owners = obj if object_form and object_form.start() >= trigger_at - 1 and obj else subject or obj
    elif kind == ItemKind.CALL:
        owners = obj or subject
    elif kind == ItemKind.COMMITMENT:
        owners = [maker] if _FIRST_PERSON.search(sentence) and maker else subject or ([maker] if maker else [])
    else:  # a finding is about someone but owed by no one
        owners = [m for m in obj if m != maker][:1]
    if maker is None and before:
        maker = before[0].actor_id
    owners = [o.actor_id if isinstance(o, _Mention) else o for o in owners]
    return ([maker] if maker else []), [o for i, o in enumerate(owners) if o and o not in owners[:i]]


def _joined(mentions: list[_Mention], sentence: str) -> list[_Mention]:
    """The first mention and those joined to it by "and" or a comma ("X, Y and Z"), in order
    of distance from the trigger (``mentions`` nearest first)."""
    if not mentions:
        return []
    group = [mentions[0]]
    for mention in mentions[1:]:
        left, right = sorted((group[-1], mention), key=lambda m: m.start)
        if not _JOINER.fullmatch(sentence[left.end:right.start]):
            break
        group.append(mention)
    return group


class _StaticFinder:
    """A finder that returns mentions already found (so a sentence is matched once)."""

    def __init__(self, mentions):
        self._mentions = mentions

    def mentions(self, sentence):
        return self._mentions


def _title(sentence: str, maker_name: str | None, reference: str | None,
           deadline_phrase: str | None = None) -> str:
    """A neutral, attributed one-liner: "HMICFRS, Recommendation 4: the Home Office should
    ...", without the label and leading deadline the quote may open with, cut at a word."""
    body = _body(sentence, deadline_phrase)
    if body and body[0].islower():
        body = body[0].upper() + body[1:]
    who = _short_name(maker_name) if maker_name else None
    prefix = ", ".join(part for part in (who, reference) if part)
    room = TITLE_LENGTH - len(prefix) - 2
    if len(body) > room:
        body = body[:room].rsplit(" ", 1)[0].rstrip(",;:") + " ..."
    return f"{prefix}: {body}" if prefix else body


def _body(sentence: str, deadline_phrase: str | None) -> str:
    """The words of a quote without quote marks, a leading "Recommendation 4:" label, a
    leading connective or a leading deadline ("By 31 March 2027, ...")."""
    body = " ".join(sentence.split()).strip("\"“”'‘’ ")
    body = _NUMBERED.sub("", body, count=1) if _NUMBERED.match(body) else body
    body = _CONNECTIVE.sub("", body)
    if deadline_phrase and body.lower().startswith(" ".join(deadline_phrase.split()).lower()):
        body = body[len(" ".join(deadline_phrase.split())):].lstrip(" ,;:")
    return body


def _short_name(name: str) -> str:
    acronym = _ACRONYM_IN_NAME.search(name)
    return acronym.group(1) if acronym else name


def _id_prefix(actor_id: str | None, name: str | None) -> str | None:
    """A short slug for the maker: its acronym, its id when short, else its initials."""
    if not actor_id:
        return None
    acronym = _ACRONYM_IN_NAME.search(name or "")
    if acronym:
        return slugify(acronym.group(1), 16)
    if len(actor_id) <= 20:
        return actor_id
    initials = "".join(w[0] for w in _LETTERS.findall(name or "") if w.lower() not in _CONNECTORS)
    return slugify(initials, 16) if len(initials) >= 2 else actor_id[:20].rstrip("-")


def suggest_item_id(title: str, *, taken: Iterable[str] = (), year: int | None = None,
                    prefix: str | None = None, reference: str | None = None,
                    kind: ItemKind | str | None = None) -> str:
    """A unique, readable id from a title, in the seeds' style: "<prefix>-rec-r4-<keywords>-<year>".

    ``title`` may be any text (a title or a quote; a leading "Maker:" is skipped); ``taken``
    are the ids in use (the store's and those already suggested): a clash gets "-2", "-3" ...
    appended. The result always matches models.SLUG_PATTERN.
    """
    taken = set(taken)
    text = title.split(": ", 1)[1] if ": " in title[:60] else title
    prefix_words = set((prefix or "").split("-"))
    words = [w for w in _NOT_SLUG.sub(" ", text.lower()).split()
             if w not in _STOPWORDS and w not in _MONTH_WORDS and not w.isdigit() and len(w) > 2
             and w not in prefix_words]
    parts = [prefix] if prefix else []
    if str(kind) == "recommendation" or reference:
        parts.append("rec")
    if reference:
        parts.append(slugify(reference.replace("Recommendation ", "r"), 10))
    parts.extend(words[:4])
    if year:
        parts.append(str(year))
    base = slugify("-".join(parts), 72)
    ident, n = base, 2
    while ident in taken or not re.match(SLUG_PATTERN, ident):
        ident = f"{base}-{n}"
        n += 1
    return ident


_MONTH_WORDS = set("""january february march april may june july august september october november
december within later than end publication months month years year weeks days""".split())


def without_existing(extraction: Extraction) -> list[Candidate]:
    """The candidates no existing item already quotes."""
    return [c for c in extraction.candidates if not c.existing_item_ids]


__all__ = [
    "ActorMatcher", "Candidate", "Deadline", "Extraction", "extract_candidates", "propose_items",
    "read_deadline", "slugify", "suggest_item_id", "without_existing",
]
