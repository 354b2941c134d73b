"""Issue 11: the work an import file can cause is bounded, whatever it holds.

The ceilings are lowered here so that small files reach them; bench/import_limits.py measures
the real ones with the worst 50 MB files (figures in the README's Reliability section).
"""

from __future__ import annotations

import json

import pytest

from tracker import exchange
from tracker.errors import ImportRejectedError
from tracker.store import Store


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "t.db") as opened:
        yield opened


def bad_items(count: int) -> bytes:
    item = {"id": "Not A Slug", "kind": "promise", "title": "t", "quote": "", "document_id": "?",
            "makers": [], "made": "someday"}
    return json.dumps({"items": [item] * count}).encode()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_problems_stop_at_the_ceiling_and_count_what_was_not_checked(store, fmt):
    if fmt == "json":
        data = bad_items(1000)
    else:
        data = ("id,kind,title,quote,document_id,makers,made\n" + "Bad Id,x,,,,,\n" * 1000).encode()
    _, problems = exchange.check_file(store, data, f"f.{fmt}")
    assert len(problems) == exchange.MAX_IMPORT_PROBLEMS + 1
    assert problems[-1].startswith(f"checking stopped after {exchange.MAX_IMPORT_PROBLEMS} problems: ")
    assert "were not checked" in problems[-1]
    with pytest.raises(ImportRejectedError) as refused:
        exchange.import_file(store, data, f"f.{fmt}", by="test")
    assert len(refused.value.problems) == exchange.MAX_IMPORT_PROBLEMS + 1


def test_a_few_problems_are_all_listed(store):
    _, problems = exchange.check_file(store, bad_items(3), "f.json")
    assert 3 <= len(problems) < exchange.MAX_IMPORT_PROBLEMS
    assert not any("checking stopped" in p for p in problems)


def test_too_many_records_is_refused_before_any_is_checked(store, monkeypatch):
    monkeypatch.setattr(exchange, "MAX_IMPORT_RECORDS", 50)
    with pytest.raises(ImportRejectedError) as refused:
        exchange.check_file(store, bad_items(51), "f.json")
    assert refused.value.problems == ["the file holds 51 records, more than 50: split it into smaller files"]
    csv = ("id,kind,title,quote,document_id,makers,made\n" + "a,b,c,d,e,f,g\n" * 51).encode()
    with pytest.raises(ImportRejectedError) as refused:
        exchange.check_file(store, csv, "f.csv")
    assert refused.value.problems == ["the file holds more than 50 rows: split it into smaller files"]


def test_too_many_json_objects_stops_the_parse(store, monkeypatch):
    monkeypatch.setattr(exchange, "MAX_IMPORT_OBJECTS", 100)
    data = json.dumps({"items": [{"a": {}}] * 60}).encode()
    with pytest.raises(ImportRejectedError) as refused:
        exchange.check_file(store, data, "f.json")
    assert "more than 100 JSON objects" in refused.value.problems[0]


def test_too_many_json_values_is_refused_before_parsing(store, monkeypatch):
    monkeypatch.setattr(exchange, "MAX_IMPORT_VALUES", 100)
    with pytest.raises(ImportRejectedError) as refused:
        exchange.check_file(store, json.dumps({"items": ["ab"] * 101}).encode(), "f.json")
    assert "more than 100 JSON values" in refused.value.problems[0]
    # commas inside strings are text, not values
    quoted = json.dumps({"items": [], "note": "," * 500}).encode()
    _, problems = exchange.check_file(store, quoted, "f.json")
    assert problems and not any("JSON values" in p for p in problems)  # only the unknown key


def test_cli_refuses_a_file_over_the_limit_before_reading_it(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from tracker import cli

    big = tmp_path / "big.json"
    with open(big, "wb") as out:
        out.truncate(exchange.MAX_IMPORT_BYTES + 1)  # sparse: no data to read
    read = []
    monkeypatch.setattr(type(big), "read_bytes", lambda self: read.append(self) or b"")
    result = CliRunner().invoke(cli.cli, ["--db", str(tmp_path / "t.db"), "import", str(big)])
    assert result.exit_code == 1 and "larger than 50 MB" in result.output
    assert not read


@pytest.mark.parametrize("fmt,ident", [("json", "x" * 2_000_000), ("json", [["x" * 1000] * 1000]),
                                       ("csv", "x" * 100_000)])  # (a CSV field stops at 128 KB)
def test_a_huge_id_is_shortened_in_every_problem_line(store, fmt, ident):
    """Review of issue 11: each problem line repeated the record's raw id, so one 45 MB id in a
    45 MB file became 330 MB of problem lines and a 1 GB peak in whatever checked it."""
    if fmt == "json":
        data = json.dumps({"items": [{"id": ident}]}).encode()
    else:
        data = f"id,kind,title,quote,document_id,makers,made\n{ident},x,,,,,\n".encode()
    _, problems = exchange.check_file(store, data, f"f.{fmt}")
    assert problems
    assert all(len(line) < 300 for line in problems), [line[:120] for line in problems]
    assert all("…" in line for line in problems if line.startswith(("items[0]", "row 2")))
