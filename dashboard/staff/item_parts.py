"""The deadline and links sections of the Items page (each a small form of its own)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.staff import forms, item_choice
from tracker.models import DeadlineRevision, ItemKind, Link, LinkKind

DEADLINE_FIELDS = ("deadline", "reason", "revised_on")
LINK_FIELDS = ("kind", "target_id", "note")


def deadline_section(snap: data.Snapshot, item_id: str, item: dict) -> None:
    """Revisions so far (the old deadlines stay) and a form to set or move the deadline."""
    detail = data.item_detail(snap, item_id)
    revisions = detail["revisions"]
    if revisions:
        st.dataframe(
            pd.DataFrame(revisions)[["deadline_start", "deadline_precision", "reason", "revised_on", "recorded_by"]]
            .rename(columns={"deadline_start": "deadline", "deadline_precision": "precision",
                             "revised_on": "revised on", "recorded_by": "recorded by"}),
            hide_index=True, key=f"deadlines:{item_id}",
        )
    else:
        st.caption("No deadline recorded.")
    if item["kind"] == ItemKind.FINDING:
        st.caption("A finding carries no deadline.")
        return
    form = forms.Form("deadline", item_id, record=f"item:{item_id}")
    form.seen_version(item["version"])

    def save() -> None:
        forms.submit(
            form, DEADLINE_FIELDS, DeadlineRevision.model_validate,
            lambda ws, token, model, expected_version: ws.revise_deadline(
                token, item_id, model, expected_version=expected_version),
            versioned=True, aliases={"deadline": ["finding"]},
            changes=lambda ws, token, version: ws.changes_since(token, item_id, version),
            success=lambda version: f"Deadline revised; the earlier one is kept above. Version {version}.",
        )

    form.show_outcome()
    with st.form(form.key("form")):
        st.text_input("New deadline: YYYY-MM-DD, YYYY-MM or YYYY (empty: no deadline any more)",
                      key=form.seed("deadline", ""), persist_state=forms.PERSIST)
        form.field_error("deadline")
        st.text_area("Why it moved, with its source", key=form.seed("reason", ""), persist_state=forms.PERSIST)
        form.field_error("reason")
        st.date_input("Date of the change", key=form.seed("revised_on", dt.date.today()),
                      persist_state=forms.PERSIST, format="YYYY-MM-DD")
        form.field_error("revised_on")
        st.form_submit_button("Revise deadline", on_click=save, icon=":material/event_repeat:")


def links_section(snap: data.Snapshot, item_id: str) -> None:
    """The item's links both ways, a form to add one, and one to remove an outgoing link."""
    links = data.item_detail(snap, item_id)["links"]
    if links:
        shown = pd.DataFrame(links)
        shown["reads"] = [
            f"this item {row['kind']} {row['other_title']}" if row["direction"] == "outgoing"
            else f"{row['other_title']} {row['kind']} this item"
            for row in links
        ]
        st.dataframe(shown[["reads", "note"]], hide_index=True, key=f"links:{item_id}")
    else:
        st.caption("No links yet.")
    add = forms.Form("link", item_id)
    titles = item_choice.item_choices(add.key("target"), snap, include=(st.session_state.get(add.key("target_id")),))
    others = [ident for ident in titles if ident != item_id]

    def save_link() -> None:
        forms.submit(add, LINK_FIELDS, lambda v: Link.model_validate({**v, "source_id": item_id}),
                     lambda ws, token, model: ws.add_link(token, model),
                     aliases={"target_id": ["target", "link to itself"]},
                     success=lambda _: "Link added.")

    add.show_outcome()
    with st.form(add.key("form")):
        st.selectbox("This item ...", [k.value for k in LinkKind], key=add.seed("kind", LinkKind.RESPONDS_TO.value),
                     persist_state=forms.PERSIST)
        st.selectbox("... which item", others, index=None, key=add.seed("target_id", None),
                     persist_state=forms.PERSIST, format_func=lambda ident: titles.get(ident, ident),
                     placeholder="Choose an item")
        add.field_error("target_id")
        st.text_input("Note (optional)", key=add.seed("note", ""), persist_state=forms.PERSIST)
        add.field_error("note")
        st.form_submit_button("Add link", on_click=save_link, icon=":material/add_link:")

    outgoing = [row for row in links if row["direction"] == "outgoing"]
    if not outgoing:
        return
    remove = forms.Form("unlink", item_id)
    labels = {f"{row['kind']}|{row['other_id']}": f"{row['kind']} {row['other_title']}" for row in outgoing}

    def remove_link() -> None:
        def build(values: dict) -> Link:
            kind, _, target = (values["link"] or "").partition("|")
            return Link.model_validate({"source_id": item_id, "kind": kind, "target_id": target})

        forms.submit(remove, ("link",), build, lambda ws, token, model: ws.remove_link(token, model),
                     success=lambda _: "Link removed.")

    remove.show_outcome()
    with st.form(remove.key("form")):
        st.selectbox("Remove a link from this item", list(labels), index=None, key=remove.seed("link", None),
                     format_func=labels.get, placeholder="Choose a link")
        remove.field_error("link")
        st.form_submit_button("Remove link", on_click=remove_link, icon=":material/link_off:")
