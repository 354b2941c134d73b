"""Fixtures for the reliability tests: their sizes, and where they write the figures they measure.

Sizes come from the environment so CI runs them small and ``report.py`` runs them big:

| variable | meaning | default |
| --- | --- | --- |
| TRACKER_STRESS_PROCS | writer processes in the contention test | 8 |
| TRACKER_STRESS_CHANGES | status changes each of them tries | 40 |
| TRACKER_STRESS_ITEMS | shared items they fight over | 3 |
| TRACKER_CRASH_TRIALS | times a writer is killed with SIGKILL | 10 |
| TRACKER_FUZZ_EXAMPLES | hypothesis examples per fuzz test | 150 |
| TRACKER_BACKUP_ROUNDS | backups taken while writers run | 3 |

With TRACKER_RELIABILITY_FIGURES=FILE each test appends what it measured to FILE, one JSON
object per line.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

FIGURES_ENV = "TRACKER_RELIABILITY_FIGURES"


@pytest.fixture
def record_figures(request):
    """``record_figures(**figures)``: keep what a test measured (see TRACKER_RELIABILITY_FIGURES)."""

    def record(**figures) -> None:
        target = os.environ.get(FIGURES_ENV)
        line = {"test": request.node.nodeid, **figures}
        print(json.dumps(line))
        if target:
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(line) + "\n")

    return record
