"""Bad input has bounds: over-long text and hidden control characters are refused with a
message next to the field on the page (and nothing is saved), and with a 400 naming the field
in the API. One row per field people write, page and API alike."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from communications.models import Message
from coop import text
from coop.models import Society
from meetings.models import Meeting
from membership.models import Application, Declaration
from surplus.models import FinancialYear
from tests.communications.test_pages import compose_data
from tests.coop.test_views import rules_data
from tests.factories import MemberFactory
from tests.membership.test_interest_pages import form_data as declaration_data
from tests.membership.test_views import application_data
from tests.pages import PageCheckingClient, assert_field_error
from tests.voting.test_officer_pages import ballot_data
from voting.models import Ballot

RLO = "Sam \u202eEvans"          # shows as "Sam snavE" in a right-to-left override
ZERO_WIDTH = "Sam\u200bEvans"    # looks like "SamEvans", compares different
BELL = "2 Station Road\x07"
TOO_LONG = "Keep this to"
HIDDEN_NAME = "Names can't contain hidden control characters"
HIDDEN_LINE = "This can't contain hidden control characters, such as new lines"
HIDDEN_TEXT = "This can't contain hidden control characters (new lines and tabs are fine)"


def long(limit: int) -> str:
    return ("A line of text.\n" * (limit // 16 + 1))[: limit + 1]


def classes(society):
    return {c.name: c for c in society.member_classes.all()}


# (page, who, field, value, message, how the valid form is made, what must stay unsaved)
PAGES = [
    ("apply", "user", "full_name", RLO, HIDDEN_NAME, application_data, Application),
    ("apply", "user", "full_name", ZERO_WIDTH, HIDDEN_NAME, application_data, Application),
    ("apply", "user", "address", long(text.ADDRESS), TOO_LONG, application_data, Application),
    ("apply", "user", "address", BELL, HIDDEN_TEXT, application_data, Application),
    ("apply", "user", "access_needs", long(text.TEXT), TOO_LONG, application_data, Application),
    ("apply", "user", "postcode", "LS2\x1b7EE", HIDDEN_LINE, application_data, Application),
    ("society_rules", "secretary", "name", "Mutual\u2066 Support", HIDDEN_NAME, rules_data,
     Society),
    ("society_rules", "secretary", "address", long(text.ADDRESS), TOO_LONG, rules_data,
     Society),
    ("society_rules", "secretary", "payment_instructions", long(text.TEXT), TOO_LONG,
     rules_data, Society),
    ("ballot_new", "secretary", "title", "Where\u202d shall we meet?", HIDDEN_LINE,
     ballot_data, Ballot),
    ("ballot_new", "secretary", "summary", long(text.TEXT), TOO_LONG, ballot_data, Ballot),
    ("message_new", "secretary", "body", long(text.LONG_TEXT), TOO_LONG,
     lambda s: compose_data(classes(s)), Message),
    ("message_new", "secretary", "subject", "Rota\x00 forum", "Null characters",
     lambda s: compose_data(classes(s)), Message),
    ("meeting_new", "secretary", "place", long(text.NOTE), TOO_LONG,
     lambda s: {"kind": "general", "date": "2031-05-01", "time": "18:00"}, Meeting),
    ("declare_interest", "member", "description", long(text.TEXT), TOO_LONG,
     declaration_data, Declaration),
    ("declare_interest", "member", "other_party", "Able\u200f Transport", HIDDEN_NAME,
     declaration_data, Declaration),
    ("year_new", "treasurer", "notes", long(text.TEXT), TOO_LONG,
     lambda s: {"starts_on": "2025-04-01", "ends_on": "2026-03-31", "income": "10",
                "expenditure": "5"}, FinancialYear),
]


def snapshot(model, society):
    """What is saved, to compare before and after: the rows, or the society's own fields."""
    if model is Society:
        return list(Society.objects.filter(pk=society.pk).values())
    return model.objects.count()


@pytest.fixture
def person(society, officer_for, user):
    def make(role):
        if role == "user":
            return user
        if role == "member":
            return MemberFactory(society=society).user
        return officer_for(role)
    return make


@pytest.mark.parametrize("page, who, field, value, message, data, model", PAGES,
                         ids=[f"{p[0]}-{p[2]}-{i}" for i, p in enumerate(PAGES)])
def test_the_page_refuses_it_next_to_the_field_and_saves_nothing(
        society, person, page, who, field, value, message, data, model):
    client = PageCheckingClient()
    client.force_login(person(who))
    before = snapshot(model, society)

    response = client.post(reverse(page, args=[society.slug]), data(society) | {field: value})

    assert response.status_code in (200, 400)
    assert_field_error(response, field, message)
    assert snapshot(model, society) == before


# (endpoint under /api/v1/societies/mutual/, method, who, body, field)
def application_body(society, **changes):
    return {"member_class": society.member_classes.get(name="Carer").pk,
            "full_name": "Rosa Parks", "address": "1 High Street", "postcode": "M1 1AA",
            "email": "rosa@example.org", "confirmed_eligible": True,
            "confirmed_not_in_other_class": True, **changes}


def ballot_body(society, **changes):
    return {"title": "Where should we meet?", "summary": "Pick a place.", "kind": "choice",
            "options": [{"label": "Library"}, {"label": "Hall"}], **changes}


def message_body(society, **changes):
    return {"subject": "Rota forum", "body": "Come along", "audience": "all", **changes}


def meeting_body(society, **changes):
    return {"kind": "general", "starts_at": "2031-05-01T18:00:00Z", "place": "Hall", **changes}


def declare_body(society, **changes):
    return {"interest_type": "family", "description": "My brother drives for us.",
            "topics": [society.interest_topics.first().pk], **changes}


def year_body(society, **changes):
    return {"starts_on": "2025-04-01", "ends_on": "2026-03-31", "income": "10",
            "expenditure": "5", **changes}


API = [
    ("applications/", "user", application_body, {"full_name": RLO}, Application),
    ("applications/", "user", application_body, {"address": long(text.ADDRESS)}, Application),
    ("applications/", "user", application_body, {"access_needs": long(text.TEXT)},
     Application),
    ("applications/", "user", application_body, {"address": BELL}, Application),
    ("ballots/", "secretary", ballot_body, {"title": "Meet\u202e here"}, Ballot),
    ("ballots/", "secretary", ballot_body, {"summary": long(text.TEXT)}, Ballot),
    ("ballots/", "secretary", ballot_body,
     {"options": [{"label": "Library", "description": long(text.TEXT)}, {"label": "Hall"}]},
     Ballot),
    ("messages/", "secretary", message_body, {"body": long(text.LONG_TEXT)}, Message),
    ("messages/", "secretary", message_body, {"subject": "Rota\x1b forum"}, Message),
    ("meetings/", "secretary", meeting_body, {"place": long(text.NOTE)}, Meeting),
    ("meetings/", "secretary", meeting_body, {"access_notes": "Loop\x07"}, Meeting),
    ("interests/", "member", declare_body, {"other_party": "Able\u2068 Transport"},
     Declaration),
    ("interests/", "member", declare_body, {"description": "Brother\x07 drives"}, Declaration),
    ("surplus/years/", "treasurer", year_body, {"notes": long(text.TEXT)}, FinancialYear),
]


@pytest.mark.parametrize("endpoint, who, body, bad, model", API,
                         ids=[f"{a[0]}{next(iter(a[3]))}-{i}" for i, a in enumerate(API)])
def test_the_api_answers_400_naming_the_field_and_saves_nothing(
        society, person, endpoint, who, body, bad, model):
    client = APIClient()
    client.force_login(person(who))
    before = snapshot(model, society)

    response = client.post(f"/api/v1/societies/{society.slug}/{endpoint}", body(society, **bad),
                           format="json")

    assert response.status_code == 400, response.content
    field = next(iter(bad))
    assert field in response.json(), response.json()
    assert snapshot(model, society) == before


def test_a_valid_body_of_each_kind_is_accepted(society, person):
    """The rows above fail for the bad field alone: the same bodies without it are saved."""
    for endpoint, who, body, _, _ in {(a[0], a[1], a[2], None, None) for a in API}:
        client = APIClient()
        client.force_login(person(who))
        response = client.post(f"/api/v1/societies/{society.slug}/{endpoint}", body(society),
                               format="json")
        assert response.status_code == 201, (endpoint, response.content)


@pytest.mark.parametrize("name", ["Zoë O'Neill-Brontë", "Ana María", "محمد\u200cرضا",
                                  "Family \U0001F468\u200d\U0001F469\u200d\U0001F467",
                                  "李小龍", "Ōkubo"])
def test_real_names_are_accepted(name):
    text.validate_name(name)


@pytest.mark.parametrize("value", ["Sam\u202eEvans", "Sam\u2066Evans", "Sam\u200eEvans",
                                   "Sam\u061cEvans", "Sam\u200bEvans", "Sam\ufeffEvans",
                                   "Sam\x00", "Sam\nEvans", "Sam\tEvans", "Sam\x85Evans",
                                   "Sam\x7fEvans"])
def test_hidden_characters_in_names_are_refused(value):
    with pytest.raises(Exception, match="Names can't contain hidden control characters"):
        text.validate_name(value)


def test_text_of_several_lines_keeps_new_lines_and_tabs_but_not_other_controls():
    text.validate_text("Line one\r\nLine two\n\tindented")
    for bad in ("bell\x07", "escape\x1b[31m", "nul\x00", "c1\x9b"):
        with pytest.raises(Exception, match="hidden control characters"):
            text.validate_text(bad)
