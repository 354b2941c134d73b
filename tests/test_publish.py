"""`tracker publish`: the static edition shows the dashboard's figures, holds no staff data,
escapes stored text, describes every data file, and republishes only what changed."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker import auth
from tracker.cli import cli
from tracker.models import Assessment, ItemFields, UserIn
from tracker.publish import publish
from tracker.publish.dictionary import CSV_FILES, SQLITE_TABLES
from tracker.publish.render import page_name
from tracker.store import Store
from tracker.synthetic import generate

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date.today()


def figures_in(html: str) -> dict[str, int | str]:
    """The ``data-figure`` values of a page, by key (numbers as ints)."""
    return {key: int(value.replace(",", "")) if re.fullmatch(r"[0-9,]+", value) else value
            for key, value in re.findall(r'<dd data-figure="([a-z_]+)">([^<]+)</dd>', html)}


def edition_files(site: Path) -> list[Path]:
    """Every file of the edition, following its links (items/ and badges/ are symbolic links
    to the folder of item pages it uses)."""
    return [Path(folder) / name for folder, _, names in os.walk(site.resolve(), followlinks=True) for name in names]


def unzipped(path: Path) -> str:
    """An open data file of the edition (gzip-compressed) as text, without a byte-order mark."""
    return gzip.decompress(path.read_bytes()).decode("utf-8-sig")


def embedded_figure(html: str, name: str) -> dict:
    found = re.search(rf'<script type="application/json" id="fig-{re.escape(name)}">(.*?)</script>', html, re.S)
    assert found, f"no figure {name}"
    return json.loads(found.group(1))


def dashboard_view(db: Path, monkeypatch) -> dict:
    """What the dashboard's data layer gives for ``db`` (the calls its pages make)."""
    monkeypatch.setenv("TRACKER_DB", str(db))
    from dashboard import charts, data

    snap = data.snapshot()
    head = data.headline(snap)
    found = data.gap_tables(snap)
    names = data.actor_names(snap)
    owner_card = data.scorecard(snap, by="owner", kinds=("commitment", "recommendation"))
    theme_card = data.scorecard(snap, by="theme", kinds=("commitment", "recommendation", "call"))
    return {
        # as the dashboard's overview shows them: "no deadlines" when no open item has one
        "headline": {"trackable": head.trackable, "findings": head.findings, "delivered": head.delivered,
                     "not_delivered": head.not_delivered,
                     "overdue": head.overdue if head.open_with_deadline else "no deadlines",
                     "awaiting_response": head.awaiting_response, "open": head.open},
        "gaps": {name: found[f"{name}_count"] for name in ("delivery", "response", "evidence", "chains", "claimed")},
        "owner_chart": charts.status_bars(
            owner_card, title="Commitments and recommendations by owner or addressee, by status",
            group_title="Actor", subtitle="An item with several owners counts once for each"),
        "theme_chart": charts.status_bars(
            theme_card, title="Commitments, recommendations and calls in each theme, by status", group_title="Theme"),
        "longest": list(data.longest_open(snap, limit=10)["id"]),
        "sources": data.source_scorecard(snap),
        "names": names,
        "past_deadline": data.past_deadline(snap),
    }


def traces(figure: dict) -> list[tuple]:
    return [(t.get("name"), tuple(t.get("x") or ()), tuple(t.get("y") or ())) for t in figure["data"]]


def assert_same_as_dashboard(db: Path, site: Path, monkeypatch) -> None:
    expected = dashboard_view(db, monkeypatch)
    overview = (site / "index.html").read_text(encoding="utf-8")
    shown = figures_in(overview)
    assert shown == {k: v for k, v in expected["headline"].items() if k != "open"}
    assert f"{expected['headline']['open']:,} items are still open" in overview
    assert figures_in((site / "gaps.html").read_text(encoding="utf-8")) == expected["gaps"]
    assert traces(embedded_figure(overview, "scorecard-by-owner")) == traces(
        json.loads(expected["owner_chart"].to_json()))
    assert traces(embedded_figure(overview, "status-by-theme")) == traces(
        json.loads(expected["theme_chart"].to_json()))
    for item_id in expected["longest"]:
        assert f'href="items/{item_id}.html"' in overview
    # the past-deadline section lists the dashboard's overdue items, in its order (issue 13)
    late = expected["past_deadline"]
    section = (site / "gaps.html").read_text(encoding="utf-8").split('id="past-deadline"')[1].split('id="delivery"')[0]
    assert re.findall(r'href="items/([^"]+)\.html"', section) == [page_name(i) for i in late["rows"]["id"]]
    assert late["count"] == (expected["headline"]["overdue"] if late["count"] else 0)
    if late["count"]:
        assert f"<strong>{late['count']:,}</strong> open item" in section


@pytest.fixture
def seeded_edition(seeded_db, tmp_path):
    site = tmp_path / "site"
    with Store(seeded_db) as store:
        result = publish(store, site, base_url="https://example.org/tracker/")
    return seeded_db, site, result


def test_edition_of_the_seeds_shows_the_dashboards_figures(seeded_edition, monkeypatch):
    db, site, result = seeded_edition
    assert result.items == 33 and result.items_rendered == 33
    assert_same_as_dashboard(db, site, monkeypatch)
    for page in ("index.html", "gaps.html", "tracker.html", "sources.html", "changes.html", "about.html",
                 "data.html", "feed.xml", "sitemap.xml", "assets/plotly.min.js"):
        assert (site / page).is_file(), page
    with Store(db) as store:
        ids = sorted(store.item_ids())
    for item_id in ids:
        for path in (f"items/{item_id}.html", f"badges/{item_id}.svg"):
            assert (site / path).is_file(), path


def test_edition_of_generated_data_after_writes_shows_the_dashboards_figures(tmp_path, monkeypatch):
    db = tmp_path / "generated.db"
    with Store(db) as store:
        generate(store, items=300, seed=3, chunk_size=150)
        frame = store.items_frame()
        for item_id in frame[frame["kind"] == "commitment"]["id"].head(12):
            store.record_assessment(item_id, Assessment(status="delivered", evidence="Seen.", assessed_on=TODAY),
                                    expected_version=None, by="t")
        publish(store, tmp_path / "site")
    assert_same_as_dashboard(db, tmp_path / "site", monkeypatch)


def test_chains_from_the_annotated_record_are_those_read_from_the_store(tmp_path):
    """The edition makes the chains from the annotated record it already holds
    (``record_chains(annotated=...)``) instead of reading the ends of links again: the same chains."""
    from tracker import frames, gaps

    with Store(tmp_path / "generated.db") as store:
        generate(store, items=300, seed=5, chunk_size=150)
        annotated = frames.annotate(store.items_frame(include_quote=True), today=TODAY)
        read = gaps.record_chains(store, today=TODAY)
        reused = gaps.record_chains(store, today=TODAY, annotated=annotated)
    assert read, "the generated record has chains"
    assert [(c.item_ids, c.first_made, c.last_made, c.open_count) for c in reused] == [
        (c.item_ids, c.first_made, c.last_made, c.open_count) for c in read]
    assert gaps.chain_summary(reused).equals(gaps.chain_summary(read))


def test_republishing_rewrites_only_what_changed_and_swaps_at_once(seeded_edition):
    db, site, first = seeded_edition
    assert site.is_symlink()
    with Store(db) as store:
        unchanged = publish(store, site, base_url="https://example.org/tracker/")
        assert unchanged.items_rendered == 0 and unchanged.files_written == 0
        first_edition = site.resolve()
        changed = sorted(store.item_ids())[:3]
        for item_id in changed:
            item = store.get_item(item_id)
            if item["kind"] == "finding":
                store.update_item(item_id, ItemFields(**{**{k: item[k] for k in (
                    "kind", "quote", "document_id", "done_when")}, "title": item["title"] + " (renamed)",
                    "makers": item["makers"].split("; "), "made": item["made_start"]}),
                    expected_version=item["version"], by="t")
            else:
                status = {"recommendation": {"response": "accepted"}}.get(item["kind"], {"status": "stalled"})
                store.record_assessment(item_id, Assessment(**status, evidence="New evidence.", assessed_on=TODAY),
                                        expected_version=None, by="t")
        second = publish(store, site, base_url="https://example.org/tracker/")
    # the changed items, and the items whose pages name a renamed finding
    assert 3 <= second.items_rendered < second.items
    assert second.files_linked > second.files_written
    second_edition = site.resolve()
    assert second_edition != first_edition and first_edition.is_dir()  # the previous one stays for readers
    with Store(db) as store:
        untouched = sorted(set(store.item_ids()) - set(changed))
    same = [i for i in untouched if (first_edition / f"items/{i}.html").stat().st_ino
            == (second_edition / f"items/{i}.html").stat().st_ino]
    assert len(same) >= second.items - second.items_rendered  # not rewritten: the same file
    for item_id in changed:
        assert (first_edition / f"items/{item_id}.html").read_bytes() != (
            second_edition / f"items/{item_id}.html").read_bytes()
    with Store(db) as store:
        publish(store, site)
    assert not first_edition.exists()  # two editions back: removed


def test_no_staff_data_in_the_edition(seeded_db, tmp_path):
    with Store(seeded_db) as store:
        auth.create_user(store, UserIn(username="zq-staffer-7", display_name="Alice Secretname",
                                       email="alice.secret@example.org", role="editor"),
                         "correct horse battery staple", by="admin")
        token = auth.sign_in(store, "zq-staffer-7", "correct horse battery staple").token  # a session, audit rows
        frame = store.items_frame()
        store.record_assessment(frame[frame["kind"] == "commitment"]["id"].iloc[0],
                                Assessment(status="stalled", evidence="Seen by staff.", assessed_on=TODAY),
                                expected_version=None, by="zq-staffer-7")
        for _ in range(2):  # sign-in attempts
            with pytest.raises(auth.AuthenticationError):
                auth.sign_in(store, "nobody-here", "wrong password here")
        publish(store, tmp_path / "site")
        hashes = [r["password_hash"] for r in store._rows("SELECT password_hash FROM users")]
    assert token
    published = tmp_path / "published.db"
    published.write_bytes(gzip.decompress((tmp_path / "site" / "data" / "tracker.db.gz").read_bytes()))
    conn = sqlite3.connect(published)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert tables.isdisjoint(Store.STAFF_TABLES) and "items" in tables
    assert not Path(tmp_path / "site" / "data" / "tracker.db.gz-wal").exists()
    import csv

    with gzip.open(tmp_path / "site" / "data" / "history.csv.gz", "rt", encoding="utf-8-sig", newline="") as handle:
        recorded = {row["evidence"]: row["recorded_by"] for row in csv.DictReader(handle)}
    assert recorded["Seen by staff."] == "editor"  # by role, never the username
    secrets = [b"Alice Secretname", b"alice.secret@example.org", b"zq-staffer-7", *(h.encode() for h in hashes if h)]
    for path in edition_files(tmp_path / "site"):
        if path.is_file():
            data = path.read_bytes()
            data = gzip.decompress(data) if path.suffix == ".gz" else data  # the open data is compressed
            for secret in secrets:
                assert secret not in data, f"{secret!r} in {path}"


def test_a_table_nobody_classified_stops_the_publish(seeded_db, tmp_path):
    conn = sqlite3.connect(seeded_db)
    conn.execute("CREATE TABLE reviewer_notes (note TEXT)")
    conn.commit()
    conn.close()
    result = CliRunner().invoke(cli, ["--db", str(seeded_db), "publish", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert "reviewer_notes" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "site").exists()


def test_stored_text_is_escaped_everywhere(seeded_db, tmp_path):
    hostile = '</script><script>alert(1)</script><img src=x onerror=alert(2)> & "quotes"'
    with Store(seeded_db) as store:
        item_id = sorted(store.item_ids())[0]
        item = store.get_item(item_id)
        store.update_item(item_id, ItemFields(
            kind=item["kind"], title=hostile, quote=item["quote"], document_id=item["document_id"],
            makers=item["makers"].split("; "), owners=[o for o in item["owners"].split("; ") if o],
            themes=[t for t in item["themes"].split("; ") if t], made=item["made_start"]),
            expected_version=item["version"], by="t")
        publish(store, tmp_path / "site")
    site = tmp_path / "site"
    for path in edition_files(site):
        if path.suffix in (".html", ".xml", ".svg", ".js") and path.name != "plotly.min.js":
            text = path.read_text(encoding="utf-8")
            assert "<script>alert(1)" not in text and "<img src=x" not in text, path
    page = (site / f"items/{item_id}.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_every_data_file_and_column_is_described(seeded_edition):
    _, site, _ = seeded_edition
    for data_file in CSV_FILES:
        header = unzipped(site / data_file.path).splitlines()[0].split(",")
        assert header == list(data_file.columns), data_file.path
    database = site.parent / "tracker.db"
    database.write_bytes(gzip.decompress((site / "data" / "tracker.db.gz").read_bytes()))
    conn = sqlite3.connect(database)
    for table in [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]:
        columns = [c[1] for c in conn.execute(f"PRAGMA table_info([{table}])")]
        assert table in SQLITE_TABLES, table
        assert set(columns) == set(SQLITE_TABLES[table][1]), table
    conn.close()
    metadata = json.loads((site / "data" / "metadata.json").read_text())
    assert metadata["databases"]["tracker"]["tables"]["items"]["columns"]["quote"]
    page = (site / "data.html").read_text(encoding="utf-8")
    for data_file in CSV_FILES:
        assert data_file.path in page


def test_the_published_file_leaves_out_the_derived_tables_and_the_tracker_refuses_it(seeded_edition, tmp_path):
    """The status periods are derived from the history (and were two thirds of the file at
    100,000 items): the published SQLite file leaves them out, its facts are whole, and the
    tracker opening it says what it is and what to do instead, without changing the file."""
    db, site, _ = seeded_edition
    database = tmp_path / "published.db"
    database.write_bytes(gzip.decompress((site / "data" / "tracker.db.gz").read_bytes()))
    with sqlite3.connect(database) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assessed = conn.execute("SELECT count(*) FROM assessments").fetchone()[0]
    conn.close()
    assert tables & Store.DERIVED_TABLES == set() and "assessments" in tables
    with Store(db) as store:
        assert assessed == store.counts()["assessments"]
    before = database.read_bytes()
    result = CliRunner().invoke(cli, ["--db", str(database), "export", "--format", "json"])
    assert result.exit_code != 0 and "Traceback" not in result.output, result.output
    assert "published copy" in result.output and "tracker import" in result.output
    assert database.read_bytes() == before


def test_open_data_reads_back(seeded_edition, tmp_path):
    """The published JSON imports into an empty database and exports the same record."""
    db, site, _ = seeded_edition
    copy = tmp_path / "copy.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(copy), "init", "--empty"]).exit_code == 0
    exported = tmp_path / "tracker.json"
    exported.write_text(unzipped(site / "data" / "tracker.json.gz"), encoding="utf-8")
    result = runner.invoke(cli, ["--db", str(copy), "import", str(exported)])
    assert result.exit_code == 0, result.output
    with Store(copy) as store, Store(db) as original:
        assert store.counts() == original.counts()


def test_cli_publish_and_its_errors(seeded_db, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(seeded_db), "publish", str(tmp_path / "site")])
    assert result.exit_code == 0 and "Published 33 items" in result.output
    bad = runner.invoke(cli, ["--db", str(seeded_db), "publish", str(tmp_path / "x"), "--base-url", "javascript:x"])
    assert bad.exit_code == 1 and "http(s)" in bad.output
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    refused = runner.invoke(cli, ["--db", str(seeded_db), "publish", str(tmp_path / "mine")])
    assert refused.exit_code == 1 and "not an edition" in refused.output
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"
    unwritable = runner.invoke(cli, ["--db", str(seeded_db), "publish", str(tmp_path / "mine" / "notes.txt" / "site")])
    assert unwritable.exit_code == 1 and "cannot write the edition" in unwritable.output
    assert "Traceback" not in unwritable.output


def test_publishing_needs_no_streamlit():
    code = "import sys, tracker.publish, tracker.cli; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "False"


def test_published_json_is_the_export_also_when_made_from_the_last_publish(seeded_edition):
    """tracker.json re-exports only changed items; it must still be exactly `tracker export`."""
    db, site, _ = seeded_edition

    def without_time(text: str) -> str:  # and who recorded (published by role, never username)
        return re.sub(r'"recorded_by": "[^"]+"', "", re.sub(r'"exported_at": "[^"]+"', "", text))

    from tracker import exchange

    with Store(db) as store:
        assert without_time(unzipped(site / "data" / "tracker.json.gz")) == without_time(exchange.export_json(store))
        item_id = sorted(store.item_ids())[1]
        store.record_assessment(item_id, Assessment(status="stalled", response="noted", implementation="not started",
                                                    evidence="Later.", assessed_on=TODAY)
                                if store.get_item(item_id)["kind"] == "recommendation" else
                                Assessment(status="stalled", evidence="Later.", assessed_on=TODAY),
                                expected_version=None, by="t")
        publish(store, site, base_url="https://example.org/tracker/")
        assert without_time(unzipped(site / "data" / "tracker.json.gz")) == without_time(exchange.export_json(store))
        assert "Later." in unzipped(site / "data" / "tracker.json.gz")


def test_the_feed_reads_and_links_into_the_edition(seeded_edition):
    import feedparser

    _, site, _ = seeded_edition
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries
    base = "https://example.org/tracker/"
    for entry in parsed.entries:
        assert entry.link.startswith(base), entry.link
        assert (site / entry.link[len(base):].split("#")[0]).is_file(), entry.link
    changes = (site / "changes.html").read_text(encoding="utf-8")
    assert parsed.entries[0].title.split(": ")[0] in changes.replace("&#39;", "'").replace("&amp;", "&")


def test_a_reader_always_finds_a_whole_edition(seeded_edition):
    """While an edition is being written, the folder keeps pointing at a complete one: every
    look during a publish finds the manifest and every file it lists."""
    import threading

    db, site, _ = seeded_edition
    with Store(db) as store:
        frame = store.items_frame()
        item_id = frame[frame["kind"] == "commitment"]["id"].iloc[0]
        store.record_assessment(item_id, Assessment(status="stalled", evidence="Now.", assessed_on=TODAY),
                                expected_version=None, by="t")
    done = threading.Event()
    seen, problems = set(), []

    def look() -> None:
        while True:
            stop = done.is_set()  # the last look starts after the publish returned
            edition = site.resolve()
            try:
                manifest = json.loads((edition / "edition.json").read_text())
            except (OSError, ValueError) as exc:  # a half-made or missing edition
                problems.append((edition.name, str(exc)))
                if stop:
                    return
                continue
            missing = [path for path in manifest["files"] if not (edition / path).exists()]
            if missing:
                problems.append((edition.name, missing[:3]))
            seen.add(manifest["data_version"])
            if stop:
                return

    reader = threading.Thread(target=look)
    reader.start()
    try:
        with Store(db) as store:
            publish(store, site, base_url="https://example.org/tracker/")
    finally:
        done.set()
        reader.join()
    assert problems == []
    assert len(seen) == 2  # the reader saw the old edition, then the new one, nothing between


# -- history.csv says which assessments were corrected (issue 13) --------------------------------


def _history_csv(site: Path) -> dict[str, dict]:
    import csv

    with gzip.open(site / "data" / "history.csv.gz", "rt", encoding="utf-8-sig", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def test_history_csv_marks_an_assessment_corrected_after_the_last_publish(seeded_edition):
    from tracker.models import Correction

    db, site, _ = seeded_edition
    before = _history_csv(site)
    assert before and {row["corrected"] for row in before.values()} == {"no"}
    assert {row["correction_reason"] for row in before.values()} == {""}
    with Store(db) as store:  # no new account: the roles are unchanged, so the publish patches
        first = min(before, key=int)  # an old row: its CSV member was made by the last publish
        item_id = before[first]["item_id"]
        store.correct_assessment(int(first), Correction(reason="Dated to the wrong report."),
                                 expected_version=store.get_item(item_id)["version"], by="zq-corrector")
        publish(store, site, base_url="https://example.org/tracker/")
    after = _history_csv(site)
    assert set(after) == set(before)  # append-only: the row stays
    row = after[first]
    assert (row["corrected"], row["correction_reason"], row["corrected_by"]) == (
        "yes", "Dated to the wrong report.", "staff")  # no account of that name: never the name
    assert row["corrected_at"][:10] == dt.datetime.now(dt.timezone.utc).date().isoformat()
    assert {r["corrected"] for i, r in after.items() if i != first} == {"no"}
    assert {k: v for k, v in row.items() if not k.startswith("correct")} == \
        {k: v for k, v in before[first].items() if not k.startswith("correct")}


# -- a status per addressee in the edition (issues 13 and 16) ---------------------------------------


def _statuses_csv(site: Path) -> dict[tuple[str, str], dict]:
    import csv

    with gzip.open(site / "data" / "statuses.csv.gz", "rt", encoding="utf-8-sig", newline="") as handle:
        return {(row["item_id"], row["addressee_id"]): row for row in csv.DictReader(handle)}


def _by_addressee(page: str) -> list[list[str]]:
    """The rows of an item page's "By addressee" table, header first, as text."""
    found = re.search(r'<table class="by-addressee">(.*?)</table>', page, re.S)
    assert found, "no By addressee table"
    import html

    return [[html.unescape(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", found.group(1))]


def test_each_addressee_has_its_own_status_in_the_open_data_and_on_the_item_page(seeded_edition):
    import html

    from tracker.models import Document, ItemIn

    db, site, _ = seeded_edition
    with Store(db) as store:
        store.add_document(Document(id="zz-audit", title="An audit", publisher="An audit office",
                                    kind="inspection report", published="2023-12-01"), by="t")
        actors = [a["id"] for a in store.actors()][:3]
        first, second = actors[1], actors[2]
        names = {a["id"]: a["name"] for a in store.actors()}
        store.add_item(ItemIn(id="zz-two-bodies", kind="recommendation", title="Two bodies: share the data",
                              quote="share the data", document_id="zz-audit", makers=[actors[0]],
                              owners=[first, second], made="2023-12"), by="t")
        store.record_assessment("zz-two-bodies", Assessment(
            response="accepted", implementation="in progress", evidence="Both under way.", assessed_on="2024-01-10"),
            expected_version=None, by="t")
        store.record_assessment("zz-two-bodies", Assessment(
            response="accepted", implementation="implemented", evidence="Done, says the progress report.",
            assessed_on="2024-07", addressees=[first]), expected_version=None, by="t")
        publish(store, site, base_url="https://example.org/tracker/")
        rows = _statuses_csv(site)
        done, behind = rows[("zz-two-bodies", first)], rows[("zz-two-bodies", second)]
        assert (done["response"], done["implementation"], done["status_shown"], done["is_open"],
                done["last_assessed_on"]) == ("accepted", "implemented", "implemented", "no", "2024-07")
        assert (behind["implementation"], behind["status_shown"], behind["is_open"], behind["last_assessed_on"]) == (
            "in progress", "in progress", "yes", "2024-01-10")
        assert done["addressee_name"] == names[first]
        page = (site / "items" / "zz-two-bodies.html").read_text(encoding="utf-8")
        assert "<strong>1 of 2 implemented</strong>" in page and "furthest behind" in page
        # the history says whom an assessment of some addressees only is about, as the dashboard does
        latest = page.split('<ol class="history"')[1].split("</li>")[0]
        assert f"About {html.escape(names[first], quote=False)} only" in latest
        assert "About" not in page.split('<ol class="history"')[1].split("</li>")[1]
        assert _by_addressee(page) == [
            ["Body", "Response", "Implementation", "Evidence dated", "Evidence"],
            [names[first], "accepted", "implemented", "July 2024", "Done, says the progress report."],
            [names[second], "accepted", "in progress", "10 January 2024", "Both under way."]]
        # a further change for one body: republished, its row and the page follow; nothing else is remade
        store.record_assessment("zz-two-bodies", Assessment(
            response="accepted", implementation="implemented", evidence="Done too.", assessed_on="2024-09",
            addressees=[second]), expected_version=None, by="t")
        again = publish(store, site, base_url="https://example.org/tracker/")
    assert again.items_rendered == 1
    after = _statuses_csv(site)
    assert (after[("zz-two-bodies", second)]["implementation"], after[("zz-two-bodies", second)]["is_open"],
            after[("zz-two-bodies", second)]["last_assessed_on"]) == ("implemented", "no", "2024-09")
    assert after[("zz-two-bodies", first)] == done
    assert {k: v for k, v in after.items() if k[0] != "zz-two-bodies"} == \
        {k: v for k, v in rows.items() if k[0] != "zz-two-bodies"}
    page = (site / "items" / "zz-two-bodies.html").read_text(encoding="utf-8")
    assert "<strong>2 of 2 implemented</strong>" in page
    assert _by_addressee(page)[2][1:4] == ["accepted", "implemented", "September 2024"]


def test_single_addressee_items_have_no_by_addressee_table_and_their_own_status(seeded_edition):
    db, site, _ = seeded_edition
    rows = _statuses_csv(site)
    with Store(db) as store:
        items = {r["id"]: r for r in store.item_rows()}
    assert rows and all(items[i]["owners"].count(";") == 0 for i, _ in rows if items[i]["owners"])
    for (item_id, _), row in rows.items():  # one body: its own status is the item's
        item = items[item_id]
        assert (row["status"], row["response"], row["implementation"]) == tuple(
            item[k] or "" for k in ("status", "response", "implementation")), item_id
        assert "by-addressee" not in (site / "items" / f"{page_name(item_id)}.html").read_text(encoding="utf-8")


def test_open_data_written_beside_the_pages_is_the_same_as_written_in_turn(seeded_db, tmp_path, monkeypatch):
    """A large record's open data is written by a process of its own while the pages are made
    (``OPEN_DATA_PROCESS_FROM``): the same files, counted the same, as written in turn; a
    record that moved on since the publish read it is left to the publish itself."""
    from tracker.publish import edition
    from tracker.publish.files import EditionWriter
    from tracker.publish.opendata import open_data_job

    manifests, results = {}, {}
    real = edition._start_open_data
    for name, threshold in (("in-turn", 10**9), ("beside", 0)):
        monkeypatch.setattr(edition, "OPEN_DATA_PROCESS_FROM", threshold)
        spawned = []
        monkeypatch.setattr(edition, "_start_open_data", lambda *a: spawned.append(real(*a)) or spawned[-1])
        with Store(seeded_db) as store:
            results[name] = publish(store, tmp_path / name, today=dt.date(2026, 12, 1))
        assert (spawned[0] is not None) == (name == "beside")
        manifests[name] = json.loads((tmp_path / name / "edition.json").read_text())["files"]
    # the JSON's exported_at is the moment each was written
    data = {name: {k: v for k, v in files.items() if k.startswith("data/") and k != "data/tracker.json.gz"}
            for name, files in manifests.items()}
    assert data["beside"] == data["in-turn"] and len(data["beside"]) >= 10
    exported = {name: re.sub(r'"exported_at": "[^"]*"', "", unzipped(tmp_path / name / "data" / "tracker.json.gz"))
                for name in manifests}
    assert exported["beside"] == exported["in-turn"] and '"items": [' in exported["beside"]
    assert manifests["beside"].keys() == manifests["in-turn"].keys()
    assert (results["beside"].files_written, results["beside"].files_linked) == \
        (results["in-turn"].files_written, results["in-turn"].files_linked)
    with Store(seeded_db) as store:
        version = store.data_version()
    job = {"db": str(seeded_db), "data_version": version - 1, "args": {},
           "writer": EditionWriter(tmp_path / "never", None, {})}
    assert open_data_job(job) is None


def test_a_script_calling_publish_without_a_main_guard_finishes(seeded_db, tmp_path):
    """The open data's process is a fresh ``python -m tracker.publish.worker``: it runs nothing of
    the caller's script (multiprocessing's spawn would, and that second publish would wait for
    the first one's lock for ever)."""
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})\n"
        "from tracker.publish import edition\n"
        "from tracker.store import Store\n"
        "edition.OPEN_DATA_PROCESS_FROM = 0\n"
        f"with Store({str(seeded_db)!r}) as store:\n"
        f"    result = edition.publish(store, {str(tmp_path / 'site')!r})\n"
        "print('published', result.items)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "published 33" in done.stdout
    assert (tmp_path / "site" / "data" / "tracker.db.gz").is_file()


def test_a_published_copy_is_refused_even_with_a_migration_pending(seeded_edition, tmp_path):
    """Refused on what it lacks (a period table its migration made), whatever is pending: a copy
    published today, opened by a later version of the tracker, must not be migrated."""
    _, site, _ = seeded_edition
    database = tmp_path / "published.db"
    database.write_bytes(gzip.decompress((site / "data" / "tracker.db.gz").read_bytes()))
    with sqlite3.connect(database) as conn:  # as if the last migration had not run yet
        last = conn.execute("SELECT max(id) FROM _sqlite_migrations").fetchone()[0]
        conn.execute("DELETE FROM _sqlite_migrations WHERE id = ?", (last,))
    conn.close()
    before = database.read_bytes()
    from tracker.errors import NotATrackerDatabaseError
    with pytest.raises(NotATrackerDatabaseError, match="published copy"):
        Store(database)
    assert database.read_bytes() == before
