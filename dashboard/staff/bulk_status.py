"""Statuses from a progress report: many items updated at once, with the same evidence, in one
save that writes every change or none (``Workspace.record_assessments``). The URL can name the
document whose items to update: /bulk-status?items_of=<document id>.

Each item is checked against the version this page read it at; if another person changed one
meanwhile, nothing is saved, the changes are listed, and the table keeps what was typed.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from dashboard import data
from dashboard.safe_text import md
from dashboard.staff import forms, gate, item_choice, session
from dashboard.staff.changes import changes_table
from tracker import bulk
from tracker import status as status_rules
from tracker.auth import SessionEndedError
from tracker.filters import addressee_statuses_text
from tracker.errors import StatusUpdatesRefusedError, TrackerError
from tracker.models import (
    ImplementationStatus,
    ItemKind,
    LifecycleStatus,
    PartialDate,
    ResponseStatus,
    describe_validation_error,
    split_list,
)
from tracker.dates import date_label

SEEN = "bulk:seen"  # {item id: the version this page read it at}
OUTCOME = "bulk:outcome"
ASSESSABLE = [ItemKind.RECOMMENDATION.value, ItemKind.COMMITMENT.value, ItemKind.CALL.value]

gate.require()
snap = data.snapshot()
documents = data.documents(snap)
doc_labels = data.document_labels(snap)

st.title("Statuses from a progress report")
st.caption("A progress report or a government response updates many items at once. Choose the report, "
           "the items it covers, and each one's new status; one save records them all with the report "
           "as evidence, or records nothing if any item changed meanwhile.")


def _report_chosen() -> None:
    """A new report sets the evidence fields to what it says about itself (staff can edit them)."""
    chosen = st.session_state.get("bulk_report")
    if not chosen:
        return
    doc = documents.set_index("id").loc[chosen]
    st.session_state["bulk_on"] = PartialDate(start=doc["published_start"], precision=doc["published_precision"]).iso()
    st.session_state["bulk_evidence"] = (f"{doc['title']} ({doc['publisher']}, "
                                         f"{date_label(doc['published_start'], doc['published_precision'])})")
    st.session_state["bulk_url"] = doc["url"] if isinstance(doc["url"], str) else ""


def _forget_outcome() -> None:
    st.session_state.pop(OUTCOME, None)


st.subheader("1. The evidence")
report = st.selectbox("Progress report: the document the evidence comes from", list(doc_labels), index=None,
                      key="bulk_report", format_func=doc_labels.get, on_change=_report_chosen,
                      persist_state=forms.PERSIST,
                      placeholder="Type or paste words of its title, or its id")
left, right = st.columns([1, 2])
on_text = left.text_input("Date the evidence refers to: YYYY-MM-DD or YYYY-MM", key="bulk_on",
                          persist_state=forms.PERSIST)
url = right.text_input("Web address (optional)", key="bulk_url", placeholder="https://...",
                       persist_state=forms.PERSIST)
evidence = st.text_area("Evidence for every item below (a row's own note replaces it)", key="bulk_evidence",
                        persist_state=forms.PERSIST,
                        help="What the report says, attributed to it: \"The Home Office's progress report "
                             "of March 2024 says ...\".")

st.subheader("2. The items")
left, right = st.columns([2, 1])
forms.choice_from_url("items_of", doc_labels)
source = left.selectbox("Every item of this document", list(doc_labels), index=None, key="items_of", on_change=_forget_outcome,
                        bind="query-params", format_func=doc_labels.get,
                        placeholder="e.g. the report the progress report follows up")
kinds = right.multiselect("Of these kinds", ASSESSABLE, default=ASSESSABLE, key="bulk_kinds", on_change=_forget_outcome,
                          persist_state=forms.PERSIST)
labels = item_choice.item_choices("bulk_extra", snap, kinds=ASSESSABLE, include=st.session_state.get("bulk_extra") or ())
extra = st.multiselect("And these items", list(labels), key="bulk_extra", on_change=_forget_outcome,
                       persist_state=forms.PERSIST, format_func=labels.get,
                       placeholder="Type or paste words of a title, or an item id")
# A report known only through an article has its items filed under the article, first made in it
# (data.items_of_document reads both).
of_source = pd.DataFrame(columns=["id", "kind"]) if source is None else data.items_of_document(snap, source)
chosen = list(of_source[of_source["kind"].isin(kinds)]["id"])
chosen += [ident for ident in extra if ident not in set(chosen)]
items = data.items_by_id(snap, chosen)

# Shown until the table or the choice of items changes (a pop on first show could lose it to the
# rerun the grid itself sends after a save).
outcome = st.session_state.get(OUTCOME)
if outcome:
    if outcome["kind"] == "saved":
        st.success(outcome["message"], icon=":material/check_circle:")
    else:
        st.error(md(outcome["message"]), icon=":material/error:")
        for problem in outcome.get("problems", []):
            st.markdown(f"- {md(problem)}")
        for conflict in outcome.get("conflicts", []):
            lines = [f"- {md(row.When)}, **{md(row.Who)}**: {md(row.What)}"
                     for row in changes_table(conflict["changes"]).itertuples(index=False)]
            st.markdown(f"**{md(labels.get(conflict['id'], conflict['id']))}** changed meanwhile:\n\n"
                        + "\n".join(lines))
        if outcome.get("conflicts"):
            st.info("Your table is as you left it. Check the changes above, then save again to record yours "
                    "on top of them, or edit those rows first.", icon=":material/edit:")

if not chosen:
    st.info("Choose a document whose items the report covers, or the items themselves.", icon=":material/checklist:")
    st.stop()

editor_key = "bulk_editor:" + hashlib.sha1("\n".join(chosen).encode()).hexdigest()[:16]
# The versions the table is read at: taken when it is first drawn (again after a save, or when
# coming back to the page), kept while it is being edited, moved on when a conflict is shown.
seen = st.session_state.setdefault(SEEN, {})
fresh = editor_key not in st.session_state
for ident in chosen:
    if fresh or ident not in seen:
        seen[ident] = int(items.at[ident, "version"])

rows = items.loc[chosen]
names = data.actor_names(snap)
# issue 13: a row may be about some addressees only; the chooser lists every addressee of the
# items with several (the store refuses a body a row's item is not addressed to).
owners_of = {ident: split_list(text) for ident, text in zip(rows["id"], rows["owners"])}
several = sorted({body for bodies in owners_of.values() if len(bodies) > 1 for body in bodies},
                 key=lambda body: names.get(body, body))
frame = pd.DataFrame({
    "id": rows["id"],
    "title": rows["title"],
    "kind": rows["kind"],
    "now": [status_rules.display_status(k, s, r, i) + (f" ({r})" if k == ItemKind.RECOMMENDATION and r else "")
            for k, s, r, i in zip(rows["kind"], rows["status"], rows["response"], rows["implementation"])],
    "status": [(s or status_rules.NOT_YET_ASSESSED) if k != ItemKind.RECOMMENDATION else None
               for k, s in zip(rows["kind"], rows["status"])],
    "response": [r if k == ItemKind.RECOMMENDATION else None for k, r in zip(rows["kind"], rows["response"])],
    "implementation": [i if k == ItemKind.RECOMMENDATION else None
                       for k, i in zip(rows["kind"], rows["implementation"])],
    # beside the statuses they qualify: "for these bodies", then whom the item is addressed to
    "addressees": [[] for _ in range(len(rows))],
    # each body with its own status now ("Police forces: accepted, implemented"), as downloads say it
    "bodies": [bulk_words or "; ".join(names.get(b, b) for b in owners_of[ident])
               for ident, bulk_words in zip(rows["id"], (addressee_statuses_text(v, names)
                                                        for v in rows["addressee_states"]))],
    "note": [""] * len(rows),
}).reset_index(drop=True)
if not several:  # no item with several addressees: every row is about all of its one
    frame = frame.drop(columns=["bodies", "addressees"])
st.caption(f"{len(chosen)} item{'s' if len(chosen) != 1 else ''}. Commitments and calls take a status; "
           "recommendations a response and an implementation status. Rows left as they are are not "
           "recorded; a row with its own note is, even with the same status."
           + (" A recommendation addressed to several bodies: leave \"For\" empty for all of them, or choose "
              "the ones the report speaks of (a row naming bodies is always recorded)." if several else ""))
per_addressee = {
    "bodies": st.column_config.TextColumn("Addressees now", width="medium"),
    "addressees": st.column_config.MultiselectColumn(
        "For (empty: all)", options=several, format_func=lambda body: names.get(body, body), width="medium",
        help="The addressees this row's status is about; empty: all of the item's addressees."),
} if several else {}
edited = st.data_editor(
    frame, key=editor_key, hide_index=True, num_rows="fixed", width="stretch", on_change=_forget_outcome,
    disabled=["id", "title", "kind", "now", *(["bodies"] if several else [])],
    column_config={
        "id": st.column_config.TextColumn("Id", width="small"),
        "title": st.column_config.TextColumn("Title", width="medium"),
        "kind": st.column_config.TextColumn("Kind", width="small"),
        "now": st.column_config.TextColumn("Now", width="small"),
        "status": st.column_config.SelectboxColumn("New status", options=[s.value for s in LifecycleStatus]),
        "response": st.column_config.SelectboxColumn("New response", options=[s.value for s in ResponseStatus]),
        "implementation": st.column_config.SelectboxColumn(
            "New implementation", options=[s.value for s in ImplementationStatus]),
        "note": st.column_config.TextColumn("Own note (optional)", width="medium", max_chars=5000),
        **per_addressee,
    },
)


def _save(edited: pd.DataFrame) -> dict:
    """Validate the table and write it through the workspace; the outcome to show."""
    if not (on_text or "").strip():
        return {"kind": "refused", "message": "Date the evidence refers to: this field is required", "problems": []}
    try:
        PartialDate.model_validate(on_text.strip())
    except ValidationError as exc:
        return {"kind": "refused", "message": "Date the evidence refers to: " + "; ".join(describe_validation_error(exc)),
                "problems": []}
    if not (evidence or "").strip():
        return {"kind": "refused", "message": "Give the evidence: what the report says, attributed to it.",
                "problems": []}
    current = items.loc[list(edited["id"]), ["status", "response", "implementation"]].reset_index(drop=True)
    table = edited.reset_index(drop=True).join(current.add_prefix("current_"))
    found = bulk.status_updates(table.to_dict("records"), evidence=evidence, assessed_on=on_text.strip(),
                                versions=seen, evidence_document_id=report, evidence_url=url.strip() or None)
    if found.problems:
        return {"kind": "refused", "message": "Nothing was saved: some rows do not read.", "problems": found.problems}
    if not found.updates:
        return {"kind": "refused", "message": "Nothing to save: no row has a new status or a note of its own.",
                "problems": []}
    token = session.token()
    with session.workspace() as ws:
        try:
            versions = ws.record_assessments(token, found.updates)
        except StatusUpdatesRefusedError as exc:
            conflicts = []
            for conflict in exc.conflicts:
                conflicts.append({"id": conflict.entity_id,
                                  "changes": ws.changes_since(token, conflict.entity_id, conflict.expected)})
                seen[conflict.entity_id] = conflict.actual  # seen now: a second save is deliberate
            return {"kind": "refused", "message": str(exc), "conflicts": conflicts,
                    "problems": [p for p in exc.problems if p not in {str(c) for c in exc.conflicts}]}
        except SessionEndedError as exc:
            st.session_state.pop(session.TOKEN_KEY, None)
            session.notify(f"Not saved: {exc}. What you typed is kept for when you are back.")
            return {"kind": "refused", "message": f"Not saved: {exc}.", "problems": []}
        except TrackerError as exc:
            return {"kind": "refused", "message": str(exc), "problems": getattr(exc, "problems", [])}
    seen.update(versions)
    st.session_state.pop(editor_key, None)  # the table starts again from the statuses now recorded
    count = len(versions)
    return {"kind": "saved", "message": f"Recorded {count} status change{'s' if count != 1 else ''} in one save"
                                        + (f"; {found.unchanged} unchanged row{'s' if found.unchanged != 1 else ''} "
                                           "left out." if found.unchanged else ".")}


if st.button(f"Save the changes ({len(chosen)} rows)", type="primary", icon=":material/save:", key="bulk_save"):
    st.session_state[OUTCOME] = _save(edited)
    st.rerun()
