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
- ``read_deadline(sentence, published) -> Deadline | None`` (from ``tracker.deadlines``),
  ``ActorMatcher(actors).match(name) -> id | None`` (from ``tracker.actor_names``) and
  ``suggest_item_id(title, *, taken, year=None, prefix=None)`` are the parts, usable on their
  own; all three can be imported from here.

Sentences are split with pysbd, dates read with dateparser and names matched with rapidfuzz;
all are rules and tables shipped with the packages, so nothing is downloaded at run time.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .actor_names import _ACRONYM_IN_NAME, _CONNECTORS, ActorFinder, ActorMatcher, Mention, slugify
from .deadlines import DATE_PATTERN, Deadline, as_partial, parse_date, read_deadline
from .errors import InvalidInputError
from .ids import suggest_id
from .models import Actor, ActorKind, Bundle, Document, ItemKind, ItemRecord, PartialDate
from .source_text import normalise_for_quote_check

#: The longest quote the model accepts (models.Quote).
MAX_QUOTE = 2000
#: The longest title (models.ShortText) we suggest; shorter reads better in lists.
TITLE_LENGTH = 160


# ---------------------------------------------------------------------------------------------
# The results
# ---------------------------------------------------------------------------------------------


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
            reference=self.reference,
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
            "reference": self.reference,
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



# Patterns used per sentence are compiled once (see tracker.actor_names).
_LETTERS = re.compile(r"[A-Za-z]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_OBJECT_FORM = re.compile(r"recommend(?:s|ed)?\b|recommendation\s+that", re.IGNORECASE)
_JOINER = re.compile(r"\s*(?:,|and|,\s*and|&)\s*(?:the\s+)?", re.IGNORECASE)
_CONNECTIVE = re.compile(r"^(?:and|but|however|so|then),?\s+", re.IGNORECASE)


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
    published = as_partial(published)
    finder = ActorFinder(ActorMatcher(actors))
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


def _publisher_actor(finder: ActorFinder, publisher: str) -> str:
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


def _speaker(sentence: str, finder: ActorFinder) -> str | None:
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


_MADE_EARLIER = re.compile(rf"^\W*(?:In|On|Since)\s+(?P<date>{DATE_PATTERN})\b")


def _made_earlier(sentence: str, published: PartialDate) -> PartialDate | None:
    """The date a sentence opens with ("In 2022 the Home Office asked ..."), when it is before
    the document's: the statement was made then, not when the document reported it."""
    match = _MADE_EARLIER.match(sentence)
    date = parse_date(match.group("date")) if match else None
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
    owners = [o.actor_id if isinstance(o, Mention) else o for o in owners]
    return ([maker] if maker else []), [o for i, o in enumerate(owners) if o and o not in owners[:i]]


def _joined(mentions: list[Mention], sentence: str) -> list[Mention]:
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
    # Uniqueness and the slug itself are the one rule for every id (tracker.ids).
    return suggest_id(" ".join(parts), taken=taken, year=year or None)


_MONTH_WORDS = set("""january february march april may june july august september october november
december within later than end publication months month years year weeks days""".split())


def without_existing(extraction: Extraction) -> list[Candidate]:
    """The candidates no existing item already quotes."""
    return [c for c in extraction.candidates if not c.existing_item_ids]


__all__ = [
    "ActorMatcher", "Candidate", "Deadline", "Extraction", "extract_candidates", "propose_items",
    "read_deadline", "slugify", "suggest_item_id", "without_existing",
]
