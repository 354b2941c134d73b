"""Issue 11: control characters (a newline, an OSC escape) and bidi overrides in what the CLI
prints reach the terminal only as visible escapes; names and titles refuse them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from test_cli import cli_db, run, seed_dir  # noqa: F401

from tracker.models import Actor, UserIn


@pytest.mark.parametrize("hostile", ["x\n[fake] all good", "\x1b]0;owned\x07x", "abc\u202etxt.exe", "a\x9bb"])
def test_an_id_in_an_error_line_is_printed_escaped(cli_db, hostile):
    result = run("status", "show", hostile, db=cli_db)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    assert not any(ch in result.output for ch in ("\x1b", "\x07", "\u202e", "\x9b"))
    assert "\\x1b" in result.output or "\\u202e" in result.output or "\\n" in result.output or "\\x9b" in result.output


@pytest.mark.parametrize("name", ["Ada\nAdmin", "Ada\u202eAdmin", "Ada\x1b[31m", "Ada\u2066x"])
def test_names_refuse_control_and_bidi_characters(name):
    with pytest.raises(ValidationError):
        UserIn(username="ada", display_name=name)
    with pytest.raises(ValidationError):
        Actor(id="home-office", name=name)


def test_right_to_left_marks_in_a_name_are_kept():
    assert Actor(id="x", name="وزارة\u200fالداخلية").name == "وزارة\u200fالداخلية"
