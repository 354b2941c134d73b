"""The dashboard's one data-access module: tracker reads, cached on the data version.

Every cached read is keyed on (database path, ``Store.data_version()``, as-of date, today), so a
write anywhere (the staff pages, the CLI, another server) shows on the next script run without a
restart, and a reader on an old "as of" date never sees a newer record. No SQLite connection is
cached: each cache miss opens its own ``Store`` and closes it, and ``snapshot()`` opens one per
script run to read the version.

It decides nothing: each figure is one call of ``tracker.figures`` or ``tracker.gaps`` (the
same call for the record now and as of a date), cached here. ``st.cache_data`` hands every caller
a copy, and copying 100,000 events costs more than drawing them; so pages ask for what they show (the headline, one scorecard, the first 1,000 events of a
filter) and the large frames stay inside the cache.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import streamlit as st

from tracker import (
    about, changes as record_changes, currency, exchange, figures, filters, frames, gaps, ids, labels, ordering,
    timeline,
)
from tracker.errors import NotFoundError
from tracker.store import Store, resolve_db_path

CACHE = dict(max_entries=64, ttl=3600, show_spinner=False)
#: The tracker table shows at most this many items; its downloads hold every match.
ITEM_ROWS_SHOWN = 1000
#: The timeline table shows at most this many events (the chart shows them all).
EVENT_ROWS_SHOWN = 1000
#: Above this many events the timeline chart groups them by month rather than by day.
EVENTS_BY_MONTH_ABOVE = 5000
#: Each table of the gaps page shows at most this many rows (its figure counts them all).
GAP_ROWS_SHOWN = 1000
#: The item picker lists at most this many items; with more, a search narrows them first.
ITEMS_PICKED_FROM = 1000


@dataclass(frozen=True)
class Snapshot:
    """Which record a page shows: the database, its data version, and the date read "as of"."""

    path: str
    version: int
    as_of: dt.date | None
    today: dt.date

    @property
    def reference_date(self) -> dt.date:
        """The date "overdue" and "open for" are counted to: the as-of date, else today."""
        return self.as_of or self.today

    @property
    def key(self) -> tuple[str, int, str | None, str]:
        return (self.path, self.version, self.as_of.isoformat() if self.as_of else None, self.today.isoformat())


@contextmanager
def _open(path: str) -> Iterator[Store]:
    store = Store(path, create=False)  # the running dashboard never makes a database
    try:
        yield store
    finally:
        store.close()


def snapshot(as_of: dt.date | None = None) -> Snapshot:
    """The current database and data version, read once per script run."""
    path = str(resolve_db_path())
    with _open(path) as store:
        version = store.data_version()
    today = dt.date.today()
    if as_of is not None and as_of >= today:
        as_of = None  # "as of" today or later is simply the current record
    return Snapshot(path=path, version=version, as_of=as_of, today=today)


def _date(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def _reference(as_of_iso: str | None, today_iso: str) -> dt.date:
    return _date(as_of_iso) or dt.date.fromisoformat(today_iso)


# -- the shared reads (cache misses only; pages use the functions further down) --------------


# The whole annotated record (~60 MB at 100,000 items), which only the timeline still reads
# (every figure and the gaps read bounded through tracker.figures and tracker.gaps, the staff
# pickers through Store.item_choices), is held once and shared, never copied out
# (st.cache_resource): unpickling it on every script run cost more than drawing the page. Nothing
# changes it in place: pandas 3 copies on write. Every write makes a new entry; two are kept, so
# memory stays bounded while staff are editing.
@st.cache_resource(max_entries=2, ttl=3600, show_spinner=False)
def _items(path: str, version: int, as_of_iso: str | None, today_iso: str) -> pd.DataFrame:
    with _open(path) as store:
        frame = store.items_frame(as_of=_date(as_of_iso), include_quote=True)
    return frames.annotate(frame, today=_reference(as_of_iso, today_iso))


@st.cache_data(**CACHE)
def _lookups(path: str, version: int) -> dict:
    # A status change makes a new data version but leaves documents and actors as they were:
    # read them again only when they changed (4,000 documents: ~100 ms after every write).
    with _open(path) as store:
        return _names(path, store.names_version())


@st.cache_data(**CACHE)
def _names(path: str, names_version: str) -> dict:
    with _open(path) as store:
        return {
            "actors": {row["id"]: row["name"] for row in store.actors()},
            "documents": pd.DataFrame(
                store.documents(),
                columns=["id", "title", "publisher", "kind", "published_start", "published_precision", "url",
                         "reported_in", "text_file", "version", "responds_to", "follows_up"],
            ),
        }


@st.cache_data(**CACHE)
def _links(path: str, version: int) -> pd.DataFrame:
    # Apart from _lookups: 50,000 links take ~0.5 s to read, and only the gaps need them.
    with _open(path) as store:
        return store.links()


@st.cache_data(**CACHE)
def _chains(path: str, version: int, as_of_iso: str | None, today_iso: str) -> list[gaps.Chain]:
    # Only the items at the ends of links are read (gaps.record_chains), never the whole record.
    with _open(path) as store:
        return gaps.record_chains(store, today=_reference(as_of_iso, today_iso), as_of=_date(as_of_iso),
                                  links=_links(path, version))


# Held once and shared like _items (every event with its detail text, ~120,000 rows at 10,000
# items): pickling it into st.cache_data and out again on every filter change cost more than
# building it. Nothing changes it in place; callers only filter it.
@st.cache_resource(max_entries=2, ttl=3600, show_spinner=False)
def _events(path: str, version: int, as_of_iso: str | None, today_iso: str) -> pd.DataFrame:
    with _open(path) as store:  # the whole history is read only here, and not cached apart
        assessments = store.assessments_frame(until=_date(as_of_iso), brief=True)
        deadlines = store.deadlines_frame()
    return timeline.events(
        _items(path, version, as_of_iso, today_iso), assessments, deadlines, as_of=_date(as_of_iso),
    )


# -- what pages call ----------------------------------------------------------------------------


def actor_names(snap: Snapshot) -> dict[str, str]:
    return _lookups(snap.path, snap.version)["actors"]


def documents(snap: Snapshot) -> pd.DataFrame:
    """Every document; with an as-of date, only those published by then."""
    frame = _lookups(snap.path, snap.version)["documents"]
    if snap.as_of is not None and not frame.empty:
        frame = frame[frame["published_start"] <= snap.as_of.isoformat()]
    return frame.reset_index(drop=True)


def document_answers(snap: Snapshot, document_id: str) -> dict[str, pd.DataFrame]:
    """Documents that answer documents (issue 13), as of the snapshot, oldest first:
    ``responses`` (documents that respond to ``document_id``), ``follow_ups`` (that follow it up)
    and ``answered`` (what it responds to or follows up, with ``relation``)."""
    frame = documents(snap)
    ordered = frame.sort_values(["published_start", "title"], kind="stable")
    mine = frame[frame["id"] == document_id]
    answered = []
    for relation, column in (("responds to", "responds_to"), ("follows up", "follows_up")):
        for target in mine[column].dropna():
            answered.append(frame[frame["id"] == target].assign(relation=relation))
    return {
        "responses": ordered[ordered["responds_to"] == document_id],
        "follow_ups": ordered[ordered["follows_up"] == document_id],
        "answered": pd.concat(answered) if answered else frame.head(0).assign(relation=""),
    }


def document_titles(snap: Snapshot) -> dict[str, str]:
    frame = _lookups(snap.path, snap.version)["documents"]
    return dict(zip(frame["id"], frame["title"]))


# The figures come from tracker.figures, one call each, the same for the record now (as_of None)
# and for a past date: SQL on the store, never the whole record.


@st.cache_data(**CACHE)
def _headline(path, version, as_of_iso, today_iso) -> figures.Headline:
    with _open(path) as store:
        return figures.headline(store, today=_reference(as_of_iso, today_iso), as_of=_date(as_of_iso))


def headline(snap: Snapshot) -> figures.Headline:
    return _headline(*snap.key)


@st.cache_data(**CACHE)
def _scorecard(path, version, as_of_iso, today_iso, by: str, kinds: tuple[str, ...]) -> pd.DataFrame:
    lookups = _lookups(path, version)
    names = lookups["actors"] if by in ("owner", "maker") else None
    if by == "document":
        names = dict(zip(lookups["documents"]["id"], lookups["documents"]["title"]))
    with _open(path) as store:
        return figures.scorecard(store, by=by, kinds=kinds, names=names, as_of=_date(as_of_iso))


def scorecard(snap: Snapshot, *, by: str, kinds: tuple[str, ...]) -> pd.DataFrame:
    return _scorecard(*snap.key, by, tuple(kinds))


@st.cache_data(**CACHE)
def _longest_open(path, version, as_of_iso, today_iso, limit: int) -> pd.DataFrame:
    with _open(path) as store:
        return figures.longest_open(store, today=_reference(as_of_iso, today_iso), limit=limit,
                                    as_of=_date(as_of_iso))


def longest_open(snap: Snapshot, *, limit: int = 10) -> pd.DataFrame:
    """``figures.longest_open``: the open items made longest ago, with ``made`` and
    ``deadline_end`` for charting."""
    return _longest_open(*snap.key, limit)


@st.cache_data(**CACHE)
def _gap_tables(path, version, as_of_iso, today_iso) -> dict:
    # Counts of everything, rows of the first GAP_ROWS_SHOWN, read bounded (gaps.gap_tables).
    with _open(path) as store:
        found = gaps.gap_tables(store, today=_reference(as_of_iso, today_iso), as_of=_date(as_of_iso),
                                limit=GAP_ROWS_SHOWN, links=_links(path, version),
                                chain_list=_chains(path, version, as_of_iso, today_iso))
        return found  # with the addressees behind on each item shown (issue 13: gaps.with_bodies_behind)


def gap_tables(snap: Snapshot) -> dict:
    """``delivery`` (with ``made``/``deadline_end``), ``response``, ``evidence``, ``claimed``
    (claimed vs found) and ``chains`` (``gaps.chain_summary``), as of the snapshot: the first
    ``GAP_ROWS_SHOWN`` rows of each, in the order ``tracker.gaps`` gives them, with
    ``<name>_count`` the number of rows in all."""
    return _gap_tables(*snap.key)


# -- past deadline and the headline's links (issue 13) --------------------------------------


@st.cache_data(**CACHE)
def _past_deadline(path, version, as_of_iso, today_iso) -> dict:
    with _open(path) as store:
        return gaps.past_deadline_table(store, today=_reference(as_of_iso, today_iso), as_of=_date(as_of_iso),
                                        limit=GAP_ROWS_SHOWN)


def past_deadline(snap: Snapshot) -> dict:
    """``gaps.past_deadline_table`` as of the snapshot: ``rows`` (the first ``GAP_ROWS_SHOWN``
    overdue items, awaiting a response first, then the longest overdue), ``count`` (all of
    them: the headline's "Overdue") and ``awaiting`` (those with no response)."""
    return _past_deadline(*snap.key)


def headline_filters(snap: Snapshot) -> dict[str, filters.ItemFilter]:
    """``figures.headline_filters``: for each headline tile, the Tracker filter of its items."""
    return figures.headline_filters(filter_options(snap))


@st.cache_data(**CACHE)
def _chains_by_id(path, version, as_of_iso, today_iso, chain_ids: tuple[str, ...]) -> list[gaps.Chain]:
    by_id = {c.id: c for c in _chains(path, version, as_of_iso, today_iso)}
    return [by_id[i].detached() for i in chain_ids if i in by_id]


def chains(snap: Snapshot, chain_ids: list[str]) -> list[gaps.Chain]:
    """The chains named (by their oldest item's id), each holding only its own rows."""
    return _chains_by_id(*snap.key, tuple(chain_ids))


@st.cache_data(**CACHE)
def _chain_for_item(path, version, as_of_iso, today_iso, item_id: str) -> gaps.Chain | None:
    # Only the items linked to this one are read: the first reader after a write does not
    # build the whole record (seconds at 100,000 items) to draw one chain.
    with _open(path) as store:
        chain = gaps.chain_for_item(store, item_id, as_of=_date(as_of_iso),
                                    today=_reference(as_of_iso, today_iso))
    return chain.detached() if chain is not None else None


def chain_for_item(snap: Snapshot, item_id: str) -> gaps.Chain | None:
    """The chain ``item_id`` belongs to as of the snapshot (the one the gaps page draws), or None."""
    return _chain_for_item(*snap.key, item_id)


@st.cache_data(**CACHE)
def _timeline_view(path, version, as_of_iso, today_iso, types, kinds, start_iso, end_iso) -> dict:
    everything = _events(path, version, as_of_iso, today_iso)
    shown = timeline.filter_events(everything, event_types=types, kinds=kinds, start=_date(start_iso),
                                   end=_date(end_iso))
    period = "month" if len(shown) > EVENTS_BY_MONTH_ABOVE else "day"
    return {
        "total": len(everything),
        "shown": len(shown),
        "first": min(everything["date"]) if len(everything) else None,
        "last": max(everything["date"]) if len(everything) else None,
        "period": period,
        "marks": timeline.events_by_period(shown, period=period),
        "per_year": timeline.events_per_year(shown),
        "rows": shown.iloc[::-1].head(EVENT_ROWS_SHOWN).reset_index(drop=True),
    }


def timeline_view(snap: Snapshot, *, types=(), kinds=(), start: dt.date | None = None,
                  end: dt.date | None = None) -> dict:
    """What the timeline page shows for one filter: counts (``total``, ``shown``), the date
    range (``first``, ``last``), chart data (``marks`` grouped by ``period``, ``per_year``)
    and the newest ``EVENT_ROWS_SHOWN`` events (``rows``)."""
    return _timeline_view(*snap.key, tuple(types), tuple(kinds),
                          start.isoformat() if start else None, end.isoformat() if end else None)


@st.cache_data(**CACHE)
def _options(path, version, as_of_iso, today_iso) -> filters.FilterOptions:
    with _open(path) as store:
        return figures.filter_options(store, as_of=_date(as_of_iso))


def filter_options(snap: Snapshot) -> filters.FilterOptions:
    return _options(*snap.key)


@st.cache_data(**CACHE)
def _matching(path, version, as_of_iso, today_iso, chosen: filters.ItemFilter, order: str) -> dict:
    with _open(path) as store:
        return figures.matching_items(store, chosen, today=_reference(as_of_iso, today_iso),
                                      limit=ITEM_ROWS_SHOWN, as_of=_date(as_of_iso), order=order)


def matching_items(snap: Snapshot, chosen: filters.ItemFilter, order: str = ordering.MADE) -> dict:
    """``rows``: the first ``ITEM_ROWS_SHOWN`` items (oldest first, or by reference with
    ``order=ordering.REFERENCE``) that match ``chosen``; ``matches``: how many match; ``total``:
    how many items there are. Only the rows shown leave the cache, so a filter change costs the
    same with 1,000 items or 100,000."""
    return _matching(*snap.key, chosen, order)


def history_of(snap: Snapshot, item_ids: list[str]) -> dict[str, list[dict]]:
    """Each item's assessments as of the snapshot, oldest first, by item id (for downloads,
    built when one is asked for; not cached)."""
    with _open(snap.path) as store:
        frame = store.assessments_frame(until=snap.as_of, item_ids=item_ids)
    frame = frame.drop(columns=["kind", "title"]).astype(object)
    frame = frame.where(frame.notna(), None)
    found: dict[str, list[dict]] = {}
    for row in frame.to_dict("records"):
        # Who recorded it as the public sees it (a role), never the username.
        row["recorded_by"] = about.recorder_words(_staff_roles(snap.path, snap.version), row["recorded_by"])
        found.setdefault(row.pop("item_id"), []).append(row)
    return found


def all_matching_items(snap: Snapshot, chosen: filters.ItemFilter, order: str = ordering.MADE) -> pd.DataFrame:
    """Every item that matches ``chosen``, in ``order`` (for downloads, built when one is asked
    for; not cached)."""
    with _open(snap.path) as store:
        return figures.all_matching_items(store, chosen, today=snap.reference_date, as_of=snap.as_of, order=order)


@st.cache_data(**CACHE)
def _source_scorecard(path, version, as_of_iso, today_iso) -> pd.DataFrame:
    lookups = _lookups(path, version)
    names = dict(zip(lookups["documents"]["id"], lookups["documents"]["title"]))
    with _open(path) as store:
        return figures.source_scorecard(store, names=names, as_of=_date(as_of_iso))


def source_scorecard(snap: Snapshot) -> pd.DataFrame:
    """Items per document by status, each counted for the document quoting it and the report
    it was first made in (``figures.source_scorecard``)."""
    return _source_scorecard(*snap.key)


@st.cache_data(**CACHE)
def _document_counts(path, version, as_of_iso, today_iso) -> pd.DataFrame:
    with _open(path) as store:
        return figures.document_counts(store, as_of=_date(as_of_iso))


def document_counts(snap: Snapshot) -> pd.DataFrame:
    """Items and open items per document id (index)."""
    return _document_counts(*snap.key)


@st.cache_data(**CACHE)
def _items_of_document(path, version, as_of_iso, today_iso, document_id: str) -> pd.DataFrame:
    with _open(path) as store:
        return figures.items_of_document(store, document_id, today=_reference(as_of_iso, today_iso),
                                         as_of=_date(as_of_iso))


def items_of_document(snap: Snapshot, document_id: str) -> pd.DataFrame:
    return _items_of_document(*snap.key, document_id)


@st.cache_data(**CACHE)
def _item_choices(path, version, as_of_iso, text: str) -> dict:
    with _open(path) as store:
        matches, titles = figures.item_titles(store, text=text, made_by=_date(as_of_iso),
                                              limit=ITEMS_PICKED_FROM)
    return {"matches": matches, "titles": titles}


def item_choices(snap: Snapshot, text: str = "") -> dict:
    """Items to pick from, as of the snapshot: ``titles``, the titles by id of the first
    ``ITEMS_PICKED_FROM`` items (oldest first) holding ``text`` in their id, title, quote,
    people, themes or document (every item, when empty); ``matches``, how many hold it."""
    return _item_choices(snap.path, snap.version, snap.key[2], text)


@st.cache_data(**CACHE)
def _item_detail(path: str, version: int, item_id: str, as_of_iso: str | None) -> dict | None:
    as_of = _date(as_of_iso)
    with _open(path) as store:
        try:
            item = store.get_item(item_id, as_of=as_of)
        except NotFoundError:
            return None
        history = store.history(item_id)
        revisions = store.deadline_revisions(item_id)
        links = store.links_of(item_id)
        quote_check = store.quote_check(item_id)
        # issue 13: each addressee's own status, and whom each assessment is about
        addressees = store.addressee_statuses(item_id, as_of=as_of)
        covered = store.assessment_addressees(item_id)
    history = [{**h, "addressees": covered.get(h["id"], [])} for h in history]
    later = 0
    if as_of is not None:
        cutoff = as_of.isoformat()
        kept = [h for h in history if h["assessed_on"] <= cutoff]
        later = len(history) - len(kept)
        history = kept
        revisions = [r for r in revisions if r["revised_on"] <= cutoff]
        links = [lk for lk in links if lk["other_made"] <= cutoff]  # the other item existed then
    return {"item": item, "history": history, "revisions": revisions, "links": links,
            "later_entries": later, "quote_check": quote_check, "addressees": addressees}


def item_detail(snap: Snapshot, item_id: str) -> dict | None:
    """The item (as of the snapshot) with its history, deadline revisions and links, or None
    when it does not exist (or was not made yet on the as-of date)."""
    return _item_detail(snap.path, snap.version, item_id, snap.key[2])


@st.cache_data(**CACHE)
def _item_exists(path: str, version: int, item_id: str) -> bool:
    with _open(path) as store:
        try:
            store.get_item(item_id)
        except NotFoundError:
            return False
    return True


def item_exists(snap: Snapshot, item_id: str) -> bool:
    """Whether ``item_id`` exists at all (it may be later than the as-of date)."""
    return _item_exists(snap.path, snap.version, item_id)


def suggested_id(entity: str, title: str, *, year: int | None = None) -> str:
    """An id for a new ``entity`` ("item", "document", "actor") called ``title`` that no
    record has now (``tracker.ids.suggest_id``); read fresh, not cached, just before a save."""
    with _open(str(resolve_db_path())) as store:
        return ids.suggest_id(title, taken=store.ids_of(entity), year=year, fallback=entity)


def export_json() -> str:
    """The whole record in the exchange format (what ``tracker export`` writes), built when a
    download asks for it; not cached, it is read once."""
    with _open(str(resolve_db_path())) as store:
        return exchange.export_json(store)


def import_check(file_bytes: bytes, filename: str):
    """``exchange.check_file`` on the current database: the file's records that read, and every
    problem an import would meet (rows and references together). Writes nothing; not cached."""
    with _open(str(resolve_db_path())) as store:
        return exchange.check_file(store, file_bytes, filename)


# -- how current the record is, and what changed (issue 15) ------------------------------------


def settings() -> about.SiteSettings:
    """Who publishes the record and where (``tracker.about.site_settings``, from the environment):
    without TRACKER_SITE_URL, the site is at the address this reader used (``reader_site_url``)."""
    return about.site_settings(reader_url=reader_site_url())


def reader_site_url() -> str | None:
    """The dashboard's top address as the reader reached it (scheme, host and port from the
    browser's address bar, then the server's base path), or None outside a browser session.
    The page path the browser is on is left out: page addresses are built from the top."""
    seen = st.context.url
    if not seen:
        return None
    parts = urlsplit(seen)
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return urlunsplit((parts.scheme, parts.netloc, f"/{base}" if base else "", "", ""))


@st.cache_data(**CACHE)
def _currency(path: str, version: int, as_of_iso: str | None) -> currency.Currency:
    with _open(path) as store:
        return currency.currency(store, _date(as_of_iso))


def record_currency(snap: Snapshot) -> currency.Currency:
    """When the record last changed and how new its evidence is, as of the snapshot."""
    return _currency(snap.path, snap.version, snap.key[2])


@st.cache_data(**CACHE)
def _changes(path: str, version: int, since_iso: str, until_iso: str | None,
             kinds: tuple[str, ...]) -> list[record_changes.Change]:
    with _open(path) as store:
        return record_changes.changes_since(store, _date(since_iso), until=_date(until_iso), kinds=kinds)


def chart_credit(snap: Snapshot, page_path: str, **query: str) -> str:
    """The source line a chart of ``page_path`` carries (``tracker.currency.chart_credit``),
    with the as-of date in the page address when there is one."""
    if snap.as_of:
        query = {**query, "as_of": snap.as_of.isoformat()}
    return currency.chart_credit(settings(), page_path, record_currency(snap), snap.today, **query)


def changes(snap: Snapshot, since: dt.date, *, kinds: tuple[str, ...] = ()) -> list[record_changes.Change]:
    """Changes recorded from ``since`` (``tracker.changes.changes_since``), newest first; with an
    as-of date, only those recorded by the end of that day."""
    until = (snap.as_of + dt.timedelta(days=1)).isoformat() if snap.as_of else None
    return _changes(snap.path, snap.version, since.isoformat(), until, tuple(kinds))


@st.cache_data(**CACHE)
def _staff_roles(path: str, version: int) -> dict[str, str]:
    with _open(path) as store:
        return store.staff_roles()


def recorder_label(snap: Snapshot, username: str) -> str:
    """Who recorded something, as the public sees it: the role, never the username (a username
    is half of what signs in, and a staff member's name is theirs to give)."""
    return about.recorder_words(_staff_roles(snap.path, snap.version), username)


# -- the staff pages (issue 12): bounded reads, never the whole annotated record ----------------


@st.cache_data(**CACHE)
def _staff_item_choices(path: str, version: int, text: str, kinds: tuple[str, ...],
                        include: tuple[str, ...], limit: int) -> dict:
    with _open(path) as store:
        matches, rows = store.item_choices(text=text, kinds=kinds, limit=limit, include=include)
    documents = _lookups(path, version)["documents"]
    return {"matches": matches, "labels": labels.item_labels(rows, dict(zip(documents["id"], documents["title"])))}


def staff_item_choices(snap: Snapshot, text: str = "", *, kinds=(), include=()) -> dict:
    """Items a staff picker offers, of the current record: ``labels`` (``tracker.labels.item_labels``)
    by id of the first ``ITEMS_PICKED_FROM`` items of ``kinds`` holding ``text`` (every item,
    when empty), oldest first, then of any of ``include`` not among them; ``matches``, how many
    hold it."""
    return _staff_item_choices(snap.path, snap.version, text, tuple(kinds), tuple(sorted(set(include))),
                               ITEMS_PICKED_FROM)


@st.cache_data(**CACHE)
def _items_by_id(path: str, version: int, today_iso: str, ids: tuple[str, ...]) -> pd.DataFrame:
    with _open(path) as store:
        frame = frames.annotate(store.items_frame(ids=list(ids)), today=dt.date.fromisoformat(today_iso))
        return figures.with_addressee_statuses(frame, store, as_of=None)


@st.cache_data(**CACHE)
def _document_labels(path: str, version: int) -> dict[str, str]:
    with _open(path) as store:
        names_version = store.names_version()
    return _document_labels_of(path, names_version)


@st.cache_data(**CACHE)
def _document_labels_of(path: str, names_version: str) -> dict[str, str]:
    return labels.document_labels(_names(path, names_version)["documents"])


def document_labels(snap: Snapshot) -> dict[str, str]:
    """Every document by id as pickers name it (``tracker.labels.document_labels``)."""
    return _document_labels(snap.path, snap.version)


def actor_labels(snap: Snapshot) -> dict[str, str]:
    """Every actor by id as pickers name it (``tracker.labels.actor_labels``)."""
    return labels.actor_labels(actor_names(snap))


def items_by_id(snap: Snapshot, ids) -> pd.DataFrame:
    """The items ``ids`` of the current record with their status and version, annotated
    (``frames.annotate``), each addressee's own status (``addressee_states``, for items with
    several) and indexed by id."""
    return _items_by_id(snap.path, snap.version, snap.today.isoformat(),
                        tuple(sorted(set(ids)))).set_index("id", drop=False)


def taken_ids(entity: str) -> set[str]:
    """Every id of ``entity`` ("item", "document", "actor") now; read fresh, not cached."""
    with _open(str(resolve_db_path())) as store:
        return store.ids_of(entity)
