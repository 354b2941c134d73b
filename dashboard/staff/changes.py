"""What another person changed on an item, in words (shown when a save is refused).

No Streamlit here; ``Workspace.changes_since`` supplies the audit entries.
"""

from __future__ import annotations

import pandas as pd

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
        old_list = [part for part in str(old or "").split("; ") if part] if isinstance(old, str) else old
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
