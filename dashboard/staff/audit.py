"""The audit log: who changed what and when, with the old and new values, and (on request) who
signed in and out. Read-only: the store offers no way to change or delete an entry, and the
table refuses it in SQL as well."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.staff import changes, gate, session

LIMIT = 5000
#: What to list: record changes only (the default), sign-in and session events only, or both.
SHOWN = {"Record changes": False, "Sign-ins and sessions": True, "Both": None}

gate.require()
st.title("Audit log")
st.caption("Every change made by staff, imports and the command line, newest first; and, when you "
           "choose them, sign-ins, refused sign-ins and lockouts of accounts, sign-outs and sessions "
           "ended by inactivity or a disabled account. Entries cannot be edited or deleted.")

shown = st.radio("Show", list(SHOWN), horizontal=True, key="audit_show", bind="query-params")
sign_ins = SHOWN[shown]
with session.workspace() as ws:
    everything = ws.audit_log(session.token(), sign_ins=sign_ins, limit=LIMIT)

left, middle, right = st.columns(3)
who = left.selectbox("Who", sorted(everything["username"].unique()), index=None, key="audit_who",
                     bind="query-params", placeholder="Anyone")
action = middle.selectbox("Action", sorted(everything["action"].unique()), index=None, key="audit_action",
                          bind="query-params", placeholder="Any action")
entity = right.selectbox("Kind of record", sorted(everything["entity"].unique()), index=None,
                         key="audit_entity", bind="query-params", placeholder="Any record")
left, right = st.columns(2)
record = left.text_input("Record id", key="audit_record", bind="query-params",
                         placeholder="e.g. an item id").strip()
since = right.date_input("Since", value=None, max_value=dt.date.today(), key="audit_since",
                         format="YYYY-MM-DD")

with session.workspace() as ws:
    log = ws.audit_log(session.token(), username=who, action=action, entity_id=record or None,
                       since=since, sign_ins=sign_ins, limit=LIMIT)
if entity:
    log = log[log["entity"] == entity]

st.caption(f"{len(log)} entr{'y' if len(log) == 1 else 'ies'}"
           + (f" (the newest {LIMIT} only)" if len(log) >= LIMIT else ""))
st.dataframe(
    changes.audit_table(log), hide_index=True, key="audit_table", height=min(38 + 35 * max(len(log), 1), 700),
    column_config={
        "#": st.column_config.NumberColumn(width="small"),
        "Who": st.column_config.TextColumn(width="small"),
        "Action": st.column_config.TextColumn(width="small"),
        "New values": st.column_config.TextColumn(width="large"),
        "Old values": st.column_config.TextColumn(width="large"),
    },
)
