"""``publish``: the whole edition from a database, written beside the last one and swapped in."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import pickle
import subprocess
import sys
import time
from contextlib import contextmanager
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from .. import about, currency, feed
from .. import changes as record_changes
from ..errors import InvalidInputError
from ..dates import date_label, long_date
from ..frames import DERIVED_COLUMNS
from ..models import split_list
from ..status import STATUS_COLOURS
from ..store import Store
from . import content, pages
from .dictionary import CSV_FILES, JSON_FILE, SQLITE_TABLES
from .files import EditionWriter, current_edition, editions_folder, publishing, read_manifest
from .opendata import SQLITE_FILE, STATUS_SOURCE_COLUMNS, open_data_job, write_open_data
from .render import environment, page_name, script_json, web_url
from .site import edition_settings

#: What changed lists the changes recorded in this many days before the edition's day (at most
#: ``CHANGES_LISTED`` of them, newest first; the feed as many as ``tracker.feed`` holds).
CHANGES_DAYS = 30
CHANGES_LISTED = 200
NAV = (("index.html", "Overview"), ("gaps.html", "Gaps"), ("tracker.html", "Tracker"), ("sources.html", "Sources"),
       ("changes.html", "What changed"), ("about.html", "About"), ("data.html", "Open data"))
#: Items whose history is read and rendered at once (bounded memory at any size).
ITEM_BATCH = 2000
#: Sitemaps hold at most 50,000 addresses each (sitemaps.org).
SITEMAP_LIMIT = 50_000
_HERE = Path(__file__).resolve().parent


@dataclass
class PublishResult:
    directory: Path
    edition: Path
    data_version: int
    items: int
    items_rendered: int
    files_written: int
    files_linked: int
    seconds: float


def _code_version() -> str:
    """A hash of the templates, assets and code the pages are made from: when any of them
    changes, every page is made again."""
    digest = hashlib.sha256()
    for folder in (_HERE, _HERE / "templates", _HERE / "static", _HERE.parent.parent / "dashboard"):
        for path in sorted(folder.glob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".xml", ".svg", ".css", ".js"):
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _normal_base_url(base_url: str | None) -> str | None:
    if base_url is None or base_url == "":
        return None
    if web_url(base_url) is None:
        raise InvalidInputError(f"--base-url must be an http(s) address, not {base_url!r}")
    return base_url.rstrip("/") + "/"


def publish(store: Store, directory: str | Path, *, base_url: str | None = None,
            today: dt.date | None = None, site_name: str | None = None) -> PublishResult:
    """Write the edition of the record in ``store`` to ``directory`` (a symbolic link to the
    edition's folder, swapped at once when done), rewriting only what changed since the last
    edition there. ``base_url``: the address the edition will be served from, for the feed,
    the sitemap and link previews. Raises InvalidInputError for a bad ``base_url`` or a
    ``directory`` that is not an edition, and the store's errors."""
    started = time.perf_counter()
    with _fewer_collections():
        return _publish(store, directory, base_url=base_url, today=today, site_name=site_name, started=started)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cycle collector runs less often while an edition is made (and leaves what was
    loaded before out of its passes): a publish allocates millions of short-lived objects, freed by reference
    counting, and at 100,000 items the collector's passes over them were 8% of an incremental
    publish. The thresholds are put back after."""
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(200_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _publish(store: Store, directory: str | Path, *, base_url: str | None, today: dt.date | None,
             site_name: str | None, started: float) -> PublishResult:
    directory = Path(directory).absolute()
    base_url = _normal_base_url(base_url)
    today = today or dt.date.today()
    current_edition(directory)  # refuses a folder it did not write before anything is made
    with publishing(directory) as lock, store.reading():
        previous = current_edition(directory)
        manifest = read_manifest(previous)
        record = content.read_record(store, today=today)
        published_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        settings = edition_settings(base_url, site_name)
        site_name = settings.name
        found = currency.currency(store)
        published = (f"Published {long_date(today)} from the record as it stood then (data version "
                     f"{record.data_version:,}).")
        site = {"name": site_name, "base_url": base_url, "nav": NAV, "currency": published,
                "currency_line": currency.currency_line(found)}
        documents = {
            d["id"]: {**d, "published": date_label(d["published_start"], d["published_precision"])}
            for d in record.documents.to_dict("records")
        }
        global_key = hashlib.sha256(json.dumps(
            [_code_version(), repr(settings), today.isoformat(), sorted(record.names.items()),
             sorted(record.roles.items()),
             sorted((k, sorted((kk, str(vv)) for kk, vv in v.items())) for k, v in documents.items())],
            default=str).encode()).hexdigest()
        writer = EditionWriter(directory, previous, manifest)
        beside = None
        try:
            env = environment()
            plan = _plan_items(writer, record, global_key)
            same_data = (manifest.get("data_version") == record.data_version
                         and manifest.get("global_key") == global_key)
            # the few item columns the open data reads (the whole frame is large to hand over)
            columns = [c for c in STATUS_SOURCE_COLUMNS if c in record.items.columns]
            open_data = {"items": record.items[columns], "names": record.names, "roles": record.roles, "title": site_name,
                         "base_url": base_url, "item_keys": plan.data_keys,
                         "cache": editions_folder(directory) / ".cache", "unchanged": same_data}
            beside = _start_open_data(store, record, writer, open_data, lock)
            rendered = _render_items(writer, env, store, record, site, documents, plan)
            changes = record_changes.changes_since(store, today - dt.timedelta(days=CHANGES_DAYS))
            credits = {page: currency.chart_credit(settings, page, found, today)
                       for page in ("overview", "gaps", "sources")}
            _write_pages(writer, env, record, site, settings, changes, credits, published_at)
            running, beside = beside, None
            _finish_open_data(running, store, record, writer, open_data)
            _write_data_page(writer, env, site)
            _write_assets(writer)
            edition = writer.finish({
                "data_version": record.data_version, "published_at": published_at.isoformat(),
                "today": today.isoformat(), "base_url": base_url, "global_key": global_key,
            })
        except BaseException:
            _stop_open_data(beside)  # it stops writing into the edition before the edition goes
            writer.abandon()
            raise
    return PublishResult(directory=directory, edition=edition, data_version=record.data_version,
                         items=len(record.items), items_rendered=rendered, files_written=writer.written,
                         files_linked=writer.linked, seconds=time.perf_counter() - started)


def _page(env, template: str, path: str, site: dict, **context) -> str:
    root = "../" * path.count("/")
    return env.get_template(template).render(site=site, path=path, root=root, **context)


def _item_links(record: content.Record) -> dict[str, list[dict]]:
    """Each item's links in both directions, with the other item's id, title, kind and date made,
    ordered by that date (as ``Store.links_of``)."""
    # plain lists: Series.to_dict and iterating Arrow-backed columns cost seconds at 100,000 items
    ids = record.items["id"].tolist()
    titles, kinds, made = (dict(zip(ids, record.items[c].tolist())) for c in ("title", "kind", "made_start"))
    found: dict[str, list[dict]] = {}
    links = record.links
    for source, kind, target, note in zip(links["source_id"].tolist(), links["kind"].tolist(),
                                          links["target_id"].tolist(), links["note"].tolist()):
        note = note if isinstance(note, str) else None
        found.setdefault(source, []).append({"direction": "outgoing", "kind": kind, "note": note, "other_id": target,
                                             "other_title": titles[target], "other_kind": kinds[target],
                                             "other_made": made[target]})
        found.setdefault(target, []).append({"direction": "incoming", "kind": kind, "note": note, "other_id": source,
                                             "other_title": titles[source], "other_kind": kinds[source],
                                             "other_made": made[source]})
    for links in found.values():
        links.sort(key=lambda lk: lk["other_made"])
    return found


def _badge(row: dict) -> dict:
    """The status badge of an item: "status | delivered", coloured as on every chart."""
    label = "response" if row["kind"] == "recommendation" and row["status_label"] == "not yet assessed" else "status"
    value = row["status_label"] if label == "status" else row["response_label"]
    if row["kind"] == "finding":
        label, value = "finding", "no status"
    fill = STATUS_COLOURS.get(value, "#777777")
    dark = {"#0072B2", "#D55E00", "#009E73", "#777777", "#CC79A7"}
    left = 7 * len(label) + 12
    return {"label": label, "value": value, "fill": fill, "ink": "#ffffff" if fill in dark else "#000000",
            "left": left, "width": left + 7 * len(value) + 12}


def _records(frame) -> list[dict]:
    """``frame``'s rows as dicts of plain values (None for missing): a column at a time, since
    iterating Arrow-backed cells one by one costs seconds at 100,000 items."""
    columns = {}
    for name in frame.columns:
        column = frame[name]
        values = column.astype(object).tolist()
        missing = column.isna().to_numpy()
        if missing.any():  # only the missing cells are looked at, not every cell of every column
            for n in missing.nonzero()[0].tolist():
                values[n] = None
        columns[name] = values
    names = list(columns)
    return [dict(zip(names, row)) for row in zip(*columns.values())]


@dataclass
class ItemPlan:
    """Every item's row, links and keys, and those whose page must be made (``_plan_items``)."""
    links: dict[str, list[dict]]
    keys: dict[str, str]
    data_keys: dict[str, str]
    files: dict[str, tuple[str, str]]
    stale: list[dict]


def _plan_items(writer, record, global_key) -> ItemPlan:
    """The key of every item's page and of what it holds; the items whose page, embed and badge
    the writer's slot (or the other slot, linked now) does not hold as of their key."""
    links = _item_links(record)
    frame = record.items
    # What the item holds (its stored fields and links): the key of its exported JSON; with what
    # its page adds (the derived columns, which move with the day, and the edition's own settings
    # and code): the key of its page. The columns are hashed by pandas a column at a time (64
    # bits a row, the same in every process and run), not row by row in Python: at 100,000 items
    # that was 3 of an incremental publish's 30 seconds.
    derived = [c for c in DERIVED_COLUMNS if c in frame.columns]
    stored = [c for c in frame.columns if c not in set(DERIVED_COLUMNS)]
    stored_hashes = pd.util.hash_pandas_object(frame[stored], index=False).tolist() if len(frame) else []
    derived_hashes = pd.util.hash_pandas_object(frame[derived], index=False).tolist() if len(frame) else []
    keys, data_keys, files, stale_ids = {}, {}, {}, []
    for item_id, stored_hash, derived_hash in zip(frame["id"].tolist(), stored_hashes, derived_hashes):
        item_links = links.get(item_id)
        data_key = hashlib.sha256(repr((stored, stored_hash, item_links)).encode()).hexdigest()[:32]
        key = hashlib.sha256(repr((global_key, data_key, derived, derived_hash)).encode()).hexdigest()[:32]
        data_keys[item_id] = data_key
        keys[item_id] = key
        name = page_name(item_id)
        files[item_id] = (f"items/{name}.html", f"badges/{name}.svg")
        if not writer.item_current(files[item_id], item_id, key):
            stale_ids.append(item_id)
    stale = _records(frame[frame["id"].isin(stale_ids)]) if stale_ids else []
    return ItemPlan(links=links, keys=keys, data_keys=data_keys, files=files, stale=stale)


def _render_items(writer, env, store, record, site, documents, plan: ItemPlan) -> int:
    """The page, embed and badge of every item ``plan`` found stale, into the writer's slot;
    returns how many pages were made."""
    links, stale = plan.links, plan.stale
    # An item page is kept from edition to edition while the item is unchanged, so its footer
    # names the day only, not the edition's data version or last change.
    site = {**site, "currency": f"Published {long_date(record.today)}.", "currency_line": None}
    item_page = env.get_template("item.html")
    badge_svg = env.get_template("badge.svg")
    shared_badges: set[str] = set()
    for start in range(0, len(stale), ITEM_BATCH):
        batch = stale[start:start + ITEM_BATCH]
        ids = [row["id"] for row in batch]
        history = store.history_of(ids)
        revisions = store.deadline_revisions_of(ids)
        # issue 13: each addressee's own status, for the "By addressee" table. Its changes need
        # no key of their own: every write that changes a body's status (an assessment, a
        # correction, the item's owners) bumps the item's version, which is in its key.
        several = [row["id"] for row in batch if row["kind"] != "finding" and len(split_list(row.get("owners"))) > 1]
        bodies = store.addressee_statuses_of(several)
        covered = store.assessment_addressees_of(several)
        for row in batch:
            name = page_name(row["id"])
            badge = _badge(row)
            context = pages.item_context(row, history=history.get(row["id"], []),
                                         revisions=revisions.get(row["id"], []), links=links.get(row["id"], []),
                                         names=record.names, documents=documents, today=record.today,
                                         roles=record.roles, bodies=bodies.get(row["id"], []),
                                         covered=covered)
            badge_text = f"{badge['label']}: {badge['value']}"
            writer.write_item_file(f"items/{name}.html", item_page.render(
                site=site, path=f"items/{name}.html", root="../", title=row["title"], og_type="article",
                description=f"{row['kind'].capitalize()} made {row['made_label']}; {badge_text}.",
                badge_text=badge_text, badge_width=badge["width"],
                **context).encode("utf-8"))
            # Badges are the same for every item with the same status: one file per status, and
            # each item's badge a hard link to it (its own address, no space of its own).
            shared = f"badges/status/{page_name(badge['label'] + '-' + badge['value'].replace(' ', '-'))}.svg"
            if shared not in shared_badges:
                (writer.slot / "badges" / "status").mkdir(exist_ok=True)
                writer.write_item_file(shared, badge_svg.render(**badge).encode("utf-8"))
                shared_badges.add(shared)
            writer.link_item_file(f"badges/{name}.svg", shared)
    writer.finish_items(plan.keys, plan.files)
    return len(stale)




#: From this many items the open data is written by a process of its own, beside the pages
#: (below that, starting the process costs more than it saves).
OPEN_DATA_PROCESS_FROM = 5_000


def _cores() -> int:
    """The cores this process may run on (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _start_open_data(store, record, writer, open_data: dict, lock: int | None):
    """Start writing the open data in another process (``python -m tracker.publish.worker``,
    which runs ``opendata.open_data_job``) when the record is large and a second core is free
    to us; it is given the publish's lock (``lock``, a descriptor). Returns (process, result
    path), or None: the publish then writes the open data itself."""
    if len(record.items) < OPEN_DATA_PROCESS_FROM or _cores() < 2 or not store.path.is_file():
        return None
    job_path, result_path = writer.scratch("open-data.job"), writer.scratch("open-data.result")
    job = {"db": str(store.path), "data_version": record.data_version, "writer": writer.detached(),
           "args": open_data}
    job_path.write_bytes(pickle.dumps(job))
    package_root = str(Path(__file__).resolve().parents[2])  # where `tracker` is imported from
    path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker.publish.worker", str(job_path), str(result_path)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": path},
            pass_fds=() if lock is None else (lock,))
    except OSError:  # no process to be had: written here
        return None
    return process, result_path


def _finish_open_data(running, store, record, writer, open_data: dict) -> None:
    """Wait for the open data started beside the pages and take back what it wrote; write it
    here when it was not started, or the record moved on since the publish read it, or the
    process died (its error, when it raised one, is the publish's)."""
    done = None
    if running is not None:
        process, result_path = running
        process.wait()
        try:
            kind, value = pickle.loads(result_path.read_bytes())
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
            kind, value = "died", None  # killed (out of memory?): written here instead
        if kind == "error":
            raise value
        done = value if kind == "done" else None
    if done is None:
        write_open_data(writer, store, data_version=record.data_version, **open_data)
    else:
        _, hashes, written, linked = done
        writer.merge(hashes, written, linked)


def _stop_open_data(running) -> None:
    """The publish failed: the open data's process stops before the new edition is removed."""
    if running is not None:
        process, _ = running
        process.kill()
        process.wait()


def _write_pages(writer, env, record, site, settings, changes, credits, published_at) -> None:
    cache = pages.ChartCache(editions_folder(writer.directory) / ".cache" / "charts.json", _code_version())
    overview = pages.overview_context(record, cache, credits["overview"])
    gaps = pages.gaps_context(record, cache, credits["gaps"])
    sources = pages.sources_context(record, cache, credits["sources"])
    cache.save()
    tracker = pages.tracker_context(record)
    writer.write("index.html", _page(env, "overview.html", "index.html", site, **overview))
    writer.write("gaps.html", _page(env, "gaps.html", "gaps.html", site, **gaps))
    writer.write("sources.html", _page(env, "sources.html", "sources.html", site, **sources))
    writer.write("tracker.html", _page(env, "tracker.html", "tracker.html", site, **tracker))
    writer.write("data/items.js", f"window.EDITION_ITEMS = {script_json(pages.tracker_data(record))};\n")
    listed = changes[:CHANGES_LISTED]
    writer.write("changes.html", _page(
        env, "changes.html", "changes.html", site, title="What changed",
        description=f"Changes recorded in the {CHANGES_DAYS} days to {long_date(record.today)}.",
        changes=[{"change": c, "href": settings.page_url("item", id=c.item_id) if c.item_id else
                  settings.page_url("sources", doc=c.document_id) if c.document_id else None,
                  "when": long_date(c.recorded_on)} for c in listed],
        counts=record_changes.counts_line(changes), days=CHANGES_DAYS, total=len(changes)))
    writer.write("about.html", _page(
        env, "about.html", "about.html", site, title="About this record",
        description="What the statuses mean, how the record is kept, and what this edition is.",
        keeper=about.keeper_line(settings), report_error=about.report_error_line(settings),
        contact=settings.contact, contact_link=settings.contact_link, licence=about.licence_line(settings),
        licence_url=settings.licence_url, vocabularies=about.vocabularies(), method=about.METHOD))
    base = site["base_url"]
    writer.write("feed.xml", feed.atom_feed(changes, settings=settings, feed_url=f"{base}feed.xml" if base else None,
                                            updated=changes[0].recorded_at if changes else published_at))
    charts = {c.name: (c, page) for page, ctx in (("index.html", overview), ("sources.html", sources))
              for c in ctx["charts"].values() if c is not None}
    charts.update({c.name: (c, "gaps.html") for c in gaps["charts"].values() if c is not None})
    charts.update({ch["chart"].name: (ch["chart"], "gaps.html") for ch in gaps["chains"]})
    for name, (chart, page) in charts.items():
        back = f"{base}{page}#chart-{name}" if base else f"../../{page}#chart-{name}"
        writer.write(f"embed/charts/{name}.html", env.get_template("embed_chart.html").render(
            site=site, chart=chart, back=back))
    _write_sitemap(writer, env, record, base)


def _write_sitemap(writer, env, record, base: str | None) -> None:
    pages_ = [href for href, _ in NAV] + [f"items/{page_name(i)}.html" for i in record.items["id"]]
    locations = [f"{base or ''}{p}" for p in pages_]
    template = env.get_template("sitemap.xml")
    if len(locations) <= SITEMAP_LIMIT:
        writer.write("sitemap.xml", template.render(locations=locations))
        return
    parts = []
    for n, start in enumerate(range(0, len(locations), SITEMAP_LIMIT), start=1):
        writer.write(f"sitemaps/sitemap-{n}.xml", template.render(locations=locations[start:start + SITEMAP_LIMIT]))
        parts.append(f"{base or ''}sitemaps/sitemap-{n}.xml")
    index = ('<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/'
             'sitemap/0.9">\n' + "".join(f"  <sitemap><loc>{p}</loc></sitemap>\n" for p in parts)
             + "</sitemapindex>\n")
    writer.write("sitemap.xml", index)


def _write_data_page(writer, env, site) -> None:
    def size(path: str) -> str:
        n = (writer.root / path).stat().st_size
        return f"{n / 1e6:,.1f} MB" if n >= 1e6 else f"{max(n / 1e3, 0.1):,.1f} kB"

    files = [{"path": f.path, "title": f.title, "description": f.description, "columns": f.columns,
              "anchor": f.path.split("/")[-1].replace(".", "-"), "size": size(f.path)}
             for f in (*CSV_FILES, JSON_FILE)]
    files.append({"path": SQLITE_FILE, "title": "The SQLite database", "description": "", "columns": None,
                  "anchor": "sqlite", "size": size(SQLITE_FILE)})
    files.append({"path": "data/metadata.json", "title": "Datasette metadata for the SQLite database",
                  "description": "", "columns": None, "anchor": "metadata", "size": size("data/metadata.json")})
    writer.write("data.html", _page(env, "data.html", "data.html", site, title="Open data",
                                    description="The whole record as CSV, JSON and SQLite, with a data dictionary.",
                                    files=files, tables=SQLITE_TABLES))


def _favicon() -> bytes:
    """A 16 x 16 icon in the chart blue (a PNG inside an ICO), so browsers asking for
    /favicon.ico (they do, even for the feed) find one."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes((0x00, 0x72, 0xB2)) * 16 for _ in range(16))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 16, 16, 0, 0, 1, 24, len(png), 22) + png


def _write_assets(writer) -> None:
    writer.write("favicon.ico", _favicon())
    for name in ("edition.css", "charts.js", "tracker.js", "item.js"):
        writer.write(f"assets/{name}", (_HERE / "static" / name).read_bytes())
    plotly_js = resources.files("plotly") / "package_data" / "plotly.min.js"
    writer.write("assets/plotly.min.js", plotly_js.read_bytes())
