"""Add and edit the source documents and the actors that items name."""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.staff import document_text, forms, gate, session
from tracker.models import Actor, ActorKind, Document, DocumentKind, PartialDate
from tracker.workspace import Workspace

NEW = "new"
DOCUMENT_FIELDS = ("id", "title", "publisher", "kind", "published", "url", "reported_in", "responds_to",
                   "follows_up", "text_file")
ACTOR_FIELDS = ("id", "name", "kind", "description")

gate.require()
snap = data.snapshot()
st.title("Documents and actors")
documents_tab, actors_tab = st.tabs(["Documents", "Actors"])


def _current(kind: str, ident: str) -> dict:
    """The record as stored now (uncached: its version is what a save is checked against)."""
    with session.workspace() as ws:
        return ws.store.get_document(ident) if kind == "document" else ws.store.get_actor(ident)


def _save(form: forms.Form, kind: str, fields: tuple, model, ident: str) -> None:
    add = getattr(Workspace, f"add_{kind}")
    update = getattr(Workspace, f"update_{kind}")
    if ident == NEW:
        name_field, date_field = ("title", "published") if kind == "document" else ("name", None)
        forms.submit(form, fields,
                     lambda values: model.model_validate(
                         forms.with_suggested_id(values, kind, name_field=name_field, date_field=date_field)),
                     lambda ws, token, m: (add(ws, token, m), m.id)[1],
                     aliases={"id": ["already exists"]}, success=lambda new_id: f"The {kind} was added as “{new_id}”.")
        return
    forms.submit(
        form, fields, lambda values: model.model_validate({**values, "id": ident}),
        lambda ws, token, m, expected_version: update(ws, token, m, expected_version=expected_version),
        versioned=True,
        changes=lambda ws, token, version: ws.changes_since(token, ident, version, entity=kind),
        success=lambda version: f"Saved; the {kind} is now at version {version}.",
    )


with documents_tab:
    docs = data.documents(snap)
    titles = data.document_labels(snap)
    doc_id = st.selectbox("Document", [NEW, *titles], key="edit_document",
                          format_func=lambda d: "New document" if d == NEW else titles[d])
    form = forms.Form("document", doc_id, record=f"document:{doc_id}")
    stored = None if doc_id == NEW else _current("document", doc_id)
    if stored:
        form.seen_version(stored["version"])
        stored = {**stored, "published": PartialDate(start=stored["published_start"],
                                                     precision=stored["published_precision"]).iso()}
    initial = {f: (stored or {}).get(f) for f in DOCUMENT_FIELDS}
    form.show_outcome()
    with st.form(form.key("form")):
        if doc_id == NEW:
            st.text_input("Id (optional)", key=form.seed("id", ""), persist_state=forms.PERSIST,
                          placeholder="Left empty: made from the title and year")
            form.field_error("id")
        st.text_input("Title", key=form.seed("title", initial["title"] or ""), persist_state=forms.PERSIST)
        form.field_error("title")
        st.text_input("Publisher or author body", key=form.seed("publisher", initial["publisher"] or ""),
                      persist_state=forms.PERSIST)
        form.field_error("publisher")
        st.selectbox("Kind", [k.value for k in DocumentKind], persist_state=forms.PERSIST,
                     key=form.seed("kind", initial["kind"] or DocumentKind.GOVERNMENT_PAPER.value))
        st.text_input("Published: YYYY-MM-DD, YYYY-MM or YYYY", persist_state=forms.PERSIST,
                      key=form.seed("published", initial["published"] or ""))
        form.field_error("published")
        st.text_input("Web address (optional)", key=form.seed("url", initial["url"] or ""),
                      persist_state=forms.PERSIST, placeholder="https://...")
        form.field_error("url")
        st.selectbox("Known only through this report of it (optional)", [d for d in titles if d != doc_id],
                     index=None, key=form.seed("reported_in", initial["reported_in"]), persist_state=forms.PERSIST,
                     format_func=lambda d: titles.get(d, d), placeholder="None")
        form.field_error("reported_in")
        # issue 13: documents that answer documents; the Sources page shows a report with them
        for field, label in (("responds_to", "Responds to (optional): the report this document answers"),
                             ("follows_up", "Follows up (optional): the report whose progress this document reports")):
            st.selectbox(label, [d for d in titles if d != doc_id], index=None,
                         key=form.seed(field, initial[field]), persist_state=forms.PERSIST,
                         format_func=lambda d: titles.get(d, d), placeholder="None")
            form.field_error(field)
        st.text_input("Source text file name (optional)", key=form.seed("text_file", initial["text_file"] or ""),
                      persist_state=forms.PERSIST)
        form.field_error("text_file")
        st.form_submit_button("Add document" if doc_id == NEW else "Save document", type="primary",
                              on_click=_save, args=(form, "document", DOCUMENT_FIELDS, Document, doc_id))
    if doc_id != NEW:
        document_text.show(doc_id)

with actors_tab:
    names = data.actor_names(snap)
    actor_id = st.selectbox("Actor", [NEW, *names], key="edit_actor",
                            format_func=lambda a: "New actor" if a == NEW else f"{names[a]}  ({a})")
    form = forms.Form("actor", actor_id, record=f"actor:{actor_id}")
    stored = None if actor_id == NEW else _current("actor", actor_id)
    if stored:
        form.seen_version(stored["version"])
    initial = {f: (stored or {}).get(f) for f in ACTOR_FIELDS}
    form.show_outcome()
    with st.form(form.key("form")):
        if actor_id == NEW:
            st.text_input("Id (optional)", key=form.seed("id", ""), persist_state=forms.PERSIST,
                          placeholder="Left empty: made from the name")
            form.field_error("id")
        st.text_input("Name", key=form.seed("name", initial["name"] or ""), persist_state=forms.PERSIST)
        form.field_error("name")
        st.selectbox("Kind", [k.value for k in ActorKind], persist_state=forms.PERSIST,
                     key=form.seed("kind", initial["kind"] or ActorKind.OTHER.value))
        st.text_area("Description (optional)", key=form.seed("description", initial["description"] or ""),
                     persist_state=forms.PERSIST)
        form.field_error("description")
        st.form_submit_button("Add actor" if actor_id == NEW else "Save actor", type="primary",
                              on_click=_save, args=(form, "actor", ACTOR_FIELDS, Actor, actor_id))
