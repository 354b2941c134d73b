"""The router: the sidebar shared by every page, built from the page registry (dashboard/pages.py).

Public pages need no sign-in and never show edit controls. The "Staff" section shows the
staff pages the signed-in person may use; signed out, only "Staff sign-in". Pages never import
this module (they link to each other through ``dashboard.pages.page``).
"""

from __future__ import annotations

import logging
import sys

import streamlit as st

from dashboard import data, page_style
from dashboard.components import account, as_of
from dashboard.pages import PUBLIC, PUBLIC_PAGES, STAFF, STAFF_PAGES, page
from dashboard.staff import session
from tracker.currency import currency_line
from tracker.dates import long_date
from tracker.errors import TrackerError

logger = logging.getLogger(__name__)


def staff_pages() -> list[st.Page]:
    """The "Staff" section for the signed-in person (just "Staff sign-in" for viewers)."""
    who = session.current()
    pages = []
    for spec in STAFF_PAGES:
        if spec.name == "account":
            pages.append(page(spec.name, title=spec.title if who else "Staff sign-in"))
            continue
        visible = who is not None and (who.is_admin or not spec.admin_only)
        pages.append(page(spec.name, visible=visible))
    return pages


def _staff_section() -> list[st.Page]:
    """``staff_pages()``, or [] with a warning in the sidebar when they cannot be built: the
    public record must stay readable whatever state the staff workspace is in."""
    try:
        return staff_pages()
    except Exception:  # noqa: BLE001 - see the docstring (st.stop/st.rerun are BaseExceptions)
        _staff_failed("pages")
    return []


def _account_box() -> None:
    """The staff sign-in box (dashboard/components/account.py); failures as above."""
    try:
        account.show(key="account")
    except Exception:  # noqa: BLE001
        _staff_failed("account box")


def _staff_failed(what: str) -> None:
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
    sections: dict[str, list] = {PUBLIC: [page(spec.name) for spec in PUBLIC_PAGES]}
    staff = _staff_section()
    if staff:
        sections[STAFF] = staff

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
    _account_box()
    return navigation
