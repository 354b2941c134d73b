"""What every staff form shares: per-record state keys, field errors, outcomes, conflicts.

A form's widgets are keyed ``<form>:<record id>:<field>`` and keep their values for the whole
session (``persist_state="session"``), so a draft per record survives a refused save, a page
switch and a session that timed out. Saving happens in the submit button's callback, which
runs before the page is drawn again: it builds the tracker model from the typed values, calls
the workspace, and leaves errors (per field) or an outcome in session state for the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import streamlit as st
from pydantic import ValidationError

from dashboard import data
from dashboard.safe_text import md
from dashboard.staff import session
from dashboard.staff.changes import changes_table
from dashboard.staff.form_errors import FORM, field_errors
from tracker.auth import SessionEndedError
from tracker.errors import TrackerError, VersionConflictError
from tracker.models import PartialDate

PERSIST = "session"


def choice_from_url(key: str, options) -> None:
    """Start the query-bound chooser ``key`` at the URL's value.

    A bound widget reads the URL when the page loads; a staff page first drawn later (after
    signing in on it) would lose ``?item=...`` without this.
    """
    wanted = st.query_params.get(key)
    if key not in st.session_state and wanted in set(options):
        st.session_state[key] = wanted


def with_suggested_id(values: dict[str, Any], entity: str, *, name_field: str = "title",
                      date_field: str | None = None) -> dict[str, Any]:
    """``values`` with an id made from its title (``tracker.ids``) when the id was left empty.

    The year of ``date_field`` ends the id when that field reads as a date; an empty title
    leaves the id empty, and the model then asks for both.
    """
    if str(values.get("id") or "").strip() or not str(values.get(name_field) or "").strip():
        return values
    year = None
    if date_field:
        try:
            year = PartialDate.model_validate(values.get(date_field)).start.year
        except (ValidationError, ValueError, TypeError):
            year = None  # the model reports the date
    return {**values, "id": data.suggested_id(entity, values[name_field], year=year)}


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


class Form:
    """State keys and outcome of one form about one record (``Form("assess", item_id)``).

    ``record`` names the record for the version check ("item:<id>"): every form on the same
    record shares the version this session last saw, so a person's own save on one form does
    not make their next save on another form look like someone else's change.
    """

    def __init__(self, name: str, record_id: str = "new", *, record: str | None = None):
        self.prefix = f"{name}:{record_id}"
        self.seen_key = f"seen:{record or self.prefix}"

    def key(self, field: str) -> str:
        return f"{self.prefix}:{field}"

    def seed(self, field: str, value: Any) -> str:
        """The widget key for ``field``, holding ``value`` until the user types something."""
        key = self.key(field)
        if key not in st.session_state:
            st.session_state[key] = value
        return key

    def value(self, field: str) -> Any:
        return st.session_state.get(self.key(field))

    def values(self, fields: Iterable[str]) -> dict[str, Any]:
        return {field: self.value(field) for field in fields}

    def reset(self, fields: Iterable[str]) -> None:
        """Forget typed values (after a save), so the next draw starts from the record."""
        for field in fields:
            st.session_state.pop(self.key(field), None)

    # -- the version the user started from (for "changed meanwhile") -----------------

    def seen_version(self, current: int) -> int:
        """The version this session first saw (kept until a save or a shown conflict)."""
        if self.seen_key not in st.session_state:
            st.session_state[self.seen_key] = current
        return st.session_state[self.seen_key]

    def set_seen_version(self, version: int) -> None:
        st.session_state[self.seen_key] = version

    # -- errors and outcomes -------------------------------------------------------------

    @property
    def errors(self) -> dict[str, list[str]]:
        return st.session_state.get(self.key("_errors"), {})

    def set_errors(self, errors: Mapping[str, list[str]]) -> None:
        st.session_state[self.key("_errors")] = dict(errors)

    def field_error(self, field: str) -> None:
        """Draw this field's messages (call right after drawing the field)."""
        for message in self.errors.get(field, []):
            st.error(md(message), icon=":material/error:")

    def set_outcome(self, kind: str, message: str, **extra: Any) -> None:
        st.session_state[self.key("_outcome")] = {"kind": kind, "message": message, **extra}

    def outcome(self) -> dict | None:
        return st.session_state.get(self.key("_outcome"))

    def clear_outcome(self) -> None:
        st.session_state.pop(self.key("_outcome"), None)
        st.session_state.pop(self.key("_errors"), None)

    def show_outcome(self) -> None:
        """Draw the result of the last save: saved, refused for a conflict, or why it failed."""
        for message in self.errors.get(FORM, []):
            st.error(md(_sentence(message)), icon=":material/error:")
        result = self.outcome()
        if not result:
            return
        message = md(_sentence(result["message"]))
        if result["kind"] == "saved":
            st.success(message, icon=":material/check_circle:")
            # Shown once: left on screen, "version 3" would contradict the page after the next
            # save on another form of the same record.
            st.session_state.pop(self.key("_outcome"), None)
        elif result["kind"] == "conflict":
            st.error(message, icon=":material/sync_problem:")
            if result.get("changes"):
                lines = [f"- {md(row.When)}, **{md(row.Who)}**: {md(row.What)}"
                         for row in changes_table(result["changes"]).itertuples(index=False)]
                st.markdown("**Changed meanwhile** (newest first):\n\n" + "\n".join(lines))
            st.info("What you typed is still in the form. Check the change above, then save again "
                    "to record yours on top of it, or edit it first.", icon=":material/edit:")
        else:
            st.error(message, icon=":material/error:")


def submit(
    form: Form,
    fields: Sequence[str],
    build: Callable[[dict[str, Any]], Any],
    write: Callable[..., Any],
    *,
    success: Callable[[Any], str],
    aliases: Mapping[str, Sequence[str]] | None = None,
    keep_on_success: Iterable[str] = (),
    versioned: bool = False,
    changes: Callable[..., list[dict]] | None = None,
) -> None:
    """The body of a submit callback: validate, write through the workspace, record the outcome.

    ``build(values)`` returns the tracker model (raising ValidationError/ValueError);
    ``write(workspace, token, model, expected_version=...)`` calls the workspace. With
    ``versioned``, a VersionConflictError keeps every typed value, records what changed
    meanwhile (``changes(workspace, token, seen_version)``), and moves the seen version on so
    that a second, deliberate save goes through.
    """
    form.clear_outcome()
    values = form.values(fields)
    try:
        model = build(values)
    except (ValidationError, ValueError) as exc:
        form.set_errors(field_errors(exc, fields, aliases))
        return
    token = session.token()
    with session.workspace() as ws:
        try:
            if versioned:
                seen = st.session_state[form.seen_key]
                result = write(ws, token, model, expected_version=seen)
            else:
                result = write(ws, token, model)
        except VersionConflictError as exc:
            missed = changes(ws, token, exc.expected) if changes else []
            form.set_seen_version(exc.actual)
            form.set_outcome("conflict", str(exc), changes=missed)
            return
        except SessionEndedError as exc:
            st.session_state.pop(session.TOKEN_KEY, None)
            session.notify(f"Not saved: {exc}. What you typed is kept for when you are back.")
            form.set_outcome("ended", f"Not saved: {exc}.")
            return
        except TrackerError as exc:
            problems = getattr(exc, "problems", None) or [str(exc)]
            errors: dict[str, list[str]] = {}
            for problem in problems:
                for field, messages in field_errors(ValueError(problem), fields, aliases).items():
                    errors.setdefault(field, []).extend(messages)
            form.set_errors(errors)
            return
    if versioned and isinstance(result, int):
        form.set_seen_version(result)
    form.reset([f for f in fields if f not in set(keep_on_success)])
    form.set_outcome("saved", success(result))
