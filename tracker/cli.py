"""The `tracker` command. Each command parses, calls the library, and turns a domain error into
one clean line on stderr with a non-zero exit; no traceback reaches the user."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import sqlite3
import sys
from pathlib import Path

import click
from pydantic import ValidationError

from . import auth, exchange
from .bootstrap import init_database
from .errors import ImportRejectedError, InvalidInputError, TrackerError
from .models import (
    SLUG_PATTERN,
    Assessment,
    Correction,
    ItemKind,
    PartialDate,
    Role,
    UserIn,
    describe_validation_error,
)
from .store import DEFAULT_DB_ENV, Store, resolve_db_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DASHBOARD_APP = PROJECT_ROOT / "dashboard" / "app.py"
#: What `tracker serve` runs: app.py behind the guard that binds staff sessions to the browser.
DASHBOARD_SERVER = PROJECT_ROOT / "dashboard" / "server.py"


class TextPath(click.Path):
    """click.Path that refuses a path which is not valid text with a usage error.

    A lone surrogate cannot come from a real command line (Linux hands over undecodable bytes
    as surrogate escapes, which the file system accepts), but the CLI's callers in Python and
    its fuzz tests can pass one, and click's own os.stat() would raise on it.
    """

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except UnicodeError:
            self.fail("the path is not valid text (check the terminal's encoding)", param, ctx)


#: Characters a terminal acts on or that reorder text: C0/C1 controls (a newline, ESC starting
#: an OSC sequence) and Unicode's bidi embeddings, overrides and isolates.
_UNSAFE_FOR_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _printable(text: str) -> str:
    """``text`` safe to print on one terminal line: undecodable bytes, controls and bidi
    characters shown as escapes (``\\x1b``, ``\\u202e``)."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _UNSAFE_FOR_TERMINAL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _say(text: str, **kwargs) -> None:
    """``click.echo`` for a line that may quote stored or typed text (see ``_printable``)."""
    click.echo(_printable(text), **kwargs)


def _fail(message: str, details: list[str] | None = None) -> None:
    """Print "Error: message" (then any details, indented) on stderr and exit with code 1."""
    # A message may quote an argument that is not valid text (a lone surrogate from bytes that
    # are not UTF-8): show it escaped rather than fail while printing the error.
    message = _printable(message)
    details = [_printable(line) for line in details or []]
    if not details:
        raise click.ClickException(message)
    click.echo(f"Error: {message}", err=True)
    for line in details:
        click.echo(f"  {line}", err=True)
    raise click.exceptions.Exit(1)


def domain_errors(func):
    """Turn the tracker's errors, validation errors and SQLite errors into one-line failures."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ImportRejectedError as exc:
            _fail(str(exc), exc.problems)
        except InvalidInputError as exc:
            _fail(str(exc), exc.problems if exc.problems != [str(exc)] else None)
        except TrackerError as exc:
            _fail(str(exc))
        except ValidationError as exc:
            _fail("invalid input", describe_validation_error(exc))
        except sqlite3.DatabaseError as exc:
            _fail(f"database error: {exc}")
        except UnicodeError:
            # Linux passes argument bytes that are not UTF-8 as lone surrogates, which SQLite
            # cannot store or look up.
            _fail("an argument is not valid UTF-8 text: check the terminal's encoding")
        except BrokenPipeError:
            raise  # the reader went away: main() ends quietly
        except OSError as exc:
            _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))

    return wrapper


def _store(ctx: click.Context) -> Store:
    path = ctx.obj["db"]
    if path.is_dir():
        _fail(f"the database path {path} is a folder: pass a file with --db or {DEFAULT_DB_ENV}")
    if not path.exists():
        _fail(f"no database at {path}: run `tracker init` first (or pass --db / set {DEFAULT_DB_ENV})")
    return Store(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=TextPath(dir_okay=False, path_type=Path),
    help=f"Database file. Default: ${DEFAULT_DB_ENV}, else data/tracker.db.",
)
@click.version_option(package_name="policy-tracker", prog_name="tracker")
@click.pass_context
def cli(ctx: click.Context, db: Path | None) -> None:
    """Track commitments, recommendations, findings and calls, and what became of them."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = resolve_db_path(db)


@cli.command()
@click.option("--seeds", "seed_dir", type=TextPath(file_okay=False, exists=True, path_type=Path),
              help="Seed folder to load into an empty database (default: the project's seeds/).")
@click.option("--empty", is_flag=True,
              help="Create or migrate the schema only; load no seeds (a database to import into).")
@click.pass_context
@domain_errors
def init(ctx: click.Context, seed_dir: Path | None, empty: bool) -> None:
    """Create the schema; load the seeds when the database is empty."""
    if empty and seed_dir:
        raise click.UsageError("--empty loads no seeds: drop --seeds or --empty")
    result = _init(ctx.obj["db"], seed_dir, seed=not empty)
    _report_init(result)


def _init(path: Path, seed_dir: Path | None, *, seed: bool = True):
    from .seeds import SeedError

    if path.is_dir():
        _fail(f"the database path {path} is a folder: pass a file with --db or {DEFAULT_DB_ENV}")
    try:
        return init_database(path, seed_dir, seed=seed)
    except SeedError as exc:
        _fail("the seed files have problems; nothing was loaded (run `tracker check`)", exc.problems)


def _report_init(result) -> None:
    _say(f"Database: {result.path}")
    if result.migrations_applied:
        _say(f"Applied migrations: {', '.join(result.migrations_applied)}")
    if result.seeded:
        parts = ", ".join(f"{n} {name}" for name, n in result.seeded.items())
        _say(f"Loaded the seed dataset: {parts}")
    elif not result.migrations_applied:
        _say("Already up to date; the database holds data, so no seeds were loaded.")


@cli.command()
@click.option("--seeds", "seed_dir", type=TextPath(file_okay=False, exists=True, path_type=Path),
              help="Seed folder to check (default: the project's seeds/).")
@click.option("--sources", "shared_dir", type=TextPath(file_okay=False, exists=True, path_type=Path),
              help="Folder holding seeds/ source texts for the verbatim quote check (default: ../shared).")
@click.pass_context
@domain_errors
def check(ctx: click.Context, seed_dir: Path | None, shared_dir: Path | None) -> None:
    """Validate the seed files; report every problem with file, line and item id.

    When the database exists, also report its items whose quotes are not in their document's
    stored text.
    """
    from .seeds import check_seeds, default_seed_dir

    directory = seed_dir or default_seed_dir()
    problems = check_seeds(directory, shared_dir)
    db_path = ctx.obj["db"]
    if db_path.is_file():
        with Store(db_path) as store:
            problems += [f"{db_path}: {problem}" for problem in store.quote_problems()]
    if problems:
        for line in problems:
            _say(line, err=True)
        _fail(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {directory}")
    _say(f"{directory}: no problems found")


@cli.group()
def document() -> None:
    """A document's own text, against which its quotes are checked."""


@document.command(name="text")
@click.argument("document_id")
@click.argument("file", type=TextPath(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--by", default="cli", show_default=True, help="Name recorded in the audit log.")
@click.option("--allow-unmatched", is_flag=True,
              help="Store the text even if quotes of the document's items are not in it.")
@click.pass_context
@domain_errors
def document_text(ctx, document_id: str, file: Path, by: str, allow_unmatched: bool) -> None:
    """Attach the text of DOCUMENT_ID from FILE (.txt, .html or .pdf; - reads text from stdin).

    Refused when the document's items already quote what the text does not contain (each is
    listed with the nearest passage), unless --allow-unmatched.
    """
    from .source_text import pasted_text, read_source_text

    if str(file) == "-":
        source = pasted_text(_read_stdin_text())
    else:
        with open(file, "rb") as stream:
            source = read_source_text(stream, file.name)
    with _store(ctx) as store:
        info = store.set_document_text(document_id, source, by=by, allow_unmatched=allow_unmatched)
        unmatched = [i for i in store.item_quotes(document_id) if store.quote_check(i) == "not found"]
    click.echo(f"{document_id}: stored {info['chars']:,} characters of text ({info['source']})")
    for ident in unmatched:
        click.echo(f"  warning: the quote of item {ident} is not in this text", err=True)


def _read_stdin_text() -> str:
    from .source_text import MAX_TEXT_CHARS, SourceTextError

    text = sys.stdin.read(MAX_TEXT_CHARS + 1)
    if len(text) > MAX_TEXT_CHARS:
        raise SourceTextError(f"standard input: more than {MAX_TEXT_CHARS:,} characters of text; nothing was stored")
    return text


def _published_date(ctx, param, value):
    if value is None:
        return None
    try:
        return PartialDate.model_validate(value)
    except ValidationError as exc:
        raise click.BadParameter(describe_validation_error(exc)[0]) from None


@cli.command(name="extract")
@click.argument("file", type=TextPath(exists=True, dir_okay=False, path_type=Path))
@click.option("--published", callback=_published_date,
              help="Publication date, YYYY-MM-DD (or YYYY-MM, YYYY): made date of the items and the "
                   "base of relative deadlines. Default: the stored document's.")
@click.option("--document", "document_id", help="Id of the document the items quote (stored, or added to the output).")
@click.option("--publisher", help="Publisher of a new document (default: unknown: review it).")
@click.option("--title", "doc_title", help="Title of a new document (default: the text's first line).")
@click.option("--output", "-o", type=TextPath(dir_okay=False, path_type=Path),
              help="Write the JSON to this file instead of standard output.")
@click.option("--explain", is_flag=True, help="On stderr, one line per candidate: offsets, reference, deadline phrase.")
@click.pass_context
@domain_errors
def extract_command(ctx, file: Path, published, document_id, publisher, doc_title, output, explain) -> None:
    """Propose items from FILE (.txt, .html or .pdf) as JSON in the import format, for review.

    Each item has kind, quote (verbatim from the text), title, makers, owners and deadline;
    bodies not yet known are proposed as new actors. Nothing is written to the database:
    review the file, then `tracker import` it.
    """
    from .extract import extract_candidates, slugify
    from .source_text import read_source_text

    if document_id is not None and not re.fullmatch(SLUG_PATTERN, document_id):
        raise click.BadParameter("use lower-case letters, digits and hyphens", param_hint="--document")
    with open(file, "rb") as stream:
        source = read_source_text(stream, file.name)
    db_path = ctx.obj["db"]
    stored = None
    actors, quotes, ids = [], {}, set()
    if not db_path.is_file():
        click.echo(f"No database at {db_path}: no known actors or items to match against.", err=True)
    else:
        with Store(db_path) as store:
            actors, ids = store.actors(), store.item_ids()
            if document_id and document_id in {d["id"] for d in store.documents()}:
                stored = store.get_document(document_id)
                if store.document_text_info(document_id) is None:
                    click.echo(f"Document {document_id} has no stored text: attach it with `tracker document "
                               "text` so these quotes are checked when imported.", err=True)
            quotes = store.item_quotes(document_id if stored else None)
    if stored is not None:
        stored_date = PartialDate(start=stored["published_start"], precision=stored["published_precision"])
        if published is not None and published.start > stored_date.end:
            raise InvalidInputError(
                f"--published {published.iso()} is after document {document_id!r} was published "
                f"({stored_date.iso()}); items cannot be made after their document")
        published = published or stored_date
        publisher = stored["publisher"]
    if published is None:
        raise click.UsageError("give --published YYYY-MM-DD (the document is not in the database)")
    extraction = extract_candidates(source.text, published=published, actors=actors, existing_quotes=quotes,
                                    taken_ids=ids, publisher=publisher)
    document_id = document_id or slugify(file.stem, 60)
    bundle: dict = {"format": "policy-tracker", "version": 1}
    bundle["actors"] = [a.model_dump(mode="json") for a in extraction.actors_named(extraction.candidates)]
    if stored is None:
        first_line = next((line.strip() for line in source.text.splitlines() if line.strip()), file.stem)
        bundle["documents"] = [{
            "id": document_id, "title": (doc_title or first_line)[:200].strip(),
            "publisher": publisher or "unknown", "kind": "other", "published": published.iso(),
        }]
    bundle["items"] = [c.exchange_dict(document_id, published) for c in extraction.candidates]
    text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    _explain_extraction(extraction, len(bundle["actors"]), stored is None and not publisher, explain)


def _explain_extraction(extraction, new_actors: int, unknown_publisher: bool, explain: bool) -> None:
    counts: dict[str, int] = {}
    for candidate in extraction.candidates:
        counts[candidate.kind.value] = counts.get(candidate.kind.value, 0) + 1
    summary = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items()) or "no candidates"
    click.echo(f"Proposed {summary}; {new_actors} new actor{'s' if new_actors != 1 else ''}. "
               "Review before `tracker import`.", err=True)
    if unknown_publisher:
        click.echo("  the new document's publisher is 'unknown': give --publisher or edit it", err=True)
    for index, c in enumerate(extraction.candidates):
        notes = []
        if c.existing_item_ids:
            notes.append(f"already quoted by {', '.join(c.existing_item_ids)}")
        if not c.makers:
            notes.append("no maker found: add one")
        if c.kind.value == "recommendation" and not c.owners:
            notes.append("no addressee found: add one to owners")
        if explain:
            notes.insert(0, f"characters {c.start}-{c.end}, {c.kind.value}"
                            + (f", {c.reference}" if c.reference else "")
                            + (f", deadline {c.deadline.iso()} from \"{c.deadline_phrase}\"" if c.deadline else "")
                            + f", because \"{c.trigger}\"")
        if notes:
            click.echo(f"  items[{index}] ({c.suggested_id}): " + "; ".join(notes), err=True)


@cli.command(name="export")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option("--output", "-o", type=TextPath(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.pass_context
@domain_errors
def export_command(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """Export everything as JSON, or one row per item as spreadsheet-safe CSV."""
    with _store(ctx) as store:
        text = exchange.export_json(store) if fmt == "json" else exchange.export_csv(store)
    if output:
        output.write_text(text, encoding="utf-8", newline="")
        _say(f"Wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@cli.command(name="changes")
@click.option("--since", "since", type=click.DateTime(formats=["%Y-%m-%d"]), required=True,
              help="List the changes recorded from this day (YYYY-MM-DD, UTC).")
@click.option("--atom", is_flag=True, help="Write an Atom feed (RFC 4287) instead of one line per change.")
@click.option("--output", "-o", type=TextPath(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.pass_context
@domain_errors
def changes_command(ctx: click.Context, since: dt.datetime, atom: bool, output: Path | None) -> None:
    """List what changed since a day: new items, status changes, deadlines, corrections."""
    from . import changes, feed
    from .about import site_settings

    with _store(ctx) as store:
        found = changes.changes_since(store, since.date())
    if atom:
        settings = site_settings()
        data = feed.atom_feed(found, settings=settings)
        if output:
            output.write_bytes(data)
            click.echo(f"Wrote {output} ({min(len(found), feed.MAX_ENTRIES)} entries)", err=True)
        else:
            click.echo(data.decode("utf-8"))
        return
    lines = [f"{c.recorded_at:%Y-%m-%d %H:%M}Z  {c.kind}  {c.item_id or c.document_id}  {c.summary}"
             for c in found]
    text = "".join(_printable(line) + "\n" for line in lines)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output} ({len(found)} changes)", err=True)
    else:
        click.echo(text, nl=False)


@cli.command(name="import")
@click.argument("file", type=TextPath(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), help="Default: from the file name.")
@click.option("--by", default="import", show_default=True, help="Name recorded as the importer.")
@click.option("--as-recorded", is_flag=True,
              help="Keep the file's recorded_by and recorded_at (restoring your own export); "
                   "otherwise the history is recorded by --by now, the file's recorder kept as reported_by.")
@click.pass_context
@domain_errors
def import_command(ctx: click.Context, file: Path, fmt: str | None, by: str, as_recorded: bool) -> None:
    """Import a JSON or CSV file in the export's format: all of it, or nothing."""
    if file.stat().st_size > exchange.MAX_IMPORT_BYTES:  # refused before it is read
        raise ImportRejectedError([f"the file is larger than {exchange.MAX_IMPORT_BYTES // (1024 * 1024)} MB"])
    data = file.read_bytes()
    with _store(ctx) as store:
        counts = exchange.import_file(store, data, file.name, by=by, fmt=fmt, as_recorded=as_recorded)
    _say("Imported " + ", ".join(f"{n} {name}" for name, n in counts.items()))


@cli.group()
def status() -> None:
    """Show or change an item's status."""


@status.command(name="show")
@click.argument("item_id")
@click.pass_context
@domain_errors
def status_show(ctx: click.Context, item_id: str) -> None:
    """Print an item's current status, version and history."""
    with _store(ctx) as store:
        item = store.get_item(item_id)
        history = store.history(item_id)
    fields = ("response", "implementation") if item["kind"] == ItemKind.RECOMMENDATION else ("status",)
    now = ", ".join(f"{f}: {item[f] or 'not yet assessed'}" for f in fields)
    _say(f"{item['id']} ({item['kind']}) version {item['version']}: {now}")
    for entry in history:
        words = " / ".join(entry[f] for f in ("status", "response", "implementation") if entry[f])
        when = PartialDate(start=entry["assessed_on"], precision=entry["assessed_on_precision"]).iso()
        _say(f"  #{entry['id']}  {when}  {words}  ({entry['recorded_by']}): {entry['evidence']}")
        if entry.get("correction_reason") is not None:
            _say(f"      CORRECTED on {entry['corrected_at'][:10]} by {entry['corrected_by']}: "
                 f"{entry['correction_reason']} (does not count)")


@status.command(name="set")
@click.argument("item_id")
@click.argument("new_status")
@click.option("--evidence", required=True, help="What shows this status (required).")
@click.option("--url", help="An http(s) address for the evidence.")
@click.option("--document", "document_id", help="Id of the document the evidence comes from.")
@click.option("--on", "assessed_on", metavar="DATE",
              help="The date the evidence refers to: YYYY-MM-DD, or YYYY-MM / YYYY when a progress "
                   "report gives only the month or year (default: today).")
@click.option("--response", help="Recommendations only: the addressee's response (default: unchanged).")
@click.option("--addressee", "addressees", multiple=True,
              help="Repeat for each addressee (owner) this status is about (default: all of them).")
@click.option("--by", "by", required=True, help="Who records this change.")
@click.option("--expect-version", type=click.IntRange(min=1),
              help="Refuse the change if the item is no longer at this version.")
@click.pass_context
@domain_errors
def status_set(ctx, item_id, new_status, evidence, url, document_id, assessed_on, response, addressees, by,
               expect_version):
    """Record a new status for ITEM_ID with its evidence.

    For a commitment or call NEW_STATUS is its lifecycle status ("in progress", "delivered"...);
    for a recommendation it is the implementation status, with --response for the response.
    """
    on = assessed_on if assessed_on else dt.date.today()
    with _store(ctx) as store:
        item = store.get_item(item_id)
        values = {"evidence": evidence, "evidence_url": url, "evidence_document_id": document_id,
                  "assessed_on": on, "addressees": list(addressees)}
        if item["kind"] == ItemKind.RECOMMENDATION:
            values["implementation"] = new_status
            values["response"] = response or item["response"] or "awaiting response"
        else:
            if response:
                raise InvalidInputError(f"--response is only for recommendations; {item_id} is a {item['kind']}")
            values["status"] = new_status
        assessment = Assessment.model_validate(values)
        version = store.record_assessment(item_id, assessment, expected_version=expect_version, by=by)
    _say(f"{item_id}: recorded; now at version {version}")


@status.command(name="correct")
@click.argument("assessment_id", type=int)
@click.option("--reason", required=True, help="Why the assessment is mistaken (required; shown to readers).")
@click.option("--by", "by", required=True, help="Who records the correction.")
@click.option("--expect-version", type=click.IntRange(min=1),
              help="Refuse the correction if the item is no longer at this version.")
@click.pass_context
@domain_errors
def status_correct(ctx, assessment_id, reason, by, expect_version):
    """Mark assessment ASSESSMENT_ID (the #number `status show` lists) as mistaken.

    It stays in the history, shown struck through with the reason, and no longer counts: the
    item's status is recomputed from the assessments that do.
    """
    correction = Correction.model_validate({"reason": reason})
    with _store(ctx) as store:
        version = store.correct_assessment(assessment_id, correction, expected_version=expect_version, by=by)
    _say(f"assessment #{assessment_id}: corrected; its item is now at version {version}")


@cli.group()
def user() -> None:
    """Manage staff accounts (editors and admins)."""


@user.command(name="add")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="The name shown in the audit log.")
@click.option("--email", help="Email, used to match OIDC sign-ins to this account.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="editor", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--no-password", is_flag=True, help="No local password: the account signs in through OIDC only.")
@click.pass_context
@domain_errors
def user_add(ctx, username, display_name, email, role, password_stdin, no_password):
    """Add a staff account. The password is read from a prompt or stdin, never from arguments."""
    account = UserIn(username=username, display_name=display_name, email=email, role=role)
    password = None
    if not no_password:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        elif sys.stdin.isatty():
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        else:
            raise InvalidInputError("no terminal to ask for a password: use --password-stdin")
        auth.check_password_rules(password, user_inputs=(username, display_name, email or ""))
    with _store(ctx) as store:
        auth.create_user(store, account, password, by="cli")
    _say(f"Added {role} {username}")


@user.command(name="list")
@click.pass_context
@domain_errors
def user_list(ctx):
    """List staff accounts."""
    with _store(ctx) as store:
        users = store.users()
    if not users:
        _say("No staff accounts yet: add one with `tracker user add`.")
    for account in users:
        state = "disabled" if account.disabled else "active"
        click.echo("\t".join(_printable(str(cell)) for cell in (
            account.username, account.role, state, account.display_name, account.email or "")))


@user.command(name="disable")
@click.argument("username")
@click.pass_context
@domain_errors
def user_disable(ctx, username):
    """Disable an account; its open sessions stop working at their next action."""
    with _store(ctx) as store:
        auth.disable_user(store, username, by="cli")
    _say(f"Disabled {username}")


@user.command(name="role")
@click.argument("username")
@click.argument("role", type=click.Choice([r.value for r in Role]))
@click.pass_context
@domain_errors
def user_role(ctx, username, role):
    """Change an account's role."""
    with _store(ctx) as store:
        auth.set_role(store, username, Role(role), by="cli")
    _say(f"{username} is now {role}")


@cli.command()
@click.argument("path", type=TextPath(dir_okay=False, path_type=Path))
@click.pass_context
@domain_errors
def backup(ctx, path: Path):
    """Copy the database to PATH with SQLite's online backup (safe while it is in use)."""
    with _store(ctx) as store:
        store.backup(path)
    _say(f"Backed up {ctx.obj['db']} to {path}")


@cli.command()
@click.argument("backup_file", type=TextPath(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace an existing database without asking.")
@click.pass_context
@domain_errors
def restore(ctx, backup_file: Path, yes: bool):
    """Replace the database with a backup made by `tracker backup`."""
    target = ctx.obj["db"]
    with Store(backup_file, migrate=False) as source:
        if source.integrity_check() != "ok":
            raise InvalidInputError(f"{backup_file} fails SQLite's integrity check; not restored")
        if not source.applied_migrations():
            raise InvalidInputError(f"{backup_file} is not a tracker database")
        if target.exists() and not yes:
            if not sys.stdin.isatty():
                raise InvalidInputError(f"{target} exists: pass --yes to replace it")
            click.confirm(f"Replace {target} with {backup_file}?", abort=True)
        source.backup(target, replace=True)
    _say(f"Restored {target} from {backup_file}")


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option("--host", default="localhost", show_default=True, help="Address to listen on.")
@click.pass_context
@domain_errors
def serve(ctx, port: int, host: str):
    """Start the dashboard on the database (creating and seeding it on first run)."""
    db = ctx.obj["db"]
    _report_init(_init(db, None))
    env = {**os.environ, DEFAULT_DB_ENV: str(db.resolve())}
    command = [
        sys.executable, "-m", "streamlit", "run", str(DASHBOARD_SERVER),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", host,
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",  # readers get no developer menu or Deploy button
        # Streamlit's red gives a selected segmented-control option 4.47:1 contrast (WCAG: 4.5).
        "--theme.primaryColor", "#b3261e",
        # An unexpected error shows readers a plain message; the traceback goes to the console.
        "--client.showErrorDetails", "none",
        # A served dashboard does not reload its modules when files change under it: a half
        # reloaded app (new page code on old library code) is what readers would otherwise see.
        "--server.fileWatcherType", "none",
        # No request body (an upload to /_stcore/upload_file, signed in or not) larger than an
        # import may be: Streamlit refuses it while it streams, before it is held whole.
        "--server.maxUploadSize", str(exchange.MAX_IMPORT_BYTES // (1024 * 1024)),
        # A closed tab's Streamlit session (its widgets' state) goes after a minute, not two.
        "--server.disconnectedSessionTTL", "60",
        # The guard (dashboard/guard.py) hashes each browser's cookie into this header; as part of
        # Streamlit's user identity, it keeps a reconnect from another browser from resuming a
        # session, whatever session id it presents.
        "--server.trustedUserHeaders", json.dumps({"X-Tracker-Browser": "tracker_browser"}),
    ]
    _say(f"Dashboard: http://{host}:{port}/  (Ctrl+C to stop)")
    sys.stdout.flush()
    sys.stderr.flush()
    # Become the Streamlit server rather than its parent, so Ctrl+C or a service manager's
    # SIGTERM reaches the server itself and no orphaned server outlives `tracker serve`.
    os.execve(sys.executable, command, env)


@cli.command(name="publish")
@click.argument("directory", type=TextPath(file_okay=False, path_type=Path))
@click.option("--base-url", help="The address the edition will be served from (https://example.org/tracker/), "
                                 "for the feed, the sitemap and link previews. Without it they are relative.")
@click.pass_context
@domain_errors
def publish_command(ctx: click.Context, directory: Path, base_url: str | None) -> None:
    """Write the static edition for readers (pages, open data, feed, embeds) to DIRECTORY.

    DIRECTORY becomes a link to the new edition once it is complete; publishing again rewrites
    only what changed. Serve it with any static web server or CDN."""
    from .publish import publish

    with _store(ctx) as store:
        try:
            result = publish(store, directory, base_url=base_url)
        except OSError as exc:  # a folder that cannot be written, a full disk
            _fail(f"cannot write the edition to {directory}: {exc.strerror or exc}")
    click.echo(f"Published {result.items:,} items (data version {result.data_version:,}) to {result.directory} "
               f"in {result.seconds:.1f} s: {result.items_rendered:,} item pages made, "
               f"{result.files_written:,} files written, {result.files_linked:,} unchanged")
    if not base_url:
        click.echo("Without --base-url the feed, the sitemap and link previews use relative addresses.", err=True)


def main() -> None:
    try:
        cli(prog_name="tracker")
    except BrokenPipeError:
        # The reader went away (`tracker export | head`): not an error of ours. Point stdout at
        # /dev/null so Python's own flush at exit does not complain a second time.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)  # what a shell reports for a command ended by SIGPIPE


if __name__ == "__main__":
    main()
