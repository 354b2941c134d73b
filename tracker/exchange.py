"""Import and export files: JSON (everything) and CSV (one row per item).

Both formats are read back by ``read_bundle`` and written into the store by ``import_file``,
all or nothing: every problem is collected, numbered by row, and nothing is written unless
there are none. ``check_file`` lists them all at once, the rows that do not read and the
references of those that do (unknown documents, ids that already exist), without writing.
"""

from __future__ import annotations

import csv
import io
import json
import re
import reprlib
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from . import status as status_rules
from .errors import ImportRejectedError, TrackerError
from .models import Actor, Bundle, Document, ItemKind, ItemRecord, describe_validation_error
from .store import Store

MAX_IMPORT_BYTES = 50 * 1024 * 1024
#: At most this many JSON objects in an import file (an item with its history and links is a
#: handful): parsing stops there, so no file within MAX_IMPORT_BYTES takes more than a few
#: hundred MB to read (issue 11: 1.5 million small items took 12 GB).
MAX_IMPORT_OBJECTS = 1_000_000
#: At most this many JSON values (structural commas, counted before parsing): a list of 8
#: million two-letter strings, which no object hook sees, took 950 MB to parse.
MAX_IMPORT_VALUES = 4_000_000
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')  # unrolled: 20x faster on long strings
#: At most this many actors, documents and items together: the write phase holds the write lock
#: for as long as it takes (about 1 s per 2,000 items here), and others wait that long.
MAX_IMPORT_RECORDS = 100_000
#: Problems reported for a file: checking stops after this many and says how many records
#: were not checked, so a file of a million bad rows costs no more than one of 200.
MAX_IMPORT_PROBLEMS = 200

SECTIONS = ("actors", "documents", "items")

CSV_COLUMNS = [
    "id", "kind", "title", "quote", "document_id", "origin_document_id", "makers", "owners",
    "themes", "made", "deadline", "done_when", "status", "response", "implementation",
    "is_open", "last_assessed_on", "last_evidence", "last_evidence_url", "version", "reference",
]
#: Columns a CSV import needs; the rest may be left out.
CSV_REQUIRED = ["id", "kind", "title", "quote", "document_id", "makers", "made"]
#: Columns the export writes for readers that the import ignores (they are derived).
CSV_DERIVED = {"is_open", "version"}

#: A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula.

    A cell beginning with = + - @ or a tab gets a leading apostrophe, which spreadsheets show
    as text; ``restore_cell`` takes it off again on import. Text that itself begins with
    apostrophes before such a character gets one more, so it too reads back unchanged.
    """
    if value is None:
        return ""
    text = str(value)
    if _needs_apostrophe(text):
        return "'" + text
    return text


def restore_cell(text: str) -> str:
    if text.startswith("'") and _needs_apostrophe(text[1:]):
        return text[1:]
    return text


def _needs_apostrophe(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


def export_json(store: Store) -> str:
    return store.export_bundle().model_dump_json(indent=2) + "\n"


def export_csv(store: Store) -> str:
    return items_to_csv(store.item_rows())


def items_to_csv(rows: list[dict]) -> str:
    """CSV text (with a UTF-8 byte-order mark for spreadsheets) of item rows from the store."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        record = _csv_record(row)
        writer.writerow([neutralise_cell(record.get(column)) for column in CSV_COLUMNS])
    return out.getvalue()


def _csv_record(row: dict) -> dict:
    made = _partial(row.get("made_start"), row.get("made_precision"))
    deadline = _partial(row.get("deadline_start"), row.get("deadline_precision"))
    open_ = status_rules.is_open(row["kind"], row.get("status"), row.get("response"), row.get("implementation"))
    return {
        **row,
        "made": made,
        "deadline": deadline,
        # evidence known to the month or year is written as such ("2025-07"), and read back so
        "last_assessed_on": _partial(row.get("last_assessed_on"), row.get("last_assessed_precision")),
        "is_open": "" if open_ is None else ("yes" if open_ else "no"),
    }


def _partial(start: str | None, precision: str | None) -> str:
    if not start:
        return ""
    if precision == "year":
        return start[:4]
    if precision == "month":
        return start[:7]
    return start[:10]


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def detect_format(filename: str, data: bytes) -> str:
    name = filename.lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith(".csv"):
        return "csv"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "json" if head in (b"{", b"[") else "csv"


@dataclass
class FileReading:
    """What an import file holds: the records that read correctly (``bundle``), a line for
    every problem of those that did not (``problems``), the ids those carried (``unread_ids``:
    references to them are not reported again), and how a problem names each record of
    ``bundle`` (``names["items"][i]`` is "row 5" in a CSV file, "items[7]" in JSON)."""

    bundle: Bundle
    problems: list[str] = field(default_factory=list)
    unread_ids: set[str] = field(default_factory=set)
    names: dict[str, list[str]] = field(default_factory=dict)

    def rename(self, problem: str) -> str:
        """``problem`` as the store words it ("items[2] (x): ...") in the file's own terms."""
        for section, names in self.names.items():
            prefix = f"{section}["
            if problem.startswith(prefix):
                index, _, rest = problem[len(prefix):].partition("]")
                if index.isdigit() and int(index) < len(names):
                    return f"{names[int(index)]}{rest}"
        return problem


def read_file(data: bytes, filename: str = "import", fmt: str | None = None) -> FileReading:
    """Parse and validate an import file record by record. Raises ImportRejectedError only
    when the file as a whole cannot be read (size, encoding, not JSON, a CSV header)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRejectedError([f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB"])
    fmt = fmt or detect_format(filename, data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejectedError(
            [f"the file is not UTF-8 text (byte {exc.start} cannot be read); save it as UTF-8"]
        ) from None
    if fmt == "json":
        return _read_json(text)
    if fmt == "csv":
        return _read_csv(text)
    raise ImportRejectedError([f"unknown format {fmt!r}: use json or csv"])


def read_bundle(data: bytes, filename: str = "import", fmt: str | None = None) -> Bundle:
    """Parse and validate an import file; raises ImportRejectedError listing every problem."""
    reading = read_file(data, filename, fmt)
    if reading.problems:
        raise ImportRejectedError(reading.problems)
    return reading.bundle


def check_file(store: Store, data: bytes, filename: str = "import", fmt: str | None = None) -> tuple[Bundle, list[str]]:
    """Every problem an import of the file would meet, at once: the records that do not read
    and the references of those that do. Writes nothing. Raises ImportRejectedError only when
    the file as a whole cannot be read."""
    reading = read_file(data, filename, fmt)
    stored = store.import_problems(reading.bundle, also_known=reading.unread_ids)
    return reading.bundle, capped(reading.problems + [reading.rename(p) for p in stored])


def capped(problems: list[str]) -> list[str]:
    """The first MAX_IMPORT_PROBLEMS problems, and a last line counting the rest."""
    if len(problems) <= MAX_IMPORT_PROBLEMS + 1:
        return problems
    rest = len(problems) - MAX_IMPORT_PROBLEMS
    return problems[:MAX_IMPORT_PROBLEMS] + [f"and {rest:,} more problems"]


class _TooManyObjects(Exception):
    pass


def _counting_objects():
    count = 0

    def make(pairs):
        nonlocal count
        count += 1
        if count > MAX_IMPORT_OBJECTS:
            raise _TooManyObjects
        return dict(pairs)

    return make


def _stopped(problems: list[str], unchecked: int) -> list[str]:
    if unchecked:
        problems.append(f"checking stopped after {MAX_IMPORT_PROBLEMS} problems: "
                        f"{unchecked} more record{'s were' if unchecked != 1 else ' was'} not checked")
    return problems


def _read_json(text: str) -> FileReading:
    values = _JSON_STRING.sub("", text).count(",") + 1
    if values > MAX_IMPORT_VALUES:
        raise ImportRejectedError([f"the file holds more than {MAX_IMPORT_VALUES:,} JSON values: "
                                   "split it into smaller files"])
    try:
        raw = json.loads(text, object_pairs_hook=_counting_objects())
    except _TooManyObjects:
        raise ImportRejectedError([f"the file holds more than {MAX_IMPORT_OBJECTS:,} JSON objects: "
                                   "split it into smaller files"]) from None
    except json.JSONDecodeError as exc:
        raise ImportRejectedError([f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"]) from None
    except RecursionError:  # json raises this, not JSONDecodeError, for very deep nesting
        raise ImportRejectedError(["not valid JSON for this tracker: lists or objects nested too deeply"]) from None
    except ValueError:  # and this for an integer longer than Python converts (4300 digits)
        raise ImportRejectedError(["not valid JSON for this tracker: a number in it is too long"]) from None
    if not isinstance(raw, dict):
        raise ImportRejectedError(["expected a JSON object with actors, documents and items"])
    problems: list[str] = []
    for section in ("actors", "documents", "items"):
        if section in raw and not isinstance(raw[section], list):
            problems.append(f"{section}: must be a list")
    if problems:
        raise ImportRejectedError(problems)
    records = sum(len(raw.get(section, [])) for section in SECTIONS)
    if records > MAX_IMPORT_RECORDS:
        raise ImportRejectedError([f"the file holds {records:,} records, more than {MAX_IMPORT_RECORDS:,}: "
                                   "split it into smaller files"])
    # The file's own fields first (format, version, any unknown key), then record by record,
    # so checking can stop at MAX_IMPORT_PROBLEMS; the records that read are kept, so their
    # references can be checked too.
    try:
        header = Bundle.model_validate({k: v for k, v in raw.items() if k not in SECTIONS})
    except ValidationError as exc:
        header = None
        problems.extend(_json_problems(raw, exc))
    kept: dict[str, list] = {"actors": [], "documents": [], "items": []}
    kept_names: dict[str, list[str]] = {"actors": [], "documents": [], "items": []}
    unread: set[str] = set()
    unchecked = 0
    for section, model in (("actors", Actor), ("documents", Document), ("items", ItemRecord)):
        for index, record in enumerate(raw.get(section, [])):
            if len(problems) >= MAX_IMPORT_PROBLEMS:
                unchecked += 1
                continue
            try:
                kept[section].append(model.model_validate(record))
                kept_names[section].append(f"{section}[{index}]")
            except ValidationError as exc:
                problems.extend(_json_problems(raw, exc, at=(section, index)))
                if isinstance(record, dict) and isinstance(record.get("id"), str):
                    unread.add(record["id"])
    problems = _stopped(problems[:MAX_IMPORT_PROBLEMS], unchecked)
    fields = {} if header is None else {"format": header.format, "version": header.version,
                                        "exported_at": header.exported_at}
    bundle = Bundle.model_construct(**fields, **kept) if header is not None else Bundle(**kept)
    return FileReading(bundle=bundle, problems=problems, unread_ids=unread, names=kept_names)


#: How much of a record's id a problem line shows: an id is checked only after the line is made,
#: so a raw one can be as long as the file, and every problem of the record repeats it.
SHOWN_ID_CHARS = 80


def _shown_id(ident: object) -> str:
    """``ident`` as a problem line names its record: its first ``SHOWN_ID_CHARS`` characters
    (not a string: the start of its repr, which is never built whole)."""
    if not isinstance(ident, str):
        shorter = reprlib.Repr()
        shorter.maxlevel, shorter.maxlist, shorter.maxdict = 2, 4, 4
        shorter.maxstring = shorter.maxother = SHOWN_ID_CHARS
        ident = shorter.repr(ident)
    return ident if len(ident) <= SHOWN_ID_CHARS else ident[:SHOWN_ID_CHARS] + "…"


def _json_problems(raw: dict, error: ValidationError, at: tuple = ()) -> list[str]:
    """Lines for ``error``; ``at`` is where the validated value sits in ``raw`` (section, index)."""
    lines = []
    for problem in error.errors(include_url=False, include_context=False, include_input=False):
        loc = list(at) + list(problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        where = ""
        if len(loc) >= 2 and loc[0] in ("actors", "documents", "items") and isinstance(loc[1], int):
            section, index = loc[0], loc[1]
            record = raw.get(section, [])[index] if index < len(raw.get(section, [])) else None
            ident = record.get("id") if isinstance(record, dict) else None
            where = f"{section}[{index}]" + (f" ({_shown_id(ident)})" if ident else "")
            rest = ".".join(str(part) for part in loc[2:])
            lines.append(f"{where}: {rest}: {message}" if rest else f"{where}: {message}")
        else:
            rest = ".".join(str(part) for part in loc)
            lines.append(f"{rest}: {message}" if rest else message)
    return lines


def _read_csv(text: str) -> FileReading:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
        rows = []
        for row in reader:  # row by row, so a file of a million short lines stops at the ceiling
            rows.append(row)
            if len(rows) > MAX_IMPORT_RECORDS:
                raise ImportRejectedError([f"the file holds more than {MAX_IMPORT_RECORDS:,} rows: "
                                           "split it into smaller files"])
    except csv.Error as exc:
        raise ImportRejectedError([f"not valid CSV: {exc}"]) from None
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"row 1 (header): missing column(s): {', '.join(missing)}")
        if unknown:
            problems.append(f"row 1 (header): unknown column(s): {', '.join(map(str, unknown))}")
        raise ImportRejectedError(problems)
    items: list[Any] = []
    rows_of_items: list[str] = []
    problems = []
    unread: set[str] = set()
    unchecked = 0
    for number, row in enumerate(rows, start=2):
        if None in row:  # more cells than the header has columns
            if len(problems) >= MAX_IMPORT_PROBLEMS:
                unchecked += 1
                continue
            problems.append(f"row {number}: more cells than the header has columns")
            if isinstance(row.get("id"), str) and row["id"]:
                unread.add(restore_cell(row["id"]))
            continue
        cells = {k: restore_cell(v or "") for k, v in row.items()}
        if not any(cells.values()):
            continue
        if len(problems) >= MAX_IMPORT_PROBLEMS:
            unchecked += 1
            continue
        record: dict[str, Any] = {
            k: cells.get(k, "")
            for k in ("id", "kind", "title", "quote", "document_id", "origin_document_id",
                      "makers", "owners", "themes", "made", "deadline", "done_when", "reference")
        }
        history = _csv_history(cells)
        if history:
            record["history"] = [history]
        try:
            items.append(ItemRecord.model_validate(record))
            rows_of_items.append(f"row {number}")
        except ValidationError as exc:
            ident = _shown_id(cells.get("id") or "?")
            if cells.get("id"):
                unread.add(cells["id"].strip())
            for line in describe_validation_error(exc):
                problems.append(f"row {number} ({ident}): {line}")
    problems = _stopped(problems[:MAX_IMPORT_PROBLEMS], unchecked)
    return FileReading(bundle=Bundle(items=items), problems=problems, unread_ids=unread,
                       names={"items": rows_of_items})


def _csv_history(cells: dict[str, str]) -> dict | None:
    """The one assessment a CSV row can carry: its current status with the last evidence."""
    status = cells.get("status", "").strip()
    response = cells.get("response", "").strip()
    implementation = cells.get("implementation", "").strip()
    evidence = cells.get("last_evidence", "").strip()
    if not (status or response or implementation):
        return None
    if status == status_rules.NOT_YET_ASSESSED and not evidence:
        return None
    entry: dict[str, Any] = {
        "evidence": evidence,
        "evidence_url": cells.get("last_evidence_url", ""),
        "assessed_on": cells.get("last_assessed_on", ""),
    }
    if cells.get("kind") == ItemKind.RECOMMENDATION:
        entry["response"] = response
        entry["implementation"] = implementation
    else:
        entry["status"] = status
    return entry


def import_file(store: Store, data: bytes, filename: str, *, by: str, fmt: str | None = None,
                as_recorded: bool = False) -> dict[str, int]:
    """Validate and import a JSON or CSV file in one transaction; all or nothing. The history is
    recorded by ``by`` now, unless ``as_recorded`` (see ``Store.import_bundle``).

    Raises ImportRejectedError with every problem (CSV problems name their row number): the
    rows that do not read and the references of those that do, together.
    """
    reading = read_file(data, filename, fmt)
    if reading.problems:
        stored = store.import_problems(reading.bundle, also_known=reading.unread_ids)
        raise ImportRejectedError(capped(reading.problems + [reading.rename(p) for p in stored]))
    try:
        return store.import_bundle(reading.bundle, by=by, as_recorded=as_recorded)
    except ImportRejectedError as exc:
        exc.problems = capped([reading.rename(p) for p in exc.problems])
        raise


__all__ = [
    "CSV_COLUMNS",
    "FileReading",
    "check_file",
    "ImportRejectedError",
    "TrackerError",
    "export_csv",
    "export_json",
    "import_file",
    "items_to_csv",
    "neutralise_cell",
    "read_bundle",
    "read_file",
]
