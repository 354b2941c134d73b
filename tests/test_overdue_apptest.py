"""The overdue filter and the Past deadline section, driven by Streamlit's AppTest (issue 13,
part 2): the URL's ``state=overdue`` lists the items the Overview counts as overdue; a state the
control does not know is dropped (every item, no error); the Gaps page lists the same items with
days overdue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard_fixture import build_fixture_db
from tracker import figures, frames
from tracker.store import Store

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture
def fixture_db(tmp_path, monkeypatch) -> Path:
    path = build_fixture_db(tmp_path / "fixture.db")
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path


def run(page: str, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    return "\n".join(str(el.value) for kind in ("markdown", "caption", "header", "info")
                     for el in at.get(kind)).replace("\\", "")


def overdue_ids(db: Path) -> set[str]:
    with Store(db) as store:
        plain = frames.annotate(store.items_frame(), today=dt.date.today())
        total = len(plain)
        assert figures.headline(store, today=dt.date.today()).overdue == plain["days_overdue"].notna().sum()
    return set(plain[plain["days_overdue"].notna()]["id"]), total


def test_the_tracker_lists_the_overdue_items_from_the_url(fixture_db):
    late, total = overdue_ids(fixture_db)
    assert late  # the fixture has open items past their deadline
    at = run("views/tracker_table.py", state="overdue")
    assert f"**{len(late)}** of {total} items match" in texts(at)
    listed = next(frame.value for frame in at.dataframe if "title" in frame.value.columns)
    assert len(listed) == len(late)
    assert at.button_group[0].value == "overdue"  # the control shows the filter it applies


def test_an_unknown_state_in_the_url_is_dropped(fixture_db):
    _, total = overdue_ids(fixture_db)
    at = run("views/tracker_table.py", state="late")
    assert f"**{total}** of {total} items" in texts(at)


def test_the_gaps_page_lists_the_overdue_items_with_days_overdue(fixture_db):
    late, _ = overdue_ids(fixture_db)
    at = run("views/gaps.py")
    assert "Past deadline" in texts(at)
    assert f"**{len(late)}** open item" in texts(at)
    shown = next(frame.value for frame in at.dataframe if "days_overdue" in frame.value.columns
                 and "held_by" in frame.value.columns)
    assert len(shown) == len(late) and shown["days_overdue"].notna().all()
