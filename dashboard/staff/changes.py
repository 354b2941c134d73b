"""Audit entries in words: what another person changed (shown when a save is refused) and
the audit log table. No Streamlit here; the workspace supplies the entries."""

from __future__ import annotations

import json

import pandas as pd

from tracker.models import split_list

_STATUS_FIELDS = ("status", "response", "implementation")


def describe(change: dict) -> str:
    """One line for an audit entry of an item: what it set, in the reader's words."""
    after = change.get("after") or {}
    before = change.get("before") or {}
    action = change.get("action")
    if action == "assess":
        words = " / ".join(f"{field} {after[field]!r}" for field in _STATUS_FIELDS if after.get(field))
        evidence = str(after.get("evidence") or "")
        if len(evidence) > 160:
            evidence = evidence[:159].rstrip() + "\u2026"
        return f"recorded {words} on {after.get('assessed_on')}: {evidence}"
    if action == "revise deadline":
        deadline = after.get("deadline") or "no deadline"
        return f"moved the deadline to {deadline}: {after.get('reason', '')}"
    if action == "update":
        changed = sorted(key for key in after if key in before and _differs(before[key], after[key]))
        return "changed " + (", ".join(changed) if changed else "the item's text")
    return str(action)


def _differs(old: object, new: object) -> bool:
    if isinstance(new, list):
        old_list = split_list(old) if isinstance(old, str) else old
        return list(old_list or []) != new
    return (old or None) != (new or None)


def changes_table(changes: list[dict]) -> pd.DataFrame:
    """The changes as a table (newest first) with When, Who and What columns."""
    return pd.DataFrame(
        {
            "When": [str(c.get("at", ""))[:19].replace("T", " ") + " UTC" for c in changes],
            "Who": [c.get("username", "") for c in changes],
            "What": [describe(c) for c in changes],
        }
    )


def values_text(stored: object) -> str:
    """An audit entry's old or new values (stored as JSON) as "field: value · field: value"."""
    if stored is None or stored == "":
        return ""
    try:
        values = json.loads(stored) if isinstance(stored, str) else stored
    except ValueError:
        return str(stored)
    if not isinstance(values, dict):
        return str(values)
    parts = []
    for key, value in values.items():
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = "; ".join(map(str, value))
        parts.append(f"{key}: {value}")
    return " · ".join(parts)


def audit_table(log: pd.DataFrame) -> pd.DataFrame:
    """The audit log as people read it: when (to the second, UTC), who, what, old and new values."""
    return pd.DataFrame(
        {
            "#": log["id"],
            "When (UTC)": log["at"].astype(str).str.slice(0, 19).str.replace("T", " "),
            "Who": log["username"],
            "Action": log["action"],
            "Record": log["entity"] + " " + log["entity_id"].astype(str),
            "New values": log["after"].map(values_text),
            "Old values": log["before"].map(values_text),
        }
    )
