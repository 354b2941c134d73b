"""The router: which pages exist, their URLs, and the sidebar shared by every page.

Public pages need no sign-in and never show edit controls. The staff workspace adds its own
section through ``dashboard.staff.staff_pages()`` (see the marked places below).
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard import data, page_style
from dashboard.components import as_of
from tracker.currency import currency_line
from tracker.dates import long_date

logger = logging.getLogger(__name__)
VIEWS = Path(__file__).resolve().parent / "views"


@dataclass(frozen=True)
class PageSpec:
    name: str  # how code refers to the page: page("item")
    file: str
    title: str
    icon: str
    url_path: str
    default: bool = False


#: The public pages, in sidebar order. URLs: /tracker, /item?id=<item id>, /gaps ...
PUBLIC_PAGES = (
    PageSpec("overview", "overview.py", "Overview", ":material/dashboard:", "overview", default=True),
    PageSpec("tracker", "tracker_table.py", "Tracker", ":material/table_rows:", "tracker"),
    PageSpec("item", "item.py", "Item", ":material/description:", "item"),
    PageSpec("gaps", "gaps.py", "Gaps", ":material/report:", "gaps"),
    PageSpec("timeline", "timeline.py", "Timeline", ":material/timeline:", "timeline"),
    PageSpec("sources", "sources.py", "Sources", ":material/library_books:", "sources"),
    PageSpec("changes", "changes.py", "What changed", ":material/update:", "changes"),
    PageSpec("about", "about.py", "About", ":material/info:", "about"),
)
_SPECS = {spec.name: spec for spec in PUBLIC_PAGES}


def page(name: str) -> st.Page:
    """The public page called ``name``, for ``st.page_link`` / ``st.switch_page``."""
    spec = _SPECS[name]
    return st.Page(VIEWS / spec.file, title=spec.title, icon=spec.icon, url_path=spec.url_path,
                   default=spec.default)


def _staff_pages() -> list:
    """The staff workspace's pages, or [] while ``dashboard.staff`` offers none.

    A failure inside the staff package is logged and reported in the sidebar, never raised:
    the public record must stay readable whatever state the staff workspace is in.
    """
    try:
        staff = importlib.import_module("dashboard.staff")
        pages = getattr(staff, "staff_pages", None)
        return list(pages()) if callable(pages) else []
    except ModuleNotFoundError as exc:
        if exc.name == "dashboard.staff":
            return []
        _staff_failed("pages")
    except Exception:  # noqa: BLE001 - see the docstring (st.stop/st.rerun are BaseExceptions)
        _staff_failed("pages")
    return []


def _account_box() -> None:
    """The staff sign-in box, once ``dashboard.components.account`` exists (failures as above)."""
    try:
        account = importlib.import_module("dashboard.components.account")
        account.show(key="account")
    except ModuleNotFoundError as exc:
        if exc.name != "dashboard.components.account":
            _staff_failed("account box")
    except Exception:  # noqa: BLE001
        _staff_failed("account box")


def _staff_failed(what: str) -> None:
    import sys

    from tracker.errors import TrackerError

    if isinstance(sys.exc_info()[1], TrackerError):  # the database, not a bug: no traceback
        logger.warning("the staff workspace's %s failed to load: %s", what, sys.exc_info()[1])
    else:
        logger.exception("the staff workspace's %s failed to load", what)
    st.sidebar.warning(f"The staff {what} could not be loaded; the public pages are unaffected.",
                       icon=":material/warning:")


def _currency_line(chosen) -> None:
    """Every page opens with how current the record is, so "as of today" never passes for
    "up to date" (a failure here must not take the page down with it)."""
    try:
        found = data.record_currency(data.snapshot(chosen))
    except Exception:  # noqa: BLE001 - the page itself reports an unreadable database
        logger.exception("the record's dates could not be read")
        return
    st.caption(currency_line(found))


def build_navigation():
    """Assemble the pages and draw the shared sidebar; the caller runs the returned page."""
    sections: dict[str, list] = {"Public record": [page(spec.name) for spec in PUBLIC_PAGES]}

    # --- Staff section: filled in by the staff workspace (dashboard/staff/) ----------------
    staff = _staff_pages()
    if staff:
        sections["Staff"] = staff
    # ----------------------------------------------------------------------------------------

    navigation = st.navigation(sections, expanded=True)  # an admin has 13 pages; none may fold away

    chosen = as_of.show()
    page_style.apply()
    _currency_line(chosen)
    if chosen is not None:
        st.info(
            f"You are reading the record as it stood on **{long_date(chosen)}**: later items, "
            "assessments and deadline changes are left out.",
            icon=":material/history:",
        )

    # --- Account box: the staff sign-in / account controls (dashboard/components/account.py) --
    _account_box()
    # ----------------------------------------------------------------------------------------
    return navigation
