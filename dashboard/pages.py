"""The page registry: every page of the dashboard, public and staff, in one list.

Each page has a name (how code refers to it: ``page("item")``), its script under dashboard/,
a title, an icon, an address and who may see it. Pages import this module to link to one
another; it imports no page and no router (dashboard/navigation.py builds the sidebar from it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
PUBLIC, STAFF = "Public record", "Staff"


@dataclass(frozen=True)
class PageSpec:
    name: str  # how code refers to the page: page("item")
    file: str  # the script, relative to dashboard/
    title: str
    icon: str
    url_path: str
    section: str = PUBLIC
    default: bool = False
    admin_only: bool = False


#: The public pages, in sidebar order. URLs: /tracker, /item?id=<item id>, /gaps ...
PUBLIC_PAGES = (
    PageSpec("overview", "views/overview.py", "Overview", ":material/dashboard:", "overview", default=True),
    PageSpec("tracker", "views/tracker_table.py", "Tracker", ":material/table_rows:", "tracker"),
    PageSpec("item", "views/item.py", "Item", ":material/description:", "item"),
    PageSpec("gaps", "views/gaps.py", "Gaps", ":material/report:", "gaps"),
    PageSpec("timeline", "views/timeline.py", "Timeline", ":material/timeline:", "timeline"),
    PageSpec("sources", "views/sources.py", "Sources", ":material/library_books:", "sources"),
    PageSpec("changes", "views/changes.py", "What changed", ":material/update:", "changes"),
    PageSpec("about", "views/about.py", "About", ":material/info:", "about"),
)

#: The staff workspace's pages, in sidebar order (dashboard/staff/). Signed out, only
#: "account" shows (as "Staff sign-in"); the others stay registered but hidden, so a bookmarked
#: address lands on a sign-in prompt rather than "page not found".
STAFF_PAGES = (
    PageSpec("assess", "staff/assess.py", "Record assessment", ":material/fact_check:", "record-assessment",
             section=STAFF),
    PageSpec("items", "staff/items.py", "Items, deadlines, links", ":material/edit_note:", "edit-items",
             section=STAFF),
    PageSpec("review", "staff/review.py", "Items from a text", ":material/auto_awesome:", "review-items",
             section=STAFF),
    PageSpec("bulk", "staff/bulk_status.py", "Statuses from a report", ":material/checklist:", "bulk-status",
             section=STAFF),
    PageSpec("edit-sources", "staff/sources.py", "Documents and actors", ":material/library_add:",
             "edit-sources", section=STAFF),
    PageSpec("import", "staff/import_file.py", "Import a file", ":material/upload_file:", "import", section=STAFF),
    PageSpec("audit", "staff/audit.py", "Audit log", ":material/history_edu:", "audit-log", section=STAFF),
    PageSpec("users", "staff/users.py", "Users", ":material/manage_accounts:", "users", section=STAFF,
             admin_only=True),
    PageSpec("account", "staff/account.py", "Your account", ":material/account_circle:", "staff", section=STAFF),
)

PAGES = {spec.name: spec for spec in PUBLIC_PAGES + STAFF_PAGES}


def page(name: str, *, visible: bool = True, title: str | None = None) -> st.Page:
    """The page called ``name``, for ``st.page_link`` / ``st.switch_page`` and the navigation."""
    spec = PAGES[name]
    return st.Page(HERE / spec.file, title=title or spec.title, icon=spec.icon, url_path=spec.url_path,
                   default=spec.default, visibility="visible" if visible else "hidden")
