"""Run the reliability tests at a bigger size and print the figures they measured.

    python tests/reliability/report.py                      # the sizes in README.md, Reliability
    python tests/reliability/report.py --procs 8 --changes 40 --crash-trials 10 --fuzz-examples 150

Runs pytest over tests/reliability/ with the sizes in the environment variables the tests read
(see conftest.py), collects what each test recorded, and prints a Markdown summary: the sizes,
the machine, and for each attack what was tried and what went wrong (which must be nothing).
Exits non-zero when any test failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def machine() -> str:
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return (f"{os.cpu_count()} cores, {memory} RAM, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")


def run(args) -> tuple[list[dict], dict[str, str], float]:
    with tempfile.TemporaryDirectory() as tmp:
        figures_file = Path(tmp) / "figures.jsonl"
        junit = Path(tmp) / "junit.xml"
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "TRACKER_RELIABILITY_FIGURES": str(figures_file),
            "TRACKER_STRESS_PROCS": str(args.procs),
            "TRACKER_STRESS_CHANGES": str(args.changes),
            "TRACKER_STRESS_ITEMS": str(args.items),
            "TRACKER_CRASH_TRIALS": str(args.crash_trials),
            "TRACKER_FUZZ_EXAMPLES": str(args.fuzz_examples),
            "TRACKER_BACKUP_ROUNDS": str(args.backup_rounds),
            "XDG_CONFIG_HOME": os.environ.get("XDG_CONFIG_HOME") or str(Path(tmp) / "config"),
            "XDG_CACHE_HOME": os.environ.get("XDG_CACHE_HOME") or str(Path(tmp) / "cache"),
        }
        command = [sys.executable, "-m", "pytest", str(HERE), "-q", "-p", "no:cacheprovider",
                   f"--junitxml={junit}", "-W", "ignore::DeprecationWarning"]
        if not args.browser:
            command += ["-m", "not browser"]
        began = time.monotonic()
        subprocess.run(command, cwd=ROOT, env=env, check=False)
        seconds = time.monotonic() - began
        figures = [json.loads(line) for line in figures_file.read_text().splitlines()] if figures_file.exists() else []
        outcomes = {}
        if junit.exists():
            for case in ET.parse(junit).iter("testcase"):
                name = f"{case.get('classname')}::{case.get('name')}"
                state = "passed"
                for child in case:
                    if child.tag in ("failure", "error"):
                        state = "FAILED"
                    elif child.tag == "skipped":
                        state = "skipped: " + (child.get("message") or "").split("\n")[0][:200]
                outcomes[name] = state
        return figures, outcomes, seconds


def summary(args, figures: list[dict], outcomes: dict[str, str], seconds: float) -> str:
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for figure in figures:
        by_kind[figure["kind"]].append(figure)
    failed = sorted(name for name, state in outcomes.items() if state == "FAILED")
    lines = [f"Measured on {machine()}, in {seconds / 60:.1f} minutes, with "
             f"`python tests/reliability/report.py --procs {args.procs} --changes {args.changes} "
             f"--items {args.items} --crash-trials {args.crash_trials} --fuzz-examples {args.fuzz_examples} "
             f"--backup-rounds {args.backup_rounds}{' --browser' if args.browser else ''}`.", ""]
    lines += ["| attack | tried | went wrong |", "| --- | --- | --- |"]
    for c in by_kind["contention"]:
        lines.append(
            f"| lost updates: {c['processes']} processes x {c['changes_per_process']} status changes on "
            f"{c['items']} shared items, each with the version it read | {c['tried']:,} changes: "
            f"{c['accepted']:,} accepted, {c['conflicts']:,} refused as conflicts ({c['seconds']} s) | "
            f"lost {c['lost']}, duplicated {c['duplicated']}, written though refused {c['phantom']}, "
            f"other errors (\"database is locked\") {c['other_errors']} |")
    for c in by_kind["crash"]:
        lines.append(
            f"| crashes: a writer killed with SIGKILL at a random moment | {c['trials']:,} kills during "
            f"{c['writes_committed']:,} committed writes ({c['kills_mid_write']} inside a write call, "
            f"{c['unfinished_landed']} of those had just committed) | corruptions {c['corruptions']}, "
            f"missing committed writes {c['missing_committed']}, half-written or unexpected {c['unexpected']} |")
    fuzz = by_kind["fuzz"]
    if fuzz:
        fuzz_failed = [n for n in failed if "fuzz" in n]
        total = sum(f["inputs"] for f in fuzz)
        groups: dict[str, int] = defaultdict(int)
        for f in fuzz:  # "model Actor" -> "models", "store write Link" -> "store writes", ...
            group = {"model": "models", "store": "store writes", "import": "importer"}.get(
                f["target"].split()[0], f["target"])
            groups[group] += f["inputs"]
        targets = ", ".join(f"{name} {count:,}" for name, count in groups.items())
        wrong = "tracebacks 0, partial writes 0" if not fuzz_failed else f"{len(fuzz_failed)} fuzz tests FAILED"
        lines.append(f"| bad input: random and malformed values (hypothesis) | {total:,} inputs ({targets}) | "
                     f"{wrong} |")
    for c in by_kind["backup"]:
        lines.append(f"| backups: `tracker backup` while {c['writers']} writer processes commit | "
                     f"{c['backups']} backups during {c['writes_committed']:,} writes | inconsistent copies "
                     f"{c['inconsistent_copies']}, committed writes missing {c['missing_in_live']}; restore gave "
                     "back the identical JSON and CSV export |")
    for c in by_kind["throttle"]:
        lines.append(f"| sign-in guessing: {c['processes']} processes at once, on {c.get('target', 'an account')} "
                     f"| {c['guesses']} wrong passwords | "
                     f"{c['checked']} were checked, {c['refused_unchecked']} refused unchecked (limit 5 before a "
                     "15-minute lock) |")
    for c in by_kind["hostile text"]:
        lines.append(f"| hostile text in every stored field, in Chromium | {c['pages']} pages (public and staff) "
                     f"| markup, scripts, javascript: links or alerts: {c['problems']} |")
    audit = [state for name, state in outcomes.items() if "no_known_advisory" in name]
    if audit:
        state = {"passed": "none"}.get(audit[0], audit[0])
        if state.startswith("skipped"):
            state = "NOT audited: the advisory services (PyPI's JSON API, OSV) could not be reached"
        lines.append(f"| known advisories in requirements.lock (pip-audit) | every locked dependency | {state} |")
    lines += ["", f"Tests: {sum(1 for s in outcomes.values() if s == 'passed')} passed, "
              f"{len(failed)} failed, {sum(1 for s in outcomes.values() if s.startswith('skipped'))} skipped."]
    lines += [f"FAILED: {name}" for name in failed]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procs", type=int, default=16)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--items", type=int, default=3)
    parser.add_argument("--crash-trials", type=int, default=200)
    parser.add_argument("--fuzz-examples", type=int, default=1000)
    parser.add_argument("--backup-rounds", type=int, default=10)
    parser.add_argument("--browser", action="store_true", help="also run the browser test")
    args = parser.parse_args(argv)
    figures, outcomes, seconds = run(args)
    print(summary(args, figures, outcomes, seconds))
    return 1 if any(state == "FAILED" for state in outcomes.values()) or not outcomes else 0


if __name__ == "__main__":
    sys.exit(main())
