"""Ids made from titles: the one rule for suggesting the id of a new item, document or actor.

An id is a record's address (``/item?id=<id>``), so it is short, readable and never changes:
lower-case ASCII letters, digits and hyphens (``models.SLUG_PATTERN``). A suggestion keeps the
title's first words, adds the year when one is given (the seeds' ids end in theirs:
``home-office-improve-data-collection-2020``), and is made unique against the ids already taken
by adding ``-2``, ``-3`` ... . Staff can always type their own instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

#: How long a suggested id may be (the pattern allows 80; shorter ids are easier to quote).
MAX_LENGTH = 60
#: Words that add nothing to an address.
_DROPPED = frozenset({"a", "an", "the", "of", "to", "and", "or", "for", "in", "on", "by", "with", "at", "its"})


def slug(text: str, *, max_length: int = MAX_LENGTH, keep_filler: bool = False) -> str:
    """``text`` as lower-case ASCII words joined by hyphens, cut at a word boundary.

    Accents are dropped ("Café" -> "cafe"), anything that is not a letter or digit separates
    words, and filler words ("the", "of") are left out unless nothing else remains or
    ``keep_filler`` asks for them (an actor's name: "chiefs-council" would lose "of" in
    "college-of-policing"). Returns "" when ``text`` holds no letter or digit.
    """
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower())
    kept = words if keep_filler else ([word for word in words if word not in _DROPPED] or words)
    out = ""
    for word in kept:
        joined = f"{out}-{word}" if out else word
        if len(joined) > max_length:
            break
        out = joined
    if not out and kept:  # one word longer than the limit
        out = kept[0][:max_length]
    return out


def suggest_id(title: str, *, taken: Collection[str] = (), year: int | None = None,
               fallback: str = "item") -> str:
    """An id for a new record called ``title``, not in ``taken``.

    ``year`` (the year the item was made, the document published) is added at the end;
    ``fallback`` is used when the title has no letter or digit. The result always matches
    ``models.SLUG_PATTERN``.
    """
    tail = f"-{year}" if year is not None else ""
    base = slug(title, max_length=MAX_LENGTH - len(tail)) or slug(fallback) or "item"
    candidate = f"{base}{tail}"
    number = 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = f"{base[: MAX_LENGTH - len(tail) - len(suffix)].rstrip('-')}{tail}{suffix}"
        number += 1
    return candidate


def suggest_ids(titles: list[str], *, taken: Collection[str] = (), years: list[int | None] | None = None,
                fallback: str = "item") -> list[str]:
    """``suggest_id`` for several new records at once, unique among themselves as well."""
    used = set(taken)
    out = []
    for index, title in enumerate(titles):
        ident = suggest_id(title, taken=used, year=years[index] if years else None, fallback=fallback)
        used.add(ident)
        out.append(ident)
    return out
