"""What changed: the latest entries of the record, for the What changed page and the Atom feed.

Read from the record itself (assessments and items, by when they were recorded), never from the
audit log, which holds staff data.
"""

from __future__ import annotations

import datetime as dt

from ..progress import date_label
from ..status import display_status, response_label
from ..store import Store
from .render import page_name

#: Entries on the What changed page and in the feed.
SHOWN = 50


def latest(store: Store, *, limit: int = SHOWN) -> list[dict]:
    """The ``limit`` latest changes, newest first: ``when`` (the day recorded), ``at`` (UTC),
    ``item_id``, ``title``, ``summary`` and a stable ``key``."""
    out = []
    for row in store.latest_changes(limit):
        if row["change"] == "assessment":
            said = display_status(row["kind"], row["status"], row["response"], row["implementation"])
            if row["kind"] == "recommendation":
                said = f"response {response_label(row['response'])}, implementation {said}"
            evidence = " ".join((row["evidence"] or "").split())
            if len(evidence) > 240:
                evidence = evidence[:239].rstrip() + "…"
            summary = f"Status recorded: {said}, on evidence dated {date_label(row['assessed_on'], 'day')}: {evidence}"
            key = f"assessment-{row['entry']}"
        else:
            summary = f"Added: a {row['kind']} made {date_label(row['assessed_on'], 'day')}."
            key = f"item-{row['item_id']}"
        at = dt.datetime.fromisoformat(row["at"])
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.timezone.utc)
        out.append({"key": key, "at": at, "when": f"{at.day} {at.strftime('%B %Y')}", "item_id": row["item_id"],
                    "title": row["title"], "summary": summary})
    return out


def feed_context(changes: list[dict], *, base_url: str | None, published_at: dt.datetime) -> dict:
    """The Atom feed's values. Entry ids are tag URIs that stay the same from edition to edition;
    links are absolute when the edition's address is known (``--base-url``), else relative."""
    base = base_url or ""
    authority = base.split("//", 1)[-1].split("/", 1)[0] if base else "policy-tracker.invalid"
    updated = max((c["at"] for c in changes), default=published_at)
    return {
        "feed_id": f"tag:{authority},2020:feed",
        "updated": updated.isoformat(),
        "self_href": f"{base}feed.xml",
        "home_href": f"{base}changes.html",
        "entries": [{"id": f"tag:{authority},2020:{c['key']}", "title": c["title"], "summary": c["summary"],
                     "updated": c["at"].isoformat(), "href": f"{base}items/{page_name(c['item_id'])}.html"}
                    for c in changes],
    }
