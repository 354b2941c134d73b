"""The edition's own addresses for ``tracker.about.SiteSettings``: the feed, chart credits and
link previews name the edition's pages (``items/<id>.html``), not the dashboard's."""

from __future__ import annotations

import dataclasses
from urllib.parse import quote

from ..about import SiteSettings, site_settings
from .render import page_name

#: The dashboard's page paths -> the edition's files.
PAGES = {"": "index.html", "overview": "index.html", "gaps": "gaps.html", "tracker": "tracker.html",
         "sources": "sources.html", "changes": "changes.html", "about": "about.html", "item": "tracker.html"}


@dataclasses.dataclass(frozen=True)
class EditionSettings(SiteSettings):
    """``SiteSettings`` whose ``site_url`` is the edition's ``--base-url`` ("" when unknown:
    addresses are then relative to the edition's top folder)."""

    def page_url(self, path: str = "", **query: str) -> str:
        base = f"{self.site_url.rstrip('/')}/" if self.site_url else ""
        if path == "item" and "id" in query:
            return f"{base}items/{page_name(query['id'])}.html"
        if path == "sources" and "doc" in query:
            return f"{base}sources.html#doc-{quote(str(query['doc']), safe='')}"
        return base + PAGES.get(path.strip("/"), path)


def edition_settings(base_url: str | None, name: str | None = None) -> EditionSettings:
    """The publisher's settings (``TRACKER_SITE_NAME``, ``TRACKER_KEEPER``, ...) at the edition's address."""
    found = site_settings()
    values = {f.name: getattr(found, f.name) for f in dataclasses.fields(SiteSettings)}
    values.update(site_url=(base_url or "").rstrip("/"))
    if name:
        values["name"] = name
    return EditionSettings(**values)
