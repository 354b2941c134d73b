"""The changes of ``tracker.changes`` as an Atom feed (RFC 4287), for feed readers and for the
published edition.

Written with ``xml.etree`` rather than a feed library: the feed needs a dozen elements, and
ElementTree escapes every text and attribute value, so stored text cannot break the XML. Entry
ids are ``urn:uuid`` names derived from the site address and each change's stable key, so an
entry keeps its id in every later copy of the feed and feed readers never show it twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from typing import Iterable

from .about import SiteSettings
from .changes import Change

ATOM = "http://www.w3.org/2005/Atom"
#: A feed lists at most this many changes, newest first (readers poll; the page has the rest).
MAX_ENTRIES = 200


def _time(at: dt.datetime) -> str:
    """RFC 3339, in UTC, as section 3.3 requires (``2026-12-01T10:15:00Z``)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def entry_id(settings: SiteSettings, change: Change) -> str:
    """The permanent id of ``change``'s entry."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.site_url}#change/{change.key}").urn


def entry_link(settings: SiteSettings, change: Change) -> str:
    """Where the entry points: the item's permalink, or the document's page on Sources."""
    if change.item_id:
        return settings.page_url("item", id=change.item_id)
    if change.document_id:
        return settings.page_url("sources", doc=change.document_id)
    return settings.page_url("changes")


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = _clean(text)
    return element


def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped: drop them."""
    return "".join(ch for ch in str(text) if ch in "\t\n\r" or ord(ch) >= 0x20 and ch not in "\ufffe\uffff"
                   and not 0xD800 <= ord(ch) <= 0xDFFF)


def atom_feed(
    changes: Iterable[Change], *, settings: SiteSettings, feed_url: str | None = None,
    updated: dt.datetime | None = None, title: str | None = None,
) -> bytes:
    """An Atom 1.0 document (UTF-8 bytes) with one entry per change, newest first, at most
    ``MAX_ENTRIES``. ``updated`` defaults to the newest change (or now, with none);
    ``feed_url`` is the feed's own address (``rel="self"``)."""
    entries = sorted(changes, key=lambda c: (c.recorded_at, c.key), reverse=True)[:MAX_ENTRIES]
    if updated is None:
        updated = entries[0].recorded_at if entries else dt.datetime.now(dt.timezone.utc)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.site_url}#changes").urn)
    _text(feed, "title", title or f"{settings.name}: what changed")
    _text(feed, "subtitle", "New items, status changes, deadlines set or moved, and corrections, "
                            "newest first.")
    _text(feed, "updated", _time(updated))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", settings.keeper or settings.name)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                  href=settings.page_url("changes"))
    if feed_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml", href=feed_url)
    if settings.licence_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="license", href=settings.licence_url)
    _text(feed, "rights", settings.licence)
    _text(feed, "generator", "policy tracker")
    for change in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", entry_id(settings, change))
        _text(entry, "title", f"{change.title}: {change.summary}")
        _text(entry, "updated", _time(change.recorded_at))
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                      href=entry_link(settings, change))
        if change.url:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=change.url)
        _text(entry, "category", "", term=change.kind)
        lines = [change.summary]
        if change.detail:
            lines.append(change.detail)
        if change.effective_on:
            lines.append(f"Dated {change.effective_on}.")
        if change.url:
            lines.append(f"Evidence: {change.url}")
        _text(entry, "content", "\n\n".join(lines), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
