"""The context each page of the edition is rendered from: figures, charts and tables as plain
values, built from ``content.Record`` with the dashboard's own chart builders.

Charts are the Plotly figures ``dashboard.charts`` builds for the dashboard (that module does
not import streamlit), serialised to JSON and drawn in the browser by the plotly.min.js the
edition ships. Each chart carries the table of its figures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import pandas as pd

from dashboard import charts as chart_builders

from .. import timeline
from ..counts import Headline, none_if_missing, scorecard_table
from ..gaps import STALE_EVIDENCE_DAYS
from ..dates import date_label, long_date
from ..models import split_list
from ..status import ROLLUP_NOTE, STATUS_COLOURS, addressee_table, display_status, response_label
from .content import Record, recorder
from .render import names_of, page_name, web_url

def headline_figures(head: Headline) -> list[tuple[str, str, str, str]]:
    """The overview's headline figures as the dashboard's overview shows them: (key, label,
    value, help). "Overdue" reads "no deadlines" when no open item has one (0 would read as
    "on time")."""
    if head.open_with_deadline:
        overdue = (f"{head.overdue:,}", f"Still open after the whole period of their deadline has passed, of "
                                         f"{head.open_with_deadline:,} open items with a deadline recorded.")
    else:
        overdue = ("no deadlines", "No open item has a deadline recorded, so none can be overdue: not the same "
                                   "as none overdue.")
    return [
        ("trackable", "Trackable items", f"{head.trackable:,}",
         f"{head.commitments:,} commitments, {head.recommendations:,} recommendations and {head.calls:,} calls: "
         "the items that can be delivered. Findings are counted apart."),
        ("findings", "Findings", f"{head.findings:,}",
         "Independent observations of how things stand: evidence, not promises, so they carry no status and "
         "are never counted as delivered or overdue."),
        ("delivered", "Delivered", f"{head.delivered:,}",
         "Commitments and calls assessed as delivered, and recommendations implemented."),
        ("not_delivered", "Not delivered", f"{head.not_delivered:,}",
         "Assessed as not delivered, or recommendations not implemented."),
        ("overdue", "Overdue", *overdue),
        ("awaiting_response", "Awaiting response", f"{head.awaiting_response:,}",
         "Open recommendations whose addressee has not responded on the record."),
    ]


#: The gaps page's figures: the key of ``content.GapTables.counts`` and the dashboard's labels.
GAP_FIGURES = (
    ("delivery", "Delivery gap", "Commitments not delivered, and accepted recommendations not implemented."),
    ("response", "No response", "Recommendations with no response from their addressee."),
    ("evidence", "Evidence gap", "Never assessed, or open with evidence older than a year."),
    ("chains", "Chains", "Groups of linked items: the same problem promised, found and asked again."),
    ("claimed", "Claimed vs found", "A finding that contradicts an item, beside the item's claim of progress."),
)
COLUMN_LABELS = {
    "title": "What", "kind": "Kind", "status_label": "Status", "response_label": "Response",
    "makers": "Made by", "owners": "Owner / addressee", "made_label": "Made", "deadline_label": "Deadline",
    "days_overdue": "Days overdue", "days_open": "Days open", "years_open": "Years open",
    "days_waiting": "Days waiting", "last_assessed_on": "Last assessed", "reason": "Why it is here",
    "themes": "Themes", "document": "Source", "held_by": "Held to account",
    "bodies_behind_label": "Behind", "bodies_behind": "Bodies behind",  # issue 13: "4 of 6 bodies"
}


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    json: str
    table: dict  # {"columns": [...], "rows": [[...], ...]}


def _columns(keys) -> list[tuple[str, str]]:
    return [(k, COLUMN_LABELS.get(k, k)) for k in keys]


def _plain(value):
    """A cell value as a template shows it: None for missing, ints for whole numbers."""
    value = none_if_missing(value) if not isinstance(value, (list, tuple)) else value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    return value


def rows_of(frame: pd.DataFrame, keys, names: Mapping[str, str]) -> list[dict]:
    """Rows for ``macros.item_table``: ``id`` plus ``keys``, actors by name."""
    out = []
    wanted = ["id", *[k for k in keys if k != "id"]]
    for record in frame.to_dict("records"):
        row = {}
        for key in wanted:
            value = _plain(record.get(key))
            if key in ("makers", "owners", "held_by", "bodies_behind"):
                value = names_of(value, names)
            row[key] = "" if value is None and key not in ("days_overdue", "days_open") else value
        out.append(row)
    return out


class ChartCache:
    """Each chart's JSON from the last publish, keyed on what the figure is built from (its
    frames, options and credit, and the code): building a Plotly figure costs 0.1 to 2 s, and
    most charts do not change between two publishes. ``path`` None keeps nothing."""

    def __init__(self, path: Path | None, code: str):
        self.path, self.code = path, code
        self.kept: dict[str, dict] = {}
        self.used: dict[str, dict] = {}
        if path is not None and path.is_file():
            try:
                self.kept = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                self.kept = {}

    def chart(self, name: str, build: Callable[[], object], inputs: tuple, table: pd.DataFrame, *,
              credit: str | None = None) -> Chart:
        """The chart ``name``: ``build()``'s figure, or the same figure kept from the last publish
        when ``inputs`` (frames and plain values) are the same, with ``credit`` under its title
        (``charts.credited``). The credit names the record's last change, so it moves with every
        write: it is put on the kept figure, not part of what is kept."""
        parts = [name, self.code] + [x.to_json(date_format="iso", default_handler=str)
                                     if isinstance(x, pd.DataFrame) else repr(x) for x in inputs]
        key = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
        kept = self.kept.get(name)
        if kept is not None and kept["key"] == key:
            text, title = kept["json"], kept["title"]
        else:
            fig = build()
            config = chart_builders.config(name)
            text = fig.to_json()[:-1] + ',"config":' + json.dumps(config) + "}"  # the dashboard's toolbar
            title = _strip_tags(fig.layout.title.text or name)
        self.used[name] = {"key": key, "json": text, "title": title}
        if credit:
            text = _with_credit(text, credit)
        columns = [str(c) for c in table.columns]
        rows = [[_plain(v) if _plain(v) is not None else "" for v in row] for row in table.itertuples(index=False)]
        return Chart(name=name, title=title, json=text, table={"columns": columns, "rows": rows})

    def save(self) -> None:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = self.path.with_suffix(".new")
            fresh.write_text(json.dumps(self.used), encoding="utf-8")
            os.replace(fresh, self.path)


def _with_credit(text: str, credit: str) -> str:
    """A figure's JSON with ``credit`` added as ``charts.credited`` adds it (to a figure holding
    only the layout it changes, so the figure's data need not be read into Plotly again)."""
    import plotly.graph_objects as go

    figure = json.loads(text)
    layout = figure.setdefault("layout", {})
    stub = go.Figure(layout={"title": {"text": (layout.get("title") or {}).get("text", "")},
                             "margin": {"t": (layout.get("margin") or {}).get("t")}, "height": layout.get("height")})
    stub = chart_builders.credited(stub, credit)
    layout.setdefault("title", {})["text"] = stub.layout.title.text
    layout.setdefault("margin", {})["t"] = stub.layout.margin.t
    layout["height"] = stub.layout.height
    return json.dumps(figure, separators=(",", ":"))


def _strip_tags(text: str) -> str:
    """A chart title without the <b>/<br> markup Plotly draws it with, for text and alt."""
    return html.unescape(re.sub(r"<[^>]+>", " ", text.split("<br>")[0])).strip()


def _scorecard_chart(cache: ChartCache, name: str, card: pd.DataFrame, credit: str | None, **options) -> Chart:
    table = scorecard_table(card)
    if not table.empty:
        table = table.rename(columns={"group": options.get("group_title", "Group")})
    return cache.chart(name, lambda: chart_builders.status_bars(card, **options), (card, sorted(options.items())),
                       table, credit=credit)


def overview_context(record: Record, cache: ChartCache, credit: str | None = None) -> dict:
    ov = record.overview
    names = record.names
    charts = {
        "by_owner": _scorecard_chart(
            cache, "scorecard-by-owner", ov.by_owner, credit,
            title="Commitments and recommendations by owner or addressee, by status", group_title="Actor",
            subtitle="An item with several owners counts once for each"),
        "by_maker": _scorecard_chart(
            cache, "scorecard-by-maker", ov.by_maker, credit,
            title="Commitments and recommendations by maker, by status", group_title="Actor",
            subtitle="An item with several owners counts once for each"),
        "by_theme": _scorecard_chart(
            cache, "status-by-theme", ov.by_theme, credit,
            title="Commitments, recommendations and calls in each theme, by status", group_title="Theme"),
    }
    longest_keys = ["title", "kind", "owners", "status_label", "made_label", "years_open", "deadline_label",
                    "days_overdue"]
    if not ov.longest.empty:
        charts["longest"] = cache.chart("longest-open", lambda: chart_builders.open_items(
            ov.longest, reference_date=ov.headline.as_of, names=names,
            title=f"The {len(ov.longest)} items open the longest: from the date made to now, deadline marked"),
            (ov.longest, ov.headline.as_of, sorted(names.items())),
            _item_frame_table(ov.longest, longest_keys, names), credit=credit)
    return {
        "title": "What was promised, and what became of it",
        "description": (f"{ov.headline.trackable:,} commitments, recommendations and calls and "
                        f"{ov.headline.findings:,} findings: {ov.headline.delivered:,} delivered, "
                        f"{ov.headline.awaiting_response:,} awaiting a response."),
        "head": ov.headline,
        "figures": headline_figures(ov.headline),
        "as_of": long_date(ov.headline.as_of),
        "deadlines": (f"{ov.headline.open_with_deadline:,} of them with a deadline recorded"
                      if ov.headline.open_with_deadline else "no deadlines recorded for any of them"),
        "charts": charts,
        "longest": rows_of(ov.longest, longest_keys, names),
        "longest_columns": _columns(longest_keys),
    }


def _item_frame_table(frame: pd.DataFrame, keys, names) -> pd.DataFrame:
    rows = rows_of(frame, keys, names)
    return pd.DataFrame([[r[k] for k in keys] for r in rows], columns=[COLUMN_LABELS.get(k, k) for k in keys])


def gaps_context(record: Record, cache: ChartCache, credit: str | None = None) -> dict:
    found = record.gaps
    names = record.names
    today = record.today
    charts: dict[str, Chart | None] = {"delivery": None}
    delivery_keys = ["title", "bodies_behind_label", "bodies_behind", "kind", "owners", "status_label",
                     "response_label", "made_label", "days_open", "deadline_label", "days_overdue"]
    delivery = found.delivery.assign(days_open=found.delivery["days_since_made"]) if not found.delivery.empty \
        else found.delivery
    still_open = found.delivery[found.delivery["state"] == "open"].head(15) if not found.delivery.empty else None
    if still_open is not None and not still_open.empty:
        charts["delivery"] = cache.chart("delivery-gap", lambda: chart_builders.open_items(
            still_open, reference_date=today, names=names,
            title="Undelivered and still open: from the date made to now, deadline marked",
            subtitle="Most overdue first; up to 15 shown, all are in the table below"),
            (still_open, today, sorted(names.items())), _item_frame_table(
            still_open.assign(days_open=still_open["days_since_made"]), delivery_keys, names), credit=credit)
    response_keys = ["title", "bodies_behind_label", "bodies_behind", "makers", "owners", "made_label",
                     "days_waiting"]
    if not found.response.empty:
        owners = pd.Series([o for text in found.response["owners"].tolist() for o in split_list(none_if_missing(text))])
        waiting = owners.map(lambda o: names.get(o, o)).value_counts()
        table = pd.DataFrame({"Addressee": waiting.index, "Recommendations awaiting a response": waiting.values})
        charts["response"] = cache.chart("response-gap", lambda: chart_builders.response_waiting(
            found.response, names=names, title="Recommendations awaiting a response, by addressee"),
            (found.response, sorted(names.items())), table, credit=credit)
    evidence_keys = ["title", "kind", "owners", "status_label", "last_assessed_on", "reason"]
    chains = []
    for chain in found.chains:
        members = chain.items
        table = pd.DataFrame({"Made": members["made_label"], "Kind": members["kind"], "Item": members["title"],
                              "Status": members["status_label"]})
        chains.append({
            "chart": cache.chart(f"chain-{page_name(chain.id)}",
                                 lambda chain=chain: chart_builders.chain_timeline(chain, names=names),
                                 (chain.items, chain.links, sorted(names.items())), table, credit=credit),
            "members": rows_of(members.head(40), ["made_label", "kind", "title", "status_label"], names),
            "span": chain.span(today=today).sentence(dict(names)),  # issue 13: how long it has run
        })
    claimed = []
    for pair in found.claimed.to_dict("records"):
        pair = {k: _plain(v) for k, v in pair.items()}
        pair["item_makers_named"] = names_of(pair.get("item_makers"), names)
        pair["finding_makers_named"] = names_of(pair.get("finding_makers"), names)
        claimed.append(pair)
    counts = found.counts
    return {
        "title": "Where promise and delivery part",
        "description": (f"Delivery gap {counts['delivery']:,}, no response {counts['response']:,}, "
                        f"evidence gap {counts['evidence']:,}, chains {counts['chains']:,}, "
                        f"claimed vs found {counts['claimed']:,}."),
        "figures": GAP_FIGURES,
        "counts": counts,
        "charts": charts,
        "delivery": rows_of(delivery, delivery_keys, names),
        "delivery_columns": _columns(delivery_keys),
        "response": rows_of(found.response, response_keys, names),
        "response_columns": _columns(response_keys),
        "evidence": rows_of(found.evidence, evidence_keys, names),
        "evidence_columns": _columns(evidence_keys),
        "stale_days": STALE_EVIDENCE_DAYS,
        "chains": chains,
        "claimed": claimed,
        **past_deadline_context(record),
    }


#: The columns of the "Past deadline" table, as the dashboard's gaps page shows them.
PAST_DEADLINE_KEYS = ["days_overdue", "deadline_label", "title", "bodies_behind_label", "bodies_behind", "kind",
                      "held_by", "response_label", "status_label"]


def past_deadline_context(record: Record) -> dict:
    """The gaps page's "Past deadline" section (issue 13): every open item past its deadline,
    whatever its response, no response first; the items the overview's "Overdue" counts."""
    found = record.past_deadline
    return {
        "past_deadline": rows_of(found["rows"], PAST_DEADLINE_KEYS, record.names),
        "past_deadline_columns": _columns(PAST_DEADLINE_KEYS),
        "past_deadline_count": found["count"],
        "past_deadline_awaiting": found["awaiting"],
        "with_deadline": record.overview.headline.open_with_deadline,
        "today_label": long_date(record.today),
    }


def sources_context(record: Record, cache: ChartCache, credit: str | None = None) -> dict:
    docs = record.documents
    titles = dict(zip(docs["id"], docs["title"]))
    counts = record.document_counts
    documents = []
    for d in docs.to_dict("records"):
        c = counts.loc[d["id"]] if d["id"] in counts.index else None
        documents.append({
            **{k: _plain(v) for k, v in d.items()},
            "published": date_label(d["published_start"], d["published_precision"]),
            "items": int(c["items"]) if c is not None else 0,
            "open": int(c["open"]) if c is not None else 0,
            "reported_in_title": titles.get(d.get("reported_in")) if isinstance(d.get("reported_in"), str) else None,
        })
    charts = {"sources": _scorecard_chart(
        cache, "items-by-document", record.sources, credit, title="Items found in each document, by status",
        group_title="Document",
        subtitle="Findings carry no status and are counted as findings; an item counts for the article quoting "
                 "it and the report it was first made in")}
    return {"title": "Sources", "description": f"The {len(docs):,} documents the items are quoted from.",
            "documents": documents, "charts": charts}


TRACKER_COLUMNS = ["title", "kind", "status_label", "response_label", "owners", "made_label", "deadline_label",
                   "themes"]
TRACKER_ROWS_IN_PAGE = 1000


def tracker_data(record: Record) -> dict:
    """Every item as one compact row for data/items.js (the browser filters these). ``page`` is
    empty when it is the id, ``owners`` is empty (the browser names ``owner_ids`` from ``names``)
    and ``search`` holds the quote only: the browser adds the other searched fields (id, title,
    actors by id and name, themes, document) to it when it loads, so they are not shipped twice."""
    items = record.items
    names = record.names
    fields = ["id", "page", *TRACKER_COLUMNS, "owner_ids", "maker_ids", "document_id", "origin_document_id",
              "search"]

    def text(column: str) -> list[str]:
        # tolist, not astype(object): converting Arrow strings to objects first costs seconds at 100,000
        return [v if isinstance(v, str) else "" for v in items[column].tolist()]

    ids, titles, kinds = text("id"), text("title"), text("kind")
    owners, makers, themes = text("owners"), text("makers"), text("themes")
    statuses, responses, made, deadlines = text("status_label"), text("response_label"), text("made_label"), \
        text("deadline_label")
    documents, origins, quotes = text("document_id"), text("origin_document_id"), text("quote")
    rows = []
    for n, item_id in enumerate(ids):
        page = page_name(item_id)
        rows.append([item_id, "" if page == item_id else page, titles[n], kinds[n], statuses[n],
                     responses[n] if kinds[n] == "recommendation" else "", "", made[n],
                     deadlines[n], themes[n], owners[n], makers[n], documents[n], origins[n], quotes[n]])
    used = {a for v in set(owners) | set(makers) for a in split_list(v)}
    return {"fields": fields, "columns": TRACKER_COLUMNS, "rows": rows,
            "names": {a: names.get(a, a) for a in sorted(used)}}


def tracker_context(record: Record) -> dict:
    items = record.items
    names = record.names
    docs = record.documents
    # Distinct values first (plain lists: iterating Arrow-backed columns cell by cell cost seconds at 100,000)
    statuses = [s for s in STATUS_COLOURS if s in set(items["status_label"].tolist()) | set(
        items.loc[items["kind"] == "recommendation", "response_label"].tolist())] if not items.empty else []
    actors = sorted({a for col in ("owners", "makers") for v in set(items[col].tolist()) for a in split_list(v)},
                    key=lambda a: names.get(a, a).lower()) if not items.empty else []
    themes = sorted({t for v in set(items["themes"].tolist()) for t in split_list(v)}) if not items.empty else []
    kinds = [k for k in ("commitment", "recommendation", "finding", "call") if k in set(items["kind"].tolist())]
    options = [
        ("kind", "Kind", [(k, k) for k in kinds]),
        ("status", "Status or response", [(s, s) for s in statuses]),
        ("actor", "Made by or owner", [(a, names.get(a, a)) for a in actors]),
        ("theme", "Theme", [(t, t) for t in themes]),
        ("document", "Source document", list(zip(docs["id"], docs["title"]))),
    ]
    rows = rows_of(items.head(TRACKER_ROWS_IN_PAGE), TRACKER_COLUMNS, names)
    for row in rows:
        if row.get("kind") != "recommendation":
            row["response_label"] = ""
    return {"title": "Tracker: every item",
            "description": f"All {len(items):,} items, searchable and filterable in the browser.",
            "filter_options": options, "rows": rows, "total": len(items), "columns": _columns(TRACKER_COLUMNS)}


# -- one item -----------------------------------------------------------------------------------


def item_context(row: dict, *, history: list[dict], revisions: list[dict], links: list[dict],
                 names: Mapping[str, str], documents: Mapping[str, dict], today: dt.date,
                 roles: Mapping[str, str], bodies: list[dict] = (),
                 covered: Mapping[int, list[str]] | None = None) -> dict:
    """An item page's values; ``row`` is the item's annotated row, ``bodies`` its addressees'
    own statuses (``Store.addressee_statuses_of``): the "By addressee" table of the dashboard's
    item page (``tracker.status.addressee_table``), for an item with several; ``covered``: the
    addressees each of its assessments is about, when it names some (``assessment_addressees_of``)."""
    kind = row["kind"]
    status = row["status_label"]
    entries = []
    # Who recorded an entry is said once above the history (the most frequent recorder) and on
    # an entry only when it is someone else: the same sentence ten times over was a tenth of an
    # item page (issue 16: 100,000 pages on disk).
    def recorded_by(name) -> str:
        who = recorder(roles, name)
        return ("from the tracker's first dataset, read from its source" if who == "seed" else
                "by the tracker's staff" if who == "staff" else f"by a tracker {who}")
    said_by = [recorded_by(h["recorded_by"]) for h in history]
    # the most frequent; a tie goes to the first in the history (the same page on every run)
    usual = max(dict.fromkeys(said_by), key=said_by.count) if said_by else ""
    for h, who in zip(reversed(history), reversed(said_by)):
        said = display_status(kind, h["status"], h["response"], h["implementation"])
        if kind == "recommendation":
            said = f"response: {response_label(h['response'])} · implementation: {said}"
        recorded = f"Recorded {h['recorded_at'][:10]}" + ("" if who == usual else f" {who}")
        correction = ""
        if h.get("correction_reason") is not None:  # issue 13: kept, struck through, not counted
            by = recorder(roles, h["corrected_by"])
            correction = (f"Corrected by {'the tracker' + chr(39) + 's staff' if by == 'staff' else 'a tracker ' + by} "
                          f"on {h['corrected_at'][:10]}: {h['correction_reason']}")
        entries.append({"date": date_label(h["assessed_on"], h.get("assessed_on_precision") or "day"), "said": said,
                        "evidence": h["evidence"], "url": web_url(h.get("evidence_url")),
                        "document": documents.get(h.get("evidence_document_id")), "recorded": recorded,
                        "correction": correction,
                        # issue 13: an assessment of some addressees only says so, as on the dashboard
                        "about": "; ".join(names.get(a, a) for a in (covered or {}).get(h["id"], []))})
    deadline_rows = timeline.deadline_rows(revisions)
    deadline_line = ""
    if deadline_rows:
        current = deadline_rows[-1]
        end = current["deadline_end"]
        deadline_line = current["deadline_label"] or "none"
        if end is not None and row["is_open"] and end < today:
            deadline_line += f", passed {(today - end).days:,} days ago with the item still open"
    link_rows = []
    for link in links:
        year = str(link["other_made"])[:4]
        if link["direction"] == "outgoing":
            phrase = f"This item {link['kind']} a {link['other_kind']} of {year}"
        else:
            phrase = f"A {link['other_kind']} of {year} {link['kind']} this item"
        link_rows.append({**link, "phrase": phrase})
    return {
        "item": row,
        "source": documents.get(row["document_id"]),
        "origin": documents.get(row.get("origin_document_id")) if row.get("origin_document_id") else None,
        "makers": names_of(row.get("makers"), names),
        "owners": names_of(row.get("owners"), names),
        "themes": ", ".join(split_list(row.get("themes"))),
        "history": entries,
        "recorded_note": (f"Recorded {usual}{', unless an entry says otherwise' if len(set(said_by)) > 1 else ''}; "
                          "each entry gives the day." if entries else ""),
        "deadlines": deadline_rows,
        "deadline_line": deadline_line,
        "links": link_rows,
        "status": status,
        "by_addressee": addressee_table(row["kind"], list(bodies)),  # issue 13: None for one body
        "rollup_note": ROLLUP_NOTE,
    }
