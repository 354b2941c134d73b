"""Items from a text: the tracker proposes the items a document's text holds, staff review them
beside the text, and only the accepted ones are saved, in one all-or-nothing import.

The URL can name the document: /review-items?document=<document id>. Nothing is written until
"Save" is pressed; quotes are the candidates' spans of the text, never retyped.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.safe_text import md
from dashboard.pages import page
from dashboard.staff import forms, gate, session
from dashboard.staff.highlight import excerpts_html, highlighted_html
from tracker import extract, review, source_text
from tracker.auth import SessionEndedError
from tracker.errors import TrackerError
from tracker.models import ItemKind, PartialDate

RUN = "review:run"  # the text and its extraction under review (nothing saved yet)
OUTCOME = "review:outcome"
GENERATION = "review:generation"
PER_PAGE = 25  # proposals drawn at once
WHOLE_TEXT_SHOWN = 200_000  # characters; a longer text is shown around the proposals on screen  # numbers each extraction, so its widgets' keys are its own
STORED, PASTE, UPLOAD = "The document's stored text", "Paste the text", "Upload a file (.txt, .html, .pdf)"

gate.require()
snap = data.snapshot()
documents = data.documents(snap)
doc_labels = data.document_labels(snap)
actor_names = data.actor_names(snap)

st.title("Items from a text")
st.caption("Paste a report's text (or use the document's stored text): the tracker proposes the "
           "recommendations, commitments, calls and findings it holds, with deadlines and addressees. "
           "Review them beside the text; nothing is saved until you press Save, and then the accepted "
           "ones are saved together or not at all.")

forms.choice_from_url("document", doc_labels)
document_id = st.selectbox("Document the text is from", list(doc_labels), index=None, key="document",
                           bind="query-params", format_func=doc_labels.get,
                           placeholder="Type or paste words of its title, or its id")
if document_id is None:
    st.info("Choose the document first: its items are filed under it, dated to its publication.",
            icon=":material/description:")
    st.stop()
document = documents.set_index("id").loc[document_id]
published = PartialDate(start=document["published_start"], precision=document["published_precision"])
with session.workspace() as ws:
    has_text = ws.store.document_text_info(document_id) is not None

run = st.session_state.get(RUN)
if run is not None and run["document"] != document_id:
    run = None  # another document: its proposals are not this one's


def _text_given() -> source_text.SourceText:
    """The text chosen below, read and checked (SourceTextError says why it cannot be used)."""
    how = st.session_state.get("review:source", PASTE)
    if how == STORED:
        with session.workspace() as ws:
            stored = ws.store.document_text(document_id)
        if stored is None:
            raise source_text.SourceTextError("this document has no stored text any more: paste it")
        return source_text.SourceText(text=stored, source="stored")
    if how == UPLOAD:
        upload = st.session_state.get("review:upload")
        if upload is None:
            raise source_text.SourceTextError("choose a file to upload, or paste the text")
        return source_text.read_source_text(upload, upload.name)
    return source_text.pasted_text(st.session_state.get("review:paste") or "")


def _propose() -> None:
    st.session_state.pop(OUTCOME, None)
    try:
        given = _text_given()
    except TrackerError as exc:
        st.session_state[OUTCOME] = {"kind": "error", "message": str(exc)}
        return
    text = given.text
    own = data.items_of_document(snap, document_id)
    own = own[own["document_id"] == document_id]  # not those only first made in it
    found = extract.extract_candidates(
        text, published=published, actors=[{"id": i, "name": n} for i, n in actor_names.items()],
        existing_quotes=dict(zip(own["id"], own["quote"])), taken_ids=data.taken_ids("item"),
        publisher=document["publisher"])
    if not found.candidates:
        st.session_state[OUTCOME] = {"kind": "info", "message": "No item was found in this text: no numbered "
                                     "recommendation and no sentence that recommends, commits, calls for "
                                     "action or reports a finding. Nothing was saved."}
        return
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1
    keep = given.source != "stored" and not has_text and st.session_state.get("review:keep", True)
    st.session_state[RUN] = {"document": document_id, "text": text, "extraction": found,
                             "generation": st.session_state[GENERATION], "keep": given if keep else None}


if run is None:
    outcome = st.session_state.pop(OUTCOME, None)
    if outcome:
        show = {"error": st.error, "saved": st.success}.get(outcome["kind"], st.info)
        show(md(outcome["message"]))
        for warning in outcome.get("warnings", []):
            st.warning(md(warning), icon=":material/warning:")
        if outcome["kind"] == "saved":
            st.page_link(page("bulk"), query_params={"items_of": document_id}, icon=":material/checklist:",
                         label="Record their statuses from a progress report")
            st.page_link(page("items"), query_params={"edit_item": outcome["first"]}, icon=":material/edit_note:",
                         label="Edit the first of them, link it to others")
    sources = ([STORED] if has_text else []) + [PASTE, UPLOAD]
    if st.session_state.get("review:source") not in sources:  # chosen for a document that had a text
        st.session_state.pop("review:source", None)
    how = st.radio("Text", sources, key="review:source", horizontal=True, persist_state=forms.PERSIST)
    if how == PASTE:
        st.text_area("Text of the document", key="review:paste", height=260, persist_state=forms.PERSIST,
                     placeholder="Paste the report's text here: its recommendations, findings and commitments.")
    elif how == UPLOAD:
        st.file_uploader("File", type=["txt", "html", "htm", "pdf"], key="review:upload",
                         help=f"Up to {source_text.MAX_UPLOAD_BYTES // (1024 * 1024)} MB; a scanned PDF "
                              "has no text to read.")
    if how != STORED and not has_text:
        st.checkbox("Keep this text as the document's text when the items are saved (later quotes from "
                    "the document are then checked against it)", value=True, key="review:keep")
    st.button("Propose items", type="primary", on_click=_propose, icon=":material/auto_awesome:",
              key="review:propose")
    st.stop()

# -- reviewing ----------------------------------------------------------------------------------

text, extraction, generation = run["text"], run["extraction"], run["generation"]
candidates = extraction.candidates
new_actor_names = {a.id: a.name for a in extraction.new_actors}
actor_choices = {**{i: f"{n} ({i})" for i, n in actor_names.items()},
                 **{i: f"{n} ({i}, new)" for i, n in new_actor_names.items()}}


def key(position: int, field: str) -> str:
    return f"review:{generation}:{position}:{field}"


for position, candidate in enumerate(candidates):
    # Each proposal's values start as proposed. Re-assigning them every run keeps them when their
    # widgets are not drawn (another page of proposals): Streamlit forgets a widget's value in a
    # run that does not draw it, but not a value the script itself set.
    for field, value in [*review.initial_values(candidate, published).items(), ("accept", False)]:
        name = key(position, field)
        st.session_state[name] = st.session_state.get(name, value)


def _set_all(accepted: bool) -> None:
    for position in range(len(candidates)):
        st.session_state[key(position, "accept")] = accepted


def _start_again() -> None:
    st.session_state.pop(RUN, None)
    st.session_state.pop(OUTCOME, None)


def _save() -> None:
    accepted = [p for p in range(len(candidates)) if st.session_state.get(key(p, "accept"))]
    values = {p: {f: st.session_state.get(key(p, f)) for f in review.EDITABLE} for p in accepted}
    found = review.reviewed_bundle(extraction, accepted, values, document_id=document_id, made=published)
    if found.bundle is None:
        st.session_state[OUTCOME] = {"kind": "refused", "problems": found.problems}
        return
    try:
        with session.workspace() as ws:
            counts = ws.import_bundle(session.token(), found.bundle)
    except SessionEndedError as exc:
        st.session_state.pop(session.TOKEN_KEY, None)
        session.notify(f"Not saved: {exc}. Your review is kept for when you are back.")
        st.session_state[OUTCOME] = {"kind": "refused", "problems": {-1: [f"Not saved: {exc}."]}}
        return
    except TrackerError as exc:
        problems = getattr(exc, "problems", None) or [str(exc)]
        st.session_state[OUTCOME] = {"kind": "refused",
                                     "problems": review.problems_by_candidate(problems, found.order)}
        return
    warnings = []
    if run.get("keep") is not None:
        try:
            with session.workspace() as ws:
                ws.set_document_text(session.token(), document_id, run["keep"])
        except TrackerError as exc:  # the items are saved; only the text was not kept
            warnings.append(f"The items are saved, but the text was not kept as the document's text: {exc}")
    st.session_state.pop(RUN, None)
    st.session_state.pop("review:paste", None)  # saved: the next text starts from an empty box
    added = ", ".join(record.id for record in found.bundle.items)
    st.session_state[OUTCOME] = {
        "kind": "saved", "warnings": warnings, "first": found.bundle.items[0].id,
        "message": f"Saved {counts['items']} item{'s' if counts['items'] != 1 else ''}"
                   + (f" and {counts['actors']} new actor{'s' if counts['actors'] != 1 else ''}" if counts["actors"] else "")
                   + f" under {doc_labels[document_id]}: {added}."}


def _date_label(text: str | None) -> str:
    try:
        return PartialDate.model_validate(text).label() if text else ""
    except ValueError:
        return str(text)  # shown as typed; saving says what is wrong with it


accepted_now = [p for p in range(len(candidates)) if st.session_state.get(key(p, "accept"))]
outcome = st.session_state.get(OUTCOME)
problems = outcome["problems"] if outcome and outcome["kind"] == "refused" else {}

st.markdown(f"**{len(candidates)} proposed** from {len(text):,} characters of text; **{len(accepted_now)} accepted**. "
            "Nothing is saved yet.")
buttons = st.columns([1, 1, 2, 1.4])
buttons[0].button("Accept all", on_click=_set_all, args=(True,), key="review:accept_all", icon=":material/done_all:")
buttons[1].button("Reject all", on_click=_set_all, args=(False,), key="review:reject_all", icon=":material/close:")
buttons[2].button(f"Save {len(accepted_now)} accepted item{'s' if len(accepted_now) != 1 else ''}", type="primary",
                  on_click=_save, key="review:save", icon=":material/save:", disabled=not accepted_now,
                  help="Filed under this document; all are saved or none.")
buttons[3].button("Start again", on_click=_start_again, key="review:again", icon=":material/restart_alt:")
new_named = sorted({a for p in accepted_now for f in ("owners", "makers")
                    for a in (st.session_state[key(p, f)] or []) if a in new_actor_names})
if new_named:
    st.caption("Saving also adds these actors, which the tracker does not know yet: "
               + "; ".join(f"{md(new_actor_names[a])} ({md(a)})" for a in new_named) + ".")
if problems:
    st.error("Nothing was saved. " + md("; ".join(problems.get(-1, []))) +
             (" Some accepted items need changes: see the marked proposals below." if set(problems) - {-1} else ""),
             icon=":material/error:")

first = 0
if len(candidates) > PER_PAGE:  # hundreds of proposals (a long report) are drawn a page at a time
    starts = list(range(0, len(candidates), PER_PAGE))
    first = st.selectbox("Proposals", starts, key=f"review:{generation}:page",
                         format_func=lambda at: f"{at + 1} to {min(at + PER_PAGE, len(candidates))} "
                                                f"of {len(candidates)}")
left, right = st.columns([2, 3], gap="medium")
with left:
    st.markdown("**The text**, proposals marked (green: accepted)")
    marks = [(c.start, c.end, n + 1, "accepted" if n in accepted_now else "proposed") for n, c in enumerate(candidates)]
    with st.container(height=720):
        if len(text) <= WHOLE_TEXT_SHOWN:
            st.html(highlighted_html(text, marks))
        else:  # megabytes on every click would stall the page: the passages of the proposals shown
            st.caption(f"The text is long ({len(text):,} characters): shown around proposals "
                       f"{first + 1} to {min(first + PER_PAGE, len(candidates))}.")
            st.html(excerpts_html(text, marks[first:first + PER_PAGE]))

with right:
    with st.container(height=720):
        for position in range(first, min(first + PER_PAGE, len(candidates))):
            candidate = candidates[position]
            number = position + 1
            with st.container(border=True):
                kind = st.session_state[key(position, "kind")]
                owners = st.session_state[key(position, "owners")] or []
                makers = st.session_state[key(position, "makers")] or []
                deadline = st.session_state[key(position, "deadline")]
                head, tick = st.columns([5, 1.3])
                head.markdown(f"**{number}. {md(kind)}**" + (f" · {md(candidate.reference)}" if candidate.reference else "")
                              + f"  \n{md(st.session_state[key(position, 'title')])}")
                tick.checkbox(f"Accept {number}", key=key(position, "accept"))
                st.markdown(f"> {md(candidate.quote)}")
                summary = [f"by {md('; '.join(actor_names.get(a) or new_actor_names.get(a, a) for a in makers)) or '(no maker)'}"]
                if kind != ItemKind.FINDING:
                    summary.append(f"to {md('; '.join(actor_names.get(a) or new_actor_names.get(a, a) for a in owners)) or '(no addressee)'}")
                    summary.append(f"deadline {md(_date_label(deadline)) or 'none'}"
                                   + (f" (read from “{md(candidate.deadline_phrase)}”)" if candidate.deadline_phrase else ""))
                summary.insert(1, f"made {md(_date_label(st.session_state[key(position, 'made')]))}")
                st.caption(" · ".join(summary) + f" · id {md(st.session_state[key(position, 'id')])}")
                if candidate.existing_item_ids:
                    st.warning("Already recorded: item " + ", ".join(md(i) for i in candidate.existing_item_ids)
                               + " holds this quote.", icon=":material/content_copy:")
                for problem in problems.get(position, []):
                    st.error(md(problem), icon=":material/error:")
                with st.expander(f"Edit {number}", expanded=bool(problems.get(position))):
                    st.selectbox("Kind", [k.value for k in ItemKind], key=key(position, "kind"))
                    st.text_input("Title", key=key(position, "title"))
                    st.multiselect("Addressees (owners)", list(actor_choices), key=key(position, "owners"),
                                   format_func=actor_choices.get)
                    st.multiselect("Made by", list(actor_choices), key=key(position, "makers"),
                                   format_func=actor_choices.get)
                    st.text_input("Date made: YYYY-MM-DD, YYYY-MM or YYYY", key=key(position, "made"))
                    st.text_input("Deadline: YYYY-MM-DD, YYYY-MM or YYYY (empty: none)", key=key(position, "deadline"))
                    st.text_input("Id", key=key(position, "id"))

