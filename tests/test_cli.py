import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tracker.cli import cli
from tracker.store import Store

ROOT = Path(__file__).resolve().parent.parent


def run(*args, input=None, db=None):
    argv = ["--db", str(db)] + list(args) if db else list(args)
    result = CliRunner().invoke(cli, argv, input=input)
    # A domain error must end in a clean exit, never a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def all_commands(group=cli, prefix=()):
    for name, command in group.commands.items():
        path = prefix + (name,)
        if hasattr(command, "commands"):
            yield from all_commands(command, path)
        else:
            yield path


COMMANDS = sorted(all_commands())


def test_command_list_is_what_the_issue_names():
    names = {" ".join(c) for c in COMMANDS}
    assert {"init", "check", "export", "import", "status set", "user add", "user list",
            "user disable", "backup", "serve"} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output
    first_line = result.output.split("\n\n")[1].strip()
    assert first_line, f"{command} has no help text"


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_is_documented_in_readme(command):
    readme = (ROOT / "README.md").read_text()
    assert f"tracker {' '.join(command)}" in readme


@pytest.fixture
def seed_dir(tmp_path, sample_bundle):
    directory = tmp_path / "seeds"
    directory.mkdir()
    (directory / "sample.yaml").write_text(yaml.safe_dump(sample_bundle.model_dump(
        mode="json", exclude={"format", "version", "exported_at"}, exclude_none=True), sort_keys=False))
    return directory


@pytest.fixture
def cli_db(tmp_path, seed_dir):
    db = tmp_path / "cli.db"
    result = run("init", "--seeds", str(seed_dir), db=db)
    assert result.exit_code == 0, result.output
    return db


def test_init_seeds_once(tmp_path, seed_dir):
    db = tmp_path / "x.db"
    first = run("init", "--seeds", str(seed_dir), db=db)
    assert "Loaded the seed dataset: 2 actors, 2 documents, 3 items" in first.output
    second = run("init", "--seeds", str(seed_dir), db=db)
    assert "no seeds were loaded" in second.output


def test_export_import_round_trip_through_the_cli(cli_db, tmp_path):
    exported = tmp_path / "all.json"
    assert run("export", "--format", "json", "--output", str(exported), db=cli_db).exit_code == 0
    empty = tmp_path / "empty.db"
    made = run("init", "--empty", db=empty)
    assert made.exit_code == 0 and "Loaded" not in made.output, made.output
    result = run("import", "--as-recorded", str(exported), db=empty)  # restoring its own export
    assert result.exit_code == 0, result.output
    assert "Imported 2 actors, 2 documents, 3 items, 2 assessments, 2 links" in result.output
    again = json.loads(run("export", db=empty).output)
    original = json.loads(exported.read_text())
    for data in (again, original):
        data.pop("exported_at")
    assert again == original


def test_status_set_and_conflict(cli_db):
    ok = run("status", "set", "improve-data", "delivered", "--evidence", "Published data",
             "--by", "alice", "--on", "2024-02-01", "--expect-version", "1", db=cli_db)
    assert ok.exit_code == 0, ok.output
    assert ok.output.strip() == "improve-data: recorded; now at version 2"
    stale = run("status", "set", "improve-data", "stalled", "--evidence", "x", "--by", "bob",
                "--expect-version", "1", db=cli_db)
    assert stale.exit_code == 1
    assert stale.output.strip() == (
        "Error: item 'improve-data' was changed by someone else since you read it "
        "(you had version 1, it is now version 2); nothing was saved")
    shown = run("status", "show", "improve-data", db=cli_db).output
    assert "version 2: status: delivered" in shown


@pytest.mark.parametrize(
    "args,message",
    [
        (["improve-data", "done"], "status: Input should be 'not yet assessed'"),
        (["track-abuse", "delivered"], "implementation: Input should be 'not started'"),
        (["data-unreliable", "delivered"], "Error: findings carry no status"),
        (["ghost", "delivered"], "Error: item 'ghost' does not exist"),
        (["improve-data", "delivered", "--url", "javascript:alert(1)"], "evidence_url: must be an http:// or https:// address"),
        (["improve-data", "delivered", "--response", "accepted"], "Error: --response is only for recommendations"),
    ],
)
def test_status_set_errors_are_one_clean_line(cli_db, args, message):
    result = run("status", "set", *args, "--evidence", "E", "--by", "a", db=cli_db)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_malformed_import_leaves_database_byte_for_byte(cli_db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,kind,title,quote,document_id,makers,owners,made,status,last_evidence,last_assessed_on\n"
        "n1,commitment,T,Q,paper,home-office,home-office,2020,in progress,E,2021-02-01\n"
        "n2,commitment,T,Q,paper,home-office,home-office,2020,finished,E,2021-02-01\n"
        "n3,commitment,T,,paper,home-office,home-office,2020,,,\n"
        "n4,commitment,T,Q,paper,home-office,home-office,2023-13-40,,,\n")
    before = cli_db.read_bytes()
    result = run("import", str(bad), db=cli_db)
    assert result.exit_code == 1
    assert "Error: import rejected, nothing written: 3 problems" in result.output
    assert re.search(r"row 3 \(n2\): history\.0\.status", result.output)
    assert re.search(r"row 4 \(n3\): quote", result.output)
    assert re.search(r"row 5 \(n4\): made: '2023-13-40': month 13 does not exist", result.output)
    assert cli_db.read_bytes() == before


@pytest.mark.parametrize(
    "args,code,message",
    [
        (["export", "--format", "xml"], 2, "'xml' is not one of 'json', 'csv'"),
        (["import", "missing.json"], 2, "does not exist"),
        (["status", "set", "x"], 2, "Missing argument 'NEW_STATUS'"),
        (["status", "set", "improve-data", "delivered", "--evidence", "e", "--by", "a", "--expect-version", "0"], 2, "0 is not in the range x>=1"),
        (["frobnicate"], 2, "No such command 'frobnicate'"),
    ],
)
def test_wrong_arguments_get_usage_errors(cli_db, args, code, message):
    result = run(*args, db=cli_db)
    assert result.exit_code == code
    assert message in result.output


def test_missing_database_is_a_clear_error(tmp_path):
    result = run("export", db=tmp_path / "nope.db")
    assert result.exit_code == 1
    assert "no database at" in result.output and "tracker init" in result.output


def test_not_a_database_is_a_clear_error(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("this is not sqlite" * 100)
    result = run("export", db=junk)
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {junk} is not a tracker database (file is not a database)"


@pytest.mark.parametrize("command", [["export"], ["init"], ["status", "show", "x"], ["user", "list"]])
def test_another_applications_database_is_refused_and_left_alone(tmp_path, command):
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.close()
    before = other.read_bytes()
    result = run(*command, db=other)
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {other} is not a tracker database: it holds other tables (notes) and none of ours")
    assert other.read_bytes() == before


def test_a_folder_as_the_database_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path))
    for command in (["export"], ["init"]):
        result = run(*command)
        assert result.exit_code == 1
        assert result.output.strip() == (
            f"Error: the database path {tmp_path} is a folder: pass a file with --db or TRACKER_DB")


def test_init_empty_creates_the_schema_without_seeds(tmp_path, seed_dir):
    db = tmp_path / "empty.db"
    result = run("init", "--empty", db=db)
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        assert store.is_empty()
    both = run("init", "--empty", "--seeds", str(seed_dir), db=db)
    assert both.exit_code == 2 and "--empty loads no seeds" in both.output


@pytest.mark.parametrize("by,reason", [("   ", "string should have at least 1 character"),
                                       ("eve\x1b[31m", "contains control characters")])
def test_the_recorder_name_is_validated(cli_db, by, reason):
    by = by.encode().decode("unicode_escape")
    before = cli_db.read_bytes()
    result = run("status", "set", "improve-data", "delivered", "--evidence", "E", "--by", by, db=cli_db)
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: who records the change (--by): {reason}"
    assert cli_db.read_bytes() == before


def test_an_unwritable_backup_destination_is_named(cli_db, tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    result = run("backup", str(blocked / "copy.db"), db=cli_db)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot write to {blocked / 'copy.db'}: ")


def test_user_add_reads_password_from_stdin_and_hashes_it(cli_db):
    result = run("user", "add", "alice", "--name", "Alice A", "--email", "Alice@Example.org",
                 "--role", "admin", "--password-stdin", input="correct horse battery\n", db=cli_db)
    assert result.exit_code == 0, result.output
    with Store(cli_db) as store:
        row = store.get_user("alice")
    assert row["password_hash"].startswith("$argon2id$")
    assert "correct horse" not in row["password_hash"]
    assert row["email"] == "alice@example.org"
    listed = run("user", "list", db=cli_db).output
    assert "alice\tadmin\tactive" in listed
    assert run("user", "disable", "alice", db=cli_db).exit_code == 0
    assert "alice\tadmin\tdisabled" in run("user", "list", db=cli_db).output


@pytest.mark.parametrize(
    "args,stdin,message",
    [
        (["bob", "--name", "Bob", "--password-stdin"], "short\n", "at least 12 characters"),
        (["Bad Name", "--name", "Bob", "--password-stdin"], "long enough pw\n", "username: String should match"),
        (["bob", "--name", "Bob"], None, "use --password-stdin"),
    ],
)
def test_user_add_errors(cli_db, args, stdin, message):
    result = run("user", "add", *args, input=stdin, db=cli_db)
    assert result.exit_code == 1
    assert message in result.output


def test_user_add_has_no_password_argument():
    params = {p.name for p in cli.commands["user"].commands["add"].params}
    assert "password" not in params


def test_backup_and_restore_bring_back_the_same_export(cli_db, tmp_path):
    copy = tmp_path / "backup.db"
    assert run("backup", str(copy), db=cli_db).exit_code == 0
    before = json.loads(run("export", db=cli_db).output)
    run("status", "set", "improve-data", "delivered", "--evidence", "later", "--by", "a", db=cli_db)
    restored = run("restore", str(copy), "--yes", db=cli_db)
    assert restored.exit_code == 0, restored.output
    after = json.loads(run("export", db=cli_db).output)
    for data in (before, after):
        data.pop("exported_at")
    assert after == before
    refused = run("restore", str(copy), db=cli_db)
    assert refused.exit_code == 1 and "pass --yes" in refused.output


def test_serve_hides_error_details_from_readers_and_does_not_reload_code(cli_db, monkeypatch):
    started = {}

    def fake_execve(program, argv, env):
        started.update(argv=argv, env=env)
        raise SystemExit(0)

    monkeypatch.setattr("tracker.cli.os.execve", fake_execve)
    run("serve", "--port", "8599", db=cli_db)
    argv = started["argv"]
    settings = dict(zip(argv[argv.index("run") + 2::2], argv[argv.index("run") + 3::2]))
    assert settings["--client.showErrorDetails"] == "none"  # no traceback or file path in the page
    assert settings["--server.fileWatcherType"] == "none"
    assert settings["--server.port"] == "8599"
    assert started["env"]["TRACKER_DB"] == str(cli_db.resolve())


def test_changes_lists_and_writes_the_feed(tmp_path, sample_store, db_path):
    import feedparser

    listed = run("changes", "--since", "2000-01-01", db=db_path)
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    assert len(lines) == 6 and any("status change  improve-data" in line for line in lines)
    out = tmp_path / "changes.atom"
    wrote = run("changes", "--since", "2000-01-01", "--atom", "--output", str(out), db=db_path)
    assert wrote.exit_code == 0, wrote.output
    parsed = feedparser.parse(out.read_bytes())
    assert not parsed.bozo and len(parsed.entries) == 6
    assert run("changes", "--since", "2999-01-01", db=db_path).output == ""
    assert run("changes", "--since", "yesterday", db=db_path).exit_code == 2
