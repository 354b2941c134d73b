"""The gaps and timeline pages build their chart figures once per record and reuse them on
later runs (dashboard/cached_charts.py, issue 12): building them was most of a warm run."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import charts
from dashboard_fixture import build_fixture_db

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture
def fixture_db(tmp_path, monkeypatch) -> Path:
    path = build_fixture_db(tmp_path / "fixture.db")
    monkeypatch.setenv("TRACKER_DB", str(path))
    st.cache_data.clear()
    st.cache_resource.clear()
    return path


def _counting(monkeypatch, *names: str) -> dict[str, int]:
    built = dict.fromkeys(names, 0)
    for name in names:
        builder = getattr(charts, name)

        def counted(*args, _name=name, _builder=builder, **kwargs):
            built[_name] += 1
            return _builder(*args, **kwargs)

        monkeypatch.setattr(charts, name, counted)
    return built


@pytest.mark.parametrize("page, builders", [
    ("views/timeline.py", ("events_strip", "events_per_year")),
    ("views/gaps.py", ("chain_timeline", "open_items")),
])
def test_a_rerun_reuses_the_figures(fixture_db, monkeypatch, page, builders):
    built = _counting(monkeypatch, *builders)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    first = dict(built)
    assert all(n >= 1 for n in first.values()), first  # the page draws each of them
    for _ in range(2):
        at.run()
        assert not at.exception
    assert built == first  # the reruns drew the same figures without building them again
