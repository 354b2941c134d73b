"""The published edition: static pages, open data, a feed and embeds that any static host or
CDN serves (``tracker publish DIR``). Nothing here imports streamlit."""

from .edition import PublishResult, publish

__all__ = ["PublishResult", "publish"]
