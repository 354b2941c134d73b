"""About: what the statuses mean (from the code's own vocabularies), how items are chosen and
quoted, who keeps the record, how to report an error, and the data's licence."""

from __future__ import annotations

from urllib.parse import quote

import streamlit as st

from dashboard import data
from dashboard.pages import page
from dashboard.safe_text import md, md_link
from tracker import about

settings = data.settings()
st.title("About this tracker")
st.markdown(
    "It records commitments, recommendations, findings and calls made in public documents, each "
    "with a verbatim quote, and tracks what became of each one with dated evidence."
)

st.header("Who keeps the record")
st.markdown(md(about.keeper_line(settings)))

st.header("Reporting an error")
line = about.report_error_line(settings)
target = settings.contact_link
if target and target.startswith("mailto:"):
    address = settings.contact
    st.markdown(md(line.replace(address, "\0")).replace("\0", f"[{md(address)}](mailto:{quote(address, safe='@')})"))
elif target:
    st.markdown(md(line.replace(settings.contact, "\0")).replace("\0", md_link(settings.contact, target)))
else:
    st.markdown(md(line))
st.page_link(page("changes"), label="See what changed, and every correction", icon=":material/update:")

st.header("Licence")
st.markdown(md(about.licence_line(settings)) +
            (f" {md_link('Read the licence', settings.licence_url)}." if settings.licence_url else ""))

st.header("What the statuses mean")
st.markdown("An item is **open** while something is still owed, and **closed** once it reaches an end "
            "status. Findings are neither: they are evidence.")
for vocabulary in about.vocabularies():
    st.subheader(md(vocabulary.title), anchor=False)
    st.caption(md(f"Applies to {vocabulary.applies_to}."))
    rows = [{"Term": t.name, "Meaning": t.meaning, **({"Leaves the item": t.state} if t.state else {})}
            for t in vocabulary.terms]
    st.table(rows)

st.header("How the record is made")
for heading, paragraphs in about.METHOD:
    st.subheader(md(heading), anchor=False)
    for paragraph in paragraphs:
        st.markdown(md(paragraph))

st.header("Using the record")
st.markdown(
    "Every item has its own address, and the address bar keeps every filter and the “as of” date, "
    "so a link shows the view it was taken from. The Tracker page downloads what it shows as CSV "
    "or JSON, with names, links, the filter and the date; each chart's camera button saves it as "
    "a picture with its title, source and date. What changed lists every change since a date and "
    "offers the same as an Atom feed."
)
