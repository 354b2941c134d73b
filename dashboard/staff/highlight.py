"""A text with numbered passages marked, as HTML that is safe by construction.

The text is whatever staff pasted or uploaded (a web page's text can hold "<script>"): every
character of it goes through ``html.escape``; the only markup is this module's own ``<mark>``
and ``<sup>`` tags, whose attributes come from the fixed ``STYLES`` table and whose labels are
integers. No Streamlit here; the review page hands the result to ``st.html``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

#: How a passage is marked, by its state in the review (never taken from the text).
STYLES = {
    "proposed": "background:#fff3bf;border-bottom:2px solid #f0b400;",
    "accepted": "background:#d3f9d8;border-bottom:2px solid #2b8a3e;",
    "rejected": "background:#f1f3f5;color:#868e96;text-decoration:line-through;",
}
_BOX = ("white-space:pre-wrap;font-family:inherit;font-size:0.9rem;line-height:1.55;"
        "padding:0.25rem 0.5rem;overflow-wrap:anywhere;")


def highlighted_html(text: str, passages: Iterable[tuple[int, int, int, str]]) -> str:
    """``text`` as HTML with each passage ``(start, end, number, state)`` marked and numbered.

    Passages are drawn in text order; one that overlaps an earlier one is left unmarked (the
    candidates list still shows it). ``state`` is a key of ``STYLES``.
    """
    out = [f'<div style="{_BOX}">']
    position = 0
    for start, end, number, state in sorted(passages):
        start, end = max(int(start), 0), min(int(end), len(text))
        if start < position or end <= start:
            continue
        out.append(html.escape(text[position:start]))
        out.append(f'<mark style="{STYLES[state]}"><sup><b>{int(number)}</b></sup>&#8239;'
                   f"{html.escape(text[start:end])}</mark>")
        position = end
    out.append(html.escape(text[position:]))
    out.append("</div>")
    return "".join(out)
