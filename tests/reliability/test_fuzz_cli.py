"""Bad input, property-based: the `tracker` command's arguments, options, stdin and files.

Every command is called with random and malformed arguments (lone surrogates included: Linux
hands undecodable argv bytes to Python as those), garbage files and odd paths. It must end with
exit code 0, 1 (a one-line error) or 2 (a usage error), print no traceback, and leave the
database unchanged whenever it fails.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile_inputs import DATE_LIKE, HOSTILE_TEXTS, NASTY_STRINGS
from reliability_workload import env_size
from tracker import exchange
from tracker.cli import cli
from tracker.store import Store

EXAMPLES = env_size("TRACKER_FUZZ_EXAMPLES", 150)

#: Anything a shell can put in argv: no NUL, and Python's surrogate escapes (U+DC80-U+DCFF) for
#: bytes that are not UTF-8 (`tracker status show $'\xff'` gives the argument "\udcff").
arg_text = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00")
            | st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF), max_size=12),
    st.sampled_from([t for t in HOSTILE_TEXTS + NASTY_STRINGS + DATE_LIKE if "\x00" not in t]),
    st.sampled_from(["-", "--", "--help", "-h", "--db", "--yes", "0", "-1", "99999999999999999999"]),
)
ITEMS = ["improve-data", "track-abuse", "data-unreliable"]
item_arg = st.sampled_from(ITEMS) | arg_text
file_name = arg_text.map(lambda t: t.replace("/", "_").replace("\x00", "") or "f").filter(
    lambda t: t not in (".", ".."))


def maybe(option: str, values) -> st.SearchStrategy[list[str]]:
    return st.one_of(st.just([]), values.map(lambda v: [option, v]))


def mostly(option: str, values) -> st.SearchStrategy[list[str]]:
    """A required option: left out one time in five, so most calls get past click's checks."""
    return st.integers(0, 4).flatmap(lambda n: st.just([]) if n == 0 else values.map(lambda v: [option, v]))


@st.composite
def invocations(draw, workdir: Path, export_bytes: list[bytes]):
    """(argv, stdin) for one command, with ``workdir`` files created as needed."""
    command = draw(st.sampled_from(["status set", "status show", "import", "export", "user add",
                                    "user disable", "user role", "backup", "restore", "random"]))
    out = workdir / "out"
    if command == "status set":
        argv = ["status", "set", draw(item_arg),
                draw(st.sampled_from(["delivered", "in progress", "implemented", "stalled"]) | arg_text)]
        argv += draw(mostly("--evidence", arg_text | st.just("Annual report")))
        argv += draw(mostly("--by", arg_text | st.just("alice")))
        for option, values in (("--url", arg_text | st.just("https://example.org/x")),
                               ("--document", arg_text | st.just("paper")),
                               ("--on", arg_text | st.sampled_from(DATE_LIKE)),
                               ("--response", arg_text | st.just("accepted")),
                               ("--expect-version", arg_text | st.integers(-3, 5).map(str))):
            argv += draw(maybe(option, values))
        return argv, None
    if command == "status show":
        return ["status", "show", draw(item_arg)], None
    if command == "import":
        data = draw(st.one_of(st.binary(max_size=300), st.sampled_from(export_bytes).flatmap(
            lambda d: st.integers(0, len(d)).map(lambda n: d[:n] + d[n + 1:]))))
        path = workdir / f"in-{draw(st.sampled_from(['a.json', 'a.csv', 'a.txt', 'a']))}"
        path.write_bytes(data)
        return (["import", str(path)] + draw(maybe("--format", arg_text | st.sampled_from(["json", "csv"])))
                + draw(maybe("--by", arg_text))), None
    if command == "export":
        return (["export"] + draw(maybe("--format", arg_text | st.sampled_from(["json", "csv"])))
                + draw(maybe("--output", file_name.map(lambda n: str(out / n))))), None
    if command == "user add":
        argv = ["user", "add", draw(arg_text | st.just("bob.example"))]
        argv += draw(mostly("--name", arg_text | st.just("Bob")))
        argv += draw(maybe("--email", arg_text | st.just("bob@example.org")))
        argv += draw(maybe("--role", arg_text | st.sampled_from(["editor", "admin"])))
        argv += draw(st.sampled_from([["--password-stdin"], ["--no-password"], [], ["--password-stdin",
                                                                                      "--no-password"]]))
        return argv, draw(arg_text | st.just("a long enough password")) + "\n"
    if command == "user disable":
        return ["user", "disable", draw(arg_text | st.just("alice"))], None
    if command == "user role":
        return ["user", "role", draw(arg_text | st.just("alice")), draw(arg_text | st.just("admin"))], None
    if command == "backup":
        return ["backup", str(out / draw(file_name))], None
    if command == "restore":
        path = workdir / "garbage.db"
        path.write_bytes(draw(st.binary(max_size=2000)))
        return ["restore", str(path)] + draw(st.sampled_from([["--yes"], []])), None
    return draw(st.lists(arg_text, max_size=5)), draw(st.none() | arg_text)


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def cli_template(tmp_path, sample_bundle):
    path = tmp_path / "template.db"
    with Store(path) as store:
        store.import_bundle(sample_bundle, by="setup")
        from tracker import auth
        from tracker.models import UserIn

        auth.create_user(store, UserIn(username="alice", display_name="Alice", role="admin"), None, by="setup")
        exports = [exchange.export_json(store).encode(), exchange.export_csv(store).encode()]
    return path, exports


def test_cli_exits_cleanly_on_any_arguments(cli_template, tmp_path, record_figures):
    template, exports = cli_template
    workdir = tmp_path / "work"
    outcomes: Counter = Counter()

    @settings(max_examples=EXAMPLES * 2, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=st.data())
    def check(data):
        shutil.rmtree(workdir, ignore_errors=True)
        (workdir / "out").mkdir(parents=True)
        db = workdir / "cli.db"
        shutil.copyfile(template, db)
        argv, stdin = data.draw(invocations(workdir, exports), label="argv, stdin")
        before = dump(db)
        stdin = None if stdin is None else stdin.encode("utf-8", errors="surrogatepass")  # bytes, as a pipe
        result = CliRunner().invoke(cli, ["--db", str(db), *argv], input=stdin)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{type(result.exception).__name__}: {result.exception}")
        assert result.exit_code in (0, 1, 2), result.output
        assert "Traceback" not in result.output
        if result.exit_code != 0:
            assert dump(db) == before, "a failed command changed the database"
        outcomes[result.exit_code] += 1

    check()
    record_figures(kind="fuzz", target="CLI", inputs=sum(outcomes.values()), ok=outcomes[0],
                   errors=outcomes[1], usage_errors=outcomes[2], tracebacks=0)
    assert outcomes[1] > 0 and outcomes[2] > 0


@pytest.mark.parametrize("content", [b"", b"not a database at all", b"SQLite format 3\x00" + b"\xff" * 4000])
@pytest.mark.parametrize("argv", [["status", "show", "x"], ["export"], ["backup", "{out}"],
                                  ["user", "list"], ["init"]], ids=" ".join)
def test_a_garbage_database_file_is_a_clean_error(content, argv, tmp_path):
    db = tmp_path / "garbage.db"
    db.write_bytes(content)
    argv = [a.replace("{out}", str(tmp_path / "copy.db")) for a in argv]
    result = CliRunner().invoke(cli, ["--db", str(db), *argv])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if content:
        assert result.exit_code == 1, result.output
        assert db.read_bytes() == content, "the command changed a file that is not a tracker database"


@pytest.mark.parametrize("argv", [
    ["status", "show", "\udcff"],
    ["status", "set", "improve-data", "delivered", "--evidence", "x", "--by", "caf\udce9"],
    ["status", "set", "\udcff", "delivered", "--evidence", "x", "--by", "a"],
    ["user", "disable", "\udcff"],
], ids=["show", "set --by", "set item", "user disable"])
def test_argument_bytes_that_are_not_utf8_are_a_clean_error(argv, cli_template, tmp_path):
    """Found by the fuzz test: `tracker status show $'\\xff'` ended in a UnicodeEncodeError
    traceback from SQLite."""
    db = tmp_path / "cli.db"
    shutil.copyfile(cli_template[0], db)
    before = dump(db)
    result = CliRunner().invoke(cli, ["--db", str(db), *argv])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, repr(result.exception)
    assert "not valid UTF-8" in result.output or "does not exist" in result.output
    assert dump(db) == before
