"""The review page's marked text (dashboard/staff/highlight.py): escaped by construction."""

from __future__ import annotations

from dashboard.staff.highlight import excerpts_html, highlighted_html

HOSTILE = 'Intro <script>alert("x")</script> & <img src=x onerror=alert(1)>. The Home Office should act. End.'


def test_every_character_of_the_text_is_escaped_and_only_our_marks_are_markup():
    start = HOSTILE.index("The Home")
    shown = highlighted_html(HOSTILE, [(start, start + 27, 1, "accepted")])
    assert "<script" not in shown and "<img" not in shown
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in shown and "&amp;" in shown
    assert shown.count("<mark") == 1 and "<sup><b>1</b></sup>" in shown
    assert "The Home Office should act." in shown


def test_overlapping_passages_are_marked_once():
    shown = highlighted_html("abcdefghij", [(0, 5, 1, "proposed"), (3, 8, 2, "proposed")])
    assert shown.count("<mark") == 1


def test_a_long_text_is_shown_around_its_passages_only():
    text = "x" * 10_000 + " The Home Office should act. " + "y" * 10_000
    start = text.index("The Home")
    shown = excerpts_html(text, [(start, start + 27, 7, "proposed")], context=50)
    assert len(shown) < 1_000 and "The Home Office should act." in shown and "[\u2026]" in shown
