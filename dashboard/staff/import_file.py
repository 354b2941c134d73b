"""Import a JSON or CSV file: every problem is listed first, and nothing is written unless there
are none (the same all-or-nothing validation as ``tracker import``)."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboard import data as tracker_data
from dashboard.safe_text import md
from dashboard.staff import gate, session
from tracker import exchange
from tracker.auth import SessionEndedError
from tracker.errors import ImportRejectedError, TrackerError

KEY = "import"

gate.require()
st.title("Import a file")
st.caption("JSON or CSV as `tracker export` writes them: JSON holds actors, documents and items with "
           "their history and links; CSV one item per row with its latest assessment. Records that "
           "already exist are refused, not overwritten. (The Tracker page's downloads are for "
           "reading: they name people and documents rather than giving their ids.)")
st.download_button(
    "Download the whole record as JSON in this format", data=tracker_data.export_json,
    file_name="tracker-export.json", mime="application/json", icon=":material/download:",
    key=f"{KEY}_export", on_click="ignore",
)


def _problems(problems: list[str]) -> None:
    count = len(problems)
    st.error(f"Nothing was imported: {count} problem{'s' if count != 1 else ''} to fix first.",
             icon=":material/error:")
    st.dataframe(pd.DataFrame({"Problem": problems}), hide_index=True, key=f"{KEY}_problems")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _import(data: bytes, name: str) -> None:
    """The Import button: the outcome is kept with the file's digest, to show beside that file."""
    outcome: dict = {"digest": _digest(data), "name": name}
    with session.workspace() as ws:
        try:
            outcome["counts"] = ws.import_file(session.token(), data, name)
        except ImportRejectedError as exc:
            outcome["problems"] = exc.problems
        except SessionEndedError as exc:
            st.session_state.pop(session.TOKEN_KEY, None)
            session.notify(f"Not imported: {exc}.")
            outcome["problems"] = [f"not imported: {exc}"]
        except TrackerError as exc:
            outcome["problems"] = [str(exc)]
    st.session_state[f"{KEY}_result"] = outcome


result = st.session_state.get(f"{KEY}_result")
if result and "counts" in result:
    added = ", ".join(f"{n} {what}" for what, n in result["counts"].items())
    st.success(f"Imported {md(result['name'])}: {added}.", icon=":material/check_circle:")

upload = st.file_uploader("File", type=["json", "csv"], key=f"{KEY}_file",
                          max_upload_size=exchange.MAX_IMPORT_BYTES // (1024 * 1024))
if upload is None:
    st.stop()
data = upload.getvalue()
done = result if result and result["digest"] == _digest(data) else None
if done and "counts" in done:
    st.stop()  # this very file went in already (said above); checked again, it would only clash
try:
    bundle, problems = tracker_data.import_check(data, upload.name)
except ImportRejectedError as exc:
    problems = exc.problems
if problems:  # every row that does not read and every reference that points nowhere, at once
    _problems(problems)
    st.stop()

st.write(f"The file holds {len(bundle.actors)} actors, {len(bundle.documents)} documents and "
         f"{len(bundle.items)} items, with "
         f"{sum(len(i.history) for i in bundle.items)} assessments and "
         f"{sum(len(i.links) for i in bundle.items)} links. Each row reads correctly and fits the "
         "database as it is now; the import checks it again and writes all of it or nothing.")
if done:  # refused on Import: the database changed between the check and the import
    _problems(done["problems"])
st.button("Import", type="primary", icon=":material/upload:", on_click=_import, args=(data, upload.name),
          key=f"{KEY}_go")
