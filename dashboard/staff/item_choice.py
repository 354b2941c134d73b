"""The staff pages' item pickers: a bounded list of titles, searched first when the items are
too many for one list (``data.ITEMS_PICKED_FROM``), as the public item page does.

The options come from ``data.staff_item_choices`` (one SQL read of titles, with a limit, named
by ``tracker.labels``), never from the whole annotated record.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from dashboard import data


def item_choices(key: str, snap: data.Snapshot, *, kinds: Iterable[str] = (),
                 include: Iterable[str | None] = ()) -> dict[str, str]:
    """Labels by id ("title (kind, date made, id; in document)") of the items a picker keyed
    ``key`` offers: all of ``kinds`` when they fit in one list, else a search box first and the
    first matches, with the items of ``include`` (those already chosen) always among them."""
    include = tuple(i for i in include if isinstance(i, str) and i)
    found = data.staff_item_choices(snap, kinds=kinds, include=include)
    if found["matches"] > data.ITEMS_PICKED_FROM:
        text = st.text_input("Search the items", key=f"{key}_search",
                             placeholder="Words from the title or quote, a theme, or an item or actor id")
        if text.strip():
            found = data.staff_item_choices(snap, text.strip(), kinds=kinds, include=include)
        if not found["matches"]:
            st.caption("No item matches that search.")
        elif found["matches"] > data.ITEMS_PICKED_FROM:
            st.caption(f"{found['matches']:,} items match; the list holds the oldest "
                       f"{data.ITEMS_PICKED_FROM:,}. Search to find the others.")
    return found["labels"]
