"""Bad input, property-based: the importer (``tracker.exchange``).

Valid exports broken in random ways (JSON of the wrong shape, CSV with formula cells, oversized
fields, wrong encodings, flipped bytes) must be imported whole or refused with
ImportRejectedError listing readable problems, and a refused file must leave the database
exactly as it was: no traceback, no partial write.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile_inputs import HOSTILE_TEXTS, json_values, mutated, text_values
from reliability_workload import env_size
from tracker import exchange
from tracker.errors import ImportRejectedError
from tracker.models import Bundle
from tracker.store import Store

EXAMPLES = env_size("TRACKER_FUZZ_EXAMPLES", 150)
FILENAMES = st.sampled_from(["import.json", "import.csv", "import.txt", "import"])


def fuzz_settings():
    return settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class Target:
    """A fresh copy of a template database for every example, and its logical content."""

    def __init__(self, template: Path, workdir: Path):
        self.template = template
        self.path = workdir / "target.db"

    def __enter__(self) -> Store:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.template, self.path)
        self.store = Store(self.path)
        return self.store

    def __exit__(self, *exc) -> None:
        self.store.close()


def template(path: Path, bundle: Bundle | None) -> Path:
    with Store(path) as store:
        if bundle is not None:
            store.import_bundle(bundle, by="setup")
    return path


def dump(store: Store) -> list[str]:
    return list(store.db.conn.iterdump())


def import_checked(store: Store, data: bytes, filename: str, outcomes: Counter) -> None:
    """Import ``data``; a refusal must explain itself and change nothing."""
    before = dump(store)
    try:
        exchange.import_file(store, data, filename, by="fuzz")
    except ImportRejectedError as exc:
        assert exc.problems and all(isinstance(p, str) and p.strip() for p in exc.problems)
        assert dump(store) == before, "a refused import changed the database"
        outcomes["refused"] += 1
    else:
        outcomes["imported"] += 1
    assert store.integrity_check() == "ok"


@pytest.fixture
def templates(tmp_path, sample_bundle):
    refs = Bundle(actors=sample_bundle.actors, documents=sample_bundle.documents)
    return {"empty": template(tmp_path / "empty.db", None), "refs": template(tmp_path / "refs.db", refs)}


@pytest.fixture
def exports(sample_store):
    return {"json": json.loads(exchange.export_json(sample_store)), "csv": exchange.export_csv(sample_store)}


def test_mutated_json_is_imported_whole_or_refused_cleanly(templates, exports, tmp_path, record_figures):
    outcomes: Counter = Counter()

    @fuzz_settings()
    @given(doc=mutated(exports["json"], values=json_values), ascii_only=st.booleans(), filename=FILENAMES)
    def check(doc, ascii_only, filename):
        text = json.dumps(doc, ensure_ascii=ascii_only)
        data = text.encode("utf-8", errors="surrogatepass")  # a lone surrogate is invalid UTF-8
        with Target(templates["empty"], tmp_path) as store:
            import_checked(store, data, filename, outcomes)

    check()
    record_figures(kind="fuzz", target="import JSON", inputs=sum(outcomes.values()),
                   refused=outcomes["refused"], tracebacks=0)
    assert outcomes["refused"] > 0


@st.composite
def mutated_csv(draw, text: str) -> bytes:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["cell", "cell", "cell", "formula", "drop column", "add column",
                                       "extra cell", "short row", "blank row"]))
        r = draw(st.integers(0, len(rows) - 1))
        if not rows[r]:
            continue
        c = draw(st.integers(0, len(rows[r]) - 1))
        if action == "cell":
            rows[r][c] = draw(text_values)
        elif action == "formula":
            rows[r][c] = draw(st.sampled_from(HOSTILE_TEXTS))
        elif action == "drop column":
            rows = [row[:c] + row[c + 1:] for row in rows]
        elif action == "add column":
            rows = [row + [draw(text_values)] for row in rows]
        elif action == "extra cell":
            rows[r].append(draw(text_values))
        elif action == "short row":
            rows[r] = rows[r][:c]
        else:
            rows.insert(r, [])
    out = io.StringIO()
    csv.writer(out, lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"]))).writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    return out.getvalue().encode(encoding, errors="surrogatepass" if encoding.startswith("utf-8") else "replace")


def test_mutated_csv_is_imported_whole_or_refused_cleanly(templates, exports, tmp_path, record_figures):
    outcomes: Counter = Counter()

    @fuzz_settings()
    @given(data=mutated_csv(exports["csv"]), filename=FILENAMES)
    def check(data, filename):
        with Target(templates["refs"], tmp_path) as store:
            import_checked(store, data, filename, outcomes)

    check()
    record_figures(kind="fuzz", target="import CSV", inputs=sum(outcomes.values()),
                   refused=outcomes["refused"], tracebacks=0)
    assert outcomes["refused"] > 0 and outcomes["imported"] > 0


@st.composite
def damaged_bytes(draw, valid: list[bytes]) -> bytes:
    if draw(st.booleans()):
        return draw(st.binary(max_size=400))
    data = bytearray(draw(st.sampled_from(valid)))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, max(0, len(data) - 1)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        if action == "flip" and data:
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif action == "cut":
            del data[position:position + draw(st.integers(1, 50))]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[position:]
    return bytes(data)


def test_damaged_bytes_are_refused_cleanly(templates, exports, tmp_path, record_figures):
    valid = [json.dumps(exports["json"]).encode(), exports["csv"].encode("utf-8")]
    outcomes: Counter = Counter()

    @fuzz_settings()
    @given(data=damaged_bytes(valid), filename=FILENAMES)
    def check(data, filename):
        with Target(templates["refs"], tmp_path) as store:
            import_checked(store, data, filename, outcomes)

    check()
    record_figures(kind="fuzz", target="import bytes", inputs=sum(outcomes.values()),
                   refused=outcomes["refused"], tracebacks=0)


@pytest.mark.parametrize("encoding", ["utf-16", "latin-1", "cp1252"])
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_file_in_another_encoding_is_refused_with_the_reason(encoding, fmt, templates, exports, tmp_path):
    text = json.dumps(exports["json"], ensure_ascii=False) if fmt == "json" else exports["csv"]
    text = text.replace("Home Office", "Ministère de l’Intérieur")  # something only UTF-8 spells alike
    with Target(templates["empty" if fmt == "json" else "refs"], tmp_path) as store:
        before = dump(store)
        with pytest.raises(ImportRejectedError) as info:
            exchange.import_file(store, text.encode(encoding, errors="replace"), f"x.{fmt}", by="t")
        assert dump(store) == before
    assert "not UTF-8" in info.value.problems[0]


def test_an_oversized_file_is_refused_before_it_is_parsed(templates, tmp_path):
    with Target(templates["empty"], tmp_path) as store:
        with pytest.raises(ImportRejectedError) as info:
            exchange.import_file(store, b"{" + b" " * exchange.MAX_IMPORT_BYTES + b"}", "big.json", by="t")
    assert "larger than" in info.value.problems[0]


@pytest.mark.parametrize("shape", [
    [], "text", 1, None, {"items": {}}, {"items": "x"}, {"actors": [1, 2]}, {"items": [[]]},
    {"format": "something-else"}, {"version": 99}, {"items": [{"id": "x"}] * 3},
])
def test_json_of_the_wrong_shape_is_refused(shape, templates, tmp_path):
    with Target(templates["empty"], tmp_path) as store:
        before = dump(store)
        with pytest.raises(ImportRejectedError) as info:
            exchange.import_file(store, json.dumps(shape).encode(), "x.json", by="t")
        assert dump(store) == before
    assert info.value.problems


@pytest.mark.parametrize("data", [
    b"[" * 100_000 + b"]" * 100_000,  # json.loads: RecursionError
    b'{"items": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
    b'{"version": 1' + b"0" * 5_000 + b"}",  # json.loads: ValueError (int longer than 4300 digits)
    b'{"actors": [{"id": "a", "name": 1e999999}]}',  # Infinity
    b'{"actors": [], "actors": [1]}',  # a duplicate key: the last one wins, and is wrong
], ids=["deep list", "deep items", "huge integer", "infinity", "duplicate key"])
def test_pathological_json_is_refused_not_crashed_on(data, templates, tmp_path):
    """Found by the fuzz test: json.loads raises RecursionError and ValueError, not only
    JSONDecodeError, and those escaped as tracebacks."""
    with Target(templates["empty"], tmp_path) as store:
        before = dump(store)
        with pytest.raises(ImportRejectedError) as info:
            exchange.import_file(store, data, "x.json", by="t")
        assert dump(store) == before
    assert info.value.problems


def test_formula_cells_import_as_plain_text_and_export_neutralised(templates, exports, tmp_path):
    rows = list(csv.DictReader(io.StringIO(exports["csv"].lstrip("\ufeff"))))
    formulas = ["=1+1", "+SUM(A1:A9)", "-2", "@cmd", '=HYPERLINK("http://evil.example","x")']
    for row, formula in zip(rows, formulas):
        row["title"] = formula  # raw, as a hostile spreadsheet would save it
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    with Target(templates["refs"], tmp_path) as store:
        exchange.import_file(store, out.getvalue().encode(), "x.csv", by="t")
        titles = {r["title"] for r in store.item_rows()}
        assert set(formulas[: len(rows)]) <= titles  # stored as the text it is
        again = list(csv.reader(io.StringIO(exchange.export_csv(store).lstrip("\ufeff"))))
    for row in again[1:]:
        for cell in row:
            assert not cell.startswith(exchange.FORMULA_STARTS), cell


@given(text=st.text(max_size=30) | st.sampled_from(HOSTILE_TEXTS) | st.builds(
    lambda p, s: p + s, st.sampled_from(["'", "''", "'=", "'+", "'-", "'@", "'\t", "="]), st.text(max_size=5)))
@settings(max_examples=EXAMPLES, deadline=None)
def test_a_csv_cell_reads_back_as_exactly_what_was_written(text):
    cell = exchange.neutralise_cell(text)
    assert not cell.startswith(exchange.FORMULA_STARTS)
    assert exchange.restore_cell(cell) == text
