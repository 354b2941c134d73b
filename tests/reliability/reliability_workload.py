"""Workloads for the reliability tests: worker processes and the checks run on what they leave.

Each worker is a separate Python process (``python reliability_workload.py MODE ...``) using the
public ``tracker.store.Store`` API, so the tests exercise real SQLite locking between processes,
and a SIGKILL kills a real writer. The checks open the database with plain ``sqlite3`` so that
nothing in the tracker can mask what is actually on disk.

Modes:

- ``contend DB OUT --worker N --changes C --items K --start-at T``: read an item's version, then
  record a status change with it; repeat C times over K shared items. Writes a JSON summary of
  every change it tried: accepted (with the version the store returned), refused with
  VersionConflictError, or failed with anything else.
- ``write DB JOURNAL --tag PREFIX [--seconds S] [--stop-file F]``: a stream of writes of three
  shapes (a status change, a new item with actors, themes and a deadline, and a whole bundle
  import). Before each write it appends ``begin <op> <tag>`` to JOURNAL and after the call
  returns ``done <op> <tag>``, each with one unbuffered ``write(2)``, so a line in the journal
  survives the process being killed right after it.
- ``guess DB OUT --user U --attempts A --start-at T``: wrong passwords for U, as fast as it can;
  writes the outcome of each attempt (checked and wrong, or refused unchecked while locked).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `tracker` importable
    sys.path.insert(0, str(ROOT))

from tracker.errors import VersionConflictError  # noqa: E402
from tracker.models import (  # noqa: E402
    Actor,
    Assessment,
    Bundle,
    Document,
    HistoryEntry,
    ItemIn,
    ItemLink,
    ItemRecord,
    LifecycleStatus,
)
from tracker.store import Store  # noqa: E402

#: The shared items every worker changes. Created by ``prepare_database``.
POOL_PREFIX = "pool-"
STATUSES = [s.value for s in LifecycleStatus]
TODAY = dt.date.today()


def env_size(name: str, default: int, minimum: int = 1) -> int:
    """A test size from the environment (see tests/reliability/conftest.py for the names)."""
    raw = os.environ.get(name, "").strip()
    value = int(raw) if raw else default
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return value


def pool_ids(count: int) -> list[str]:
    return [f"{POOL_PREFIX}{n}" for n in range(count)]


def prepare_database(path: Path, items: int) -> list[str]:
    """A database with one actor, one document and ``items`` commitments at version 1."""
    with Store(path) as store:
        store.add_actor(Actor(id="maker", name="A maker", kind="government department"), by="setup")
        store.add_document(
            Document(id="paper", title="A paper", publisher="A maker", kind="government paper",
                     published="2020-12-15"),
            by="setup",
        )
        for ident in pool_ids(items):
            store.add_item(
                ItemIn(id=ident, kind="commitment", title=f"Commitment {ident}", quote="we will do it",
                       document_id="paper", makers=["maker"], made="2020-12-15"),
                by="setup",
            )
    return pool_ids(items)


def worker_command(mode: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), mode, *args]


def worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def spawn(mode: str, *args: str, stderr=None) -> subprocess.Popen:
    return subprocess.Popen(
        worker_command(mode, *args), env=worker_env(), stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=stderr if stderr is not None else subprocess.DEVNULL,
    )


# ---------------------------------------------------------------------------
# contend: optimistic status changes on shared items
# ---------------------------------------------------------------------------


def contend(db: Path, out: Path, worker: int, changes: int, items: int, start_at: float) -> None:
    rng = random.Random(worker * 7919 + os.getpid())
    ids = pool_ids(items)
    accepted, refused, errors = [], [], []
    with Store(db) as store:
        # Everyone starts together, so the first changes already collide.
        time.sleep(max(0.0, start_at - time.time()))
        for n in range(changes):
            tag = f"w{worker}-c{n}"
            item_id = rng.choice(ids)
            status = rng.choice(STATUSES)
            try:
                version = store.get_item(item_id)["version"]
                if rng.random() < 0.5:  # widen the read-to-write window now and then
                    time.sleep(rng.random() * 0.002)
                new_version = store.record_assessment(
                    item_id,
                    Assessment(status=status, evidence=f"change {tag}", assessed_on=TODAY),
                    expected_version=version,
                    by=f"worker-{worker}",
                )
            except VersionConflictError:
                refused.append(tag)
            except Exception as exc:  # noqa: BLE001 - every other outcome is a finding
                errors.append(f"{tag}: {type(exc).__module__}.{type(exc).__name__}: {exc}")
            else:
                accepted.append({"tag": tag, "item": item_id, "status": status,
                                 "read_version": version, "new_version": new_version})
    out.write_text(json.dumps({"worker": worker, "tried": changes, "accepted": accepted,
                               "refused": refused, "errors": errors}))


@dataclass
class ContentionResult:
    processes: int
    tried: int = 0
    accepted: int = 0
    conflicts: int = 0
    lost: int = 0
    duplicated: int = 0
    phantom: int = 0
    other_errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def run_contention(db: Path, workdir: Path, processes: int, changes: int, items: int,
                   timeout: float = 600.0) -> ContentionResult:
    """Run ``processes`` contend workers against ``db`` and check what they left."""
    ids = prepare_database(db, items)
    with Store(db) as store:
        initial = {i: store.get_item(i)["version"] for i in ids}
    start_at = time.time() + 3.0 + 0.4 * processes  # time for every process to import and open
    outs = [workdir / f"contend-{w}.json" for w in range(processes)]
    errs = [open(workdir / f"contend-{w}.stderr", "wb") for w in range(processes)]
    began = time.monotonic()
    procs = [
        spawn("contend", str(db), str(outs[w]), "--worker", str(w), "--changes", str(changes),
              "--items", str(items), "--start-at", str(start_at), stderr=errs[w])
        for w in range(processes)
    ]
    result = ContentionResult(processes=processes)
    try:
        for w, proc in enumerate(procs):
            remaining = max(1.0, timeout - (time.monotonic() - began))
            code = proc.wait(timeout=remaining)
            if code != 0:
                errs[w].flush()
                tail = (workdir / f"contend-{w}.stderr").read_text(errors="replace")[-2000:]
                result.problems.append(f"worker {w} exited with {code}: {tail}")
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for handle in errs:
            handle.close()
    result.seconds = time.time() - start_at  # from the moment they all began changing
    summaries = [json.loads(p.read_text()) for p in outs if p.exists()]
    accepted = [a for s in summaries for a in s["accepted"]]
    result.tried = sum(s["tried"] for s in summaries)
    result.accepted = len(accepted)
    result.conflicts = sum(len(s["refused"]) for s in summaries)
    result.other_errors = [e for s in summaries for e in s["errors"]]
    result.problems += check_contention(db, ids, initial, accepted)
    by_problem = result.problems
    result.lost = sum(1 for p in by_problem if p.startswith("lost:"))
    result.duplicated = sum(1 for p in by_problem if p.startswith("duplicated:"))
    result.phantom = sum(1 for p in by_problem if p.startswith("phantom:"))
    return result


def check_contention(db: Path, ids: list[str], initial: dict[str, int], accepted: list[dict]) -> list[str]:
    """Every accepted change is in the history exactly once, nothing else is, and each item
    ends at the last accepted change with one version per accepted change."""
    problems: list[str] = []
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT id, item_id, status, evidence FROM assessments ORDER BY id"
        ).fetchall()
        seen: dict[str, list[tuple]] = {}
        for row in rows:
            seen.setdefault(row[3], []).append(row)
        accepted_tags = {f"change {a['tag']}" for a in accepted}
        for change in accepted:
            found = seen.get(f"change {change['tag']}", [])
            if not found:
                problems.append(f"lost: {change['tag']} was accepted but is not in the history")
            elif len(found) > 1:
                problems.append(f"duplicated: {change['tag']} is in the history {len(found)} times")
            elif (found[0][1], found[0][2]) != (change["item"], change["status"]):
                problems.append(f"lost: {change['tag']} is in the history with other values {found[0]}")
        for evidence in seen:
            if evidence not in accepted_tags:
                problems.append(f"phantom: {evidence!r} is in the history but its writer was refused")
        audits = dict(conn.execute(
            "SELECT entity_id, count(*) FROM audit_log WHERE action = 'assess' GROUP BY entity_id"
        ).fetchall())
        for item_id in ids:
            mine = sorted((a for a in accepted if a["item"] == item_id), key=lambda a: a["new_version"])
            versions = [a["new_version"] for a in mine]
            expected_versions = list(range(initial[item_id] + 1, initial[item_id] + 1 + len(mine)))
            if versions != expected_versions:
                problems.append(f"lost: {item_id} accepted versions {versions[:20]}... are not one each "
                                f"from {initial[item_id] + 1}")
            for change in mine:
                if change["new_version"] != change["read_version"] + 1:
                    problems.append(f"lost: {change['tag']} read {change['read_version']} but made "
                                    f"{change['new_version']}")
            version, status, evidence = conn.execute(
                "SELECT version, status, last_evidence FROM items WHERE id = ?", (item_id,)
            ).fetchone()
            if version != initial[item_id] + len(mine):
                problems.append(f"lost: {item_id} is at version {version}, expected "
                                f"{initial[item_id] + len(mine)}")
            history_order = [r[3] for r in rows if r[1] == item_id]
            if history_order != [f"change {a['tag']}" for a in mine]:
                problems.append(f"lost: {item_id} history order differs from the accepted version order")
            if mine and (status, evidence) != (mine[-1]["status"], f"change {mine[-1]['tag']}"):
                problems.append(f"lost: {item_id} ends at {status!r} ({evidence}), not the last accepted "
                                f"change {mine[-1]['tag']} ({mine[-1]['status']!r})")
            if audits.get(item_id, 0) != len(mine):
                problems.append(f"lost: {item_id} has {audits.get(item_id, 0)} audit entries for "
                                f"{len(mine)} accepted changes")
    finally:
        conn.close()
    return problems


# ---------------------------------------------------------------------------
# write: a stream of writes of three shapes, journalled around each call
# ---------------------------------------------------------------------------

OPS = ("assess", "add", "import")


class Journal:
    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def line(self, text: str) -> None:
        os.write(self.fd, (text + "\n").encode())  # one write(2): survives SIGKILL once it returns


def import_bundle_for(tag: str) -> Bundle:
    """Two linked items with their own actor, document and history: many rows, one transaction."""
    actor, doc = f"a-{tag}", f"d-{tag}"
    items = [
        ItemRecord(
            id=f"i-{tag}-{n}", kind="commitment", title=f"Imported {tag} {n}", quote="imported quote",
            document_id=doc, makers=[actor], owners=["maker"], themes=["reliability", f"theme {n}"],
            made="2021-03", deadline="2025",
            history=[HistoryEntry(status="in progress", evidence=f"imported {tag} {n}",
                                  assessed_on="2021-04-01")],
            links=[ItemLink(kind="repeats", target_id=f"i-{tag}-0")] if n == 1 else [],
        )
        for n in range(2)
    ]
    return Bundle(
        actors=[Actor(id=actor, name=f"Actor {tag}", kind="other")],
        documents=[Document(id=doc, title=f"Doc {tag}", publisher="Someone", kind="other",
                            published="2021-03")],
        items=items,
    )


def write_stream(db: Path, journal_path: Path, tag_prefix: str, seconds: float, stop_file: Path | None,
                 items: int, seed: int) -> None:
    rng = random.Random(seed)
    journal = Journal(journal_path)
    ids = pool_ids(items)
    deadline = time.monotonic() + seconds
    with Store(db) as store:
        journal.line("ready")
        n = 0
        while time.monotonic() < deadline and not (stop_file and stop_file.exists()):
            tag = f"{tag_prefix}n{n}"
            op = rng.choices(OPS, weights=(6, 2, 1))[0]
            journal.line(f"begin {op} {tag}")
            if op == "assess":
                item_id = rng.choice(ids)
                version = store.get_item(item_id)["version"]
                try:
                    store.record_assessment(
                        item_id,
                        Assessment(status=rng.choice(STATUSES), evidence=f"change {tag}", assessed_on=TODAY),
                        expected_version=version, by="writer",
                    )
                except VersionConflictError:  # another writer got there first: nothing written
                    journal.line(f"refused {op} {tag}")
                    n += 1
                    continue
            elif op == "add":
                store.add_item(
                    ItemIn(id=f"t-{tag}", kind="commitment", title=f"Added {tag}", quote="added quote",
                           document_id="paper", makers=["maker"], owners=["maker"],
                           themes=["reliability", "crash"], made="2020-11-01", deadline="2026-01"),
                    by="writer",
                )
            else:
                store.import_bundle(import_bundle_for(tag), by="writer")
            journal.line(f"done {op} {tag}")
            n += 1


@dataclass
class JournalState:
    ready: bool
    begun: dict[str, str]  # tag -> op
    done: dict[str, str]


def read_journal(path: Path) -> JournalState:
    begun: dict[str, str] = {}
    done: dict[str, str] = {}
    ready = False
    text = path.read_text() if path.exists() else ""
    for line in text.split("\n")[:-1]:  # a last line without "\n" was cut off: ignore it
        parts = line.split(" ")
        if parts == ["ready"]:
            ready = True
        elif len(parts) == 3 and parts[0] == "begin":
            begun[parts[2]] = parts[1]
        elif len(parts) == 3 and parts[0] == "done":
            done[parts[2]] = parts[1]
    return JournalState(ready, begun, done)


@dataclass
class StateCheck:
    integrity: str = "ok"
    half_written: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    #: writes begun but not returned when the writer died that are nevertheless wholly there
    landed_unfinished: list[str] = field(default_factory=list)

    @property
    def corrupt(self) -> bool:
        return self.integrity != "ok" or bool(self.half_written)


def evidence_counts(conn: sqlite3.Connection) -> tuple[Counter, Counter]:
    """How often each evidence text is in the history, and in the audit log's status changes
    (read once: looking each one up would scan both tables per write)."""
    history = Counter(e for (e,) in conn.execute("SELECT evidence FROM assessments"))
    audited = Counter(json.loads(after).get("evidence") for (after,) in conn.execute(
        "SELECT after FROM audit_log WHERE action = 'assess'"))
    return history, audited


def write_parts(conn: sqlite3.Connection, op: str, tag: str, evidence: tuple[Counter, Counter]) -> dict[str, bool]:
    """Which of the rows one write of ``op`` makes are in the database."""
    one = lambda sql, *args: conn.execute(sql, args).fetchone()[0]  # noqa: E731
    if op == "assess":
        return {
            "assessment": evidence[0][f"change {tag}"] == 1,
            "audit": evidence[1][f"change {tag}"] == 1,
        }
    if op == "add":
        ident = f"t-{tag}"
        return {
            "item": one("SELECT count(*) FROM items WHERE id = ?", ident) == 1,
            "actors": one("SELECT count(*) FROM item_actors WHERE item_id = ?", ident) == 2,
            "themes": one("SELECT count(*) FROM item_themes WHERE item_id = ?", ident) == 2,
            "deadline": one("SELECT count(*) FROM deadline_revisions WHERE item_id = ?", ident) == 1,
            "audit": one("SELECT count(*) FROM audit_log WHERE entity = 'item' AND entity_id = ? "
                         "AND action = 'create'", ident) == 1,
        }
    items = [f"i-{tag}-0", f"i-{tag}-1"]
    return {
        "actor": one("SELECT count(*) FROM actors WHERE id = ?", f"a-{tag}") == 1,
        "document": one("SELECT count(*) FROM documents WHERE id = ?", f"d-{tag}") == 1,
        "items": one("SELECT count(*) FROM items WHERE id IN (?, ?)", *items) == 2,
        "history": one("SELECT count(*) FROM assessments WHERE item_id IN (?, ?)", *items) == 2,
        "status cache": one("SELECT count(*) FROM items WHERE id IN (?, ?) AND status = 'in progress'",
                            *items) == 2,
        "people": one("SELECT count(*) FROM item_actors WHERE item_id IN (?, ?)", *items) == 4,
        "themes": one("SELECT count(*) FROM item_themes WHERE item_id IN (?, ?)", *items) == 4,
        "deadlines": one("SELECT count(*) FROM deadline_revisions WHERE item_id IN (?, ?)", *items) == 2,
        "link": one("SELECT count(*) FROM links WHERE source_id = ?", items[1]) == 1,
    }


def check_state(db: Path, items: int, journal: JournalState | None = None) -> StateCheck:
    """Integrity, whole-database invariants, and (with a journal) each journalled write."""
    check = StateCheck()
    conn = sqlite3.connect(db)
    try:
        check.integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check.integrity != "ok":
            return check
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            check.half_written.append(f"foreign keys broken: {fk[:5]}")
        # Every write in these workloads bumps data_version once and writes one audit entry.
        data_version = conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]
        audits = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        if data_version != audits:
            check.half_written.append(f"data_version {data_version} but {audits} audit entries")
        for item_id in pool_ids(items):
            version, status = conn.execute(
                "SELECT version, status FROM items WHERE id = ?", (item_id,)).fetchone()
            history = conn.execute(
                "SELECT status FROM assessments WHERE item_id = ? ORDER BY assessed_on DESC, id DESC",
                (item_id,)).fetchall()
            if version != 1 + len(history):
                check.half_written.append(f"{item_id}: version {version} with {len(history)} history rows")
            if (history[0][0] if history else None) != status:
                check.half_written.append(f"{item_id}: cached status {status!r} is not its latest assessment")
        # Every tag-named row in the database must belong to a whole write.
        tags: dict[str, str] = {}
        for (evidence,) in conn.execute("SELECT evidence FROM assessments WHERE evidence LIKE 'change %'"):
            tags[evidence.removeprefix("change ")] = "assess"
        for (ident,) in conn.execute("SELECT id FROM items WHERE id LIKE 't-%'"):
            tags[ident.removeprefix("t-")] = "add"
        for (ident,) in conn.execute("SELECT id FROM actors WHERE id LIKE 'a-%'"):
            tags[ident.removeprefix("a-")] = "import"
        for (ident,) in conn.execute("SELECT id FROM items WHERE id LIKE 'i-%'"):
            tags[ident.removeprefix("i-").rsplit("-", 1)[0]] = "import"
        evidence = evidence_counts(conn)
        for tag, op in tags.items():
            parts = write_parts(conn, op, tag, evidence)
            if not all(parts.values()):
                check.half_written.append(f"{op} {tag}: only {[k for k, v in parts.items() if v]} written")
        if journal is not None:
            for tag, op in journal.done.items():
                if tag not in tags:
                    check.missing.append(f"{op} {tag} returned to its writer but is not in the database")
            for tag in tags:
                if tag not in journal.begun:
                    check.unexpected.append(f"{tag} is in the database but was never begun")
            # A killed writer may leave its one unfinished write in (it committed just before
            # the kill) or out; never more than one per writer (tags are <writer>n<count>).
            landed: dict[str, list[str]] = {}
            for tag in journal.begun:
                if tag not in journal.done and tag in tags:
                    landed.setdefault(tag.rsplit("n", 1)[0], []).append(tag)
            check.landed_unfinished = [t for group in landed.values() for t in group]
            for writer, unfinished in landed.items():
                if len(unfinished) > 1:
                    check.unexpected.append(f"writer {writer}: several unfinished writes landed: {unfinished}")
    finally:
        conn.close()
    return check


@dataclass
class CrashResult:
    trials: int = 0
    writes_committed: int = 0
    kills_mid_write: int = 0
    unfinished_landed: int = 0
    corruptions: int = 0
    missing: int = 0
    unexpected: int = 0
    problems: list[str] = field(default_factory=list)


def run_crash_trials(db: Path, workdir: Path, trials: int, items: int, *, max_delay: float = 0.5,
                     seed: int = 0, ready_timeout: float = 60.0) -> CrashResult:
    """Start a writer, SIGKILL it at a random moment, check the database; ``trials`` times over."""
    rng = random.Random(seed)
    prepare_database(db, items)
    result = CrashResult()
    every = JournalState(ready=True, begun={}, done={})
    for trial in range(trials):
        journal_path = workdir / f"journal-{trial}.log"
        stderr_path = workdir / f"writer-{trial}.stderr"
        with open(stderr_path, "wb") as stderr:
            proc = spawn("write", str(db), str(journal_path), "--tag", f"k{trial}", "--items", str(items),
                         "--seconds", "120", "--seed", str(seed * 100003 + trial), stderr=stderr)
            try:
                waited = time.monotonic()
                while not read_journal(journal_path).ready:
                    if proc.poll() is not None or time.monotonic() - waited > ready_timeout:
                        break
                    time.sleep(0.01)
                time.sleep(rng.uniform(0.0, max_delay))
                early_exit = proc.poll()
                os.kill(proc.pid, signal.SIGKILL)  #: no cleanup, no rollback, no atexit
            finally:
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
        journal = read_journal(journal_path)
        every.begun.update(journal.begun)
        every.done.update(journal.done)
        if early_exit is not None or not journal.ready:
            tail = stderr_path.read_text(errors="replace")[-2000:]
            result.problems.append(f"trial {trial}: the writer stopped by itself ({early_exit}): {tail}")
        check = check_state(db, items, every)  # the database holds every earlier trial's writes too
        result.trials += 1
        result.writes_committed += len(journal.done)
        result.kills_mid_write += int(len(journal.begun) > len(journal.done))
        result.unfinished_landed += sum(1 for t in check.landed_unfinished if t.startswith(f"k{trial}n"))
        result.corruptions += int(check.corrupt)
        result.missing += len(check.missing)
        result.unexpected += len(check.unexpected)
        for kind, lines in (("integrity", [] if check.integrity == "ok" else [check.integrity]),
                            ("half-written", check.half_written), ("missing", check.missing),
                            ("unexpected", check.unexpected)):
            result.problems += [f"trial {trial}: {kind}: {line}" for line in lines[:5]]
        if check.integrity != "ok":
            break  # nothing later can be judged on a corrupt file
    return result


# ---------------------------------------------------------------------------
# guess: wrong passwords as fast as possible (sign-in throttling across processes)
# ---------------------------------------------------------------------------


def guess(db: Path, out: Path, username: str, attempts: int, start_at: float) -> None:
    from tracker.auth import AccountLockedError, SignInPolicy, sign_in
    from tracker.errors import AuthenticationError

    outcomes = []
    with Store(db) as store:
        time.sleep(max(0.0, start_at - time.time()))
        for _ in range(attempts):
            try:
                sign_in(store, username, "wrong password!", policy=SignInPolicy())
            except AccountLockedError:
                outcomes.append("locked")
            except AuthenticationError:
                outcomes.append("wrong password")
            except Exception as exc:  # noqa: BLE001 - every other outcome is a finding
                outcomes.append(f"error: {type(exc).__name__}: {exc}")
            else:
                outcomes.append("signed in")
    out.write_text(json.dumps(outcomes))


# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("contend")
    c.add_argument("db", type=Path)
    c.add_argument("out", type=Path)
    c.add_argument("--worker", type=int, required=True)
    c.add_argument("--changes", type=int, required=True)
    c.add_argument("--items", type=int, required=True)
    c.add_argument("--start-at", type=float, required=True)
    w = sub.add_parser("write")
    w.add_argument("db", type=Path)
    w.add_argument("journal", type=Path)
    w.add_argument("--tag", required=True)
    w.add_argument("--items", type=int, required=True)
    w.add_argument("--seconds", type=float, default=60.0)
    w.add_argument("--stop-file", type=Path)
    w.add_argument("--seed", type=int, default=0)
    g = sub.add_parser("guess")
    g.add_argument("db", type=Path)
    g.add_argument("out", type=Path)
    g.add_argument("--user", required=True)
    g.add_argument("--attempts", type=int, required=True)
    g.add_argument("--start-at", type=float, required=True)
    args = parser.parse_args(argv)
    if args.mode == "guess":
        guess(args.db, args.out, args.user, args.attempts, args.start_at)
    elif args.mode == "contend":
        contend(args.db, args.out, args.worker, args.changes, args.items, args.start_at)
    else:
        write_stream(args.db, args.journal, args.tag, args.seconds, args.stop_file, args.items, args.seed)


if __name__ == "__main__":
    main()
