"""Stored text reaches markdown escaped, Plotly HTML-escaped, and links only as http(s)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.safe_text import md, md_link, plot_text, web_url

SPECIAL = set("\\`*_{}[]()#+-.!|<>~:$&\"'=^%@/,;?")


@given(st.text())
def test_md_escapes_every_markdown_character(text):
    out = md(text)
    assert "\n" not in out
    unescaped = out.replace("\\\\", "")  # an escaped backslash is literal
    for match in re.finditer(r"(?<!\\)[" + re.escape("".join(SPECIAL - {"\\"})) + "]", unescaped):
        pytest.fail(f"{match.group()!r} left unescaped in {out!r}")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("plain words", "plain words"),
        ("**bold** :red[x] $y$", "\\*\\*bold\\*\\* \\:red\\[x\\] \\$y\\$"),
        ("<script>", "\\<script\\>"),
        ("# heading\n- item", "\\# heading \\- item"),
        ("news@example.org", "news\\@\u2060example\\.org"),  # no mailto: autolink
        (None, ""),
    ],
)
def test_md(text, expected):
    assert md(text) == expected


@pytest.mark.parametrize(
    "url, safe",
    [
        ("https://example.org/report", True),
        ("http://example.org", True),
        ("  https://example.org  ", True),
        ("HTTPS://EXAMPLE.ORG", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("//example.org", False),
        ("/relative/path", False),
        ("https://", False),
        ("https://exa mple.org", False),
        ("https://example.org/\x00", False),
        ("", False),
        (None, False),
        (42, False),
    ],
)
def test_web_url(url, safe):
    assert (web_url(url) is not None) is safe


def test_md_link():
    assert md_link("the report", "https://example.org/a_(b)") == "[the report](https://example.org/a_%28b%29)"
    assert md_link("x", "javascript:alert(1)") == "x"
    assert md_link("[x](y)", None) == "\\[x\\]\\(y\\)"


def test_plot_text():
    assert plot_text('<a href="javascript:x">y</a> & "z"') == '&lt;a href="javascript:x"&gt;y&lt;/a&gt; &amp; "z"'
    assert plot_text("a" * 10, limit=5) == "aaaa\u2026"
    assert plot_text(None) == ""
