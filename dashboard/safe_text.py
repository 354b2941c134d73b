"""Stored text shown safely: in Streamlit markdown, in Plotly labels, and as links.

Stored text (titles, quotes, evidence, names) is written by staff and by imports; it is data,
never markup. Every page puts stored text into markdown only through ``md``, into a chart only
through ``plot_text``, and into a link only through ``md_link`` / ``web_url``.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from tracker.models import web_url  # noqa: F401 - the one link rule, re-exported for the pages

# Every ASCII punctuation character CommonMark lets a backslash escape, which covers markdown
# syntax, Streamlit's directives (":red[...]", ":material/icon:", emoji shortcodes) and
# LaTeX ("$...$"). "<" and ">" are escaped too, so no HTML survives even as text.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&\"'=^%@/,;?])")


# GitHub-flavoured markdown turns bare addresses into links even when their punctuation is
# escaped: http(s) and www. ones are allowed (they open only http(s)), but an e-mail address
# would become a mailto: link. A word joiner (invisible, zero width) after "@" stops that.
_WORD_JOINER = "\u2060"


def md(text: object) -> str:
    """``text`` escaped so that Streamlit markdown shows it literally, on one line.

    Newlines become spaces: a stored line cannot start a heading, list or quote block. Long
    stored text (quotes, evidence) is better shown with ``st.text``, which parses nothing.
    """
    if text is None:
        return ""
    flat = " ".join(str(text).split())
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat).replace("@", "@" + _WORD_JOINER)




def md_link(label: object, url: object) -> str:
    """A markdown link to ``url`` when it is http(s), else just the escaped label.

    The address is percent-encoded where markdown would end it early ("(", ")", "<", ">").
    """
    safe = web_url(url)
    if safe is None:
        return md(label)
    target = quote(safe, safe=":/?#[]@!$&'*+,;=%~-._")
    target = target.replace("(", "%28").replace(")", "%29")
    return f"[{md(label)}]({target})"


def plot_text(text: object, *, limit: int | None = None) -> str:
    """``text`` for a Plotly label or hover: HTML-escaped, because Plotly renders a subset of
    HTML (including ``<a href>``) in text. ``limit`` shortens it with an ellipsis."""
    if text is None:
        return ""
    value = " ".join(str(text).split())
    if limit is not None and len(value) > limit:
        value = value[: limit - 1].rstrip() + "\u2026"
    # Only "<", ">" and "&" start markup or entities in Plotly text; quotes are left as typed
    # (Plotly shows "&quot;" literally).
    return html.escape(value, quote=False)
