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


def excerpts_html(text: str, passages: Iterable[tuple[int, int, int, str]], *, context: int = 300) -> str:
    """Only the parts of ``text`` around the ``passages`` (``context`` characters either side),
    marked as ``highlighted_html`` marks them, joined by "[…]": what a page can send on every
    rerun when the whole text is megabytes."""
    passages = sorted(passages)
    windows: list[list[int]] = []
    for start, end, _number, _state in passages:
        low, high = max(0, int(start) - context), min(len(text), int(end) + context)
        if windows and low <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], high)
        else:
            windows.append([low, high])
    parts = []
    for low, high in windows:
        inside = [(s - low, e - low, n, state) for s, e, n, state in passages if s >= low and e <= high]
        body = highlighted_html(text[low:high], inside)
        parts.append(("[\u2026] " if low > 0 else "") + body + (" [\u2026]" if high < len(text) else ""))
    return "<hr>".join(parts)
