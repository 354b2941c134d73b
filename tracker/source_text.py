"""A document's own text: reading it from what staff upload, and checking quotes against it.

API (stable; the review queue builds on it):

- ``MAX_TEXT_CHARS`` (5,000,000 characters of text) and ``MAX_UPLOAD_BYTES`` (25 MB of file).
- ``read_source_text(data, filename) -> SourceText``: the text of an uploaded ``.txt``,
  ``.html``/``.htm`` (lxml) or ``.pdf`` (pypdf) (``data`` is bytes or a binary file object, read in chunks and
  refused as soon as it passes ``MAX_UPLOAD_BYTES``, never read in full first).
  ``pasted_text(text) -> SourceText`` for text typed or pasted. Both raise
  ``SourceTextError`` (an ``InvalidInputError``) with a message for people: an unknown file
  type, a file over the limit, text over the limit, a scanned PDF with no text layer, an
  encrypted or damaged PDF, a file that is not UTF-8 text.
- ``normalise_for_quote_check(text)``: the one normaliser of the verbatim check (typographic
  quotes made straight, every run of whitespace one space), shared with ``tracker check``.
- ``quote_in_text(quote, normalised_text) -> bool`` and ``nearest_passage(quote, text) ->
  str``: whether a quote occurs verbatim (after normalising both), and the passage of the text
  closest to one that does not (fuzzy alignment), for the error message.
- ``quote_not_found_message(quote, text, where)``: that error message, one line.

The store keeps the text (``Store.set_document_text``) and applies the check on every save.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from .errors import InvalidInputError

MAX_TEXT_CHARS = 5_000_000
#: A PDF or HTML file carries far more bytes than text; this bounds what is read at all.
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
_CHUNK = 1024 * 1024

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm")
PDF_SUFFIXES = (".pdf",)
UPLOAD_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES


class SourceTextError(InvalidInputError):
    "The source text cannot be read or is too large; nothing was stored"


@dataclass(frozen=True)
class SourceText:
    """A document's text and where it came from (``pasted``, ``txt``, ``html`` or ``pdf``)."""

    text: str
    source: str
    filename: str | None = None

    @property
    def chars(self) -> int:
        return len(self.text)


# ---------------------------------------------------------------------------------------------
# The verbatim check
# ---------------------------------------------------------------------------------------------

# Typographic quotes differ between a source's web page, its saved text and what an editor
# types; nothing else is forgiven (dashes, case and spelling must match the source).
_QUOTE_MARKS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
})


def normalise_for_quote_check(text: str) -> str:
    """``text`` with typographic quotes made straight and every run of whitespace one space."""
    return " ".join(text.translate(_QUOTE_MARKS).split())


def quote_in_text(quote: str, normalised_text: str) -> bool:
    """Whether ``quote`` occurs in a text already passed through ``normalise_for_quote_check``."""
    needle = normalise_for_quote_check(quote)
    return bool(needle) and needle in normalised_text


#: Characters of context shown either side of the nearest passage.
_CONTEXT = 0
#: Past this many characters the fuzzy search looks only near the quote's rarest words first.
_FULL_SEARCH_LIMIT = 200_000


def nearest_passage(quote: str, text: str) -> str:
    """The passage of ``text`` most like ``quote`` (whitespace and quotes normalised), for a
    message that shows staff what the source actually says. Empty when nothing is alike."""
    from rapidfuzz import fuzz

    needle = normalise_for_quote_check(quote)
    haystack = normalise_for_quote_check(text)
    if not needle or not haystack:
        return ""
    for window in _windows(needle, haystack):
        alignment = fuzz.partial_ratio_alignment(needle, window[1], score_cutoff=60)
        if alignment is not None:
            offset = window[0]
            start, end = alignment.dest_start, alignment.dest_end
            return _whole_words(haystack, offset + start, offset + end)
    return ""


def _windows(needle: str, haystack: str):
    """Where to look: the whole text when small; else the stretches around the quote's longest
    words first (partial_ratio over 5 MB for a long quote takes seconds), then the whole text."""
    if len(haystack) <= _FULL_SEARCH_LIMIT:
        yield 0, haystack
        return
    words = sorted({w for w in needle.split() if len(w) > 4}, key=len, reverse=True)[:5]
    span = max(len(needle) * 3, 400)
    for word in words:
        at = haystack.find(word)
        if at >= 0:
            start = max(0, at - span)
            yield start, haystack[start:at + span]
    yield 0, haystack


def _whole_words(text: str, start: int, end: int) -> str:
    """``text[start:end]`` widened to whole words."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end].strip()


#: What readers are told about an item's quote, by ``Store.quote_check``'s answer.
QUOTE_CHECK_LABELS = {
    "checked": "Checked word for word against the source's text held by the tracker "
               "(typographic quote marks and spacing aside).",
    "not found": "Not found word for word in the source's text held by the tracker.",
    "no text": "Not checked: the tracker holds no text of the source to check it against.",
}


def quote_not_found_message(quote: str, text: str, where: str) -> str:
    """One line: the quote is not in ``where`` (e.g. "the text of document 'x'"), and the
    nearest passage of that text when there is one."""
    nearest = nearest_passage(quote, text)
    message = f"quote not found verbatim in {where}"
    if nearest:
        if len(nearest) > 400:
            nearest = nearest[:400].rsplit(" ", 1)[0] + " ..."
        message += f"; the nearest passage is: \u201c{nearest}\u201d"
    return message


# ---------------------------------------------------------------------------------------------
# Reading uploads and pasted text
# ---------------------------------------------------------------------------------------------


def pasted_text(text: str) -> SourceText:
    """Text typed or pasted by staff, checked against the size limit."""
    return SourceText(text=_checked_text(text, "the pasted text"), source="pasted")


def read_source_text(data: bytes | BinaryIO, filename: str) -> SourceText:
    """The text of an uploaded file, by its extension: plain text (UTF-8), HTML (visible text
    only: scripts, styles and markup dropped) or PDF (its text layer).

    Raises SourceTextError for an unknown type, an upload over ``MAX_UPLOAD_BYTES`` (refused
    after reading at most that many bytes), text over ``MAX_TEXT_CHARS``, a PDF that is
    encrypted, damaged or has no text layer (a scan), and a text file that is not UTF-8.
    """
    name = PurePath(filename or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise SourceTextError(
            f"{name or 'the file'}: cannot read this kind of file; upload .txt, .html or .pdf, "
            "or paste the text"
        )
    raw = _read_capped(data, name)
    if suffix in PDF_SUFFIXES:
        text, source = _pdf_text(raw, name), "pdf"
    elif suffix in HTML_SUFFIXES:
        text, source = _html_text(raw), "html"
    else:
        text, source = _plain_text(raw, name), "txt"
    return SourceText(text=_checked_text(text, name), source=source, filename=name)


def _read_capped(data: bytes | BinaryIO, name: str) -> bytes:
    limit = MAX_UPLOAD_BYTES
    too_big = SourceTextError(
        f"{name}: the file is larger than {limit // (1024 * 1024)} MB; nothing was stored "
        "(split the document, or paste its text)"
    )
    if isinstance(data, (bytes, bytearray, memoryview)):
        if len(data) > limit:
            raise too_big
        return bytes(data)
    size = getattr(data, "size", None)  # Streamlit's UploadedFile knows its size up front
    if isinstance(size, int) and size > limit:
        raise too_big
    buffer = io.BytesIO()
    while True:
        chunk = data.read(_CHUNK)
        if not chunk:
            break
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise too_big
    return buffer.getvalue()


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _checked_text(text: str, what: str) -> str:
    # Control characters are no part of a text anyone quotes (a PDF's text layer has some).
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > MAX_TEXT_CHARS:
        raise SourceTextError(
            f"{what}: {len(text):,} characters of text is more than the limit of "
            f"{MAX_TEXT_CHARS:,}; nothing was stored"
        )
    if not text.strip():
        raise SourceTextError(f"{what}: there is no text to store")
    return text


def _plain_text(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceTextError(
            f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8 and upload it again"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: Elements whose content is never text a reader sees.
_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
#: Elements that end a line of text (so words in neighbouring blocks are not glued together).
_BLOCKS = (
    "p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "section", "article", "header",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd", "dt", "hr", "main",
    "aside", "nav", "figure", "figcaption", "title",
)


def _html_text(raw: bytes) -> str:
    """The visible text of an HTML page, one block per line; scripts, styles and comments go.

    lxml (libxml2) parses it: BeautifulSoup on Python's own parser took a minute for 5 MB of
    paragraphs and 18 s for a megabyte of "<". The tree is walked once, start and end events,
    so deep nesting needs no recursion.
    """
    from lxml import etree, html

    try:
        root = html.document_fromstring(raw)
    except (etree.ParserError, ValueError):  # an empty document, or nothing but a comment
        return ""
    out: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event in ("comment", "pi"):
            out.append(element.tail or "")
            continue
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag.lower() in _INVISIBLE:
                walker.skip_subtree()  # its end event still comes, with the text after it
                continue
            if tag.lower() in _BLOCKS:
                out.append("\n")
            out.append(element.text or "")
        else:
            if tag.lower() in _BLOCKS:
                out.append("\n")
            out.append(element.tail or "")
    lines = (" ".join(line.split()) for line in "".join(out).splitlines())
    return "\n".join(line for line in lines if line)


def _pdf_text(raw: bytes, name: str) -> str:
    """The text layer of a PDF, page by page (pages separated by a blank line)."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs every oddity of a damaged file as a warning; the refusal below says enough.
    logging.getLogger("pypdf").setLevel(logging.ERROR)

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise SourceTextError(
                f"{name}: the PDF is encrypted; remove its password (or paste its text) and "
                "upload it again"
            )
        pages = [page.extract_text() or "" for page in reader.pages]
    except SourceTextError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError) as exc:
        raise SourceTextError(f"{name}: not a readable PDF ({type(exc).__name__}: {exc})"[:300]) from None
    text = "\n\n".join(page.strip() for page in pages)
    if not text.strip():
        raise SourceTextError(
            f"{name}: the PDF has no text layer (a scanned document?); run it through OCR "
            "or paste its text"
        )
    return text
