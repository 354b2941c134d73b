"""Record an assessment: a new dated status with its evidence, beside the current status and
the recent history. The URL names the item: /record-assessment?item=<item id>."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard import data
from dashboard.pages import page
from dashboard.safe_text import md, md_link
from dashboard.staff import forms, gate, item_choice
from tracker import status as status_rules
from tracker.dates import date_label
from tracker.models import Assessment, Correction, ItemKind

EVIDENCE_FIELDS = ("evidence", "evidence_url", "evidence_document_id", "assessed_on", "assessed_on_precision",
                   "addressees")
#: How much of the evidence's date is known (issue 13): a progress report of "July 2025".
PRECISION_LABELS = {"day": "To the day", "month": "To the month only, e.g. July 2025",
                    "year": "To the year only, e.g. 2025"}
ALIASES = {"evidence_document_id": ["evidence document"], "evidence_url": ["url", "address"],
           "status": ["give a status", "commitment status"]}

gate.require()
snap = data.snapshot()
doc_labels = data.document_labels(snap)

st.title("Record an assessment")
st.caption("A new status with the evidence for it. The history is append-only: earlier "
           "assessments stay on the record. Findings carry no status; link them instead.")
titles = item_choice.item_choices("item", snap, kinds=[k.value for k in ItemKind if k != ItemKind.FINDING],
                                  include=(st.session_state.get("item"), st.query_params.get("item")))
forms.choice_from_url("item", titles)
item_id = st.selectbox(
    "Item", list(titles), index=None, key="item", bind="query-params",
    format_func=titles.get,
    placeholder="Type or paste words of the title, or the item's id",
)
if item_id is None:
    st.stop()

detail = data.item_detail(snap, item_id)
item = detail["item"]
kind = item["kind"]
vocab = status_rules.statuses_for_kind(kind)
status_fields = tuple(vocab)
fields = (*status_fields, *EVIDENCE_FIELDS)
form = forms.Form("assess", item_id, record=f"item:{item_id}")
seen = form.seen_version(item["version"])


def _build(values: dict) -> Assessment:
    assessment = Assessment.model_validate(values)
    assessment.check_kind(ItemKind(kind))
    return assessment


def _save() -> None:
    forms.submit(
        form, fields, _build,
        lambda ws, token, model, expected_version: ws.record_assessment(
            token, item_id, model, expected_version=expected_version),
        versioned=True, aliases=ALIASES,
        changes=lambda ws, token, version: ws.changes_since(token, item_id, version),
        success=lambda version: f"Recorded. The item is now at version {version}; the public pages "
                                "show it on their next load.",
    )


left, right = st.columns([3, 2], gap="large")
with right:
    st.subheader("Now")
    current = {f: item.get(f) for f in status_fields}
    for field, value in current.items():
        st.markdown(f"**{field.capitalize()}:** {md(value or status_rules.NOT_YET_ASSESSED)}")
    bodies = detail["addressees"]
    if len(bodies) > 1:  # issue 13: each addressee's own status
        done = sum(body["is_done"] for body in bodies)
        st.markdown(f"**By addressee** ({md(status_rules.done_label(kind, done, len(bodies)))}):")
        for body in bodies:
            words = " / ".join(body[f] or status_rules.NOT_YET_ASSESSED for f in status_fields)
            st.markdown(f"- {md(body['name'])}: {md(words)}")
    if item.get("deadline_start"):
        st.markdown(f"**Deadline:** {md(date_label(item['deadline_start'], item['deadline_precision']))}")
    st.caption(f"Version {item['version']}. Made {md(date_label(item['made_start'], item['made_precision']))}.")
    st.page_link(page("item"), query_params={"id": item_id}, label="Public page of this item",
                 icon=":material/open_in_new:")
    st.page_link(page("items"), query_params={"edit_item": item_id}, label="Edit this item, its deadline, its links",
                 icon=":material/edit_note:")
    if item["version"] != seen:
        st.warning(f"This item changed since you opened this form (you started from version {seen}). "
                   "Saving will show you what changed first.", icon=":material/sync_problem:")
    st.subheader("Recent history")
    history = list(reversed(detail["history"]))[:5]
    if not history:
        st.caption("No assessment yet.")
    for entry in history:
        words = " / ".join(entry[f] for f in ("status", "response", "implementation") if entry[f])
        if entry["addressees"]:
            called = {body["actor_id"]: body["name"] for body in detail["addressees"]}
            words += " (" + ", ".join(called.get(a, a) for a in entry["addressees"]) + ")"
        source = md_link("source", entry["evidence_url"]) if entry["evidence_url"] else ""
        when = date_label(entry["assessed_on"], entry.get("assessed_on_precision") or "day")
        line = f"#{entry['id']} **{md(when)}**: {md(words)}"
        if entry.get("correction_reason") is not None:
            line = (f"~~{line}~~ :red[corrected by {md(entry['corrected_by'])} on {md(entry['corrected_at'][:10])}: "
                    f"{md(entry['correction_reason'])}]")
        st.markdown(f"{line}  \n{md(entry['evidence'])} {source}  \n"
                    f":gray[recorded by {md(entry['recorded_by'])}]")

with left:
    st.markdown(f"#### {md(item['title'])}")
    st.markdown(f"> {md(item['quote'])}")
    form.show_outcome()
    with st.form(form.key("form"), border=True):
        for field, options in vocab.items():
            default = item.get(field) or options[0]
            st.selectbox(field.capitalize(), options, key=form.seed(field, default), persist_state=forms.PERSIST)
            form.field_error(field)
        owners = [body["actor_id"] for body in detail["addressees"]]
        if len(owners) > 1:  # issue 13: all addressees, or the ones this evidence is about
            names = {body["actor_id"]: body["name"] for body in detail["addressees"]}
            st.multiselect("About these addressees only (leave empty: all of them)", owners,
                           key=form.seed("addressees", []), persist_state=forms.PERSIST,
                           format_func=lambda ident: names.get(ident, ident), placeholder="All addressees")
            form.field_error("addressees")
        st.text_area("Evidence", key=form.seed("evidence", ""), persist_state=forms.PERSIST,
                     help="What shows this status, attributed to its source (\"HMICFRS found ...\").")
        form.field_error("evidence")
        st.text_input("Evidence web address (optional)", key=form.seed("evidence_url", ""),
                      persist_state=forms.PERSIST, placeholder="https://...")
        form.field_error("evidence_url")
        st.selectbox("Source document (optional)", list(doc_labels), index=None,
                     key=form.seed("evidence_document_id", None), persist_state=forms.PERSIST,
                     format_func=lambda ident: doc_labels.get(ident, ident), placeholder="None")
        form.field_error("evidence_document_id")
        st.date_input("Date the evidence refers to", key=form.seed("assessed_on", dt.date.today()),
                      persist_state=forms.PERSIST, format="YYYY-MM-DD")
        form.field_error("assessed_on")
        st.selectbox("How precisely the evidence is dated", list(PRECISION_LABELS), format_func=PRECISION_LABELS.get,
                     key=form.seed("assessed_on_precision", "day"), persist_state=forms.PERSIST,
                     help="A report that gives only a month or a year: pick any day in it; it is recorded "
                          "as that month or year.")
        form.field_error("assessed_on_precision")
        st.form_submit_button("Save assessment", type="primary", on_click=_save, icon=":material/save:")

# -- corrections (issue 13): mark a mistaken assessment; it stays on the record, struck through ---
counted = [entry for entry in reversed(detail["history"]) if entry.get("correction_reason") is None]
correct_form = forms.Form("correct", item_id, record=f"item:{item_id}")
CORRECTION_FIELDS = ("assessment", "reason")


def _assessment_label(entry: dict) -> str:
    words = " / ".join(entry[f] for f in ("status", "response", "implementation") if entry[f])
    when = date_label(entry["assessed_on"], entry.get("assessed_on_precision") or "day")
    evidence = entry["evidence"] if len(entry["evidence"]) <= 60 else entry["evidence"][:59] + "\u2026"
    return f"#{entry['id']} · {when} · {words} · {evidence}"


def _build_correction(values: dict) -> tuple[int, Correction]:
    correction = Correction.model_validate({"reason": values.get("reason") or ""})
    if values.get("assessment") is None:
        raise ValueError("assessment: choose the assessment that is mistaken")
    return int(values["assessment"]), correction


def _correct() -> None:
    forms.submit(
        correct_form, CORRECTION_FIELDS, _build_correction,
        lambda ws, token, model, expected_version: ws.correct_assessment(
            token, model[0], model[1], expected_version=expected_version),
        versioned=True,
        changes=lambda ws, token, version: ws.changes_since(token, item_id, version),
        success=lambda version: f"Corrected. The assessment stays in the history, struck through, and no "
                                f"longer counts; the item is now at version {version}.",
    )


with left:
    st.subheader("Correct a mistaken assessment")
    st.caption("An assessment recorded in error is not deleted: it stays in the history, struck through "
               "with your reason, and no longer counts for the item's status or any figure.")
    correct_form.show_outcome()
    if not counted:
        st.caption("No assessment of this item counts now, so there is nothing to correct.")
    else:
        labels = {entry["id"]: _assessment_label(entry) for entry in counted}
        with st.form(correct_form.key("form"), border=True):
            st.selectbox("Assessment", list(labels), index=None, format_func=labels.get,
                         key=correct_form.seed("assessment", None), persist_state=forms.PERSIST,
                         placeholder="Choose the mistaken assessment")
            correct_form.field_error("assessment")
            st.text_area("Why it is mistaken", key=correct_form.seed("reason", ""), persist_state=forms.PERSIST,
                         help="Shown to readers beside the struck-through assessment.")
            correct_form.field_error("reason")
            st.form_submit_button("Mark as mistaken", on_click=_correct, icon=":material/rule:")
