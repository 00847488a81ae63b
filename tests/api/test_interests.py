"""The register of interests API: declaring, amending and ending your own declarations, the
board's register with its filters, what everyone else may see (a permission table), the topics
list, and the errors a client meets. Declarations are never edited or deleted."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from coop.models import AuditEntry, Officer
from membership.enums import InterestType
from membership.interests import services
from membership.models import Declaration, InterestTopic
from tests.factories import MemberFactory, OfficerFactory, UserFactory

BASE = "/api/v1/societies/mutual/interests"
TOPICS = "/api/v1/societies/mutual/interest-topics/"
PA_PAY = "PA pay and conditions"
SUPPLIERS = "Contracts and suppliers"
RELATIVES = "Employment of relatives"


def topic(society, name):
    return InterestTopic.objects.get(society=society, name=name)


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def declare(society, person, *names, **fields):
    fields = {"interest_type": InterestType.FINANCIAL,
              "description": "My brother runs Able Transport Ltd."} | fields
    return services.declare(society, person, by=person,
                            topics=[topic(society, n) for n in names or [SUPPLIERS]], **fields)


def listed(client, query=""):
    response = client.get(f"{BASE}/{query}")
    assert response.status_code == 200, response.content
    return {d["id"] for d in response.json()["results"]}


# --- declaring ----------------------------------------------------------------------------------

def test_member_declares_an_interest(society, member):
    payload = {"topics": [topic(society, SUPPLIERS).pk, topic(society, RELATIVES).pk],
               "interest_type": "family", "description": "  My sister drives for Able Transport.",
               "other_party": "Able Transport Ltd", "began_on": "2025-04-01"}

    response = client_for(member.user).post(f"{BASE}/", payload, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert [t["name"] for t in body["topics"]] == [SUPPLIERS, RELATIVES]
    assert body["interest_type"] == "family"
    assert body["interest_type_label"] == "Family or close relationship"
    assert body["description"] == "My sister drives for Able Transport."
    assert (body["person"], body["person_name"]) == (member.user.pk, member.full_name)
    assert (body["began_on"], body["ended_on"], body["ended"]) == ("2025-04-01", None, False)
    assert (body["previous"], body["replaced_by"], body["latest"]) == (None, None, True)
    declaration = Declaration.objects.get(pk=body["id"])
    assert declaration.person == member.user and declaration.declared_by == member.user
    assert AuditEntry.objects.filter(action="membership.interest.declared",
                                     object_id=str(declaration.pk)).exists()


def test_an_officer_who_is_not_a_member_can_declare(society, officer_for):
    scrutineer = officer_for("scrutineer")

    response = client_for(scrutineer).post(
        f"{BASE}/", {"topics": [topic(society, PA_PAY).pk], "interest_type": "personal",
                     "description": "I employ a PA."}, format="json")

    assert response.status_code == 201, response.content
    assert listed(client_for(scrutineer)) == {response.json()["id"]}


@pytest.mark.parametrize("change, field, message", [
    ({"topics": None}, "topics", "Choose at least one topic"),
    ({"topics": []}, "topics", "Choose at least one topic"),
    ({"topics": [999999]}, "topics", "Choose one of this co-op's topics."),
    ({"topics": "foreign"}, "topics", "Choose one of this co-op's topics."),
    ({"topics": "retired"}, "topics", "Choose one of this co-op's topics."),
    ({"topics": ["abc"]}, "topics", "Give each topic as its number (id)."),
    ({"interest_type": None}, "interest_type", "Choose the kind of interest."),
    ({"interest_type": "money"}, "interest_type", "financial, personal, family or other"),
    ({"description": "   "}, "description", "Describe the interest in a sentence or two."),
    ({"description": None}, "description", "Describe the interest in a sentence or two."),
    ({"began_on": "31/03/2026"}, "began_on", "Enter a real date"),
    ({"began_on": "future"}, "began_on", "cannot be in the future"),
    ({"other_party": "x" * 201}, "other_party", "under 200 characters"),
])
def test_declaring_with_bad_input_is_400_on_the_field(change, field, message, society, member,
                                                      other_society):
    payload = {"topics": [topic(society, SUPPLIERS).pk], "interest_type": "financial",
               "description": "A supplier.", **change}
    if payload["topics"] == "foreign":
        payload["topics"] = [topic(other_society, SUPPLIERS).pk]
    if payload["topics"] == "retired":
        retired = topic(society, RELATIVES)
        services.retire_topic(retired, by=member.user)
        payload["topics"] = [retired.pk]
    if payload.get("began_on") == "future":
        payload["began_on"] = (timezone.localdate() + timedelta(days=1)).isoformat()
    payload = {k: v for k, v in payload.items() if v is not None}

    response = client_for(member.user).post(f"{BASE}/", payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
    assert not Declaration.objects.exists()


def test_declaring_needs_membership_and_sign_in(society, other_member, api):
    payload = {"topics": [topic(society, SUPPLIERS).pk], "interest_type": "financial",
               "description": "A supplier."}

    assert api.post(f"{BASE}/", payload, format="json").status_code == 401
    assert client_for(other_member.user).post(f"{BASE}/", payload,
                                              format="json").status_code == 404
    assert client_for(UserFactory()).post(f"{BASE}/", payload, format="json").status_code == 404
    assert not Declaration.objects.exists()


# --- amending and ending: new versions, never edits ---------------------------------------------

def test_amend_adds_a_version_and_keeps_the_old_one(society, member):
    first = declare(society, member.user, SUPPLIERS, other_party="Able Transport")
    client = client_for(member.user)

    response = client.post(f"{BASE}/{first.pk}/amend/",
                           {"other_party": "Able Travel Ltd", "note": "New company name"},
                           format="json")

    assert response.status_code == 201, response.content
    new = response.json()
    assert new["id"] != first.pk and new["previous"] == first.pk and new["latest"]
    assert new["other_party"] == "Able Travel Ltd" and new["change_note"] == "New company name"
    assert new["description"] == first.description  # left out, so kept
    assert [t["name"] for t in new["topics"]] == [SUPPLIERS]
    old = client.get(f"{BASE}/{first.pk}/").json()
    assert (old["other_party"], old["replaced_by"], old["latest"]) == (
        "Able Transport", new["id"], False)
    assert [v["id"] for v in old["versions"]] == [first.pk, new["id"]]
    assert [v["other_party"] for v in old["versions"]] == ["Able Transport", "Able Travel Ltd"]
    # Her own list has every version; the register only the latest.
    assert listed(client) == {first.pk, new["id"]}
    assert AuditEntry.objects.filter(action="membership.interest.amended").count() == 1


def test_amending_a_replaced_version_is_409_naming_the_latest(society, member):
    first = declare(society, member.user)
    second = services.amend(first, by=member.user, description="Changed.")

    response = client_for(member.user).post(f"{BASE}/{first.pk}/amend/",
                                            {"description": "Again", "note": "x"},
                                            format="json")

    assert response.status_code == 409
    assert f"id {second.pk}" in response.json()["detail"]
    assert Declaration.objects.count() == 2


@pytest.mark.parametrize("body, field, message", [
    ({"description": "Changed."}, "note", "Say in a few words what has changed."),
    ({"description": "Changed.", "note": "  "}, "note", "Say in a few words what has changed."),
    ({"note": "Nothing really"}, "non_field_errors", "You have not changed anything."),
    ({"description": "My brother runs Able Transport Ltd.", "note": "Same"},
     "non_field_errors", "You have not changed anything."),
    ({"description": "", "note": "Cleared"}, "description", "Describe the interest"),
    ({"topics": [], "note": "No topics"}, "topics", "Choose at least one topic"),
    ({"interest_type": "bad", "note": "x"}, "interest_type", "Choose the kind of interest"),
])
def test_amending_with_bad_input_is_400(body, field, message, society, member):
    first = declare(society, member.user)

    response = client_for(member.user).post(f"{BASE}/{first.pk}/amend/", body, format="json")

    assert response.status_code == 400, response.content
    assert message in response.json()[field][0]
    assert Declaration.objects.count() == 1


def test_amend_keeps_a_retired_topic_the_declaration_already_names(society, member, secretary):
    first = declare(society, member.user, RELATIVES)
    services.retire_topic(topic(society, RELATIVES), by=secretary)

    response = client_for(member.user).post(
        f"{BASE}/{first.pk}/amend/",
        {"topics": [topic(society, RELATIVES).pk, topic(society, SUPPLIERS).pk],
         "note": "Also a supplier"}, format="json")

    assert response.status_code == 201, response.content
    assert [t["name"] for t in response.json()["topics"]] == [SUPPLIERS, RELATIVES]


def test_end_adds_an_ended_version(society, member):
    first = declare(society, member.user, began_on=timezone.localdate() - timedelta(days=90))
    client = client_for(member.user)
    ended_on = (timezone.localdate() - timedelta(days=3)).isoformat()

    response = client.post(f"{BASE}/{first.pk}/end/", {"ended_on": ended_on,
                                                        "note": "She left the company"},
                           format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["ended_on"], body["ended"], body["previous"]) == (ended_on, True, first.pk)
    assert Declaration.objects.get(pk=first.pk).ended_on is None  # the old one is untouched
    assert listed(client, "?status=current") == set()
    assert listed(client, "?status=ended") == {body["id"]}
    # Ended: it cannot be amended or ended again.
    again = client.post(f"{BASE}/{body['id']}/end/", {}, format="json")
    assert again.status_code == 409 and "already ended" in again.json()["detail"]
    amended = client.post(f"{BASE}/{body['id']}/amend/", {"description": "x", "note": "y"},
                          format="json")
    assert amended.status_code == 409 and "has ended" in amended.json()["detail"]


def test_end_defaults_to_today(society, member):
    first = declare(society, member.user)

    response = client_for(member.user).post(f"{BASE}/{first.pk}/end/", {}, format="json")

    assert response.status_code == 201
    assert response.json()["ended_on"] == timezone.localdate().isoformat()


@pytest.mark.parametrize("ended_on, message", [
    ("tomorrow", "The end date cannot be in the future."),
    ("before", "It cannot end before it began."),
    ("2026-02-31", "Enter a real date"),
])
def test_ending_with_a_bad_date_is_400(ended_on, message, society, member):
    began = timezone.localdate() - timedelta(days=10)
    first = declare(society, member.user, began_on=began)
    ended_on = {"tomorrow": (timezone.localdate() + timedelta(days=1)).isoformat(),
                "before": (began - timedelta(days=1)).isoformat()}.get(ended_on, ended_on)

    response = client_for(member.user).post(f"{BASE}/{first.pk}/end/", {"ended_on": ended_on},
                                            format="json")

    assert response.status_code == 400
    assert message in response.json()["ended_on"][0]
    assert Declaration.objects.count() == 1


def test_only_your_own_declarations_can_be_changed(society, member, secretary, officer_for):
    chair = officer_for("chair")
    officers = declare(society, chair)
    someone = declare(society, MemberFactory(society=society).user)

    # The chair's current declaration is public to members: changing it is forbidden...
    assert client_for(member.user).post(f"{BASE}/{officers.pk}/end/", {},
                                        format="json").status_code == 403
    # ...another member's is not even visible...
    assert client_for(member.user).post(f"{BASE}/{someone.pk}/end/", {},
                                        format="json").status_code == 404
    # ...and the board, who sees it, still cannot change it.
    response = client_for(secretary).post(f"{BASE}/{someone.pk}/amend/",
                                          {"description": "x", "note": "y"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "You can only change your own declarations."
    assert Declaration.objects.count() == 2


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_declarations_are_never_edited_or_deleted(method, society, member):
    first = declare(society, member.user)

    response = getattr(client_for(member.user), method)(
        f"{BASE}/{first.pk}/", {"description": "Edited"}, format="json")

    assert response.status_code == 405
    assert Declaration.objects.get().description == first.description


# --- who sees what -----------------------------------------------------------------------------

@pytest.fixture
def register(society):
    """A member's declaration amended once (two versions), and the chair's declarations: one
    current, one ended. Returns {name: declaration}, plus the people."""
    owner = MemberFactory(society=society)
    old = declare(society, owner.user, PA_PAY, interest_type=InterestType.PERSONAL)
    new = services.amend(old, by=owner.user, description="I am paid as a PA.")
    chair = OfficerFactory(society=society, role="chair").user
    current = declare(society, chair, SUPPLIERS)
    gone = services.end(declare(society, chair, RELATIVES), by=chair)
    return {"member latest": new, "member old": old, "officer current": current,
            "officer ended": gone, "owner": owner.user, "chair": chair}


def actor(who, society, other_society, register):
    if who == "anonymous":
        return None
    if who == "declaring member":
        return register["owner"]
    if who == "another member":
        return MemberFactory(society=society).user
    if who == "other society":
        return MemberFactory(society=other_society).user
    if who == "other society's secretary":
        return OfficerFactory(society=other_society, role="secretary").user
    return OfficerFactory(society=society, role=who).user


OBJECTS = ["member latest", "member old", "officer current", "officer ended"]
#                              member latest, member old, officer current, officer ended
READ = {
    "anonymous":                 (401, 401, 401, 401),
    "other society":             (404, 404, 404, 404),
    "other society's secretary": (404, 404, 404, 404),
    "another member":            (404, 404, 200, 404),
    "declaring member":          (200, 200, 200, 404),
    "secretary":                 (200, 200, 200, 200),
    "trustee":                   (200, 200, 200, 200),
    "treasurer":                 (404, 404, 200, 404),
    "scrutineer":                (404, 404, 200, 404),
}
LISTED = {  # the default list (None: refused with that status)
    "anonymous": 401,
    "other society": 404,
    "other society's secretary": 404,
    "another member": {"officer current"},
    "declaring member": {"member latest", "member old", "officer current"},
    "secretary": {"member latest", "officer current"},  # the register: current, latest only
    "trustee": {"member latest", "officer current"},
    "treasurer": {"officer current"},
    "scrutineer": {"officer current"},
}


@pytest.mark.parametrize("who, name, expected", [
    (who, name, code) for who, row in READ.items()
    for name, code in zip(OBJECTS, row, strict=True)])
def test_reading_one_declaration(who, name, expected, society, other_society, register):
    client = client_for(actor(who, society, other_society, register))

    response = client.get(f"{BASE}/{register[name].pk}/")

    assert response.status_code == expected, response.content
    if expected == 200:
        assert response.json()["id"] == register[name].pk


@pytest.mark.parametrize("who", list(LISTED))
def test_listing_declarations(who, society, other_society, register):
    client = client_for(actor(who, society, other_society, register))

    response = client.get(f"{BASE}/")

    expected = LISTED[who]
    if isinstance(expected, int):
        assert response.status_code == expected
        return
    assert response.status_code == 200
    assert {d["id"] for d in response.json()["results"]} == {register[n].pk for n in expected}


def test_a_member_sees_an_officers_current_version_but_not_its_history(society, member,
                                                                       officer_for):
    chair = officer_for("chair")
    first = declare(society, chair)
    second = services.amend(first, by=chair, description="A new supplier.")

    body = client_for(member.user).get(f"{BASE}/{second.pk}/").json()

    assert [v["id"] for v in body["versions"]] == [second.pk]
    assert client_for(member.user).get(f"{BASE}/{first.pk}/").status_code == 404
    assert client_for(chair).get(f"{BASE}/{second.pk}/").json()["versions"][0]["id"] == first.pk


def test_an_officer_who_leaves_office_is_no_longer_shown(society, member, register):
    Officer.objects.filter(user=register["chair"]).update(
        ended_on=timezone.localdate() - timedelta(days=1))

    assert listed(client_for(member.user)) == set()


def test_another_societys_declaration_is_404_under_this_address(society, other_society,
                                                                secretary):
    theirs = declare(other_society, MemberFactory(society=other_society).user)

    assert client_for(secretary).get(f"{BASE}/{theirs.pk}/").status_code == 404


# --- the register's filters --------------------------------------------------------------------

def test_register_filters(society, secretary, register):
    client = client_for(secretary)
    pk = {name: register[name].pk for name in OBJECTS}

    assert listed(client, f"?topic={topic(society, PA_PAY).pk}") == {pk["member latest"]}
    assert listed(client, f"?person={register['chair'].pk}") == {pk["officer current"]}
    assert listed(client, "?type=personal") == {pk["member latest"]}
    assert listed(client, "?status=ended") == {pk["officer ended"]}
    assert listed(client, "?status=all") == {pk["member latest"], pk["officer current"],
                                             pk["officer ended"]}
    assert listed(client, f"?status=all&topic={topic(society, RELATIVES).pk}") == {
        pk["officer ended"]}


def test_members_filters_narrow_their_own_view(society, register):
    client = client_for(register["owner"])

    assert listed(client, "?status=current") == {register["member latest"].pk,
                                                 register["officer current"].pk}
    assert listed(client, f"?topic={topic(society, SUPPLIERS).pk}") == {
        register["officer current"].pk}
    # The filters never widen what a member sees: another person's ended declaration stays out.
    assert listed(client, f"?person={register['chair'].pk}&status=ended") == set()


@pytest.mark.parametrize("query, field", [
    ("?status=old", "status"), ("?topic=999999", "topic"), ("?topic=abc", "topic"),
    ("?type=money", "type"), ("?person=abc", "person"), ("?person=0", "person"),
])
def test_bad_filters_are_400(query, field, society, secretary):
    response = client_for(secretary).get(f"{BASE}/{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


@pytest.mark.parametrize("how_many", [1, 20])
@pytest.mark.parametrize("who", ["secretary", "member"])
def test_list_queries_do_not_grow(who, how_many, society, member, officer_for,
                                  django_assert_max_num_queries):
    chair = officer_for("chair")
    for i in range(how_many):
        declare(society, member.user, description=f"Interest {i}")
        declare(society, chair, description=f"Officer's interest {i}")
    reader = officer_for("secretary") if who == "secretary" else member.user
    client = client_for(reader)

    # Session, user, society, roles, officers (members only), count, page, topics.
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/")

    assert response.status_code == 200
    assert response.json()["count"] == 2 * how_many


# --- topics ------------------------------------------------------------------------------------

def test_topics_list_with_deemed_classes(society, member, secretary):
    services.retire_topic(topic(society, RELATIVES), by=secretary)

    response = client_for(member.user).get(TOPICS)

    assert response.status_code == 200
    by_name = {t["name"]: t for t in response.json()}
    assert list(by_name) == ["PA pay and conditions", "New services for users",
                             "New services for carers", "Contracts and suppliers"]
    assert [c["name"] for c in by_name[PA_PAY]["deemed_classes"]] == ["Personal assistant"]
    assert by_name[SUPPLIERS]["deemed_classes"] == []
    everything = client_for(member.user).get(f"{TOPICS}?include_retired=true").json()
    assert [t["retired_on"] for t in everything if t["name"] == RELATIVES] == [
        timezone.localdate().isoformat()]


def test_topics_need_a_link_to_the_society(society, api, other_member, officer_for):
    assert api.get(TOPICS).status_code == 401
    assert client_for(other_member.user).get(TOPICS).status_code == 404
    assert client_for(officer_for("scrutineer")).get(TOPICS).status_code == 200


# --- the schema --------------------------------------------------------------------------------

def test_schema_documents_the_interests_api(api, db):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]

    assert set(paths["/api/v1/societies/{slug}/interests/"]) == {"get", "post"}
    assert set(paths["/api/v1/societies/{slug}/interests/{id}/"]) == {"get"}
    for action in ("amend", "end"):
        operation = paths[f"/api/v1/societies/{{slug}}/interests/{{id}}/{action}/"]["post"]
        assert set(operation["responses"]) == {"201", "400", "401", "403", "404", "409"}
    listing = paths["/api/v1/societies/{slug}/interests/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"topic", "person", "type", "status"}
    assert "get" in paths["/api/v1/societies/{slug}/interest-topics/"]
