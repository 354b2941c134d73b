"""HTML, SVG and XML for the edition: Jinja2 templates with autoescaping on.

Stored text (titles, quotes, evidence, names, notes) is data, never markup: every template
escapes it, and nothing stored is ever marked safe. The only markup not written by a template
is a chart's JSON, embedded by ``script_json``, which escapes ``<``, ``>`` and ``&`` so no
stored text can end the script element it sits in. Links to the outside go through
``web_url`` (http and https only). Nothing here imports streamlit.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from tracker.models import LIST_SEPARATOR, split_list, web_url

_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                                "\u2029": "\\u2029"})
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def page_name(item_id: str) -> str:
    """The file name an item's pages and badge use: its id when that is a slug (every id the
    tracker's models accept), else the id percent-encoded, so no id can leave its folder."""
    text = str(item_id)
    return text if _SLUG.match(text) else quote(text, safe="").replace("%", "_") or "_"


def script_json(value: Any) -> Markup:
    """``value`` as JSON that is safe inside a ``<script>`` element (a string is taken to be
    JSON already, as Plotly writes it)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # str.replace, one character at a time, not str.translate: data/items.js is 40 MB at 100,000
    # items and translate goes a character at a time in Python's slow path (seconds, not 0.1 s).
    # No replacement brings in a character another one replaces.
    for unsafe, escaped in _SCRIPT_UNSAFE.items():
        text = text.replace(chr(unsafe), escaped)
    return Markup(text)


def text(value: Any) -> Markup:
    """``value`` escaped for an element's content (``&``, ``<`` and ``>``): what autoescaping
    does, but for quotes, which are markup only inside an attribute. Item pages show many
    quoted and apostrophed texts at 100,000 items, and ``&#39;`` is five bytes for one. Never
    for an attribute's value."""
    return Markup(str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def names_of(ids: object, names: Mapping[str, str]) -> str:
    """"; "-joined actor ids as names."""
    if not isinstance(ids, str) or not ids:
        return ""
    return LIST_SEPARATOR.join(names.get(part, part) for part in split_list(ids))


def number(value: object) -> str:
    """A whole number with thousands separators; empty for a missing value."""
    try:
        if value is None or value != value:  # NaN
            return ""
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tracker.publish", "templates"),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True, default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(web_url=web_url, page_name=page_name, script_json=script_json, number=number, text=text,
                       urlquote=lambda v: quote(str(v), safe=""))
    return env
