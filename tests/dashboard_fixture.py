"""A dataset shaped like the seed documents' two chains, built in code for the dashboard tests.

The project's seeds/ are the real dataset; these tests also need a fixed, known shape (which
items are overdue, which chain has which items) that does not move when the seeds are edited.
Quotes are taken verbatim from ../shared/seeds/.
"""

from __future__ import annotations

import os
from pathlib import Path

from tracker.models import Actor, Bundle, DeadlineRevision, Document, HistoryEntry, ItemLink, ItemRecord
from tracker.store import Store

ROOT = Path(__file__).resolve().parent.parent

DEPORTATION_CHAIN = ["deport-rochdale-gang", "none-deported", "honour-deportation"]
DATA_CHAIN = ["improve-data", "ethnicity-in-custody", "data-unreliable", "consistent-tracking"]


def chain_bundle() -> Bundle:
    """Eight items: the 2018 -> 2020 deportation chain, the 2020 -> 2023 data chain, and a 2023
    commitment with no history and no links."""
    return Bundle(
        actors=[
            Actor(id="home-office", name="Home Office", kind="government department"),
            Actor(id="home-secretary", name="Home Secretary", kind="office holder"),
            Actor(id="hmicfrs", name="HMICFRS", kind="inspectorate"),
            Actor(id="police", name="Police forces", kind="police body"),
            Actor(id="rochdale-online", name="Rochdale Online", kind="other"),
            Actor(id="tony-lloyd", name="Tony Lloyd MP", kind="parliamentarian"),
        ],
        documents=[
            Document(id="rochdale-online-2020", title="Grooming gangs from diverse backgrounds says Home Office",
                     publisher="Rochdale Online", kind="news article", published="2020-12-15",
                     url="https://www.rochdaleonline.co.uk/news-features/2/news-headlines/"),
            Document(id="hmicfrs-2023", title="Inspection of the police response to group-based CSE",
                     publisher="HMICFRS", kind="inspection report", published="2023-12-08",
                     reported_in=None),
        ],
        items=[
            ItemRecord(
                id="deport-rochdale-gang", kind="commitment",
                title="Home Office announced Rochdale gang members would be deported",
                quote="it was announced they would be stripped of their British citizenship",
                document_id="rochdale-online-2020", makers=["home-office"], owners=["home-office"],
                themes=["deportation"], made="2018-08", deadline="2019",
                history=[HistoryEntry(status="stalled", assessed_on="2020-12-15",
                                      evidence="Rochdale Online reported none of the men appear to have been deported.",
                                      evidence_url="https://www.rochdaleonline.co.uk/",
                                      evidence_document_id="rochdale-online-2020")],
            ),
            ItemRecord(
                id="none-deported", kind="finding", title="Rochdale Online: none of the men deported by December 2020",
                quote="none of the men appear to have been deported",
                document_id="rochdale-online-2020", makers=["rochdale-online"], themes=["deportation"],
                made="2020-12-15",
                links=[ItemLink(kind="contradicts", target_id="deport-rochdale-gang")],
            ),
            ItemRecord(
                id="honour-deportation", kind="call", title="Tony Lloyd MP calls on the Home Secretary to honour the pledge",
                quote="Once again I am calling on the Home Secretary to honour that commitment.",
                document_id="rochdale-online-2020", makers=["tony-lloyd"], owners=["home-secretary"],
                themes=["deportation"], made="2020-12-15",
                links=[ItemLink(kind="repeats", target_id="deport-rochdale-gang")],
            ),
            ItemRecord(
                id="improve-data", kind="commitment", title="Home Office committed to improve data, including ethnicity",
                quote="the commitment to improve the collection and analysis of data on group-based child sexual exploitation",
                document_id="rochdale-online-2020", makers=["home-office"], owners=["home-office"],
                themes=["data collection"], made="2020-12-15",
                deadline_revisions=[
                    DeadlineRevision(deadline="2021", reason="in the forthcoming strategy", revised_on="2020-12-15"),
                    DeadlineRevision(deadline="2022-06", reason="strategy work continued", revised_on="2021-06-01"),
                ],
                history=[HistoryEntry(status="in progress", assessed_on="2020-12-15",
                                      evidence="The Home Office said the strategy would improve data.")],
            ),
            ItemRecord(
                id="ethnicity-in-custody", kind="call", title="Home Office asked police to record suspects' ethnicity",
                quote="In 2022 the Home Office asked the police to collect ethnicity data for every suspected offender taken into custody.",
                document_id="hmicfrs-2023", makers=["home-office"], owners=["police"],
                themes=["data collection"], made="2022",
                links=[ItemLink(kind="repeats", target_id="improve-data")],
                history=[HistoryEntry(status="partly delivered", assessed_on="2023-12-08",
                                      evidence="HMICFRS found data collected at arrest might be inaccurate.")],
            ),
            ItemRecord(
                id="data-unreliable", kind="finding", title="HMICFRS found data collection unreliable",
                quote='Data collection was "unreliable", it said',
                document_id="hmicfrs-2023", makers=["hmicfrs"], themes=["data collection"], made="2023-12-08",
                links=[ItemLink(kind="contradicts", target_id="improve-data"),
                       ItemLink(kind="evidence for", target_id="ethnicity-in-custody")],
            ),
            ItemRecord(
                id="consistent-tracking", kind="recommendation",
                title="HMICFRS recommended a consistent way to track this abuse",
                quote="It recommended the Home Office adopt a more consistent way of tracking abuse by grooming gangs.",
                document_id="hmicfrs-2023", makers=["hmicfrs"], owners=["home-office"],
                themes=["data collection"], made="2023-12-08",
                links=[ItemLink(kind="repeats", target_id="improve-data")],
                history=[HistoryEntry(response="awaiting response", implementation="not started",
                                      assessed_on="2023-12-08", evidence="Published with the inspection.")],
            ),
            ItemRecord(
                id="taskforce", kind="commitment", title="Home Office announced a taskforce on grooming gangs",
                quote="The Home Office announced the creation of a taskforce to deal with the gangs in April.",
                document_id="hmicfrs-2023", makers=["home-office"], themes=["policing"], made="2023-04",
            ),
        ],
    )


def build_fixture_db(path: str | os.PathLike) -> Path:
    """A database holding ``chain_bundle()``."""
    with Store(path) as store:
        store.import_bundle(chain_bundle(), by="test")
    return Path(path)


def real_seeds_available() -> bool:
    """True once the project's seed files and their loader exist."""
    try:
        import tracker.seeds  # noqa: F401
    except ImportError:
        return False
    return any((ROOT / "seeds").glob("*.yaml"))


def build_seeded_db(path: str | os.PathLike) -> Path:
    """A database with the project's seeds when they exist, else ``chain_bundle()``."""
    if real_seeds_available():
        from tracker.bootstrap import init_database

        init_database(path)
        return Path(path)
    return build_fixture_db(path)
