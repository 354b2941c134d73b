"""Ids suggested from titles (tracker.ids): readable, valid, unique."""

from __future__ import annotations

import re

import pytest

from tracker.ids import MAX_LENGTH, slug, suggest_id, suggest_ids
from tracker.models import SLUG_PATTERN


@pytest.mark.parametrize("title, expected", [
    ("HMICFRS: forces should record the ethnicity of suspects", "hmicfrs-forces-should-record-ethnicity-suspects"),
    ("Café & crèche funding", "cafe-creche-funding"),
    ("The Home Office", "home-office"),
    ("The", "the"),
    ("  R4 — Data   collection ", "r4-data-collection"),
    ("!!!", ""),
])
def test_slug(title, expected):
    assert slug(title) == expected


def test_a_suggested_id_is_valid_short_and_ends_in_the_year():
    ident = suggest_id("Police forces should record the ethnicity of every suspect in custody "
                       "and report it to the Home Office every quarter", year=2022)
    assert re.fullmatch(SLUG_PATTERN, ident)
    assert len(ident) <= MAX_LENGTH and ident.endswith("-2022")
    assert not ident.removesuffix("-2022").endswith("-")


def test_taken_ids_get_a_number():
    taken = {"home-office-data-2020", "home-office-data-2020-2"}
    assert suggest_id("Home Office data", year=2020, taken=taken) == "home-office-data-2020-3"


def test_a_title_without_letters_falls_back():
    assert suggest_id("???", fallback="document") == "document"
    assert suggest_id("???", taken={"item"}) == "item-2"


def test_several_at_once_are_unique_among_themselves():
    ids = suggest_ids(["Same title", "Same title", "Same title"], taken={"same-title"})
    assert ids == ["same-title-2", "same-title-3", "same-title-4"]


def test_long_titles_with_numbers_stay_within_the_limit():
    long = "word " * 40
    taken = {suggest_id(long)}
    for _ in range(12):
        taken.add(suggest_id(long, taken=taken))
    assert all(len(i) <= MAX_LENGTH and re.fullmatch(SLUG_PATTERN, i) for i in taken)
    assert len(taken) == 13
