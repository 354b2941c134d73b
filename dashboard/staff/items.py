"""Add an item or edit what one says; revise its deadline; link it to other items.

The URL names the item: /edit-items?edit_item=<item id> (``new`` for a new item).
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.pages import page
from dashboard.safe_text import md
from dashboard.staff import forms, gate, item_choice, item_parts
from tracker.models import ItemFields, ItemIn, ItemKind, PartialDate, split_list

NEW = "new"
TEXT_FIELDS = ("title", "quote", "document_id", "origin_document_id", "reference", "makers", "owners", "themes",
               "made", "done_when")
ALIASES = {"owners": ["addressee", "owners"], "deadline": ["a finding carries no deadline"],
           "id": ["already exists"]}

gate.require()
snap = data.snapshot()
doc_labels = data.document_labels(snap)
actors = data.actor_names(snap)
actor_labels = data.actor_labels(snap)
themes = data.filter_options(snap).themes

st.title("Items")
titles = item_choice.item_choices("edit_item", snap,
                                  include=(st.session_state.get("edit_item"), st.query_params.get("edit_item")))
forms.choice_from_url("edit_item", [NEW, *titles])
choice = st.selectbox(
    "Item", [NEW, *titles], key="edit_item", bind="query-params",
    format_func=lambda ident: "New item" if ident == NEW else titles[ident],
    placeholder="Type or paste words of the title, or the item's id",
)
is_new = choice == NEW
item = None if is_new else data.item_detail(snap, choice)["item"]
fields = ("id", "kind", *TEXT_FIELDS, "deadline") if is_new else TEXT_FIELDS
form = forms.Form("item", choice, record=None if is_new else f"item:{choice}")


def _split(text: str | None) -> list[str]:
    return split_list(text)


def _initial() -> dict:
    if item is None:
        return {"id": "", "kind": ItemKind.COMMITMENT.value, "title": "", "quote": "", "document_id": None,
                "origin_document_id": None, "makers": [], "owners": [], "themes": [], "made": "",
                "deadline": "", "done_when": "", "reference": ""}
    made = PartialDate(start=item["made_start"], precision=item["made_precision"]).iso()
    return {**{f: item.get(f) or "" for f in ("title", "quote", "done_when", "reference")},
            "document_id": item["document_id"], "origin_document_id": item["origin_document_id"],
            "makers": _split(item["makers"]), "owners": _split(item["owners"]),
            "themes": _split(item["themes"]), "made": made}


def _save() -> None:
    if is_new:
        forms.submit(form, fields,
                     lambda values: ItemIn.model_validate(forms.with_suggested_id(values, "item", date_field="made")),
                     lambda ws, token, model: (ws.add_item(token, model), model.id)[1],
                     aliases=ALIASES,
                     success=lambda ident: f"Item added as “{ident}”. Choose it above to record its status.")
        return
    forms.submit(
        form, fields,
        lambda values: ItemFields.model_validate({**values, "kind": item["kind"], "deadline": None}),
        lambda ws, token, model, expected_version: ws.update_item(
            token, choice, model, expected_version=expected_version),
        versioned=True, aliases=ALIASES,
        changes=lambda ws, token, version: ws.changes_since(token, choice, version),
        success=lambda version: f"Saved. The item is now at version {version}.",
    )


initial = _initial()
if item is not None:
    form.seen_version(item["version"])
    st.page_link(page("item"), query_params={"id": choice}, label="Public page of this item",
                 icon=":material/open_in_new:")
    if item["kind"] != ItemKind.FINDING:
        st.page_link(page("assess"), query_params={"item": choice}, label="Record an assessment of this item",
                     icon=":material/fact_check:")
form.show_outcome()
with st.form(form.key("form")):
    if is_new:
        left, right = st.columns(2)
        with left:
            st.text_input("Id (optional)", key=form.seed("id", ""), persist_state=forms.PERSIST,
                          placeholder="Left empty: made from the title and year",
                          help="Lower-case letters, digits and hyphens; it becomes the item's address. "
                               "Left empty, it is made from the title and the year made, unique.")
            form.field_error("id")
        with right:
            st.selectbox("Kind", [k.value for k in ItemKind], key=form.seed("kind", initial["kind"]),
                         persist_state=forms.PERSIST)
            form.field_error("kind")
    else:
        st.markdown(f"**Kind:** {md(item['kind'])} (fixed once recorded) · version {item['version']}")
    st.text_input("Title: a neutral one-line summary, attributed", key=form.seed("title", initial["title"]),
                  persist_state=forms.PERSIST)
    form.field_error("title")
    st.text_area("Quote, verbatim from the document", key=form.seed("quote", initial["quote"]),
                 persist_state=forms.PERSIST)
    form.field_error("quote")
    for field, label in (("document_id", "Document the quote comes from"),
                         ("origin_document_id", "Document it was first made in, if different (optional)")):
        st.selectbox(label, list(doc_labels), index=None, key=form.seed(field, initial[field]),
                     persist_state=forms.PERSIST, format_func=lambda ident: doc_labels.get(ident, ident),
                     placeholder="Choose a document")
        form.field_error(field)
    st.text_input("Reference within the document (optional)", key=form.seed("reference", initial["reference"]),
                  persist_state=forms.PERSIST, placeholder="Recommendation 4, R4, para 3.2",
                  help="Where the item is in its document, as the document numbers it; searchable and sortable.")
    form.field_error("reference")
    for field, label in (("makers", "Made by"), ("owners", "Owners or addressees")):
        st.multiselect(label, list(actors), key=form.seed(field, initial[field]), persist_state=forms.PERSIST,
                       format_func=lambda ident: actor_labels.get(ident, ident))
        form.field_error(field)
    st.multiselect("Themes", sorted(set(themes) | set(initial["themes"])), accept_new_options=True,
                   key=form.seed("themes", initial["themes"]), persist_state=forms.PERSIST)
    form.field_error("themes")
    st.text_input("Date made: YYYY-MM-DD, YYYY-MM or YYYY", key=form.seed("made", initial["made"]),
                  persist_state=forms.PERSIST)
    form.field_error("made")
    if is_new:
        st.text_input("Deadline (optional): YYYY-MM-DD, YYYY-MM or YYYY", key=form.seed("deadline", ""),
                      persist_state=forms.PERSIST)
        form.field_error("deadline")
    st.text_area("What would count as done (optional)", key=form.seed("done_when", initial["done_when"]),
                 persist_state=forms.PERSIST)
    form.field_error("done_when")
    st.form_submit_button("Add item" if is_new else "Save changes", type="primary", on_click=_save,
                          icon=":material/save:")

if item is not None:
    deadline_tab, links_tab = st.tabs(["Deadline", "Links"])
    with deadline_tab:
        item_parts.deadline_section(snap, choice, item)
    with links_tab:
        item_parts.links_section(snap, choice)
