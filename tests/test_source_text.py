"""A document's own text: reading uploads, the refusals, and the verbatim check on every save."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

from tracker import seeds, source_text
from tracker.cli import cli
from tracker.errors import ImportRejectedError, InvalidInputError, NotFoundError
from tracker.models import Bundle, ItemFields, ItemIn
from tracker.source_text import (
    MAX_TEXT_CHARS,
    SourceTextError,
    nearest_passage,
    pasted_text,
    read_source_text,
)

from tests.pdf_samples import encrypted_pdf, scanned_pdf, text_pdf

REPORT = (
    "Summary\n\nWe found that data collection was \u201cunreliable\u201d across   forces.\n\n"
    "It recommended the Home Office adopt a more consistent way of tracking abuse.\n"
    "The inspectorate will return in 2025 to check on progress.\n"
)


# -- reading uploads ------------------------------------------------------------------------


def test_plain_text_upload_is_read_as_utf8_with_windows_line_ends_made_plain():
    text = read_source_text("\ufeffFirst line\r\nSecond \u2013 line\r\n".encode("utf-8"), "report.txt")
    assert text.text == "First line\nSecond \u2013 line\n"
    assert (text.source, text.filename) == ("txt", "report.txt")


def test_text_that_is_not_utf8_is_refused():
    with pytest.raises(SourceTextError, match="not UTF-8"):
        read_source_text("caf\u00e9".encode("latin-1"), "report.txt")


def test_html_keeps_visible_text_only():
    page = b"""<html><head><title>Ignored title</title><style>p { color: red }</style>
    <script>document.write('injected words'); var x = "<p>not text</p>";</script></head>
    <body><nav>Menu</nav><h1>Report</h1><p>The Home Office <b>should</b> publish data &amp; figures.</p>
    <!-- a comment that is not text --><noscript>Enable scripts</noscript>
    <script type="application/ld+json">{"name": "structured data"}</script>
    <ul><li>First point</li><li>Second point</li></ul></body></html>"""
    text = read_source_text(page, "page.html").text
    assert "The Home Office should publish data & figures." in text
    assert "First point\nSecond point" in text
    for hidden in ("injected", "not text", "color", "comment", "structured data", "Enable scripts", "<"):
        assert hidden not in text


def test_html_full_of_scripts_and_no_text_is_refused():
    with pytest.raises(SourceTextError, match="no text"):
        read_source_text(b"<html><script>" + b"var a = 1;" * 1000 + b"</script></html>", "x.htm")


def test_pdf_text_layer_is_read():
    text = read_source_text(text_pdf(["The Home Office should publish data.", "It will act by 2027."]), "r.pdf")
    assert text.source == "pdf"
    assert "The Home Office should publish data." in text.text
    assert "It will act by 2027." in text.text


def test_scanned_pdf_without_a_text_layer_is_refused():
    with pytest.raises(SourceTextError, match="no text layer"):
        read_source_text(scanned_pdf(), "scan.pdf")


def test_encrypted_pdf_is_refused():
    with pytest.raises(SourceTextError, match="encrypted"):
        read_source_text(encrypted_pdf(["Secret words"]), "locked.pdf")


def test_damaged_pdf_is_refused_with_a_message_not_a_traceback():
    with pytest.raises(SourceTextError, match="not a readable PDF"):
        read_source_text(b"%PDF-1.4\nthis is not really a PDF", "broken.pdf")


def test_unknown_file_type_is_refused():
    with pytest.raises(SourceTextError, match="upload .txt, .html or .pdf"):
        read_source_text(b"PK\x03\x04", "report.docx")


class EndlessStream(io.RawIOBase):
    """A file that never ends, counting what was read from it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def read(self, size=-1):
        size = 1 << 20 if size is None or size < 0 else size
        self.read_bytes += size
        return b"a" * size


def test_upload_over_the_limit_is_refused_before_it_is_read_in_full(monkeypatch):
    monkeypatch.setattr(source_text, "MAX_UPLOAD_BYTES", 3 * 1024 * 1024)
    stream = EndlessStream()
    with pytest.raises(SourceTextError, match="larger than 3 MB"):
        read_source_text(stream, "huge.txt")
    assert stream.read_bytes <= 3 * 1024 * 1024 + source_text._CHUNK


def test_upload_that_says_its_size_is_refused_without_reading():
    class Uploaded(EndlessStream):
        size = source_text.MAX_UPLOAD_BYTES + 1

    stream = Uploaded()
    with pytest.raises(SourceTextError, match="larger than"):
        read_source_text(stream, "huge.pdf")
    assert stream.read_bytes == 0


def test_text_over_the_character_limit_is_refused():
    with pytest.raises(SourceTextError, match="more than the limit of 5,000,000"):
        pasted_text("a" * (MAX_TEXT_CHARS + 1))
    assert pasted_text("a" * 100).chars == 100


def test_tracker_check_and_the_store_share_one_normaliser():
    assert seeds.normalise_for_quote_check is source_text.normalise_for_quote_check


def test_nearest_passage_finds_the_closest_words():
    text = "Intro.\nIt recommended the Home Office adopt a more consistent way of tracking abuse.\nEnd."
    assert nearest_passage("the Home Office adopts a consistent way of tracking abuse", text).startswith(
        "the Home Office adopt a more consistent way")


def test_nearest_passage_in_a_large_text():
    filler = "Nothing to see in this sentence at all. " * 130_000  # ~5 MB
    text = filler + "The Home Office should publish a national data standard by 2027. " + filler
    assert "national data standard" in nearest_passage("Home Office should publish a national standard", text)


# -- the verbatim check on save -------------------------------------------------------------


@pytest.fixture
def store_with_text(sample_store):
    sample_store.set_document_text("report", pasted_text(REPORT), by="alice", allow_unmatched=True)
    return sample_store


def _item(quote: str, ident: str = "new-item") -> ItemIn:
    return ItemIn(id=ident, kind="finding", title="Inspectorate: data unreliable", quote=quote,
                  document_id="report", makers=["inspectorate"], made="2023-12")


def test_document_text_is_stored_and_described(store_with_text):
    assert store_with_text.document_text("report") == REPORT
    info = store_with_text.document_text_info("report")
    assert info["chars"] == len(REPORT) and info["source"] == "pasted" and info["set_by"] == "alice"
    assert store_with_text.document_text_info("paper") is None
    assert store_with_text.documents_with_text() == {"report"}
    entry = store_with_text.audit_log(entity_id="report").iloc[0]
    assert entry["action"] == "set text" and REPORT not in (entry["after"] or "")


def test_text_for_an_unknown_document_is_refused(sample_store):
    with pytest.raises(NotFoundError):
        sample_store.set_document_text("nope", pasted_text(REPORT), by="alice")


@pytest.mark.parametrize("quote", [
    'data collection was "unreliable" across forces',  # straight quotes for typographic ones
    "data collection was \u201cunreliable\u201d across\n forces",  # a line break and one space for three
    "It recommended the Home Office adopt a more consistent way",
])
def test_quote_in_the_text_is_accepted_ignoring_typographic_quotes_and_whitespace(store_with_text, quote):
    store_with_text.add_item(_item(quote), by="alice")
    assert store_with_text.quote_check("new-item") == "checked"


def test_paraphrase_is_refused_with_the_nearest_passage(store_with_text):
    with pytest.raises(InvalidInputError) as caught:
        store_with_text.add_item(_item("data collection was unreliable in every force"), by="alice")
    message = str(caught.value)
    assert "quote not found verbatim in the text of document 'report'" in message
    assert "nearest passage" in message and "data collection was" in message
    assert "new-item" not in store_with_text.item_ids()


def test_case_and_dashes_are_not_forgiven(store_with_text):
    with pytest.raises(InvalidInputError, match="not found verbatim"):
        store_with_text.add_item(_item("it recommended the home office adopt"), by="alice")


def test_update_is_checked_too(store_with_text):
    store_with_text.add_item(_item("It recommended the Home Office adopt"), by="alice")
    fields = ItemFields.model_validate({**_item("It recommended the Home Office adopt").model_dump(exclude={"id"}),
                                        "quote": "It advised the Home Office to adopt"})
    with pytest.raises(InvalidInputError, match="nearest passage"):
        store_with_text.update_item("new-item", fields, expected_version=1, by="alice")
    assert store_with_text.get_item("new-item")["quote"] == "It recommended the Home Office adopt"


def test_import_lists_every_quote_not_in_the_text_and_writes_nothing(store_with_text):
    before = store_with_text.counts()
    bundle = Bundle(items=[
        _item(quote, ident).model_dump() for quote, ident in (
            ("The inspectorate will return in 2025", "fine-one"),
            ("The inspectorate will come back in 2025", "bad-one"),
            ("Home Office should adopt a consistent way", "bad-two"),
        )
    ])
    with pytest.raises(ImportRejectedError) as caught:
        store_with_text.import_bundle(bundle, by="alice")
    problems = caught.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("items[1] (bad-one): quote: quote not found verbatim")
    assert "The inspectorate will return in 2025" in problems[0]
    assert problems[1].startswith("items[2] (bad-two)")
    assert store_with_text.counts() == before


def test_documents_without_text_are_not_checked(store_with_text):
    item = ItemIn.model_validate({**_item("words that are nowhere").model_dump(), "document_id": "paper",
                                  "made": "2020"})
    store_with_text.add_item(item, by="alice")
    assert store_with_text.quote_check("new-item") == "no text"


def test_text_that_does_not_hold_existing_quotes_is_refused_unless_allowed(sample_store):
    with pytest.raises(InvalidInputError) as caught:
        sample_store.set_document_text("report", pasted_text("A different report altogether."), by="alice")
    assert "nothing was stored" in str(caught.value)
    assert any("data-unreliable" in p for p in caught.value.problems)
    assert sample_store.document_text("report") is None
    sample_store.set_document_text("report", pasted_text("A different report altogether."), by="alice",
                                   allow_unmatched=True)
    assert sample_store.quote_check("data-unreliable") == "not found"
    assert sample_store.quote_problems() == [
        "item data-unreliable: quote not found verbatim in the text of document report",
        "item track-abuse: quote not found verbatim in the text of document report",
    ]


def test_migration_creates_the_text_table(fresh_store):
    assert "006_document_text" in fresh_store.applied_migrations()
    columns = set(fresh_store.db["document_texts"].columns_dict)
    assert {"document_id", "text", "normalised", "chars", "source", "filename", "sha256"} <= columns


# -- the CLI --------------------------------------------------------------------------------


def test_cli_attaches_text_and_check_reports_unmatched_quotes(tmp_path, db_path, sample_bundle):
    runner = CliRunner()
    runner.invoke(cli, ["--db", str(db_path), "init", "--empty"], catch_exceptions=False)
    export = tmp_path / "sample.json"
    export.write_text(sample_bundle.model_dump_json())
    assert runner.invoke(cli, ["--db", str(db_path), "import", str(export)]).exit_code == 0

    page = tmp_path / "report.html"
    page.write_text("<p>We found data collection was unreliable.</p><script>alert(1)</script>", encoding="utf-8")
    refused = runner.invoke(cli, ["--db", str(db_path), "document", "text", "report", str(page)])
    assert refused.exit_code == 1
    assert "track-abuse" in refused.output and "Traceback" not in refused.output

    good = tmp_path / "report.txt"
    good.write_text("Data collection was unreliable. We will adopt a more consistent way.", encoding="utf-8")
    stored = runner.invoke(cli, ["--db", str(db_path), "document", "text", "report", str(good),
                                 "--allow-unmatched"])
    assert stored.exit_code == 0, stored.output
    assert "warning: the quote of item data-unreliable is not in this text" in stored.output
    checked = runner.invoke(cli, ["--db", str(db_path), "check"])
    assert checked.exit_code == 1
    assert "item data-unreliable: quote not found verbatim" in checked.output

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf())
    refused = runner.invoke(cli, ["--db", str(db_path), "document", "text", "report", str(scan)])
    assert refused.exit_code == 1 and "no text layer" in refused.output


def test_cli_pasted_text_from_stdin(db_path, sample_store):
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(sample_store.path), "document", "text", "paper", "-"],
                           input="The Home Office will improve the collection of data.")
    assert result.exit_code == 0, result.output
    assert json.dumps(sample_store.document_text_info("paper")["source"]) == '"pasted"'


@pytest.mark.parametrize("page, expected", [
    (b"<p>word</p>" * 200_000, "word\nword"),  # 2 MB of paragraphs: linear, not quadratic
    (b"<" * 100_000, "<<<<"),  # markup that is not markup stays text
    (b"<p>a<!-- hidden --> b<?pi x?> c</p><noscript>no</noscript>d<script>x</script> e", "a b c\nd e"),
])
def test_html_hostile_shapes(page, expected):
    assert read_source_text(page, "page.html").text.startswith(expected)


def test_control_characters_are_dropped_from_a_text():
    assert read_source_text(b"a\x00b\x07c\r\nd\re", "t.txt").text == "abc\nd\ne"
