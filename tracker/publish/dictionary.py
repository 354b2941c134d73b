"""The data dictionary: every open data file of the edition and every column in it, described
once. The edition's data page, the Datasette metadata and the tests all read it from here."""

from __future__ import annotations

from dataclasses import dataclass

from ..exchange import CSV_COLUMNS

STATUS_WORDS = ("commitments and calls: not yet assessed, in progress, stalled, partly delivered, delivered, "
                "not delivered, withdrawn; recommendations: not started, in progress, implemented, "
                "not implemented, superseded, insufficient evidence")
RESPONSE_WORDS = "awaiting response, accepted, accepted in part, noted, rejected (recommendations only)"
PARTIAL_DATE = "a date as precise as the source gives it: YYYY, YYYY-MM or YYYY-MM-DD"

ITEM = {
    "id": "the item's permanent id; its page is items/<id>.html",
    "kind": "commitment, recommendation, finding or call",
    "title": "a short title written by the tracker's staff",
    "quote": "the statement, verbatim from its source document",
    "document_id": "the document the quote is taken from (documents.csv.gz)",
    "origin_document_id": "the report the item was first made in, when the quote comes from an article about it",
    "makers": "ids of the actors who made the item, separated by '; ' (actors.csv.gz)",
    "owners": "ids of the actors the item is addressed to or owned by, separated by '; '",
    "themes": "themes, separated by '; '",
    "made": "when the item was made: " + PARTIAL_DATE,
    "deadline": "the current deadline, if any: " + PARTIAL_DATE,
    "done_when": "what would count as done, where the source allows one",
    "status": "the current lifecycle status (commitments and calls): " + STATUS_WORDS.split(";")[0],
    "response": "the addressee's current response: " + RESPONSE_WORDS,
    "implementation": "the current implementation status (recommendations)",
    "is_open": "yes while something is still owed, no once closed; empty for findings",
    "last_assessed_on": "the date the latest assessment's evidence refers to: " + PARTIAL_DATE,
    "last_evidence": "the evidence of the latest assessment",
    "last_evidence_url": "the address of the latest assessment's evidence",
    "version": "the tracker's edit counter for the item (not part of the record)",
    "reference": "where the item is in its document, as the document numbers it (\"Recommendation 4\", \"R4\")",
}
assert set(ITEM) == set(CSV_COLUMNS)

HISTORY = {
    "id": "the assessment's number, in the order assessments were entered",
    "item_id": "the item assessed (items.csv.gz)",
    "status": "the lifecycle status recorded (commitments and calls)",
    "response": "the response recorded (recommendations)",
    "implementation": "the implementation status recorded (recommendations)",
    "evidence": "the evidence behind the assessment, in the words of the staff who recorded it",
    "evidence_url": "the address of the evidence, if any",
    "evidence_document_id": "the document the evidence comes from, if it is in documents.csv.gz",
    "assessed_on": "the date the evidence refers to (the history is ordered by it): the first day of its period",
    "assessed_on_precision": "day, month or year: how precise assessed_on is",
    "recorded_by": "who recorded the assessment: the role of the staff account (editor, admin), 'staff', or "
                   "'seed' for the first dataset; never a username",
    "recorded_at": "when it was recorded (UTC)",
    "reported_by": "for history imported from a file: who the file said recorded it, published like "
                   "recorded_by (empty: recorded in this tracker)",
}
#: history.csv's columns: the assessment's, then whether it was marked as mistaken (issue 13; the
#: published SQLite file keeps these in its own table, assessment_corrections).
HISTORY_CSV = {
    **HISTORY,
    "corrected": "yes when the assessment was later marked as mistaken: it stays in the history, shown "
                 "struck through, and no longer counts for any status or figure; no otherwise",
    "correction_reason": "why it is mistaken, as the tracker's staff wrote it (empty when not corrected)",
    "corrected_by": "who corrected it: a staff role (editor, admin), 'staff' or 'seed'; never a username",
    "corrected_at": "when it was corrected (UTC; empty when not corrected)",
}
STATUSES = {
    "item_id": "the item (items.csv.gz)",
    "kind": "commitment, recommendation or call",
    "addressee_id": "an actor the item is addressed to or owned by; an item with none has one row with this empty",
    "addressee_name": "that actor's name",
    "status": "that addressee's own lifecycle status (commitments and calls)",
    "response": "that addressee's own response (recommendations): " + RESPONSE_WORDS,
    "implementation": "that addressee's own implementation status (recommendations)",
    "status_shown": "the one status word the charts would show for that addressee: " + STATUS_WORDS,
    "is_open": "yes while something is still owed by that addressee, no once it is closed for it",
    "last_assessed_on": "the date the latest evidence about that addressee refers to (an assessment about "
                        "all of the item's addressees, or naming this one): " + PARTIAL_DATE,
}
DEADLINES = {
    "id": "the revision's number, in the order revisions were entered",
    "item_id": "the item (items.csv.gz)",
    "deadline_start": "the first day of the deadline's period (empty: the deadline was removed)",
    "deadline_precision": "day, month or year: how precise the deadline is",
    "reason": "why the deadline was set or moved",
    "revised_on": "the date of the change",
    "recorded_by": "who recorded it: the role of the staff account (editor, admin), 'staff', or 'seed'",
    "recorded_at": "when it was recorded (UTC)",
}
LINKS = {
    "source_id": "the item the link starts from",
    "kind": "responds to, repeats, evidence for, contradicts or supersedes",
    "target_id": "the item it refers to",
    "note": "a note on the link, if any",
}
DOCUMENTS = {
    "id": "the document's id",
    "title": "its title",
    "publisher": "who published it",
    "kind": "government paper, inspection report, news article, parliamentary answer, ...",
    "published_start": "the first day of its publication date's period",
    "published_precision": "day, month or year: how precise the publication date is",
    "url": "where it can be read, if known",
    "reported_in": "for a report known only through an article, that article's id",
    "responds_to": "the document this one answers (a government response to a report), if any",
    "follows_up": "the document whose progress this one reports on (a progress report), if any",
    "text_file": "the file of its text in the tracker's source folder, if any",
    "version": "the tracker's edit counter for the document",
}
ACTORS = {
    "id": "the actor's id",
    "name": "its name",
    "kind": "what it is (government department, inspectorate, police, MP, ...)",
    "description": "a short description, if any",
    "version": "the tracker's edit counter for the actor",
}


@dataclass(frozen=True)
class DataFile:
    path: str
    title: str
    description: str
    columns: dict[str, str]


#: Every data file but metadata.json is gzip-compressed (``.gz``: gunzip, 7-Zip, pandas and R read
#: it as it is): a fifth to a tenth of the size, which keeps a 100,000-item edition under 1 GB.
CSV_FILES = (
    DataFile("data/items.csv.gz", "Items", "One row per item with its current status: the file `tracker export "
             "--format csv` writes, which `tracker import` reads back. UTF-8 with a byte-order mark; a cell "
             "starting with = + - @ or a tab has a ' in front so spreadsheets show it as text.", ITEM),
    DataFile("data/statuses.csv.gz", "Statuses per addressee", "One row per item and addressee (owner) with that "
             "addressee's own status and the date of the latest evidence about it, as the item page's \"By "
             "addressee\" table shows them. The item's own status (items.csv.gz) is that of the addressee "
             "furthest behind: it is open while any addressee's is. An item with no addressee has one row with "
             "its own status.", STATUSES),
    DataFile("data/history.csv.gz", "History", "Every assessment ever recorded, oldest first by the date its "
             "evidence refers to. Append-only: nothing in it is edited or deleted; an assessment marked as "
             "mistaken stays, with corrected = yes and the reason, and no longer counts.", HISTORY_CSV),
    DataFile("data/deadline_revisions.csv.gz", "Deadline revisions", "Every deadline set or moved; earlier ones "
             "are kept, so slippage shows.", DEADLINES),
    DataFile("data/links.csv.gz", "Links", "Links between items: what makes chains across the years.", LINKS),
    DataFile("data/documents.csv.gz", "Documents", "The sources items are quoted from.", DOCUMENTS),
    DataFile("data/actors.csv.gz", "Actors", "Organisations and office holders that make, receive or are judged on "
             "items.", ACTORS),
)

JSON_FILE = DataFile(
    "data/tracker.json.gz", "The whole record (JSON)",
    "Documents, actors and items with their current status, full history, links and deadline revisions, in "
    "the tracker's exchange format: what `tracker export --format json` writes and `tracker import` reads.",
    {"exported_at": "when the file was written (UTC)", "actors": "every actor (see actors.csv.gz)",
     "documents": "every document (see documents.csv.gz)",
     "items": "every item, with history, links, deadline_revisions and current (see items.csv.gz, history.csv.gz)"},
)

#: The tables of the published SQLite file (tracker.db), described column by column.
SQLITE_TABLES = {
    "items": ("One row per item; status, response, implementation, last_* and deadline_* hold its current "
              "state, derived from the history.", {
                  **{k: v for k, v in ITEM.items() if k in (
                      "id", "kind", "title", "quote", "document_id", "origin_document_id", "done_when", "status",
                      "response", "implementation", "last_assessed_on", "last_evidence", "last_evidence_url",
                      "version", "makers", "owners", "themes", "reference")},
                  "made_start": "the first day of the period the item was made in",
                  "made_precision": "day, month or year",
                  "deadline_start": "the first day of the current deadline's period",
                  "deadline_precision": "day, month or year",
                  "deadline_end": "the last day of the current deadline's period",
                  "created_at": "when the item was entered (UTC)",
                  "updated_at": "when the item last changed (UTC)",
                  "search_text": "the searched fields, lower-cased, for the tracker's text search",
                  "last_assessed_precision": "day, month or year: how precise last_assessed_on is",
              }),
    "assessments": ("Every assessment (history.csv.gz).", HISTORY),
    "deadline_revisions": ("Every deadline revision (deadline_revisions.csv.gz).", DEADLINES),
    "links": ("Links between items (links.csv.gz).", {
        "id": "the link's number", **LINKS, "created_by": "who made the link: a staff role, 'staff' or 'seed'",
        "created_at": "when it was made (UTC)"}),
    "documents": ("The source documents (documents.csv.gz).", DOCUMENTS),
    "actors": ("Actors (actors.csv.gz).", ACTORS),
    "item_actors": ("Who made and who owns each item, in the order given.", {
        "item_id": "the item", "role": "maker or owner", "actor_id": "the actor", "position": "order within the role"}),
    "item_themes": ("The themes of each item.", {
        "item_id": "the item", "theme": "a theme", "position": "order of the theme on the item"}),
    "item_group_counts": ("Counts of items per group and status, kept exact by triggers on every write: what the "
                          "overview's figures are read from.", {
        "dimension": "what items are grouped by: all, document, owner, maker, accountable or theme",
        "grp": "the group (an actor id, a theme, a document id; empty: none recorded)",
        "kind": "item kind", "status": "lifecycle status ('' when none)", "response": "response ('' when none)",
        "implementation": "implementation status ('' when none)", "n": "number of items"}),
    "assessment_corrections": ("Assessments marked as mistaken (issue 13): each stays in assessments, shown "
                               "struck through, and no longer counts for any status or figure.", {
        "assessment_id": "the assessment corrected (assessments.id)",
        "reason": "why it is mistaken, as the tracker's staff wrote it",
        "corrected_by": "who corrected it: a staff role, 'staff' or 'seed'; never a username",
        "corrected_at": "when it was corrected (UTC)"}),
    # issue 13: a status per addressee
    "assessment_actors": ("The addressees (owners) an assessment is about, when it names some; an assessment "
                          "with no row here is about all of its item's addressees.", {
        "assessment_id": "the assessment", "actor_id": "an addressee it covers"}),
    "meta": ("Counters of the database.", {"key": "data_version: bumped by every write",
                                           "value": "its value"}),
    "_sqlite_migrations": ("The schema migrations applied to the file.", {
        "id": "the row's number", "migration_set": "always 'tracker'", "name": "the migration", "applied_at": "when it was applied"}),
}
