"""The staff workspace: the write side of the dashboard, on the same tracker core and database.

``staff_pages()`` gives the router the "Staff" section. Signed out, only the sign-in page shows;
the other pages stay registered but hidden, so a bookmarked URL (or a session that timed out
mid-edit) lands on a sign-in prompt rather than "page not found", with the typed draft still in
the session. Each page checks the session again at its top, and every write goes through
``tracker.workspace``, which checks it once more against the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class StaffPage:
    name: str
    file: str
    title: str
    icon: str
    url_path: str
    admin_only: bool = False


PAGES = (
    StaffPage("assess", "assess.py", "Record assessment", ":material/fact_check:", "record-assessment"),
    StaffPage("items", "items.py", "Items, deadlines, links", ":material/edit_note:", "edit-items"),
    StaffPage("review", "review.py", "Items from a text", ":material/auto_awesome:", "review-items"),
    StaffPage("bulk", "bulk_status.py", "Statuses from a report", ":material/checklist:", "bulk-status"),
    StaffPage("sources", "sources.py", "Documents and actors", ":material/library_add:", "edit-sources"),
    StaffPage("import", "import_file.py", "Import a file", ":material/upload_file:", "import"),
    StaffPage("audit", "audit.py", "Audit log", ":material/history_edu:", "audit-log"),
    StaffPage("users", "users.py", "Users", ":material/manage_accounts:", "users", admin_only=True),
    StaffPage("account", "account.py", "Your account", ":material/account_circle:", "staff"),
)
_BY_NAME = {spec.name: spec for spec in PAGES}


def page(name: str, *, visible: bool = True, title: str | None = None) -> st.Page:
    """The staff page called ``name``, for ``st.page_link`` / ``st.switch_page``."""
    spec = _BY_NAME[name]
    return st.Page(
        HERE / spec.file,
        title=title or spec.title,
        icon=spec.icon,
        url_path=spec.url_path,
        visibility="visible" if visible else "hidden",
    )


def staff_pages() -> list[st.Page]:
    """The "Staff" section for the signed-in user (just "Staff sign-in" for viewers)."""
    from dashboard.staff import session

    who = session.current()
    pages = []
    for spec in PAGES:
        if spec.name == "account":
            title = spec.title if who else "Staff sign-in"
            pages.append(page(spec.name, visible=True, title=title))
            continue
        visible = who is not None and (who.is_admin or not spec.admin_only)
        pages.append(page(spec.name, visible=visible))
    return pages
