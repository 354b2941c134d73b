"""Which form field an error belongs to, so each message can be shown next to its field.

Forms build the tracker's pydantic models from what was typed; the models are the only rules.
This module turns what they raise (a ValidationError, a ValueError from ``check_kind``, a
TrackerError from the store) into ``{field: [messages]}``. Errors about the whole record
(pydantic's model validators, store errors) name no field in their location; they are placed
on the first field their message mentions ("... at least one addressee in owners" -> owners),
else on ``FORM`` (shown above the save button). No Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from pydantic import ValidationError

FORM = "_form"

# pydantic's wording, made readable for a form.
_REWORDS = (
    (re.compile(r"^String should have at least 1 character$"), "this field is required"),
    (re.compile(r"^String should have at most (\d+) characters$"), r"too long: at most \1 characters"),
    (re.compile(r"^List should have at least 1 item after validation, not 0$"), "choose at least one"),
    (re.compile(r"^Field required$"), "this field is required"),
    (re.compile(r"^Input should be a valid date.*$"), "enter a date"),
    (re.compile(r"^String should match pattern '\^\[a-z0-9\]\[a-z0-9-\]\{0,79\}\$'$"),
     "use lower-case letters, digits and hyphens (up to 80), starting with a letter or digit"),
    (re.compile(r"^String should match pattern '\^\[a-z0-9\]\[a-z0-9\._-\]\{1,39\}\$'$"),
     "use 2 to 40 lower-case letters, digits, dots, hyphens or underscores, starting with a letter or digit"),
)


def reword(message: str) -> str:
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    for pattern, replacement in _REWORDS:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


def _phrases(field: str, aliases: Mapping[str, Sequence[str]]) -> list[str]:
    plain = field.removesuffix("_id").replace("_", " ")
    return [*aliases.get(field, ()), field, plain]


def field_for_message(
    message: str, fields: Iterable[str], aliases: Mapping[str, Sequence[str]] | None = None
) -> str:
    """The field whose name (or an alias) ``message`` mentions first; else FORM.

    A longer phrase beats a shorter one starting at the same place ("evidence document" is the
    evidence_document_id field, not the evidence field).
    """
    aliases = aliases or {}
    lowered = message.lower()
    best: tuple[int, int, str] | None = None
    for field in fields:
        for phrase in _phrases(field, aliases):
            found = re.search(rf"(?<![\w-]){re.escape(phrase.lower())}(?![\w-])", lowered)
            if found:
                rank = (found.start(), -len(phrase), field)
                best = rank if best is None or rank < best else best
    return best[2] if best else FORM


def field_errors(
    error: Exception,
    fields: Iterable[str],
    aliases: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, list[str]]:
    """``error`` as messages per form field (``FORM`` for the record as a whole).

    ``fields`` are the model field names the form shows; ``aliases`` adds phrases that
    messages use for a field ({"owners": ["addressee"]}).
    """
    fields = list(fields)
    found: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        if message not in found.setdefault(field, []):
            found[field].append(message)

    if isinstance(error, ValidationError):
        for problem in error.errors():
            loc = [part for part in problem["loc"] if part != "__root__"]
            # A field left empty fails whatever rule comes first ("Input should be a valid
            # string", a pattern, "'' is not a date"): what the person needs to hear is that it
            # is required.
            empty = loc and problem.get("input", ...) in (None, "")
            message = "this field is required" if empty else reword(problem["msg"])
            if loc and loc[0] in fields:
                add(str(loc[0]), message)
            else:
                add(field_for_message(message, fields, aliases), message)
        return found
    message = reword(str(error))
    add(field_for_message(message, fields, aliases), message)
    return found
