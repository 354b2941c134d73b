import datetime as dt

import pytest
from pydantic import ValidationError

from tracker.models import (
    Assessment,
    Bundle,
    ItemIn,
    ItemKind,
    Link,
    PartialDate,
    UserIn,
    describe_validation_error,
)


@pytest.mark.parametrize(
    "text,start,precision,label",
    [
        ("2020-12-15", dt.date(2020, 12, 15), "day", "15 December 2020"),
        ("2023-04", dt.date(2023, 4, 1), "month", "April 2023"),
        ("2022", dt.date(2022, 1, 1), "year", "2022"),
        (2018, dt.date(2018, 1, 1), "year", "2018"),
        (dt.date(2023, 12, 8), dt.date(2023, 12, 8), "day", "8 December 2023"),
    ],
)
def test_partial_date_parses_each_precision(text, start, precision, label):
    value = PartialDate.model_validate(text)
    assert value.start == start
    assert value.precision == precision
    assert value.label() == label
    assert PartialDate.model_validate(value.iso()) == value


@pytest.mark.parametrize(
    "text,message",
    [
        ("2023-13-40", "month 13 does not exist"),
        ("2023-02-30", "day 30 does not exist"),
        ("15/12/2020", "is not a date"),
        ("", "is not a date"),
        ("1066", "out of range"),
    ],
)
def test_partial_date_rejects_impossible_dates(text, message):
    with pytest.raises(ValidationError) as info:
        PartialDate.model_validate(text)
    assert message in str(info.value)


@pytest.mark.parametrize(
    "text,end", [("2022", dt.date(2022, 12, 31)), ("2024-02", dt.date(2024, 2, 29)), ("2021-03-04", dt.date(2021, 3, 4))]
)
def test_partial_date_end_is_last_day_of_period(text, end):
    assert PartialDate.model_validate(text).end == end


def item(**changes):
    values = dict(
        id="c1", kind="commitment", title="A title", quote="a quote", document_id="doc",
        makers=["home-office"], owners=["home-office"], made="2020-12",
    )
    values.update(changes)
    return ItemIn.model_validate(values)


def test_item_accepts_semicolon_lists_and_lowercases_themes():
    value = item(makers="home-office; npcc", themes="Data Collection; Policing")
    assert value.makers == ["home-office", "npcc"]
    assert value.themes == ["data collection", "policing"]


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"id": "Bad Id"}, "String should match pattern"),
        ({"kind": "promise"}, "Input should be 'commitment'"),
        ({"quote": "x" * 50_000}, "at most 2000 characters"),
        ({"quote": "   "}, "at least 1 character"),
        ({"made": "2023-13-40"}, "month 13 does not exist"),
        ({"made": "2199-01"}, "is in the future"),
        ({"makers": []}, "at least 1 item"),
        ({"kind": "recommendation", "owners": []}, "needs at least one addressee"),
        ({"kind": "finding", "deadline": "2024"}, "carries no deadline"),
        ({"title": "bad\x00title"}, "control characters"),
        ({"surprise": 1}, "Extra inputs are not permitted"),
        ({"makers": ["a", "a"]}, "lists the same value twice"),
        ({"made": "2024-05", "deadline": "2024-04"}, "the deadline (April 2024) ends before the item was made (May 2024)"),
    ],
)
def test_item_rejects_bad_values(changes, message):
    with pytest.raises(ValidationError) as info:
        item(**changes)
    assert any(message in line for line in describe_validation_error(info.value)), describe_validation_error(info.value)


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "ftp://x.org/", "http://", "https://a b.org/"]
)
def test_evidence_url_must_be_http(url):
    with pytest.raises(ValidationError) as info:
        Assessment(status="delivered", evidence="e", assessed_on="2021-01-01", evidence_url=url)
    assert "evidence_url" in str(info.value)


def test_evidence_url_http_and_blank_accepted():
    assert Assessment(status="delivered", evidence="e", assessed_on="2021-01-01",
                      evidence_url="https://example.org/a?b=1").evidence_url == "https://example.org/a?b=1"
    assert Assessment(status="delivered", evidence="e", assessed_on="2021-01-01", evidence_url="").evidence_url is None


@pytest.mark.parametrize(
    "values,message",
    [
        ({"status": "delivered", "evidence": " "}, "at least 1 character"),
        ({"status": "done", "evidence": "e"}, "Input should be"),
        ({"evidence": "e"}, "give a status"),
        ({"status": "delivered", "response": "accepted", "evidence": "e"}, "give one or the other"),
    ],
)
def test_assessment_rejects_bad_values(values, message):
    with pytest.raises(ValidationError) as info:
        Assessment.model_validate({"assessed_on": "2021-01-01", **values})
    assert message in str(info.value)


def test_assessment_in_future_is_refused():
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="is in the future"):
        Assessment(status="delivered", evidence="e", assessed_on=tomorrow)


@pytest.mark.parametrize(
    "kind,values,message",
    [
        (ItemKind.FINDING, {"status": "delivered"}, "findings carry no status"),
        (ItemKind.RECOMMENDATION, {"status": "delivered"}, "is a commitment status"),
        (ItemKind.RECOMMENDATION, {"response": "accepted"}, "needs both"),
        (ItemKind.COMMITMENT, {"response": "accepted", "implementation": "implemented"}, "takes a status"),
        (ItemKind.CALL, {"implementation": "implemented"}, "takes a status"),
    ],
)
def test_assessment_vocabulary_must_fit_kind(kind, values, message):
    assessment = Assessment.model_validate({"evidence": "e", "assessed_on": "2021-01-01", **values})
    with pytest.raises(ValueError, match=message):
        assessment.check_kind(kind)


def test_link_cannot_point_to_itself():
    with pytest.raises(ValidationError, match="cannot link to itself"):
        Link(source_id="a", kind="repeats", target_id="a")


@pytest.mark.parametrize("username", ["a", "Has Space", "UPPER", "x" * 41])
def test_username_pattern(username):
    with pytest.raises(ValidationError):
        UserIn(username=username, display_name="A Person")


def test_bundle_reference_problems_name_every_dangling_reference(sample_bundle):
    data = sample_bundle.model_dump(mode="json")
    data["items"][0]["makers"] = ["nobody"]
    data["items"][1]["links"][0]["target_id"] = "missing-item"
    data["items"][2]["document_id"] = "missing-doc"
    problems = Bundle.model_validate(data).reference_problems()
    assert "items[0] (improve-data): makers 'nobody' is not an actor" in problems
    assert any("link contradicts 'missing-item' is not an item" in p for p in problems)
    assert "items[2] (track-abuse): document_id 'missing-doc' is not a document" in problems


def test_bundle_rejects_other_formats():
    with pytest.raises(ValidationError, match="expected format"):
        Bundle(format="something-else")


@pytest.mark.parametrize("deadline", ["2024", "2024-05", "2024-05-01", "2030"])
def test_a_deadline_in_the_period_made_or_later_is_accepted(deadline):
    assert item(made="2024-05", deadline=deadline).deadline.iso() == deadline


def test_seed_is_no_staff_username():
    """The seed loader records under "seed", and public pages show such history as the tracker's
    first dataset: an account of that name could only be a trap (its every write is refused)."""
    for name in ("seed", "SEED"):
        with pytest.raises(ValidationError):
            UserIn(username=name, display_name="Seed")
    UserIn(username="seeder", display_name="Seeder")


@pytest.mark.parametrize("email", ["e\x1b@x.org", "e@x\u202e.org", "e\x85@x.org", "e\x00@x.org"])
def test_an_email_refuses_control_and_bidi_characters(email):
    with pytest.raises(ValidationError):
        UserIn(username="eve", display_name="Eve", email=email)
