"""Actors named in a text: known ones matched by name (fuzzy, rapidfuzz), other bodies proposed
as new actors.

``ActorMatcher(actors).match(name) -> id | None`` matches one name ("the Home Office", "Home
Office's", "HMICFRS", "Mr Lloyd"); ``ActorFinder(matcher).mentions(sentence)`` finds every
actor a sentence names, proposing new ones (``finder.proposed``); ``slugify(text)`` makes ids.
``tracker.extract`` re-exports ``ActorMatcher`` and ``slugify``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .ids import slug
from .models import Actor, ActorKind

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
_ACRONYM = re.compile(r"[A-Z]{2,10}")



def _normal_name(name: str) -> str:
    """Lower case, "the " and a possessive "'s" dropped, punctuation as spaces."""
    name = name.replace("’", "'").lower()
    name = _POSSESSIVE.sub("", name)
    name = _NOT_WORD.sub(" ", name).strip()
    name = _LEADING_THE.sub("", name)
    return " ".join(name.split())


def slugify(text: str, limit: int = 80) -> str:
    """A slug (models.SLUG_PATTERN) from text: lower-case words joined by hyphens, every word
    kept ("&" read as "and"); the one slug rule is ``tracker.ids.slug``."""
    return slug(text.replace("&", " and "), max_length=limit, keep_filler=True) or "item"


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
class Mention:
    actor_id: str
    start: int
    end: int


class ActorFinder:
    """Mentions of actors in sentences: known ones, and bodies proposed as new actors."""

    def __init__(self, matcher: ActorMatcher):
        self.matcher = matcher
        self.proposed: dict[str, Actor] = {}

    def mentions(self, sentence: str) -> list[Mention]:
        found: list[Mention] = []
        for match in self.matcher.pattern().finditer(sentence):
            ident = self.matcher.match(match.group(0))
            if ident:
                found.append(Mention(ident, match.start(), match.end()))
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
                found.append(Mention(ident, start, start + len(match.group(0).rstrip())))
        for match in _GENERIC_BODIES.finditer(sentence):
            if any(m.start <= match.start() < m.end or match.start() <= m.start < match.end() for m in found):
                continue
            name = _GENERIC_NAMES[_normal_name(match.group("body")).removeprefix("every ").removeprefix(
                "each ").removeprefix("all ")]
            ident = self.matcher.match(name) or self._add_proposal(name, _GENERIC_KINDS[name])
            found.append(Mention(ident, match.start(), match.end()))
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


