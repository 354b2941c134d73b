"""The source text of one document on the Documents page: what is stored, and a form to paste
it or upload it (.txt, .html or .pdf). Every quote from the document is then checked against it."""

from __future__ import annotations

import streamlit as st

from dashboard.safe_text import md
from dashboard.staff import forms, session
from tracker import source_text
from tracker.errors import InvalidInputError

# Named so that no message mentions them: every refusal is shown above the form, whole.
FIELDS = ("text_pasted", "text_file_upload", "allow_unmatched")


def _source(values: dict) -> source_text.SourceText:
    upload, pasted = values.get("text_file_upload"), (values.get("text_pasted") or "")
    if upload is not None and pasted.strip():
        raise source_text.SourceTextError("paste the text or upload a file, not both")
    if upload is not None:
        return source_text.read_source_text(upload, upload.name)
    return source_text.pasted_text(pasted)


def _save(form: forms.Form, document_id: str) -> None:
    def write(ws, token, values):
        try:
            return ws.set_document_text(token, document_id, _source(values),
                                        allow_unmatched=bool(values.get("allow_unmatched")))
        except InvalidInputError as exc:
            if exc.problems == [str(exc)]:
                raise
            # Say why before listing the quotes the text does not hold.
            raise InvalidInputError(str(exc), [str(exc), *exc.problems]) from None

    forms.submit(form, FIELDS, lambda values: values, write,
                 success=lambda info: f"Stored {info['chars']:,} characters of text ({info['source']}); "
                                      "quotes from this document are now checked against it.")


def show(document_id: str) -> None:
    """The stored text's description and the form that replaces it."""
    st.subheader("Source text", anchor=False)
    with session.workspace() as ws:
        info = ws.store.document_text_info(document_id)
    if info:
        name = f", {info['filename']}" if info["filename"] else ""
        st.caption(md(f"Stored: {info['chars']:,} characters ({info['source']}{name}), by {info['set_by']} "
                      f"on {info['set_at'][:10]}. Every quote from this document is checked against it "
                      "when saved."))
    else:
        st.caption("No text stored: quotes from this document cannot be checked. Paste it or upload it.")
    form = forms.Form("document_text", document_id)
    form.show_outcome()
    with st.form(form.key("form")):
        st.text_area("Paste the text", key=form.key("text_pasted"), height=160,
                     placeholder="The document's full text, as published")
        st.file_uploader("or upload it: .txt, .html (text only) or .pdf (its text layer)",
                         type=["txt", "html", "htm", "pdf"], key=form.key("text_file_upload"),
                         max_upload_size=source_text.MAX_UPLOAD_BYTES // (1024 * 1024))
        st.checkbox("Store it even if some of this document's quotes are not in it",
                    key=form.key("allow_unmatched"))
        st.form_submit_button("Replace the text" if info else "Store the text",
                              on_click=_save, args=(form, document_id))

