"""The benchmark runs end to end at 1,000 items and produces every figure (no timing checks:
CI machines vary too much for those; the figures that matter are in the README)."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.mark.slow
def test_benchmark_at_1000_items_produces_every_figure(tmp_path):
    sys.path.insert(0, str(ROOT))
    from bench.benchmark import FIGURES

    browser = os.path.exists(CHROMIUM) or shutil.which("chromium") is not None
    if not browser and os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI must have chromium for the benchmark's browser figures")
    command = [
        sys.executable, str(ROOT / "bench" / "benchmark.py"), "--sizes", "1000", "--output", str(tmp_path),
        "--cold-runs", "1", "--warm-runs", "2", "--repeats", "5", "--browser-repeats", "1",
        "--changes", "50", "--sustained-seconds", "1",
    ]
    if not browser:
        command.append("--skip-browser")
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"), "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]

    results = json.loads((tmp_path / "results.json").read_text())
    figures = results["sizes"]["1000"]
    skipped = set() if browser else {n for n in FIGURES if n.startswith("browser_")} | {"dashboard_rss_mb"}
    for name in FIGURES:
        if name in skipped:
            continue
        value = figures.get(name)
        assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, (name, value)
    if browser:
        assert results["browser_floor_ms"] > 0
    assert results["databases"]["1000"]["counts"]["items"] == 1000
    table = (tmp_path / "results.md").read_text()
    assert "Ratio ours / Datasette" in table and "1,000 items" in table
    assert "Ratio ours / Datasette" in done.stdout
