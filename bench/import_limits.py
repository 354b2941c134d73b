"""Peak memory and time of checking the worst import files the limits allow (issue 11).

Each file is just under ``MAX_IMPORT_BYTES`` and built to cost the most at one of the ceilings
(JSON objects, records, problems, CSV rows). Each is checked by ``tracker import`` in a fresh
process on an empty database; the figure is that process's peak resident memory. Usage:

    .venv/bin/python bench/import_limits.py [--folder /tmp/limits]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tracker.exchange import MAX_IMPORT_BYTES, MAX_IMPORT_RECORDS

LIMIT = MAX_IMPORT_BYTES - 1024


def _fill(path: Path, head: str, unit: str, tail: str, sep: str = ",") -> Path:
    count = (LIMIT - len(head) - len(tail)) // (len(unit) + len(sep))
    with open(path, "w", encoding="utf-8") as out:
        out.write(head)
        out.write(sep.join([unit] * count))
        out.write(tail)
    return path


def _bad_items(path: Path, count: int) -> Path:
    """``count`` items that all fail validation, padded to fill the file."""
    pad = max(0, LIMIT // count - 120)
    item = {"id": "Not A Slug", "kind": "promise", "title": "x" * pad, "quote": "", "document_id": "?",
            "makers": [], "made": "someday"}
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"items": [')
        out.write(",".join([json.dumps(item)] * count))
        out.write("]}")
    return path


FILES = {
    "JSON, 16 million empty objects (the object ceiling)": lambda p: _fill(p, '{"items": [', "{}", "]}"),
    "JSON, 8 million short strings as items (the record ceiling)": lambda p: _fill(p, '{"items": [', '"ab"', "]}"),
    f"JSON, {MAX_IMPORT_RECORDS:,} invalid items (the problem ceiling)":
        lambda p: _bad_items(p, MAX_IMPORT_RECORDS),
    "JSON, 1 million one-key objects (just under the object ceiling)":
        lambda p: _fill(p, '{"items": [', '{"id": "' + "a" * 40 + '"}', "]}"),
    "CSV, 25 million short rows (the row ceiling)":
        lambda p: _fill(p, "id,kind,title,quote,document_id,makers,made\n", "a", "\n", sep="\n"),
}


def measure(path: Path, folder: Path) -> tuple[float, float, str]:
    db = folder / "empty.db"
    db.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), "init", "--empty"], check=True,
                   capture_output=True)
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen([sys.executable, "-m", "tracker", "--db", str(db), "import", str(path)],
                                   stdout=out, stderr=subprocess.STDOUT, text=True)
        _, _, usage = os.wait4(process.pid, 0)  # this child's own peak, not the largest so far
        process.returncode = 0
        seconds = time.perf_counter() - start
        out.seek(0)
        lines = out.read().strip().splitlines()
    said = f"{lines[0][:90]} ... ({len(lines)} lines)" if lines else ""
    return usage.ru_maxrss / 1024, seconds, said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=None)
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="import-limits-"))
    folder.mkdir(parents=True, exist_ok=True)
    print("| file (each just under 50 MB) | peak memory | time | what the import said |")
    print("| --- | --- | --- | --- |")
    for name, make in FILES.items():
        path = make(folder / "worst.json" if name.startswith("JSON") else folder / "worst.csv")
        peak, seconds, said = measure(path, folder)
        print(f"| {name} | {peak:,.0f} MB | {seconds:.1f} s | {said} |", flush=True)
        path.unlink()


if __name__ == "__main__":
    main()
